import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { describe, expect, it, onTestFinished } from 'vitest';
import { inTransaction } from '../../src/store/in-transaction.js';
import { retryWhileBusy } from '../../src/store/lock-wait.js';
import type { LockWait } from '../../src/store/lock-wait.js';

const busy = Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' });
const isBusy = (e: unknown): boolean => (e as { code?: unknown }).code === 'SQLITE_BUSY';
const wait = (timeoutMs: number): LockWait => ({ timeoutMs, isBusy });

/** An attempt that fails busy `times` times, then returns 'done'; counts its calls. */
function failingBusy(times: number) {
  const calls = { n: 0 };
  const attempt = () => {
    calls.n += 1;
    return calls.n <= times ? Promise.reject(busy) : Promise.resolve('done');
  };
  return { calls, attempt };
}

describe('retryWhileBusy', () => {
  it('tries again while the lock is busy, and returns what the first free try gives', async () => {
    const { calls, attempt } = failingBusy(3);
    expect(await retryWhileBusy(wait(1000), attempt)).toBe('done');
    expect(calls.n).toBe(4);
  });

  it('gives up with the last busy error once timeoutMs has passed, not before', async () => {
    const { calls, attempt } = failingBusy(Infinity);
    const started = performance.now();
    await expect(retryWhileBusy(wait(200), attempt)).rejects.toBe(busy);
    const ms = performance.now() - started;
    expect(ms).toBeGreaterThanOrEqual(195);
    expect(ms).toBeLessThan(1000);
    // Pauses grow to 50 ms: a handful of tries in 200 ms, not thousands.
    expect(calls.n).toBeGreaterThan(3);
    expect(calls.n).toBeLessThan(40);
  });

  it('pauses on timers, so other work runs between tries', async () => {
    let ticks = 0;
    const timer = setInterval(() => (ticks += 1), 5);
    await expect(retryWhileBusy(wait(150), failingBusy(Infinity).attempt)).rejects.toBe(busy);
    clearInterval(timer);
    expect(ticks).toBeGreaterThanOrEqual(5);
  });

  it('tries once when the error is not busy, when retryable says no, with no wait or a zero wait', async () => {
    const other = new Error('no such table');
    let calls = 0;
    await expect(
      retryWhileBusy(wait(1000), () => {
        calls += 1;
        return Promise.reject(other);
      }),
    ).rejects.toBe(other);
    expect(calls).toBe(1);
    for (const [lockWait, retryable] of [
      [wait(1000), () => false],
      [undefined, () => true],
      [wait(0), () => true],
    ] as const) {
      const { calls: tries, attempt } = failingBusy(Infinity);
      await expect(retryWhileBusy(lockWait, attempt, retryable)).rejects.toBe(busy);
      expect(tries.n).toBe(1);
    }
  });
});

describe('inTransaction with a lock wait on SQLite', () => {
  async function twoConnections() {
    const dir = await mkdtemp(join(tmpdir(), 'scalelog-lock-wait-'));
    const file = join(dir, 'db.sqlite');
    const raw = new BetterSqlite3(file, { timeout: 0 });
    raw.pragma('journal_mode = WAL');
    raw.exec('create table t (n integer)');
    const db = new Kysely<{ t: { n: number } }>({ dialect: new SqliteDialect({ database: raw }) });
    const other = new BetterSqlite3(file, { timeout: 0 });
    onTestFinished(async () => {
      other.close();
      await db.destroy();
      await rm(dir, { recursive: true, force: true });
    });
    return { db, other };
  }

  it('retries the begin until the lock is let go, runs the work once, and lets reads through meanwhile', async () => {
    const { db, other } = await twoConnections();
    other.exec('begin immediate');
    setTimeout(() => other.exec('rollback'), 150);
    let runs = 0;
    let readsMeanwhile = 0;
    const state = { done: false };
    const reading = (async () => {
      while (!state.done) {
        await db.selectFrom('t').selectAll().execute();
        readsMeanwhile += 1;
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    })();
    await inTransaction(
      db,
      ['begin immediate'],
      async (conn) => {
        runs += 1;
        await conn.insertInto('t').values({ n: 1 }).execute();
      },
      wait(2000),
    );
    state.done = true;
    await reading;
    expect(runs).toBe(1);
    expect(readsMeanwhile).toBeGreaterThanOrEqual(5);
    expect(await db.selectFrom('t').select('n').execute()).toEqual([{ n: 1 }]);
  });

  it('never runs the work again when it fails busy after the begin, and rolls it back', async () => {
    const { db } = await twoConnections();
    let runs = 0;
    await expect(
      inTransaction(
        db,
        ['begin immediate'],
        async (conn) => {
          runs += 1;
          await conn.insertInto('t').values({ n: 1 }).execute();
          throw busy;
        },
        wait(2000),
      ),
    ).rejects.toBe(busy);
    expect(runs).toBe(1);
    expect(await db.selectFrom('t').select('n').execute()).toEqual([]);
    // The connection is usable: no transaction was left open on it.
    await inTransaction(db, ['begin immediate'], (conn) => sql`select 1`.execute(conn), wait(0));
  });
});
