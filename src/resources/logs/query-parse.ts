import { uuidLikePattern } from '../../domain/ids.js';
import {
  defaultLimit,
  maxStartNumber,
  parseExecuteType,
  parseLimit,
  parseResourceType,
  parseStartNumber,
} from '../../domain/log-query.js';
import type { LogQuery } from '../../domain/log-query.js';
import { parseWireTime } from '../../domain/wire-time.js';
import { apiErrors } from '../../errors/api-error.js';
import type { ApiError } from '../../errors/api-error.js';
import { logApiSchemas } from './schemas.js';

/**
 * The query parameters this API knows, from the query's schema; others are ignored, as
 * gateways do.
 */
type LogQueryParameter = keyof typeof logApiSchemas.executeLogQuery.properties;
const logQueryParameters = Object.keys(
  logApiSchemas.executeLogQuery.properties,
) as readonly LogQueryParameter[];

const isKnownParameter = (key: string): key is LogQueryParameter =>
  (logQueryParameters as readonly string[]).includes(key);

type Parsed = { [K in LogQueryParameter]?: string };

/**
 * Validates the query parameters of one request, already percent-decoded, in the order
 * received. Throws the parameter's documented {@link ApiError} on the first bad value.
 * A known parameter given twice is rejected with that parameter's code (our decision).
 */
export function parseLogQuery(
  projectId: string,
  policyId: string,
  entries: Iterable<readonly [string, string]>,
): LogQuery {
  const raw: Parsed = {};
  const repeated = new Set<LogQueryParameter>();
  for (const [key, value] of entries) {
    if (!isKnownParameter(key)) continue;
    if (raw[key] !== undefined) repeated.add(key);
    raw[key] = value;
  }

  const query: {
    -readonly [K in keyof LogQuery]: LogQuery[K];
  } = { projectId, policyId, startNumber: 0, limit: defaultLimit };

  const check = <T>(
    param: LogQueryParameter,
    parse: (v: string) => T | undefined,
    fail: (v: string) => ApiError,
  ): T | undefined => {
    const value = raw[param];
    if (value === undefined) return undefined;
    if (repeated.has(param)) throw apiErrors.repeatedParameter(param, fail(value));
    const parsed = parse(value);
    if (parsed === undefined) throw fail(value);
    return parsed;
  };
  const matching = (pattern: RegExp) => (v: string) => (pattern.test(v) ? v : undefined);

  const logId = check('log_id', matching(uuidLikePattern), apiErrors.invalidLogId);
  if (logId !== undefined) query.logId = logId;
  const resourceType = check(
    'scaling_resource_type',
    parseResourceType,
    apiErrors.invalidResourceType,
  );
  if (resourceType !== undefined) query.resourceType = resourceType;
  const resourceId = check(
    'scaling_resource_id',
    matching(uuidLikePattern),
    apiErrors.invalidResourceId,
  );
  if (resourceId !== undefined) query.resourceId = resourceId;
  const executeType = check('execute_type', parseExecuteType, apiErrors.invalidExecuteType);
  if (executeType !== undefined) query.executeType = executeType;
  const startTime = check('start_time', parseWireTime, (v) =>
    apiErrors.invalidTime('start_time', v),
  );
  if (startTime !== undefined) query.startTime = startTime;
  const endTime = check('end_time', parseWireTime, (v) => apiErrors.invalidTime('end_time', v));
  if (endTime !== undefined) query.endTime = endTime;
  if (startTime !== undefined && endTime !== undefined && startTime > endTime) {
    throw apiErrors.timeRangeReversed(raw.start_time ?? '', raw.end_time ?? '');
  }
  const startNumber = check('start_number', parseStartNumber, (v) =>
    apiErrors.invalidStartNumber(v, maxStartNumber),
  );
  if (startNumber !== undefined) query.startNumber = startNumber;
  const limit = check('limit', parseLimit, apiErrors.invalidLimit);
  if (limit !== undefined) query.limit = limit;
  return query;
}
