import type { LightMyRequestResponse } from 'fastify';
import { describe, expect, it } from 'vitest';
import type { Bandwidth } from '../../../src/domain/bandwidth.js';
import { formatMinuteTime, nextFireTime } from '../../../src/domain/recurrence.js';
import { policySchedule } from '../../../src/domain/scaling-policy.js';
import type { ScalingPolicy } from '../../../src/domain/scaling-policy.js';
import { formatWireTime } from '../../../src/domain/wire-time.js';
import { testBackends } from '../../support/backends.js';
import {
  expectAsError,
  logsPath,
  openTestApi,
  project,
  uuid,
  uuidPattern,
} from '../../support/api-harness.js';
import type { SendAs, TestApi } from '../../support/api-harness.js';

const otherProject = '7b7d1a2c3e4f50617283a4b5c6d7e8f9';
const json = { 'content-type': 'application/json' };
const minute = 60_000;
const hour = 60 * minute;
const day = 24 * hour;

const v1Url = (projectId = project): string => `/autoscaling-api/v1/${projectId}/scaling_policy`;
const v2Url = (projectId = project): string => `/autoscaling-api/v2/${projectId}/scaling_policy`;
const batchUrl = (projectId = project): string =>
  `/autoscaling-api/v1/${projectId}/scaling_policies/action`;
const groupsUrl = (projectId = project): string => `/autoscaling-api/v1/${projectId}/scaling_group`;

const alarmId = 'al1513822380493GvlJKZwA8';
const bandwidthId = '3fa5b383-5a73-4dcb-a314-c6128546d855';
const eipId = '6285e7be-fd9f-497c-bc2d-dd0bdea6efe0';

type Body = Record<string, unknown>;
type Method = 'POST' | 'PUT' | 'DELETE' | 'GET';

async function send(
  api: TestApi,
  method: Method,
  url: string,
  body?: unknown,
  as?: SendAs,
): Promise<LightMyRequestResponse> {
  return api.inject(
    {
      method,
      url,
      ...(body === undefined ? {} : { headers: json, payload: JSON.stringify(body) }),
    },
    ...(as === undefined ? [] : [as]),
  );
}

/** A group created through the group API and resumed, as a client would set one up. */
async function createGroup(
  api: TestApi,
  bounds: { min?: number; max?: number; desire?: number } = {},
): Promise<string> {
  const res = await send(api, 'POST', groupsUrl(), {
    scaling_group_name: 'web',
    vpc_id: 'a8327883-6b07-4497-9c61-68d03ee193a1',
    networks: [{ id: '3cd35bca-5a10-416f-8994-f79169559870' }],
    min_instance_number: bounds.min ?? 0,
    max_instance_number: bounds.max ?? 5,
    desire_instance_number: bounds.desire ?? 1,
  });
  expect(res.statusCode, res.body).toBe(200);
  const id = res.json<{ scaling_group_id: string }>().scaling_group_id;
  const resume = await send(api, 'POST', `${groupsUrl()}/${id}/action`, { action: 'resume' });
  expect(resume.statusCode, resume.body).toBe(204);
  return id;
}

async function insertBandwidth(api: TestApi, over: Partial<Bandwidth> = {}): Promise<Bandwidth> {
  const bandwidth: Bandwidth = {
    id: bandwidthId,
    projectId: project,
    name: 'edge',
    size: 10,
    minSize: 1,
    maxSize: 2000,
    shareType: 'PER',
    eipId,
    eipAddress: '192.0.2.10',
    createTime: api.clock.now(),
    ...over,
  };
  await api.store.engineSession((tx) => tx.insertBandwidth(bandwidth));
  return bandwidth;
}

async function create(api: TestApi, url: string, body: Body): Promise<string> {
  const res = await send(api, 'POST', url, body);
  expect(res.statusCode, res.body).toBe(200);
  const reply = res.json<{ scaling_policy_id: string }>();
  expect(Object.keys(reply)).toEqual(['scaling_policy_id']);
  expect(reply.scaling_policy_id).toMatch(uuidPattern);
  return reply.scaling_policy_id;
}

async function show(api: TestApi, version: 'v1' | 'v2', id: string): Promise<Body> {
  const res = await send(api, 'GET', `${version === 'v1' ? v1Url() : v2Url()}/${id}`);
  expect(res.statusCode, res.body).toBe(200);
  const body = res.json<{ scaling_policy: Body }>();
  expect(Object.keys(body)).toEqual(['scaling_policy']);
  return body.scaling_policy;
}

