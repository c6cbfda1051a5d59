import { formatWireTime, parseWireTime } from '../domain/wire-time.js';
import { unstorableReason } from '../domain/storable-text.js';
import {
  executionStatuses,
  jobStatuses,
  operationTypes,
  recordTypes,
} from '../domain/execution-log.js';
import type { ExecuteType, ExecutionLog, JobRecord } from '../domain/execution-log.js';
import { parseExecuteType, parseResourceType } from '../domain/log-query.js';
import { uuidLikePattern } from '../domain/ids.js';
import { projectIdPattern } from '../domain/ids.js';
import { logSchemas } from './log-schemas.js';
import { isObject } from '../shared/is-object.js';
import { quoted } from '../shared/shown.js';

/**
 * The cloud's wire shape of one execution log (contract §2), and its mapping to and from
 * the program's {@link ExecutionLog}. The same shape is the NDJSON import/export format.
 */
export interface WireJobRecord {
  job_name?: string;
  record_type?: string;
  record_time?: string;
  request?: string;
  response?: string;
  code?: string;
  message?: string;
  job_status?: string;
}

export interface WireLog {
  id: string;
  status: string;
  failed_reason?: string;
  execute_type: string;
  execute_time: string;
  tenant_id: string;
  scaling_policy_id: string;
  scaling_resource_type: string;
  scaling_resource_id: string;
  old_value?: string;
  desire_value?: string;
  limit_value?: string;
  type?: string;
  job_records: WireJobRecord[];
  meta_data?: Record<string, string>;
}

export interface WireOptions {
  /** How `SCHEDULED` is spelled on output: the seed's `SCHEDULED` (default) or the SDKs' `SCHEDULE`. */
  readonly scheduledAs: 'SCHEDULED' | 'SCHEDULE';
}

/**
 * Keys are set in the order of the cloud's example response: the log query sends these
 * objects as built (JSON.stringify keeps the order), and an exported line reads the same.
 */
const jobRecordToWire = (r: JobRecord): WireJobRecord => {
  const w: WireJobRecord = {};
  if (r.message !== undefined) w.message = r.message;
  if (r.jobName !== undefined) w.job_name = r.jobName;
  if (r.recordType !== undefined) w.record_type = r.recordType;
  if (r.recordTime !== undefined) w.record_time = r.recordTime;
  if (r.request !== undefined) w.request = r.request;
  if (r.response !== undefined) w.response = r.response;
  if (r.code !== undefined) w.code = r.code;
  if (r.jobStatus !== undefined) w.job_status = r.jobStatus;
  return w;
};

/**
 * Absent fields are omitted, never null; `job_records` is always an array. Keys in the order
 * of the cloud's example response, as the API serializes them.
 */
export function logToWire(log: ExecutionLog, options: WireOptions): WireLog {
  const executeType: string =
    log.executeType === 'SCHEDULED' ? options.scheduledAs : log.executeType;
  const w: Partial<WireLog> = { id: log.id, status: log.status };
  if (log.failedReason !== undefined) w.failed_reason = log.failedReason;
  if (log.type !== undefined) w.type = log.type;
  w.tenant_id = log.projectId;
  w.scaling_resource_type = log.resourceType;
  w.scaling_resource_id = log.resourceId;
  w.scaling_policy_id = log.policyId;
  if (log.oldValue !== undefined) w.old_value = log.oldValue;
  if (log.desireValue !== undefined) w.desire_value = log.desireValue;
  if (log.limitValue !== undefined) w.limit_value = log.limitValue;
  w.execute_time = formatWireTime(log.executeTime);
  w.execute_type = executeType;
  w.job_records = log.jobRecords.map(jobRecordToWire);
  if (log.metaData !== undefined) w.meta_data = { ...log.metaData };
  return w as WireLog;
}

/** Bounds on imported text, so one log cannot swell the store without limit. */
export const wireLimits = {
  idLength: 64,
  textLength: 65_536,
  jobRecords: 1_000,
  metaDataKeys: 100,
} as const;

// The fields a log may have on import are the fields the response schema declares: one
// list for what Scalelog serves and what it accepts.
const topLevelKeys = new Set(Object.keys(logSchemas.executeLog.properties));
const jobRecordKeys = new Set(Object.keys(logSchemas.jobRecord.properties));

/** Thrown by {@link logFromWire} with a message naming the field and what is accepted. */
export class WireLogError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WireLogError';
  }
}

