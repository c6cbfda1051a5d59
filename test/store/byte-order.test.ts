import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ExecutionLog } from '../../src/domain/execution-log.js';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/store.js';
import type { CredentialStore } from '../../src/store/credential-store.js';
import { testBackends } from '../support/backends.js';
import { postgresTestUrl } from '../support/postgres.js';

/**
 * A PostgreSQL database of its own whose default collation is ICU's en-US, which orders
 * `a-1` before `A.1` before `B-1`, unlike bytes. Collations belong to a database (or a
 * column), not to a schema, hence a database; it is dropped after the test.
 */
async function icuDatabase(): Promise<{ url: string; cleanup: () => Promise<void> }> {
  const name = `sl_icu_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: postgresTestUrl });
  await admin.connect();
  try {
    await admin.query(
      `create database ${name} template template0 locale_provider icu icu_locale 'en-US' locale 'C.UTF-8'`,
    );
  } finally {
    await admin.end();
  }
  const url = new URL(postgresTestUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    cleanup: async () => {
      const c = new pg.Client({ connectionString: postgresTestUrl });
      await c.connect();
      try {
        await c.query(`drop database if exists ${name} with (force)`);
      } finally {
        await c.end();
      }
    },
  };
}

/** Strings that bytes and a linguistic collation order differently: case and punctuation. */
const words = ['b-1', 'B-1', 'a_1', 'a-1', 'A.1', 'a1', 'Z', '_z', '-z', 'aa'];
const byBytes = (a: string, b: string): number => Buffer.compare(Buffer.from(a), Buffer.from(b));

function makeLog(id: string, projectId: string, policyId: string): ExecutionLog {
  return {
    id,
    projectId,
    policyId,
    status: 'SUCCESS',
    executeType: 'MANUAL',
    // One time for all: the order among them is the ids' order alone.
    executeTime: 1_700_000_000,
    resourceType: 'SCALING_GROUP',
    resourceId: '1f2d3e73-7ef6-40b3-a8fa-514b68eccaa7',
    oldValue: '1',
    desireValue: '2',
    limitValue: '0',
    type: 'ADD',
    jobRecords: [],
  };
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

for (const backend of testBackends) {
  describe.skipIf(!backend.available)(`byte order of text keys: ${backend.name}`, () => {
    let store: Store & CredentialStore;
    let cleanup: () => Promise<void>;
    let url: string;

    beforeEach(async () => {
      const fresh = backend.name === 'postgres' ? await icuDatabase() : await backend.fresh();
      cleanup = fresh.cleanup;
      url = fresh.url;
      store = await openStore(url, { queryTimeoutMs: 5000 });
    });
    afterEach(async () => {
      await store.close();
      await cleanup();
    });

    it('exports logs in the byte order of project, policy and id, whatever the collation', async () => {
      // 1,100 logs: more than one export batch (1,000), so the batches' keyset continues in
      // the same order as well.
      const logs = words.flatMap((project, i) =>
        words.flatMap((policy, j) =>
          words
            .concat('~')
            .map((word, k) =>
              makeLog(`${word}#${String(i)}${String(j)}${String(k)}`, project, policy),
            ),
        ),
      );
      await store.writeSession((w) => w.write(logs));
      const keys = (l: ExecutionLog): string[] => [l.projectId, l.policyId, l.id];
      const expected = [...logs]
        .sort((a, b) => {
          for (const [x, y] of keys(a).map((k, n) => [k, keys(b)[n] ?? ''] as const)) {
            const c = byBytes(x, y);
            if (c !== 0) return c;
          }
          return 0;
        })
        .map((l) => l.id);
      expect((await collect(store.exportLogs({}))).map((l) => l.id)).toStrictEqual(expected);
      const project = words[3] ?? '';
      expect(
        (await collect(store.exportLogs({ projectId: project }))).map((l) => l.id),
      ).toStrictEqual(
        expected.filter((id) => logs.find((l) => l.id === id)?.projectId === project),
      );
    });

    it('breaks ties of execute_time in a page by the byte order of ids', async () => {
      const logs = words.map((w) => makeLog(w, 'proj', 'policy'));
      await store.writeSession((w) => w.write(logs));
      const page = await store.queryLogs({
        projectId: 'proj',
        policyId: 'policy',
        startNumber: 0,
        limit: 100,
      });
      expect(page?.logs.map((l) => l.id)).toStrictEqual([...words].sort(byBytes).reverse());
    });

    it('lists credentials in the byte order of project and access key', async () => {
      for (const [n, ak] of words.entries()) {
        await store.insertCredential({
          ak: `AK${ak}`,
          projectId: words[words.length - 1 - n] ?? '',
          skCiphertext: 'x',
          createdAt: 0,
        });
      }
      const listed = await store.listCredentials();
      const expected = [...listed].sort(
        (a, b) => byBytes(a.projectId, b.projectId) || byBytes(a.ak, b.ak),
      );
      expect(listed.map((c) => c.ak)).toStrictEqual(expected.map((c) => c.ak));
      expect(listed).toHaveLength(words.length);
    });

    it.skipIf(backend.name !== 'postgres')(
      'gives every key column the byte collation "C", so indexes keep byte order',
      async () => {
        const c = new pg.Client({ connectionString: url });
        await c.connect();
        try {
          const { rows } = await c.query<{
            table_name: string;
            column_name: string;
            collation_name: string | null;
          }>(
            `select table_name, column_name, collation_name from information_schema.columns
              where table_schema = current_schema() and data_type = 'character varying'
                and table_name <> 'scalelog_migrations'
              order by 1, 2`,
          );
          expect(rows.length).toBeGreaterThan(20);
          expect(rows.filter((r) => r.collation_name !== 'C')).toStrictEqual([]);
        } finally {
          await c.end();
        }
      },
    );
  });
}
