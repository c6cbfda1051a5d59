import { request as httpRequest } from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import BetterSqlite3 from 'better-sqlite3';
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { describe, expect, it, onTestFinished } from 'vitest';
import { buildApp } from '../../src/app.js';
import type { ExecutionLog } from '../../src/domain/execution-log.js';
import type { ScalingGroup } from '../../src/domain/scaling-group.js';
import type { ScalingPolicy } from '../../src/domain/scaling-policy.js';
import { parseLogQuery } from '../../src/resources/logs/query-parse.js';
import { openStore } from '../../src/store/open-store.js';
import { StoreBusyError } from '../../src/store/store.js';
import {
  credentialsOver,
  groupId,
  ingestUrl,
  logsPath,
  openTestApi,
  policy as policyId,
  project,
  sqliteBackend,
  testClock,
  testConfig,
  uuid,
  withCredentials,
  wireLog,
} from '../support/api-harness.js';
import type { TestClock, TestRequest } from '../support/api-harness.js';
import { runScalelog } from '../cli/cli-harness.js';
import { holdWriteLockInChild } from '../support/write-lock-holder.js';
import { writeLockHeld } from '../support/write-lock-held.js';

/**
 * While another connection holds the SQLite write lock, a write waits for it off the event
 * loop: the server keeps answering (probes and reads) during the whole wait, and the write
 * gets the busy 503 only once the store's busyTimeoutMs has passed.
 */

/** Every request of these tests must be answered within this, even while a write waits. */
const answerBoundMs = 300;
/** How early, at most, a 503 may come before busyTimeoutMs (timer granularity). */
const earlyMarginMs = 100;

interface Answer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  /** `performance.now()` when the request was sent and when its answer had arrived. */
  readonly sentAt: number;
  readonly answeredAt: number;
  readonly ms: number;
}

/** Sends `request` over a new loopback connection and waits for the whole answer. */
function send(port: number, request: TestRequest): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const sentAt = performance.now();
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port,
        method: request.method ?? 'GET',
        path: request.url,
        headers: { ...request.headers },
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          const answeredAt = performance.now();
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
            sentAt,
            answeredAt,
            ms: answeredAt - sentAt,
          });
        });
      },
    );
    req.on('error', reject);
    req.end(request.payload);
  });
}

const healthz: TestRequest = { method: 'GET', url: '/healthz' };

/**
 * Asks `/healthz` and `read` in turn, one request at a time with a short pause, until
 * `pending` settles; returns what it settled with and every answer that arrived before.
 */
async function pollWhile<T>(
  port: number,
  read: () => TestRequest,
  pending: Promise<T>,
): Promise<{ value: T; probes: Answer[]; reads: Answer[] }> {
  const state = { settled: false };
  const done = pending.finally(() => {
    state.settled = true;
  });
  const probes: Answer[] = [];
  const reads: Answer[] = [];
  while (!state.settled) {
    probes.push(await send(port, healthz));
    reads.push(await send(port, read()));
    await sleep(10);
  }
  const value = await done;
  return { value, probes, reads };
}

/** The answers that were sent after `start` and arrived before `end`: while it waited. */
const during = (answers: readonly Answer[], start: Answer | number, end: Answer): Answer[] =>
  answers.filter(
    (a) =>
      a.sentAt >= (typeof start === 'number' ? start : start.sentAt) &&
      a.answeredAt < end.answeredAt,
  );

function expectAllPromptAndOk(answers: readonly Answer[]): void {
  for (const a of answers) {
    expect(a.status, a.body).toBe(200);
    expect(a.ms).toBeLessThan(answerBoundMs);
  }
}

function expectBusy(answer: Answer, retryAfterSeconds: number): void {
  expect(answer.status, answer.body).toBe(503);
  expect(answer.headers['retry-after']).toBe(String(retryAfterSeconds));
  const body = JSON.parse(answer.body) as { error: { code: string; message: string } };
  expect(body.error.code).toBe('AS.0001');
  expect(body.error.message).toContain('the store is busy with another write');
}

/** An app on a fresh SQLite file whose writes wait up to `busyTimeoutMs`, on a loopback port. */
async function listeningApi(busyTimeoutMs: number) {
  let file = '';
  const api = await openTestApi(sqliteBackend, {
    config: { retryAfterSeconds: 3 },
    store: { busyTimeoutMs },
    url: (fresh) => (file = fresh.slice('sqlite:'.length)),
  });
  const credential = await api.credentialFor(project);
  await api.app.listen({ host: '127.0.0.1', port: 0 });
  const port = (api.app.server.address() as AddressInfo).port;
  const signed = (request: TestRequest): TestRequest =>
    withCredentials(request, { credential }, api.clock);
  return { ...api, file, port, signed };
}

