import type { LightMyRequestResponse } from 'fastify';
import { describe, expect, it } from 'vitest';
import { changeDescription } from '../../../src/domain/scaling-activity.js';
import type { ScalingActivity } from '../../../src/domain/scaling-activity.js';
import type { ScalingGroup } from '../../../src/domain/scaling-group.js';
import { testBackends } from '../../support/backends.js';
import { expectAsError, openTestApi, project, uuid } from '../../support/api-harness.js';
import type { TestApi } from '../../support/api-harness.js';

const otherProject = '9b7e35ad379141fc9df3e178bd64f55c';
const groupA = 'e5d27f5c-dd76-4a61-b4bc-a67c5686719a';
const groupB = '1f2d3e73-7ef6-40b3-a8fa-514b68eccaa7';
const minute = 60_000;

const url = (version: 'v1' | 'v2', query = '', groupId = groupA, projectId = project): string =>
  `/autoscaling-api/${version}/${projectId}/scaling_activity_log/${groupId}${query}`;

/** The time as the wire shows it, from a Unix ms time. */
const wireTime = (ms: number): string =>
  new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');

const group = (id: string, projectId = project): ScalingGroup => ({
  id,
  projectId,
  name: 'web',
  status: 'INSERVICE',
  minInstances: 0,
  maxInstances: 10,
  desireInstances: 2,
  coolDownSeconds: 300,
  createTime: 1_700_000_000_000,
  attributes: {},
});

const activity = (n: number, startTime: number, o: Partial<ScalingActivity> = {}) =>
  ({
    id: uuid(n),
    projectId: project,
    groupId: groupA,
    status: 'SUCCESS',
    type: 'NORMAL',
    startTime,
    endTime: startTime + minute,
    description: changeDescription([
      { changeReason: 'DIFF', oldValue: 0, newValue: 1, changeTime: startTime },
    ]),
    instanceValue: 0,
    desireValue: 1,
    scalingValue: 1,
    added: [],
    removed: [],
    deleted: [],
    failed: [],
    standby: [],
    ...o,
  }) satisfies ScalingActivity;

/** The activity without an end time, as a DOING one is stored. */
const withoutEnd = (a: ScalingActivity): ScalingActivity =>
  Object.fromEntries(
    Object.entries(a).filter(([k]) => k !== 'endTime'),
  ) as unknown as ScalingActivity;

async function seedGroups(api: TestApi): Promise<void> {
  await api.store.resourceSession(async (tx) => {
    await tx.groups.insert(group(groupA));
    await tx.groups.insert(group(groupB));
    await tx.groups.insert(group(groupA.replace('e5', 'f5'), otherProject));
  });
}

async function insert(api: TestApi, activities: readonly ScalingActivity[]): Promise<void> {
  await api.store.resourceSession(async (tx) => {
    for (const a of activities) await tx.activities.insert(a);
  });
}

interface Page {
  limit: number;
  scaling_activity_log: Record<string, unknown>[];
  total_number: number;
  start_number: number;
}

async function page(api: TestApi, target: string): Promise<Page> {
  const res = await api.inject({ url: target });
  expect(res.statusCode, res.body).toBe(200);
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  const body = res.json<Page>();
  expect(Object.keys(body)).toEqual([
    'limit',
    'scaling_activity_log',
    'total_number',
    'start_number',
  ]);
  return body;
}

const ids = (p: Page): unknown[] => p.scaling_activity_log.map((a) => a['id']);

/** The same request as the SDK sends it: a GET with `Content-Type: application/json`. */
const getAsSdk = (api: TestApi, target: string): Promise<LightMyRequestResponse> =>
  api.inject({ url: target, headers: { 'content-type': 'application/json' } });

