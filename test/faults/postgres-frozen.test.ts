import pg from 'pg';
import { describe, expect, it, onTestFinished } from 'vitest';
import { testBackends } from '../support/backends.js';
import { proxyStoreUrl } from '../support/tcp-proxy.js';
import type { TcpProxy } from '../support/tcp-proxy.js';
import {
  expectAsError,
  ingestUrl,
  logsPath,
  project,
  openTestApi,
  sqliteBackend,
  wireLog,
} from '../support/api-harness.js';
import type { TestApi } from '../support/api-harness.js';
import { openStore } from '../../src/store/open-store.js';
import type { OpenStoreOptions } from '../../src/store/open-store.js';
import { StoreTimeoutError } from '../../src/store/store.js';

const postgres = testBackends.find((b) => b.name === 'postgres');

/** The store's query limit in these tests; its server-side twin cannot fire while frozen. */
const limitMs = 500;
/** How late after the limit an answer may come on a loaded machine (measured: see report). */
const slackMs = 1500;

/** The pool's size (postgres-backend.ts): requests beyond it reuse connections. */
const poolSize = 10;

/** An app whose store is reached through a proxy the test can freeze. */
async function frozenApi(
  store: OpenStoreOptions = {},
): Promise<{ api: TestApi; proxy: TcpProxy; directUrl: string }> {
  let proxy: TcpProxy | undefined;
  let directUrl = '';
  const api = await openTestApi(postgres ?? sqliteBackend, {
    store: { queryTimeoutMs: limitMs, ...store },
    config: { queryTimeoutMs: limitMs, retryAfterSeconds: 3 },
    url: async (fresh) => {
      directUrl = fresh;
      const through = await proxyStoreUrl(fresh);
      proxy = through.proxy;
      return through.url;
    },
  });
  if (proxy === undefined) throw new Error('no proxy');
  const started = proxy;
  onTestFinished(() => started.close());
  return { api, proxy: started, directUrl };
}

/**
 * Calls /healthz every 20 ms until `work` settles; returns how many answered 200 while it
 * was still pending, and the slowest of them.
 */
