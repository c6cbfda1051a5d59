import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { Readable, Writable } from 'node:stream';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { pino } from 'pino';
import type { Logger } from 'pino';
import { describe, expect, it, onTestFinished } from 'vitest';
import { buildApp } from '../../src/app.js';
import type { Store } from '../../src/store/store.js';
import { testBackends } from '../support/backends.js';
import { openStore } from '../../src/store/open-store.js';
import { signRequest } from '../support/sdk-signing.js';
import { proxyStoreUrl } from '../support/tcp-proxy.js';
import type { TcpProxy } from '../support/tcp-proxy.js';
import {
  expectAsError,
  ingestUrl,
  logsPath,
  openTestApi,
  credentialsOver,
  project,
  sendTo,
  sqliteBackend,
  testClock,
  testConfig,
  uuidPattern,
  wireLog,
  withCredentials,
} from '../support/api-harness.js';
import type { TestRequest } from '../support/api-harness.js';

const postgres = testBackends.find((b) => b.name === 'postgres');

interface RawResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

function parseRawResponses(text: string): RawResponse[] {
  const responses: RawResponse[] = [];
  let rest = text;
  while (rest.length > 0) {
    const headEnd = rest.indexOf('\r\n\r\n');
    if (headEnd === -1) throw new Error(`incomplete response: ${JSON.stringify(rest)}`);
    const [statusLine = '', ...headerLines] = rest.slice(0, headEnd).split('\r\n');
    const headers: Record<string, string> = {};
    for (const line of headerLines) {
      const colon = line.indexOf(':');
      headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
    }
    const length = Number(headers['content-length'] ?? 0);
    const bodyStart = headEnd + 4;
    responses.push({
      status: Number(statusLine.split(' ')[1]),
      headers,
      body: rest.slice(bodyStart, bodyStart + length),
    });
    rest = rest.slice(bodyStart + length);
  }
  return responses;
}

/**
 * Writes `request` on a raw socket, then neither writes more nor closes, and collects what
 * the server sends until it closes the connection.
 */
function stallAfter(
  port: number,
  request: string,
): Promise<{ responses: RawResponse[]; elapsedMs: number }> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const chunks: Buffer[] = [];
    const socket = connect(port, '127.0.0.1', () => socket.write(request));
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      try {
        resolve({
          responses: parseRawResponses(Buffer.concat(chunks).toString('utf8')),
          elapsedMs: Date.now() - started,
        });
      } catch (e: unknown) {
        reject(e instanceof Error ? e : new Error(String(e)));
      }
    });
  });
}

async function listeningApi(requestTimeoutMs: number) {
  const api = await openTestApi(sqliteBackend, { config: { requestTimeoutMs } });
  await api.app.listen({ host: '127.0.0.1', port: 0 });
  return { ...api, port: (api.app.server.address() as AddressInfo).port };
}

function expectRawGatewayError(res: RawResponse | undefined, status: number): void {
  expect(res?.status).toBe(status);
  expect(res?.headers.connection).toBe('close');
  expect(res?.headers['content-type']).toMatch(/^application\/json/);
  const requestId = res?.headers['x-request-id'];
  expect(requestId).toMatch(uuidPattern);
  expect(JSON.parse(res?.body ?? '')).toStrictEqual({
    error_code: 'APIGW.0201',
    error_msg: expect.any(String) as unknown,
    request_id: requestId,
  });
}

describe('408 and malformed requests on a real socket', () => {
  it('answers 408 when the body does not arrive within requestTimeout, and closes', async () => {
    const { app, port, credentialFor, clock } = await listeningApi(300);
    // Signed: the ingest route checks every credential but the signature before it reads its
    // body (an anonymous one is 401 at once), so it waits for the body, which never comes.
    const signed = signRequest(
      {
        method: 'POST',
        url: ingestUrl(),
        headers: { host: 'scalelog.test', 'content-type': 'application/x-ndjson' },
      },
      await credentialFor(project),
      { date: clock.now() },
    );
    const headers = Object.entries(signed)
      .map(([name, value]) => `${name}: ${value}\r\n`)
      .join('');
    const head = `POST ${ingestUrl()} HTTP/1.1\r\n${headers}Content-Length: 100\r\n\r\n{"id":`;
    const { responses, elapsedMs } = await stallAfter(port, head);
    expect(responses).toHaveLength(1);
    expectRawGatewayError(responses[0], 408);
    expect(elapsedMs).toBeGreaterThanOrEqual(290);
    expect(elapsedMs).toBeLessThan(5000);
    // The server is unharmed.
    expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
  });

  it('answers 408 when the headers do not arrive in time, also after an earlier request on the connection', async () => {
    const { port } = await listeningApi(300);
    const first = 'GET /healthz HTTP/1.1\r\nHost: scalelog.test\r\n\r\n';
    const { responses } = await stallAfter(port, `${first}GET /healthz HTTP/1.1\r\nHost: scal`);
    expect(responses.map((r) => r.status)).toEqual([200, 408]);
    expect(responses[0]?.headers['x-request-id']).toMatch(uuidPattern);
    expectRawGatewayError(responses[1], 408);
  });

  it('answers malformed HTTP with a 400 gateway envelope and closes', async () => {
    const { app, port } = await listeningApi(5000);
    const { responses } = await stallAfter(
      port,
      'GET /healthz HTTP/1.1\r\nHost: scalelog.test\r\nContent-Length: abc\r\n\r\n',
    );
    expect(responses).toHaveLength(1);
    expectRawGatewayError(responses[0], 400);
    expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
  });

  it('answers headers past the parser limit with 431 in the gateway envelope, and closes', async () => {
    const { app, port } = await listeningApi(5000);
    const { responses } = await stallAfter(
      port,
      `GET /healthz HTTP/1.1\r\nHost: scalelog.test\r\nX-Padding: ${'a'.repeat(20_000)}\r\n\r\n`,
    );
    expect(responses).toHaveLength(1);
    expectRawGatewayError(responses[0], 431);
    expect(JSON.parse(responses[0]?.body ?? '')).toMatchObject({
      error_msg:
        'Request header fields too large: the request line and headers together may take at most 16384 bytes.',
    });
    expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
  });
});

