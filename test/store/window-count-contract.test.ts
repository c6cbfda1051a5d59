import Database from 'better-sqlite3';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ExecuteType, ExecutionLog } from '../../src/domain/execution-log.js';
import type { LogQuery } from '../../src/domain/log-query.js';
import { openStore } from '../../src/store/open-store.js';
import { windowCountPlan } from '../../src/store/sql-store.js';
import type { Store } from '../../src/store/store.js';
import { testBackends } from '../support/backends.js';

// A time window's total_number over a policy with many logs is summed from per-day counts
// plus the cut days at its ends. These tests open the store with that path taken from the
// first log on, and compare every total with counting the logs one by one.

const day = 86_400;
const groupId = '1f2d3e73-7ef6-40b3-a8fa-514b68eccaa7';
const otherGroupId = '2a2d3e73-7ef6-40b3-a8fa-514b68eccaa8';
const types: readonly ExecuteType[] = ['SCHEDULED', 'RECURRENCE', 'ALARM', 'MANUAL'];

/** A small seeded generator, so a failure names a reproducible case. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

let seq = 0;
function makeLog(overrides: Partial<ExecutionLog>): ExecutionLog {
  seq += 1;
  return {
    id: `${seq.toString(16).padStart(8, '0')}-0000-4000-8000-00000000d0c5`,
    projectId: 'proj-a',
    policyId: 'policy-1',
    status: 'SUCCESS',
    executeType: 'ALARM',
    executeTime: 0,
    resourceType: 'SCALING_GROUP',
    resourceId: groupId,
    jobRecords: [],
    ...overrides,
  };
}

const q = (overrides: Partial<LogQuery>): LogQuery => ({
  projectId: 'proj-a',
  policyId: 'policy-1',
  startNumber: 0,
  limit: 5,
  ...overrides,
});

/** What the store must answer, from the logs themselves. */
function expectedTotal(logs: readonly ExecutionLog[], query: LogQuery): number {
  return logs.filter(
    (l) =>
      l.projectId === query.projectId &&
      l.policyId === query.policyId &&
      (query.executeType === undefined || l.executeType === query.executeType) &&
      (query.resourceId === undefined || l.resourceId === query.resourceId) &&
      (query.resourceType === undefined || l.resourceType === query.resourceType) &&
      (query.startTime === undefined || l.executeTime >= query.startTime) &&
      (query.endTime === undefined || l.executeTime < query.endTime),
  ).length;
}

/** Times around day boundaries (before 1970 too), where a wrong cut would show. */
function edgeTimes(random: () => number, base: number, days: number): number[] {
  const out: number[] = [];
  for (let d = 0; d <= days; d += 1) {
    const start = base + d * day;
    out.push(start, start - 1, start + 1, start + day / 2, start + day / 2 - 1);
    out.push(start + Math.floor(random() * day));
  }
  return out;
}

async function dropDayCounts(url: string): Promise<void> {
  const statements = [
    'drop table policy_log_days',
    "delete from scalelog_migrations where name = '0003_policy_log_days'",
  ];
  if (url.startsWith('sqlite:')) {
    const db = new Database(url.slice('sqlite:'.length));
    try {
      for (const s of statements) db.exec(s);
    } finally {
      db.close();
    }
    return;
  }
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    for (const s of statements) await client.query(s);
  } finally {
    await client.end();
  }
}

describe('windowCountPlan', () => {
  it('counts windows shorter than two days directly', () => {
    expect(windowCountPlan(undefined, undefined)).toBeUndefined();
    expect(windowCountPlan(10 * day + 5, 12 * day + 4)).toBeUndefined();
    expect(windowCountPlan(10 * day, 12 * day)).toEqual({ fromDay: 10, toDay: 12, edges: [] });
  });

  it('adds the inside of a cut day or takes its outside away, whichever is shorter', () => {
    // Start early in day 10: sum from day 10, take [10d, start) away.
    // End late in day 19: sum to day 20, take [end, 20d) away.
    expect(windowCountPlan(10 * day + 60, 19 * day + 80_000)).toEqual({
      fromDay: 10,
      toDay: 20,
      edges: [
        { from: 10 * day, to: 10 * day + 60, sign: -1 },
        { from: 19 * day + 80_000, to: 20 * day, sign: -1 },
      ],
    });
    // Start late in day 10: sum from day 11, add [start, 11d). End early: add [19d, end).
    expect(windowCountPlan(10 * day + 80_000, 19 * day + 60)).toEqual({
      fromDay: 11,
      toDay: 19,
      edges: [
        { from: 10 * day + 80_000, to: 11 * day, sign: 1 },
        { from: 19 * day, to: 19 * day + 60, sign: 1 },
      ],
    });
    expect(windowCountPlan(-day - 1, undefined)).toEqual({
      fromDay: -1,
      edges: [{ from: -day - 1, to: -day, sign: 1 }],
    });
    expect(windowCountPlan(undefined, 5)).toEqual({
      toDay: 0,
      edges: [{ from: 0, to: 5, sign: 1 }],
    });
  });
});

