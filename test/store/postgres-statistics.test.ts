import pg from 'pg';
import { describe, expect, it } from 'vitest';
import type { ExecutionLog } from '../../src/domain/execution-log.js';
import { openStore } from '../../src/store/open-store.js';
import { testBackends } from '../support/backends.js';

const postgres = testBackends.find((b) => b.name === 'postgres');

const log = (i: number): ExecutionLog => ({
  id: `${i.toString(16).padStart(8, '0')}-0000-4000-8000-000000000000`,
  projectId: 'proj-a',
  policyId: `policy-${i % 7}`,
  status: 'SUCCESS',
  executeType: 'ALARM',
  executeTime: 1_700_000_000 + i,
  resourceType: 'SCALING_GROUP',
  resourceId: '1f2d3e73-7ef6-40b3-a8fa-514b68eccaa7',
  jobRecords: [],
});

interface Maintenance {
  readonly analyzedAt: number | undefined;
  readonly vacuumedAt: number | undefined;
}

async function maintenance(url: string): Promise<Maintenance> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{
      last_analyze: Date | null;
      last_vacuum: Date | null;
    }>(
      `select last_analyze, last_vacuum from pg_stat_user_tables where relname = 'execution_logs' and schemaname = current_schema()`,
    );
    return {
      analyzedAt: rows[0]?.last_analyze?.getTime(),
      vacuumedAt: rows[0]?.last_vacuum?.getTime(),
    };
  } finally {
    await client.end();
  }
}

// Plans for a busy policy's time window depend on fresh statistics, and a deep page's
// index-only scan on the visibility map; autovacuum gets there only later, so a bulk write
// session vacuums and analyzes the logs itself.
describe.skipIf(postgres?.available !== true)('statistics after a bulk import: postgres', () => {
  it('vacuums and analyzes the logs table after a session that inserted 10,000 rows, not after a small one', async () => {
    if (postgres === undefined) throw new Error('no postgres backend');
    const fresh = await postgres.fresh();
    const store = await openStore(fresh.url);
    try {
      // Opening the store analyzed it once (migration 0004); a small session adds nothing.
      const opened = await maintenance(fresh.url);
      await store.writeSession((w) => w.write([log(0)]));
      expect(await maintenance(fresh.url)).toEqual(opened);
      expect(opened.vacuumedAt).toBeUndefined();
      await store.writeSession(async (w) => {
        for (let i = 1; i <= 10_000; i += 1_000) {
          await w.write(Array.from({ length: 1_000 }, (_, j) => log(i + j)));
        }
      });
      const after = await maintenance(fresh.url);
      expect(after.vacuumedAt).toBeDefined();
      expect(after.analyzedAt).toBeGreaterThan(opened.analyzedAt ?? 0);
    } finally {
      await store.close();
      await fresh.cleanup();
    }
  });
});

// A policy belongs to one project; without being told, PostgreSQL multiplies the two
// columns' selectivities, expects a handful of logs per policy, and sorts a busy one whole.
describe.skipIf(postgres?.available !== true)('planner statistics: postgres', () => {
  it('declares that policy_id determines project_id, and plans page 0 through the index', async () => {
    if (postgres === undefined) throw new Error('no postgres backend');
    const fresh = await postgres.fresh();
    const store = await openStore(fresh.url);
    const client = new pg.Client({ connectionString: fresh.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ stxname: string; d: boolean; f: boolean }>(
        `select stxname, 'd' = any(stxkind) as d, 'f' = any(stxkind) as f from pg_statistic_ext
          where stxnamespace = current_schema()::regnamespace`,
      );
      // ndistinct and functional dependencies
      expect(rows).toEqual([{ stxname: 'execution_logs_project_policy', d: true, f: true }]);
      // 99,000 logs over 500 projects x 4 policies, and one policy of 1,000 logs: taken as
      // independent, the two columns would predict 10 logs of that policy.
      const logs: ExecutionLog[] = [];
      for (let i = 0; i < 99_000; i += 1) {
        logs.push({
          ...log(i),
          projectId: `proj-${i % 500}`,
          policyId: `policy-${i % 500}-${Math.floor(i / 500) % 4}`,
        });
      }
      for (let i = 99_000; i < 100_000; i += 1) {
        logs.push({ ...log(i), projectId: 'proj-busy', policyId: 'policy-busy' });
      }
      await store.writeSession((w) => w.write(logs));
      const plan = await client.query<{ 'QUERY PLAN': string }>(
        `explain select * from execution_logs where project_id = 'proj-busy' and policy_id = 'policy-busy'
          order by execute_time desc, id desc limit 20`,
      );
      const text = plan.rows.map((r) => r['QUERY PLAN']).join('\n');
      expect(text).toMatch(/Index Scan Backward using execution_logs_policy_time/);
      expect(text).not.toMatch(/Sort/);
    } finally {
      await client.end();
      await store.close();
      await fresh.cleanup();
    }
  });
});
