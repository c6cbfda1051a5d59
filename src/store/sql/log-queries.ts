import { sql } from 'kysely';
import type { AliasedExpression, Expression, ExpressionBuilder, Kysely, SqlBool } from 'kysely';
import type { LogQuery } from '../../domain/log-query.js';
import type { UnixSeconds } from '../../domain/unix-time.js';
import type { Database } from '../schema.js';
import type { LogPage } from '../log-store.js';
import { dayOf, rowToLog, secondsPerDay } from './log-rows.js';

type LogsExpressionBuilder = ExpressionBuilder<Database, 'execution_logs'>;

/** The filters of a query, the policy included, as conditions on `execution_logs`. */
export function logFilters(eb: LogsExpressionBuilder, q: LogQuery): Expression<SqlBool>[] {
  const conds: Expression<SqlBool>[] = [
    eb('project_id', '=', q.projectId),
    eb('policy_id', '=', q.policyId),
  ];
  if (q.logId !== undefined) conds.push(eb('id', '=', q.logId));
  if (q.resourceType !== undefined) conds.push(eb('resource_type', '=', q.resourceType));
  if (q.resourceId !== undefined) conds.push(eb('resource_id', '=', q.resourceId));
  if (q.executeType !== undefined) conds.push(eb('execute_type', '=', q.executeType));
  if (q.startTime !== undefined) conds.push(eb('execute_time', '>=', q.startTime));
  if (q.endTime !== undefined) conds.push(eb('execute_time', '<', q.endTime));
  return conds;
}

/** From this `start_number` on, a page is found through the index alone first. */
const deferredJoinFromOffset = 1_000;

/**
 * The statement that reads one page of a query, newest first. Exported so the benchmark's
 * driver-side floor runs exactly this SQL.
 *
 * A deep page (`start_number` 500,000 of a busy policy) skips its offset inside the index:
 * the subquery reads ids only, which the policy index covers, and only the page's rows are
 * then read by primary key. Reading whole rows while skipping made PostgreSQL choose a
 * sequential scan and a sort (28x slower than this) once its statistics knew the policy
 * was large.
 */
export function pageQuery(db: Kysely<Database>, q: LogQuery) {
  if (q.startNumber < deferredJoinFromOffset) {
    return db
      .selectFrom('execution_logs')
      .selectAll()
      .where((eb) => eb.and(logFilters(eb, q)))
      .orderBy('execute_time', 'desc')
      .orderBy('id', 'desc')
      .limit(q.limit)
      .offset(q.startNumber);
  }
  const pageIds = db
    .selectFrom('execution_logs')
    .select('id')
    .where((eb) => eb.and(logFilters(eb, q)))
    .orderBy('execute_time', 'desc')
    .orderBy('id', 'desc')
    .limit(q.limit)
    .offset(q.startNumber);
  return db
    .selectFrom('execution_logs')
    .selectAll()
    .where('id', 'in', pageIds)
    .orderBy('execute_time', 'desc')
    .orderBy('id', 'desc');
}

/** The statement that counts a query's matches when the count table cannot answer. */
export function countQuery(db: Kysely<Database>, q: LogQuery) {
  return db
    .selectFrom('execution_logs')
    .where((eb) => eb.and(logFilters(eb, q)))
    .select((eb) => eb.fn.countAll<number>().as('n'));
}

/** A range of `execute_time` counted from the logs, added to or taken from the day sums. */
interface EdgeCount {
  readonly from: UnixSeconds;
  readonly to: UnixSeconds;
  readonly sign: 1 | -1;
}

/**
 * How a time window's count splits into whole days summed from `policy_log_days` and the
 * parts of a day at each end counted from the logs, or `undefined` when the window is too
 * short to gain from it (under two days: its logs are counted directly). At each end the
 * cheaper side of the cut day is counted: the part inside the window is added, or the day is
 * summed whole and the part outside is taken away, whichever spans less time.
 */
export function windowCountPlan(
  startTime: UnixSeconds | undefined,
  endTime: UnixSeconds | undefined,
): { fromDay?: number; toDay?: number; edges: EdgeCount[] } | undefined {
  if (startTime === undefined && endTime === undefined) return undefined;
  if (startTime !== undefined && endTime !== undefined && endTime - startTime < 2 * secondsPerDay) {
    return undefined;
  }
  const edges: EdgeCount[] = [];
  let fromDay: number | undefined;
  let toDay: number | undefined;
  if (startTime !== undefined) {
    const day = dayOf(startTime);
    const dayStart = day * secondsPerDay;
    if (startTime === dayStart) fromDay = day;
    else if (startTime - dayStart < secondsPerDay / 2) {
      fromDay = day;
      edges.push({ from: dayStart, to: startTime, sign: -1 });
    } else {
      fromDay = day + 1;
      edges.push({ from: startTime, to: dayStart + secondsPerDay, sign: 1 });
    }
  }
  if (endTime !== undefined) {
    const day = dayOf(endTime);
    const dayStart = day * secondsPerDay;
    if (endTime === dayStart) toDay = day;
    else if (endTime - dayStart >= secondsPerDay / 2) {
      toDay = day + 1;
      edges.push({ from: endTime, to: dayStart + secondsPerDay, sign: -1 });
    } else {
      toDay = day;
      edges.push({ from: dayStart, to: endTime, sign: 1 });
    }
  }
  return {
    ...(fromDay === undefined ? {} : { fromDay }),
    ...(toDay === undefined ? {} : { toDay }),
    edges,
  };
}

