import type { Insertable, Kysely, Selectable } from 'kysely';
import type {
  ExecuteType,
  ExecutionLog,
  ExecutionStatus,
  JobRecord,
  OperationType,
  ResourceType,
} from '../../domain/execution-log.js';
import type { UnixMs, UnixSeconds } from '../../domain/unix-time.js';
import type { Database, ExecutionLogsTable, UnixDay } from '../schema.js';

/** A row of `execution_logs` as read. */
export type LogRow = Selectable<ExecutionLogsTable>;

export const secondsPerDay = 86_400;

/** The UTC day of a Unix time in seconds, as `policy_log_days` keys it. */
export const dayOf = (seconds: UnixSeconds): UnixDay => Math.floor(seconds / secondsPerDay);

export function rowToLog(row: LogRow): ExecutionLog {
  const log: { -readonly [K in keyof ExecutionLog]: ExecutionLog[K] } = {
    id: row.id,
    projectId: row.project_id,
    policyId: row.policy_id,
    status: row.status as ExecutionStatus,
    executeType: row.execute_type as ExecuteType,
    executeTime: row.execute_time,
    resourceType: row.resource_type as ResourceType,
    resourceId: row.resource_id,
    jobRecords: JSON.parse(row.job_records) as JobRecord[],
  };
  if (row.failed_reason !== null) log.failedReason = row.failed_reason;
  if (row.old_value !== null) log.oldValue = row.old_value;
  if (row.desire_value !== null) log.desireValue = row.desire_value;
  if (row.limit_value !== null) log.limitValue = row.limit_value;
  if (row.operation !== null) log.type = row.operation as OperationType;
  if (row.meta_data !== null) log.metaData = JSON.parse(row.meta_data) as Record<string, string>;
  return log;
}

export function logToRow(log: ExecutionLog, recordedAt: UnixMs): Insertable<ExecutionLogsTable> {
  return {
    id: log.id,
    project_id: log.projectId,
    policy_id: log.policyId,
    status: log.status,
    failed_reason: log.failedReason ?? null,
    execute_type: log.executeType,
    execute_time: log.executeTime,
    resource_type: log.resourceType,
    resource_id: log.resourceId,
    old_value: log.oldValue ?? null,
    desire_value: log.desireValue ?? null,
    limit_value: log.limitValue ?? null,
    operation: log.type ?? null,
    job_records: JSON.stringify(log.jobRecords),
    meta_data: log.metaData === undefined ? null : JSON.stringify(log.metaData),
    recorded_at: recordedAt,
  };
}

/** One log of a project by id, or `undefined`. */
export async function readLog(
  db: Kysely<Database>,
  projectId: string,
  logId: string,
): Promise<ExecutionLog | undefined> {
  const row = await db
    .selectFrom('execution_logs')
    .selectAll()
    .where('id', '=', logId)
    .where('project_id', '=', projectId)
    .executeTakeFirst();
  return row === undefined ? undefined : rowToLog(row);
}