async function stored(api: TestApi, id: string): Promise<ScalingPolicy | undefined> {
  return api.store.engineRead((tx) => tx.getPolicy(project, id));
}

async function action(api: TestApi, id: string, act: string): Promise<LightMyRequestResponse> {
  return send(api, 'POST', `${v1Url()}/${id}/action`, { action: act });
}

interface ListBody {
  total_number: number;
  start_number: number;
  limit: number;
  scaling_policies: Body[];
}

async function list(api: TestApi, url: string): Promise<ListBody> {
  const res = await send(api, 'GET', url);
  expect(res.statusCode, res.body).toBe(200);
  const body = res.json<ListBody>();
  expect(Object.keys(body).sort()).toEqual([
    'limit',
    'scaling_policies',
    'start_number',
    'total_number',
  ]);
  return body;
}

const names = (page: ListBody): unknown[] =>
  page.scaling_policies.map((p) => p.scaling_policy_name);

/** The code and message of an AS error answer, with the case named for a failing assertion. */
function errorOf(res: LightMyRequestResponse): { status: number; code: unknown; message: string } {
  const body = res.json<{ error?: { code?: unknown; message?: unknown } }>();
  return {
    status: res.statusCode,
    code: body.error?.code,
    message: typeof body.error?.message === 'string' ? body.error.message : res.body,
  };
}

interface ErrorCase {
  readonly name: string;
  readonly body: Body;
  readonly code: string;
  readonly message: RegExp | string;
}

async function expectCases(api: TestApi, url: string, cases: readonly ErrorCase[]): Promise<void> {
  for (const c of cases) {
    const { status, code, message } = errorOf(await send(api, 'POST', url, c.body));
    expect({ case: c.name, status, code }).toEqual({ case: c.name, status: 400, code: c.code });
    if (typeof c.message === 'string') expect(message, c.name).toContain(c.message);
    else expect(message, c.name).toMatch(c.message);
  }
}

/** The body with `over` applied; an `undefined` value removes the field. */
function withOver(body: Body, over: Body): Body {
  const merged: Body = { ...body, ...over };
  for (const [k, v] of Object.entries(merged))
    if (v === undefined) Reflect.deleteProperty(merged, k);
  return merged;
}

const createTimeOf = (api: TestApi): string => formatWireTime(Math.floor(api.clock.now() / 1000));

