import { existsSync } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import BetterSqlite3 from 'better-sqlite3';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { importNdjson } from '../../src/ingest/import-ndjson.js';
import { openStore } from '../../src/store/open-store.js';
import { checkpointIntervalMs } from '../../src/store/sqlite/background-checkpoints.js';
import { openSqliteBackend } from '../../src/store/sqlite/sqlite-backend.js';
import { manyLogs } from '../cli/wire-log-fixtures.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'scalelog-checkpoints-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const sizeOf = async (path: string): Promise<number> => (await stat(path)).size;

async function importMany(store: Awaited<ReturnType<typeof openStore>>, n: number) {
  const lines = manyLogs(n)
    .map((log) => JSON.stringify(log))
    .join('\n');
  return importNdjson(store, Readable.from([lines]), { skipInvalid: false });
}

/**
 * A commit that takes the WAL past SQLite's checkpoint threshold would copy it into the
 * database file, synchronously, on the thread that committed. The store leaves that to a
 * worker thread with a connection of its own.
 */
describe('SQLite checkpoints, off the event loop', () => {
  it('are not run by the writing connection, but by the worker, soon after the commit', async () => {
    const path = join(dir, 'scalelog.db');
    const backend = await openSqliteBackend(path);
    try {
      // The writing connection never checkpoints on its own.
      const setting = await sql<{
        wal_autocheckpoint: number;
      }>`pragma wal_autocheckpoint`.execute(backend.db);
      expect(setting.rows).toStrictEqual([{ wal_autocheckpoint: 0 }]);
      const before = await sizeOf(path);
      // About 8 MB in one commit: past SQLite's 1000-page threshold.
      await sql`create table filler (b blob)`.execute(backend.db);
      await sql`insert into filler select randomblob(4000) from generate_series(1, 2000)`
        .execute(backend.db)
        .catch(async () => {
          // Without the series extension: a recursive count.
          await sql`insert into filler
            with recursive n(i) as (select 1 union all select i + 1 from n where i < 2000)
            select randomblob(4000) from n`.execute(backend.db);
        });
      expect(await sizeOf(`${path}-wal`)).toBeGreaterThan(1000 * 4096);
      // The worker copies the committed pages into the database file within a few ticks;
      // nothing else would before the store closes.
      const deadline = Date.now() + 20 * checkpointIntervalMs;
      while ((await sizeOf(path)) <= before + 1000 * 4096 && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, checkpointIntervalMs / 5));
      }
      expect(await sizeOf(path)).toBeGreaterThan(before + 1000 * 4096);
    } finally {
      await backend.db.destroy();
      await backend.close?.();
    }
    // The last connection to close (the worker's) checkpoints the rest and removes the WAL.
    expect(existsSync(`${path}-wal`)).toBe(false);
    const check = new BetterSqlite3(path, { readonly: true });
    try {
      const row = check.prepare('select count(*) as n from filler').get() as { n: number };
      expect(row.n).toBe(2000);
    } finally {
      check.close();
    }
  });

  it('closes cleanly, twice, and the file opens again', async () => {
    const path = join(dir, 'scalelog.db');
    const store = await openStore(`sqlite:${path}`);
    await importMany(store, 10);
    await store.close();
    // Closing twice is harmless, and a store opened again works.
    await store.close();
    const again = await openStore(`sqlite:${path}`);
    try {
      expect((await importMany(again, 10)).unchanged).toBe(10);
    } finally {
      await again.close();
    }
  });
});
