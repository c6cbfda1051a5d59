import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ExecutionLog } from '../../src/domain/execution-log.js';
import type { LogQuery } from '../../src/domain/log-query.js';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/store.js';
import { StoreUnavailableError } from '../../src/store/store.js';
import { testBackends } from '../support/backends.js';

const groupId = '1f2d3e73-7ef6-40b3-a8fa-514b68eccaa7';
const otherGroupId = '2a2d3e73-7ef6-40b3-a8fa-514b68eccaa8';

let seq = 0;
/** A valid log; ids are unique and sort in creation order. */
function makeLog(overrides: Partial<ExecutionLog> = {}): ExecutionLog {
  seq += 1;
  const id = `${seq.toString(16).padStart(8, '0')}-0000-4000-8000-000000000000`;
  return {
    id,
    projectId: 'proj-a',
    policyId: 'policy-1',
    status: 'SUCCESS',
    executeType: 'MANUAL',
    executeTime: 1_700_000_000 + seq,
    resourceType: 'SCALING_GROUP',
    resourceId: groupId,
    oldValue: '1',
    desireValue: '2',
    limitValue: '0',
    type: 'ADD',
    jobRecords: [
      {
        jobName: 'ADJUST_VM_NUMBERS',
        recordType: 'MEG',
        recordTime: '2023-11-14T22:13:20Z',
        message: 'modify desire number of scaling group',
        jobStatus: 'SUCCESS',
      },
    ],
    ...overrides,
  };
}

const q = (overrides: Partial<LogQuery> = {}): LogQuery => ({
  projectId: 'proj-a',
  policyId: 'policy-1',
  startNumber: 0,
  limit: 20,
  ...overrides,
});

async function collect(it: AsyncIterable<ExecutionLog>): Promise<ExecutionLog[]> {
  const out: ExecutionLog[] = [];
  for await (const x of it) out.push(x);
  return out;
}

