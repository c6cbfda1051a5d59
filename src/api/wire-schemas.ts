import { defaultLimit, maxLimit } from '../domain/log-query.js';

/**
 * JSON schemas of what crosses the wire, in the cloud's snake_case (contract §2, §4). Route
 * schemas are built from these: Fastify serializes 200 bodies with them and @fastify/swagger
 * turns them into the OpenAPI description, so the documentation cannot drift from the wire.
 */

const text = { type: 'string' } as const;
const uuidLike = '^[0-9a-z]{8}-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{12}$';
const wireTime = '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}Z$';

const jobRecord = {
  title: 'JobRecords',
  type: 'object',
  description:
    'One step of the action. API records carry request, response and code; MEG records carry message.',
  // Keys in the order of the cloud's example response; request, response and code, which it
  // does not show, where its field table has them.
  properties: {
    message: text,
    job_name: { type: 'string', description: 'Only ADJUST_VM_NUMBERS is documented.' },
    record_type: { type: 'string', enum: ['API', 'MEG'] },
    record_time: { type: 'string', description: 'UTC yyyy-MM-ddThh:mm:ssZ.' },
    request: text,
    response: text,
    code: text,
    job_status: { type: 'string', enum: ['SUCCESS', 'FAIL'] },
  },
} as const;

/**
 * One log as the SDK models define it. `old_value`, `desire_value` and `limit_value` are
 * strings although the seed's table calls `limit_value` an Integer: every SDK model and the
 * documented example use strings, and the Go SDK cannot decode the other type (contract §2).
 * Absent fields are not `required`, so the serializer omits them instead of writing null.
 */
const executeLog = {
  title: 'ScalingPolicyExecuteLogList',
  type: 'object',
  required: [
    'id',
    'status',
    'execute_type',
    'execute_time',
    'tenant_id',
    'scaling_policy_id',
    'scaling_resource_type',
    'scaling_resource_id',
    'job_records',
  ],
  // Keys in the order of the cloud's example response (failed_reason, which it does not show,
  // after status as in its field table; meta_data, which neither shows, last).
  properties: {
    id: { type: 'string', description: 'Log id (UUID).' },
    status: { type: 'string', enum: ['SUCCESS', 'FAIL', 'EXECUTING'] },
    failed_reason: {
      type: 'string',
      description: 'Why the execution failed; absent unless it failed.',
    },
    type: { type: 'string', enum: ['ADD', 'REMOVE', 'REDUCE', 'SET'] },
    tenant_id: { type: 'string', description: 'The project id.' },
    scaling_resource_type: { type: 'string', enum: ['SCALING_GROUP', 'BANDWIDTH'] },
    scaling_resource_id: { type: 'string', description: 'Scaling group id or bandwidth id.' },
    scaling_policy_id: text,
    old_value: {
      type: 'string',
      description: 'Instance count or bandwidth (Mbit/s) before, as a string.',
    },
    desire_value: { type: 'string', description: 'Target after, as a string.' },
    limit_value: {
      type: 'string',
      description: 'Bandwidth bound for ADD (upper) or REDUCE (lower), as a string.',
    },
    execute_time: { type: 'string', description: 'UTC yyyy-MM-ddThh:mm:ssZ.' },
    execute_type: {
      type: 'string',
      enum: ['SCHEDULED', 'SCHEDULE', 'RECURRENCE', 'ALARM', 'MANUAL', 'INTERVAL_ALARM'],
      description:
        'What triggered the execution. A scheduled one is SCHEDULED by default, SCHEDULE with the compatibility setting.',
    },
    job_records: { type: 'array', items: jobRecord, description: 'Always present; may be empty.' },
    meta_data: {
      title: 'EipMetaData',
      type: 'object',
      description:
        'User-defined key/value pairs; bandwidth logs carry the three keys below. metadataeip_address is spelled as every SDK spells it.',
      properties: {
        metadata_bandwidth_share_type: text,
        metadata_eip_id: text,
        metadataeip_address: text,
      },
      additionalProperties: text,
    },
  },
} as const;

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