describe('keep-alive connections', () => {
  it('carry the next request after a body that was refused unread (415)', async () => {
    const { port } = await listeningApi(5000);
    // Larger than the socket and stream buffers, so an unread rest would stall the connection.
    const body = 'x'.repeat(200_000);
    const refused = `POST ${ingestUrl()} HTTP/1.1\r\nHost: scalelog.test\r\nContent-Type: text/plain\r\nContent-Length: ${body.length}\r\n\r\n${body}`;
    const next = 'GET /healthz HTTP/1.1\r\nHost: scalelog.test\r\nConnection: close\r\n\r\n';
    const { responses, elapsedMs } = await stallAfter(port, refused + next);
    expect(responses.map((r) => r.status)).toEqual([415, 200]);
    expect(JSON.parse(responses[1]?.body ?? '')).toStrictEqual({ status: 'ok' });
    expect(elapsedMs).toBeLessThan(4000);
  });
});

describe('500 for anything unexpected', () => {
  const secret = 'relation "secret_internal_table" does not exist';
  // The one fake store of the suite: no real store can be made to fail this way on purpose.
  const faultyStore = (fault: unknown): Store => {
    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- stores may reject with anything; the API must cope
    const fail = (): Promise<never> => Promise.reject(fault);
    return {
      backend: 'sqlite',
      location: 'a store that fails',
      queryLogs: fail,
      writeSession: fail,
      resourceSession: fail,
      resourceRead: fail,
      exportLogs: () => Readable.from([]),
      ping: () => Promise.resolve(),
      close: () => Promise.resolve(),
    };
  };

  /**
   * An app over `store` whose credentials live in a real store of their own, and a sender of
   * requests signed by a credential of the test project.
   */
  const appOver = async (store: Store, logger: Logger | false = false) => {
    const fresh = await sqliteBackend.fresh();
    const credentialStore = await openStore(fresh.url);
    const clock = testClock();
    const credentials = credentialsOver(credentialStore, clock.now);
    const app = buildApp({ store, config: testConfig(), credentials, now: clock.now, logger });
    onTestFinished(async () => {
      await app.close();
      await credentialStore.close();
      await fresh.cleanup();
    });
    const credential = await credentials.createCredential({ projectId: project });
    const inject = (request: TestRequest) =>
      sendTo(app, withCredentials(request, { credential }, clock));
    return { app, inject };
  };

  it('answers 500 AS.0001 "System error." with no internals, and logs the real error', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString('utf8'));
        done();
      },
    });
    const { inject } = await appOver(faultyStore(new Error(secret)), pino({ level: 'info' }, sink));

    const requests: TestRequest[] = [
      { method: 'GET', url: logsPath() },
      {
        method: 'POST',
        url: ingestUrl(),
        headers: { 'content-type': 'application/x-ndjson' },
        payload: JSON.stringify(wireLog(1)),
      },
    ];
    for (const request of requests) {
      const res = await inject(request);
      expect(expectAsError(res, 500, 'AS.0001')).toBe('System error.');
      expect(res.headers['x-request-id']).toMatch(uuidPattern);
      expect(JSON.stringify(res.headers) + res.body).not.toContain('secret');
      const logged = lines.map(
        (l) => JSON.parse(l) as { level: number; err?: { message?: string }; reqId?: string },
      );
      expect(logged).toContainEqual(
        expect.objectContaining({
          level: 50,
          reqId: res.headers['x-request-id'],
          err: expect.objectContaining({ message: secret }) as unknown,
        }),
      );
    }
  });

  it('answers 500 when the store rejects with something that is not an Error', async () => {
    const { inject } = await appOver(faultyStore('a bare string'));
    const res = await inject({ method: 'GET', url: logsPath() });
    expect(expectAsError(res, 500, 'AS.0001')).toBe('System error.');
    expect(res.body).not.toContain('bare string');
  });
});

