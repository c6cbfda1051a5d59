import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/config/config.js';
import { ConfigError } from '../../src/config/config-error.js';
import { loadConfig } from '../../src/config/load-config.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'scalelog-config-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

let fileCount = 0;
async function settingsFile(content: unknown): Promise<string> {
  fileCount += 1;
  const path = join(dir, `settings-${fileCount}.json`);
  await writeFile(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

const secretKey = randomBytes(32).toString('base64');

/** The problems a load reports, or fails the test if it loads. */
async function problemsOf(options: Parameters<typeof loadConfig>[0]): Promise<readonly string[]> {
  try {
    await loadConfig(options);
  } catch (e: unknown) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('gives the defaults when nothing is set, ignoring unrelated variables', async () => {
    const config = await loadConfig({ env: { PATH: '/usr/bin', SCALELOG_TEST_POSTGRES_URL: 'x' } });
    expect(config).toEqual(defaultConfig);
    expect(config).toEqual({
      listen: { host: '127.0.0.1', port: 8080 },
      db: 'data/scalelog.db',
      logLevel: 'info',
      executeTypeOutput: 'SCHEDULED',
      bodyLimitBytes: 10 * 1024 * 1024,
      jsonBodyLimitBytes: 64 * 1024,
      requestTimeoutMs: 30_000,
      queryTimeoutMs: 10_000,
      busyTimeoutMs: 5_000,
      retryAfterSeconds: 5,
      shutdownTimeoutMs: 10_000,
      headersTimeoutMs: 10_000,
      keepAliveTimeoutMs: 5_000,
      maxConnections: 0,
      maxInFlightRequests: 1_000,
      maxStoreQueue: 100,
      maxEventLoopDelayMs: 1_000,
      requestLog: 'all',
      secretKey: undefined,
      secretKeyFile: 'data/scalelog.key',
      credentialCacheTtlMs: 2000,
      trustProxy: false,
      instanceSettleMs: 0,
      misfireGraceMs: 300_000,
      schedulerIntervalMs: 1000,
      webhookTimeoutMs: 10_000,
      webhookMaxAttempts: 10,
      devTriggers: false,
      dev: false,
      groupQuota: 25,
      configurationQuota: 100,
      groupPolicyQuota: 50,
      groupInstanceQuota: 200,
      bandwidthPolicyQuota: 10,
    });
    expect(Object.keys(config)).toContain('secretKey');
  });

  it('returns a deeply frozen object', async () => {
    const config = await loadConfig({ env: { SCALELOG_LISTEN: '127.0.0.1:9000' } });
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.listen)).toBe(true);
    expect(() => {
      (config.listen as { port: number }).port = 1;
    }).toThrow(TypeError);
  });

  it('reads every SCALELOG_* variable', async () => {
    const config = await loadConfig({
      env: {
        SCALELOG_LISTEN: '127.0.0.2:9001',
        SCALELOG_DB: 'postgres://scalelog@127.0.0.1:5432/scalelog',
        SCALELOG_LOG_LEVEL: 'debug',
        SCALELOG_EXECUTE_TYPE_OUTPUT: 'SCHEDULE',
        SCALELOG_BODY_LIMIT_BYTES: '2048',
        SCALELOG_JSON_BODY_LIMIT_BYTES: '1024',
        SCALELOG_REQUEST_TIMEOUT_MS: '1500',
        SCALELOG_QUERY_TIMEOUT_MS: '250',
        SCALELOG_BUSY_TIMEOUT_MS: '750',
        SCALELOG_RETRY_AFTER_SECONDS: '9',
        SCALELOG_SHUTDOWN_TIMEOUT_MS: '0',
        SCALELOG_HEADERS_TIMEOUT_MS: '1200',
        SCALELOG_KEEP_ALIVE_TIMEOUT_MS: '61000',
        SCALELOG_MAX_CONNECTIONS: '5000',
        SCALELOG_MAX_IN_FLIGHT_REQUESTS: '0',
        SCALELOG_MAX_STORE_QUEUE: '20',
        SCALELOG_MAX_EVENT_LOOP_DELAY_MS: '250',
        SCALELOG_REQUEST_LOG: 'errors',
        SCALELOG_SECRET_KEY: secretKey,
        SCALELOG_SECRET_KEY_FILE: '/etc/scalelog/key',
        SCALELOG_CREDENTIAL_CACHE_TTL_MS: '500',
        SCALELOG_TRUST_PROXY: '10.0.0.0/8,192.0.2.7',
        SCALELOG_INSTANCE_SETTLE_MS: '30000',
        SCALELOG_MISFIRE_GRACE_MS: '60000',
        SCALELOG_SCHEDULER_INTERVAL_MS: '250',
        SCALELOG_WEBHOOK_TIMEOUT_MS: '2500',
        SCALELOG_WEBHOOK_MAX_ATTEMPTS: '4',
        SCALELOG_DEV_TRIGGERS: 'false',
        SCALELOG_DEV: '1',
        SCALELOG_GROUP_QUOTA: '50',
        SCALELOG_CONFIGURATION_QUOTA: '0',
        SCALELOG_GROUP_POLICY_QUOTA: '7',
        SCALELOG_GROUP_INSTANCE_QUOTA: '1000',
        SCALELOG_BANDWIDTH_POLICY_QUOTA: '100',
      },
    });
    expect(config).toEqual({
      listen: { host: '127.0.0.2', port: 9001 },
      db: 'postgres://scalelog@127.0.0.1:5432/scalelog',
      logLevel: 'debug',
      executeTypeOutput: 'SCHEDULE',
      bodyLimitBytes: 2048,
      jsonBodyLimitBytes: 1024,
      requestTimeoutMs: 1500,
      queryTimeoutMs: 250,
      busyTimeoutMs: 750,
      retryAfterSeconds: 9,
      shutdownTimeoutMs: 0,
      headersTimeoutMs: 1200,
      keepAliveTimeoutMs: 61_000,
      maxConnections: 5000,
      maxInFlightRequests: 0,
      maxStoreQueue: 20,
      maxEventLoopDelayMs: 250,
      requestLog: 'errors',
      secretKey,
      secretKeyFile: '/etc/scalelog/key',
      credentialCacheTtlMs: 500,
      trustProxy: '10.0.0.0/8, 192.0.2.7',
      instanceSettleMs: 30_000,
      misfireGraceMs: 60_000,
      schedulerIntervalMs: 250,
      webhookTimeoutMs: 2500,
      webhookMaxAttempts: 4,
      // Set explicitly: dev mode does not turn it on then.
      devTriggers: false,
      dev: true,
      groupQuota: 50,
      configurationQuota: 0,
      groupPolicyQuota: 7,
      groupInstanceQuota: 1000,
      bandwidthPolicyQuota: 100,
    });
  });

  it('takes a quota past the most the cloud grants, and refuses one that is not a count', async () => {
    const config = await loadConfig({ env: { SCALELOG_GROUP_QUOTA: '5000' } });
    expect(config.groupQuota).toBe(5000);
    const problems = await problemsOf({
      env: { SCALELOG_GROUP_QUOTA: '1000001', SCALELOG_GROUP_INSTANCE_QUOTA: '-1' },
    });
    expect(problems).toHaveLength(2);
    expect(problems.join('\n')).toContain('SCALELOG_GROUP_QUOTA');
    expect(problems.join('\n')).toContain('SCALELOG_GROUP_INSTANCE_QUOTA');
    expect(problems.join('\n')).toContain('from 0 to 1000000');
  });

  it("takes trustProxy as a boolean or the proxies' addresses and CIDRs, and reports every bad entry", async () => {
    const trust = async (value: string) =>
      (await loadConfig({ env: { SCALELOG_TRUST_PROXY: value } })).trustProxy;
    expect(await trust('true')).toBe(true);
    expect(await trust('0')).toBe(false);
    expect(await trust(' 2001:db8::/32 , loopback,192.0.2.7 ')).toBe(
      '2001:db8::/32, loopback, 192.0.2.7',
    );
    expect(
      await problemsOf({ env: { SCALELOG_TRUST_PROXY: '10.0.0.0/33, proxy.internal, 192.0.2.7' } }),
    ).toEqual([
      'SCALELOG_TRUST_PROXY = "10.0.0.0/33, proxy.internal, 192.0.2.7": "10.0.0.0/33", ' +
        '"proxy.internal" are not IP addresses or CIDRs; expected false, true, or the reverse ' +
        "proxies' IP addresses or CIDRs, comma-separated (such as 10.0.0.0/8, 192.0.2.7)",
    ]);
    expect(await problemsOf({ env: { SCALELOG_TRUST_PROXY: 'yes' } })).toEqual([
      expect.stringContaining('"yes" is not an IP address or CIDR'),
    ]);
  });

  it('serves the developer trigger endpoint in dev mode unless devTriggers is set', async () => {
    expect((await loadConfig({ env: {}, flags: { dev: true } })).devTriggers).toBe(true);
    expect((await loadConfig({ env: {} })).devTriggers).toBe(false);
    expect((await loadConfig({ env: { SCALELOG_DEV_TRIGGERS: 'true' } })).devTriggers).toBe(true);
  });

  it('reads a JSON file named by --config, with listen as text or as an object', async () => {
    const text = await settingsFile({
      listen: 'localhost:7000',
      db: 'sqlite:/tmp/x.db',
      queryTimeoutMs: 42,
    });
    expect(await loadConfig({ env: {}, flags: { config: text } })).toMatchObject({
      listen: { host: 'localhost', port: 7000 },
      db: 'sqlite:/tmp/x.db',
      queryTimeoutMs: 42,
      logLevel: 'info',
    });
    const object = await settingsFile({ listen: { host: '::1', port: 7001 } });
    expect((await loadConfig({ env: {}, flags: { config: object } })).listen).toEqual({
      host: '::1',
      port: 7001,
    });
  });

  it('applies defaults < file < environment < flags, setting by setting', async () => {
    const file = await settingsFile({
      db: 'from-file.db',
      logLevel: 'warn',
      listen: '127.0.0.1:1001',
      retryAfterSeconds: 7,
    });
    const config = await loadConfig({
      env: { SCALELOG_CONFIG: file, SCALELOG_DB: 'from-env.db', SCALELOG_LOG_LEVEL: 'error' },
      flags: { db: 'from-flag.db' },
    });
    expect(config.db).toBe('from-flag.db');
    expect(config.logLevel).toBe('error');
    expect(config.listen).toEqual({ host: '127.0.0.1', port: 1001 });
    expect(config.retryAfterSeconds).toBe(7);
    expect(config.queryTimeoutMs).toBe(defaultConfig.queryTimeoutMs);
  });

  it('prefers --config to SCALELOG_CONFIG', async () => {
    const a = await settingsFile({ db: 'a.db' });
    const b = await settingsFile({ db: 'b.db' });
    expect((await loadConfig({ env: { SCALELOG_CONFIG: a }, flags: { config: b } })).db).toBe(
      'b.db',
    );
  });

  it('treats an empty variable as unset', async () => {
    expect((await loadConfig({ env: { SCALELOG_DB: '', SCALELOG_LISTEN: '' } })).db).toBe(
      defaultConfig.db,
    );
  });

  it('does not complain about a bad value that a higher source overrides', async () => {
    const config = await loadConfig({
      env: { SCALELOG_LISTEN: 'nonsense' },
      flags: { listen: '127.0.0.1:1' },
    });
    expect(config.listen.port).toBe(1);
  });

  it.each([
    ['127.0.0.1:8080', '127.0.0.1', 8080],
    ['127.10.20.30:1', '127.10.20.30', 1],
    ['localhost:0', 'localhost', 0],
    ['LOCALHOST:65535', 'LOCALHOST', 65535],
    ['[::1]:8080', '::1', 8080],
    ['[0:0:0:0:0:0:0:1]:8080', '0:0:0:0:0:0:0:1', 8080],
  ])('accepts the loopback listen address %s', async (listen, host, port) => {
    expect((await loadConfig({ env: {}, flags: { listen } })).listen).toEqual({ host, port });
  });

  it.each([
    ['0.0.0.0:8080', '0.0.0.0', 8080],
    ['192.168.1.10:8080', '192.168.1.10', 8080],
    ['[::]:8080', '::', 8080],
    ['example.com:80', 'example.com', 80],
  ])(
    'accepts the non-loopback listen address %s: every request is authenticated',
    async (listen, host, port) => {
      expect((await loadConfig({ env: {}, flags: { listen } })).listen).toEqual({ host, port });
    },
  );

  it.each([
    [{ flags: { dev: true, listen: '0.0.0.0:8080' } }, '--dev', '--listen'],
    [{ env: { SCALELOG_DEV: '1', SCALELOG_LISTEN: '[::]:80' } }, 'SCALELOG_DEV', 'SCALELOG_LISTEN'],
    [
      { env: { SCALELOG_DEV: 'true' }, flags: { listen: '128.0.0.1:80' } },
      'SCALELOG_DEV',
      '--listen',
    ],
  ])(
    'refuses development mode on a non-loopback address, naming both settings (%j)',
    async (options, devSource, listenSource) => {
      const problems = await problemsOf({ env: {}, ...options });
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatch(
        new RegExp(
          `^${devSource} serves the public development credential, so it listens only on this machine, but ${listenSource} is `,
        ),
      );
      expect(problems[0]).toContain('use 127.0.0.1 (or any 127.x.x.x), ::1 or localhost');
    },
  );

  it('keeps development mode on loopback, the default address included', async () => {
    expect((await loadConfig({ env: {}, flags: { dev: true } })).dev).toBe(true);
    expect(
      (await loadConfig({ env: { SCALELOG_DEV: '1', SCALELOG_LISTEN: '[::1]:9' } })).listen,
    ).toEqual({ host: '::1', port: 9 });
  });

  it.each([
    ['1', true],
    ['true', true],
    ['TRUE', true],
    ['0', false],
    ['false', false],
  ])('reads SCALELOG_DEV=%s', async (value, dev) => {
    expect((await loadConfig({ env: { SCALELOG_DEV: value } })).dev).toBe(dev);
  });

  it('refuses a SCALELOG_DEV that is not a yes or no, and a non-boolean "dev" in the file', async () => {
    expect(await problemsOf({ env: { SCALELOG_DEV: 'yes please' } })).toEqual([
      'SCALELOG_DEV = "yes please": expected 1, true, 0 or false',
    ]);
    const file = await settingsFile({ dev: 'true' });
    expect(await problemsOf({ env: {}, flags: { config: file } })).toEqual([
      `"dev" in ${file} = "true": expected true or false`,
    ]);
  });

  it('takes the secret key as 32 bytes in base64, from the environment or the file', async () => {
    expect((await loadConfig({ env: { SCALELOG_SECRET_KEY: ` ${secretKey}\n` } })).secretKey).toBe(
      secretKey,
    );
    const file = await settingsFile({ secretKey, secretKeyFile: 'keys/scalelog.key' });
    expect(await loadConfig({ env: {}, flags: { config: file } })).toMatchObject({
      secretKey,
      secretKeyFile: 'keys/scalelog.key',
    });
  });

  it.each([
    randomBytes(16).toString('base64'),
    randomBytes(33).toString('base64'),
    'correct horse battery staple',
  ])('refuses the secret key %j without ever showing it', async (bad) => {
    const problems = await problemsOf({ env: { SCALELOG_SECRET_KEY: bad } });
    expect(problems).toEqual([
      'SCALELOG_SECRET_KEY = (not shown): expected 32 random bytes in base64 (44 characters), such as `openssl rand -base64 32` prints',
    ]);
    expect(problems.join('')).not.toContain(bad.slice(0, 10));
  });

  it.each([
    ['data/scalelog.db', 'data/scalelog.key'],
    ['/var/lib/scalelog/logs.db', '/var/lib/scalelog/scalelog.key'],
    ['sqlite:stores/a.db', 'stores/scalelog.key'],
    ['sqlite:///srv/scalelog/a.db', '/srv/scalelog/scalelog.key'],
    ['SQLITE:stores/b.db', 'stores/scalelog.key'],
    ['Sqlite:///srv/scalelog/b.db', '/srv/scalelog/scalelog.key'],
    ['here.db', 'scalelog.key'],
    ['sqlite::memory:', 'data/scalelog.key'],
    ['SQLite::memory:', 'data/scalelog.key'],
    ['postgres://u@127.0.0.1:5432/db', 'data/scalelog.key'],
    ['POSTGRES://u@127.0.0.1:5432/db', 'data/scalelog.key'],
  ])(
    'keeps the secret key file of the database %s beside it by default: %s',
    async (db, keyFile) => {
      expect((await loadConfig({ env: { SCALELOG_DB: db } })).secretKeyFile).toBe(keyFile);
    },
  );

  it('takes a secret key file that is set wherever the database is', async () => {
    const file = await settingsFile({ secretKeyFile: 'keys/from-file.key' });
    expect(
      (await loadConfig({ env: { SCALELOG_DB: '/srv/a.db' }, flags: { config: file } }))
        .secretKeyFile,
    ).toBe('keys/from-file.key');
    expect(
      (
        await loadConfig({
          env: { SCALELOG_SECRET_KEY_FILE: '/etc/scalelog.key' },
          flags: { db: '/srv/a.db' },
        })
      ).secretKeyFile,
    ).toBe('/etc/scalelog.key');
  });

  it('refuses an empty secret key file path from the file', async () => {
    const file = await settingsFile({ secretKeyFile: ' ' });
    expect(await problemsOf({ env: {}, flags: { config: file } })).toEqual([
      `"secretKeyFile" in ${file} = " ": expected a file path`,
    ]);
  });

  it.each(['8080', '127.0.0.1', '::1:8080', '127.0.0.1:70000', ':8080', '127.0.0.1:80x'])(
    'refuses the malformed listen address %s',
    async (listen) => {
      const problems = await problemsOf({ env: { SCALELOG_LISTEN: listen } });
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatch(/^SCALELOG_LISTEN = /);
      expect(problems[0]).toMatch(/HOST:PORT|port must be|host is missing/);
    },
  );

  it.each([
    ['data/scalelog.db'],
    ['/var/lib/scalelog/logs.db'],
    ['sqlite:data/other.db'],
    ['postgres://u@127.0.0.1:5432/db'],
    ['postgresql://u:pw@db.internal/scalelog?sslmode=require'],
    ['SQLITE:data/other.db'],
    ['Sqlite:data/other.db'],
    ['POSTGRES://u@127.0.0.1:5432/db'],
    ['PostgreSQL://u:pw@db.internal/scalelog?sslmode=require'],
  ])('accepts the database %s', async (db) => {
    expect((await loadConfig({ env: {}, flags: { db } })).db).toBe(db);
  });

  it.each([
    ['mysql://u@h/db'],
    ['sqlite:'],
    ['  '],
    ['MYSQL://u@h/db'],
    ['SQLITE:'],
    ['Sqlite:  '],
    ['POSTGRES://u@h:notaport/db'],
  ])('refuses the database %j', async (db) => {
    const problems = await problemsOf({ env: {}, flags: { db } });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain('expected a file path, sqlite:PATH or postgres://');
  });

  it('never shows a database password in an error', async () => {
    for (const db of ['mysql://user:s3cret@h/db', 'postgres://user:s3cret@h:notaport/db']) {
      const problems = await problemsOf({ env: { SCALELOG_DB: db } });
      expect(problems).toHaveLength(1);
      expect(problems[0]).not.toContain('s3cret');
    }
  });

  it('takes the credential cache lifetime from the file or the environment, 0 turning it off', async () => {
    const file = await settingsFile({ credentialCacheTtlMs: 60_000 });
    expect((await loadConfig({ env: {}, flags: { config: file } })).credentialCacheTtlMs).toBe(
      60_000,
    );
    expect(
      (
        await loadConfig({
          env: { SCALELOG_CONFIG: file, SCALELOG_CREDENTIAL_CACHE_TTL_MS: '0' },
        })
      ).credentialCacheTtlMs,
    ).toBe(0);
    const negative = await settingsFile({ credentialCacheTtlMs: -1 });
    expect(await problemsOf({ env: {}, flags: { config: negative } })).toEqual([
      `"credentialCacheTtlMs" in ${negative} = -1: expected a whole number of milliseconds from 0 to 60000`,
    ]);
  });

  it.each([
    [
      'SCALELOG_LOG_LEVEL',
      'loud',
      'expected one of fatal, error, warn, info, debug, trace, silent',
    ],
    ['SCALELOG_EXECUTE_TYPE_OUTPUT', 'scheduled', 'expected one of SCHEDULED, SCHEDULE'],
    ['SCALELOG_BODY_LIMIT_BYTES', '0', 'from 1 to 1073741824'],
    ['SCALELOG_BODY_LIMIT_BYTES', '10MB', 'whole number of bytes'],
    ['SCALELOG_REQUEST_TIMEOUT_MS', '-1', 'whole number of milliseconds'],
    ['SCALELOG_QUERY_TIMEOUT_MS', '1.5', 'whole number of milliseconds'],
    ['SCALELOG_RETRY_AFTER_SECONDS', '86401', 'from 1 to 86400'],
    ['SCALELOG_SHUTDOWN_TIMEOUT_MS', '99999999999', 'from 0 to 2147483647'],
    ['SCALELOG_CREDENTIAL_CACHE_TTL_MS', '60001', 'from 0 to 60000'],
    ['SCALELOG_CREDENTIAL_CACHE_TTL_MS', '2s', 'whole number of milliseconds'],
    ['SCALELOG_INSTANCE_SETTLE_MS', '-5', 'whole number of milliseconds'],
    ['SCALELOG_MISFIRE_GRACE_MS', '5m', 'whole number of milliseconds'],
    ['SCALELOG_SCHEDULER_INTERVAL_MS', '5', 'from 10 to 3600000'],
    ['SCALELOG_WEBHOOK_TIMEOUT_MS', '50', 'from 100 to 600000'],
    ['SCALELOG_WEBHOOK_MAX_ATTEMPTS', '0', 'from 1 to 1000'],
    ['SCALELOG_DEV_TRIGGERS', 'maybe', 'true'],
  ])('refuses %s=%s', async (name, value, expected) => {
    const problems = await problemsOf({ env: { [name]: value } });
    expect(problems).toEqual([expect.stringContaining(expected)]);
    expect(problems[0]).toMatch(new RegExp(`^${name} = `));
  });

  it('reports every bad setting at once, each with its source', async () => {
    const file = await settingsFile({
      bodyLimitBytes: '1024',
      colour: 'blue',
      retryAfterSeconds: 3,
    });
    const problems = await problemsOf({
      env: {
        SCALELOG_CONFIG: file,
        SCALELOG_LOG_LEVEL: 'chatty',
        SCALELOG_QUERY_TIMEOUT_MS: 'soon',
      },
      flags: { listen: '0.0.0.0:80000', db: 'redis://127.0.0.1' },
    });
    expect(problems).toHaveLength(6);
    const joined = problems.join('\n');
    expect(joined).toContain(`unknown setting "colour"`);
    expect(joined).toContain(`"bodyLimitBytes" in ${file} = "1024"`);
    expect(joined).toContain('SCALELOG_LOG_LEVEL = "chatty"');
    expect(joined).toContain('SCALELOG_QUERY_TIMEOUT_MS = "soon"');
    expect(joined).toContain('--listen = "0.0.0.0:80000"');
    expect(joined).toContain('--db = "redis://127.0.0.1"');
  });

  it('reports a missing, unparsable or non-object settings file', async () => {
    const missing = join(dir, 'missing.json');
    expect(await problemsOf({ env: { SCALELOG_CONFIG: missing } })).toEqual([
      `config file ${missing} (from SCALELOG_CONFIG) cannot be read: no such file`,
    ]);
    const broken = await settingsFile('{"db": ');
    expect(await problemsOf({ env: {}, flags: { config: broken } })).toEqual([
      expect.stringContaining(`config file ${broken} is not valid JSON`),
    ]);
    const list = await settingsFile([1, 2]);
    expect(await problemsOf({ env: {}, flags: { config: list } })).toEqual([
      expect.stringContaining('must hold a JSON object'),
    ]);
  });

  it('puts every problem in the error message too', async () => {
    const error = await loadConfig({
      env: { SCALELOG_LOG_LEVEL: 'x', SCALELOG_DB: 'ftp://h' },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(
      /^invalid configuration: .*SCALELOG_DB.*; SCALELOG_LOG_LEVEL/,
    );
  });

  it('refuses bad load and logging settings, each saying what is accepted', async () => {
    const problems = await problemsOf({
      env: {
        SCALELOG_MAX_CONNECTIONS: '-1',
        SCALELOG_MAX_IN_FLIGHT_REQUESTS: 'many',
        SCALELOG_MAX_EVENT_LOOP_DELAY_MS: '1.5',
        SCALELOG_HEADERS_TIMEOUT_MS: '0',
        SCALELOG_REQUEST_LOG: 'verbose',
      },
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        'SCALELOG_MAX_CONNECTIONS = "-1": expected a whole number of connections from 0 to 1000000',
        'SCALELOG_MAX_IN_FLIGHT_REQUESTS = "many": expected a whole number of requests from 0 to 1000000',
        'SCALELOG_MAX_EVENT_LOOP_DELAY_MS = "1.5": expected a whole number of milliseconds from 0 to 2147483647',
        'SCALELOG_HEADERS_TIMEOUT_MS = "0": expected a whole number of milliseconds from 1 to 2147483647',
        'SCALELOG_REQUEST_LOG = "verbose": expected one of all, errors, off',
      ]),
    );
    expect(problems).toHaveLength(5);
  });
});
