import { describe, expect, it } from 'vitest';
import { formatMinuteTime } from '../../../src/domain/recurrence.js';
import { testBackends } from '../../support/backends.js';
import { expectAsError, openTestApi, uuid } from '../../support/api-harness.js';
import {
  hour,
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
  stored,
  createTimeOf,
} from './policy-test-helpers.js';

/** Updating scaling policies: v1 and v2. */

for (const backend of testBackends) {
  describe.skipIf(!backend.available)(`scaling policy API, update: ${backend.name}`, () => {
    describe('v1', () => {
      it('updates part of a policy, checks the result as a whole, and moves its trigger', async () => {
        const api = await openTestApi(backend);
        const groupId = await createGroup(api);
        const now = api.clock.now();
        const id = await create(api, v1Url(), {
          scaling_policy_name: 'p1',
          scaling_group_id: groupId,
          scaling_policy_type: 'ALARM',
          alarm_id: alarmId,
          scaling_policy_action: { operation: 'ADD', instance_number: 2 },
          cool_down_time: 60,
        });
        const put = (body: unknown) => send(api, 'PUT', `${v1Url()}/${id}`, body);

        const renamed = await put({ scaling_policy_name: 'p2' });
        expect(renamed.statusCode, renamed.body).toBe(200);
        expect(renamed.json()).toStrictEqual({ scaling_policy_id: id });
        expect(await show(api, 'v1', id)).toMatchObject({
          scaling_policy_name: 'p2',
          alarm_id: alarmId,
          scaling_policy_action: { operation: 'ADD', instance_number: 2 },
          cool_down_time: 60,
        });

        // A new type needs its trigger: the stored policy has no schedule.
        expect(
          await put({ scaling_policy_type: 'SCHEDULED' }).then((r) =>
            expectAsError(r, 400, 'AS.3003'),
          ),
        ).toContain('scheduled_policy');
        const launch = formatMinuteTime(now + 3 * hour);
        const toScheduled = await put({
          scaling_policy_type: 'SCHEDULED',
          scheduled_policy: { launch_time: launch },
          scaling_policy_action: { operation: 'SET', instance_percentage: 100 },
        });
        expect(toScheduled.statusCode, toScheduled.body).toBe(200);
        expect(await show(api, 'v1', id)).toStrictEqual({
          scaling_group_id: groupId,
          scaling_policy_name: 'p2',
          scaling_policy_id: id,
          policy_status: 'INSERVICE',
          scaling_policy_type: 'SCHEDULED',
          scheduled_policy: { launch_time: launch },
          // Replaced whole: the stored number is gone.
          scaling_policy_action: { operation: 'SET', instance_percentage: 100 },
          cool_down_time: 60,
          create_time: createTimeOf(api),
        });
        const atLaunch = Date.parse(launch.replace('Z', ':00Z'));
        expect((await stored(api, id))?.nextFireAt).toBe(atLaunch);
        expect((await stored(api, id))?.alarmId).toBeUndefined();

        // A past launch is refused when the update sets the schedule...
        api.clock.advance(4 * hour);
        expect(
          expectAsError(await put({ scheduled_policy: { launch_time: launch } }), 400, 'AS.3010'),
        ).toContain(launch);
        // ...but not when it changes something else: the stored schedule has run its course.
        expect((await put({ cool_down_time: 0 })).statusCode).toBe(200);
        const afterCooldown = await stored(api, id);
        expect(afterCooldown?.coolDownSeconds).toBe(0);
        expect(afterCooldown?.nextFireAt).toBe(atLaunch);

        // Back to an alarm policy: the trigger is cleared.
        expect((await put({ scaling_policy_type: 'ALARM', alarm_id: 'al-2' })).statusCode).toBe(
          200,
        );
        expect(await stored(api, id)).toMatchObject({ policyType: 'ALARM', alarmId: 'al-2' });
        expect((await stored(api, id))?.nextFireAt).toBeUndefined();
        expect((await stored(api, id))?.scheduledPolicy).toBeUndefined();

        expect(expectAsError(await put({ scaling_group_id: groupId }), 400, 'AS.0022')).toContain(
          '"scaling_group_id"',
        );
        expect(expectAsError(await put({ cool_down_time: 'soon' }), 400, 'AS.3012')).toContain(
          'soon',
        );
        expect(expectAsError(await put({ alarm_id: '' }), 400, 'AS.3026')).toContain('alarm_id');
        expect(
          expectAsError(await send(api, 'PUT', `${v1Url()}/${uuid(0xbeef)}`, {}), 404, 'AS.3020'),
        ).toBe('The AS policy does not exist.');
        expect((await show(api, 'v1', id)).scaling_policy_name).toBe('p2');
      });
    });

    describe('v2', () => {
      it('updates a v2 policy as a whole, its resource included', async () => {
        const api = await openTestApi(backend);
        const groupId = await createGroup(api);
        await insertBandwidth(api);
        const id = await create(api, v2Url(), {
          scaling_policy_name: 'p1',
          scaling_resource_id: groupId,
          scaling_resource_type: 'SCALING_GROUP',
          scaling_policy_type: 'ALARM',
          alarm_id: alarmId,
          scaling_policy_action: { operation: 'ADD', percentage: 10 },
          description: 'first',
        });
        const put = (body: unknown) => send(api, 'PUT', `${v2Url()}/${id}`, body);

        // A bandwidth takes no percentage: moving the policy needs a new action.
        expect(
          expectAsError(
            await put({ scaling_resource_type: 'BANDWIDTH', scaling_resource_id: bandwidthId }),
            400,
            'AS.3035',
          ),
        ).toContain('percentage 10:');
        expect(
          expectAsError(await put({ scaling_resource_id: uuid(0xdead) }), 400, 'AS.3042'),
        ).toContain(uuid(0xdead));
        const moved = await put({
          scaling_resource_type: 'BANDWIDTH',
          scaling_resource_id: bandwidthId,
          scaling_policy_action: { operation: 'REDUCE', size: 2, limits: 5 },
          description: '',
        });
        expect(moved.statusCode, moved.body).toBe(200);
        expect(moved.json()).toStrictEqual({ scaling_policy_id: id });
        expect(await show(api, 'v2', id)).toStrictEqual({
          scaling_policy_name: 'p1',
          scaling_policy_id: id,
          scaling_resource_id: bandwidthId,
          scaling_resource_type: 'BANDWIDTH',
          policy_status: 'INSERVICE',
          scaling_policy_type: 'ALARM',
          alarm_id: alarmId,
          scaling_policy_action: { operation: 'REDUCE', size: 2, limits: 5 },
          cool_down_time: 300,
          create_time: createTimeOf(api),
          meta_data: {
            metadata_bandwidth_share_type: 'PER',
            metadata_eip_id: eipId,
            metadata_eip_address: '192.0.2.10',
          },
        });
        const renamed = await put({ scaling_policy_name: 'p2', description: 'second' });
        expect(renamed.statusCode, renamed.body).toBe(200);
        expect(await show(api, 'v2', id)).toMatchObject({
          scaling_policy_name: 'p2',
          description: 'second',
          scaling_policy_action: { operation: 'REDUCE', size: 2, limits: 5 },
        });
        expect(expectAsError(await put({ bandwidth: 1 }), 400, 'AS.0022')).toContain('"bandwidth"');
        expectAsError(await send(api, 'PUT', `${v2Url()}/${uuid(0xbeef)}`, {}), 404, 'AS.3020');
        expectAsError(await send(api, 'PUT', `${v2Url()}/${id}`, 'text'), 400, 'AS.0022');
      });
    });
  });
}