for (const backend of testBackends) {
  describe.skipIf(!backend.available)(`store contract: ${backend.name}`, () => {
    let store: Store;
    let cleanup: () => Promise<void>;

    beforeEach(async () => {
      const fresh = await backend.fresh();
      cleanup = fresh.cleanup;
      store = await openStore(fresh.url, { queryTimeoutMs: 5000 });
    });
    afterEach(async () => {
      await store.close();
      await cleanup();
    });

    const write = (logs: ExecutionLog[]) => store.writeSession((w) => w.write(logs));

    it('reports its backend and a location without secrets', () => {
      expect(store.backend).toBe(backend.name);
      expect(store.location).not.toMatch(/:[^/@:]+@/);
    });

    it('returns undefined for a policy it has never seen', async () => {
      expect(await store.queryLogs(q())).toBeUndefined();
      await write([makeLog()]);
      expect(await store.queryLogs(q({ policyId: 'policy-2' }))).toBeUndefined();
      // A policy of another project is unknown in this one.
      expect(await store.queryLogs(q({ projectId: 'proj-b' }))).toBeUndefined();
    });

    it('stores and returns every field exactly, absent fields absent', async () => {
      const full = makeLog({
        status: 'FAIL',
        failedReason: 'group is not in service',
        resourceType: 'BANDWIDTH',
        type: 'REDUCE',
        metaData: {
          metadata_bandwidth_share_type: 'PER',
          metadata_eip_id: 'e1',
          metadataeip_address: '10.0.0.1',
        },
        jobRecords: [
          {
            jobName: 'x',
            recordType: 'API',
            recordTime: 't',
            request: '{"a":1}',
            response: 'ok',
            code: '200',
            jobStatus: 'FAIL',
          },
        ],
      });
      const bare: ExecutionLog = {
        id: makeLog().id,
        projectId: 'proj-a',
        policyId: 'policy-1',
        status: 'EXECUTING',
        executeType: 'SCHEDULED',
        executeTime: 1_600_000_000,
        resourceType: 'SCALING_GROUP',
        resourceId: groupId,
        jobRecords: [],
      };
      expect(await write([full, bare])).toEqual({
        inserted: 2,
        updated: 0,
        unchanged: 0,
        rejected: [],
      });
      const page = await store.queryLogs(q());
      expect(page?.totalNumber).toBe(2);
      expect(page?.logs).toEqual([full, bare]);
      expect(Object.keys(page?.logs[1] ?? {})).not.toContain('failedReason');
      expect(Object.keys(page?.logs[1] ?? {})).not.toContain('metaData');
    });

    it('orders newest first, ties broken by id descending, stable under paging', async () => {
      const t = 1_700_500_000;
      const logs = [
        makeLog({ executeTime: t }),
        makeLog({ executeTime: t + 5 }),
        makeLog({ executeTime: t }),
        makeLog({ executeTime: t - 5 }),
      ];
      await write(logs);
      const expected = [logs[1], logs[2], logs[0], logs[3]].map((l) => l?.id);
      const all = await store.queryLogs(q());
      expect(all?.logs.map((l) => l.id)).toEqual(expected);
      const pages = [];
      for (let start = 0; start < 4; start += 1) {
        const page = await store.queryLogs(q({ startNumber: start, limit: 1 }));
        expect(page?.totalNumber).toBe(4);
        pages.push(page?.logs[0]?.id);
      }
      expect(pages).toEqual(expected);
    });

    it('serves deep pages (start_number 1,000 and past) in the same order as shallow ones', async () => {
      const logs: ExecutionLog[] = [];
      for (let i = 0; i < 1_300; i += 1) {
        // Few distinct times, so most neighbours tie on execute_time and the id decides.
        logs.push(
          makeLog({ executeTime: 5_000 + (i % 13), executeType: i % 3 === 0 ? 'ALARM' : 'MANUAL' }),
        );
      }
      await write(logs);
      const newestFirst = (a: ExecutionLog, b: ExecutionLog) =>
        b.executeTime - a.executeTime || (b.id < a.id ? -1 : b.id > a.id ? 1 : 0);
      const all = [...logs].sort(newestFirst);
      for (const startNumber of [990, 1_000, 1_013, 1_290]) {
        const page = await store.queryLogs(q({ startNumber, limit: 20 }));
        expect(page?.totalNumber).toBe(1_300);
        expect(page?.logs.map((l) => l.id)).toEqual(
          all.slice(startNumber, startNumber + 20).map((l) => l.id),
        );
      }
      const manual = all.filter((l) => l.executeType === 'MANUAL');
      const page = await store.queryLogs(
        q({ executeType: 'MANUAL', startNumber: 1_000, limit: 100 }),
      );
      expect(page?.totalNumber).toBe(manual.length);
      expect(page?.logs).toEqual(manual.slice(1_000, 1_100));
    });

    it('filters by each criterion and their combination, time window [start, end)', async () => {
      const a = makeLog({ executeType: 'ALARM', executeTime: 100 });
      const b = makeLog({ executeType: 'MANUAL', executeTime: 200 });
      const c = makeLog({ executeType: 'ALARM', executeTime: 300, resourceId: otherGroupId });
      const d = makeLog({ executeType: 'RECURRENCE', executeTime: 400, resourceType: 'BANDWIDTH' });
      await write([a, b, c, d]);
      const ids = async (query: Partial<LogQuery>) => {
        const page = await store.queryLogs(q(query));
        return { total: page?.totalNumber, ids: page?.logs.map((l) => l.id) };
      };
      expect(await ids({ executeType: 'ALARM' })).toEqual({ total: 2, ids: [c.id, a.id] });
      expect(await ids({ resourceId: otherGroupId })).toEqual({ total: 1, ids: [c.id] });
      expect(await ids({ resourceType: 'BANDWIDTH' })).toEqual({ total: 1, ids: [d.id] });
      expect(await ids({ logId: b.id })).toEqual({ total: 1, ids: [b.id] });
      expect(await ids({ logId: b.id, executeType: 'ALARM' })).toEqual({ total: 0, ids: [] });
      expect(await ids({ startTime: 200, endTime: 400 })).toEqual({ total: 2, ids: [c.id, b.id] });
      expect(await ids({ startTime: 200, endTime: 200 })).toEqual({ total: 0, ids: [] });
      expect(await ids({ startTime: 300 })).toEqual({ total: 2, ids: [d.id, c.id] });
      expect(await ids({ endTime: 300 })).toEqual({ total: 2, ids: [b.id, a.id] });
      expect(await ids({ executeType: 'ALARM', startTime: 150, resourceId: otherGroupId })).toEqual(
        { total: 1, ids: [c.id] },
      );
      expect(await ids({ executeType: 'SCHEDULED' })).toEqual({ total: 0, ids: [] });
    });

    it('limit 0 and start_number past the end give an empty page with the true total', async () => {
      await write([makeLog(), makeLog(), makeLog()]);
      expect(await store.queryLogs(q({ limit: 0 }))).toEqual({ totalNumber: 3, logs: [] });
      expect(await store.queryLogs(q({ startNumber: 3 }))).toEqual({ totalNumber: 3, logs: [] });
      expect(await store.queryLogs(q({ startNumber: 2, startTime: 0 }))).toMatchObject({
        totalNumber: 3,
        logs: [{}],
      });
    });

    it('is idempotent by id: the same logs twice change nothing', async () => {
      const logs = [makeLog(), makeLog()];
      await write(logs);
      expect(await write(logs)).toEqual({ inserted: 0, updated: 0, unchanged: 2, rejected: [] });
      expect((await store.queryLogs(q()))?.totalNumber).toBe(2);
    });

    it('updates EXECUTING to a settled status, never a settled one back to EXECUTING', async () => {
      const executing = makeLog({ status: 'EXECUTING' });
      await write([executing]);
      const done = { ...executing, status: 'SUCCESS' as const, desireValue: '3' };
      expect(await write([done])).toMatchObject({ inserted: 0, updated: 1, unchanged: 0 });
      expect(await write([executing])).toMatchObject({ inserted: 0, updated: 0, unchanged: 1 });
      const page = await store.queryLogs(q());
      expect(page?.logs).toEqual([done]);
      expect(page?.totalNumber).toBe(1);
    });

    it('applies repeats of one id within a batch in order', async () => {
      const executing = makeLog({ status: 'EXECUTING' });
      const failed = { ...executing, status: 'FAIL' as const, failedReason: 'cooldown' };
      expect(await write([executing, failed, executing])).toEqual({
        inserted: 1,
        updated: 1,
        unchanged: 1,
        rejected: [],
      });
      expect((await store.queryLogs(q()))?.logs).toEqual([failed]);
    });

    it('keeps counts right when an update moves a log to another execute type', async () => {
      const log = makeLog({ executeType: 'ALARM', status: 'EXECUTING' });
      await write([log]);
      await write([{ ...log, executeType: 'MANUAL', status: 'SUCCESS' }]);
      expect((await store.queryLogs(q({ executeType: 'ALARM' })))?.totalNumber).toBe(0);
      expect((await store.queryLogs(q({ executeType: 'MANUAL' })))?.totalNumber).toBe(1);
      expect((await store.queryLogs(q()))?.totalNumber).toBe(1);
    });

    it('rejects an id that belongs to another project or policy, and leaves it untouched', async () => {
      const log = makeLog();
      await write([log]);
      const result = await write([
        makeLog(),
        { ...log, projectId: 'proj-b' },
        { ...log, policyId: 'policy-9' },
      ]);
      expect(result.inserted).toBe(1);
      expect(result.rejected.map((r) => r.index)).toEqual([1, 2]);
      expect(result.rejected[0]?.reason).toContain(log.id);
      expect(result.rejected[0]?.reason).not.toContain('policy-1');
      expect(await store.queryLogs(q({ projectId: 'proj-b' }))).toBeUndefined();
      expect((await store.queryLogs(q({ logId: log.id })))?.logs).toEqual([log]);
    });

    it('writes nothing when the session throws', async () => {
      await expect(
        store.writeSession(async (w) => {
          await w.write([makeLog(), makeLog()]);
          throw new Error('abort');
        }),
      ).rejects.toThrow('abort');
      expect(await store.queryLogs(q())).toBeUndefined();
      expect(await collect(store.exportLogs({}))).toEqual([]);
    });

    it('keeps every project to itself', async () => {
      await write([
        makeLog({ projectId: 'proj-a' }),
        makeLog({ projectId: 'proj-b' }),
        makeLog({ projectId: 'proj-b' }),
      ]);
      expect(
        (await store.queryLogs(q({ projectId: 'proj-a' })))?.logs.every(
          (l) => l.projectId === 'proj-a',
        ),
      ).toBe(true);
      expect((await store.queryLogs(q({ projectId: 'proj-b' })))?.totalNumber).toBe(2);
      expect(await collect(store.exportLogs({ projectId: 'proj-b' }))).toHaveLength(2);
    });

    it('exports a project, a policy or everything, in a stable order across batches', async () => {
      // Sizes chosen so every export shape spans more than one 1,000-row batch.
      const logs: ExecutionLog[] = [];
      for (let i = 0; i < 3_500; i += 1) {
        logs.push(
          makeLog({
            policyId: `policy-${i % 2}`,
            projectId: i % 3 === 0 ? 'proj-b' : 'proj-a',
            executeTime: 1_000 + (i % 7),
          }),
        );
      }
      await write(logs);
      const key = (l: ExecutionLog) =>
        [l.projectId, l.policyId, String(l.executeTime).padStart(12, '0'), l.id].join('|');
      const expectExport = async (
        filter: { projectId?: string; policyId?: string },
        keep: (l: ExecutionLog) => boolean,
      ) => {
        const got = await collect(store.exportLogs(filter));
        const expected = logs.filter(keep);
        expect(expected.length).toBeGreaterThan(1_000);
        expect(got.map(key)).toEqual(expected.map(key).sort());
        expect(new Set(got.map((l) => l.id)).size).toBe(got.length);
        return got;
      };
      const all = await expectExport({}, () => true);
      expect(all.find((l) => l.id === logs[7]?.id)).toEqual(logs[7]);
      await expectExport({ projectId: 'proj-b' }, (l) => l.projectId === 'proj-b');
      await expectExport(
        { projectId: 'proj-a', policyId: 'policy-1' },
        (l) => l.projectId === 'proj-a' && l.policyId === 'policy-1',
      );
      // A policy id alone spans every project that has it.
      await expectExport({ policyId: 'policy-0' }, (l) => l.policyId === 'policy-0');
    });

    it('opens several stores at once on one new database: the schema is made once', async () => {
      const fresh = await backend.fresh();
      try {
        // SQLite waits for a lock by blocking its thread, so two connections in one process
        // would wait on each other; its concurrent openers are separate processes (serve and
        // import), serialised by BEGIN IMMEDIATE. PostgreSQL's openers race for real here.
        const stores =
          backend.name === 'sqlite'
            ? [await openStore(fresh.url), await openStore(fresh.url)]
            : await Promise.all([1, 2, 3, 4].map(() => openStore(fresh.url)));
        await stores[0]?.writeSession((w) => w.write([makeLog()]));
        for (const s of stores) expect((await s.queryLogs(q()))?.totalNumber).toBe(1);
        await Promise.all(stores.map((s) => s.close()));
        const again = await openStore(fresh.url);
        expect((await again.queryLogs(q()))?.totalNumber).toBe(1);
        await again.close();
      } finally {
        await fresh.cleanup();
      }
    });

    it('answers ping, and reports itself unavailable once closed', async () => {
      await store.ping();
      await store.close();
      await expect(store.ping()).rejects.toBeInstanceOf(StoreUnavailableError);
      await expect(store.queryLogs(q())).rejects.toBeInstanceOf(StoreUnavailableError);
    });
  });
}