const describe = (v: unknown): string =>
  v === null
    ? 'null'
    : Array.isArray(v)
      ? 'an array'
      : typeof v === 'string'
        ? quoted(v, 60)
        : typeof v;

function requireText(obj: Record<string, unknown>, key: string, max: number): string {
  const v = obj[key];
  if (v === undefined) throw new WireLogError(`${key} is missing.`);
  if (typeof v !== 'string' || v.length === 0)
    throw new WireLogError(`${key} must be a non-empty string, got ${describe(v)}.`);
  if (v.length > max) throw new WireLogError(`${key} is longer than ${max} characters.`);
  return v;
}

/** Text both stores can hold unchanged (see {@link unstorableReason}). */
function requireStorable(path: string, v: string): void {
  const reason = unstorableReason(v);
  if (reason !== undefined) throw new WireLogError(`${path} ${reason}.`);
}

function optionalText(obj: Record<string, unknown>, key: string, path = key): string | undefined {
  const v = obj[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'string')
    throw new WireLogError(`${path} must be a string, got ${describe(v)}.`);
  if (v.length > wireLimits.textLength)
    throw new WireLogError(`${path} is longer than ${wireLimits.textLength} characters.`);
  requireStorable(path, v);
  return v;
}

/**
 * `old_value`, `desire_value`, `limit_value` are strings on the wire (contract §2). The
 * seed's table types `limit_value` as Integer, so an integer is accepted and kept as its
 * decimal string: nothing is lost.
 */
function optionalValue(obj: Record<string, unknown>, key: string): string | undefined {
  const v = obj[key];
  if (typeof v === 'number' && Number.isSafeInteger(v)) return String(v);
  if (v !== undefined && typeof v !== 'string') {
    throw new WireLogError(`${key} must be a string (or an integer), got ${describe(v)}.`);
  }
  return optionalText(obj, key);
}

function oneOf<T extends string>(
  value: string | undefined,
  allowed: readonly T[],
  path: string,
): T | undefined {
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value)) {
    throw new WireLogError(`${path} ${describe(value)} is not one of ${allowed.join(', ')}.`);
  }
  return value as T;
}

function jobRecordFromWire(v: unknown, i: number): JobRecord {
  const path = `job_records[${i}]`;
  if (!isObject(v)) throw new WireLogError(`${path} must be an object, got ${describe(v)}.`);
  for (const key of Object.keys(v)) {
    if (!jobRecordKeys.has(key))
      throw new WireLogError(
        `${path} has an unknown field ${JSON.stringify(key)}; known: ${[...jobRecordKeys].join(', ')}.`,
      );
  }
  const text = (key: string) => optionalText(v, key, `${path}.${key}`);
  const r: { -readonly [K in keyof JobRecord]: JobRecord[K] } = {};
  const jobName = text('job_name');
  if (jobName !== undefined) r.jobName = jobName;
  const recordType = oneOf(text('record_type'), recordTypes, `${path}.record_type`);
  if (recordType !== undefined) r.recordType = recordType;
  const recordTime = text('record_time');
  if (recordTime !== undefined) r.recordTime = recordTime;
  const request = text('request');
  if (request !== undefined) r.request = request;
  const response = text('response');
  if (response !== undefined) r.response = response;
  const code = text('code');
  if (code !== undefined) r.code = code;
  const message = text('message');
  if (message !== undefined) r.message = message;
  const jobStatus = oneOf(text('job_status'), jobStatuses, `${path}.job_status`);
  if (jobStatus !== undefined) r.jobStatus = jobStatus;
  return r;
}

/**
 * Validates one log in the wire shape (a parsed JSON value) and maps it to an
 * {@link ExecutionLog}. Unknown fields are refused rather than dropped, so nothing a user
 * sent is silently lost. Throws {@link WireLogError} naming the first thing that is wrong.
 */