async function whileProbingHealth<T>(
  api: TestApi,
  work: Promise<T>,
): Promise<{ value: T; healthy: number; slowestMs: number }> {
  const state = { done: false };
  let healthy = 0;
  let slowestMs = 0;
  const pending = (): boolean => !state.done;
  const probing = (async () => {
    while (pending()) {
      const started = Date.now();
      const res = await api.inject({ method: 'GET', url: '/healthz' });
      slowestMs = Math.max(slowestMs, Date.now() - started);
      if (res.statusCode === 200 && pending()) healthy += 1;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  })();
  try {
    return { value: await work, healthy, slowestMs };
  } finally {
    state.done = true;
    await probing;
  }
}

const timed = async <T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> => {
  const started = Date.now();
  const value = await work();
  return { value, ms: Date.now() - started };
};

const ingest = (api: TestApi, n: number) =>
  api.inject({
    method: 'POST',
    url: ingestUrl(),
    headers: { 'content-type': 'application/x-ndjson' },
    payload: JSON.stringify(wireLog(n)),
  });

describe.skipIf(postgres === undefined || !postgres.available)('a frozen PostgreSQL', () => {
  it('answers 504 at the query limit, keeps /healthz answering, and recovers when it thaws', async () => {
    const { api, proxy } = await frozenApi();
    await api.seed([wireLog(1), wireLog(2)]);
    // Warm up: the credential is cached and the pool holds open connections.
    expect((await api.inject({ method: 'GET', url: logsPath() })).statusCode).toBe(200);

    proxy.freeze();
    const { value: probe, ms } = await timed(() =>
      whileProbingHealth(api, api.inject({ method: 'GET', url: logsPath() })),
    );
    expect(expectAsError(probe.value, 504, 'AS.0001')).toContain('time limit');
    expect(ms).toBeGreaterThanOrEqual(limitMs);
    expect(ms).toBeLessThan(limitMs + slackMs);
    // The server answered its liveness probe many times while the query hung.
    expect(probe.healthy).toBeGreaterThanOrEqual(5);
    expect(probe.slowestMs).toBeLessThan(500);

    // Readiness says no within its limit (the query limit).
    const ready = await timed(() => api.inject({ method: 'GET', url: '/readyz' }));
    expect(ready.value.statusCode).toBe(503);
    expect(ready.ms).toBeLessThan(limitMs + slackMs);

    proxy.thaw();
    // More requests than the pool holds connections: a connection left stuck behind the
    // frozen query would be handed out again and hang one of them.
    const after = await timed(() =>
      Promise.all(
        Array.from({ length: poolSize * 2 }, () => api.inject({ method: 'GET', url: logsPath() })),
      ),
    );
    expect(after.value.map((r) => r.statusCode)).toStrictEqual(
      Array.from({ length: poolSize * 2 }, () => 200),
    );
    expect(after.ms).toBeLessThan(5000);
    expect((await api.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
  });

  it('answers 503 when a new connection cannot be opened to the frozen server, within the connect limit', async () => {
    const { api, proxy } = await frozenApi();
    await api.seed([wireLog(1)]);
    expect((await api.inject({ method: 'GET', url: logsPath() })).statusCode).toBe(200);
    proxy.freeze();
    // Every request fails fast; the stuck connections are dropped, so later requests
    // must open new ones, and those too wait for a server that does not answer.
    const answers = await timed(() =>
      Promise.all(
        Array.from({ length: poolSize + 2 }, () => api.inject({ method: 'GET', url: logsPath() })),
      ),
    );
    for (const res of answers.value) expect([503, 504]).toContain(res.statusCode);
    expect(answers.ms).toBeLessThan(2 * (limitMs + slackMs));
    const fresh = await timed(() => api.inject({ method: 'GET', url: logsPath() }));
    expect([503, 504]).toContain(fresh.value.statusCode);
    expect(fresh.ms).toBeLessThan(limitMs + slackMs);

    proxy.thaw();
    expect((await api.inject({ method: 'GET', url: logsPath() })).statusCode).toBe(200);
  });

  it('reports a write whose commit went unanswered as in doubt, and loses nothing acknowledged', async () => {
    const { api, proxy } = await frozenApi({ writeStatementTimeoutMs: limitMs });
    const acknowledged: number[] = [];
    for (const n of [1, 2, 3]) {
      const res = await ingest(api, n);
      expect(res.statusCode, res.body).toBe(200);
      acknowledged.push(n);
    }

    // The database receives the commit and applies it; its answer never comes back.
    const frozen = proxy.freezeAfterSending('commit\0');
    const { value: res, ms } = await timed(() => ingest(api, 4));
    await frozen;
    expect(expectAsError(res, 504, 'AS.0001')).toMatch(
      /may or may not have been applied\. Sending the same logs again is safe/,
    );
    expect(ms).toBeLessThan(limitMs + slackMs);

    proxy.thaw();
    const page = await api.inject({ method: 'GET', url: `${logsPath()}?limit=100` });
    expect(page.statusCode).toBe(200);
    const ids = page
      .json<{ scaling_policy_execute_log: { id: string }[] }>()
      .scaling_policy_execute_log.map((log) => log.id);
    for (const n of acknowledged) expect(ids).toContain(wireLog(n).id);
    // Resending the write in doubt is safe: it is stored once.
    const again = await ingest(api, 4);
    expect(again.statusCode, again.body).toBe(200);
    const total = (await api.inject({ method: 'GET', url: logsPath() })).json<{
      total_number: number;
    }>().total_number;
    expect(total).toBe(4);
  });

  it('tells a client whose create is in doubt to read it back, not to resend it blindly', async () => {
    const { api, proxy } = await frozenApi();
    const frozen = proxy.freezeAfterSending('commit\0');
    const res = await api.inject({
      method: 'POST',
      url: `/autoscaling-api/v1/${project}/scaling_group`,
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({
        scaling_group_name: 'web_tier-1',
        vpc_id: 'a8327883-6b07-4497-9c61-68d03ee193a1',
        networks: [{ id: '3cd35bca-5a10-416f-8994-f79169559870' }],
      }),
    });
    await frozen;
    expect(expectAsError(res, 504, 'AS.0001')).toMatch(
      /may or may not have been applied\. Read the resource back to see whether it was/,
    );
    proxy.thaw();
    // It was applied (the database got the commit): the list shows it once.
    const list = await api.inject({ url: `/autoscaling-api/v1/${project}/scaling_group` });
    expect(list.json<{ total_number: number }>().total_number).toBe(1);
  });

  it("gives engine sessions the query limit, not the write sessions' one", async () => {
    const { proxy, directUrl } = await frozenApi({ writeStatementTimeoutMs: 60_000 });
    const url = new URL(directUrl);
    url.hostname = '127.0.0.1';
    url.port = String(proxy.port);
    const store = await openStore(url.toString(), {
      queryTimeoutMs: limitMs,
      writeStatementTimeoutMs: 60_000,
    });
    onTestFinished(() => store.close());
    expect(await store.resourceSession((tx) => tx.groups.get('p', 'g'))).toBeUndefined();
    proxy.freeze();
    const { value: outcome, ms } = await timed(() =>
      store
        .resourceSession((tx) => tx.groups.get('p', 'g'))
        .then(
          () => 'answered',
          (e: unknown) => e,
        ),
    );
    expect(outcome).toBeInstanceOf(StoreTimeoutError);
    expect(ms).toBeLessThan(limitMs + slackMs);
    proxy.thaw();
    expect(await store.resourceSession((tx) => tx.groups.get('p', 'g'))).toBeUndefined();
  });

  it('lets a write statement run past the query limit, since an import may wait that long', async () => {
    const { api, directUrl } = await frozenApi();
    await api.seed([wireLog(1)]);
    const locker = new pg.Client({ connectionString: directUrl });
    await locker.connect();
    onTestFinished(() => locker.end());
    // Another session holds the log table for three query limits: a read past its limit
    // is cut at it, while the write waits, as an import's statements may.
    await locker.query('begin');
    await locker.query('lock table execution_logs in access exclusive mode');
    const release = setTimeout(
      () => {
        void locker.query('rollback');
      },
      3 * limitMs + 500,
    );
    onTestFinished(() => {
      clearTimeout(release);
    });
    const [read, write] = await Promise.all([
      api.inject({ method: 'GET', url: logsPath() }),
      timed(() => ingest(api, 2)),
    ]);
    expectAsError(read, 504, 'AS.0001');
    expect(write.value.statusCode, write.value.body).toBe(200);
    expect(write.ms).toBeGreaterThan(3 * limitMs);
  });

  it('notices a database that freezes during a write session, at the per-statement limit', async () => {
    const { api, proxy } = await frozenApi({ writeStatementTimeoutMs: 800 });
    await api.seed([wireLog(1)]);
    const frozen = proxy.freezeAfterSending('statement_timeout = 0');
    const { value: res, ms } = await timed(() => ingest(api, 2));
    await frozen;
    expect(expectAsError(res, 504, 'AS.0001')).toContain(
      'nothing was changed (the write was rolled back)',
    );
    expect(ms).toBeGreaterThanOrEqual(800);
    expect(ms).toBeLessThan(800 + slackMs);
    proxy.thaw();
    expect((await ingest(api, 2)).statusCode).toBe(200);
  });
});
