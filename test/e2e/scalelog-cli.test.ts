import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { testBackends } from '../support/backends.js';
import { writeLockHeld } from '../support/write-lock-held.js';
import {
  logId,
  manyLogs,
  ndjson,
  policyA,
  projectA,
  sampleLogs,
} from '../cli/wire-log-fixtures.js';
import { devCredentials } from '../../src/auth/dev-credentials.js';
import type { ClientCredential } from '../cli/signed-fetch.js';
import { sdkFetch, tokenFetch } from '../cli/signed-fetch.js';
import { redactPostgresUrl } from '../../src/store/postgres/postgres-backend.js';
import { parseStoreUrl } from '../../src/store/parse-store-url.js';
import { assertBuilt, runScalelog, ScalelogProcess, scalelogBin } from './scalelog-process.js';

/**
 * The real `bin/scalelog` as a user runs it: a child process, on a free loopback port,
 * talking HTTP. Needs `dist/` built: `npm test` builds first.
 */

/** Tests that start several Node processes get room for a loaded CI machine. */
const multiProcessTimeoutMs = 90_000;
const execFileAsync = promisify(execFile);

let dir: string;
const running: ScalelogProcess[] = [];

beforeAll(assertBuilt);
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'scalelog-e2e-'));
});
afterEach(async () => {
  for (const p of running.splice(0)) p.kill();
  await rm(dir, { recursive: true, force: true });
});

function serve(
  args: readonly string[],
  options: { cwd?: string; env?: Record<string, string> } = {},
): ScalelogProcess {
  const p = new ScalelogProcess(['serve', '--listen', '127.0.0.1:0', ...args], options);
  running.push(p);
  return p;
}

/**
 * Repeats `request` until it answers `status` or 10 s have passed, and returns the last
 * answer: for a change another process made, which a server sees within its cache lifetime.
 */
async function untilStatus(status: number, request: () => Promise<Response>): Promise<Response> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const response = await request();
    if (response.status === status || Date.now() > deadline) return response;
    await response.body?.cancel();
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function file(name: string, text: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
}

/** `credentials create --json`, checked, as the credential a client signs with. */
async function createCredential(
  project: string,
  options: { cwd?: string; env?: Record<string, string>; db?: string } = {},
): Promise<ClientCredential> {
  const run = await runScalelog(
    [
      'credentials',
      'create',
      ...(options.db === undefined ? [] : ['--db', options.db]),
      '--project',
      project,
      '--json',
    ],
    options,
  );
  expect(run.code).toBe(0);
  const created = JSON.parse(run.stdout) as { ak: string; sk: string; project_id: string };
  return { ak: created.ak, sk: created.sk, projectId: created.project_id };
}

const logsPath = (project: string, policy: string): string =>
  `/autoscaling-api/v1/${project}/scaling_policy_execute_log/${policy}`;

/** The line a command writes first on stderr, saying which store it used. */
function storeLine(db: string, isNew = false): string {
  const target = parseStoreUrl(db);
  return target.backend === 'postgres'
    ? `store: ${redactPostgresUrl(target.url)} (PostgreSQL)\n`
    : `store: ${target.path} (SQLite${isNew ? ', new database' : ''})\n`;
}

/** `id` → exported line, checking the export itself succeeded quietly. */
async function exportLines(db: string): Promise<Map<string, string>> {
  const run = await runScalelog(['export', '--db', db]);
  expect(run.stderr).toBe(storeLine(db));
  expect(run.code).toBe(0);
  const lines = run.stdout.split('\n').filter((line) => line !== '');
  return new Map(lines.map((line) => [(JSON.parse(line) as { id: string }).id, line]));
}