for (const backend of testBackends) {
  describe.skipIf(!backend.available)(`scaling policy API: ${backend.name}`, () => {
    describe('v1', () => {
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

      it('refuses each bad field with its documented code and says what is wrong', async () => {
        const api = await openTestApi(backend);
        const groupId = await createGroup(api);
        const now = api.clock.now();
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
        await expectCases(api, v1Url(), [
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
        ]);
        // Nothing of the above was stored.
        expect((await list(api, `${v1Url()}/${groupId}/list`)).total_number).toBe(0);
        // A body that is no object at all.
        expect(expectAsError(await send(api, 'POST', v1Url(), [alarm]), 400, 'AS.0022')).toContain(
          'must be a JSON object',
        );
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

      it('deletes a policy once; its execution logs stay', async () => {
        const api = await openTestApi(backend);
        const groupId = await createGroup(api, { desire: 1 });
        const id = await create(api, v1Url(), {
          scaling_policy_name: 'p1',
          scaling_group_id: groupId,
          scaling_policy_type: 'ALARM',
          alarm_id: alarmId,
        });
        expect((await action(api, id, 'execute')).statusCode).toBe(204);
        const del = await send(api, 'DELETE', `${v1Url()}/${id}`);
        expect(del.statusCode, del.body).toBe(204);
        expect(del.body).toBe('');
        expectAsError(await send(api, 'GET', `${v1Url()}/${id}`), 404, 'AS.3020');
        expectAsError(await send(api, 'DELETE', `${v1Url()}/${id}`), 404, 'AS.3020');
        const logs = await send(api, 'GET', logsPath(project, id));
        expect(logs.json<{ total_number: number }>().total_number).toBe(1);
      });
    });

    describe('execute, pause and resume', () => {
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
    });

    describe('batch', () => {
      it('pauses, resumes and deletes a batch, all or nothing', async () => {
        const api = await openTestApi(backend);
        const groupId = await createGroup(api);
        const ids: string[] = [];
        for (const name of ['a', 'b', 'c']) {
          ids.push(
            await create(api, v1Url(), {
              scaling_policy_name: name,
              scaling_group_id: groupId,
              scaling_policy_type: 'ALARM',
              alarm_id: alarmId,
            }),
          );
        }
        const [a, b, c] = ids as [string, string, string];
        const statuses = async (): Promise<unknown[]> =>
          Promise.all(ids.map(async (id) => (await stored(api, id))?.status));
        const batch = (body: Body) => send(api, 'POST', batchUrl(), body);

        const paused = await batch({ scaling_policy_id: [a, b], action: 'pause' });
        expect(paused.statusCode, paused.body).toBe(204);
        expect(await statuses()).toEqual(['PAUSED', 'PAUSED', 'INSERVICE']);

        // One unknown id: nothing is resumed, and the answer names it.
        const unknown = uuid(0xbad);
        const failed = await batch({ scaling_policy_id: [a, unknown, b], action: 'resume' });
        expect(expectAsError(failed, 400, 'AS.3046')).toBe(
          `Failed to resume policies in a batch. Nothing was changed. ${unknown}: the policy does not exist.`,
        );
        expect(await statuses()).toEqual(['PAUSED', 'PAUSED', 'INSERVICE']);
        expectAsError(
          await batch({ scaling_policy_id: [unknown], action: 'pause' }),
          400,
          'AS.3047',
        );
        expectAsError(
          await batch({ scaling_policy_id: [unknown], action: 'delete' }),
          400,
          'AS.3045',
        );

        // Already in service: resuming it too is no error.
        expect(
          (await batch({ scaling_policy_id: [a, b, c, a], action: 'resume' })).statusCode,
        ).toBe(204);
        expect(await statuses()).toEqual(['INSERVICE', 'INSERVICE', 'INSERVICE']);

        const deleted = await batch({
          scaling_policy_id: [a, c],
          action: 'delete',
          force_delete: 'no',
        });
        expect(deleted.statusCode, deleted.body).toBe(204);
        expect(await statuses()).toEqual([undefined, 'INSERVICE', undefined]);

        const tooMany = Array.from({ length: 21 }, (_, i) => uuid(i + 1));
        await expectCases(api, batchUrl(), [
          {
            name: 'no ids',
            body: { action: 'pause' },
            code: 'AS.3049',
            message: '1 to 20 policy ids',
          },
          {
            name: 'empty ids',
            body: { scaling_policy_id: [], action: 'pause' },
            code: 'AS.3049',
            message: 'scaling_policy_id',
          },
          {
            name: '21 ids',
            body: { scaling_policy_id: tooMany, action: 'pause' },
            code: 'AS.0022',
            message: 'has 21 ids: at most 20',
          },
          {
            name: 'number ids',
            body: { scaling_policy_id: [1, 2], action: 'pause' },
            code: 'AS.0022',
            message: 'array of 1 to 20 policy ids (strings)',
          },
          {
            name: 'one id',
            body: { scaling_policy_id: b, action: 'pause' },
            code: 'AS.0022',
            message: 'array',
          },
          {
            name: 'bad action',
            body: { scaling_policy_id: [b], action: 'execute' },
            code: 'AS.3022',
            message: '"execute": expected delete, resume or pause',
          },
          {
            name: 'bad force',
            body: { scaling_policy_id: [b], action: 'delete', force_delete: 'true' },
            code: 'AS.3048',
            message: '"true": expected yes or no',
          },
          {
            name: 'bad delete_alarm',
            body: { scaling_policy_id: [b], action: 'delete', delete_alarm: true },
            code: 'AS.3056',
            message: 'expected yes or no',
          },
          {
            name: 'unknown field',
            body: { scaling_policy_id: [b], action: 'pause', all: true },
            code: 'AS.0022',
            message: '"all"',
          },
        ]);
        expect(await statuses()).toEqual([undefined, 'INSERVICE', undefined]);
      });
    });

    describe('v2', () => {
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
        await api.store.engineSession(async (tx) => {
          const b = await tx.getBandwidth(project, bandwidthId);
          if (b === undefined) throw new Error('bandwidth gone');
          await tx.updateBandwidth({ ...b, shareType: 'WHOLE', eipAddress: '192.0.2.99' });
        });
        expect((await show(api, 'v2', bandwidthPolicy)).meta_data).toStrictEqual({
          metadata_bandwidth_share_type: 'WHOLE',
          metadata_eip_id: eipId,
          metadata_eip_address: '192.0.2.99',
        });
        expectAsError(await send(api, 'GET', `${v2Url()}/${uuid(0xbeef)}`), 404, 'AS.3020');
      });

      it('refuses each bad v2 field with its documented code', async () => {
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
        await expectCases(api, v2Url(), [
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
        ]);
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

      it('keeps at most 50 policies per resource', async () => {
        const api = await openTestApi(backend);
        const groupId = await createGroup(api);
        const now = api.clock.now();
        await api.store.engineSession(async (tx) => {
          for (let i = 0; i < 49; i += 1) {
            await tx.insertPolicy({
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
          (await api.store.engineRead((tx) => tx.getBandwidth(project, bandwidthId)))?.size,
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

    it("keeps projects apart: another project's credential and paths see nothing", async () => {
      const api = await openTestApi(backend);
      const groupId = await createGroup(api);
      const id = await create(api, v1Url(), {
        scaling_policy_name: 'p1',
        scaling_group_id: groupId,
        scaling_policy_type: 'ALARM',
        alarm_id: alarmId,
      });
      const other: SendAs = { credential: await api.credentialFor(otherProject) };
      // As the SDKs send it, X-Project-Id names the credential's project: not the path's.
      expectAsError(await send(api, 'GET', `${v1Url()}/${id}`, undefined, other), 400, 'AS.0008');
      const otherNoHeader: SendAs = { ...other, projectHeader: false };

      // Project B's credential on project A's paths.
      for (const [method, url, body] of [
        ['GET', `${v1Url()}/${id}`, undefined],
        ['GET', `${v2Url()}/${id}`, undefined],
        ['PUT', `${v1Url()}/${id}`, { cool_down_time: 1 }],
        ['DELETE', `${v1Url()}/${id}`, undefined],
        ['POST', `${v1Url()}/${id}/action`, { action: 'pause' }],
        ['POST', batchUrl(), { scaling_policy_id: [id], action: 'delete' }],
        ['GET', v2Url(), undefined],
      ] as const) {
        expectAsError(await send(api, method, url, body, otherNoHeader), 403, 'AS.0011');
      }
      // Project B's own paths do not find project A's policy or group.
      for (const [method, url, body] of [
        ['GET', `${v1Url(otherProject)}/${id}`, undefined],
        ['GET', `${v2Url(otherProject)}/${id}`, undefined],
        ['PUT', `${v1Url(otherProject)}/${id}`, { cool_down_time: 1 }],
        ['PUT', `${v2Url(otherProject)}/${id}`, { cool_down_time: 1 }],
        ['DELETE', `${v1Url(otherProject)}/${id}`, undefined],
        ['POST', `${v1Url(otherProject)}/${id}/action`, { action: 'execute' }],
        ['POST', `${v1Url(otherProject)}/${id}/action`, { action: 'pause' }],
      ] as const) {
        expectAsError(await send(api, method, url, body, other), 404, 'AS.3020');
      }
      expectAsError(
        await send(
          api,
          'POST',
          batchUrl(otherProject),
          { scaling_policy_id: [id], action: 'delete' },
          other,
        ),
        400,
        'AS.3045',
      );
      expectAsError(
        await send(api, 'GET', `${v1Url(otherProject)}/${groupId}/list`, undefined, other),
        400,
        'AS.2007',
      );
      expectAsError(
        await send(
          api,
          'POST',
          v1Url(otherProject),
          {
            scaling_policy_name: 'p',
            scaling_group_id: groupId,
            scaling_policy_type: 'ALARM',
            alarm_id: alarmId,
          },
          other,
        ),
        400,
        'AS.2007',
      );
      const theirs = await send(api, 'GET', v2Url(otherProject), undefined, other);
      expect(theirs.json<ListBody>().total_number).toBe(0);
      // Untouched.
      expect(await show(api, 'v1', id)).toMatchObject({
        policy_status: 'INSERVICE',
        cool_down_time: 300,
      });
      expect((await send(api, 'GET', logsPath(project, id))).json<ListBody>().total_number).toBe(0);
    });
  });
}
