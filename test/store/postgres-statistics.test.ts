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
  readonly analyzed: boolean;
  readonly vacuumed: boolean;
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
      analyzed: rows[0]?.last_analyze != null,
      vacuumed: rows[0]?.last_vacuum != null,
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
      await store.writeSession((w) => w.write([log(0)]));
      expect(await maintenance(fresh.url)).toMatchObject({ analyzed: false, vacuumed: false });
      await store.writeSession(async (w) => {
        for (let i = 1; i <= 10_000; i += 1_000) {
          await w.write(Array.from({ length: 1_000 }, (_, j) => log(i + j)));
        }
      });
      expect(await maintenance(fresh.url)).toMatchObject({ analyzed: true, vacuumed: true });
    } finally {
      await store.close();
      await fresh.cleanup();
    }
  });
});
