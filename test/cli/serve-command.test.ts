import { existsSync } from 'node:fs';
import { mkdtemp, rm, utimes } from 'node:fs/promises';
import type { Server } from 'node:http';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { randomBytes } from 'node:crypto';
import { devCredentials } from '../../src/auth/dev-credentials.js';
import type { BuildApp, ServableApp } from '../../src/cli/cli-context.js';
import { openStore } from '../../src/store/open-store.js';
import { skCipher } from '../../src/auth/sk-cipher.js';
import { storeCredentialService } from '../../src/auth/store-credential-service.js';
import { harnessSecretKey, startScalelog } from './cli-harness.js';
import type { ClientCredential } from './signed-fetch.js';
import { signedFetch } from './signed-fetch.js';

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

/** The credential a first start printed on stderr. */
function firstRunCredential(stderr: string): ClientCredential {
  const field = (label: string): string => {
    const m = new RegExp(`^  ${label} +(\\S+)$`, 'm').exec(stderr);
    if (m?.[1] === undefined) throw new Error(`no ${label} in:\n${stderr}`);
    return m[1];
  };
  return { ak: field('AK'), sk: field('SK'), projectId: field('project id') };
}

/** What serve writes first on stderr, once it has opened the test's store. */
const storeLine = (isNew = false): string =>
  `store: ${join(dir, 'scalelog.db')} (SQLite${isNew ? ', new database' : ''})\n`;

const policyPath = (projectId: string): string =>
  `/autoscaling-api/v1/${projectId}/scaling_policy_execute_log/nope`;

