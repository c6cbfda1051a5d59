import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../src/errors/api-error.js';
import { defaultLimit, maxLimit } from '../../../src/domain/log-query.js';
import { parseLogQuery } from '../../../src/resources/logs/query-parse.js';
import type { LogQuery } from '../../../src/domain/log-query.js';

// Contract §1: eight query parameters, their rules and their 400 codes.

const project = '0428982a1b8039f42f01c005edde7c0d';
const policy = '05545d3d-ccf9-4bca-ae4f-1e5e73ca0bf6';
const logId = 'b86e4175-30cb-4b1e-a332-83f9ee472c58';
const groupId = '1f2d3e73-7ef6-40b3-a8fa-514b68eccaa7';

const parse = (entries: [string, string][]): LogQuery => parseLogQuery(project, policy, entries);

/** The ApiError `parse` throws; fails the test when it throws nothing or something else. */
function errorOf(entries: [string, string][]): ApiError {
  try {
    parse(entries);
  } catch (e: unknown) {
    if (e instanceof ApiError) return e;
    throw new Error(`expected an ApiError, got ${String(e)}`, { cause: e });
  }
  throw new Error(`expected ${JSON.stringify(entries)} to be rejected`);
}

function expectRejected(entries: [string, string][], code: string, param: string): ApiError {
  const error = errorOf(entries);
  expect({ status: error.status, code: error.code, envelope: error.envelope }).toEqual({
    status: 400,
    code,
    envelope: 'as',
  });
  expect(error.message).toContain(param);
  return error;
}

describe('parseLogQuery: defaults', () => {
  it('with no parameters gives the policy, start_number 0 and limit 20, and no filters', () => {
    const query = parse([]);
    expect(query).toEqual({ projectId: project, policyId: policy, startNumber: 0, limit: 20 });
    expect(defaultLimit).toBe(20);
    expect(maxLimit).toBe(100);
    // Absent filters are absent, not undefined-valued keys.
    expect(Object.keys(query).sort()).toEqual(['limit', 'policyId', 'projectId', 'startNumber']);
  });

  it('ignores unknown parameters, whatever their value', () => {
    expect(
      parse([
        ['foo', 'bar'],
        ['LIMIT', '500'],
        ['Log_Id', 'not-an-id'],
        ['__proto__', 'x'],
        ['constructor', '1'],
        ['page', '-1'],
        ['foo', 'again'],
      ]),
    ).toEqual({ projectId: project, policyId: policy, startNumber: 0, limit: 20 });
  });

  it('reads all eight parameters together', () => {
    expect(
      parse([
        ['log_id', logId],
        ['scaling_resource_type', 'BANDWIDTH'],
        ['scaling_resource_id', groupId],
        ['execute_type', 'ALARM'],
        ['start_time', '2024-01-01T00:00:00Z'],
        ['end_time', '2024-01-02T00:00:00Z'],
        ['start_number', '40'],
        ['limit', '10'],
      ]),
    ).toEqual({
      projectId: project,
      policyId: policy,
      logId,
      resourceType: 'BANDWIDTH',
      resourceId: groupId,
      executeType: 'ALARM',
      startTime: 1_704_067_200,
      endTime: 1_704_153_600,
      startNumber: 40,
      limit: 10,
    });
  });
});

describe('parseLogQuery: log_id (400 AS.9010)', () => {
  it.each([logId, '00000000-0000-0000-0000-000000000000', 'zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz'])(
    'accepts %s',
    (value) => {
      expect(parse([['log_id', value]]).logId).toBe(value);
    },
  );

  it.each([
    ['upper case', 'B86E4175-30CB-4B1E-A332-83F9EE472C58'],
    ['no hyphens', 'b86e417530cb4b1ea33283f9ee472c58'],
    ['braces', '{b86e4175-30cb-4b1e-a332-83f9ee472c58}'],
    ['one character short', 'b86e4175-30cb-4b1e-a332-83f9ee472c5'],
    ['one character long', 'b86e4175-30cb-4b1e-a332-83f9ee472c588'],
    ['white space', ' b86e4175-30cb-4b1e-a332-83f9ee472c58'],
    ['a trailing newline', 'b86e4175-30cb-4b1e-a332-83f9ee472c58\n'],
    ['an underscore', 'b86e4175_30cb-4b1e-a332-83f9ee472c58'],
    ['empty', ''],
  ])('rejects %s', (_why, value) => {
    expectRejected([['log_id', value]], 'AS.9010', 'log_id');
  });
});