const ingestOf = (...logs: number[]): TestRequest => ({
  method: 'POST',
  url: ingestUrl(),
  headers: { 'content-type': 'application/x-ndjson' },
  payload: logs.map((n) => JSON.stringify(wireLog(n))).join('\n'),
});

const groupCreate: TestRequest = {
  method: 'POST',
  url: `/autoscaling-api/v1/${project}/scaling_group`,
  headers: { 'content-type': 'application/json' },
  payload: JSON.stringify({
    scaling_group_name: 'web',
    vpc_id: 'a8327883-6b07-4497-9c61-68d03ee193a1',
    networks: [{ id: '3cd35bca-5a10-416f-8994-f79169559870' }],
  }),
};

/** The ids of the policy's logs, as a client reads them. */
async function loggedIds(port: number, signed: (r: TestRequest) => TestRequest): Promise<unknown> {
  const page = await send(port, signed({ method: 'GET', url: `${logsPath()}?limit=100` }));
  expect(page.status, page.body).toBe(200);
  const body = JSON.parse(page.body) as {
    total_number: number;
    scaling_policy_execute_log: { id: string }[];
  };
  return {
    total: body.total_number,
    ids: body.scaling_policy_execute_log.map((l) => l.id).sort(),
  };
}

describe('a SQLite write lock held by another process', () => {
  it('keeps the server answering while a write waits, then answers the write 503 after busyTimeoutMs; a retry after the lock is let go succeeds and loses nothing', async () => {
    const busyTimeoutMs = 2000;
    const api = await listeningApi(busyTimeoutMs);
    await api.seed([wireLog(1)]);
    const holder = await holdWriteLockInChild(api.file);
    onTestFinished(() => holder.release());
    expect(writeLockHeld(api.file)).toBe(true);

    const writing = send(api.port, api.signed(ingestOf(2)));
    const {
      value: ingest,
      probes,
      reads,
    } = await pollWhile(api.port, () => api.signed({ method: 'GET', url: logsPath() }), writing);
    // The holder never let go: the write waited the whole time, and was refused busy.
    expect(writeLockHeld(api.file)).toBe(true);
    expectBusy(ingest, 3);
    expect(ingest.ms).toBeGreaterThanOrEqual(busyTimeoutMs - earlyMarginMs);
    expect(ingest.ms).toBeLessThan(busyTimeoutMs + 2000);

    // Answered many times while the write waited, each promptly.
    const probesDuring = during(probes, ingest, ingest);
    const readsDuring = during(reads, ingest, ingest);
    expect(probesDuring.length).toBeGreaterThanOrEqual(10);
    expect(readsDuring.length).toBeGreaterThanOrEqual(10);
    expectAllPromptAndOk([...probes, ...reads]);
    for (const read of readsDuring)
      expect(JSON.parse(read.body)).toMatchObject({ total_number: 1 });

    await holder.release();
    expect(writeLockHeld(api.file)).toBe(false);
    const retried = await send(api.port, api.signed(ingestOf(2)));
    expect(retried.status, retried.body).toBe(200);
    expect(await loggedIds(api.port, api.signed)).toEqual({ total: 2, ids: [uuid(1), uuid(2)] });
    // And what the other process committed is there too.
    const check = new BetterSqlite3(api.file, { readonly: true });
    onTestFinished(() => {
      check.close();
    });
    expect(
      check
        .prepare('select value from store_settings where name = ?')
        .get(`lock-holder-${String(holder.pid)}`),
    ).toEqual({ value: 'held' });
  });

  it('lets a write that waited part of busyTimeoutMs go through once the lock is let go, without a 503', async () => {
    const busyTimeoutMs = 2000;
    const holdMs = 800;
    const api = await listeningApi(busyTimeoutMs);
    await api.seed([wireLog(1)]);
    const holder = await holdWriteLockInChild(api.file, { holdMs });
    onTestFinished(() => holder.release());

    const writing = send(api.port, api.signed(groupCreate));
    const {
      value: created,
      probes,
      reads,
    } = await pollWhile(api.port, () => api.signed({ method: 'GET', url: logsPath() }), writing);
    expect(created.status, created.body).toBe(200);
    const releasedAt = await holder.released;
    // It waited for the lock: it finished only after the holder let go.
    expect(created.answeredAt).toBeGreaterThanOrEqual(releasedAt);
    expect(created.ms).toBeLessThan(busyTimeoutMs);
    const probesWaiting = during(probes, created, { ...created, answeredAt: releasedAt });
    expect(probesWaiting.length).toBeGreaterThanOrEqual(5);
    expect(
      during(reads, created, { ...created, answeredAt: releasedAt }).length,
    ).toBeGreaterThanOrEqual(5);
    expectAllPromptAndOk([...probes, ...reads]);

    const { scaling_group_id: id } = JSON.parse(created.body) as { scaling_group_id: string };
    const group = await send(
      api.port,
      api.signed({ method: 'GET', url: `/autoscaling-api/v1/${project}/scaling_group/${id}` }),
    );
    expect(group.status, group.body).toBe(200);
  });

  it('keeps the server answering when the holder is another connection of the same process', async () => {
    const busyTimeoutMs = 1000;
    const api = await listeningApi(busyTimeoutMs);
    await api.seed([wireLog(1)]);
    const importer = new BetterSqlite3(api.file);
    onTestFinished(() => {
      importer.close();
    });
    importer.exec('begin immediate');

    const {
      value: ingest,
      probes,
      reads,
    } = await pollWhile(
      api.port,
      () => api.signed({ method: 'GET', url: logsPath() }),
      send(api.port, api.signed(ingestOf(2))),
    );
    expectBusy(ingest, 3);
    expect(ingest.ms).toBeGreaterThanOrEqual(busyTimeoutMs - earlyMarginMs);
    expect(during(probes, ingest, ingest).length).toBeGreaterThanOrEqual(5);
    expect(during(reads, ingest, ingest).length).toBeGreaterThanOrEqual(5);
    expectAllPromptAndOk([...probes, ...reads]);

    importer.exec('rollback');
    const retried = await send(api.port, api.signed(ingestOf(2)));
    expect(retried.status, retried.body).toBe(200);
    expect(await loggedIds(api.port, api.signed)).toEqual({ total: 2, ids: [uuid(1), uuid(2)] });
  });
});

