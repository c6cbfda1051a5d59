import { changeDescription } from '../src/domain/scaling-activity.js';
import type {
  ActivityInstance,
  ActivityStatus,
  ActivityType,
  ScalingActivity,
} from '../src/domain/scaling-activity.js';
import { ActivityService } from '../src/resources/activities/service.js';
import { createHash } from 'node:crypto';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { openStore } from '../src/store/open-store.js';
import { activityToRow } from '../src/store/sql/activity-repository.js';
import type { ActivityFilter } from '../src/store/resource-store.js';
import type { BenchDatabase } from './bench-database.js';
import type { BenchSizes, BenchStore } from './bench-options.js';
import { measureLatency, timed } from './measure.js';
import type { Timing } from './measure.js';
import { Prng } from './prng.js';
import { figure } from './report.js';
import type { Figure } from './report.js';
import { activitySql } from './store-sql.js';

/**
 * The scaling activity log figure: page 0 of one group's activity log (the v1 query's
 * default page, limit 20, with its total_number) through the activity service, as the
 * route calls it, at 10 thousand activities in the store and again at full size (10
 * million; 100,000 in quick mode). The issue's target: ≤ 1.5× the small figure.
 *
 * The data: eight probe groups of exactly 1,000 activities each, all in the first 10,000
 * (so a probe's answers are the same at both sizes), in one project; the rest spread over
 * 6,000 background groups of 2,000 projects, but for a busy group that gets a tenth of the
 * growth. Every status and type, one to three instances per list, start times over
 * 2023-2024. Rows are the repository's own (`activityToRow`), written on the driver in big
 * transactions of prepared inserts (SQLite: one row a statement; PostgreSQL: 1,000), so the
 * data takes a few minutes at 10 million, not the measurement's time.
 */

export interface ActivityBenchInput {
  readonly kind: BenchStore;
  readonly db: BenchDatabase;
  readonly sizes: BenchSizes;
  readonly seed: number;
  readonly log: (message: string) => void;
  readonly expect: (ok: boolean, what: string) => void;
}

export interface ActivityBenchResult {
  readonly figures: Figure[];
  readonly details: Record<string, unknown>;
}

const probeProject = 'ac71717ea0000000000000000000ac71';
const from2023 = Date.UTC(2023, 0, 1);
const span = Date.UTC(2025, 0, 1) - from2023;
/** Activities per store transaction while growing the store. */
const sessionRows = 50_000;
const backgroundProjects = 2000;
const backgroundGroups = 6000;

const statuses: readonly ActivityStatus[] = ['SUCCESS', 'SUCCESS', 'SUCCESS', 'FAIL', 'DOING'];
const types: readonly ActivityType[] = [
  'NORMAL',
  'NORMAL',
  'NORMAL',
  'DIFF',
  'MANUAL_ADD',
  'MANUAL_REMOVE',
  'MANUAL_DELETE',
  'ENTER_STANDBY',
];

/** A month-long window in the middle of the data, for the filtered figure. */
const window = { from: Date.UTC(2024, 2, 1), to: Date.UTC(2024, 3, 1) - 1 };

function activity(
  prng: Prng,
  projectId: string,
  groupId: string,
  startTime: number,
): ScalingActivity {
  const status = prng.pick(statuses);
  const type = prng.pick(types);
  const n = prng.between(1, 3);
  const instances = (): ActivityInstance[] =>
    Array.from({ length: n }, () => ({
      id: prng.uuid(),
      name: `as-config-${prng.hex(4)}-${prng.hex(8).toUpperCase()}`,
      configurationId: 'cfg-bench',
    }));
  const adds = type === 'NORMAL' || type === 'DIFF' || type === 'MANUAL_ADD';
  const old = prng.between(0, 10);
  return {
    id: prng.uuid(),
    projectId,
    groupId,
    status,
    type,
    startTime,
    ...(status === 'DOING' ? { settlesAt: startTime + 120_000 } : { endTime: startTime + 90_000 }),
    description: changeDescription([
      {
        changeReason: type === 'DIFF' ? 'DIFF' : 'SCHEDULED',
        oldValue: old,
        newValue: adds ? old + n : Math.max(0, old - n),
        changeTime: startTime,
      },
    ]),
    instanceValue: old,
    desireValue: adds ? old + n : Math.max(0, old - n),
    scalingValue: n,
    added: adds && status !== 'FAIL' ? instances() : [],
    removed: !adds && type !== 'MANUAL_DELETE' ? instances() : [],
    deleted: type === 'MANUAL_DELETE' ? instances() : [],
    failed:
      status === 'FAIL'
        ? instances().map((i) => ({ ...i, failedReason: 'AS.4024', failedDetails: 'not active' }))
        : [],
    standby: type === 'ENTER_STANDBY' ? instances() : [],
  };
}

