import { describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/store.js';
import { testBackends } from '../support/backends.js';

// Several stores on one PostgreSQL server, each in its own schema (as every PostgreSQL
// test here gets, and as a shared database hosting more than one Scalelog or another
// Kysely application has): opening one must not depend on what the others' schemas hold.

const postgres = testBackends.find((b) => b.name === 'postgres');

describe.skipIf(postgres?.available !== true)('openStore: postgres schemas side by side', () => {
  it('opens a store in a fresh schema while another schema already holds a migrated store', async () => {
    if (postgres === undefined) throw new Error('no postgres backend');
    const first = await postgres.fresh();
    const second = await postgres.fresh();
    const opened: Store[] = [];
    try {
      opened.push(await openStore(first.url));
      // The second schema is empty; its migrations must run in it, not be skipped because
      // the first schema already has its migration table.
      opened.push(await openStore(second.url));
      const [a, b] = opened as [Store, Store];
      await a.writeSession((w) =>
        w.write([
          {
            id: 'b86e4175-30cb-4b1e-a332-83f9ee472c58',
            projectId: 'proj-a',
            policyId: 'policy-1',
            status: 'SUCCESS',
            executeType: 'MANUAL',
            executeTime: 1_700_000_000,
            resourceType: 'SCALING_GROUP',
            resourceId: '1f2d3e73-7ef6-40b3-a8fa-514b68eccaa7',
            jobRecords: [],
          },
        ]),
      );
      const query = { projectId: 'proj-a', policyId: 'policy-1', startNumber: 0, limit: 20 };
      expect((await a.queryLogs(query))?.totalNumber).toBe(1);
      expect(await b.queryLogs(query)).toBeUndefined();
    } finally {
      for (const store of opened) await store.close();
      await first.cleanup();
      await second.cleanup();
    }
  });
});