/** The query parameters of the log query (contract §1); validated by `parseLogQuery`. */
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

/** The AS error envelope, `{"error":{"code","message"}}` (contract §4). */
const asError = {
  type: 'object',
  description: 'AS error.',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: { code: { type: 'string', examples: ['AS.0022'] }, message: text },
    },
  },
} as const;

/** The API gateway envelope, `{"error_code","error_msg","request_id"}` (contract §4). */
const gatewayError = {
  type: 'object',
  description: 'API gateway error.',
  required: ['error_code', 'error_msg', 'request_id'],
  properties: {
    error_code: { type: 'string', examples: ['APIGW.0101'] },
    error_msg: text,
    request_id: text,
  },
} as const;

const healthStatus = {
  type: 'object',
  required: ['status'],
  properties: { status: { type: 'string', enum: ['ok', 'unavailable'] } },
} as const;

/** Every wire schema by name. */
export const wireSchemas = {
  jobRecord,
  executeLog,
  executeLogPage,
  executeLogQuery,
  importReport,
  asError,
  gatewayError,
  healthStatus,
} as const;

/** The AS envelope whose `code` is one of `codes` (the first is the example). */
export function asErrorOf(codes: readonly [string, ...string[]], description: string) {
  return {
    ...asError,
    description,
    properties: {
      error: {
        ...asError.properties.error,
        properties: {
          code: { type: 'string', enum: codes },
          message: text,
        },
      },
    },
  } as const;
}

/** The gateway envelope whose `error_code` is `code`. */
function gatewayErrorOf(code: string, description: string) {
  return {
    ...gatewayError,
    description,
    properties: { ...gatewayError.properties, error_code: { type: 'string', enum: [code] } },
  } as const;
}

/**
 * Each error status as documented: its envelope and the codes it carries. 400 has many codes,
 * named in each operation's description; the others one each (404 per route).
 */
const errorResponse = {
  400: {
    ...asError,
    description:
      "A bad parameter or body (AS): the code names the rule, as the operation's description and the cloud's error codes say; the message says what was wrong.",
  },
  401: gatewayErrorOf(
    'APIGW.0301',
    'Missing, malformed, expired or wrong credentials: APIGW.0301 "Incorrect IAM authentication information: <reason>" (gateway).',
  ),
  403: asErrorOf(['AS.0011'], 'The credential belongs to another project than the path names.'),
  404: asErrorOf(['AS.3020'], 'The policy does not exist.'),
  406: gatewayErrorOf('APIGW.0201', 'The Accept header rules out application/json (gateway).'),
  409: asErrorOf(['AS.0003'], 'The request conflicts with the current state.'),
  413: gatewayErrorOf(
    'APIGW.0201',
    'The body is larger than the limit: jsonBodyLimitBytes, bodyLimitBytes for ingest (gateway).',
  ),
  415: gatewayErrorOf('APIGW.0201', 'The Content-Type is not accepted (gateway).'),
  500: asErrorOf(['AS.0001'], 'Anything unexpected: AS.0001 "System error.", no details.'),
  503: asErrorOf(
    ['AS.0001'],
    'The store cannot be reached, or is busy with another write; see Retry-After.',
  ),
  504: asErrorOf(
    ['AS.0001'],
    "A query ran past its time limit (a write that did is rolled back), or the store did not confirm a write's commit within it: the write may or may not have been applied (an ingest may be resent as it is; read anything else back first).",
  ),
} as const;

type ErrorStatus = keyof typeof errorResponse;

/** Response schemas of the error statuses a route can answer, for its `schema.response`. */
export function errorResponses<const S extends ErrorStatus>(
  statuses: readonly S[],
): { [K in S]: (typeof errorResponse)[K] } {
  return Object.fromEntries(statuses.map((s) => [s, errorResponse[s]])) as {
    [K in S]: (typeof errorResponse)[K];
  };
}