describe('parseLogQuery: scaling_resource_type (400 AS.0022)', () => {
  it.each(['SCALING_GROUP', 'BANDWIDTH'] as const)('accepts %s', (value) => {
    expect(parse([['scaling_resource_type', value]]).resourceType).toBe(value);
  });

  it.each(['scaling_group', 'GROUP', 'BANDWIDTH ', 'EIP', ''])('rejects %j', (value) => {
    const error = expectRejected(
      [['scaling_resource_type', value]],
      'AS.0022',
      'scaling_resource_type',
    );
    // What is accepted is said.
    expect(error.message).toContain('SCALING_GROUP');
    expect(error.message).toContain('BANDWIDTH');
  });
});

describe('parseLogQuery: scaling_resource_id (400 AS.9011)', () => {
  it('accepts a lower-case UUID', () => {
    expect(parse([['scaling_resource_id', groupId]]).resourceId).toBe(groupId);
  });

  it.each(['1F2D3E73-7EF6-40B3-A8FA-514B68ECCAA7', '1f2d3e73', 'group-1', ''])(
    'rejects %j',
    (value) => {
      expectRejected([['scaling_resource_id', value]], 'AS.9011', 'scaling_resource_id');
    },
  );
});

describe('parseLogQuery: execute_type (400 AS.0022)', () => {
  it.each([
    ['SCHEDULED', 'SCHEDULED'],
    ['SCHEDULE', 'SCHEDULED'],
    ['RECURRENCE', 'RECURRENCE'],
    ['ALARM', 'ALARM'],
    ['MANUAL', 'MANUAL'],
    ['INTERVAL_ALARM', 'INTERVAL_ALARM'],
  ])('accepts %s as %s', (value, expected) => {
    expect(parse([['execute_type', value]]).executeType).toBe(expected);
  });

  it.each(['scheduled', 'Schedule', 'SCHEDULES', 'CRON', 'ALARM,MANUAL', ''])(
    'rejects %j',
    (value) => {
      const error = expectRejected([['execute_type', value]], 'AS.0022', 'execute_type');
      expect(error.message).toContain('RECURRENCE');
    },
  );
});

describe('parseLogQuery: start_time and end_time (400 AS.9007)', () => {
  it('reads both as Unix seconds', () => {
    const query = parse([
      ['start_time', '2019-03-18T16:00:11Z'],
      ['end_time', '2019-03-18T16:00:12Z'],
    ]);
    expect(query.startTime).toBe(1_552_924_811);
    expect(query.endTime).toBe(1_552_924_812);
  });

  it('accepts either one alone', () => {
    expect(parse([['start_time', '2019-03-18T16:00:11Z']])).not.toHaveProperty('endTime');
    expect(parse([['end_time', '2019-03-18T16:00:11Z']])).not.toHaveProperty('startTime');
  });

  it('accepts start_time equal to end_time (an empty window, not an error)', () => {
    const query = parse([
      ['start_time', '2024-01-01T00:00:00Z'],
      ['end_time', '2024-01-01T00:00:00Z'],
    ]);
    expect(query.startTime).toBe(query.endTime);
  });

  it('rejects start_time later than end_time, saying so', () => {
    const error = expectRejected(
      [
        ['start_time', '2024-01-01T00:00:01Z'],
        ['end_time', '2024-01-01T00:00:00Z'],
      ],
      'AS.9007',
      'start_time',
    );
    expect(error.message).toContain('end_time');
    expect(error.message).toContain('2024-01-01T00:00:01Z');
  });

  it('checks the order whatever order the parameters came in', () => {
    expectRejected(
      [
        ['end_time', '2023-01-01T00:00:00Z'],
        ['start_time', '2024-01-01T00:00:00Z'],
      ],
      'AS.9007',
      'start_time',
    );
  });

  it.each(['start_time', 'end_time'])('%s: rejects every shape but the wire one', (param) => {
    for (const value of [
      '2019-03-18T16:00:11.000Z',
      '2019-03-18T16:00:11+08:00',
      '2019-03-18t16:00:11Z',
      '2019-03-18T16:00:11',
      '2019-02-30T00:00:00Z',
      '2021-02-29T00:00:00Z',
      '2019-03-18T24:00:00Z',
      '1552924811',
      '',
    ]) {
      const error = expectRejected([[param, value]], 'AS.9007', param);
      expect(error.message).toContain('yyyy-MM-ddThh:mm:ssZ');
    }
  });

  it('names end_time, not start_time, when only end_time is bad', () => {
    const error = errorOf([
      ['start_time', '2019-03-18T16:00:11Z'],
      ['end_time', 'tomorrow'],
    ]);
    expect(error.code).toBe('AS.9007');
    expect(error.message).toContain('end_time');
    expect(error.message).not.toContain('start_time');
  });
});

