import { describe, expect, it } from 'vitest';
import type { ScalingPolicy } from '../../../src/domain/scaling-policy.js';
import {
  applyV1Update,
  applyV2Update,
  parseV1Create,
  parseV2Create,
} from '../../../src/resources/policies/parse.js';
import { parseBatch, parsePolicyAction } from '../../../src/resources/policies/request-parse.js';

/**
 * Policy bodies with several faults at once: the error told is the first in the order the
 * fields are checked (the resource, the name, the type, the trigger, the action, the interval
 * actions, the cooldown, the description), fields the operation does not take before all.
 * And `null` counting as absent, with the empty string for the fields read as text.
 */

const now = Date.UTC(2026, 5, 10, 12, 0);
const groupId = 'g1';
const resourceId = '1f2d3e73-7ef6-40b3-a8fa-514b68eccaa7';

const v1Alarm = {
  scaling_group_id: groupId,
  scaling_policy_name: 'p1',
  scaling_policy_type: 'ALARM',
  alarm_id: 'al1',
};
const v2Alarm = {
  scaling_resource_type: 'SCALING_GROUP',
  scaling_resource_id: resourceId,
  scaling_policy_name: 'p1',
  scaling_policy_type: 'ALARM',
  alarm_id: 'al1',
};

const storedAlarm: ScalingPolicy = {
  id: 'pol1',
  projectId: 'p',
  name: 'stored',
  resourceType: 'SCALING_GROUP',
  resourceId,
  policyType: 'ALARM',
  alarmId: 'al1',
  action: { operation: 'ADD', number: 2 },
  coolDownSeconds: 60,
  status: 'INSERVICE',
  createTime: now,
};

/** The code and message a parse throws. */
function refusal(parse: () => unknown): { code: string; message: string } {
  try {
    parse();
  } catch (e) {
    const { code, message } = e as { code: string; message: string };
    return { code, message };
  }
  throw new Error('accepted');
}

describe('policy bodies with several faults', () => {
  it('names fields the operation does not take first, a null one too', () => {
    expect(
      refusal(() =>
        parseV1Create(
          { ...v1Alarm, scaling_policy_name: 'bad name', cool_down_time: -1, extra: null },
          now,
        ),
      ),
    ).toStrictEqual({
      code: 'AS.0022',
      message:
        'Unsupported parameter "extra" in a v1 scaling policy; accepted: scaling_group_id, scaling_policy_name, scaling_policy_type, alarm_id, scheduled_policy, scaling_policy_action, cool_down_time.',
    });
  });

  it('checks the v2 resource before the name, and its type before its id', () => {
    const r = refusal(() =>
      parseV2Create(
        {
          ...v2Alarm,
          scaling_resource_type: 'VM',
          scaling_resource_id: 'ABC',
          scaling_policy_name: '',
        },
        now,
      ),
    );
    expect(r.code).toBe('AS.3037');
    expect(r.message).toContain('"VM"');
  });

  it('checks the name before the type, and its length before its characters', () => {
    const r = refusal(() =>
      parseV1Create(
        {
          ...v1Alarm,
          scaling_policy_name: `${'x'.repeat(64)} !`,
          scaling_policy_type: 'HOURLY',
          cool_down_time: 'soon',
        },
        now,
      ),
    );
    expect(r.code).toBe('AS.3014');
  });

  it('checks the trigger before the action and the cooldown', () => {
    const r = refusal(() =>
      parseV1Create(
        {
          ...v1Alarm,
          scaling_policy_type: 'SCHEDULED',
          scheduled_policy: { launch_time: '2026-06-10T11:00Z' },
          scaling_policy_action: { operation: 'MULTIPLY' },
          cool_down_time: -1,
        },
        now,
      ),
    );
    expect(r.code).toBe('AS.3010');
  });

  it('reads a recurrence in order: its start before its missing end', () => {
    const r = refusal(() =>
      parseV1Create(
        {
          ...v1Alarm,
          scaling_policy_type: 'RECURRENCE',
          scheduled_policy: {
            launch_time: '16:00',
            recurrence_type: 'Weekly',
            recurrence_value: '2,4',
            start_time: '2027-02-29T00:00Z',
          },
        },
        now,
      ),
    );
    expect(r).toStrictEqual({
      code: 'AS.3028',
      message: expect.stringContaining('"2027-02-29T00:00Z"') as string,
    });
  });

  it("checks a bandwidth action's operation before its amounts", () => {
    const r = refusal(() =>
      parseV2Create(
        {
          ...v2Alarm,
          scaling_resource_type: 'BANDWIDTH',
          scaling_policy_action: { operation: 'REMOVE', size: 'x', percentage: 5, limits: 0 },
        },
        now,
      ),
    );
    expect(r.code).toBe('AS.3017');
    expect(r.message).toContain('ADD, REDUCE or SET for a bandwidth policy');
  });

  it('checks an interval action bounds before its amounts, naming its index', () => {
    const r = refusal(() =>
      parseV2Create(
        {
          ...v2Alarm,
          scaling_policy_type: 'INTERVAL_ALARM',
          interval_alarm_actions: [{ size: 1 }, { size: 0, upper_bound: 'high' }],
          cool_down_time: -1,
        },
        now,
      ),
    );
    expect(r.code).toBe('AS.0022');
    expect(r.message).toContain('interval_alarm_actions[1].upper_bound must be a number');
  });

  it('re-checks an update as a whole: a new type needs its trigger before the cooldown', () => {
    const r = refusal(() =>
      applyV2Update(storedAlarm, { scaling_policy_type: 'SCHEDULED', cool_down_time: -1 }, now),
    );
    expect(r.code).toBe('AS.3003');
  });

  it('answers a batch with several faults by its ids first', () => {
    expect(
      refusal(() => parseBatch({ scaling_policy_id: [], action: 'stop', force_delete: 'maybe' }))
        .code,
    ).toBe('AS.3049');
    expect(
      refusal(() => parseBatch({ scaling_policy_id: ['a'], action: 'stop', force_delete: 'x' }))
        .code,
    ).toBe('AS.3022');
  });
});

