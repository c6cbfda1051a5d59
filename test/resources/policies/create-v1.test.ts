import { describe, expect, it } from 'vitest';
import { formatMinuteTime, nextFireTime } from '../../../src/domain/recurrence.js';
import { policySchedule } from '../../../src/domain/scaling-policy.js';
import { formatWireTime } from '../../../src/domain/wire-time.js';
import { testBackends } from '../../support/backends.js';
import { expectAsError, openTestApi, uuid } from '../../support/api-harness.js';
import {
  json,
  minute,
  hour,
  day,
  v1Url,
  alarmId,
  send,
  createGroup,
  create,
  show,
  stored,
  list,
  withOver,
  createTimeOf,
  caseRows,
  caseNamed,
  expectRefused,
} from './policy-test-helpers.js';
import type { Body, ErrorCase } from './policy-test-helpers.js';

/** Creating and showing scaling group policies through the v1 API, and every refused field. */

/** What the v1 error table is built over: the test's group and clock. */
interface V1Context {
  readonly groupId: string;
  readonly now: number;
}

/** Every refused field of a v1 create, with its documented code and what the message says. */
function v1Cases({ groupId, now }: V1Context): ErrorCase[] {
  const alarm: Body = {
    scaling_policy_name: 'p1',
    scaling_group_id: groupId,
    scaling_policy_type: 'ALARM',
    alarm_id: alarmId,
  };
  const once: Body = {
    ...alarm,
    scaling_policy_type: 'SCHEDULED',
    scheduled_policy: { launch_time: formatMinuteTime(now + hour) },
  };
  const recurrence = (sp: Body): Body => ({
    ...alarm,
    scaling_policy_type: 'RECURRENCE',
    scheduled_policy: withOver(
      {
        launch_time: '16:00',
        recurrence_type: 'Weekly',
        recurrence_value: '2',
        end_time: formatMinuteTime(now + 30 * day),
      },
      sp,
    ),
  });
  const act = (a: unknown): Body => ({ ...alarm, scaling_policy_action: a });
  // A weekday that a two-day window starting now cannot hold (1 = Sunday).
  const absentDay = String(new Date(now + 4 * day).getUTCDay() + 1);
  return [
    {
      name: 'no name',
      body: withOver(alarm, { scaling_policy_name: undefined }),
      code: 'AS.3013',
      message: 'scaling_policy_name',
    },
    {
      name: 'long name',
      body: { ...alarm, scaling_policy_name: 'x'.repeat(65) },
      code: 'AS.3014',
      message: '1 to 64 characters',
    },
    {
      name: 'bad name',
      body: { ...alarm, scaling_policy_name: 'scale out!' },
      code: 'AS.3031',
      message: '"scale out!"',
    },
    {
      name: 'no type',
      body: withOver(alarm, { scaling_policy_type: undefined }),
      code: 'AS.3011',
      message: 'ALARM, SCHEDULED or RECURRENCE',
    },
    {
      name: 'v2 type',
      body: { ...alarm, scaling_policy_type: 'INTERVAL_ALARM' },
      code: 'AS.3002',
      message: /"INTERVAL_ALARM".*ALARM, SCHEDULED or RECURRENCE/,
    },
    {
      name: 'no alarm',
      body: withOver(alarm, { alarm_id: undefined }),
      code: 'AS.3026',
      message: 'alarm_id',
    },
    {
      name: 'bad alarm',
      body: { ...alarm, alarm_id: 'al 1' },
      code: 'AS.3050',
      message: '"al 1"',
    },
    {
      name: 'no schedule',
      body: withOver(once, { scheduled_policy: undefined }),
      code: 'AS.3003',
      message: 'SCHEDULED policy needs scheduled_policy',
    },
    {
      name: 'no launch',
      body: { ...once, scheduled_policy: {} },
      code: 'AS.3008',
      message: 'launch_time',
    },
    {
      name: 'launch hh:mm',
      body: { ...once, scheduled_policy: { launch_time: '16:00' } },
      code: 'AS.3009',
      message: /"16:00".*YYYY-MM-DDThh:mmZ/,
    },
    {
      name: 'launch seconds',
      body: { ...once, scheduled_policy: { launch_time: '2099-01-01T00:00:00Z' } },
      code: 'AS.3009',
      message: 'YYYY-MM-DDThh:mmZ',
    },
    {
      name: 'launch past',
      body: { ...once, scheduled_policy: { launch_time: formatMinuteTime(now - minute) } },
      code: 'AS.3010',
      message: `it is ${formatWireTime(now / 1000)} now`,
    },
    {
      name: 'recurrence launch date',
      body: recurrence({ launch_time: '2099-01-01T16:00Z' }),
      code: 'AS.3009',
      message: 'hh:mm',
    },
    {
      name: 'recurrence launch 24:00',
      body: recurrence({ launch_time: '24:00' }),
      code: 'AS.3009',
      message: '"24:00"',
    },
    {
      name: 'no recurrence type',
      body: recurrence({ recurrence_type: undefined }),
      code: 'AS.3023',
      message: 'recurrence_type',
    },
    {
      name: 'bad recurrence type',
      body: recurrence({ recurrence_type: 'WEEKLY' }),
      code: 'AS.3004',
      message: /"WEEKLY".*Daily, Weekly or Monthly/,
    },
    {
      name: 'no recurrence value',
      body: recurrence({ recurrence_value: undefined }),
      code: 'AS.3024',
      message: 'Weekly recurrence needs scheduled_policy.recurrence_value',
    },
    {
      name: 'weekday 8',
      body: recurrence({ recurrence_value: '1,8' }),
      code: 'AS.3025',
      message: /"1,8".*1 \(Sunday\) to 7/,
    },
    {
      name: 'month day 32',
      body: recurrence({ recurrence_type: 'Monthly', recurrence_value: '32' }),
      code: 'AS.3025',
      message: '1 to 31',
    },
    {
      name: 'bad start',
      body: recurrence({ start_time: '2026-01-01 00:00' }),
      code: 'AS.3028',
      message: '"2026-01-01 00:00"',
    },
    {
      name: 'no end',
      body: recurrence({ end_time: undefined }),
      code: 'AS.3005',
      message: 'end_time',
    },
    {
      name: 'bad end',
      body: recurrence({ end_time: '2099-01-01T00:00:00Z' }),
      code: 'AS.3006',
      message: '"2099-01-01T00:00:00Z"',
    },
    {
      name: 'past end',
      body: recurrence({ end_time: formatMinuteTime(now - day) }),
      code: 'AS.3007',
      message: formatMinuteTime(now - day),
    },
    {
      name: 'start after end',
      body: recurrence({
        start_time: formatMinuteTime(now + 20 * day),
        end_time: formatMinuteTime(now + 10 * day),
      }),
      code: 'AS.3029',
      message: `start_time ${formatMinuteTime(now + 20 * day)}`,
    },
    {
      name: 'empty window',
      body: recurrence({
        recurrence_value: absentDay,
        end_time: formatMinuteTime(now + 2 * day),
      }),
      code: 'AS.3033',
      message: `Weekly days ${absentDay}`,
    },
    {
      name: 'unknown schedule field',
      body: recurrence({ timezone: 'UTC' }),
      code: 'AS.0022',
      message: '"timezone"',
    },
    {
      name: 'action not an object',
      body: act('ADD'),
      code: 'AS.3015',
      message: 'scaling_policy_action must be an object',
    },
    {
      name: 'bad operation',
      body: act({ operation: 'MULTIPLY' }),
      code: 'AS.3017',
      message: /"MULTIPLY".*ADD, REMOVE, REDUCE or SET/,
    },
    {
      name: 'zero add',
      body: act({ operation: 'ADD', instance_number: 0 }),
      code: 'AS.3018',
      message: 'instance_number 0: expected an integer from 1 to 300 for ADD (instances)',
    },
    {
      name: '301 set',
      body: act({ operation: 'SET', instance_number: 301 }),
      code: 'AS.3018',
      message: 'from 0 to 300 for SET',
    },
    {
      name: 'fraction',
      body: act({ instance_number: 1.5 }),
      code: 'AS.3018',
      message: 'instance_number 1.5',
    },
    {
      // A number is shown bare and a string quoted, so the client sees which it sent.
      name: 'number as a string',
      body: act({ instance_number: '5' }),
      code: 'AS.3018',
      message: 'instance_number "5": expected an integer',
    },
    { name: 'size on v1', body: act({ size: 1 }), code: 'AS.0022', message: '"size"' },
    {
      name: 'big percentage',
      body: act({ instance_percentage: 20_001 }),
      code: 'AS.3035',
      message: 'from 1 to 20000',
    },
    {
      name: 'zero percentage',
      body: act({ operation: 'REMOVE', instance_percentage: 0 }),
      code: 'AS.3035',
      message: 'instance_percentage 0: expected an integer from 1 to 20000 for REMOVE',
    },
    {
      name: 'both amounts',
      body: act({ instance_number: 1, instance_percentage: 10 }),
      code: 'AS.3036',
      message: 'instance_number or instance_percentage, not both',
    },
    {
      name: 'long cooldown',
      body: { ...alarm, cool_down_time: 86_401 },
      code: 'AS.3012',
      message: '86401',
    },
    {
      name: 'negative cooldown',
      body: { ...alarm, cool_down_time: -1 },
      code: 'AS.3012',
      message: '0 to 86400',
    },
    {
      name: 'unknown field',
      body: { ...alarm, description: 'v2 only' },
      code: 'AS.0022',
      message: '"description"',
    },
    {
      name: 'no group',
      body: withOver(alarm, { scaling_group_id: undefined }),
      code: 'AS.3019',
      message: 'scaling_group_id',
    },
    {
      name: 'unknown group',
      body: { ...alarm, scaling_group_id: uuid(0xdead) },
      code: 'AS.2007',
      message: uuid(0xdead),
    },
  ];
}

