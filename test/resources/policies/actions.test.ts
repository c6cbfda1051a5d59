import { describe, expect, it } from 'vitest';
import { formatMinuteTime } from '../../../src/domain/recurrence.js';
import { testBackends } from '../../support/backends.js';
import {
  expectAsError,
  logsPath,
  openTestApi,
  project,
  uuid,
  uuidPattern,
} from '../../support/api-harness.js';
import {
  minute,
  day,
  v1Url,
  v2Url,
  batchUrl,
  groupsUrl,
  alarmId,
  bandwidthId,
  eipId,
  send,
  createGroup,
  insertBandwidth,
  create,
  show,
  stored,
  action,
  list,
  createTimeOf,
} from './policy-test-helpers.js';
import type { Body } from './policy-test-helpers.js';

/** Execute, pause and resume, for group and bandwidth policies. */

for (const backend of testBackends) {
  describe.skipIf(!backend.available)(
    `scaling policy API, execute, pause and resume: ${backend.name}`,
    () => {
      it('executes a policy now: the group scales and the log records it', async () => {
        const api = await openTestApi(backend);
        const groupId = await createGroup(api, { min: 1, max: 5, desire: 1 });
        const id = await create(api, v1Url(), {
          scaling_policy_name: 'scale-out',
          scaling_group_id: groupId,
          scaling_policy_type: 'ALARM',
          alarm_id: alarmId,
          scaling_policy_action: { operation: 'ADD', instance_number: 2 },
        });
        const executed = await action(api, id, 'execute');
        expect(executed.statusCode, executed.body).toBe(204);
        expect(executed.body).toBe('');

        const group = await send(api, 'GET', `${groupsUrl()}/${groupId}`);
        expect(group.json<{ scaling_group: Body }>().scaling_group.desire_instance_number).toBe(3);
        const at = createTimeOf(api);
        const logs = await send(api, 'GET', logsPath(project, id));
        expect(logs.statusCode, logs.body).toBe(200);
        expect(logs.json()).toStrictEqual({
          total_number: 1,
          start_number: 0,
          limit: 20,
          scaling_policy_execute_log: [
            {
              id: expect.stringMatching(uuidPattern) as unknown,
              status: 'SUCCESS',
              execute_type: 'MANUAL',
              execute_time: at,
              tenant_id: project,
              scaling_policy_id: id,
              scaling_resource_type: 'SCALING_GROUP',
              scaling_resource_id: groupId,
              old_value: '1',
              desire_value: '3',
              limit_value: '5',
              type: 'ADD',
              job_records: [
                {
                  job_name: 'ADJUST_VM_NUMBERS',
                  record_type: 'MEG',
                  record_time: at,
                  message: 'modify desire number of scaling group',
                  job_status: 'SUCCESS',
                },
              ],
            },
          ],
        });
        expect((await show(api, 'v1', id)).policy_status).toBe('INSERVICE');
      });

      it('answers a refused execution with its code and records it as FAIL', async () => {
        const api = await openTestApi(backend);
        const groupId = await createGroup(api, { min: 0, max: 2, desire: 2 });
        const id = await create(api, v1Url(), {
          scaling_policy_name: 'p1',
          scaling_group_id: groupId,
          scaling_policy_type: 'ALARM',
          alarm_id: alarmId,
        });
        const failReasons = async (): Promise<unknown[]> =>
          (
            await send(api, 'GET', `${logsPath(project, id)}?limit=100`).then((r) =>
              r.json<{ scaling_policy_execute_log: Body[] }>(),
            )
          ).scaling_policy_execute_log.map((l) => [l.status, l.execute_type, l.failed_reason]);

        // At the group's max.
        expect(expectAsError(await action(api, id, 'execute'), 400, 'AS.3040')).toBe(
          `The adjustment by policy reached the limit. The scaling group ${groupId} is already at its upper bound (2 instances): the adjustment reached the limit.`,
        );
        // A paused policy.
        expect((await action(api, id, 'pause')).statusCode).toBe(204);
        const paused = expectAsError(await action(api, id, 'execute'), 400, 'AS.3027');
        expect(paused).toContain(`The policy ${id} is PAUSED`);
        const reasons = await failReasons();
        expect(reasons).toHaveLength(2);
        expect(reasons).toEqual(
          expect.arrayContaining([
            ['FAIL', 'MANUAL', expect.stringMatching(/^AS\.3027: The policy .* is PAUSED/)],
            ['FAIL', 'MANUAL', expect.stringMatching(/^AS\.3040: /)],
          ]),
        );
        // A paused group.
        expect((await action(api, id, 'resume')).statusCode).toBe(204);
        expect(
          (await send(api, 'POST', `${groupsUrl()}/${groupId}/action`, { action: 'pause' }))
            .statusCode,
        ).toBe(204);
        expect(expectAsError(await action(api, id, 'execute'), 400, 'AS.3027')).toContain(
          `The scaling group ${groupId} is PAUSED`,
        );
        expect(await failReasons()).toHaveLength(3);

        expect(expectAsError(await action(api, id, 'stop'), 400, 'AS.3022')).toContain(
          '"stop": expected execute, resume or pause',
        );
        expectAsError(await action(api, uuid(0xbeef), 'execute'), 404, 'AS.3020');
        expectAsError(await action(api, uuid(0xbeef), 'pause'), 404, 'AS.3020');
        expectAsError(
          await send(api, 'POST', `${v1Url()}/${id}/action`, { action: 'pause', force: true }),
          400,
          'AS.0022',
        );
        expect(await failReasons()).toHaveLength(3);
      });

      it('shows EXECUTING while an execution is under way, and refuses a second one', async () => {
        const api = await openTestApi(backend, { config: { instanceSettleMs: 60_000 } });
        const groupId = await createGroup(api, { min: 0, max: 10, desire: 1 });
        const id = await create(api, v1Url(), {
          scaling_policy_name: 'p1',
          scaling_group_id: groupId,
          scaling_policy_type: 'ALARM',
          alarm_id: alarmId,
        });
        api.clock.advance(1000);
        const other = await create(api, v1Url(), {
          scaling_policy_name: 'p2',
          scaling_group_id: groupId,
          scaling_policy_type: 'ALARM',
          alarm_id: alarmId,
        });
        expect((await action(api, id, 'execute')).statusCode).toBe(204);
        expect((await show(api, 'v1', id)).policy_status).toBe('EXECUTING');
        expect((await show(api, 'v2', id)).policy_status).toBe('EXECUTING');
        expect((await show(api, 'v1', other)).policy_status).toBe('INSERVICE');
        expect(
          (await list(api, `${v1Url()}/${groupId}/list`)).scaling_policies.map((p) => [
            p.scaling_policy_id,
            p.policy_status,
          ]),
        ).toEqual([
          [other, 'INSERVICE'],
          [id, 'EXECUTING'],
        ]);
        expect(expectAsError(await action(api, id, 'execute'), 400, 'AS.3038')).toContain(
          'still executing',
        );
        expect(expectAsError(await action(api, other, 'execute'), 400, 'AS.0034')).toContain(
          `busy with an execution of policy ${id}`,
        );

        // A batch delete without force leaves it, and everything else, in place.
        const noForce = await send(api, 'POST', batchUrl(), {
          scaling_policy_id: [other, id],
          action: 'delete',
        });
        const message = expectAsError(noForce, 400, 'AS.3045');
        expect(message).toContain(`${id}: an execution of the policy is under way`);
        expect(message).not.toContain(`${other}:`);
        expect((await show(api, 'v1', other)).scaling_policy_id).toBe(other);
        const forced = await send(api, 'POST', batchUrl(), {
          scaling_policy_id: [other, id],
          action: 'delete',
          force_delete: 'yes',
          delete_alarm: 'yes',
        });
        expect(forced.statusCode, forced.body).toBe(204);
        expectAsError(await send(api, 'GET', `${v1Url()}/${id}`), 404, 'AS.3020');
        expectAsError(await send(api, 'GET', `${v1Url()}/${other}`), 404, 'AS.3020');
      });

      it('pauses and resumes idempotently; a resumed schedule fires only from now on', async () => {
        const api = await openTestApi(backend);
        const groupId = await createGroup(api);
        const now = api.clock.now();
        const launch = formatMinuteTime(now + 10 * minute);
        const atLaunch = Date.parse(launch.replace('Z', ':00Z'));
        const id = await create(api, v1Url(), {
          scaling_policy_name: 'once',
          scaling_group_id: groupId,
          scaling_policy_type: 'SCHEDULED',
          scheduled_policy: { launch_time: launch },
        });
        expect((await stored(api, id))?.nextFireAt).toBe(atLaunch);

        for (let i = 0; i < 2; i += 1) {
          const paused = await action(api, id, 'pause');
          expect(paused.statusCode, paused.body).toBe(204);
          expect((await show(api, 'v1', id)).policy_status).toBe('PAUSED');
          expect((await stored(api, id))?.nextFireAt).toBeUndefined();
        }
        for (let i = 0; i < 2; i += 1) {
          expect((await action(api, id, 'resume')).statusCode).toBe(204);
          expect((await show(api, 'v1', id)).policy_status).toBe('INSERVICE');
          expect((await stored(api, id))?.nextFireAt).toBe(atLaunch);
        }

        // Paused over its launch time: resumed, it has nothing left to fire.
        expect((await action(api, id, 'pause')).statusCode).toBe(204);
        api.clock.advance(20 * minute);
        expect((await action(api, id, 'resume')).statusCode).toBe(204);
        expect((await show(api, 'v1', id)).policy_status).toBe('INSERVICE');
        expect((await stored(api, id))?.nextFireAt).toBeUndefined();

        // A daily recurrence resumed moves on to its next occurrence from now.
        const daily = await create(api, v1Url(), {
          scaling_policy_name: 'daily',
          scaling_group_id: groupId,
          scaling_policy_type: 'RECURRENCE',
          scheduled_policy: {
            launch_time: formatMinuteTime(api.clock.now() + 5 * minute).slice(11, 16),
            recurrence_type: 'Daily',
            end_time: formatMinuteTime(api.clock.now() + 10 * day),
          },
        });
        const first = (await stored(api, daily))?.nextFireAt;
        expect(first).toBeGreaterThan(api.clock.now());
        expect((await action(api, daily, 'pause')).statusCode).toBe(204);
        api.clock.advance(10 * minute);
        expect((await action(api, daily, 'resume')).statusCode).toBe(204);
        expect((await stored(api, daily))?.nextFireAt).toBe((first ?? 0) + day);
      });

      it('executes, pauses and deletes a bandwidth policy through the v1 paths', async () => {
        const api = await openTestApi(backend);
        await insertBandwidth(api, { size: 10 });
        const id = await create(api, v2Url(), {
          scaling_policy_name: 'bw',
          scaling_resource_id: bandwidthId,
          scaling_resource_type: 'BANDWIDTH',
          scaling_policy_type: 'ALARM',
          alarm_id: alarmId,
          scaling_policy_action: { operation: 'ADD', size: 5, limits: 12 },
        });
        expect((await action(api, id, 'execute')).statusCode).toBe(204);
        expect(
          (await api.store.resourceRead((tx) => tx.bandwidths.get(project, bandwidthId)))?.size,
        ).toBe(12);
        const logs = await send(api, 'GET', logsPath(project, id));
        expect(
          logs.json<{ scaling_policy_execute_log: Body[] }>().scaling_policy_execute_log,
        ).toEqual([
          expect.objectContaining({
            status: 'SUCCESS',
            execute_type: 'MANUAL',
            scaling_resource_type: 'BANDWIDTH',
            old_value: '10',
            desire_value: '12',
            limit_value: '12',
            meta_data: {
              metadata_bandwidth_share_type: 'PER',
              metadata_eip_id: eipId,
              metadataeip_address: '192.0.2.10',
            },
          }) as unknown,
        ]);
        // At its limit now.
        expectAsError(await action(api, id, 'execute'), 400, 'AS.3040');
        expect((await action(api, id, 'pause')).statusCode).toBe(204);
        expect((await show(api, 'v2', id)).policy_status).toBe('PAUSED');
        expect((await send(api, 'DELETE', `${v1Url()}/${id}`)).statusCode).toBe(204);
        expectAsError(await send(api, 'GET', `${v2Url()}/${id}`), 404, 'AS.3020');
      });

      it('answers an execution on a vanished resource with the code its FAIL log records', async () => {
        const api = await openTestApi(backend);
        const now = api.clock.now();
        // Policies whose group or bandwidth is gone: written past the API, which refuses them.
        const vanished = [
          ['SCALING_GROUP', uuid(0xdead), 'AS.2007', 'The AS group does not exist.'],
          [
            'BANDWIDTH',
            uuid(0xbead),
            'AS.3042',
            'The scaling resource in the AS policy does not exist.',
          ],
        ] as const;
        for (const [i, [resourceType, resourceId, code, summary]] of vanished.entries()) {
          const id = uuid(0x2000 + i);
          await api.store.resourceSession((tx) =>
            tx.policies.insert({
              id,
              projectId: project,
              name: `p${String(i)}`,
              resourceType,
              resourceId,
              policyType: 'ALARM',
              alarmId,
              action: { operation: 'ADD', number: 1 },
              coolDownSeconds: 300,
              status: 'INSERVICE',
              createTime: now,
            }),
          );
          expect(expectAsError(await action(api, id, 'execute'), 400, code)).toContain(summary);
          const logs = await send(api, 'GET', logsPath(project, id));
          expect(
            logs
              .json<{ scaling_policy_execute_log: Body[] }>()
              .scaling_policy_execute_log.map((l) => [l.status, l.failed_reason]),
          ).toEqual([
            ['FAIL', expect.stringMatching(new RegExp(`^${code}: .*${resourceId} does not exist`))],
          ]);
        }
      });
    },
  );
}
