/**
 * Execution logs in the wire shape (one NDJSON line each), covering what the import
 * format allows: every status, trigger and resource type, optional fields present and
 * absent, integer values, SCHEDULE spelled the SDK way, meta_data, and text that JSON must
 * escape.
 */
export type WireLogFixture = Record<string, unknown>;

export const projectA = '0513757bb3b0d5eb2f08cb93ef4f0f00';
export const projectB = 'project-b';
export const policyA = '05545d3d-ccf9-4bca-ae4f-1e5e73ca0bf6';
export const policyB = 'policy_b';
const groupId = '1f2d3e73-7ef6-40b3-a8fa-514b68eccaa7';
const bandwidthId = '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d';

/** A lower-case UUID-like id unique to `n`. */
export const logId = (n: number): string =>
  `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;

export function sampleLogs(): WireLogFixture[] {
  return [
    // The documented example (contract §2).
    {
      id: logId(1),
      status: 'SUCCESS',
      execute_type: 'RECURRENCE',
      execute_time: '2024-01-01T00:00:00Z',
      tenant_id: projectA,
      scaling_policy_id: policyA,
      scaling_resource_type: 'SCALING_GROUP',
      scaling_resource_id: groupId,
      old_value: '1',
      desire_value: '0',
      limit_value: '0',
      type: 'REMOVE',
      job_records: [
        {
          job_name: 'ADJUST_VM_NUMBERS',
          record_type: 'MEG',
          record_time: '2024-01-01T00:00:01Z',
          message: 'modify desire number of scaling group',
          job_status: 'SUCCESS',
        },
      ],
    },
    {
      id: logId(2),
      status: 'FAIL',
      failed_reason: 'bandwidth "shared" is \\ locked\nretry later — 失败',
      execute_type: 'ALARM',
      execute_time: '2024-01-02T03:04:05Z',
      tenant_id: projectA,
      scaling_policy_id: policyA,
      scaling_resource_type: 'BANDWIDTH',
      scaling_resource_id: bandwidthId,
      old_value: 10,
      desire_value: '20',
      limit_value: 100,
      type: 'REDUCE',
      job_records: [
        {
          job_name: 'ADJUST_VM_NUMBERS',
          record_type: 'API',
          record_time: '2024-01-02T03:04:06Z',
          request: '{"size":20}',
          response: '{"error":"locked"}',
          code: '409',
          job_status: 'FAIL',
        },
      ],
      meta_data: {
        metadata_bandwidth_share_type: 'PER',
        metadata_eip_id: 'e1',
        metadataeip_address: '192.0.2.1',
      },
    },
    {
      id: logId(3),
      status: 'EXECUTING',
      execute_type: 'SCHEDULE',
      execute_time: '2024-01-03T00:00:00Z',
      tenant_id: projectA,
      scaling_policy_id: policyA,
      scaling_resource_type: 'SCALING_GROUP',
      scaling_resource_id: groupId,
      job_records: [],
    },
    {
      id: logId(4),
      status: 'SUCCESS',
      execute_type: 'MANUAL',
      execute_time: '2024-01-03T00:00:00Z',
      tenant_id: projectA,
      scaling_policy_id: policyB,
      scaling_resource_type: 'SCALING_GROUP',
      scaling_resource_id: groupId,
      old_value: '3',
      desire_value: '5',
      type: 'SET',
      job_records: [],
    },
    {
      id: logId(5),
      status: 'SUCCESS',
      execute_type: 'INTERVAL_ALARM',
      execute_time: '1999-12-31T23:59:59Z',
      tenant_id: projectB,
      scaling_policy_id: policyA,
      scaling_resource_type: 'BANDWIDTH',
      scaling_resource_id: bandwidthId,
      type: 'ADD',
      job_records: [{}],
      meta_data: { note: 'any key', ['__proto__']: 'stays a plain key' },
    },
  ];
}

/** NDJSON text of `logs`, one per line. */
export const ndjson = (logs: readonly WireLogFixture[]): string =>
  logs.map((log) => `${JSON.stringify(log)}\n`).join('');

/** `count` distinct small logs for one policy, for volume. */
export function manyLogs(count: number): WireLogFixture[] {
  return Array.from({ length: count }, (_, i) => ({
    id: logId(10_000 + i),
    status: 'SUCCESS',
    execute_type: 'ALARM',
    execute_time: new Date(Date.UTC(2024, 0, 1) + i * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    tenant_id: projectA,
    scaling_policy_id: policyA,
    scaling_resource_type: 'SCALING_GROUP',
    scaling_resource_id: groupId,
    old_value: String(i % 7),
    desire_value: String((i + 1) % 7),
    type: 'ADD',
    job_records: [],
  }));
}
