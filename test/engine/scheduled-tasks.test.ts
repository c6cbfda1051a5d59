import { describe, expect, it } from 'vitest';
import { policyEngine } from '../../src/services.js';
import { testBackends } from '../support/backends.js';
import {
  expectAsError,
  expectGatewayError,
  openTestApi,
  testConfig,
} from '../support/api-harness.js';
import type { TestApi } from '../support/api-harness.js';
import {
  activities,
  createGroup,
  groupsUrl,
  listInstances,
  send,
  showGroup,
} from '../resources/instances/instance-support.js';
import {
  createTask,
  day,
  fire,
  hour,
  minuteTime,
  onceBody,
} from '../resources/scheduled-tasks/task-support.js';

const minute = 60_000;
const settle = 30_000;
const grace = 5 * minute;

/** The first UTC `hh:mm` at or after `fromMs`. */
function nextAt(fromMs: number, h: number, m: number): number {
  const base = Math.floor(fromMs / day) * day + (h * 60 + m) * minute;
  return base >= fromMs ? base : base + day;
}

function engineOf(api: TestApi) {
  return policyEngine(
    api.store,
    testConfig({ instanceSettleMs: settle, misfireGraceMs: grace }),
    api.clock.now,
  );
}

/** Moves the clock to `at` and runs the engine's pass there. */
async function runAt(api: TestApi, at: number): Promise<number> {
  api.clock.advance(at - api.clock.now());
  return (await engineOf(api).runDue()).fired;
}

async function numbers(api: TestApi, groupId: string): Promise<number[]> {
  const g = await showGroup(api, groupId);
  return [g.min_instance_number, g.max_instance_number, g.desire_instance_number] as number[];
}

const open = (backend: (typeof testBackends)[number], devTriggers = false) =>
  openTestApi(backend, {
    config: { instanceSettleMs: settle, misfireGraceMs: grace, devTriggers },
  });

