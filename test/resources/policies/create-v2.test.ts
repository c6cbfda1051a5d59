import { describe, expect, it } from 'vitest';
import { formatMinuteTime } from '../../../src/domain/recurrence.js';
import { testBackends } from '../../support/backends.js';
import { expectAsError, openTestApi, project, uuid } from '../../support/api-harness.js';
import {
  day,
  v1Url,
  v2Url,
  alarmId,
  bandwidthId,
  eipId,
  send,
  createGroup,
  insertBandwidth,
  create,
  show,
  list,
  withOver,
  createTimeOf,
  caseRows,
  caseNamed,
  expectRefused,
} from './policy-test-helpers.js';
import type { Body, ErrorCase } from './policy-test-helpers.js';

/** Creating and showing group and bandwidth policies through the v2 API, every refused field, and the quota. */

/** What the v2 error table is built over: the test's group (the bandwidth is fixed). */
interface V2Context {
  readonly groupId: string;
}

/** Every refused field of a v2 create, with its documented code and what the message says. */
function v2Cases({ groupId }: V2Context): ErrorCase[] {
  const groupAlarm: Body = {
    scaling_policy_name: 'p1',
    scaling_resource_id: groupId,
    scaling_resource_type: 'SCALING_GROUP',
    scaling_policy_type: 'ALARM',
    alarm_id: alarmId,
  };
  const bandwidthAlarm: Body = {
    ...groupAlarm,
    scaling_resource_id: bandwidthId,
    scaling_resource_type: 'BANDWIDTH',
  };
  const bwAct = (a: Body): Body => ({ ...bandwidthAlarm, scaling_policy_action: a });
  return [
    {
      name: 'no resource type',
      body: withOver(groupAlarm, { scaling_resource_type: undefined }),
      code: 'AS.3054',
      message: 'SCALING_GROUP or BANDWIDTH',
    },
    {
      name: 'bad resource type',
      body: { ...groupAlarm, scaling_resource_type: 'GROUP' },
      code: 'AS.3037',
      message: '"GROUP"',
    },
    {
      name: 'no resource id',
      body: withOver(groupAlarm, { scaling_resource_id: undefined }),
      code: 'AS.3041',
      message: 'scaling_resource_id',
    },
    {
      name: 'bad resource id',
      body: { ...groupAlarm, scaling_resource_id: 'group-1' },
      code: 'AS.3055',
      message: '"group-1"',
    },
    {
      name: 'upper-case id',
      body: { ...groupAlarm, scaling_resource_id: groupId.toUpperCase() },
      code: 'AS.3055',
      message: 'UUID',
    },
    {
      name: 'unknown group',
      body: { ...groupAlarm, scaling_resource_id: uuid(0xdead) },
      code: 'AS.3042',
      message: `No scaling group "${uuid(0xdead)}"`,
    },
    {
      name: 'bandwidth as group',
      body: { ...groupAlarm, scaling_resource_id: bandwidthId },
      code: 'AS.3042',
      message: bandwidthId,
    },
    {
      name: 'group as bandwidth',
      body: { ...bandwidthAlarm, scaling_resource_id: groupId },
      code: 'AS.3042',
      message: `No bandwidth "${groupId}"`,
    },
    {
      name: 'bad type',
      body: { ...groupAlarm, scaling_policy_type: 'CRON' },
      code: 'AS.3002',
      message: 'ALARM, SCHEDULED, RECURRENCE or INTERVAL_ALARM',
    },
    {
      name: 'interval without alarm',
      body: withOver(
        { ...groupAlarm, scaling_policy_type: 'INTERVAL_ALARM' },
        { alarm_id: undefined },
      ),
      code: 'AS.3026',
      message: 'alarm_id',
    },
    {
      name: 'interval not an array',
      body: {
        ...groupAlarm,
        scaling_policy_type: 'INTERVAL_ALARM',
        interval_alarm_actions: {},
      },
      code: 'AS.0022',
      message: 'interval_alarm_actions must be an array',
    },
    {
      name: 'interval bad bound',
      body: {
        ...groupAlarm,
        scaling_policy_type: 'INTERVAL_ALARM',
        interval_alarm_actions: [{ lower_bound: '1' }],
      },
      code: 'AS.0022',
      message: 'interval_alarm_actions[0].lower_bound must be a number',
    },
    {
      name: 'interval bad size',
      body: {
        ...groupAlarm,
        scaling_policy_type: 'INTERVAL_ALARM',
        interval_alarm_actions: [{ size: 0 }],
      },
      code: 'AS.3018',
      message: 'size 0:',
    },
    {
      name: 'v1 field names',
      body: { ...groupAlarm, scaling_policy_action: { instance_number: 1 } },
      code: 'AS.0022',
      message: '"instance_number"',
    },
    {
      name: 'group limits',
      body: { ...groupAlarm, scaling_policy_action: { size: 1, limits: 5 } },
      code: 'AS.3043',
      message: 'bandwidth policies only',
    },
    {
      name: 'bandwidth remove',
      body: bwAct({ operation: 'REMOVE' }),
      code: 'AS.3017',
      message: 'ADD, REDUCE or SET for a bandwidth policy',
    },
    {
      name: 'bandwidth set 0',
      body: bwAct({ operation: 'SET', size: 0 }),
      code: 'AS.3018',
      message: 'from 1 to 300 for SET (Mbit/s)',
    },
    {
      name: 'bandwidth 301',
      body: bwAct({ size: 301 }),
      code: 'AS.3018',
      message: 'size 301:',
    },
    {
      name: 'bandwidth percentage',
      body: bwAct({ percentage: 10 }),
      code: 'AS.3035',
      message: 'percentages are for scaling group policies only',
    },
    {
      name: 'both',
      body: bwAct({ size: 1, percentage: 10 }),
      code: 'AS.3036',
      message: 'size or percentage, not both',
    },
    {
      name: 'set limits',
      body: bwAct({ operation: 'SET', size: 5, limits: 10 }),
      code: 'AS.3043',
      message: 'ADD',
    },
    {
      name: 'limits 2001',
      body: bwAct({ operation: 'ADD', limits: 2001 }),
      code: 'AS.3043',
      message: 'from 1 to 2000 (Mbit/s)',
    },
    {
      name: 'limits 0',
      body: bwAct({ operation: 'REDUCE', limits: 0 }),
      code: 'AS.3043',
      message: 'limits 0',
    },
    {
      name: 'long description',
      body: { ...groupAlarm, description: 'd'.repeat(257) },
      code: 'AS.0022',
      message: 'at most 256 characters',
    },
    {
      name: 'v1 group field',
      body: { ...groupAlarm, scaling_group_id: groupId },
      code: 'AS.0022',
      message: '"scaling_group_id"',
    },
  ];
}

