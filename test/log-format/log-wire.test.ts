import { describe, expect, it } from 'vitest';
import { logFromWire, logToWire, WireLogError, wireLimits } from '../../src/log-format/log-wire.js';
import type { WireLog } from '../../src/log-format/log-wire.js';
import type { ExecutionLog } from '../../src/domain/execution-log.js';

/**
 * The log of the documented example response, copied from the seed page
 * (shared/spec/000_1a036437e9755f69.txt, "Example response"), key order and all.
 */
const documentedLog = {
  id: 'b86e4175-30cb-4b1e-a332-83f9ee472c58',
  status: 'SUCCESS',
  type: 'REMOVE',
  tenant_id: '0428982a1b8039f42f01c005edde7c0d',
  scaling_resource_type: 'SCALING_GROUP',
  scaling_resource_id: '1f2d3e73-7ef6-40b3-a8fa-514b68eccaa7',
  scaling_policy_id: '05545d3d-ccf9-4bca-ae4f-1e5e73ca0bf6',
  old_value: '1',
  desire_value: '0',
  limit_value: '0',
  execute_time: '2019-03-18T16:00:00Z',
  execute_type: 'RECURRENCE',
  job_records: [
    {
      message: 'modify desire number of scaling group',
      job_name: 'ADJUST_VM_NUMBERS',
      record_type: 'MEG',
      record_time: '2019-03-18T16:00:00Z',
      job_status: 'SUCCESS',
    },
  ],
} as const;

/** A copy of `obj` without `keys`. */
const without = (obj: Record<string, unknown>, ...keys: string[]): Record<string, unknown> =>
  Object.fromEntries(Object.entries(obj).filter(([k]) => !keys.includes(k)));

/** A fresh mutable copy of the documented log, to change one thing in. */
const example = (): Record<string, unknown> =>
  JSON.parse(JSON.stringify(documentedLog)) as Record<string, unknown>;

const scheduled = { scheduledAs: 'SCHEDULED' } as const;

/** The WireLogError `logFromWire` throws; fails the test when it accepts the value. */
function rejection(value: unknown): WireLogError {
  try {
    logFromWire(value);
  } catch (e: unknown) {
    if (e instanceof WireLogError) return e;
    throw new Error(`expected a WireLogError, got ${String(e)}`, { cause: e });
  }
  throw new Error(`expected ${JSON.stringify(value)} to be rejected`);
}

/** The JSON types of every key, recursively: what an SDK's decoder sees. */
function jsonTypes(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(jsonTypes);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, jsonTypes(v)]));
  }
  return value === null ? 'null' : typeof value;
}

describe('the documented example log', () => {
  it('maps to the program shape with every field', () => {
    expect(logFromWire(example())).toEqual({
      id: 'b86e4175-30cb-4b1e-a332-83f9ee472c58',
      projectId: '0428982a1b8039f42f01c005edde7c0d',
      policyId: '05545d3d-ccf9-4bca-ae4f-1e5e73ca0bf6',
      status: 'SUCCESS',
      executeType: 'RECURRENCE',
      executeTime: 1_552_924_800,
      resourceType: 'SCALING_GROUP',
      resourceId: '1f2d3e73-7ef6-40b3-a8fa-514b68eccaa7',
      oldValue: '1',
      desireValue: '0',
      limitValue: '0',
      type: 'REMOVE',
      jobRecords: [
        {
          jobName: 'ADJUST_VM_NUMBERS',
          recordType: 'MEG',
          recordTime: '2019-03-18T16:00:00Z',
          message: 'modify desire number of scaling group',
          jobStatus: 'SUCCESS',
        },
      ],
    } satisfies ExecutionLog);
  });

  it('round-trips to the identical object: same keys, same values, same JSON types', () => {
    const wire = logToWire(logFromWire(example()), scheduled);
    expect(wire).toStrictEqual(documentedLog);
    expect(jsonTypes(JSON.parse(JSON.stringify(wire)))).toEqual(jsonTypes(documentedLog));
    // Nothing is added: no nulls, no failed_reason, no meta_data.
    expect(Object.keys(wire).sort()).toEqual(Object.keys(documentedLog).sort());
    expect(JSON.stringify(wire)).not.toContain('null');
  });
});