describe('null and empty policy fields', () => {
  it('reads null as absent: defaults, ignored triggers, and the stored value on update', () => {
    expect(
      parseV2Create(
        {
          ...v2Alarm,
          scheduled_policy: null,
          scaling_policy_action: null,
          cool_down_time: null,
          description: null,
        },
        now,
      ),
    ).toStrictEqual({
      resourceType: 'SCALING_GROUP',
      resourceId,
      name: 'p1',
      policyType: 'ALARM',
      alarmId: 'al1',
      action: { operation: 'ADD', number: 1 },
      coolDownSeconds: 300,
    });
    expect(
      applyV1Update(storedAlarm, { scaling_policy_name: null, cool_down_time: null }, now),
    ).toMatchObject({ name: 'stored', coolDownSeconds: 60 });
  });

  it('reads null and the empty string as a missing required field', () => {
    expect(refusal(() => parseV1Create({ ...v1Alarm, scaling_policy_name: null }, now)).code).toBe(
      'AS.3013',
    );
    expect(refusal(() => parseV1Create({ ...v1Alarm, alarm_id: '' }, now)).code).toBe('AS.3026');
    expect(
      refusal(() =>
        parseV1Create(
          { ...v1Alarm, scaling_policy_type: 'SCHEDULED', scheduled_policy: { launch_time: null } },
          now,
        ),
      ).code,
    ).toBe('AS.3008');
  });

  it('ignores a trigger field the type does not use, whatever its value', () => {
    expect(
      parseV2Create(
        { ...v2Alarm, scheduled_policy: 'soon', interval_alarm_actions: [null, 5] },
        now,
      ),
    ).toMatchObject({ policyType: 'ALARM', alarmId: 'al1' });
  });

  it('shows a null action as null and a missing one as undefined', () => {
    expect(refusal(() => parsePolicyAction({ action: null })).message).toContain(
      'Got action "null"',
    );
    expect(refusal(() => parsePolicyAction({})).message).toContain('Got action "undefined"');
    expect(refusal(() => parseBatch({ scaling_policy_id: ['a'], action: null })).message).toContain(
      'Got action "null"',
    );
  });
});