for (const backend of testBackends) {
  describe.skipIf(!backend.available)(`window counts by day: ${backend.name}`, () => {
    let url: string;
    let store: Store;
    let cleanup: () => Promise<void>;

    beforeEach(async () => {
      const fresh = await backend.fresh();
      url = fresh.url;
      cleanup = fresh.cleanup;
      store = await openStore(url, { dayCountsFromLogs: 0 });
    });
    afterEach(async () => {
      await store.close();
      await cleanup();
    });

    const write = (logs: ExecutionLog[]) => store.writeSession((w) => w.write(logs));

    /** Every window from `times` pairs (and open-ended ones) with and without a type. */
    async function checkWindows(
      logs: readonly ExecutionLog[],
      random: () => number,
      times: readonly number[],
      rounds: number,
      extra: Partial<LogQuery> = {},
    ): Promise<void> {
      const pick = () => times[Math.floor(random() * times.length)] as number;
      for (let i = 0; i < rounds; i += 1) {
        const a = pick();
        const b = pick();
        const shape = i % 4;
        const query = q({
          ...extra,
          ...(shape !== 2 ? { startTime: Math.min(a, b) } : {}),
          ...(shape !== 1 ? { endTime: Math.max(a, b) } : {}),
          ...(i % 3 === 0 ? { executeType: types[i % types.length] as ExecuteType } : {}),
        });
        const page = await store.queryLogs(query);
        expect({ query, total: page?.totalNumber }).toEqual({
          query,
          total: expectedTotal(logs, query),
        });
      }
    }

    it('sums whole days and counts the cut parts, for every kind of window', async () => {
      const random = prng(7);
      const base = 1_700_000_000 - (1_700_000_000 % day);
      const times = edgeTimes(random, base, 12);
      const logs = times.flatMap((t, i) => [
        makeLog({ executeTime: t, executeType: types[i % types.length] as ExecuteType }),
        ...(i % 5 === 0 ? [makeLog({ executeTime: t, executeType: 'MANUAL' })] : []),
      ]);
      // Another policy and another project on the same days must not be counted.
      logs.push(makeLog({ executeTime: base + day, policyId: 'policy-2' }));
      logs.push(makeLog({ executeTime: base + day, projectId: 'proj-b' }));
      await write(logs);
      await checkWindows(logs, random, [...times, base - 3 * day, base + 20 * day], 240);
    });

    it('keeps day counts right before 1970, when logs are replaced across days and types, and through the migration', async () => {
      const random = prng(11);
      const base = -5 * day;
      const times = edgeTimes(random, base, 8);
      const logs = times.map((t, i) =>
        makeLog({
          executeTime: t,
          status: 'EXECUTING',
          executeType: types[i % types.length] as ExecuteType,
        }),
      );
      await write(logs);
      // Settling a log may move it to another day and type: the newer version replaces it.
      const settled = logs.map((l, i) =>
        i % 3 === 0
          ? {
              ...l,
              status: 'SUCCESS' as const,
              executeTime: l.executeTime + Math.floor(random() * 3 * day),
              executeType: types[(i + 1) % types.length] as ExecuteType,
            }
          : l,
      );
      const result = await write(settled);
      expect(result.updated).toBe(Math.ceil(logs.length / 3));
      const windowTimes = [...times, ...settled.map((l) => l.executeTime)];
      await checkWindows(settled, random, windowTimes, 160);

      // A store from before the day counts: the migration fills them from the logs.
      await store.close();
      await dropDayCounts(url);
      store = await openStore(url, { dayCountsFromLogs: 0 });
      await checkWindows(settled, random, windowTimes, 120);
    });

    it('counts log by log when a resource filter leaves out some of the policy', async () => {
      const random = prng(3);
      const base = 1_600_000_000;
      const times = edgeTimes(random, base, 6);
      const logs = times.map((t, i) =>
        makeLog({ executeTime: t, resourceId: i % 2 === 0 ? groupId : otherGroupId }),
      );
      await write(logs);
      await checkWindows(logs, random, times, 60, { resourceId: otherGroupId });
      await checkWindows(logs, random, times, 30, { resourceType: 'SCALING_GROUP' });
      await checkWindows(logs, random, times, 30, { resourceType: 'BANDWIDTH' });
    });
  });
}