describe('logToWire', () => {
  const bare: ExecutionLog = {
    id: 'a86e4175-30cb-4b1e-a332-83f9ee472c58',
    projectId: 'proj-1',
    policyId: 'policy-1',
    status: 'EXECUTING',
    executeType: 'SCHEDULED',
    executeTime: 0,
    resourceType: 'BANDWIDTH',
    resourceId: '1f2d3e73-7ef6-40b3-a8fa-514b68eccaa7',
    jobRecords: [],
  };

  it('omits every absent optional field, never writing null, and always writes job_records', () => {
    const wire = logToWire(bare, scheduled);
    expect(wire).toStrictEqual({
      id: bare.id,
      status: 'EXECUTING',
      execute_type: 'SCHEDULED',
      execute_time: '1970-01-01T00:00:00Z',
      tenant_id: 'proj-1',
      scaling_policy_id: 'policy-1',
      scaling_resource_type: 'BANDWIDTH',
      scaling_resource_id: bare.resourceId,
      job_records: [],
    });
    for (const key of [
      'failed_reason',
      'old_value',
      'desire_value',
      'limit_value',
      'type',
      'meta_data',
    ])
      expect(wire).not.toHaveProperty(key);
  });

  it('spells SCHEDULED as the scheduledAs option says, and only SCHEDULED', () => {
    expect(logToWire(bare, { scheduledAs: 'SCHEDULED' }).execute_type).toBe('SCHEDULED');
    expect(logToWire(bare, { scheduledAs: 'SCHEDULE' }).execute_type).toBe('SCHEDULE');
    for (const executeType of ['RECURRENCE', 'ALARM', 'MANUAL', 'INTERVAL_ALARM'] as const) {
      expect(logToWire({ ...bare, executeType }, { scheduledAs: 'SCHEDULE' }).execute_type).toBe(
        executeType,
      );
    }
  });

  it('omits absent job record fields', () => {
    const wire = logToWire({ ...bare, jobRecords: [{}, { code: '200' }] }, scheduled);
    expect(wire.job_records).toStrictEqual([{}, { code: '200' }]);
  });

  it('copies meta_data rather than sharing it', () => {
    const metaData = { metadata_eip_id: 'e1' };
    const wire = logToWire({ ...bare, metaData }, scheduled);
    expect(wire.meta_data).toEqual(metaData);
    expect(wire.meta_data).not.toBe(metaData);
  });
});

