/**
 * The wire shape of one execution log as JSON schemas, in the cloud's snake_case
 * (contract §2): the log API's answers, the ingest body and the NDJSON import/export format
 * share it. Route schemas are built from these: Fastify serializes 200 bodies with them and
 * @fastify/swagger turns them into the OpenAPI description, so the documentation cannot
 * drift from the wire.
 */

const text = { type: 'string' } as const;

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

/** The log format's schemas by name. */
export const logSchemas = { jobRecord, executeLog } as const;
