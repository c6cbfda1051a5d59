import { describe, expect, it } from 'vitest';
import { formatMinuteTime } from '../../../src/domain/recurrence.js';
import { testBackends } from '../../support/backends.js';
import { expectAsError, openTestApi, uuid } from '../../support/api-harness.js';
import {
  day,
  v1Url,
  v2Url,
  alarmId,
  bandwidthId,
  send,
  createGroup,
  insertBandwidth,
  create,
  show,
  list,
  names,
} from './policy-test-helpers.js';
import type { Body } from './policy-test-helpers.js';

/** Listing scaling policies: by group (v1), the project's and by resource (v2). */

for (const backend of testBackends) {
  describe.skipIf(!backend.available)(`scaling policy API, lists: ${backend.name}`, () => {
    describe('v1', () => {
      it("lists a group's policies newest first, filtered and paged", async () => {
        const api = await openTestApi(backend);
        const groupId = await createGroup(api);
        const otherGroup = await createGroup(api);
        const now = api.clock.now();
        const base = { scaling_group_id: groupId, alarm_id: alarmId };
        const ids: string[] = [];
        for (const [name, type] of [
          ['web-Scale-out', 'ALARM'],
          ['web-scale-in', 'ALARM'],
          ['db-Scale-out', 'SCHEDULED'],
        ] as const) {
          ids.push(
            await create(api, v1Url(), {
              ...base,
              scaling_policy_name: name,
              scaling_policy_type: type,
              scheduled_policy: { launch_time: formatMinuteTime(now + day) },
            }),
          );
          api.clock.advance(1000);
        }
        await create(api, v1Url(), {
          ...base,
          scaling_group_id: otherGroup,
          scaling_policy_name: 'other-group',
          scaling_policy_type: 'ALARM',
        });
        const url = `${v1Url()}/${groupId}/list`;

        const all = await list(api, url);
        expect(all).toMatchObject({ total_number: 3, start_number: 0, limit: 20 });
        expect(names(all)).toEqual(['db-Scale-out', 'web-scale-in', 'web-Scale-out']);
        expect(all.scaling_policies[0]).toStrictEqual(await show(api, 'v1', String(ids[2])));

        expect(names(await list(api, `${url}?scaling_policy_name=Scale`))).toEqual([
          'db-Scale-out',
          'web-Scale-out',
        ]);
        expect(names(await list(api, `${url}?scaling_policy_name=scale`))).toEqual([
          'web-scale-in',
        ]);
        expect(names(await list(api, `${url}?scaling_policy_type=SCHEDULED`))).toEqual([
          'db-Scale-out',
        ]);
        expect(names(await list(api, `${url}?scaling_policy_id=${String(ids[0])}`))).toEqual([
          'web-Scale-out',
        ]);
        const page = await list(api, `${url}?start_number=1&limit=1`);
        expect(page).toMatchObject({ total_number: 3, start_number: 1, limit: 1 });
        expect(names(page)).toEqual(['web-scale-in']);
        expect((await list(api, `${url}?limit=0`)).scaling_policies).toEqual([]);

        expectAsError(await send(api, 'GET', `${url}?limit=101`), 400, 'AS.1002');
        expectAsError(await send(api, 'GET', `${url}?start_number=-1`), 400, 'AS.1001');
        expect(
          expectAsError(await send(api, 'GET', `${url}?scaling_policy_type=CRON`), 400, 'AS.3002'),
        ).toContain('"CRON"');
        expect(
          expectAsError(await send(api, 'GET', `${v1Url()}/${uuid(0xdead)}/list`), 400, 'AS.2007'),
        ).toContain(uuid(0xdead));
      });
    });

    describe('v2', () => {
      it('lists every policy of the project, filtered, sorted and paged', async () => {
        const api = await openTestApi(backend);
        const groupId = await createGroup(api);
        await insertBandwidth(api);
        const now = api.clock.now();
        const group = { scaling_resource_id: groupId, scaling_resource_type: 'SCALING_GROUP' };
        // Created in this order, a second apart.
        const bodies: Body[] = [
          {
            ...group,
            scaling_policy_name: 'b-once',
            scaling_policy_type: 'SCHEDULED',
            scheduled_policy: { launch_time: formatMinuteTime(now + day) },
          },
          {
            ...group,
            scaling_policy_name: 'a-alarm',
            scaling_policy_type: 'ALARM',
            alarm_id: 'al-1',
          },
          {
            ...group,
            scaling_policy_name: 'c-daily',
            scaling_policy_type: 'RECURRENCE',
            scheduled_policy: {
              launch_time: '12:00',
              recurrence_type: 'Daily',
              end_time: formatMinuteTime(now + 10 * day),
            },
          },
          {
            scaling_resource_id: bandwidthId,
            scaling_resource_type: 'BANDWIDTH',
            scaling_policy_name: 'd-bandwidth',
            scaling_policy_type: 'ALARM',
            alarm_id: 'al-2',
          },
        ];
        const ids: string[] = [];
        for (const body of bodies) {
          ids.push(await create(api, v2Url(), body));
          api.clock.advance(1000);
        }
        const url = v2Url();

        const all = await list(api, url);
        expect(all).toMatchObject({ total_number: 4, start_number: 0, limit: 20 });
        expect(names(all)).toEqual(['d-bandwidth', 'c-daily', 'a-alarm', 'b-once']);
        expect(all.scaling_policies[0]).toStrictEqual(await show(api, 'v2', String(ids[3])));
        const sorted = async (query: string): Promise<unknown[]> =>
          names(await list(api, `${url}?${query}`));
        expect(await sorted('sort_by=CREATE_TIME&order=ASC')).toEqual([
          'b-once',
          'a-alarm',
          'c-daily',
          'd-bandwidth',
        ]);
        expect(await sorted('sort_by=POLICY_NAME&order=ASC')).toEqual([
          'a-alarm',
          'b-once',
          'c-daily',
          'd-bandwidth',
        ]);
        expect(await sorted('sort_by=POLICY_NAME')).toEqual([
          'd-bandwidth',
          'c-daily',
          'b-once',
          'a-alarm',
        ]);
        // Alarm policies first, ascending: ALARM, then RECURRENCE, then SCHEDULED.
        expect((await sorted('sort_by=TRIGGER_CONDITION&order=ASC')).slice(2)).toEqual([
          'c-daily',
          'b-once',
        ]);
        expect((await sorted('sort_by=TRIGGER_CONDITION&order=ASC')).slice(0, 2).sort()).toEqual([
          'a-alarm',
          'd-bandwidth',
        ]);
        expect((await sorted('sort_by=TRIGGER_CONDITION&order=DESC')).slice(0, 2)).toEqual([
          'b-once',
          'c-daily',
        ]);

        expect(await sorted('scaling_resource_type=BANDWIDTH')).toEqual(['d-bandwidth']);
        expect(await sorted(`scaling_resource_id=${groupId}`)).toEqual([
          'c-daily',
          'a-alarm',
          'b-once',
        ]);
        expect(await sorted('scaling_policy_name=-a')).toEqual(['a-alarm']);
        expect(await sorted('scaling_policy_type=ALARM')).toEqual(['d-bandwidth', 'a-alarm']);
        expect(await sorted(`scaling_policy_id=${String(ids[0])}`)).toEqual(['b-once']);
        expect(await sorted('alarm_id=al-2')).toEqual(['d-bandwidth']);
        expect(
          await sorted('enterprise_project_id=all_granted_eps&limit=2&start_number=1'),
        ).toEqual(['c-daily', 'a-alarm']);

        expect(
          expectAsError(await send(api, 'GET', `${url}?sort_by=NAME`), 400, 'AS.3057'),
        ).toContain('"NAME"');
        expectAsError(await send(api, 'GET', `${url}?sort_by=constructor`), 400, 'AS.3057');
        expect(expectAsError(await send(api, 'GET', `${url}?order=asc`), 400, 'AS.3058')).toContain(
          '"asc"',
        );
        expectAsError(await send(api, 'GET', `${url}?scaling_resource_type=GROUP`), 400, 'AS.0022');
        expectAsError(await send(api, 'GET', `${url}?limit=x`), 400, 'AS.1002');

        // By resource.
        const byGroup = await list(api, `${url}/${groupId}/list?scaling_policy_type=ALARM`);
        expect(byGroup.total_number).toBe(1);
        expect(names(byGroup)).toEqual(['a-alarm']);
        const byBandwidth = await list(api, `${url}/${bandwidthId}/list`);
        expect(byBandwidth.scaling_policies).toEqual([await show(api, 'v2', String(ids[3]))]);
        expect(names(await list(api, `${url}/${groupId}/list?limit=1&start_number=2`))).toEqual([
          'b-once',
        ]);
        expect(
          expectAsError(await send(api, 'GET', `${url}/${uuid(0xdead)}/list`), 400, 'AS.3042'),
        ).toContain(uuid(0xdead));
      });
    });
  });
}