describe('parseLogQuery: start_number (400 AS.9008)', () => {
  it.each([
    ['0', 0],
    ['1', 1],
    ['20', 20],
    ['1000000', 1_000_000],
    ['999999999999999', 999_999_999_999_999],
    ['0000000000000000000042', 42],
  ])('accepts %s', (value, expected) => {
    expect(parse([['start_number', value]]).startNumber).toBe(expected);
  });

  it('names its real limit when a value is past it', () => {
    const error = expectRejected([['start_number', '1000000000000000']], 'AS.9008', 'start_number');
    expect(error.message).toBe(
      'Invalid start_number "1000000000000000": expected an integer from 0 to 999999999999999.',
    );
  });

  it.each(['-1', '1.5', '1.0', '1e3', '0x10', ' 1', '1 ', '+1', 'one', '', 'NaN', 'Infinity'])(
    'rejects %j',
    (value) => {
      expectRejected([['start_number', value]], 'AS.9008', 'start_number');
    },
  );
});

describe('parseLogQuery: limit (400 AS.9009)', () => {
  it.each([
    ['0', 0],
    ['1', 1],
    ['20', 20],
    ['99', 99],
    ['100', 100],
  ])('accepts %s', (value, expected) => {
    expect(parse([['limit', value]]).limit).toBe(expected);
  });

  it.each([
    '101',
    '1000',
    '-1',
    '-0',
    '2.5',
    '10.0',
    '1e2',
    ' 5',
    '+5',
    'all',
    '',
    '99999999999999999999',
  ])('rejects %j', (value) => {
    const error = expectRejected([['limit', value]], 'AS.9009', 'limit');
    expect(error.message).toContain('100');
  });
});

describe('parseLogQuery: a parameter given twice', () => {
  it.each([
    ['log_id', logId, 'AS.9010'],
    ['scaling_resource_type', 'BANDWIDTH', 'AS.0022'],
    ['scaling_resource_id', groupId, 'AS.9011'],
    ['execute_type', 'MANUAL', 'AS.0022'],
    ['start_time', '2024-01-01T00:00:00Z', 'AS.9007'],
    ['end_time', '2024-01-01T00:00:00Z', 'AS.9007'],
    ['start_number', '0', 'AS.9008'],
    ['limit', '10', 'AS.9009'],
  ])('%s twice, even with the same valid value, is 400 %s', (param, value, code) => {
    const error = expectRejected(
      [
        [param, value],
        ['foo', 'bar'],
        [param, value],
      ],
      code,
      param,
    );
    expect(error.message).toMatch(/more than once/);
  });

  it("is rejected with the repeated parameter's code when the values differ", () => {
    expectRejected(
      [
        ['limit', '10'],
        ['limit', '20'],
      ],
      'AS.9009',
      'limit',
    );
  });

  it('is rejected even when one value is empty', () => {
    expectRejected(
      [
        ['execute_type', ''],
        ['execute_type', 'ALARM'],
      ],
      'AS.0022',
      'execute_type',
    );
  });

  it('an unknown parameter given twice is still ignored', () => {
    expect(
      parse([
        ['page', '1'],
        ['page', '2'],
      ]),
    ).toEqual({ projectId: project, policyId: policy, startNumber: 0, limit: 20 });
  });
});