/** Writes activity rows on the driver: prepared statements in one transaction per call. */
interface ActivityWriter {
  write(rows: readonly ScalingActivity[]): Promise<void>;
  close(): Promise<void>;
}

/** Rows per PostgreSQL insert: 13 columns x 1,000 rows, within its 65,535 parameters. */
const pgInsertRows = 1000;

async function openActivityWriter(kind: BenchStore, url: string): Promise<ActivityWriter> {
  const sample = activityToRow(activity(new Prng(1), 'p', 'g', 0));
  const columns = Object.keys(sample) as (keyof typeof sample)[];
  const values = (a: ScalingActivity): unknown[] => {
    const row = activityToRow(a);
    return columns.map((c) => row[c]);
  };
  if (kind === 'sqlite') {
    const db = new BetterSqlite3(url.replace(/^sqlite:/, ''));
    db.pragma('busy_timeout = 5000');
    const insert = db.prepare(
      `insert into scaling_activities (${columns.join(', ')}) values (${columns.map(() => '?').join(', ')})`,
    );
    const writeAll = db.transaction((rows: readonly ScalingActivity[]) => {
      for (const a of rows) insert.run(...values(a));
    });
    return {
      write: (rows) => {
        writeAll.immediate(rows);
        return Promise.resolve();
      },
      close: () => {
        db.close();
        return Promise.resolve();
      },
    };
  }
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const statement = (n: number): { name: string; text: string } => {
    const tuples = Array.from(
      { length: n },
      (_, r) => `(${columns.map((_c, c) => `$${String(r * columns.length + c + 1)}`).join(', ')})`,
    );
    const text = `insert into scaling_activities (${columns.join(', ')}) values ${tuples.join(', ')}`;
    return { name: `bench_${createHash('sha1').update(text).digest('hex').slice(0, 24)}`, text };
  };
  return {
    async write(rows) {
      await client.query('begin');
      try {
        for (let i = 0; i < rows.length; i += pgInsertRows) {
          const chunk = rows.slice(i, i + pgInsertRows);
          await client.query({ ...statement(chunk.length), values: chunk.flatMap(values) });
        }
        await client.query('commit');
      } catch (e: unknown) {
        await client.query('rollback').catch(() => undefined);
        throw e;
      }
    },
    close: () => client.end(),
  };
}

/** Writes `count` activities made by `next`, `sessionRows` to a transaction. */
async function insertGenerated(
  writer: ActivityWriter,
  count: number,
  next: (i: number) => ScalingActivity,
): Promise<{ generateSeconds: number; writeSeconds: number }> {
  let generateMs = 0;
  let writeMs = 0;
  for (let start = 0; start < count; start += sessionRows) {
    const t0 = performance.now();
    const rows = Array.from({ length: Math.min(sessionRows, count - start) }, (_, k) =>
      next(start + k),
    );
    const t1 = performance.now();
    await writer.write(rows);
    generateMs += t1 - t0;
    writeMs += performance.now() - t1;
  }
  return { generateSeconds: generateMs / 1000, writeSeconds: writeMs / 1000 };
}

function latencyQuantity(t: Timing, what: string) {
  return { value: t.medianMs, unit: 'ms' as const, p95: t.p95Ms, what };
}