describe('logFromWire: what it accepts', () => {
  it('keeps absent optional fields absent, not undefined-valued and not null', () => {
    const wire = without(example(), 'old_value', 'desire_value', 'limit_value', 'type');
    const log = logFromWire(wire);
    expect(Object.keys(log).sort()).toEqual(
      [
        'executeTime',
        'executeType',
        'id',
        'jobRecords',
        'policyId',
        'projectId',
        'resourceId',
        'resourceType',
        'status',
      ].sort(),
    );
    const back = logToWire(log, scheduled);
    for (const key of [
      'old_value',
      'desire_value',
      'limit_value',
      'type',
      'failed_reason',
      'meta_data',
    ])
      expect(back).not.toHaveProperty(key);
  });

  it('reads a missing job_records as an empty array, written back as []', () => {
    const wire = example();
    delete wire.job_records;
    const log = logFromWire(wire);
    expect(log.jobRecords).toEqual([]);
    expect(logToWire(log, scheduled).job_records).toEqual([]);
  });

  it('reads an empty job record as an empty record', () => {
    expect(logFromWire({ ...example(), job_records: [{}] }).jobRecords).toEqual([{}]);
  });

  it('accepts SCHEDULE on input and stores SCHEDULED; writes either spelling', () => {
    for (const spelling of ['SCHEDULE', 'SCHEDULED']) {
      const log = logFromWire({ ...example(), execute_type: spelling });
      expect(log.executeType).toBe('SCHEDULED');
      expect(logToWire(log, { scheduledAs: 'SCHEDULE' }).execute_type).toBe('SCHEDULE');
      expect(logToWire(log, { scheduledAs: 'SCHEDULED' }).execute_type).toBe('SCHEDULED');
    }
  });

  it.each(['RECURRENCE', 'ALARM', 'MANUAL', 'INTERVAL_ALARM'])('accepts execute_type %s', (t) => {
    expect(logFromWire({ ...example(), execute_type: t }).executeType).toBe(t);
  });

  it.each(['SUCCESS', 'FAIL', 'EXECUTING'])('accepts status %s', (status) => {
    expect(logFromWire({ ...example(), status }).status).toBe(status);
  });

  it.each(['ADD', 'REMOVE', 'REDUCE', 'SET'])('accepts type %s', (type) => {
    expect(logFromWire({ ...example(), type }).type).toBe(type);
  });

  it.each(['old_value', 'desire_value', 'limit_value'])(
    'accepts an integer %s (the seed types limit_value as Integer) and keeps it as a string',
    (key) => {
      for (const [n, text] of [
        [0, '0'],
        [7, '7'],
        [-3, '-3'],
        [Number.MAX_SAFE_INTEGER, '9007199254740991'],
      ] as const) {
        const log = logFromWire({ ...example(), [key]: n });
        const wire = logToWire(log, scheduled) as unknown as Record<string, unknown>;
        expect(wire[key]).toBe(text);
      }
    },
  );

  it('keeps string values exactly, even ones that are not numbers', () => {
    const log = logFromWire({
      ...example(),
      old_value: '007',
      desire_value: '',
      limit_value: '1.5',
    });
    expect([log.oldValue, log.desireValue, log.limitValue]).toEqual(['007', '', '1.5']);
  });

  it('accepts a failed log with its reason and bandwidth meta_data, and round-trips it', () => {
    const wire: WireLog = {
      ...(example() as unknown as WireLog),
      status: 'FAIL',
      failed_reason: 'The bandwidth is not in service.',
      scaling_resource_type: 'BANDWIDTH',
      type: 'REDUCE',
      meta_data: {
        metadata_bandwidth_share_type: 'PER',
        metadata_eip_id: '8c1fd4f3-5e0c-4b1d-9a4e-2f3a2f3f6a11',
        metadataeip_address: '192.0.2.10',
      },
      job_records: [
        {
          job_name: 'ADJUST_BANDWIDTH',
          record_type: 'API',
          record_time: '2019-03-18T16:00:01Z',
          request: '{"bandwidth":{"size":5}}',
          response: '{"error":"x"}',
          code: '400',
          job_status: 'FAIL',
        },
      ],
    };
    expect(logToWire(logFromWire(wire), scheduled)).toStrictEqual(wire);
  });

  it('keeps a meta_data key "__proto__" as a plain own key, and round-trips it', () => {
    const parsed = JSON.parse(
      '{"meta_data":{"__proto__":"x","constructor":"y","metadata_eip_id":"e1"}}',
    ) as { meta_data: Record<string, string> };
    const log = logFromWire({ ...example(), meta_data: parsed.meta_data });
    const meta = log.metaData ?? {};
    expect(Object.getPrototypeOf(meta)).toBe(Object.prototype);
    expect(Object.keys(meta)).toEqual(['__proto__', 'constructor', 'metadata_eip_id']);
    expect(Object.getOwnPropertyDescriptor(meta, '__proto__')?.value).toBe('x');
    // Nothing leaked onto the prototype chain.
    expect(({} as Record<string, unknown>).x).toBeUndefined();
    const back = logToWire(log, scheduled);
    expect(Object.getPrototypeOf(back.meta_data)).toBe(Object.prototype);
    expect(JSON.stringify(back.meta_data)).toBe(
      '{"__proto__":"x","constructor":"y","metadata_eip_id":"e1"}',
    );
  });

  it('accepts ids up to the length limit and text up to its limit', () => {
    const policyId = 'p'.repeat(wireLimits.idLength);
    const reason = 'r'.repeat(wireLimits.textLength);
    const log = logFromWire({ ...example(), scaling_policy_id: policyId, failed_reason: reason });
    expect(log.policyId).toBe(policyId);
    expect(log.failedReason).toBe(reason);
  });
});