for (const backend of testBackends) {
  describe.skipIf(!backend.available)(`the scaling activity logs on ${backend.name}`, () => {
    it('answers v1 and v2 entries field by field, with the JSON types the SDK models', async () => {
      const api = await openTestApi(backend);
      await seedGroups(api);
      const t = api.clock.now() - 60 * minute;
      const added = activity(1, t, {
        added: [
          { id: 'srv-1', name: 'as-config-bblh-ONQE551S', configurationId: 'cfg-1' },
          { id: 'srv-2', name: 'as-config-bblh-KQ2ZBD4T', configurationId: 'cfg-1' },
        ],
        instanceValue: 0,
        desireValue: 2,
        scalingValue: 2,
      });
      const failed = activity(2, t + 10 * minute, {
        status: 'FAIL',
        type: 'MANUAL_ADD',
        description: 'Add instances manually.',
        failed: [
          {
            id: 'srv-3',
            name: 'ecs-3',
            failedReason: 'AS.4024',
            failedDetails: 'The instance is not in the active status.',
          },
        ],
        instanceValue: 2,
        desireValue: 3,
        scalingValue: 1,
      });
      const doing = activity(3, t + 20 * minute, {
        status: 'DOING',
        settlesAt: api.clock.now() + 5 * minute,
        removed: [{ id: 'srv-1', name: 'as-config-bblh-ONQE551S' }],
        deleted: [
          { id: 'srv-2', name: 'as-config-bblh-KQ2ZBD4T' },
          { id: 'srv-4', name: 'ecs-4' },
        ],
        instanceValue: 3,
        desireValue: 0,
        scalingValue: 3,
      });
      await insert(api, [added, failed, withoutEnd(doing)]);

      const v1 = await page(api, url('v1'));
      expect(v1.limit).toBe(20);
      expect(v1.start_number).toBe(0);
      expect(v1.total_number).toBe(3);
      // toStrictEqual tells a missing key from one set to null, and 1 from "1".
      expect(v1.scaling_activity_log).toStrictEqual([
        {
          id: uuid(3),
          instance_value: 3,
          desire_value: 0,
          scaling_value: 3,
          start_time: wireTime(doing.startTime),
          end_time: null,
          instance_added_list: null,
          instance_deleted_list: 'as-config-bblh-KQ2ZBD4T,ecs-4',
          instance_removed_list: 'as-config-bblh-ONQE551S',
          status: 'DOING',
          description: doing.description,
        },
        {
          id: uuid(2),
          instance_value: 2,
          desire_value: 3,
          scaling_value: 1,
          start_time: wireTime(failed.startTime),
          end_time: wireTime(failed.endTime),
          instance_added_list: null,
          instance_deleted_list: null,
          instance_removed_list: null,
          status: 'FAIL',
          description: 'Add instances manually.',
        },
        {
          id: uuid(1),
          instance_value: 0,
          desire_value: 2,
          scaling_value: 2,
          start_time: wireTime(added.startTime),
          end_time: wireTime(added.endTime),
          instance_added_list: 'as-config-bblh-ONQE551S,as-config-bblh-KQ2ZBD4T',
          instance_deleted_list: null,
          instance_removed_list: null,
          status: 'SUCCESS',
          description: added.description,
        },
      ]);
      // The key order of the reference's example.
      expect(Object.keys(v1.scaling_activity_log[0] ?? {})).toEqual([
        'id',
        'instance_value',
        'desire_value',
        'scaling_value',
        'start_time',
        'end_time',
        'instance_added_list',
        'instance_deleted_list',
        'instance_removed_list',
        'status',
        'description',
      ]);
      expect(JSON.parse(added.description)).toStrictEqual({
        reason: [
          {
            change_reason: 'DIFF',
            old_value: 0,
            change_time: wireTime(added.startTime),
            new_value: 1,
          },
        ],
      });

      const noLb = {
        lb_bind_success_list: [],
        lb_bind_failed_list: [],
        lb_unbind_success_list: [],
        lb_unbind_failed_list: [],
      };
      const v2 = await page(api, url('v2'));
      expect(v2.total_number).toBe(3);
      expect(v2.scaling_activity_log).toStrictEqual([
        {
          id: uuid(3),
          instance_value: 3,
          desire_value: 0,
          scaling_value: 3,
          start_time: wireTime(doing.startTime),
          instance_added_list: [],
          instance_deleted_list: [
            { instance_id: 'srv-2', instance_name: 'as-config-bblh-KQ2ZBD4T' },
            { instance_id: 'srv-4', instance_name: 'ecs-4' },
          ],
          instance_removed_list: [
            { instance_id: 'srv-1', instance_name: 'as-config-bblh-ONQE551S' },
          ],
          instance_failed_list: [],
          instance_standby_list: [],
          status: 'DOING',
          description: doing.description,
          ...noLb,
          type: 'NORMAL',
        },
        {
          id: uuid(2),
          instance_value: 2,
          desire_value: 3,
          scaling_value: 1,
          start_time: wireTime(failed.startTime),
          end_time: wireTime(failed.endTime),
          instance_added_list: [],
          instance_deleted_list: [],
          instance_removed_list: [],
          instance_failed_list: [
            {
              instance_id: 'srv-3',
              instance_name: 'ecs-3',
              failed_reason: 'AS.4024',
              failed_details: 'The instance is not in the active status.',
            },
          ],
          instance_standby_list: [],
          status: 'FAIL',
          description: 'Add instances manually.',
          ...noLb,
          type: 'MANUAL_ADD',
        },
        {
          id: uuid(1),
          instance_value: 0,
          desire_value: 2,
          scaling_value: 2,
          start_time: wireTime(added.startTime),
          end_time: wireTime(added.endTime),
          instance_added_list: [
            {
              instance_id: 'srv-1',
              instance_name: 'as-config-bblh-ONQE551S',
              instance_config: 'cfg-1',
            },
            {
              instance_id: 'srv-2',
              instance_name: 'as-config-bblh-KQ2ZBD4T',
              instance_config: 'cfg-1',
            },
          ],
          instance_deleted_list: [],
          instance_removed_list: [],
          instance_failed_list: [],
          instance_standby_list: [],
          status: 'SUCCESS',
          description: added.description,
          ...noLb,
          type: 'NORMAL',
        },
      ]);
      expect(Object.keys(v2.scaling_activity_log[2] ?? {})).toEqual([
        'id',
        'instance_value',
        'desire_value',
        'scaling_value',
        'start_time',
        'end_time',
        'instance_added_list',
        'instance_deleted_list',
        'instance_removed_list',
        'instance_failed_list',
        'instance_standby_list',
        'status',
        'description',
        'lb_bind_success_list',
        'lb_bind_failed_list',
        'lb_unbind_success_list',
        'lb_unbind_failed_list',
        'type',
      ]);
    });

    it('reads a DOING activity as SUCCESS from when it settles, before the engine writes it down', async () => {
      const api = await openTestApi(backend);
      await seedGroups(api);
      const start = api.clock.now() - minute;
      const settlesAt = api.clock.now() + 90_000;
      await insert(api, [withoutEnd(activity(1, start, { status: 'DOING', settlesAt }))]);
      const before = await page(api, url('v2', '?status=DOING'));
      expect(ids(before)).toEqual([uuid(1)]);
      expect(before.scaling_activity_log[0]).not.toHaveProperty('end_time');
      expect(ids(await page(api, url('v2', '?status=SUCCESS')))).toEqual([]);

      api.clock.advance(90_000);
      const v1 = await page(api, url('v1'));
      expect(v1.scaling_activity_log[0]).toMatchObject({
        status: 'SUCCESS',
        end_time: wireTime(settlesAt),
      });
      const after = await page(api, url('v2', '?status=SUCCESS'));
      expect(ids(after)).toEqual([uuid(1)]);
      expect(after.scaling_activity_log[0]).toMatchObject({
        status: 'SUCCESS',
        end_time: wireTime(settlesAt),
      });
      expect((await page(api, url('v2', '?status=DOING'))).total_number).toBe(0);
      // The same once it is written down.
      await api.store.resourceSession((tx) => tx.activities.settleDue(api.clock.now(), 100));
      expect(await page(api, url('v2'))).toStrictEqual(after);
    });

    it('filters by time, id, type and status, and pages newest first', async () => {
      const api = await openTestApi(backend);
      await seedGroups(api);
      const t = Date.UTC(2024, 0, 10, 12, 0, 0);
      await insert(api, [
        activity(1, t, { type: 'NORMAL' }),
        activity(2, t + minute + 500, { type: 'MANUAL_ADD', status: 'FAIL' }),
        activity(3, t + 2 * minute, { type: 'MANUAL_DELETE' }),
        // Two at one time: the larger id first.
        activity(4, t + 3 * minute, { type: 'DIFF' }),
        activity(5, t + 3 * minute, { type: 'ENTER_STANDBY' }),
        // Another group's and another project's group's are never listed.
        activity(6, t, { groupId: groupB }),
        activity(7, t, { projectId: otherProject }),
      ]);
      expect(ids(await page(api, url('v1')))).toEqual([
        uuid(5),
        uuid(4),
        uuid(3),
        uuid(2),
        uuid(1),
      ]);
      expect(ids(await page(api, url('v2', '', groupB)))).toEqual([uuid(6)]);

      // Both bounds inclusive; the end covers its whole second (uuid(2) at 12:01:00.500).
      const range = '?start_time=2024-01-10T12:01:00Z&end_time=2024-01-10T12:02:00Z';
      for (const v of ['v1', 'v2'] as const) {
        const p = await page(api, url(v, range));
        expect(ids(p)).toEqual([uuid(3), uuid(2)]);
        expect(p.total_number).toBe(2);
      }
      expect(ids(await page(api, url('v1', '?start_time=2024-01-10T12:03:00Z')))).toEqual([
        uuid(5),
        uuid(4),
      ]);
      expect(ids(await page(api, url('v1', '?end_time=2024-01-10T12:00:59Z')))).toEqual([uuid(1)]);
      // One moment: start and end alike.
      expect(
        ids(
          await page(
            api,
            url('v2', '?start_time=2024-01-10T12:00:00Z&end_time=2024-01-10T12:00:00Z'),
          ),
        ),
      ).toEqual([uuid(1)]);

      expect(ids(await page(api, url('v2', `?log_id=${uuid(3)}`)))).toEqual([uuid(3)]);
      expect(ids(await page(api, url('v2', `?log_id=${uuid(6)}`)))).toEqual([]);
      expect(ids(await page(api, url('v2', '?type=MANUAL_ADD,MANUAL_DELETE')))).toEqual([
        uuid(3),
        uuid(2),
      ]);
      expect(ids(await page(api, url('v2', '?type=MODIFY_ELB')))).toEqual([]);
      expect(ids(await page(api, url('v2', '?status=FAIL')))).toEqual([uuid(2)]);
      expect(ids(await page(api, url('v2', '?status=SUCCESS&type=NORMAL,MANUAL_ADD')))).toEqual([
        uuid(1),
      ]);
      // v1 takes none of v2's filters: they are ignored, as any unknown parameter is.
      expect(
        ids(await page(api, url('v1', `?type=NORMAL&status=FAIL&log_id=nope&x=1`))),
      ).toHaveLength(5);
      // An empty value counts as absent.
      expect((await page(api, url('v2', '?type=&status=&start_time=&limit='))).total_number).toBe(
        5,
      );

      const second = await page(api, url('v2', '?start_number=1&limit=2'));
      expect(ids(second)).toEqual([uuid(4), uuid(3)]);
      expect([second.total_number, second.start_number, second.limit]).toEqual([5, 1, 2]);
      const empty = await page(api, url('v1', '?limit=0'));
      expect(empty.scaling_activity_log).toEqual([]);
      expect([empty.total_number, empty.limit]).toEqual([5, 0]);
      const past = await page(api, url('v1', '?start_number=5'));
      expect([past.scaling_activity_log.length, past.total_number]).toEqual([0, 5]);
      expect((await page(api, url('v1', '?limit=100'))).limit).toBe(100);
    });

    it('answers AS.2007 for a group not in the caller project, and an empty page for a group without activities', async () => {
      const api = await openTestApi(backend);
      await seedGroups(api);
      await insert(api, [activity(1, api.clock.now())]);
      for (const v of ['v1', 'v2'] as const) {
        expectAsError(await api.inject({ url: url(v, '', uuid(99)) }), 400, 'AS.2007');
        // Another project's group, asked for under this project: not told apart from none.
        const theirs = groupA.replace('e5', 'f5');
        const message = expectAsError(
          await api.inject({ url: url(v, '', theirs) }),
          400,
          'AS.2007',
        );
        expect(message).toContain(theirs);
        // This project's group, asked for under another project (with its own credential).
        expectAsError(await api.inject({ url: url(v, '', groupA, otherProject) }), 400, 'AS.2007');
        const none = await page(api, url(v, '', groupB));
        expect([none.total_number, none.scaling_activity_log]).toEqual([0, []]);
      }
    });

    it('refuses each bad query value with its documented code, naming what was wrong', async () => {
      const api = await openTestApi(backend);
      await seedGroups(api);
      const cases: [string, string, string, ('v1' | 'v2')[]][] = [
        ['?start_time=2024-01-10T12:00:00', 'AS.4008', 'start_time', ['v1', 'v2']],
        ['?start_time=2024-02-30T12:00:00Z', 'AS.4008', 'start_time', ['v1', 'v2']],
        ['?end_time=yesterday', 'AS.4009', 'end_time', ['v1', 'v2']],
        [
          '?start_time=2024-01-10T12:00:01Z&end_time=2024-01-10T12:00:00Z',
          'AS.4009',
          'earlier than start_time',
          ['v1', 'v2'],
        ],
        ['?start_number=-1', 'AS.4010', '"-1"', ['v1', 'v2']],
        ['?start_number=1.5', 'AS.4010', '"1.5"', ['v1', 'v2']],
        ['?limit=101', 'AS.4011', '"101"', ['v1', 'v2']],
        ['?limit=ten', 'AS.4011', '"ten"', ['v1', 'v2']],
        ['?log_id=not-a-log', 'AS.4012', 'not-a-log', ['v2']],
        ['?type=NORMAL,SCALE_OUT', 'AS.0022', 'SCALE_OUT', ['v2']],
        ['?type=NORMAL,', 'AS.0022', 'type', ['v2']],
        ['?type=normal', 'AS.0022', 'normal', ['v2']],
        ['?status=DONE', 'AS.0022', 'DONE', ['v2']],
        ['?limit=1&limit=2', 'AS.0022', 'limit', ['v1', 'v2']],
        ['?status=FAIL&status=FAIL', 'AS.0022', 'status', ['v2']],
      ];
      for (const [query, code, named, versions] of cases) {
        for (const v of versions) {
          const message = expectAsError(await api.inject({ url: url(v, query) }), 400, code);
          expect(message, `${v} ${query}`).toContain(named);
        }
      }
      // The query is checked before the group is looked up.
      expectAsError(await api.inject({ url: url('v1', '?limit=-1', uuid(99)) }), 400, 'AS.4011');
    });

    it("answers the SDK's request, sent with Content-Type: application/json and no body", async () => {
      const api = await openTestApi(backend);
      await seedGroups(api);
      await insert(api, [activity(1, api.clock.now())]);
      for (const v of ['v1', 'v2'] as const) {
        const res = await getAsSdk(api, url(v, '?start_number=0&limit=20'));
        expect(res.statusCode, res.body).toBe(200);
        expect(res.json<Page>().total_number).toBe(1);
      }
    });
  });
}