describe('the scheduler firing a trigger while another process holds the SQLite write lock', () => {
  const minute = 60_000;

  /** A scaling group in service and a SCHEDULED policy on it, due at `dueAt`. */
  async function seedDueTrigger(
    store: Awaited<ReturnType<typeof openStore>>,
    clock: TestClock,
    dueAt: number,
  ): Promise<ScalingPolicy> {
    const group: ScalingGroup = {
      id: groupId,
      projectId: project,
      name: 'web',
      status: 'INSERVICE',
      minInstances: 1,
      maxInstances: 5,
      desireInstances: 2,
      coolDownSeconds: 0,
      createTime: clock.now() - 3_600_000,
      attributes: {},
    };
    const policy: ScalingPolicy = {
      id: 'a0000000-0000-4000-8000-000000000001',
      projectId: project,
      name: 'at-launch',
      resourceType: 'SCALING_GROUP',
      resourceId: groupId,
      policyType: 'SCHEDULED',
      scheduledPolicy: { launchTime: `${new Date(dueAt).toISOString().slice(0, 16)}Z` },
      action: { operation: 'ADD', number: 1 },
      coolDownSeconds: 0,
      status: 'INSERVICE',
      createTime: clock.now() - minute,
      nextFireAt: dueAt,
    };
    await store.resourceSession(async (tx) => {
      await tx.groups.insert(group);
      await tx.policies.insert(policy);
    });
    return policy;
  }

  it('keeps the server answering while the trigger waits, reports the pass busy, and fires once the lock is let go', async () => {
    const busyTimeoutMs = 1000;
    const fresh = await sqliteBackend.fresh();
    const file = fresh.url.slice('sqlite:'.length);
    const store = await openStore(fresh.url, { busyTimeoutMs });
    const clock = testClock();
    const policy = await seedDueTrigger(store, clock, Math.floor(clock.now() / minute) * minute);

    let onFailedPass: ((error: { type?: string }) => void) | undefined;
    const failedPass = new Promise<{ type?: string }>((resolve) => (onFailedPass = resolve));
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk
          .toString('utf8')
          .split('\n')
          .filter((l) => l !== '')) {
          const entry = JSON.parse(line) as { msg?: string; err?: { type?: string } };
          if (entry.msg?.startsWith('policy scheduler pass failed') === true) {
            onFailedPass?.(entry.err ?? {});
          }
        }
        done();
      },
    });
    const app: FastifyInstance = buildApp({
      store,
      config: testConfig({ schedulerIntervalMs: 200 }),
      credentials: credentialsOver(store, clock.now),
      now: clock.now,
      logger: pino({ level: 'error' }, sink),
      scheduler: true,
    });
    const holder = await holdWriteLockInChild(file);
    onTestFinished(async () => {
      await holder.release();
      await app.close();
      await store.close();
      await fresh.cleanup();
    });

    // The first pass starts as the server listens, and finds the trigger due.
    const listening = performance.now();
    await app.listen({ host: '127.0.0.1', port: 0 });
    const port = (app.server.address() as AddressInfo).port;
    const { value: error, probes } = await pollWhile(port, () => healthz, failedPass);
    const failedAt = performance.now();
    expect(error.type).toBe('StoreBusyError');
    expect(failedAt - listening).toBeGreaterThanOrEqual(busyTimeoutMs - earlyMarginMs);
    expect(probes.filter((a) => a.answeredAt < failedAt).length).toBeGreaterThanOrEqual(10);
    expectAllPromptAndOk(probes);
    expect(writeLockHeld(file)).toBe(true);

    await holder.release();
    const logs = async () =>
      (await store.queryLogs(parseLogQuery(project, policy.id, new URLSearchParams())))?.logs ?? [];
    const deadline = performance.now() + 5000;
    while ((await logs()).length === 0 && performance.now() < deadline) await sleep(50);
    const fired = await logs();
    expect(fired.map((l) => l.executeType)).toEqual(['SCHEDULED']);
  });
});