export function logFromWire(value: unknown): ExecutionLog {
  if (!isObject(value))
    throw new WireLogError(`a log must be a JSON object, got ${describe(value)}.`);
  for (const key of Object.keys(value)) {
    if (!topLevelKeys.has(key)) {
      throw new WireLogError(
        `unknown field ${JSON.stringify(key)}; a log has: ${[...topLevelKeys].join(', ')}.`,
      );
    }
  }
  const id = requireText(value, 'id', wireLimits.idLength);
  if (!uuidLikePattern.test(id))
    throw new WireLogError(
      `id ${describe(id)} is not a UUID of lower-case letters and digits (8-4-4-4-12).`,
    );
  const projectId = requireText(value, 'tenant_id', wireLimits.idLength);
  if (!projectIdPattern.test(projectId))
    throw new WireLogError(
      `tenant_id ${describe(projectId)} must be 1 to 64 letters, digits, '-' or '_'.`,
    );
  const policyId = requireText(value, 'scaling_policy_id', wireLimits.idLength);
  if (!projectIdPattern.test(policyId))
    throw new WireLogError(
      `scaling_policy_id ${describe(policyId)} must be 1 to 64 letters, digits, '-' or '_'.`,
    );
  const status = oneOf(requireText(value, 'status', 16), executionStatuses, 'status');
  const executeTypeText = requireText(value, 'execute_type', 32);
  const executeType: ExecuteType | undefined = parseExecuteType(executeTypeText);
  if (executeType === undefined)
    throw new WireLogError(
      `execute_type ${describe(executeTypeText)} is not one of SCHEDULED (or SCHEDULE), RECURRENCE, ALARM, MANUAL, INTERVAL_ALARM.`,
    );
  const executeTimeText = requireText(value, 'execute_time', 32);
  const executeTime = parseWireTime(executeTimeText);
  if (executeTime === undefined)
    throw new WireLogError(
      `execute_time ${describe(executeTimeText)} is not a UTC time yyyy-MM-ddThh:mm:ssZ.`,
    );
  const resourceTypeText = requireText(value, 'scaling_resource_type', 32);
  const resourceType = parseResourceType(resourceTypeText);
  if (resourceType === undefined)
    throw new WireLogError(
      `scaling_resource_type ${describe(resourceTypeText)} is not one of SCALING_GROUP, BANDWIDTH.`,
    );
  const resourceId = requireText(value, 'scaling_resource_id', wireLimits.idLength);
  if (!uuidLikePattern.test(resourceId))
    throw new WireLogError(
      `scaling_resource_id ${describe(resourceId)} is not a UUID of lower-case letters and digits (8-4-4-4-12).`,
    );

  const jobRecordsValue = value.job_records ?? [];
  if (!Array.isArray(jobRecordsValue))
    throw new WireLogError(`job_records must be an array, got ${describe(jobRecordsValue)}.`);
  if (jobRecordsValue.length > wireLimits.jobRecords)
    throw new WireLogError(`job_records has more than ${wireLimits.jobRecords} entries.`);
  const jobRecords = jobRecordsValue.map(jobRecordFromWire);

  const log: { -readonly [K in keyof ExecutionLog]: ExecutionLog[K] } = {
    id,
    projectId,
    policyId,
    status: status ?? 'SUCCESS',
    executeType,
    executeTime,
    resourceType,
    resourceId,
    jobRecords,
  };
  const failedReason = optionalText(value, 'failed_reason');
  if (failedReason !== undefined) log.failedReason = failedReason;
  const oldValue = optionalValue(value, 'old_value');
  if (oldValue !== undefined) log.oldValue = oldValue;
  const desireValue = optionalValue(value, 'desire_value');
  if (desireValue !== undefined) log.desireValue = desireValue;
  const limitValue = optionalValue(value, 'limit_value');
  if (limitValue !== undefined) log.limitValue = limitValue;
  const type = oneOf(optionalText(value, 'type'), operationTypes, 'type');
  if (type !== undefined) log.type = type;

  const metaData = value.meta_data;
  if (metaData !== undefined) {
    if (!isObject(metaData))
      throw new WireLogError(
        `meta_data must be an object of string values, got ${describe(metaData)}.`,
      );
    const entries = Object.entries(metaData);
    if (entries.length > wireLimits.metaDataKeys)
      throw new WireLogError(`meta_data has more than ${wireLimits.metaDataKeys} keys.`);
    for (const [k, v] of entries) {
      if (typeof v !== 'string')
        throw new WireLogError(`meta_data.${k} must be a string, got ${describe(v)}.`);
      if (k.length > 256 || v.length > wireLimits.textLength)
        throw new WireLogError(`meta_data.${k} is too long.`);
      requireStorable(`meta_data.${k}`, k);
      requireStorable(`meta_data.${k}`, v);
    }
    // fromEntries defines own properties, so a key such as "__proto__" stays a plain key.
    const copy = Object.fromEntries(entries) as Record<string, string>;
    log.metaData = copy;
  }
  return log;
}