const placeholder = { groupId: uuid(0), now: Date.now() };

for (const backend of testBackends) {
  describe.skipIf(!backend.available)(
    `scaling policy API, v1 create and show: ${backend.name}`,
    () => {
      it('creates and shows each policy type in the documented shape', async () => {
        const api = await openTestApi(backend);
        const groupId = await createGroup(api);
        const now = api.clock.now();
        const launch = formatMinuteTime(now + 2 * hour);
        const end = formatMinuteTime(now + 30 * day);

        const scheduled = await create(api, v1Url(), {
          scaling_policy_name: 'as-policy-test',
          scaling_group_id: groupId,
          scaling_policy_type: 'SCHEDULED',
          // Ignored for a SCHEDULED policy, and not returned.
          alarm_id: alarmId,
          scheduled_policy: { launch_time: launch },
          scaling_policy_action: { operation: 'REMOVE', instance_number: 1 },
        });
        expect(await show(api, 'v1', scheduled)).toStrictEqual({
          scaling_group_id: groupId,
          scaling_policy_name: 'as-policy-test',
          scaling_policy_id: scheduled,
          policy_status: 'INSERVICE',
          scaling_policy_type: 'SCHEDULED',
          scheduled_policy: { launch_time: launch },
          scaling_policy_action: { operation: 'REMOVE', instance_number: 1 },
          cool_down_time: 300,
          create_time: createTimeOf(api),
        });

        const alarm = await create(api, v1Url(), {
          scaling_policy_name: '扩容_policy-1',
          scaling_group_id: groupId,
          scaling_policy_type: 'ALARM',
          alarm_id: alarmId,
          // Ignored for an ALARM policy, and not returned.
          scheduled_policy: { launch_time: launch },
          scaling_policy_action: { operation: 'ADD', instance_percentage: 50 },
          cool_down_time: 900,
        });
        expect(await show(api, 'v1', alarm)).toStrictEqual({
          scaling_group_id: groupId,
          scaling_policy_name: '扩容_policy-1',
          scaling_policy_id: alarm,
          policy_status: 'INSERVICE',
          scaling_policy_type: 'ALARM',
          alarm_id: alarmId,
          scaling_policy_action: { operation: 'ADD', instance_percentage: 50 },
          cool_down_time: 900,
          create_time: createTimeOf(api),
        });

        const recurring = await create(api, v1Url(), {
          scaling_policy_name: 'weekly',
          scaling_group_id: groupId,
          scaling_policy_type: 'RECURRENCE',
          scheduled_policy: {
            launch_time: '16:00',
            recurrence_type: 'Weekly',
            recurrence_value: '1,3,5',
            end_time: end,
          },
        });
        expect(await show(api, 'v1', recurring)).toStrictEqual({
          scaling_group_id: groupId,
          scaling_policy_name: 'weekly',
          scaling_policy_id: recurring,
          policy_status: 'INSERVICE',
          scaling_policy_type: 'RECURRENCE',
          // start_time defaults to now, and is returned.
          scheduled_policy: {
            launch_time: '16:00',
            recurrence_type: 'Weekly',
            recurrence_value: '1,3,5',
            start_time: formatMinuteTime(now),
            end_time: end,
          },
          // The cloud's default action: add one instance.
          scaling_policy_action: { operation: 'ADD', instance_number: 1 },
          cool_down_time: 300,
          create_time: createTimeOf(api),
        });

        const daily = await create(api, v1Url(), {
          scaling_policy_name: 'daily',
          scaling_group_id: groupId,
          scaling_policy_type: 'RECURRENCE',
          scheduled_policy: {
            launch_time: '03:30',
            recurrence_type: 'Daily',
            // Ignored for Daily, and not returned.
            recurrence_value: 'whatever',
            start_time: '2015-12-14T03:34Z',
            end_time: end,
          },
          scaling_policy_action: { operation: 'SET', instance_number: 0 },
        });
        expect((await show(api, 'v1', daily)).scheduled_policy).toStrictEqual({
          launch_time: '03:30',
          recurrence_type: 'Daily',
          start_time: '2015-12-14T03:34Z',
          end_time: end,
        });
        expect((await show(api, 'v1', daily)).scaling_policy_action).toStrictEqual({
          operation: 'SET',
          instance_number: 0,
        });

        // The scheduler's trigger: the launch time; the next Sunday, Tuesday or Thursday 16:00.
        const scheduledStored = await stored(api, scheduled);
        expect(scheduledStored?.nextFireAt).toBe(Date.parse(launch.replace('Z', ':00Z')));
        expect(scheduledStored?.alarmId).toBeUndefined();
        const recurringStored = await stored(api, recurring);
        const schedule = recurringStored && policySchedule(recurringStored);
        expect(schedule).toBeDefined();
        expect(recurringStored?.nextFireAt).toBe(schedule && nextFireTime(schedule, now));
        expect(recurringStored?.nextFireAt).toBeGreaterThan(now);
        expect((await stored(api, alarm))?.scheduledPolicy).toBeUndefined();
        expect((await stored(api, alarm))?.nextFireAt).toBeUndefined();
      });

      describe('refuses each bad field with its documented code and says what is wrong', () => {
        it.each(caseRows(v1Cases, placeholder))('%s: %s', async (name) => {
          const api = await openTestApi(backend);
          const groupId = await createGroup(api);
          const c = caseNamed(v1Cases, { groupId, now: api.clock.now() }, name);
          await expectRefused(api, v1Url(), c);
          // Nothing was stored.
          expect((await list(api, `${v1Url()}/${groupId}/list`)).total_number).toBe(0);
        });

        it('refuses a body that is no object, and quotes a number too large for a double', async () => {
          const api = await openTestApi(backend);
          const groupId = await createGroup(api);
          const alarm: Body = {
            scaling_policy_name: 'p1',
            scaling_group_id: groupId,
            scaling_policy_type: 'ALARM',
            alarm_id: alarmId,
          };
          expect((await list(api, `${v1Url()}/${groupId}/list`)).total_number).toBe(0);
          // A body that is no object at all.
          expect(
            expectAsError(await send(api, 'POST', v1Url(), [alarm]), 400, 'AS.0022'),
          ).toContain('must be a JSON object');
          // A number too large for a double is quoted as the client wrote it, not as null.
          const tooLarge = await api.inject({
            method: 'POST',
            url: v1Url(),
            headers: json,
            payload: JSON.stringify({ ...alarm, cool_down_time: 7 }).replace(
              '"cool_down_time":7',
              '"cool_down_time":1e309',
            ),
          });
          expect(expectAsError(tooLarge, 400, 'AS.3012')).toContain('Got cool_down_time 1e309:');
        });
      });
    },
  );
}
