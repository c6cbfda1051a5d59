import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { testBackends } from '../support/backends.js';
import {
  logId,
  manyLogs,
  ndjson,
  policyA,
  projectA,
  sampleLogs,
} from '../cli/wire-log-fixtures.js';
import { assertBuilt, runScalelog, ScalelogProcess } from './scalelog-process.js';

/**
 * The real `bin/scalelog` as a user runs it: a child process, on a free loopback port,
 * talking HTTP. Needs `dist/` built: `npm test` builds first.
 */

/** Tests that start several Node processes get room for a loaded CI machine. */
const multiProcessTimeoutMs = 90_000;

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

async function file(name: string, text: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
}

/** `id` → exported line, checking the export itself succeeded quietly. */
async function exportLines(db: string): Promise<Map<string, string>> {
  const run = await runScalelog(['export', '--db', db]);
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  const lines = run.stdout.split('\n').filter((line) => line !== '');
  return new Map(lines.map((line) => [(JSON.parse(line) as { id: string }).id, line]));
}

describe('bin/scalelog end to end', () => {
  it(
    'serves imported logs over HTTP from the default SQLite file, and stops on SIGTERM with exit 0',
    async () => {
      const input = await file('logs.ndjson', ndjson(sampleLogs()));
      const server = serve([], { cwd: dir, env: { SCALELOG_EXECUTE_TYPE_OUTPUT: 'SCHEDULE' } });
      const listening = await server.waitForLog((log) => typeof log.url === 'string');
      const url = String(listening.url);
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(listening.store).toBe(`sqlite:${join(dir, 'data', 'scalelog.db')}`);
      expect(existsSync(join(dir, 'data', 'scalelog.db'))).toBe(true);

      // A second process imports into the same file while the server runs.
      const imported = await runScalelog(['import', input], { cwd: dir });
      expect(imported.stderr).toBe(
        `imported ${input}: 5 read, 5 inserted, 0 updated, 0 unchanged, 0 skipped\n`,
      );
      expect(imported.code).toBe(0);

      const response = await fetch(
        `${url}/autoscaling-api/v1/${projectA}/scaling_policy_execute_log/${policyA}?limit=2`,
        { headers: { 'content-type': 'application/json' } },
      );
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
      expect(end.stderr).toBe('');
      expect(end.stdout).toContain('"msg":"scalelog stopped"');
      await expect(fetch(`${url}/healthz`)).rejects.toThrow();
    },
    multiProcessTimeoutMs,
  );

  it('refuses a non-loopback --listen with exit 2 and says why', async () => {
    const run = await runScalelog([
      'serve',
      '--listen',
      '0.0.0.0:8080',
      '--db',
      `sqlite:${join(dir, 'x.db')}`,
    ]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(
      /^scalelog serve: --listen = "0\.0\.0\.0:8080": 0\.0\.0\.0 is not a loopback address\. Scalelog has no authentication yet/,
    );
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(existsSync(join(dir, 'x.db'))).toBe(false);
  });

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
    for (const command of ['serve', 'import', 'export']) {
      const run = await runScalelog([command, '--help']);
      expect(run.code).toBe(0);
      expect(run.stdout).toContain(`Usage: scalelog ${command}`);
    }
  });

  it('aborts an import at a bad line with exit 1, the line number, and nothing written', async () => {
    const db = `sqlite:${join(dir, 'abort.db')}`;
    const text = `${ndjson(sampleLogs().slice(0, 2))}{"id":"${logId(9)}","status":"DONE"}\n${ndjson(sampleLogs().slice(2))}`;
    const run = await runScalelog(['import', '--db', db, '-'], { stdin: text });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^scalelog import: line 3: .+ Nothing was imported\.\n$/);
    expect((await exportLines(db)).size).toBe(0);
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
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^line 3: /);
    expect(lines[1]).toMatch(/: 6 read, 5 inserted, 0 updated, 0 unchanged, 1 skipped$/);
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
      expect(end.stderr).toBe('');
      expect(end.code).toBe(0);
    },
    multiProcessTimeoutMs,
  );

  const postgres = testBackends.find((backend) => backend.name === 'postgres');
  describe.skipIf(postgres?.available !== true)('with PostgreSQL', () => {
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
