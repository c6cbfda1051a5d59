import type { Selectable } from 'kysely';
import type { ResourceType } from '../../domain/execution-log.js';
import type { UnixMs } from '../../domain/unix-time.js';
import type { ExecutionRepository, PendingExecution } from '../resource-store.js';
import type { EngineExecutionsTable } from '../schema.js';
import type { ResourceDb } from './resource-table.js';

// Pending executions: the resource transaction's `executions` (see `ExecutionRepository`).

function rowToExecution(row: Selectable<EngineExecutionsTable>): PendingExecution {
  return {
    logId: row.log_id,
    projectId: row.project_id,
    policyId: row.policy_id,
    resourceType: row.resource_type as ResourceType,
    resourceId: row.resource_id,
    settlesAt: row.settles_at,
  };
}

async function insertExecution(r: ResourceDb, execution: PendingExecution): Promise<boolean> {
  const result = await r.db
    .insertInto('engine_executions')
    .values({
      log_id: execution.logId,
      project_id: execution.projectId,
      policy_id: execution.policyId,
      resource_type: execution.resourceType,
      resource_id: execution.resourceId,
      settles_at: execution.settlesAt,
    })
    // Both engines: on a unique violation (the resource has an execution), insert nothing.
    .onConflict((oc) => oc.doNothing())
    .executeTakeFirst();
  return (result.numInsertedOrUpdatedRows ?? 0n) > 0n;
}

async function executionOfResource(
  r: ResourceDb,
  resourceType: ResourceType,
  resourceId: string,
): Promise<PendingExecution | undefined> {
  const row = await r.db
    .selectFrom('engine_executions')
    .selectAll()
    .where('resource_type', '=', resourceType)
    .where('resource_id', '=', resourceId)
    .executeTakeFirst();
  return row === undefined ? undefined : rowToExecution(row);
}

async function executingPolicies(
  r: ResourceDb,
  policyIds: readonly string[],
): Promise<Set<string>> {
  if (policyIds.length === 0) return new Set();
  const rows = await r.db
    .selectFrom('engine_executions')
    .select('policy_id')
    .where('policy_id', 'in', policyIds)
    .execute();
  return new Set(rows.map((row) => row.policy_id));
}

async function dueExecutions(
  r: ResourceDb,
  nowMs: UnixMs,
  limit: number,
): Promise<PendingExecution[]> {
  const rows = await r.db
    .selectFrom('engine_executions')
    .selectAll()
    .where('settles_at', '<=', nowMs)
    .orderBy('settles_at', 'asc')
    .orderBy('log_id', 'asc')
    .limit(limit)
    .execute();
  return rows.map(rowToExecution);
}

async function takeExecution(r: ResourceDb, logId: string): Promise<boolean> {
  const result = await r.db
    .deleteFrom('engine_executions')
    .where('log_id', '=', logId)
    .executeTakeFirst();
  return result.numDeletedRows > 0n;
}

/** The pending executions of a session's connection. */
export const executionRepository = (r: ResourceDb): ExecutionRepository => ({
  insert: (execution) => insertExecution(r, execution),
  ofResource: (resourceType, resourceId) => executionOfResource(r, resourceType, resourceId),
  executingPolicies: (policyIds) => executingPolicies(r, policyIds),
  due: (nowMs, limit) => dueExecutions(r, nowMs, limit),
  take: (logId) => takeExecution(r, logId),
});
