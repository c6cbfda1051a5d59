import { mkdtemp, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { BuildApp, ServableApp } from '../../src/cli/cli-context.js';
import { startScalelog } from './cli-harness.js';

let dir: string;
let db: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'scalelog-serve-'));
  db = `sqlite:${join(dir, 'scalelog.db')}`;
});
afterEach(async () => {
  vi.useRealTimers();
  await rm(dir, { recursive: true, force: true });
});

interface LogLine {
  readonly level: number;
  readonly msg: string;
  readonly url?: string;
  readonly store?: string;
}
const parse = (line: string): LogLine => JSON.parse(line) as LogLine;
const isListening = (line: string): boolean => parse(line).msg.startsWith('scalelog listening on ');

describe('scalelog serve', () => {
  it('logs where it listens and which store it uses, serves, and stops with exit 0 on SIGTERM', async () => {
    const cli = startScalelog(['serve', '--listen', '127.0.0.1:0', '--db', db]);
    const listening = parse(await cli.stdout.waitForLine(isListening));
    expect(listening.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(listening.store).toBe(`sqlite:${join(dir, 'scalelog.db')}`);

    const health = await fetch(`${listening.url ?? ''}/healthz`);
    expect(health.status).toBe(200);
    const unknown = await fetch(
      `${listening.url ?? ''}/autoscaling-api/v1/p1/scaling_policy_execute_log/nope`,
    );
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({
      error: { code: 'AS.3020', message: 'The AS policy does not exist.' },
    });

    cli.signals.emit('SIGTERM', 'SIGTERM');
    const run = await cli.done;
    expect(run.code).toBe(0);
    expect(run.stderr.text).toBe('');
    expect(run.storesClosed).toBe(1);
    expect(run.stdout.lines().map((line) => parse(line).msg)).toContain('scalelog stopped');
    await expect(fetch(`${listening.url ?? ''}/healthz`)).rejects.toThrow();
  });

  it('never logs a database password', async () => {
    const db = 'postgres://scalelog:s3cret@127.0.0.1:1/scalelog';
    const cli = startScalelog(['serve', '--listen', '127.0.0.1:0', '--db', db]);
    const run = await cli.done;
    expect(run.code).toBe(1);
    expect(run.stderr.text + run.stdout.text).not.toContain('s3cret');
  });

  it('exits 1 with one clear line when the port is taken, and closes the store', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as AddressInfo;
    try {
      const run = await startScalelog(['serve', '--listen', `127.0.0.1:${port}`, '--db', db]).done;
      expect(run.code).toBe(1);
      expect(run.stderr.text).toBe(
        `scalelog serve: cannot listen on 127.0.0.1:${port}: the address is already in use (another Scalelog, or another program, listens there).\n`,
      );
      expect(run.storesClosed).toBe(1);
    } finally {
      blocker.close();
    }
  });

  describe('with a request that does not finish', () => {
    /** An app whose close waits for one in-flight request until its connections are cut. */
    function stuckApp(): { buildApp: BuildApp; cut: () => number } {
      let cuts = 0;
      let release: () => void = () => undefined;
      const app: ServableApp = {
        listen: () => Promise.resolve('http://127.0.0.1:4321'),
        close: () => new Promise<void>((resolve) => (release = resolve)),
        server: {
          address: () => ({ address: '127.0.0.1', port: 4321, family: 'IPv4' }),
          closeAllConnections: () => {
            cuts += 1;
            release();
          },
        } as unknown as Server,
      };
      return { buildApp: () => app, cut: () => cuts };
    }

    it('cuts it off after shutdownTimeoutMs and exits 1', async () => {
      vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
      const stuck = stuckApp();
      const cli = startScalelog(['serve', '--db', db], {
        env: { SCALELOG_SHUTDOWN_TIMEOUT_MS: '5000' },
        context: { buildApp: stuck.buildApp },
      });
      await cli.stdout.waitForLine(isListening);
      cli.signals.emit('SIGINT', 'SIGINT');
      await vi.advanceTimersByTimeAsync(4999);
      expect(stuck.cut()).toBe(0);
      await vi.advanceTimersByTimeAsync(1);
      const run = await cli.done;
      expect(stuck.cut()).toBe(1);
      expect(run.code).toBe(1);
      expect(run.storesClosed).toBe(1);
      expect(run.stdout.text).toContain('cutting the connections of requests still in flight');
    });

    it('cuts it off at a second signal', async () => {
      const stuck = stuckApp();
      const cli = startScalelog(['serve', '--db', db], { context: { buildApp: stuck.buildApp } });
      await cli.stdout.waitForLine(isListening);
      cli.signals.emit('SIGTERM', 'SIGTERM');
      await cli.stdout.waitForLine((line) =>
        parse(line).msg.includes('finishing requests in flight'),
      );
      expect(stuck.cut()).toBe(0);
      cli.signals.emit('SIGINT', 'SIGINT');
      const run = await cli.done;
      expect(stuck.cut()).toBe(1);
      expect(run.code).toBe(1);
      expect(cli.signals.listenerCount('SIGINT') + cli.signals.listenerCount('SIGTERM')).toBe(0);
    });
  });
});
