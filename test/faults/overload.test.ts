import { request as httpRequest, Agent } from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import { connect } from 'node:net';
import type { AddressInfo, Socket } from 'node:net';
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { describe, expect, it, onTestFinished } from 'vitest';
import { buildApp } from '../../src/app.js';
import type { Config } from '../../src/config/config.js';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/store.js';
import {
  credentialsOver,
  logsPath,
  openTestApi,
  project,
  sqliteBackend,
  testClock,
  testConfig,
  uuidPattern,
} from '../support/api-harness.js';
import { testBackends } from '../support/backends.js';
import { proxyStoreUrl } from '../support/tcp-proxy.js';
import type { TcpProxy } from '../support/tcp-proxy.js';

/*
 * What "the server keeps answering" means, proved on a real socket where it matters: past a
 * bound an API request is refused 503 with Retry-After at once, /healthz goes on answering
 * while the bound is held (checked many times, each well within a generous bound), and the
 * server recovers when the load goes. Bounds are tiny here so a test can reach them cheaply.
 */

/** A generous bound for "answered at once" on a loaded 2-core machine. */
const promptMs = 1_000;

const overloadedMessage =
  'Service temporarily unavailable: the server is overloaded. Retry in 5 seconds.';

interface Answer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  readonly ms: number;
}

/** One request on a fresh connection (or `agent`'s), and how long its answer took. */
function get(port: number, path: string, agent?: Agent): Promise<Answer> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: '127.0.0.1', port, path, agent: agent ?? false, headers: { accept: '*/*' } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
            ms: performance.now() - started,
          });
        });
      },
    );
    req.on('error', reject);
    req.end();
  });
}

async function listen(app: FastifyInstance): Promise<number> {
  await app.listen({ host: '127.0.0.1', port: 0 });
  return (app.server.address() as AddressInfo).port;
}

/** A raw connection, closed when the test finishes. */
function openSocket(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => {
      resolve(socket);
    });
    socket.on('error', reject);
    onTestFinished(() => {
      socket.destroy();
    });
  });
}

/**
 * A request the server has begun to handle and that stays in flight: its headers are sent,
 * its body never finishes. A JSON route's body is read whole before authentication (an
 * ingest's is not: it is refused 401 before its body), so the request waits there.
 */
async function holdRequest(port: number): Promise<Socket> {
  const socket = await openSocket(port);
  socket.write(
    `POST /autoscaling-api/v1/${project}/scaling_group HTTP/1.1\r\nHost: scalelog.test\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"scaling_group_name":`,
  );
  return socket;
}

