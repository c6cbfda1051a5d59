import type { Expression, SqlBool } from 'kysely';
import type { ExecutionLog } from '../../domain/execution-log.js';
import type { ExportFilter } from '../log-store.js';
import { rowToLog } from './log-rows.js';
import type { LogRow } from './log-rows.js';
import type { SqlContext } from './sql-context.js';

const exportBatchRows = 1000;

/** Every log of a project or a policy, streamed in a stable order with bounded memory. */
export async function* exportLogs(
  context: SqlContext,
  filter: ExportFilter,
): AsyncIterable<ExecutionLog> {
  if (filter.projectId !== undefined || filter.policyId === undefined) {
    yield* exportRange(context, filter.projectId, filter.policyId);
    return;
  }
  // A policy id alone: the count table names the projects that have it, and each
  // (project, policy) pair is one range of the index, instead of a scan of every log.
  const policyId = filter.policyId;
  const projects = await context.guard(() =>
    context.reads
      .selectFrom('policy_log_counts')
      .where('policy_id', '=', policyId)
      .select('project_id')
      .distinct()
      .orderBy('project_id')
      .execute(),
  );
  for (const { project_id } of projects) yield* exportRange(context, project_id, policyId);
}

/**
 * Every log of a project, of a project's policy, or of the whole store, in index order
 * (project, policy, execute_time, id), read in keyset batches: constant memory, and each
 * batch starts where the last ended instead of skipping rows with OFFSET.
 */
async function* exportRange(
  context: SqlContext,
  projectId: string | undefined,
  policyId: string | undefined,
): AsyncIterable<ExecutionLog> {
  let after: LogRow | undefined;
  for (;;) {
    const cursor = after;
    const rows: LogRow[] = await context.guard(() =>
      context.reads
        .selectFrom('execution_logs')
        .selectAll()
        .where((eb) => {
          const conds: Expression<SqlBool>[] = [];
          if (projectId !== undefined) conds.push(eb('project_id', '=', projectId));
          if (projectId !== undefined && policyId !== undefined)
            conds.push(eb('policy_id', '=', policyId));
          if (cursor !== undefined) {
            // The tuple compared is the index's key after its equality prefix, so both
            // engines read it as one index range.
            if (projectId === undefined) {
              conds.push(
                eb(
                  eb.refTuple('project_id', 'policy_id', 'execute_time', 'id'),
                  '>',
                  eb.tuple(cursor.project_id, cursor.policy_id, cursor.execute_time, cursor.id),
                ),
              );
            } else if (policyId === undefined) {
              conds.push(
                eb(
                  eb.refTuple('policy_id', 'execute_time', 'id'),
                  '>',
                  eb.tuple(cursor.policy_id, cursor.execute_time, cursor.id),
                ),
              );
            } else {
              conds.push(
                eb(
                  eb.refTuple('execute_time', 'id'),
                  '>',
                  eb.tuple(cursor.execute_time, cursor.id),
                ),
              );
            }
          }
          return eb.and(conds);
        })
        .orderBy('project_id')
        .orderBy('policy_id')
        .orderBy('execute_time')
        .orderBy('id')
        .limit(exportBatchRows)
        .execute(),
    );
    for (const row of rows) yield rowToLog(row);
    if (rows.length < exportBatchRows) return;
    after = rows[rows.length - 1];
  }
}