const placeholder = { groupId: uuid(0) };

for (const backend of testBackends) {
  describe.skipIf(!backend.available)(
    `scaling policy API, v2 create and show: ${backend.name}`,
    () => {
      it('creates and shows group and bandwidth policies in the documented shape', async () => {
        const api = await openTestApi(backend);
        const groupId = await createGroup(api);
        await insertBandwidth(api);
        const now = api.clock.now();
        // Long enough to hold one of the Monthly days below, whatever today is.
        const monthEnd = formatMinuteTime(now + 40 * day);

        const bandwidthPolicy = await create(api, v2Url(), {
          scaling_policy_name: 'hth_aspolicy_1',
          scaling_resource_id: bandwidthId,
          scaling_resource_type: 'BANDWIDTH',
          scaling_policy_type: 'ALARM',
          alarm_id: alarmId,
          scaling_policy_action: { size: 1, operation: 'ADD', limits: 10 },
          cool_down_time: 900,
        });
        const expectedBandwidthPolicy = {
          scaling_policy_name: 'hth_aspolicy_1',
          scaling_policy_id: bandwidthPolicy,
          scaling_resource_id: bandwidthId,
          scaling_resource_type: 'BANDWIDTH',
          policy_status: 'INSERVICE',
          scaling_policy_type: 'ALARM',
          alarm_id: alarmId,
          scaling_policy_action: { operation: 'ADD', size: 1, limits: 10 },
          cool_down_time: 900,
          create_time: createTimeOf(api),
          meta_data: {
            metadata_bandwidth_share_type: 'PER',
            metadata_eip_id: eipId,
            metadata_eip_address: '192.0.2.10',
          },
        };
        expect(await show(api, 'v2', bandwidthPolicy)).toStrictEqual(expectedBandwidthPolicy);
        // The v1 API does not see bandwidth policies.
        expectAsError(await send(api, 'GET', `${v1Url()}/${bandwidthPolicy}`), 404, 'AS.3020');
        expectAsError(
          await send(api, 'PUT', `${v1Url()}/${bandwidthPolicy}`, { cool_down_time: 1 }),
          404,
          'AS.3020',
        );

        const groupPolicy = await create(api, v2Url(), {
          scaling_policy_name: 'as-policy-7a75',
          scaling_resource_id: groupId,
          scaling_resource_type: 'SCALING_GROUP',
          scaling_policy_type: 'RECURRENCE',
          scheduled_policy: {
            launch_time: '03:30',
            recurrence_type: 'Monthly',
            recurrence_value: '1,10,13,28',
            start_time: formatMinuteTime(now),
            end_time: monthEnd,
          },
          scaling_policy_action: { operation: 'REDUCE', percentage: 25 },
          description: 'nightly trim',
        });
        expect(await show(api, 'v2', groupPolicy)).toStrictEqual({
          scaling_policy_name: 'as-policy-7a75',
          scaling_policy_id: groupPolicy,
          scaling_resource_id: groupId,
          scaling_resource_type: 'SCALING_GROUP',
          policy_status: 'INSERVICE',
          scaling_policy_type: 'RECURRENCE',
          scheduled_policy: {
            launch_time: '03:30',
            recurrence_type: 'Monthly',
            recurrence_value: '1,10,13,28',
            start_time: formatMinuteTime(now),
            end_time: monthEnd,
          },
          scaling_policy_action: { operation: 'REDUCE', percentage: 25 },
          cool_down_time: 300,
          create_time: createTimeOf(api),
          description: 'nightly trim',
        });
        // The v1 API shows a v2 group policy in its own names.
        expect(await show(api, 'v1', groupPolicy)).toMatchObject({
          scaling_group_id: groupId,
          scaling_policy_action: { operation: 'REDUCE', instance_percentage: 25 },
        });
        expect(await show(api, 'v1', groupPolicy)).not.toHaveProperty('description');

        const interval = await create(api, v2Url(), {
          scaling_policy_name: 'steps',
          scaling_resource_id: groupId,
          scaling_resource_type: 'SCALING_GROUP',
          scaling_policy_type: 'INTERVAL_ALARM',
          alarm_id: 'al-cpu',
          interval_alarm_actions: [
            { operation: 'ADD', size: 1, lower_bound: 0, upper_bound: 10.5 },
            { operation: 'ADD', percentage: 50, lower_bound: 10.5 },
          ],
        });
        expect(await show(api, 'v2', interval)).toStrictEqual({
          scaling_policy_name: 'steps',
          scaling_policy_id: interval,
          scaling_resource_id: groupId,
          scaling_resource_type: 'SCALING_GROUP',
          policy_status: 'INSERVICE',
          scaling_policy_type: 'INTERVAL_ALARM',
          alarm_id: 'al-cpu',
          scaling_policy_action: { operation: 'ADD', size: 1 },
          interval_alarm_actions: [
            { operation: 'ADD', size: 1, lower_bound: 0, upper_bound: 10.5 },
            { operation: 'ADD', percentage: 50, lower_bound: 10.5 },
          ],
          cool_down_time: 300,
          create_time: createTimeOf(api),
        });

        // The bandwidth's EIP is read when the policy is shown.
        await api.store.resourceSession(async (tx) => {
          const b = await tx.bandwidths.get(project, bandwidthId);
          if (b === undefined) throw new Error('bandwidth gone');
          await tx.bandwidths.update({ ...b, shareType: 'WHOLE', eipAddress: '192.0.2.99' });
        });
        expect((await show(api, 'v2', bandwidthPolicy)).meta_data).toStrictEqual({
          metadata_bandwidth_share_type: 'WHOLE',
          metadata_eip_id: eipId,
          metadata_eip_address: '192.0.2.99',
        });
        expectAsError(await send(api, 'GET', `${v2Url()}/${uuid(0xbeef)}`), 404, 'AS.3020');
      });

      describe('refuses each bad v2 field with its documented code', () => {
        it.each(caseRows(v2Cases, placeholder))('%s: %s', async (name) => {
          const api = await openTestApi(backend);
          const groupId = await createGroup(api);
          await insertBandwidth(api);
          await expectRefused(api, v2Url(), caseNamed(v2Cases, { groupId }, name));
          // Nothing was stored.
          expect((await list(api, v2Url())).total_number).toBe(0);
        });

        it('accepts the edges: a group SET to 0, a percentage of 20000, a bandwidth REDUCE with limits', async () => {
          const api = await openTestApi(backend);
          const groupId = await createGroup(api);
          await insertBandwidth(api);
          const groupAlarm: Body = {
            scaling_policy_name: 'p1',
            scaling_resource_id: groupId,
            scaling_resource_type: 'SCALING_GROUP',
            scaling_policy_type: 'ALARM',
            alarm_id: alarmId,
          };
          const bandwidthAlarm: Body = {
            ...groupAlarm,
            scaling_resource_id: bandwidthId,
            scaling_resource_type: 'BANDWIDTH',
          };
          const bwAct = (a: Body): Body => ({ ...bandwidthAlarm, scaling_policy_action: a });
          expect((await list(api, v2Url())).total_number).toBe(0);
          // A SET of a group may go to 0, and percentages up to 20000.
          await create(api, v2Url(), {
            ...groupAlarm,
            scaling_policy_action: { operation: 'SET', size: 0 },
          });
          await create(api, v2Url(), {
            ...groupAlarm,
            scaling_policy_action: { percentage: 20_000 },
          });
          await create(api, v2Url(), { ...bwAct({ operation: 'REDUCE', size: 2, limits: 1 }) });
          expect((await list(api, v2Url())).total_number).toBe(3);
        });
      });

      it('keeps at most 50 policies per resource', async () => {
        const api = await openTestApi(backend);
        const groupId = await createGroup(api);
        const now = api.clock.now();
        await api.store.resourceSession(async (tx) => {
          for (let i = 0; i < 49; i += 1) {
            await tx.policies.insert({
              id: uuid(0x1000 + i),
              projectId: project,
              name: `p${String(i)}`,
              resourceType: 'SCALING_GROUP',
              resourceId: groupId,
              policyType: 'ALARM',
              alarmId,
              action: { operation: 'ADD', number: 1 },
              coolDownSeconds: 300,
              status: 'INSERVICE',
              createTime: now,
            });
          }
        });
        const body = {
          scaling_policy_name: 'fiftieth',
          scaling_group_id: groupId,
          scaling_policy_type: 'ALARM',
          alarm_id: alarmId,
        };
        await create(api, v1Url(), body);
        expect(expectAsError(await send(api, 'POST', v1Url(), body), 400, 'AS.3032')).toContain(
          'at most 50 policies',
        );
        expectAsError(
          await send(api, 'POST', v2Url(), {
            ...withOver(body, { scaling_group_id: undefined }),
            scaling_resource_id: groupId,
            scaling_resource_type: 'SCALING_GROUP',
          }),
          400,
          'AS.3032',
        );
        // Another group has its own quota.
        const other = await createGroup(api);
        await create(api, v1Url(), { ...body, scaling_group_id: other });
      });
    },
  );
}
