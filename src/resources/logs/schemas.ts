import { defaultLimit, maxLimit } from '../../domain/log-query.js';
import { logSchemas } from '../../log-format/log-schemas.js';
import { uuidLikePattern } from '../../domain/ids.js';

/** JSON schemas of the log API: the query, its page of logs, and the ingest report. */

const text = { type: 'string' } as const;
const uuidLike = uuidLikePattern.source;
const wireTime = '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}Z$';
const { executeLog } = logSchemas;

const executeLogPage = {
  title: 'ListScalingPolicyExecuteLogsResponse',
  type: 'object',
  description:
    "One page of a policy's execution logs, newest first (ties broken by id, descending).",
  required: ['total_number', 'start_number', 'limit', 'scaling_policy_execute_log'],
  // Keys in the order of the cloud's example response.
  properties: {
    limit: { type: 'integer', description: `The page size used (${defaultLimit} when not given).` },
    scaling_policy_execute_log: { type: 'array', items: executeLog },
    total_number: {
      type: 'integer',
      description: 'Logs matching the filters in all, not just this page.',
    },
    start_number: { type: 'integer', description: 'The offset used (0 when not given).' },
  },
} as const;

/**
 * The query parameters of the log query (contract §1), in the order they are checked: the
 * parameter list of `parseLogQuery`, which gives each its own documented code.
 */
const executeLogQuery = {
  type: 'object',
  properties: {
    log_id: { type: 'string', pattern: uuidLike, description: 'A log id. Bad value: 400 AS.9010.' },
    scaling_resource_type: {
      type: 'string',
      enum: ['SCALING_GROUP', 'BANDWIDTH'],
      description: 'Bad value: 400 AS.0022.',
    },
    scaling_resource_id: {
      type: 'string',
      pattern: uuidLike,
      description: 'A scaling group or bandwidth id. Bad value: 400 AS.9011.',
    },
    execute_type: {
      type: 'string',
      enum: ['SCHEDULED', 'SCHEDULE', 'RECURRENCE', 'ALARM', 'MANUAL', 'INTERVAL_ALARM'],
      description:
        'SCHEDULE (the SDK response spelling) is accepted as SCHEDULED. Bad value: 400 AS.0022.',
    },
    start_time: {
      type: 'string',
      pattern: wireTime,
      // No example value: the docs page would fill it into "Try it out", and a window around
      // one example time hides most logs.
      description:
        'Inclusive lower bound on execute_time, UTC yyyy-MM-ddThh:mm:ssZ such as 2019-03-18T16:00:11Z. Bad value or later than end_time: 400 AS.9007.',
    },
    end_time: {
      type: 'string',
      pattern: wireTime,
      description:
        'Exclusive upper bound on execute_time, UTC yyyy-MM-ddThh:mm:ssZ such as 2019-03-18T17:00:00Z. Bad value: 400 AS.9007.',
    },
    start_number: {
      type: 'integer',
      minimum: 0,
      default: 0,
      description: 'Offset of the first log. Bad value: 400 AS.9008.',
    },
    limit: {
      type: 'integer',
      minimum: 0,
      maximum: maxLimit,
      default: defaultLimit,
      description: `Page size, 0 to ${maxLimit}. Bad value: 400 AS.9009.`,
    },
  },
} as const;

const importReport = {
  title: 'ImportReport',
  type: 'object',
  description: 'What an import did.',
  required: ['lines', 'inserted', 'updated', 'unchanged', 'skipped_count', 'skipped'],
  properties: {
    lines: { type: 'integer', description: 'Non-blank lines read.' },
    inserted: { type: 'integer' },
    updated: {
      type: 'integer',
      description: 'Known logs replaced by a newer record (EXECUTING that became SUCCESS).',
    },
    unchanged: { type: 'integer', description: 'Logs already stored exactly so.' },
    skipped_count: {
      type: 'integer',
      description: 'Bad lines passed over (skip_invalid=true only).',
    },
    skipped: {
      type: 'array',
      description: 'The first bad lines, by number, with what was wrong.',
      items: {
        type: 'object',
        required: ['line', 'message'],
        properties: { line: { type: 'integer' }, message: text },
      },
    },
  },
} as const;

/** The log API's schemas by name. */
export const logApiSchemas = { executeLogPage, executeLogQuery, importReport } as const;