export async function runActivityBench(input: ActivityBenchInput): Promise<ActivityBenchResult> {
  const { kind, db, sizes, log, expect } = input;
  const a = sizes.activities;
  const prng = new Prng(input.seed * 7919 + 17);
  const probeGroups = Array.from({ length: a.probeGroups }, () => prng.uuid());
  const busyGroup = prng.uuid();
  const projects = Array.from(
    { length: backgroundProjects },
    (_, i) => `${prng.hex(24)}${i.toString(16).padStart(8, '0')}`,
  );
  const background = Array.from({ length: backgroundGroups }, () => ({
    projectId: prng.pick(projects),
    groupId: prng.uuid(),
  }));
  const randomBackground = (): ScalingActivity => {
    const g = prng.pick(background);
    return activity(prng, g.projectId, g.groupId, from2023 + prng.int(span));
  };

  await db.recreate();
  const store = await openStore(db.url, { queryTimeoutMs: 600_000 });
  const writer = await openActivityWriter(kind, db.url);
  try {
    const service = new ActivityService(store, Date.now);
    await store.resourceSession(async (tx) => {
      for (const [i, id] of [...probeGroups, busyGroup].entries()) {
        await tx.groups.insert({
          id,
          projectId: probeProject,
          name: `bench-activities-${String(i)}`,
          status: 'INSERVICE',
          minInstances: 0,
          maxInstances: 100,
          desireInstances: 1,
          coolDownSeconds: 300,
          createTime: from2023,
          attributes: {},
        });
      }
    });

    // 1. The small store: the probe groups complete, background to `small`.
    const probeTotal = a.probeGroups * a.probeActivities;
    log(`[${kind}] activities: writing ${a.small.toLocaleString('en')} (probe groups)`);
    await insertGenerated(writer, a.small, (i) =>
      i < probeTotal
        ? activity(
            prng,
            probeProject,
            probeGroups[i % a.probeGroups] ?? '',
            from2023 + Math.floor((i / probeTotal) * span),
          )
        : randomBackground(),
    );
    const page0 = (i: number) =>
      service.list(
        probeProject,
        probeGroups[i % a.probeGroups] ?? '',
        {},
        {
          startNumber: 0,
          limit: 20,
        },
      );
    const filter: ActivityFilter = {
      ...window,
      types: ['NORMAL', 'DIFF'],
      status: 'SUCCESS',
    };
    const filtered = (i: number) =>
      service.list(probeProject, probeGroups[i % a.probeGroups] ?? '', filter, {
        startNumber: 0,
        limit: 20,
      });
    const check = async (): Promise<number> => {
      const first = await page0(0);
      expect(
        first.total === a.probeActivities && first.activities.length === 20,
        `a probe group's page 0 holds 20 of its ${String(a.probeActivities)} activities`,
      );
      const f = await filtered(0);
      expect(f.total > 0, 'the filtered probe query finds activities');
      return f.total;
    };
    const smallMatches = await check();
    log(`[${kind}] activities: page 0 latency at ${a.small.toLocaleString('en')}`);
    const small = {
      page0: await measureLatency(page0, sizes.latencyReps, sizes.latencyBudgetMs),
      filtered: await measureLatency(filtered, sizes.latencyReps, sizes.latencyBudgetMs),
    };

    // 2. Growing to full size: a tenth to the busy group, the rest to the background.
    const growth = a.total - a.small;
    const busyCount = Math.floor(growth * a.busyShare);
    log(`[${kind}] activities: writing ${growth.toLocaleString('en')} more`);
    const grown = await timed(() =>
      insertGenerated(writer, growth, (i) =>
        i % Math.round(1 / a.busyShare) === 0 && i / Math.round(1 / a.busyShare) < busyCount
          ? activity(prng, probeProject, busyGroup, from2023 + prng.int(span))
          : randomBackground(),
      ),
    );
    const bigMatches = await check();
    expect(bigMatches === smallMatches, 'the filtered probe query answers the same at both sizes');
    const busyTotal = (
      await service.list(probeProject, busyGroup, {}, { startNumber: 0, limit: 20 })
    ).total;
    log(`[${kind}] activities: page 0 latency at ${a.total.toLocaleString('en')}`);
    const big = {
      page0: await measureLatency(page0, sizes.latencyReps, sizes.latencyBudgetMs),
      filtered: await measureLatency(filtered, sizes.latencyReps, sizes.latencyBudgetMs),
      busyPage0: await measureLatency(
        () => service.list(probeProject, busyGroup, {}, { startNumber: 0, limit: 20 }),
        sizes.latencyReps,
        sizes.latencyBudgetMs,
      ),
    };

    const driver = await db.openFloor();
    let plans: Record<string, unknown>;
    let busyAfterAnalyze: Timing;
    try {
      // As autovacuum would leave the table some time after the load: on PostgreSQL the
      // visibility map lets the count read the index alone.
      await driver.analyze();
      busyAfterAnalyze = await measureLatency(
        () => service.list(probeProject, busyGroup, {}, { startNumber: 0, limit: 20 }),
        sizes.latencyReps,
        sizes.latencyBudgetMs,
      );
      const probe = probeGroups[0] ?? '';
      const now = Date.now();
      const plain = activitySql(kind, probeProject, probe, {}, now);
      const withFilter = activitySql(kind, probeProject, probe, filter, now);
      plans = {
        page0: { sql: plain.page.sql, plan: await driver.explain(plain.page) },
        page0Count: { sql: plain.count.sql, plan: await driver.explain(plain.count) },
        filtered: { sql: withFilter.page.sql, plan: await driver.explain(withFilter.page) },
        filteredCount: { sql: withFilter.count.sql, plan: await driver.explain(withFilter.count) },
      };
    } finally {
      await driver.close();
    }

    const total = a.total.toLocaleString('en');
    const smallText = a.small.toLocaleString('en');
    const figures = [
      figure({
        id: 'activities.page0',
        title: 'activity log page 0, 1,000-activity group',
        ours: latencyQuantity(
          big.page0,
          `ActivityService.list page 0 (limit 20) + total_number at ${total} activities in the store`,
        ),
        floor: latencyQuantity(small.page0, `the same at ${smallText} activities`),
        target: { op: '<=', value: 1.5 },
      }),
      figure({
        id: 'activities.filtered',
        title: 'activity log page 0, v2 filters',
        ours: latencyQuantity(
          big.filtered,
          `type NORMAL,DIFF + status SUCCESS + a month's window (${String(bigMatches)} match) at ${total}`,
        ),
        floor: latencyQuantity(small.filtered, `the same at ${smallText} activities`),
        target: { op: '<=', value: 1.5 },
      }),
      figure({
        id: 'activities.busy',
        title: 'activity log page 0, busy group',
        ours: latencyQuantity(
          big.busyPage0,
          `page 0 + total_number of a ${busyTotal.toLocaleString('en')}-activity group`,
        ),
        floor: latencyQuantity(big.page0, 'page 0 of a 1,000-activity group'),
        note: `reported: total_number counts the group, so it grows with the group, not with the store; after ${kind === 'postgres' ? 'VACUUM ANALYZE' : 'ANALYZE'} ${busyAfterAnalyze.medianMs.toFixed(3)} ms`,
      }),
      figure({
        id: 'activities.write',
        title: 'activities written (bench data)',
        ours: {
          value: growth / grown.seconds,
          unit: 'logs/s',
          what: `the bench's generator: rows built and written on the driver (prepared inserts, ${sessionRows.toLocaleString('en')} a transaction), into a store holding ${smallText}`,
        },
      }),
    ];
    return {
      figures,
      details: {
        activities: a,
        busyActivities: busyTotal,
        filteredMatches: bigMatches,
        write: { activities: growth, seconds: grown.seconds, ...grown.result },
        latency: { small, big, busyAfterAnalyze },
        plans,
      },
    };
  } finally {
    await writer.close();
    await store.close();
  }
}