describe('every write of a SQLite store while another process holds the write lock', () => {
  const busyTimeoutMs = 300;

  /**
   * Runs `op` and counts how often a 5 ms timer ran meanwhile: a wait on the event loop
   * would let it run at most once or twice.
   */
  async function timed(op: () => Promise<unknown>) {
    let ticks = 0;
    const timer = setInterval(() => (ticks += 1), 5);
    const started = performance.now();
    const outcome = await op().then(
      () => undefined,
      (e: unknown) => e,
    );
    clearInterval(timer);
    return { outcome, ms: performance.now() - started, ticks };
  }

  const log: ExecutionLog = {
    id: uuid(9),
    projectId: project,
    policyId: policyId,
    status: 'SUCCESS',
    executeType: 'RECURRENCE',
    executeTime: 1_704_067_200,
    resourceType: 'SCALING_GROUP',
    resourceId: groupId,
    jobRecords: [],
  };
  const ak = 'ABCDEFGHIJKLMNOPQRST';

  it('waits off the event loop and reports StoreBusyError after busyTimeoutMs, for each write and for opening the store', async () => {
    const fresh = await sqliteBackend.fresh();
    const file = fresh.url.slice('sqlite:'.length);
    const store = await openStore(fresh.url, { busyTimeoutMs });
    await store.insertCredential({ ak, projectId: project, skCiphertext: 'x', createdAt: 1 });
    await store.insertToken({
      tokenHash: 'a'.repeat(64),
      projectId: project,
      createdAt: 1,
      expiresAt: 2,
    });
    const holder = await holdWriteLockInChild(file);
    onTestFinished(async () => {
      await holder.release();
      await store.close();
      await fresh.cleanup();
    });

    const writes: Record<string, () => Promise<unknown>> = {
      'writeSession (ingest, import)': () => store.writeSession((w) => w.write([log])),
      'resourceSession (groups, policies, executions)': () =>
        store.resourceSession((tx) => tx.policies.delete(project, policyId)),
      insertCredential: () =>
        store.insertCredential({
          ak: 'ZZZZZZZZZZZZZZZZZZZZ',
          projectId: project,
          skCiphertext: 'x',
          createdAt: 1,
        }),
      deleteCredential: () => store.deleteCredential(ak),
      recordSignatureFailure: () =>
        store.recordSignatureFailure(ak, '203.0.113.9', 1, {
          maxConsecutiveFailures: 5,
          lockMs: 1000,
          maxLockMs: 4000,
          forgetAfterMs: 86_400_000,
          maxClientsPerAk: 1000,
        }),
      insertToken: () =>
        store.insertToken({
          tokenHash: 'b'.repeat(64),
          projectId: project,
          createdAt: 1,
          expiresAt: 2,
        }),
      revokeToken: () => store.revokeToken('a'.repeat(64), 1),
      putSettingIfAbsent: () => store.putSettingIfAbsent('a-setting', 'v'),
      'openStore (migrations)': () => openStore(fresh.url, { busyTimeoutMs }),
    };
    for (const [name, write] of Object.entries(writes)) {
      const { outcome, ms, ticks } = await timed(write);
      expect(outcome, name).toBeInstanceOf(StoreBusyError);
      expect(ms, name).toBeGreaterThanOrEqual(busyTimeoutMs - earlyMarginMs);
      expect(ticks, name).toBeGreaterThanOrEqual(10);
    }
    // Reads do not wait for the writer at all.
    const { outcome, ms } = await timed(() => store.getCredential(ak));
    expect(outcome).toBeUndefined();
    expect(ms).toBeLessThan(busyTimeoutMs);
  });

  it('waits the same way to switch a file to WAL: busy after busyTimeoutMs, opened once the lock is let go', async () => {
    const fresh = await sqliteBackend.fresh();
    const file = fresh.url.slice('sqlite:'.length);
    await (await openStore(fresh.url)).close();
    // A file in SQLite's default rollback-journal mode, as another tool may leave it.
    const raw = new BetterSqlite3(file);
    raw.pragma('journal_mode = DELETE');
    raw.close();
    const holder = await holdWriteLockInChild(file);
    onTestFinished(() => fresh.cleanup());

    const refused = await timed(() => openStore(fresh.url, { busyTimeoutMs }));
    await holder.release();
    expect(refused.outcome).toBeInstanceOf(StoreBusyError);
    expect(refused.ms).toBeGreaterThanOrEqual(busyTimeoutMs - earlyMarginMs);
    expect(refused.ticks).toBeGreaterThanOrEqual(10);

    const briefly = await holdWriteLockInChild(file, { holdMs: 400 });
    onTestFinished(() => briefly.release());
    let store: Awaited<ReturnType<typeof openStore>> | undefined;
    const opened = await timed(async () => {
      store = await openStore(fresh.url, { busyTimeoutMs: 3000 });
    });
    expect(opened.outcome).toBeUndefined();
    expect(opened.ticks).toBeGreaterThanOrEqual(10);
    await store?.close();
    const check = new BetterSqlite3(file);
    expect(check.pragma('journal_mode', { simple: true })).toBe('wal');
    check.close();
  });

  it('opens the store once the lock is let go within busyTimeoutMs', async () => {
    const fresh = await sqliteBackend.fresh();
    const file = fresh.url.slice('sqlite:'.length);
    const first = await openStore(fresh.url);
    await first.close();
    const holder = await holdWriteLockInChild(file, { holdMs: 400 });
    onTestFinished(async () => {
      await holder.release();
      await fresh.cleanup();
    });
    let store: Awaited<ReturnType<typeof openStore>> | undefined;
    const { outcome, ticks } = await timed(async () => {
      store = await openStore(fresh.url, { busyTimeoutMs: 3000 });
    });
    expect(outcome).toBeUndefined();
    expect(ticks).toBeGreaterThanOrEqual(10);
    await store?.close();
  });
});