describe('logFromWire: what it rejects, naming the field', () => {
  it.each([null, [], 'a log', 42, true])('rejects %j as a log', (value) => {
    expect(rejection(value).message).toMatch(/JSON object/);
  });

  it.each([
    'id',
    'status',
    'execute_type',
    'execute_time',
    'tenant_id',
    'scaling_policy_id',
    'scaling_resource_type',
    'scaling_resource_id',
  ])('rejects a log without %s, naming it', (key) => {
    const error = rejection(without(example(), key));
    expect(error.message).toContain(key);
    expect(error.message).toMatch(/missing/);
  });

  it.each([
    'id',
    'status',
    'execute_type',
    'execute_time',
    'tenant_id',
    'scaling_policy_id',
    'scaling_resource_type',
    'scaling_resource_id',
  ])('rejects an empty, null or numeric %s, naming it', (key) => {
    for (const bad of ['', null, 12, false]) {
      expect(rejection({ ...example(), [key]: bad }).message).toContain(key);
    }
  });

  it('rejects an unknown top-level field, naming it', () => {
    const error = rejection({ ...example(), extra_field: 1 });
    expect(error.message).toContain('"extra_field"');
  });

  it('rejects camelCase spellings of known fields', () => {
    expect(rejection({ ...example(), tenantId: 'x' }).message).toContain('"tenantId"');
  });

  it('rejects a top-level "__proto__" key as unknown rather than using it as a prototype', () => {
    const wire = JSON.parse(
      JSON.stringify(documentedLog).replace(/^\{/, '{"__proto__":{"status":"FAIL"},'),
    ) as unknown;
    expect(rejection(wire).message).toContain('"__proto__"');
  });

  it('rejects an unknown job record field, naming it and the record', () => {
    const error = rejection({
      ...example(),
      job_records: [{}, { job_name: 'x', jobStatus: 'SUCCESS' }],
    });
    expect(error.message).toContain('job_records[1]');
    expect(error.message).toContain('"jobStatus"');
  });

  it.each([
    ['status', 'DONE'],
    ['status', 'success'],
    ['execute_type', 'CRON'],
    ['execute_type', 'scheduled'],
    ['scaling_resource_type', 'EIP'],
    ['type', 'INCREASE'],
    ['type', 'add'],
  ])('rejects %s %j, naming the field', (key, value) => {
    const error = rejection({ ...example(), [key]: value });
    expect(error.message).toContain(key);
    expect(error.message).toContain(value);
  });

  it.each([
    ['record_type', 'SMS'],
    ['job_status', 'EXECUTING'],
  ])('rejects job record %s %j, naming it', (key, value) => {
    const error = rejection({ ...example(), job_records: [{ [key]: value }] });
    expect(error.message).toContain(`job_records[0].${key}`);
  });

  it.each([
    ['a float', 1.5],
    ['true', true],
    ['false', false],
    ['null', null],
    ['an object', { n: 1 }],
    ['an array', ['1']],
    ['an unsafe integer', 2 ** 53],
  ])('rejects %s as old_value, desire_value or limit_value', (_why, value) => {
    for (const key of ['old_value', 'desire_value', 'limit_value']) {
      expect(rejection({ ...example(), [key]: value }).message).toContain(key);
    }
  });

  it('rejects null in optional text fields instead of reading it as absent', () => {
    for (const key of ['failed_reason', 'type', 'meta_data']) {
      expect(rejection({ ...example(), [key]: null }).message).toContain(key);
    }
  });

  it('rejects job records that are not objects, and job_records that is not an array', () => {
    expect(rejection({ ...example(), job_records: ['x'] }).message).toContain('job_records[0]');
    expect(rejection({ ...example(), job_records: [null] }).message).toContain('job_records[0]');
    expect(rejection({ ...example(), job_records: {} }).message).toContain('job_records');
    expect(rejection({ ...example(), job_records: 'x' }).message).toContain('job_records');
  });

  it('rejects non-string job record fields, naming them', () => {
    expect(rejection({ ...example(), job_records: [{ code: 200 }] }).message).toContain(
      'job_records[0].code',
    );
  });

  it('rejects meta_data that is not an object of strings', () => {
    expect(rejection({ ...example(), meta_data: [] }).message).toContain('meta_data');
    expect(rejection({ ...example(), meta_data: 'x' }).message).toContain('meta_data');
    expect(rejection({ ...example(), meta_data: { metadata_eip_id: 5 } }).message).toContain(
      'meta_data.metadata_eip_id',
    );
  });

  it('rejects too many meta_data keys and too many job records', () => {
    const meta = Object.fromEntries(
      Array.from({ length: wireLimits.metaDataKeys + 1 }, (_, i) => [`k${i}`, 'v']),
    );
    expect(rejection({ ...example(), meta_data: meta }).message).toContain('meta_data');
    const records = Array.from({ length: wireLimits.jobRecords + 1 }, () => ({}));
    expect(rejection({ ...example(), job_records: records }).message).toContain('job_records');
  });

  it.each([
    ['upper case', 'B86E4175-30CB-4B1E-A332-83F9EE472C58'],
    ['no hyphens', 'b86e417530cb4b1ea33283f9ee472c58'],
    ['too short', 'b86e4175-30cb-4b1e-a332'],
    ['over-long', `b86e4175-30cb-4b1e-a332-83f9ee472c58${'0'.repeat(64)}`],
  ])('rejects an id in %s', (_why, id) => {
    expect(rejection({ ...example(), id }).message).toContain('id');
  });

  it('rejects an upper-case scaling_resource_id', () => {
    expect(
      rejection({ ...example(), scaling_resource_id: '1F2D3E73-7EF6-40B3-A8FA-514B68ECCAA7' })
        .message,
    ).toContain('scaling_resource_id');
  });

  it.each([
    ['tenant_id', 'proj a'],
    ['tenant_id', 'proj/a'],
    ['tenant_id', 'x'.repeat(wireLimits.idLength + 1)],
    ['scaling_policy_id', 'policy.1'],
    ['scaling_policy_id', 'p'.repeat(wireLimits.idLength + 1)],
  ])('rejects %s %j', (key, value) => {
    expect(rejection({ ...example(), [key]: value }).message).toContain(key);
  });

  it.each([
    '2019-03-18T16:00:00.000Z',
    '2019-03-18T16:00:00+08:00',
    '2019-02-30T00:00:00Z',
    '2019-03-18 16:00:00',
  ])('rejects execute_time %j', (time) => {
    expect(rejection({ ...example(), execute_time: time }).message).toContain('execute_time');
  });

  // PostgreSQL text cannot hold U+0000 and UTF-8 cannot encode a lone surrogate: such text
  // fails the insert on one backend and is silently altered on the other, so the import
  // path must refuse it with the field named instead (both are valid JSON escapes).
  it.each([
    ['a NUL character', 'no\u0000quota'],
    ['a lone high surrogate', 'x\ud800y'],
    ['a lone low surrogate', 'x\udc00y'],
  ])('rejects %s in text fields, naming the field', (_why, bad) => {
    for (const key of ['failed_reason', 'old_value', 'desire_value', 'limit_value']) {
      const error = rejection({ ...example(), [key]: bad });
      expect(error.message).toContain(key);
    }
    expect(rejection({ ...example(), job_records: [{ message: bad }] }).message).toContain(
      'job_records[0].message',
    );
    expect(rejection({ ...example(), meta_data: { k: bad } }).message).toContain('meta_data.k');
  });

  it('accepts characters outside the BMP (surrogate pairs) and other control characters', () => {
    const text = '😀 \t \u0001 \u2028 "q" \\';
    const log = logFromWire({ ...example(), failed_reason: text, meta_data: { k: text } });
    expect(log.failedReason).toBe(text);
    expect(log.metaData).toEqual({ k: text });
  });

  it('rejects text over the length limit, naming the field', () => {
    const long = 'x'.repeat(wireLimits.textLength + 1);
    expect(rejection({ ...example(), failed_reason: long }).message).toContain('failed_reason');
    expect(rejection({ ...example(), old_value: long }).message).toContain('old_value');
    expect(rejection({ ...example(), job_records: [{ request: long }] }).message).toContain(
      'job_records[0].request',
    );
    expect(rejection({ ...example(), meta_data: { k: long } }).message).toContain('meta_data.k');
    expect(rejection({ ...example(), meta_data: { ['k'.repeat(257)]: 'v' } }).message).toContain(
      'meta_data',
    );
  });
});
