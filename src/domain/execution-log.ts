import type { UnixSeconds } from './unix-time.js';

/**
 * An execution log: one run of a scaling policy, as Scalelog records and serves it.
 *
 * This is the program's own camelCase shape. The cloud's wire shape lives in `log-format/`, column
 * names live in `store/`; explicit mappers sit between them.
 */

export const executionStatuses = ['SUCCESS', 'FAIL', 'EXECUTING'] as const;
export type ExecutionStatus = (typeof executionStatuses)[number];

/**
 * What triggered an execution. The cloud's English docs say `SCHEDULED`; its SDK response
 * models say `SCHEDULE` (contract §3). Internally it is always `SCHEDULED`.
 */
export const executeTypes = [
  'SCHEDULED',
  'RECURRENCE',
  'ALARM',
  'MANUAL',
  'INTERVAL_ALARM',
] as const;
export type ExecuteType = (typeof executeTypes)[number];

export const resourceTypes = ['SCALING_GROUP', 'BANDWIDTH'] as const;
export type ResourceType = (typeof resourceTypes)[number];

/** Group policies say `REMOVE` for a decrease, bandwidth policies say `REDUCE`. */
export const operationTypes = ['ADD', 'REMOVE', 'REDUCE', 'SET'] as const;
export type OperationType = (typeof operationTypes)[number];

export const recordTypes = ['API', 'MEG'] as const;
export type RecordType = (typeof recordTypes)[number];

export const jobStatuses = ['SUCCESS', 'FAIL'] as const;
export type JobStatus = (typeof jobStatuses)[number];

/** One step of an execution. Every field is optional on the wire; absent stays absent. */
export interface JobRecord {
  readonly jobName?: string;
  readonly recordType?: RecordType;
  readonly recordTime?: string;
  readonly request?: string;
  readonly response?: string;
  readonly code?: string;
  readonly message?: string;
  readonly jobStatus?: JobStatus;
}

export interface ExecutionLog {
  readonly id: string;
  readonly projectId: string;
  readonly policyId: string;
  readonly status: ExecutionStatus;
  readonly failedReason?: string;
  readonly executeType: ExecuteType;
  /** Unix time in whole seconds (the wire carries second precision). */
  readonly executeTime: UnixSeconds;
  readonly resourceType: ResourceType;
  readonly resourceId: string;
  readonly oldValue?: string;
  readonly desireValue?: string;
  readonly limitValue?: string;
  readonly type?: OperationType;
  readonly jobRecords: readonly JobRecord[];
  /** User-defined key/value pairs; for bandwidth logs the `metadata_*` keys. */
  readonly metaData?: Readonly<Record<string, string>>;
}

/**
 * Whether `incoming` should replace `existing` when a log with the same id arrives again.
 *
 * A log arrives again when an importer re-sends a file or an autoscaler reports the same
 * execution twice, typically first as EXECUTING and later as SUCCESS or FAIL. The rule:
 * identical records change nothing; a settled record (SUCCESS, FAIL) is never moved back
 * to EXECUTING by a stale copy; otherwise the incoming record wins.
 */
export function shouldReplace(existing: ExecutionLog, incoming: ExecutionLog): boolean {
  if (existing.status !== 'EXECUTING' && incoming.status === 'EXECUTING') return false;
  return !sameLog(existing, incoming);
}

/** Field-by-field equality of two logs, absent and present fields included. */
export function sameLog(a: ExecutionLog, b: ExecutionLog): boolean {
  return canonicalLogKey(a) === canonicalLogKey(b);
}

function canonicalLogKey(log: ExecutionLog): string {
  return JSON.stringify([
    log.id,
    log.projectId,
    log.policyId,
    log.status,
    log.failedReason,
    log.executeType,
    log.executeTime,
    log.resourceType,
    log.resourceId,
    log.oldValue,
    log.desireValue,
    log.limitValue,
    log.type,
    log.jobRecords.map((r) => [
      r.jobName,
      r.recordType,
      r.recordTime,
      r.request,
      r.response,
      r.code,
      r.message,
      r.jobStatus,
    ]),
    log.metaData === undefined ? null : Object.entries(log.metaData),
  ]);
}
