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
      requestTimeoutMs: 30_000,
      queryTimeoutMs: 10_000,
      retryAfterSeconds: 5,
      shutdownTimeoutMs: 10_000,
    });
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
        SCALELOG_REQUEST_TIMEOUT_MS: '1500',
        SCALELOG_QUERY_TIMEOUT_MS: '250',
        SCALELOG_RETRY_AFTER_SECONDS: '9',
        SCALELOG_SHUTDOWN_TIMEOUT_MS: '0',
      },
    });
    expect(config).toEqual({
      listen: { host: '127.0.0.2', port: 9001 },
      db: 'postgres://scalelog@127.0.0.1:5432/scalelog',
      logLevel: 'debug',
      executeTypeOutput: 'SCHEDULE',
      bodyLimitBytes: 2048,
      requestTimeoutMs: 1500,
      queryTimeoutMs: 250,
      retryAfterSeconds: 9,
      shutdownTimeoutMs: 0,
    });
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

  it.each(['0.0.0.0:8080', '192.168.1.10:8080', '[::]:8080', 'example.com:80', '128.0.0.1:80'])(
    'refuses the non-loopback listen address %s and says why',
    async (listen) => {
      const problems = await problemsOf({ env: {}, flags: { listen } });
      expect(problems).toHaveLength(1);
      expect(problems[0]).toContain('--listen');
      expect(problems[0]).toContain('not a loopback address');
      expect(problems[0]).toContain('no authentication yet');
    },
  );

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
  ])('accepts the database %s', async (db) => {
    expect((await loadConfig({ env: {}, flags: { db } })).db).toBe(db);
  });

  it.each([['mysql://u@h/db'], ['sqlite:'], ['  ']])('refuses the database %j', async (db) => {
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
      flags: { listen: '0.0.0.0:80', db: 'redis://127.0.0.1' },
    });
    expect(problems).toHaveLength(6);
    const joined = problems.join('\n');
    expect(joined).toContain(`unknown setting "colour"`);
    expect(joined).toContain(`"bodyLimitBytes" in ${file} = "1024"`);
    expect(joined).toContain('SCALELOG_LOG_LEVEL = "chatty"');
    expect(joined).toContain('SCALELOG_QUERY_TIMEOUT_MS = "soon"');
    expect(joined).toContain('--listen = "0.0.0.0:80"');
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
});