describe('bin/scalelog end to end', () => {
  it(
    'starts the default SQLite store in data/ with serve, owner-only, serves logs imported beside it, and stops on SIGTERM with exit 0',
    async () => {
      const input = await file('logs.ndjson', ndjson(sampleLogs()));
      const data = join(dir, 'data');
      const dbFile = join(data, 'scalelog.db');
      // Nothing there yet: a credential made now would be known to no server, so none is made.
      const early = await runScalelog(['credentials', 'create', '--project', projectA, '--json'], {
        cwd: dir,
      });
      expect(early.code).toBe(1);
      expect(early.stdout).toBe('');
      expect(early.stderr).toBe(
        `scalelog credentials create: there is no SQLite database at ${dbFile}; a credential made there ` +
          `would be known to no server: give --db the database your server uses (\`${scalelogBin} serve\` creates it on its first start).\n`,
      );
      expect(existsSync(data)).toBe(false);

      const server = serve([], { cwd: dir, env: { SCALELOG_EXECUTE_TYPE_OUTPUT: 'SCHEDULE' } });
      const listening = await server.waitForLog((log) => typeof log.url === 'string');
      const url = String(listening.url);
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(listening.store).toBe(`sqlite:${dbFile}`);
      const started = await server.waitForStderr(/This store had no credentials/);
      expect(started.startsWith(`store: ${dbFile} (SQLite, new database)\n`)).toBe(true);

      // The server made the store and its key: a credential now works, in the same directory.
      const credential = await createCredential(projectA, { cwd: dir });
      // A second process imports into the same file while the server runs.
      const imported = await runScalelog(['import', input], { cwd: dir });
      expect(imported.stderr).toBe(
        `store: ${dbFile} (SQLite)\nimported ${input}: 5 read, 5 inserted, 0 updated, 0 unchanged, 0 skipped\n`,
      );
      expect(imported.code).toBe(0);
      // Owner-only, as the README says: the folder, the database with its -wal and -shm
      // files (the server holds them open), and the secret key beside the database.
      const modeOf = async (name: string): Promise<number> =>
        (await stat(join(data, name))).mode & 0o777;
      expect(await modeOf('.')).toBe(0o700);
      for (const name of ['scalelog.db', 'scalelog.db-wal', 'scalelog.db-shm', 'scalelog.key']) {
        expect(await modeOf(name), name).toBe(0o600);
      }

      // Signed by the official Node SDK signer.
      const response = await sdkFetch(url, credential, {
        path: logsPath(projectA, policyA),
        query: { limit: '2' },
      });
      expect(response.status).toBe(200);
      expect(response.headers.get('x-request-id')).toMatch(/\S/);
      const body = (await response.json()) as {
        total_number: number;
        start_number: number;
        limit: number;
        scaling_policy_execute_log: Record<string, unknown>[];
      };
      expect(body.total_number).toBe(3);
      expect(body.start_number).toBe(0);
      expect(body.limit).toBe(2);
      // Newest first; the SCHEDULE output setting reached the server through its environment.
      expect(body.scaling_policy_execute_log.map((log) => log.id)).toEqual([logId(3), logId(2)]);
      expect(body.scaling_policy_execute_log[0]?.execute_type).toBe('SCHEDULE');
      expect(body.scaling_policy_execute_log[1]).toMatchObject({
        old_value: '10',
        limit_value: '100',
      });

      server.child.kill('SIGTERM');
      const end = await server.exited;
      expect(end.code).toBe(0);
      expect(end.stdout).toContain('"msg":"scalelog stopped"');
      await expect(fetch(`${url}/healthz`)).rejects.toThrow();
    },
    multiProcessTimeoutMs,
  );

  it('refuses --dev on a non-loopback --listen with exit 2 and says why', async () => {
    const run = await runScalelog([
      'serve',
      '--dev',
      '--listen',
      '0.0.0.0:8080',
      '--db',
      `sqlite:${join(dir, 'x.db')}`,
    ]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(
      /^scalelog serve: --dev serves the public development credential, so it listens only on this machine, but --listen is 0\.0\.0\.0/,
    );
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(existsSync(join(dir, 'x.db'))).toBe(false);
  });

  it(
    'with --dev, answers requests the official SDK signer signs with the documented credential',
    async () => {
      const db = `sqlite:${join(dir, 'dev.db')}`;
      const imported = await runScalelog(['import', '--db', db, '-'], {
        stdin: ndjson(sampleLogs().map((log) => ({ ...log, tenant_id: devCredentials.projectId }))),
      });
      expect(imported.code).toBe(0);
      const server = serve(['--dev', '--db', db]);
      const url = String((await server.waitForLog((log) => typeof log.url === 'string')).url);
      const response = await sdkFetch(url, devCredentials, {
        path: logsPath(devCredentials.projectId, policyA),
      });
      expect(response.status).toBe(200);
      expect(((await response.json()) as { total_number: number }).total_number).toBe(
        sampleLogs().filter((log) => log.scaling_policy_id === policyA).length,
      );
      expect(await server.waitForStderr(/DEVELOPMENT MODE/)).toContain('DEVELOPMENT MODE (--dev)');
    },
    multiProcessTimeoutMs,
  );

  it(
    'serves an in-memory store with --db :memory:, writing no file at all',
    async () => {
      const empty = await mkdtemp(join(dir, 'memory-'));
      const server = serve(['--db', ':memory:'], { cwd: empty });
      const url = String((await server.waitForLog((log) => typeof log.url === 'string')).url);
      const printed = await server.waitForStderr(/no other process can reach it/);
      // No command to paste that could not reach this store.
      expect(printed).not.toMatch(/^ +\S+ (token|credentials) create /m);
      const field = (name: string): string =>
        new RegExp(`^  ${name} +(\\S+)$`, 'm').exec(printed)?.[1] ?? '';
      const credential = { ak: field('AK'), sk: field('SK'), projectId: field('project id') };
      expect(credential.projectId).toMatch(/^[0-9a-f]{32}$/);
      // The printed credential works (authenticated: 404, no such policy).
      const response = await sdkFetch(url, credential, {
        path: logsPath(credential.projectId, policyA),
      });
      expect(response.status).toBe(404);
      server.child.kill('SIGTERM');
      expect((await server.exited).code).toBe(0);
      expect(await readdir(empty)).toEqual([]);
    },
    multiProcessTimeoutMs,
  );

  it.each([[['frobnicate']], [['import', '--bogus', '-']], [['export', '--limit', '3']], [[]]])(
    'exits 2 on the bad command line %j',
    async (args) => {
      const run = await runScalelog(args);
      expect(run.code).toBe(2);
      expect(run.stdout).toBe('');
      expect(run.stderr).toMatch(/^(scalelog|Usage: scalelog)/);
    },
  );

  it('prints --help for every command with exit 0', async () => {
    for (const command of [
      'serve',
      'import',
      'export',
      'credentials',
      'credentials create',
      'credentials list',
      'credentials lockouts',
      'credentials delete',
      'token',
      'token create',
      'token revoke',
    ]) {
      const run = await runScalelog([...command.split(' '), '--help']);
      expect(run.code).toBe(0);
      expect(run.stdout).toContain(`Usage: scalelog ${command}`);
    }
  });

  it('stops quietly with exit 0 when the reader of its help goes away, as with | head', async () => {
    // `| true`: the reader is gone before the first write, so every write meets a closed pipe.
    for (const args of ['--help', 'serve --help', '--version']) {
      const { stdout, stderr } = await execFileAsync('bash', [
        '-c',
        `${scalelogBin} ${args} | true; echo "exit \${PIPESTATUS[0]}"`,
      ]);
      expect(stdout, args).toBe('exit 0\n');
      expect(stderr, args).toBe('');
    }
  });

  it('prints the version of package.json with --version', async () => {
    const { version } = JSON.parse(
      await readFile(new URL('../../package.json', import.meta.url), 'utf8'),
    ) as { version: string };
    const run = await runScalelog(['--version']);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(`${version}\n`);
  });

  it('aborts an import at a bad line with exit 1, the line number, and nothing written', async () => {
    const db = `sqlite:${join(dir, 'abort.db')}`;
    const text = `${ndjson(sampleLogs().slice(0, 2))}{"id":"${logId(9)}","status":"DONE"}\n${ndjson(sampleLogs().slice(2))}`;
    const run = await runScalelog(['import', '--db', db, '-'], { stdin: text });
    expect(run.code).toBe(1);
    expect(run.stderr.startsWith(storeLine(db, true))).toBe(true);
    expect(run.stderr.slice(storeLine(db, true).length)).toMatch(
      /^scalelog import: line 3: .+ Nothing was imported\. Fix that line, or run the import again with --skip-invalid to import the good lines and list the bad ones\.\n$/,
    );
    const exported = await runScalelog(['export', '--db', db]);
    expect(exported.code).toBe(0);
    expect(exported.stdout).toBe('');
    expect(exported.stderr).toBe(`${storeLine(db)}No logs to export: the store holds none.\n`);
  });

  it('with --skip-invalid imports the good lines, lists the bad and exits 3', async () => {
    const db = `sqlite:${join(dir, 'skip.db')}`;
    const text = `${ndjson(sampleLogs().slice(0, 2))}{"id":"${logId(9)}","status":"DONE"}\n${ndjson(sampleLogs().slice(2))}`;
    const run = await runScalelog([
      'import',
      '--db',
      db,
      '--skip-invalid',
      await file('mixed.ndjson', text),
    ]);
    expect(run.code).toBe(3);
    const lines = run.stderr.trim().split('\n');
    expect(lines).toHaveLength(3);
    expect(`${lines[0] ?? ''}\n`).toBe(storeLine(db, true));
    expect(lines[1]).toMatch(/^line 3: /);
    expect(lines[2]).toMatch(/: 6 read, 5 inserted, 0 updated, 0 unchanged, 1 skipped$/);
    expect((await exportLines(db)).size).toBe(5);
  });

  it(
    'stops an export quietly with exit 0 when its reader goes away, as with | head',
    async () => {
      const db = `sqlite:${join(dir, 'many.db')}`;
      expect(
        (await runScalelog(['import', '--db', db, '-'], { stdin: ndjson(manyLogs(3000)) })).code,
      ).toBe(0);
      const exporter = new ScalelogProcess(['export', '--db', db]);
      running.push(exporter);
      const firstLine = await new Promise<string>((resolve) => {
        exporter.child.stdout.on('data', () => {
          const nl = exporter.stdout.indexOf('\n');
          if (nl !== -1) resolve(exporter.stdout.slice(0, nl));
        });
      });
      expect(JSON.parse(firstLine)).toMatchObject({ tenant_id: projectA });
      exporter.child.stdout.destroy();
      const end = await exporter.exited;
      expect(end.stderr).toBe(storeLine(db));
      expect(end.code).toBe(0);
    },
    multiProcessTimeoutMs,
  );

  for (const backend of testBackends) {
    describe.skipIf(!backend.available)(`credentials and tokens on ${backend.name}`, () => {
      it(
        'lets a credential and a token read their own project only, until deleted or revoked',
        async () => {
          const fresh = await backend.fresh();
          try {
            const env = { SCALELOG_SECRET_KEY: randomBytes(32).toString('base64') };
            const db = fresh.url;
            expect(
              (await runScalelog(['import', '--db', db, '-'], { stdin: ndjson(sampleLogs()), env }))
                .code,
            ).toBe(0);
            const own = await createCredential(projectA, { db, env });
            const other = await createCredential('project-other', { db, env });
            const issued = await runScalelog(
              ['token', 'create', '--db', db, '--project', projectA, '--ttl', '1h', '--json'],
              { env },
            );
            expect(issued.code).toBe(0);
            const { token } = JSON.parse(issued.stdout) as { token: string; expires_at: string };

            const server = serve(['--db', db], { env });
            const url = String((await server.waitForLog((log) => typeof log.url === 'string')).url);
            const path = logsPath(projectA, policyA);

            const signed = await sdkFetch(url, own, { path });
            expect(signed.status).toBe(200);
            expect(((await signed.json()) as { total_number: number }).total_number).toBe(3);
            const byToken = await tokenFetch(url, token, { path });
            expect(byToken.status).toBe(200);
            // The SDK sends its own project in X-Project-Id: differing from the path, 400.
            const mismatch = await sdkFetch(url, other, { path });
            expect(mismatch.status).toBe(400);
            expect(((await mismatch.json()) as { error: { code: string } }).error.code).toBe(
              'AS.0008',
            );
            // Told the path's project, the other project's credential is still refused: 403.
            const crossProject = await sdkFetch(url, { ...other, projectId: projectA }, { path });
            expect(crossProject.status).toBe(403);
            expect(((await crossProject.json()) as { error: { code: string } }).error.code).toBe(
              'AS.0011',
            );

            expect((await runScalelog(['token', 'revoke', '--db', db, token], { env })).code).toBe(
              0,
            );
            // Revoked by another process: the server sees it once its credential cache
            // (2 s by default) lets go of the token.
            const revoked = await untilStatus(401, () => tokenFetch(url, token, { path }));
            expect(revoked.status).toBe(401);
            expect(((await revoked.json()) as { error_code: string }).error_code).toBe(
              'APIGW.0301',
            );

            const deleted = await runScalelog(['credentials', 'delete', '--db', db, own.ak], {
              env,
            });
            expect(deleted.code).toBe(0);
            expect((await untilStatus(401, () => sdkFetch(url, own, { path }))).status).toBe(401);

            const list = await runScalelog(['credentials', 'list', '--db', db, '--json'], { env });
            expect(
              (JSON.parse(list.stdout) as { ak: string; project_id: string }[]).map((c) => c.ak),
            ).toEqual([other.ak]);

            server.child.kill('SIGTERM');
            const end = await server.exited;
            expect(end.code).toBe(0);
            // No secret in what the server wrote: neither SK nor token.
            for (const secret of [own.sk, other.sk, token]) {
              expect(end.stdout + end.stderr).not.toContain(secret);
            }
          } finally {
            await fresh.cleanup();
          }
        },
        multiProcessTimeoutMs,
      );
    });
  }

  for (const backend of testBackends) {
    describe.skipIf(!backend.available)(`an import interrupted on ${backend.name}`, () => {
      it(
        'is rolled back at Ctrl-C (SIGINT): nothing imported, said so, exit 130',
        async () => {
          const fresh = await backend.fresh();
          try {
            const db = fresh.url;
            const target = parseStoreUrl(db);
            const importer = new ScalelogProcess(['import', '--db', db, '-']);
            running.push(importer);
            // Written through the pipe means read by the importer, all but a pipe's worth:
            // more than two batches, inside its open transaction.
            await new Promise<void>((resolve, reject) => {
              importer.child.stdin.write(ndjson(manyLogs(3000)), (e) => {
                if (e === null || e === undefined) resolve();
                else reject(e);
              });
            });
            if (target.backend === 'sqlite') expect(writeLockHeld(target.path)).toBe(true);

            importer.child.kill('SIGINT');
            const end = await importer.exited;
            expect(end.signal).toBeNull();
            expect(end.code).toBe(130);
            expect(end.stderr).toBe(
              `${storeLine(db, target.backend === 'sqlite')}scalelog import: interrupted by SIGINT: ` +
                'nothing was imported from standard input (the import is one transaction, and it ' +
                'was rolled back). Run the import again to import it.\n',
            );
            const exported = await runScalelog(['export', '--db', db]);
            expect(exported.code).toBe(0);
            expect(exported.stdout).toBe('');
            expect(exported.stderr).toBe(
              `${storeLine(db)}No logs to export: the store holds none.\n`,
            );
          } finally {
            await fresh.cleanup();
          }
        },
        multiProcessTimeoutMs,
      );
    });
  }

  const postgres = testBackends.find((backend) => backend.name === 'postgres');
  describe.skipIf(postgres?.available !== true)('with PostgreSQL', () => {
    it(
      'runs several servers over one database with one shared secret key, and refuses another key',
      async () => {
        if (postgres === undefined)
          throw new Error('test/support/backends.ts lists no PostgreSQL backend');
        const pg = await postgres.fresh();
        try {
          const env = { SCALELOG_SECRET_KEY: randomBytes(32).toString('base64') };
          // Started together on an empty database: the schema is made once.
          const servers = [serve(['--db', pg.url], { env }), serve(['--db', pg.url], { env })];
          const urls = await Promise.all(
            servers.map(async (server) =>
              String((await server.waitForLog((log) => typeof log.url === 'string')).url),
            ),
          );
          const imported = await runScalelog(['import', '--db', pg.url, '-'], {
            stdin: ndjson(sampleLogs()),
            env,
          });
          expect(imported.code).toBe(0);
          const credential = await createCredential(projectA, { db: pg.url, env });
          for (const url of urls) {
            const response = await sdkFetch(url, credential, { path: logsPath(projectA, policyA) });
            expect(response.status).toBe(200);
          }

          const otherKey = randomBytes(32).toString('base64');
          const refused = await runScalelog(['serve', '--listen', '127.0.0.1:0', '--db', pg.url], {
            env: { SCALELOG_SECRET_KEY: otherKey },
          });
          expect(refused.code).toBe(2);
          expect(refused.stderr).toMatch(/is not the key the store at .* was set up with/);
          expect(refused.stderr).not.toContain(otherKey);
          for (const server of servers) server.child.kill('SIGTERM');
          for (const server of servers) expect((await server.exited).code).toBe(0);
        } finally {
          await pg.cleanup();
        }
      },
      multiProcessTimeoutMs,
    );

    it(
      'round-trips export | import from SQLite to PostgreSQL and back, byte-identical per log',
      async () => {
        if (postgres === undefined)
          throw new Error('test/support/backends.ts lists no PostgreSQL backend');
        const pg = await postgres.fresh();
        try {
          const sqliteA = `sqlite:${join(dir, 'a.db')}`;
          const sqliteB = `sqlite:${join(dir, 'b.db')}`;
          const source = [...sampleLogs(), ...manyLogs(1200)];
          expect(
            (await runScalelog(['import', '--db', sqliteA, '-'], { stdin: ndjson(source) })).code,
          ).toBe(0);
          const fromA = await exportLines(sqliteA);
          expect(fromA.size).toBe(source.length);

          const intoPg = await runScalelog(['import', '--db', pg.url, '-'], {
            stdin: [...fromA.values()].join('\n'),
          });
          expect(intoPg.stderr).toMatch(
            /1205 read, 1205 inserted, 0 updated, 0 unchanged, 0 skipped\n$/,
          );
          expect(intoPg.code).toBe(0);
          const fromPg = await exportLines(pg.url);

          const intoB = await runScalelog(['import', '--db', sqliteB, '-'], {
            stdin: [...fromPg.values()].join('\n'),
          });
          expect(intoB.code).toBe(0);
          const fromB = await exportLines(sqliteB);

          for (const [id, line] of fromA) {
            expect(fromPg.get(id), id).toBe(line);
            expect(fromB.get(id), id).toBe(line);
          }
          expect(fromPg.size).toBe(fromA.size);
          expect(fromB.size).toBe(fromA.size);
          // What went in comes out, values as strings and SCHEDULE spelled SCHEDULED.
          expect(JSON.parse(fromPg.get(logId(1)) ?? '')).toEqual(sampleLogs()[0]);
          expect(JSON.parse(fromPg.get(logId(3)) ?? '')).toEqual({
            ...sampleLogs()[2],
            execute_type: 'SCHEDULED',
          });
          expect(JSON.parse(fromPg.get(logId(5)) ?? '')).toEqual(sampleLogs()[4]);
        } finally {
          await pg.cleanup();
        }
      },
      multiProcessTimeoutMs,
    );
  });
});
