import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { postgresTestUrl } from '../support/postgres.js';
import { testBackends } from '../support/backends.js';
import { writeLockHeld } from '../support/write-lock-held.js';
import { configSettings } from '../../src/config/settings.js';
import { openStore } from '../../src/store/open-store.js';
import { runScalelog, startScalelog } from './cli-harness.js';
import {
  logId,
  manyLogs,
  ndjson,
  policyA,
  policyB,
  projectA,
  projectB,
  sampleLogs,
} from './wire-log-fixtures.js';

let dir: string;
let db: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'scalelog-cli-'));
  db = `sqlite:${join(dir, 'scalelog.db')}`;
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** What a command that opened the test's store writes first on stderr. */
const storeLine = (isNew = false): string =>
  `store: ${join(dir, 'scalelog.db')} (SQLite${isNew ? ', new database' : ''})`;

async function file(name: string, text: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
}

async function exported(...args: string[]): Promise<Record<string, unknown>[]> {
  const run = await runScalelog(['export', '--db', db, ...args]);
  const logs = run.stdout.lines().map((line) => JSON.parse(line) as Record<string, unknown>);
  // An empty export says so; the exact words are tested below.
  expect(run.stderr.lines()).toEqual(
    logs.length === 0
      ? [storeLine(), expect.stringMatching(/^No logs to export: /)]
      : [storeLine()],
  );
  expect(run.code).toBe(0);
  expect(run.storesClosed).toBe(1);
  return logs;
}