/**
 * The one statement that counts a time window from `policy_log_days` and the window's cut
 * days (see {@link windowCountPlan}): column `days` is the sum of whole days, `edge0` and
 * `edge1` the logs of each cut part. Only for queries whose other filters are the policy
 * and at most an execute type.
 */
export function windowCountQuery(
  db: Kysely<Database>,
  q: LogQuery,
  plan: NonNullable<ReturnType<typeof windowCountPlan>>,
) {
  return db.selectNoFrom((eb) => {
    let days = eb
      .selectFrom('policy_log_days')
      .where('project_id', '=', q.projectId)
      .where('policy_id', '=', q.policyId);
    if (q.executeType !== undefined) days = days.where('execute_type', '=', q.executeType);
    if (plan.fromDay !== undefined) days = days.where('day', '>=', plan.fromDay);
    if (plan.toDay !== undefined) days = days.where('day', '<', plan.toDay);
    const selections: AliasedExpression<number, string>[] = [
      days
        .select(sql<number>`cast(coalesce(sum(log_count), 0) as bigint)`.as('n'))
        .$asScalar()
        .as('days'),
    ];
    plan.edges.forEach((edge, i) => {
      const cut: LogQuery = { ...q, startTime: edge.from, endTime: edge.to };
      selections.push(
        countQuery(db, cut)
          .$asScalar()
          .as(`edge${String(i)}`),
      );
    });
    return selections;
  });
}

/** `q` without its resource filters. */
function withoutResourceFilters(q: LogQuery): LogQuery {
  if (q.resourceType === undefined && q.resourceId === undefined) return q;
  const rest: { -readonly [K in keyof LogQuery]: LogQuery[K] } = { ...q };
  delete rest.resourceType;
  delete rest.resourceId;
  return rest;
}

/**
 * One page of logs for `q` and how many match, or `undefined` when the policy is unknown in
 * the project, read on `db` (see `Store.queryLogs`). From `dayCountsFromLogs` logs of a
 * policy on, a time window's count is summed by day (see {@link windowCountPlan}).
 */
export async function queryLogs(
  db: Kysely<Database>,
  q: LogQuery,
  dayCountsFromLogs: number,
): Promise<LogPage | undefined> {
  // Without a time window or log id, the counts table answers both "is the policy known"
  // and total_number, whatever the size of the policy's history.
  const useCounts = q.startTime === undefined && q.endTime === undefined && q.logId === undefined;
  const countFilters: Expression<SqlBool>[] = [];
  const counts = await db
    .selectFrom('policy_log_counts')
    .where('project_id', '=', q.projectId)
    .where('policy_id', '=', q.policyId)
    .select((eb) => {
      if (q.resourceType !== undefined) countFilters.push(eb('resource_type', '=', q.resourceType));
      if (q.resourceId !== undefined) countFilters.push(eb('resource_id', '=', q.resourceId));
      const typeFilter =
        q.executeType === undefined ? undefined : eb('execute_type', '=', q.executeType);
      if (typeFilter !== undefined) countFilters.push(typeFilter);
      const matching =
        countFilters.length === 0
          ? sql<number>`sum(log_count)`
          : sql<number>`sum(case when ${eb.and(countFilters)} then log_count else 0 end)`;
      // The same without the resource filters: when both agree, those filters drop no
      // log of the policy and a time window can be counted by day.
      const ofType =
        typeFilter === undefined
          ? sql<number>`sum(log_count)`
          : sql<number>`sum(case when ${typeFilter} then log_count else 0 end)`;
      return [
        eb.fn.countAll<number>().as('groups'),
        sql<number>`cast(coalesce(${matching}, 0) as bigint)`.as('matching'),
        sql<number>`cast(coalesce(${ofType}, 0) as bigint)`.as('of_type'),
      ];
    })
    .executeTakeFirstOrThrow();
  if (counts.groups === 0) return undefined;

  let totalNumber = counts.matching;
  // When the resource filters keep every log of the policy (of the execute type asked),
  // they are left out of the SQL: the planner cannot know that, and for a filter on a
  // column no index holds, PostgreSQL read and sorted the policy's whole history
  // (2.3x slower at 100,000 logs) instead of stopping after one page of the index.
  const resourceFiltersKeepAll = counts.matching === counts.of_type;
  const sqlQuery: LogQuery = resourceFiltersKeepAll ? withoutResourceFilters(q) : q;
  if (!useCounts && totalNumber > 0) {
    const plan =
      q.logId === undefined && resourceFiltersKeepAll && counts.of_type >= dayCountsFromLogs
        ? windowCountPlan(q.startTime, q.endTime)
        : undefined;
    if (plan === undefined) {
      const row = await countQuery(db, sqlQuery).executeTakeFirstOrThrow();
      totalNumber = row.n;
    } else {
      const row: Record<string, number> = await windowCountQuery(
        db,
        sqlQuery,
        plan,
      ).executeTakeFirstOrThrow();
      totalNumber = row.days ?? 0;
      plan.edges.forEach((edge, i) => {
        totalNumber += edge.sign * (row[`edge${String(i)}`] ?? 0);
      });
    }
  }
  if (totalNumber === 0 || q.limit === 0 || q.startNumber >= totalNumber) {
    return { totalNumber, logs: [] };
  }
  const rows = await pageQuery(db, sqlQuery).execute();
  return { totalNumber, logs: rows.map(rowToLog) };
}