describe('scalelog serve', () => {
  it('logs where it listens and which store it uses, serves, and stops with exit 0 on SIGTERM', async () => {
    const cli = startScalelog(['serve', '--listen', '127.0.0.1:0', '--db', db]);
    const listening = parse(await cli.stdout.waitForLine(isListening));
    expect(listening.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(listening.store).toBe(`sqlite:${join(dir, 'scalelog.db')}`);
    const url = listening.url ?? '';

    const health = await fetch(`${url}/healthz`);
    expect(health.status).toBe(200);
    const credential = firstRunCredential(cli.stderr.text);
    const unknown = await signedFetch(url, credential, { path: policyPath(credential.projectId) });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({
      error: { code: 'AS.3020', message: 'The AS policy does not exist.' },
    });
    // Authentication is on: an unsigned request is refused.
    expect((await fetch(`${url}${policyPath(credential.projectId)}`)).status).toBe(401);

    cli.signals.emit('SIGTERM', 'SIGTERM');
    const run = await cli.done;
    expect(run.code).toBe(0);
    expect(run.storesClosed).toBe(1);
    expect(run.stdout.lines().map((line) => parse(line).msg)).toContain('scalelog stopped');
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();
  });

  describe('on a store without credentials (a first start)', () => {
    it('creates one project and credential, prints them once on stderr, and never logs the SK', async () => {
      const cli = startScalelog(['serve', '--listen', '127.0.0.1:0', '--db', db]);
      const url = parse(await cli.stdout.waitForLine(isListening)).url ?? '';
      cli.signals.emit('SIGTERM', 'SIGTERM');
      const run = await cli.done;
      expect(run.code).toBe(0);

      expect(run.stderr.text.startsWith(storeLine(true))).toBe(true);
      const credential = firstRunCredential(run.stderr.text);
      expect(credential.projectId).toMatch(/^[0-9a-f]{32}$/);
      expect(credential.ak).toMatch(/^[A-Z0-9]{20}$/);
      expect(credential.sk).toMatch(/^[A-Za-z0-9]{40}$/);
      // Ready to paste: the SDKs' environment variables and how to get a token.
      expect(run.stderr.text).toContain(`point their endpoint at ${url}:`);
      expect(run.stderr.text).toContain(
        `  export HUAWEICLOUD_SDK_AK=${credential.ak}\n  export HUAWEICLOUD_SDK_SK=${credential.sk}\n  export HUAWEICLOUD_SDK_PROJECT_ID=${credential.projectId}\n`,
      );
      expect(run.stderr.text).toContain(
        `  scalelog token create --db ${db} --project ${credential.projectId}\n`,
      );
      // Logged, but never the SK.
      const created = run.stdout
        .lines()
        .map(parse)
        .find((l) => l.msg.startsWith('the store had no credentials'));
      expect(created).toMatchObject({ ak: credential.ak, projectId: credential.projectId });
      expect(run.stdout.text).not.toContain(credential.sk);

      const store = await openStore(db);
      try {
        expect(await store.listCredentials()).toEqual([
          expect.objectContaining({ ak: credential.ak, projectId: credential.projectId }),
        ]);
      } finally {
        await store.close();
      }

      // The next start finds a credential: nothing is created or printed.
      const again = startScalelog(['serve', '--listen', '127.0.0.1:0', '--db', db]);
      await again.stdout.waitForLine(isListening);
      again.signals.emit('SIGTERM', 'SIGTERM');
      const second = await again.done;
      expect(second.code).toBe(0);
      expect(second.stderr.text).toBe(storeLine());
    });

    it('creates nothing when it cannot listen', async () => {
      const blocker = createServer();
      await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
      const { port } = blocker.address() as AddressInfo;
      try {
        const run = await startScalelog(['serve', '--listen', `127.0.0.1:${port}`, '--db', db])
          .done;
        expect(run.code).toBe(1);
        const store = await openStore(db);
        expect(await store.countCredentials()).toBe(0);
        await store.close();
      } finally {
        blocker.close();
      }
    });
  });

  describe('--dev', () => {
    it('serves the documented development credential on loopback, with a loud warning', async () => {
      const cli = startScalelog(['serve', '--dev', '--listen', '127.0.0.1:0', '--db', db]);
      const url = parse(await cli.stdout.waitForLine(isListening)).url ?? '';
      const answer = await signedFetch(url, devCredentials, {
        path: policyPath(devCredentials.projectId),
      });
      expect(answer.status).toBe(404);
      cli.signals.emit('SIGTERM', 'SIGTERM');
      const run = await cli.done;
      expect(run.code).toBe(0);
      expect(run.stderr.text).toContain('DEVELOPMENT MODE (--dev)');
      expect(run.stderr.text).toContain('PUBLIC');
      expect(run.stderr.text).toContain(`export HUAWEICLOUD_SDK_AK=${devCredentials.ak}`);
      // No first-run credential next to the development one.
      expect(run.stderr.text).not.toContain('This store had no credentials');
      const store = await openStore(db);
      try {
        expect((await store.listCredentials()).map((c) => c.ak)).toEqual([devCredentials.ak]);
      } finally {
        await store.close();
      }
    });

    it('puts the development credential back as documented if it was changed', async () => {
      const store = await openStore(db);
      try {
        await storeCredentialService({
          store,
          skCipher: () => Promise.resolve(skCipher(Buffer.from(harnessSecretKey, 'base64'))),
        }).createCredential({
          projectId: 'elsewhere',
          ak: devCredentials.ak,
          sk: 'changed-secret',
        });
      } finally {
        await store.close();
      }
      const cli = startScalelog(['serve', '--listen', '127.0.0.1:0', '--db', db], {
        env: { SCALELOG_DEV: '1' },
      });
      const url = parse(await cli.stdout.waitForLine(isListening)).url ?? '';
      const answer = await signedFetch(url, devCredentials, {
        path: policyPath(devCredentials.projectId),
      });
      expect(answer.status).toBe(404);
      cli.signals.emit('SIGTERM', 'SIGTERM');
      expect((await cli.done).code).toBe(0);
    });

    it('leaves a credential that works only in development mode', async () => {
      const dev = startScalelog(['serve', '--dev', '--listen', '127.0.0.1:0', '--db', db]);
      await dev.stdout.waitForLine(isListening);
      dev.signals.emit('SIGTERM', 'SIGTERM');
      expect((await dev.done).code).toBe(0);

      // The same store served for real: the public credential is refused, and since it does
      // not count, the first start's credential is made and printed.
      const cli = startScalelog(['serve', '--listen', '127.0.0.1:0', '--db', db]);
      const url = parse(await cli.stdout.waitForLine(isListening)).url ?? '';
      const refused = await signedFetch(url, devCredentials, {
        path: policyPath(devCredentials.projectId),
      });
      expect(refused.status).toBe(401);
      // It says why: this is the development credential, and it needs --dev.
      expect(((await refused.json()) as { error_msg: string }).error_msg).toBe(
        `Incorrect IAM authentication information: ak not exist: "${devCredentials.ak}" is the development credential, which only a server started with 'scalelog serve --dev' accepts. Sign with a credential of this store ('scalelog credentials create'), or start the server with --dev.`,
      );
      const credential = firstRunCredential(cli.stderr.text);
      expect(
        (await signedFetch(url, credential, { path: policyPath(credential.projectId) })).status,
      ).toBe(404);
      cli.signals.emit('SIGTERM', 'SIGTERM');
      const run = await cli.done;
      expect(run.code).toBe(0);
      expect(run.stdout.lines().map((line) => parse(line).msg)).toContain(
        'the store holds the development credential; without --dev it is refused',
      );
    });

    it('refuses a non-loopback address with exit 2, before opening the store', async () => {
      const run = await startScalelog(['serve', '--dev', '--listen', '0.0.0.0:0', '--db', db]).done;
      expect(run.code).toBe(2);
      expect(run.stderr.lines()).toEqual([
        'scalelog serve: --dev serves the public development credential, so it listens only on this machine, but --listen is 0.0.0.0: use 127.0.0.1 (or any 127.x.x.x), ::1 or localhost, or drop --dev and use real credentials',
      ]);
      expect(run.storesOpened).toBe(0);
    });
  });

  it('removes ingest spool folders a killed server left more than a day ago, and no others', async () => {
    const stale = await mkdtemp(join(tmpdir(), 'scalelog-body-'));
    const young = await mkdtemp(join(tmpdir(), 'scalelog-body-'));
    const twoDaysAgo = new Date(Date.now() - 2 * 24 * 60 * 60 * 1000);
    await utimes(stale, twoDaysAgo, twoDaysAgo);
    try {
      const cli = startScalelog(['serve', '--listen', '127.0.0.1:0', '--db', db]);
      await cli.stdout.waitForLine(isListening);
      const removed = parse(
        await cli.stdout.waitForLine((line) => parse(line).msg.startsWith('removed ingest spool')),
      ) as LogLine & { removed?: number };
      expect(removed.removed).toBeGreaterThanOrEqual(1);
      expect(existsSync(stale)).toBe(false);
      expect(existsSync(young)).toBe(true);
      cli.signals.emit('SIGTERM', 'SIGTERM');
      expect((await cli.done).code).toBe(0);
    } finally {
      await rm(stale, { recursive: true, force: true });
      await rm(young, { recursive: true, force: true });
    }
  });

  it('listens on every address when asked, now that requests are authenticated', async () => {
    const cli = startScalelog(['serve', '--listen', '0.0.0.0:0', '--db', db]);
    const listening = parse(await cli.stdout.waitForLine(isListening));
    const port = new URL(listening.url ?? '').port;
    expect(listening.url).toBe(`http://0.0.0.0:${port}`);
    const credential = firstRunCredential(cli.stderr.text);
    const answer = await signedFetch(`http://127.0.0.1:${port}`, credential, {
      path: policyPath(credential.projectId),
    });
    expect(answer.status).toBe(404);
    cli.signals.emit('SIGTERM', 'SIGTERM');
    expect((await cli.done).code).toBe(0);
  });

  it('refuses with exit 2 a secret key the store was not set up with, before listening', async () => {
    const first = startScalelog(['serve', '--listen', '127.0.0.1:0', '--db', db]);
    await first.stdout.waitForLine(isListening);
    first.signals.emit('SIGTERM', 'SIGTERM');
    expect((await first.done).code).toBe(0);

    const otherKey = randomBytes(32).toString('base64');
    const run = await startScalelog(['serve', '--listen', '127.0.0.1:0', '--db', db], {
      env: { SCALELOG_SECRET_KEY: otherKey },
    }).done;
    expect(run.code).toBe(2);
    expect(run.stderr.lines()).toEqual([
      storeLine().trimEnd(),
      expect.stringMatching(
        /^scalelog serve: the secret key from SCALELOG_SECRET_KEY \(setting secretKey\) is not the key the store at .* was set up with/,
      ),
    ]);
    expect(run.stderr.text + run.stdout.text).not.toContain(otherKey);
    expect(run.stdout.text).not.toContain('listening');
    expect(run.storesClosed).toBe(1);
  });

  it('refuses a --db in a folder that does not exist, creating nothing', async () => {
    const folder = join(dir, 'no-such-folder');
    const path = join(folder, 'scalelog.db');
    const run = await startScalelog(['serve', '--listen', '127.0.0.1:0', '--db', path]).done;
    expect(run.code).toBe(1);
    expect(run.stderr.text).toBe(
      `scalelog serve: there is no folder ${folder} for the SQLite database ${path}: ` +
        'create the folder first, or give --db a path in a folder that exists ' +
        '(only the default folder data/ is created when missing).\n',
    );
    expect(run.storesOpened).toBe(0);
    expect(existsSync(folder)).toBe(false);
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
        `${storeLine(true)}scalelog serve: cannot listen on 127.0.0.1:${port}: the address is already in use (another Scalelog, or another program, listens there); stop it, or choose another port with --listen HOST:PORT (or SCALELOG_LISTEN).\n`,
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