describe('the CLI while another process holds the SQLite write lock', () => {
  it('import reports the store busy after busyTimeoutMs, exit 1, and imports once the lock is let go', async () => {
    const busyTimeoutMs = 400;
    const fresh = await sqliteBackend.fresh();
    const file = fresh.url.slice('sqlite:'.length);
    await (await openStore(fresh.url)).close();
    const holder = await holdWriteLockInChild(file);
    onTestFinished(async () => {
      await holder.release();
      await fresh.cleanup();
    });
    const importLogs = () =>
      runScalelog(['import', '--db', fresh.url, '-'], {
        stdin: [1, 2].map((n) => JSON.stringify(wireLog(n))).join('\n'),
        // The setting, as a user sets it.
        env: { SCALELOG_BUSY_TIMEOUT_MS: String(busyTimeoutMs) },
      });

    const started = performance.now();
    const refused = await importLogs();
    const waited = performance.now() - started;
    expect(waited).toBeGreaterThanOrEqual(busyTimeoutMs - earlyMarginMs);
    // Its own wait, not the 5 s default.
    expect(waited).toBeLessThan(busyTimeoutMs + 3000);
    expect(refused.code).toBe(1);
    expect(refused.stderr.text).toContain('is busy: another process holds its write lock');

    await holder.release();
    const imported = await importLogs();
    expect(imported.code, imported.stderr.text).toBe(0);
    expect(imported.stderr.text).toContain('2 inserted');
  });
});