describe('a SQLite store whose write lock another process holds', () => {
  it('answers writes 503 saying the store is busy, with Retry-After, while reads go on', async () => {
    let file = '';
    const api = await openTestApi(sqliteBackend, {
      config: { retryAfterSeconds: 3 },
      store: { busyTimeoutMs: 50 },
      url: (fresh) => (file = fresh.slice('sqlite:'.length)),
    });
    await api.seed([wireLog(1)]);
    await api.credentialFor(project);
    // Another process's long import: a connection of its own that holds the write lock.
    const importer = new BetterSqlite3(file);
    onTestFinished(() => {
      importer.close();
    });
    importer.exec('begin immediate');

    const ingest = await api.inject({
      method: 'POST',
      url: ingestUrl(),
      headers: { 'content-type': 'application/x-ndjson' },
      payload: JSON.stringify(wireLog(2)),
    });
    expect(expectAsError(ingest, 503, 'AS.0001')).toBe(
      'Service temporarily unavailable: the store is busy with another write (another process, such as a running import, holds its write lock). Reads go on; retry the write in 3 seconds.',
    );
    expect(ingest.headers['retry-after']).toBe('3');
    const group = await api.inject({
      method: 'POST',
      url: `/autoscaling-api/v1/${project}/scaling_group`,
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({
        scaling_group_name: 'web',
        vpc_id: 'a8327883-6b07-4497-9c61-68d03ee193a1',
        networks: [{ id: '3cd35bca-5a10-416f-8994-f79169559870' }],
      }),
    });
    expect(expectAsError(group, 503, 'AS.0001')).toContain('the store is busy with another write');

    const read = await api.inject({ method: 'GET', url: logsPath() });
    expect(read.statusCode, read.body).toBe(200);
    expect((await api.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);

    importer.exec('rollback');
    const retried = await api.inject({
      method: 'POST',
      url: ingestUrl(),
      headers: { 'content-type': 'application/x-ndjson' },
      payload: JSON.stringify(wireLog(2)),
    });
    expect(retried.statusCode, retried.body).toBe(200);
  });
});

describe.skipIf(postgres === undefined || !postgres.available)(
  'PostgreSQL outages and time limits',
  () => {
    const backend = postgres ?? sqliteBackend;

    it('answers 503 with Retry-After when the store is unreachable; /readyz is 503 and /healthz still 200', async () => {
      let proxy: TcpProxy | undefined;
      const api = await openTestApi(backend, {
        config: { retryAfterSeconds: 7 },
        url: async (fresh) => {
          const through = await proxyStoreUrl(fresh);
          proxy = through.proxy;
          return through.url;
        },
      });
      onTestFinished(() => proxy?.close());
      await api.seed([wireLog(1)]);
      expect((await api.inject({ method: 'GET', url: logsPath() })).statusCode).toBe(200);
      expect((await api.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);

      await proxy?.close();

      const res = await api.inject({ method: 'GET', url: logsPath() });
      const message = expectAsError(res, 503, 'AS.0001');
      expect(message).not.toMatch(/127\.0\.0\.1|postgres|ECONN/i);
      expect(res.headers['retry-after']).toBe('7');
      expect(res.headers['x-request-id']).toMatch(uuidPattern);

      const ingest = await api.inject({
        method: 'POST',
        url: ingestUrl(),
        headers: { 'content-type': 'application/x-ndjson' },
        payload: JSON.stringify(wireLog(2)),
      });
      expectAsError(ingest, 503, 'AS.0001');
      expect(ingest.headers['retry-after']).toBe('7');

      const ready = await api.inject({ method: 'GET', url: '/readyz' });
      expect(ready.statusCode).toBe(503);
      expect(ready.headers['retry-after']).toBe('7');
      expect(ready.json()).toStrictEqual({ status: 'unavailable' });

      const live = await api.inject({ method: 'GET', url: '/healthz' });
      expect(live.statusCode).toBe(200);
      expect(live.json()).toStrictEqual({ status: 'ok' });
    });

    it('answers 504 when a query runs past its time limit, and recovers after', async () => {
      let lockUrl = '';
      const api = await openTestApi(backend, {
        store: { queryTimeoutMs: 250 },
        url: (fresh) => (lockUrl = fresh),
      });
      await api.seed([wireLog(1)]);
      const locker = new pg.Client({ connectionString: lockUrl });
      await locker.connect();
      onTestFinished(() => locker.end());
      // Another session holds the log tables exclusively, so the query waits until the
      // store's statement timeout cancels it.
      await locker.query('begin');
      await locker.query('lock table execution_logs, policy_log_counts in access exclusive mode');

      const res = await api.inject({ method: 'GET', url: logsPath() });
      expect(expectAsError(res, 504, 'AS.0001')).toContain('time limit');
      expect(res.headers['x-request-id']).toMatch(uuidPattern);

      await locker.query('rollback');
      expect((await api.inject({ method: 'GET', url: logsPath() })).statusCode).toBe(200);
    });
  },
);