for (const backend of testBackends) {
  describe.skipIf(!backend.available)(`scheduled task engine: ${backend.name}`, () => {
    it('fires a one-off task once at its time: the numbers change and the instances follow', async () => {
      const api = await open(backend);
      const g = await createGroup(api, { min: 0, max: 3, desire: 1 });
      const launchAt = Math.ceil((api.clock.now() + hour) / minute) * minute;
      const id = await createTask(api, g, {
        name: 'peak',
        scheduled_policy: { launch_time: minuteTime(launchAt) },
        instance_number: { min: 2, max: 6, desire: 4 },
      });
      expect(await runAt(api, launchAt - 1)).toBe(0);
      expect(await numbers(api, g)).toEqual([0, 3, 1]);
      expect(await runAt(api, launchAt)).toBe(1);
      expect(await numbers(api, g)).toEqual([2, 6, 4]);
      expect((await listInstances(api, g)).total_number).toBe(4);
      const [latest] = await activities(api, g);
      expect(latest).toMatchObject({ status: 'DOING', scalingValue: 3, desireValue: 4 });
      expect(latest?.description).toBe(
        `Scheduled task "peak" (${id}) set the group's numbers: minimum 0 to 2, maximum 3 to 6, desired 1 to 4.`,
      );
      // Never again.
      expect(await runAt(api, launchAt + day)).toBe(0);
      expect(await activities(api, g)).toHaveLength(2);
    });

    it('fires a daily task every day inside its window and stops at its end', async () => {
      const api = await open(backend);
      const g = await createGroup(api, { min: 0, max: 5, desire: 0 });
      const first = nextAt(api.clock.now() + minute, 9, 0);
      await createTask(api, g, {
        name: 'daily',
        scheduled_policy: {
          launch_time: '09:00',
          recurrence_type: 'DAILY',
          end_time: minuteTime(first + 2 * day),
        },
        instance_number: { max: 4 },
      });
      expect(await runAt(api, first)).toBe(1);
      expect(await numbers(api, g)).toEqual([0, 4, 0]);
      // Someone changes the maximum; the next day's run sets it back.
      const put = await send(api, 'PUT', `${groupsUrl()}/${g}`, { max_instance_number: 2 });
      expect(put.statusCode, put.body).toBe(200);
      expect(await runAt(api, first + day - 1)).toBe(0);
      expect(await runAt(api, first + day)).toBe(1);
      expect(await numbers(api, g)).toEqual([0, 4, 0]);
      expect(await runAt(api, first + 2 * day)).toBe(1);
      expect(await runAt(api, first + 5 * day)).toBe(0);
      const log = await activities(api, g);
      // Two DIFF-free runs record SUCCESS activities that change no instance.
      expect(
        log.filter((a) => a.description.startsWith('Scheduled task')).map((a) => a.status),
      ).toEqual(['SUCCESS', 'SUCCESS', 'SUCCESS']);
    });

    it('fires a weekly task on its weekdays only', async () => {
      const api = await open(backend);
      const g = await createGroup(api, { min: 0, max: 5, desire: 0 });
      await createTask(api, g, {
        name: 'mondays',
        scheduled_policy: {
          launch_time: '07:15',
          recurrence_type: 'WEEKLY',
          // 2 = Monday, 6 = Friday
          recurrence_value: '2,6',
          end_time: minuteTime(api.clock.now() + 15 * day),
        },
        instance_number: { desire: 1 },
      });
      const fired: number[] = [];
      let at = nextAt(api.clock.now() + minute, 7, 15);
      for (let n = 0; n < 14; n += 1, at += day) {
        if ((await runAt(api, at)) === 1) fired.push(new Date(at).getUTCDay());
      }
      // Monday and Friday (getUTCDay: 1, 5), twice each in two weeks.
      expect(fired.sort()).toEqual([1, 1, 5, 5]);
    });

    it('fires a monthly task on its days, skipping a month without the day', async () => {
      const api = await open(backend);
      const g = await createGroup(api, { min: 0, max: 5, desire: 0 });
      await createTask(api, g, {
        name: 'month-end',
        scheduled_policy: {
          launch_time: '00:00',
          recurrence_type: 'MONTHLY',
          recurrence_value: '31',
          end_time: minuteTime(api.clock.now() + 130 * day),
        },
        instance_number: { max: 3 },
      });
      const fires: string[] = [];
      const until = api.clock.now() + 125 * day;
      for (let at = nextAt(api.clock.now() + minute, 0, 0); at < until; at += day) {
        if ((await runAt(api, at)) === 1) fires.push(new Date(at).toISOString().slice(5, 10));
      }
      expect(fires.length).toBeGreaterThanOrEqual(2);
      expect(fires.every((d) => d.endsWith('-31'))).toBe(true);
    });

    it('records a missed occurrence past the grace as a FAIL activity and moves on', async () => {
      const api = await open(backend);
      const g = await createGroup(api, { min: 0, max: 5, desire: 0 });
      const first = nextAt(api.clock.now() + minute, 6, 0);
      await createTask(api, g, {
        name: 'early',
        scheduled_policy: {
          launch_time: '06:00',
          recurrence_type: 'DAILY',
          end_time: minuteTime(first + 10 * day),
        },
        instance_number: { desire: 2 },
      });
      // Within the grace it still fires.
      expect(await runAt(api, first + grace)).toBe(1);
      expect(await numbers(api, g)).toEqual([0, 5, 2]);
      // The next one is found three hours late: missed, and nothing changes.
      await send(api, 'PUT', `${groupsUrl()}/${g}`, { desire_instance_number: 0 });
      expect(await runAt(api, first + day + 3 * hour)).toBe(1);
      expect(await numbers(api, g)).toEqual([0, 5, 0]);
      const [missed] = await activities(api, g);
      expect(missed?.status).toBe('FAIL');
      expect(missed?.startTime).toBe(first + day);
      expect(missed?.description).toContain('was missed');
      // The day after fires again.
      expect(await runAt(api, first + 2 * day)).toBe(1);
      expect(await numbers(api, g)).toEqual([0, 5, 2]);
    });

    it("records a FAIL activity when the task's numbers break the group's rules", async () => {
      const api = await open(backend);
      const g = await createGroup(api, { min: 0, max: 5, desire: 1 });
      const launchAt = Math.ceil((api.clock.now() + hour) / minute) * minute;
      await createTask(api, g, {
        name: 'too-small',
        scheduled_policy: { launch_time: minuteTime(launchAt) },
        instance_number: { min: 4 },
      });
      // The maximum is lowered after the task was written: at its time min 4 > max 2.
      await send(api, 'PUT', `${groupsUrl()}/${g}`, { max_instance_number: 2 });
      expect(await runAt(api, launchAt)).toBe(1);
      expect(await numbers(api, g)).toEqual([0, 2, 1]);
      const [failed] = await activities(api, g);
      expect(failed?.status).toBe('FAIL');
      expect(failed?.description).toContain(
        "could not set the group's numbers: The minimum number 4 would be greater than the maximum number 2.",
      );
    });

    it("sets a paused group's numbers without building instances; a given desire is kept in bounds", async () => {
      const api = await open(backend);
      const g = await createGroup(api, { min: 0, max: 5, desire: 1 });
      await send(api, 'POST', `${groupsUrl()}/${g}/action`, { action: 'pause' });
      const launchAt = Math.ceil((api.clock.now() + hour) / minute) * minute;
      await createTask(api, g, {
        name: 'raise-min',
        scheduled_policy: { launch_time: minuteTime(launchAt) },
        instance_number: { min: 3 },
      });
      expect(await runAt(api, launchAt)).toBe(1);
      // The desired number is moved up into the new bounds.
      expect(await numbers(api, g)).toEqual([3, 5, 3]);
      expect((await listInstances(api, g)).total_number).toBe(1);
    });

    it('fires a task now through the developer endpoint, only with devTriggers', async () => {
      const api = await open(backend, true);
      const g = await createGroup(api, { min: 0, max: 5, desire: 0 });
      const id = await createTask(api, g, onceBody(api, { desire: 2 }));
      const res = await fire(api, g, id);
      expect(res.statusCode, res.body).toBe(200);
      const body = res.json<{ task_id: string; activity_id: string; status: string }>();
      expect(body).toMatchObject({ task_id: id, status: 'DOING' });
      expect(await numbers(api, g)).toEqual([0, 5, 2]);
      const [activity] = await activities(api, g);
      expect(activity?.id).toBe(body.activity_id);
      // A one-off task has nothing left: neither the endpoint nor its time fires it again.
      expectAsError(await fire(api, g, id), 409, 'SCALELOG.0409');
      expect(await runAt(api, api.clock.now() + 2 * hour)).toBe(0);
      expectAsError(await fire(api, g, '00000000-0000-4000-8000-000000000000'), 404, 'AS.0007');

      const off = await open(backend, false);
      const og = await createGroup(off);
      const oid = await createTask(off, og, onceBody(off));
      expectGatewayError(await fire(off, og, oid), 404, 'APIGW.0101');
    });
  });
}