/** Resolves when `check` is true, polling; fails past `withinMs`. */
async function eventually(check: () => Promise<boolean>, withinMs: number): Promise<void> {
  const deadline = Date.now() + withinMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`not true within ${withinMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function expectShed(answer: Answer): void {
  expect(answer.status, answer.body).toBe(503);
  expect(answer.headers['retry-after']).toBe('5');
  expect(answer.headers['x-request-id']).toMatch(uuidPattern);
  expect(answer.headers['content-type']).toMatch(/^application\/json/);
  expect(JSON.parse(answer.body)).toStrictEqual({
    error: { code: 'AS.0001', message: overloadedMessage },
  });
}

/** /healthz `times` times on fresh connections: every one 200, each within `promptMs`. */
async function expectHealthzPrompt(port: number, times: number): Promise<number[]> {
  const latencies: number[] = [];
  for (let i = 0; i < times; i += 1) {
    const answer = await get(port, '/healthz');
    expect(answer.status).toBe(200);
    latencies.push(answer.ms);
  }
  expect(Math.max(...latencies)).toBeLessThan(promptMs);
  return latencies;
}

/** A pino logger writing into `lines`. */
function capturedLogger(lines: string[]) {
  return pino(
    { level: 'info' },
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
        done();
      },
    }),
  );
}

type LogLine = Record<string, unknown>;
const parsed = (lines: readonly string[]): LogLine[] => lines.map((l) => JSON.parse(l) as LogLine);

describe('requests in flight past maxInFlightRequests', () => {
  it('are answered 503 with Retry-After at once while /healthz goes on answering, until the load goes', async () => {
    const { app } = await openTestApi(sqliteBackend, { config: { maxInFlightRequests: 2 } });
    const port = await listen(app);
    const held = [await holdRequest(port), await holdRequest(port)];

    // The held requests have reached the server: the next API request is shed.
    let shed: Answer | undefined;
    await eventually(async () => {
      shed = await get(port, logsPath());
      return shed.status === 503;
    }, 5_000);
    expectShed(shed as Answer);
    expect((shed as Answer).ms).toBeLessThan(promptMs);

    // Still held: the probes answer, again and again, and API requests are still shed.
    await expectHealthzPrompt(port, 20);
    expect((await get(port, '/readyz')).status).toBe(200);
    expectShed(await get(port, logsPath()));
    expect(held.every((s) => !s.destroyed)).toBe(true);

    // The clients go away: requests are handled again (401: no credentials, not shed).
    for (const socket of held) socket.destroy();
    await eventually(async () => (await get(port, logsPath())).status === 401, 5_000);
  });
});

describe('a lagging event loop, past maxEventLoopDelayMs', () => {
  it('gets API requests answered 503 while the probes answer, and stops when the loop recovers', async () => {
    const { app, inject } = await openTestApi(sqliteBackend, {
      config: { maxEventLoopDelayMs: 30 },
    });
    // Keep the loop busy: 100 ms of work at a time for 2.5 s, as a flood of work would.
    const until = Date.now() + 2_500;
    await new Promise<void>((resolve) => {
      const busy = (): void => {
        const stop = Date.now() + 100;
        while (Date.now() < stop) {
          // spin
        }
        if (Date.now() < until) setImmediate(busy);
        else resolve();
      };
      busy();
    });
    // The sample taken during the busy spell says the loop lagged: API requests are shed.
    const shed = await inject({ method: 'GET', url: logsPath() });
    expect(shed.statusCode, shed.body).toBe(503);
    expect(shed.headers['retry-after']).toBe('5');
    expect(shed.json()).toStrictEqual({ error: { code: 'AS.0001', message: overloadedMessage } });
    expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);

    // An idle loop: within a sample or two (1 s each) requests are served again.
    await eventually(
      async () => (await inject({ method: 'GET', url: logsPath() })).statusCode !== 503,
      5_000,
    );
    expect((await inject({ method: 'GET', url: logsPath() })).statusCode).toBe(404);
  });
});

describe.skipIf(!testBackends.some((b) => b.name === 'postgres' && b.available))(
  "PostgreSQL's pool with a queue past maxStoreQueue",
  () => {
    const postgres = testBackends.find((b) => b.name === 'postgres') ?? sqliteBackend;

    it('gets API requests answered 503 at once instead of waiting for a connection', async () => {
      const { app, store, inject, credentialFor } = await openTestApi(postgres, {
        config: { maxStoreQueue: 1 },
      });
      // Created first: creating it needs a connection, which the test is about to take away.
      await credentialFor(project);
      // Every one of the pool's 10 connections held by a write session, and one more
      // operation waiting for a connection.
      let release: () => void = () => undefined;
      const gate = new Promise<void>((resolve) => {
        release = resolve;
      });
      const sessions: Promise<unknown>[] = [];
      onTestFinished(async () => {
        release();
        await Promise.allSettled(sessions);
      });
      for (let i = 0; i < 10; i += 1) sessions.push(store.writeSession(() => gate));
      await eventually(() => Promise.resolve((store.queuedWork?.() ?? 0) === 0), 5_000);
      const waiting = store.ping();
      sessions.push(waiting);
      await eventually(() => Promise.resolve((store.queuedWork?.() ?? 0) >= 1), 5_000);

      const started = performance.now();
      const shed = await inject({ method: 'GET', url: logsPath() });
      expect(performance.now() - started).toBeLessThan(promptMs);
      expect(shed.statusCode, shed.body).toBe(503);
      expect(shed.headers['retry-after']).toBe('5');
      expect(shed.json()).toStrictEqual({
        error: { code: 'AS.0001', message: overloadedMessage },
      });
      expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);

      // The sessions end, the queue drains: requests are served again.
      release();
      await Promise.all(sessions);
      expect(store.queuedWork?.()).toBe(0);
      expect((await inject({ method: 'GET', url: logsPath() })).statusCode).toBe(404);
    });
  },
);

describe('connections past maxConnections', () => {
  it('get only the probes answered in a small reserve, then are closed at once; a kept-alive probe goes on being answered', async () => {
    const { app } = await openTestApi(sqliteBackend, { config: { maxConnections: 3 } });
    const port = await listen(app);
    // The probe's connection, kept alive, and two more: the limit.
    const probe = new Agent({ keepAlive: true, maxSockets: 1 });
    onTestFinished(() => {
      probe.destroy();
    });
    expect((await get(port, '/healthz', probe)).status).toBe(200);
    const idle = [await openSocket(port), await openSocket(port)];
    // Let the server accept them.
    await eventually(
      () =>
        new Promise<boolean>((resolve) => {
          app.server.getConnections((_e, count) => {
            resolve(count === 3);
          });
        }),
      5_000,
    );

    // A fourth connection, in the probes' reserve (one place for a limit of 3): a probe is
    // answered on it, an API request is answered 503 and its connection closed.
    const fresh = await get(port, '/healthz');
    expect(fresh.status).toBe(200);
    expect(fresh.ms).toBeLessThan(promptMs);
    const shed = await get(port, logsPath());
    expectShed(shed);
    expect(shed.headers.connection).toBe('close');

    // Past the reserve too: a connection is closed without an answer, at once.
    const reserveHolder = await openSocket(port);
    await eventually(
      () =>
        new Promise<boolean>((resolve) => {
          app.server.getConnections((_e, count) => {
            resolve(count === 4);
          });
        }),
      5_000,
    );
    const started = performance.now();
    const refused = await get(port, '/healthz').then(
      (a) => `answered ${a.status}`,
      (e: unknown) => (e as NodeJS.ErrnoException).code,
    );
    expect(['ECONNRESET', 'EPIPE']).toContain(refused);
    expect(performance.now() - started).toBeLessThan(promptMs);

    // The kept-alive probe is answered on its connection, again and again.
    for (let i = 0; i < 10; i += 1) {
      const answer = await get(port, '/healthz', probe);
      expect(answer.status).toBe(200);
      expect(answer.ms).toBeLessThan(promptMs);
    }

    // Connections close: API requests are handled again (401: no credentials, not shed).
    reserveHolder.destroy();
    idle[0]?.destroy();
    await eventually(
      () =>
        get(port, logsPath()).then(
          (a) => a.status === 401,
          () => false,
        ),
      5_000,
    );
  });
});

describe('a client that sends its headers slowly (slowloris)', () => {
  it('is answered 408 and disconnected after headersTimeoutMs, long before requestTimeoutMs', async () => {
    const { app } = await openTestApi(sqliteBackend, {
      config: { headersTimeoutMs: 500, requestTimeoutMs: 30_000 },
    });
    const port = await listen(app);
    const socket = await openSocket(port);
    const head = `GET /healthz HTTP/1.1\r\nHost: scalelog.test\r\nX-Slow: ${'a'.repeat(200)}`;
    let sent = 0;
    const trickle = setInterval(() => {
      if (!socket.destroyed && sent < head.length) socket.write(head[sent++] ?? '');
    }, 20);
    onTestFinished(() => {
      clearInterval(trickle);
    });
    const started = performance.now();
    const received: Buffer[] = [];
    socket.on('data', (c: Buffer) => received.push(c));
    await new Promise((resolve) => socket.once('close', resolve));
    const elapsed = performance.now() - started;
    clearInterval(trickle);

    expect(sent).toBeLessThan(head.length);
    expect(elapsed).toBeGreaterThanOrEqual(450);
    expect(elapsed).toBeLessThan(5_000);
    const text = Buffer.concat(received).toString('utf8');
    expect(text).toMatch(/^HTTP\/1\.1 408 /);
    expect(text).toContain('"error_code":"APIGW.0201"');
    // The server is unharmed.
    expect((await get(port, '/healthz')).status).toBe(200);
  });
});

describe('the log', () => {
  it('has one short line per request, never a credential, and no stack for an expected 503', async () => {
    const lines: string[] = [];
    const { app, credentials, inject } = await openTestApi(sqliteBackend, {
      config: { maxInFlightRequests: 1 },
      logger: capturedLogger(lines),
    });
    const port = await listen(app);
    const { token } = await credentials.createToken({
      projectId: project,
      ttlMs: 3_600_000,
      nowMs: Date.now(),
    });
    const answered = await inject({ method: 'GET', url: logsPath() }, { token });
    expect(answered.statusCode).toBe(404);
    const signed = await inject({ method: 'GET', url: logsPath() });
    expect(signed.statusCode).toBe(404);
    const held = await holdRequest(port);
    let shed: Answer | undefined;
    await eventually(async () => {
      shed = await get(port, logsPath());
      return shed.status === 503;
    }, 5_000);
    held.destroy();

    const logged = parsed(lines);
    const of = (id: unknown) => logged.filter((l) => l.reqId === id);
    // One line for each, with what an operator needs and nothing else.
    expect(of(answered.headers['x-request-id'])).toEqual([
      {
        level: 30,
        time: expect.any(Number) as unknown,
        pid: process.pid,
        hostname: expect.any(String) as unknown,
        reqId: answered.headers['x-request-id'],
        method: 'GET',
        url: logsPath(),
        status: 404,
        ms: expect.any(Number) as unknown,
        code: 'AS.3020',
        reason: 'The AS policy does not exist.',
        msg: 'answered 404 AS.3020',
      },
    ]);
    const shedLines = of(shed?.headers['x-request-id']);
    expect(shedLines).toEqual([
      expect.objectContaining({
        level: 40,
        status: 503,
        code: 'AS.0001',
        reason: '1 requests in flight, the limit is 1',
        msg: 'answered 503 AS.0001',
      }),
    ]);
    // No stack, no error object, for anything expected; never a credential.
    const text = lines.join('\n');
    expect(text).not.toContain('"stack"');
    expect(text).not.toContain('"err"');
    expect(text).not.toContain(token);
    expect(text).not.toMatch(/SDK-HMAC-SHA256|Signature=|x-auth-token|authorization/i);
    for (const line of lines) expect(line.length).toBeLessThan(400);
  });

  it('logs the stack of an unexpected error (500), and follows requestLog', async () => {
    const fresh = await sqliteBackend.fresh();
    const real = await openStore(fresh.url);
    // The real store, but reading logs fails in a way nothing expects.
    const failing = new Proxy(real, {
      get: (target, key) => {
        if (key === 'queryLogs') return () => Promise.reject(new Error('disk on fire'));
        const value: unknown = Reflect.get(target, key, target);
        return typeof value === 'function'
          ? (value as (...a: unknown[]) => unknown).bind(target)
          : value;
      },
    }) as Store;
    const clock = testClock();
    const credentials = credentialsOver(real, clock.now);
    const appWith = (config: Partial<Config>, lines: string[]) => {
      const app = buildApp({
        store: failing,
        config: testConfig(config),
        credentials,
        now: clock.now,
        logger: capturedLogger(lines),
      });
      onTestFinished(() => app.close());
      return app;
    };
    onTestFinished(async () => {
      await real.close();
      await fresh.cleanup();
    });
    const { token } = await credentials.createToken({
      projectId: project,
      ttlMs: 3_600_000,
      nowMs: clock.now(),
    });
    const send = (app: FastifyInstance, url: string) =>
      app.inject({ method: 'GET', url, headers: { 'x-auth-token': token } });

    const all: string[] = [];
    const failed = await send(appWith({}, all), logsPath());
    expect(failed.statusCode).toBe(500);
    const logged = parsed(all).filter((l) => l.reqId === failed.headers['x-request-id']);
    expect(logged).toHaveLength(2);
    expect(logged[0]).toMatchObject({
      level: 50,
      err: {
        message: 'disk on fire',
        stack: expect.stringContaining('Error: disk on fire') as unknown,
      },
    });
    expect(logged[1]).toMatchObject({ level: 50, status: 500, code: 'AS.0001' });
    expect(all.join('\n')).not.toContain(token);

    // errors: only refusals get a line; off: none, but the 500's stack still.
    const errorsOnly: string[] = [];
    const errorsApp = appWith({ requestLog: 'errors' }, errorsOnly);
    expect((await errorsApp.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    expect((await send(errorsApp, '/nowhere')).statusCode).toBe(404);
    expect(parsed(errorsOnly).map((l) => l.status)).toEqual([404]);
    const none: string[] = [];
    const quietApp = appWith({ requestLog: 'off' }, none);
    expect((await send(quietApp, '/nowhere')).statusCode).toBe(404);
    expect((await send(quietApp, logsPath())).statusCode).toBe(500);
    expect(parsed(none)).toEqual([
      expect.objectContaining({
        level: 50,
        err: expect.objectContaining({ message: 'disk on fire' }) as unknown,
      }),
    ]);
  });

  it.skipIf(!testBackends.some((b) => b.name === 'postgres' && b.available))(
    "logs a store outage's 503s, and the failing /readyz, as one line each with the cause and no stack",
    async () => {
      const lines: string[] = [];
      let proxy: TcpProxy | undefined;
      const { inject, app } = await openTestApi(
        testBackends.find((b) => b.name === 'postgres') ?? sqliteBackend,
        {
          logger: capturedLogger(lines),
          url: async (fresh) => {
            const through = await proxyStoreUrl(fresh);
            proxy = through.proxy;
            return through.url;
          },
        },
      );
      onTestFinished(() => proxy?.close());
      expect((await inject({ method: 'GET', url: logsPath() })).statusCode).toBe(404);
      await proxy?.close();
      lines.length = 0;

      const down = await inject({ method: 'GET', url: logsPath() });
      expect(down.statusCode).toBe(503);
      expect((await app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(503);

      const logged = parsed(lines);
      expect(logged.filter((l) => l.reqId === down.headers['x-request-id'])).toEqual([
        expect.objectContaining({
          level: 40,
          status: 503,
          code: 'AS.0001',
          reason: expect.stringMatching(/cannot be reached \(.+\)$/) as unknown,
        }),
      ]);
      expect(logged).toContainEqual(
        expect.objectContaining({ msg: 'readiness probe: the store does not answer' }),
      );
      const text = lines.join('\n');
      expect(text).not.toContain('"stack"');
      expect(text).not.toContain('"err"');
    },
  );
});