describe('scalelog command line', () => {
  it.each([[[]], [['serve']], [['import']], [['export']]])(
    'prints help for %j --help and exits 0',
    async (args) => {
      const run = await runScalelog([...args, '--help']);
      expect(run.code).toBe(0);
      expect(run.stdout.text).toContain(`Usage: scalelog ${args.join(' ')}`.trim());
      expect(run.storesOpened).toBe(0);
    },
  );

  it.each([['--version'], ['-V']])(
    'prints the version from package.json for %s and exits 0',
    async (flag) => {
      const { version } = JSON.parse(
        await readFile(new URL('../../package.json', import.meta.url), 'utf8'),
      ) as { version: string };
      const run = await runScalelog([flag]);
      expect(run.code).toBe(0);
      expect(run.stdout.text).toBe(`${version}\n`);
      expect(run.stderr.text).toBe('');
      expect(run.storesOpened).toBe(0);
    },
  );

  it('says what Scalelog is in its help', async () => {
    const help = (await runScalelog(['--help'])).stdout.text.replace(/\s+/g, ' ');
    expect(help).toContain(
      'Scalelog: a self-hosted stand-in for the Huawei Cloud Auto Scaling API: scaling groups, ' +
        'policies and their execution engine, bandwidths, alarms, and the policy execution logs, ' +
        'on SQLite or PostgreSQL.',
    );
  });

  it.each([
    [[], [0, 1, 2, 3, 130]],
    [['serve'], [0, 1, 2]],
    [['import'], [0, 1, 2, 3, 130]],
    [['export'], [0, 1, 2]],
    [['credentials'], [0, 1, 2]],
    [
      ['credentials', 'create'],
      [0, 1, 2],
    ],
    [
      ['credentials', 'list'],
      [0, 1, 2],
    ],
    [
      ['credentials', 'delete'],
      [0, 1, 2],
    ],
    [['token'], [0, 1, 2]],
    [
      ['token', 'create'],
      [0, 1, 2],
    ],
    [
      ['token', 'revoke'],
      [0, 1, 2],
    ],
  ])('lists in %j --help only the exit codes it can return: %j', async (args, codes) => {
    const help = (await runScalelog([...args, '--help'])).stdout.text;
    const table = help.slice(help.indexOf('\nExit codes'));
    const listed = [...table.matchAll(/^ {2}(\d+) /gm)].map((m) => Number(m[1]));
    expect(listed).toEqual(codes);
  });

  it('lists in serve --help every setting with its variable, flag and default', async () => {
    const help = (await runScalelog(['serve', '--help'])).stdout.text;
    for (const [key, setting] of Object.entries(configSettings)) {
      const names = [key, setting.flagName, setting.env].filter((n) => n !== undefined);
      expect(help).toMatch(new RegExp(`^  ${names.join(', ')}  \\[[^\\]]+\\]$`, 'm'));
    }
    expect(help).toContain('  listen, --listen, SCALELOG_LISTEN  [127.0.0.1:8080]');
    expect(help).toContain('  credentialCacheTtlMs, SCALELOG_CREDENTIAL_CACHE_TTL_MS  [2000]');
    expect(help).toContain('SCALELOG_CONFIG');
  });

  it('exits 2 with the help on stderr when no command is given', async () => {
    const run = await runScalelog([]);
    expect(run.code).toBe(2);
    expect(run.stderr.text).toContain('Usage: scalelog');
  });

  it.each([
    [['launch'], "scalelog: unknown command 'launch'."],
    [
      ['import', '--bogus', 'x'],
      "scalelog import: unknown option '--bogus'. See 'scalelog import --help'.",
    ],
    [
      ['import'],
      "scalelog import: missing required argument 'file'. See 'scalelog import --help'.",
    ],
    [['export', 'extra'], 'scalelog export: too many arguments for'],
    [
      ['serve', '--log-level', 'loud'],
      "scalelog serve: option '--log-level <level>' argument 'loud' is invalid.",
    ],
  ])('exits 2 on the bad command line %j with one line on stderr', async (args, message) => {
    const run = await runScalelog(args);
    expect(run.code).toBe(2);
    expect(run.stderr.lines()).toHaveLength(1);
    expect(run.stderr.text).toContain(message);
    expect(run.storesOpened).toBe(0);
  });

  it('refuses a non-loopback --listen in development mode with exit 2 before opening the store', async () => {
    const run = await runScalelog(['serve', '--listen', '0.0.0.0:8080', '--db', db], {
      env: { SCALELOG_DEV: 'true' },
    });
    expect(run.code).toBe(2);
    expect(run.stderr.lines()).toEqual([
      expect.stringMatching(
        /^scalelog serve: SCALELOG_DEV serves the public development credential, so it listens only on this machine, but --listen is 0\.0\.0\.0/,
      ),
    ]);
    expect(run.storesOpened).toBe(0);
  });

  it('reports every bad setting, one line each, with exit 2', async () => {
    const run = await runScalelog(['export', '--db', db], {
      env: { SCALELOG_LOG_LEVEL: 'loud', SCALELOG_QUERY_TIMEOUT_MS: 'soon' },
    });
    expect(run.code).toBe(2);
    expect(run.stderr.lines()).toEqual([
      expect.stringMatching(/^scalelog export: SCALELOG_LOG_LEVEL = "loud": expected one of/),
      expect.stringMatching(
        /^scalelog export: SCALELOG_QUERY_TIMEOUT_MS = "soon": expected a whole number/,
      ),
    ]);
  });

  it('takes the store from SCALELOG_DB when --db is not given', async () => {
    const input = await file('in.ndjson', ndjson(sampleLogs()));
    const run = await runScalelog(['import', input], { env: { SCALELOG_DB: db } });
    expect(run.code).toBe(0);
    expect(await exported()).toHaveLength(5);
  });

  describe('import', () => {
    it('imports a file, says what it did on stderr, and is idempotent', async () => {
      const input = await file('in.ndjson', ndjson(sampleLogs()));
      const first = await runScalelog(['import', '--db', db, input]);
      expect(first.code).toBe(0);
      expect(first.stdout.text).toBe('');
      expect(first.stderr.lines()).toEqual([
        storeLine(true),
        `imported ${input}: 5 read, 5 inserted, 0 updated, 0 unchanged, 0 skipped`,
      ]);
      const again = await runScalelog(['import', '--db', db, input]);
      expect(again.code).toBe(0);
      expect(again.stderr.lines()).toEqual([
        storeLine(),
        `imported ${input}: 5 read, 0 inserted, 0 updated, 5 unchanged, 0 skipped`,
      ]);
    });

    it('updates an EXECUTING log that has since settled', async () => {
      const [, , executing] = sampleLogs();
      await runScalelog(['import', '--db', db, await file('a.ndjson', ndjson([executing ?? {}]))]);
      const settled = { ...executing, status: 'SUCCESS' };
      const run = await runScalelog(['import', '--db', db, '-'], { stdin: ndjson([settled]) });
      expect(run.code).toBe(0);
      expect(run.stderr.text).toBe(
        `${storeLine()}\nimported standard input: 1 read, 0 inserted, 1 updated, 0 unchanged, 0 skipped\n`,
      );
      expect((await exported()).map((log) => log.status)).toEqual(['SUCCESS']);
    });

    it('aborts on a bad line with exit 1, its line number, and nothing written', async () => {
      const lines = ndjson(sampleLogs()).split('\n');
      lines.splice(2, 0, '{"id": "not-a-uuid"}');
      const run = await runScalelog([
        'import',
        '--db',
        db,
        await file('bad.ndjson', lines.join('\n')),
      ]);
      expect(run.code).toBe(1);
      expect(run.stderr.lines()).toEqual([
        storeLine(true),
        expect.stringMatching(
          /^scalelog import: line 3: .*Nothing was imported\. Fix that line, or run the import again with --skip-invalid to import the good lines and list the bad ones\.$/,
        ),
      ]);
      expect(run.storesClosed).toBe(1);
      expect(await exported()).toEqual([]);
    });

    it('with --skip-invalid imports the good lines, lists the bad ones and exits 3', async () => {
      const good = sampleLogs();
      const text = [
        JSON.stringify(good[0]),
        'not json',
        JSON.stringify(good[1]),
        '',
        JSON.stringify({ ...good[2], colour: 'blue' }),
        JSON.stringify(good[3]),
      ].join('\n');
      const run = await runScalelog([
        'import',
        '--db',
        db,
        '--skip-invalid',
        await file('mixed.ndjson', text),
      ]);
      expect(run.code).toBe(3);
      expect(run.stderr.lines()).toEqual([
        storeLine(true),
        expect.stringMatching(/^line 2: not valid JSON/),
        expect.stringMatching(/^line 5: unknown field "colour"/),
        expect.stringMatching(/: 5 read, 3 inserted, 0 updated, 0 unchanged, 2 skipped$/),
      ]);
      expect((await exported()).map((log) => log.id).sort()).toEqual([
        logId(1),
        logId(2),
        logId(4),
      ]);
    });

    it('exits 1 without creating a database when the input file does not exist', async () => {
      const missing = join(dir, 'missing.ndjson');
      const run = await runScalelog(['import', '--db', db, missing]);
      expect(run.code).toBe(1);
      expect(run.stderr.text).toBe(`scalelog import: cannot read ${missing}: no such file.\n`);
      expect(run.storesOpened).toBe(0);
    });

    it('refuses to start a database in a folder that does not exist, creating nothing', async () => {
      const input = await file('in.ndjson', ndjson(sampleLogs()));
      const folder = join(dir, 'typo');
      const path = join(folder, 'scalelog.db');
      const run = await runScalelog(['import', '--db', path, input]);
      expect(run.code).toBe(1);
      expect(run.stderr.text).toBe(
        `scalelog import: there is no folder ${folder} for the SQLite database ${path}: ` +
          'create the folder first, or give --db a path in a folder that exists ' +
          '(only the default folder data/ is created when missing).\n',
      );
      expect(run.storesOpened).toBe(0);
      expect(existsSync(folder)).toBe(false);
    });

    it.each([
      ['SIGINT', 130],
      ['SIGTERM', 143],
    ] as const)(
      'rolls back at %s while it reads, says nothing was imported, and exits %i',
      async (signal, code) => {
        const stdin = new PassThrough();
        const cli = startScalelog(['import', '--db', db, '-'], { context: { stdin } });
        // More than two batches, read (the buffer drained) but not ended: the import's
        // transaction is open, holding the write lock and what it has written so far.
        await new Promise<void>((resolve) => {
          if (stdin.write(ndjson(manyLogs(1500)))) resolve();
          else stdin.once('drain', resolve);
        });
        expect(writeLockHeld(join(dir, 'scalelog.db'))).toBe(true);

        cli.signals.emit(signal, signal);
        const run = await cli.done;
        expect(run.code).toBe(code);
        expect(run.stderr.lines()).toEqual([
          storeLine(true),
          `scalelog import: interrupted by ${signal}: nothing was imported from standard input ` +
            '(the import is one transaction, and it was rolled back). Run the import again to import it.',
        ]);
        expect(run.storesClosed).toBe(1);
        // A second signal would stop the process the default way.
        expect(cli.signals.listenerCount('SIGINT') + cli.signals.listenerCount('SIGTERM')).toBe(0);
        expect(writeLockHeld(join(dir, 'scalelog.db'))).toBe(false);
        expect(await exported()).toEqual([]);
      },
    );

    it('draws a progress bar only when stderr is a terminal', async () => {
      const input = await file('many.ndjson', ndjson(manyLogs(1200)));
      const tty = await runScalelog(['import', '--db', db, input], { stderrIsTTY: true });
      expect(tty.code).toBe(0);
      expect(tty.stderr.text).toMatch(
        /importing .*\d+% \| [\d.]+ KiB of [\d.]+ KiB \| \d+ lines \| (…|[\d,]+) logs\/s \| (…|\d+s) left/,
      );
      expect(tty.stderr.text).toContain(`imported ${input}: 1200 read, 1200 inserted`);
      const pipe = await runScalelog(['import', '--db', db, input]);
      expect(pipe.stderr.text).toBe(
        `${storeLine()}\nimported ${input}: 1200 read, 0 inserted, 0 updated, 1200 unchanged, 0 skipped\n`,
      );
    });
  });

  describe('export', () => {
    beforeEach(async () => {
      const run = await runScalelog(['import', '--db', db, '-'], { stdin: ndjson(sampleLogs()) });
      expect(run.code).toBe(0);
    });

    it('writes every log as one wire-shape line, SCHEDULED spelled the seed way, values as strings', async () => {
      const logs = await exported();
      expect(logs.map((log) => log.id).sort()).toEqual([1, 2, 3, 4, 5].map(logId));
      const byId = new Map(logs.map((log) => [log.id, log]));
      expect(byId.get(logId(3))?.execute_type).toBe('SCHEDULED');
      expect(byId.get(logId(2))).toMatchObject({ old_value: '10', limit_value: '100' });
      expect(byId.get(logId(3))).not.toHaveProperty('old_value');
      expect(byId.get(logId(3))?.job_records).toEqual([]);
    });

    it('filters by project, by policy, or by both', async () => {
      const ids = async (...args: string[]) =>
        (await exported(...args)).map((log) => log.id).sort();
      expect(await ids('--project', projectB)).toEqual([logId(5)]);
      expect(await ids('--project', projectA, '--policy', policyA)).toEqual([1, 2, 3].map(logId));
      // Policy ids are unique only within a project: --policy alone spans projects.
      expect(await ids('--policy', policyA)).toEqual([1, 2, 3, 5].map(logId));
      expect(await ids('--policy', policyB)).toEqual([logId(4)]);
      expect(await ids('--project', 'nobody')).toEqual([]);
    });

    it('exits 1 without creating anything when the SQLite file does not exist', async () => {
      const missing = join(dir, 'typo', 'scalelog.db');
      const run = await runScalelog(['export', '--db', missing]);
      expect(run.code).toBe(1);
      expect(run.stderr.text).toBe(
        `scalelog export: there is no SQLite database at ${missing}; nothing to export.\n`,
      );
      expect(run.storesOpened).toBe(0);
    });

    it.each([
      [['--project', 'nobody'], 'project nobody has none'],
      [['--policy', 'no-policy'], 'policy no-policy has none in any project'],
      [
        ['--project', projectB, '--policy', policyB],
        `policy ${policyB} of project ${projectB} has none`,
      ],
    ])('says on stderr that %j matched no log, with stdout empty and exit 0', async (args, why) => {
      const run = await runScalelog(['export', '--db', db, ...args]);
      expect(run.code).toBe(0);
      expect(run.stdout.text).toBe('');
      expect(run.stderr.lines()).toEqual([storeLine(), `No logs to export: ${why}.`]);
    });

    it('says on stderr that a store holds no log, with stdout empty and exit 0', async () => {
      const empty = join(dir, 'empty.db');
      await (await openStore(empty)).close();
      const run = await runScalelog(['export', '--db', empty]);
      expect(run.code).toBe(0);
      expect(run.stdout.text).toBe('');
      expect(run.stderr.lines()).toEqual([
        `store: ${empty} (SQLite)`,
        'No logs to export: the store holds none.',
      ]);
    });

    it('refuses a --project that no log can have with exit 2', async () => {
      const run = await runScalelog(['export', '--db', db, '--project', 'a b']);
      expect(run.code).toBe(2);
      expect(run.stderr.text).toBe(
        `scalelog export: --project "a b" cannot match any log: expected 1 to 64 letters, digits, '-' or '_'.\n`,
      );
    });
  });

  describe('failures', () => {
    const unreachable = 'postgres://scalelog:s3cret@127.0.0.1:1/scalelog';

    it('exits 1 with one line, without the password, when the store cannot be reached', async () => {
      const run = await runScalelog(['export', '--db', unreachable]);
      expect(run.code).toBe(1);
      expect(run.stderr.lines()).toHaveLength(1);
      expect(run.stderr.text).toMatch(/^scalelog export: cannot reach the store/);
      expect(run.stderr.text).not.toContain('s3cret');
      expect(run.stderr.text).not.toMatch(/^\s+at /m);
    });

    it.skipIf(testBackends.find((b) => b.name === 'postgres')?.available !== true)(
      'says that a PostgreSQL database does not exist, and how to create it',
      async () => {
        const url = new URL(postgresTestUrl);
        const name = `scalelog_missing_${Date.now().toString(36)}`;
        url.pathname = `/${name}`;
        const host = url.hostname;
        const port = url.port === '' ? '5432' : url.port;
        const user = decodeURIComponent(url.username);
        const run = await runScalelog(['export', '--db', url.toString()]);
        expect(run.code).toBe(1);
        expect(run.stderr.text).toBe(
          `scalelog export: the database "${name}" does not exist on the PostgreSQL server at ${host}:${port}: ` +
            `create it with \`createdb -h ${host} -p ${port}${user === '' ? '' : ` -U ${user}`} ${name}\` ` +
            `or the SQL \`CREATE DATABASE "${name}";\`, then try again.\n`,
        );
      },
    );

    it.each([
      [['export'], 'export'],
      [['import', '-'], 'import'],
      [['credentials', 'list'], 'credentials list'],
    ])(
      '%j names a --db file that is not a database, and leaves it as it was',
      async (args, command) => {
        const text = '# Scalelog\n\nNot a database, though a user may point --db at it.\n';
        const readme = await file('README.md', text);
        const run = await runScalelog([...args, '--db', readme]);
        expect(run.code).toBe(1);
        expect(run.stderr.text).toBe(
          `scalelog ${command}: cannot open the store: ${readme} is not a SQLite database (SQLite: "file is not a database")\n`,
        );
        expect(await readFile(readme, 'utf8')).toBe(text);
        expect(existsSync(`${readme}-wal`)).toBe(false);
      },
    );

    it('adds stack traces with --verbose or log level debug', async () => {
      for (const run of [
        await runScalelog(['export', '--db', unreachable, '--verbose']),
        await runScalelog(['export', '--db', unreachable], {
          env: { SCALELOG_LOG_LEVEL: 'debug' },
        }),
      ]) {
        expect(run.code).toBe(1);
        expect(run.stderr.text).toMatch(/^scalelog export: .*cannot reach the store/);
        expect(run.stderr.text).toMatch(/^\s+at /m);
        expect(run.stderr.text).not.toContain('s3cret');
      }
    });
  });
});
