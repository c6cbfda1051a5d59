import { describe, expect, it } from 'vitest';
import { testBackends } from '../../support/backends.js';
import { expectAsError, openTestApi, project } from '../../support/api-harness.js';
import type { TestApi } from '../../support/api-harness.js';
import { createGroup, groupsUrl, send } from '../instances/instance-support.js';
import {
  createTask,
  day,
  hour,
  listTasks,
  minuteTime,
  onceBody,
  tasksUrl,
} from './task-support.js';

const otherProject = '9b7e35ad379141fc9df3e178bd64f55c';
const wireTime = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** A weekly task from now to a week ahead. */
function recurring(api: TestApi, policy: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: 'weekly',
    scheduled_policy: {
      launch_time: '08:30',
      recurrence_type: 'WEEKLY',
      recurrence_value: '1,3,5',
      end_time: minuteTime(api.clock.now() + 14 * day),
      ...policy,
    },
    instance_number: { max: 6 },
  };
}

async function refused(
  api: TestApi,
  groupId: string,
  body: unknown,
  code: string,
): Promise<string> {
  const res = await send(api, 'POST', tasksUrl(groupId), body);
  return expectAsError(res, 400, code);
}

for (const backend of testBackends) {
  describe.skipIf(!backend.available)(`scheduled tasks: ${backend.name}`, () => {
    it('creates a one-off task and lists it with every field the SDK reads', async () => {
      const api = await openTestApi(backend);
      const groupId = await createGroup(api);
      const body = onceBody(api);
      const id = await createTask(api, groupId, body);
      const page = await listTasks(api, groupId);
      expect(page.page_info).toEqual({});
      expect(page.scheduled_tasks).toEqual([
        {
          task_id: id,
          scaling_group_id: groupId,
          name: 'morning',
          scheduled_policy: body.scheduled_policy,
          instance_number: { min: 1, max: 4, desire: 2 },
          create_time: wireTime(api.clock.now()),
          update_time: wireTime(api.clock.now()),
          tenant_id: project,
          domain_id: project,
        },
      ]);
    });

    it('keeps a recurring task with its window, start_time defaulting to now', async () => {
      const api = await openTestApi(backend);
      const groupId = await createGroup(api);
      const body = recurring(api);
      await createTask(api, groupId, body);
      const [task] = (await listTasks(api, groupId)).scheduled_tasks;
      expect(task?.scheduled_policy).toEqual({
        ...(body.scheduled_policy as Record<string, string>),
        start_time: minuteTime(api.clock.now()),
      });
      expect(task?.instance_number).toEqual({ max: 6 });
      // Tasks created at one moment list by id: a second apart, in creation order.
      api.clock.advance(1_000);
      // A DAILY task ignores recurrence_value; an empty recurrence_type is a one-off task.
      await createTask(
        api,
        groupId,
        recurring(api, { recurrence_type: 'DAILY', recurrence_value: '' }),
      );
      api.clock.advance(1_000);
      await createTask(api, groupId, {
        ...onceBody(api),
        scheduled_policy: { launch_time: minuteTime(api.clock.now() + hour), recurrence_type: '' },
      });
      const [, daily, once] = (await listTasks(api, groupId)).scheduled_tasks;
      expect(daily?.scheduled_policy).not.toHaveProperty('recurrence_value');
      expect(once?.scheduled_policy).toEqual({ launch_time: minuteTime(api.clock.now() + hour) });
    });

    it('refuses bad bodies with the documented codes', async () => {
      const api = await openTestApi(backend);
      const g = await createGroup(api);
      const now = api.clock.now();
      const once = onceBody(api);
      expectAsError(await send(api, 'POST', tasksUrl(g), ''), 400, 'AS.0002');
      await refused(api, g, [], 'AS.0022');
      await refused(api, g, { ...once, extra: 1 }, 'AS.0022');
      await refused(api, g, { ...once, name: undefined }, 'AS.0022');
      await refused(api, g, { ...once, name: 'bad name!' }, 'AS.0022');
      await refused(api, g, { ...once, name: 'x'.repeat(65) }, 'AS.0022');
      await refused(api, g, { ...once, instance_number: undefined }, 'AS.0022');
      await refused(api, g, { ...once, instance_number: {} }, 'AS.0022');
      await refused(api, g, { ...once, instance_number: 3 }, 'AS.0022');
      await refused(api, g, { ...once, instance_number: { min: 1, size: 2 } }, 'AS.0022');
      await refused(api, g, { ...once, scheduled_policy: undefined }, 'AS.3003');
      await refused(api, g, { ...once, scheduled_policy: 'tomorrow' }, 'AS.3003');
      // The schedule's own rules.
      const policy = (sp: Record<string, unknown>) => ({ ...once, scheduled_policy: sp });
      await refused(api, g, policy({}), 'AS.3008');
      await refused(api, g, policy({ launch_time: '' }), 'AS.3008');
      await refused(api, g, policy({ launch_time: '08:30' }), 'AS.3009');
      await refused(api, g, policy({ launch_time: '2030-02-30T10:00Z' }), 'AS.3009');
      await refused(api, g, policy({ launch_time: minuteTime(now - hour) }), 'AS.3010');
      await refused(api, g, recurring(api, { recurrence_type: 'Daily' }), 'AS.3004');
      await refused(api, g, recurring(api, { launch_time: minuteTime(now + hour) }), 'AS.3009');
      await refused(api, g, recurring(api, { launch_time: '25:00' }), 'AS.3009');
      await refused(api, g, recurring(api, { recurrence_value: undefined }), 'AS.3024');
      await refused(api, g, recurring(api, { recurrence_value: '' }), 'AS.3024');
      await refused(api, g, recurring(api, { recurrence_value: '8' }), 'AS.3025');
      await refused(
        api,
        g,
        recurring(api, { recurrence_type: 'MONTHLY', recurrence_value: '1,32' }),
        'AS.3025',
      );
      await refused(api, g, recurring(api, { end_time: undefined }), 'AS.3005');
      await refused(api, g, recurring(api, { end_time: '2030-01-01' }), 'AS.3006');
      await refused(api, g, recurring(api, { end_time: minuteTime(now - hour) }), 'AS.3007');
      await refused(api, g, recurring(api, { start_time: '2030-01-01T10:00' }), 'AS.3028');
      await refused(api, g, recurring(api, { start_time: minuteTime(now + 20 * day) }), 'AS.3029');
      // A window of two hours that holds no 08:30.
      const start = Math.floor(now / day) * day + 10 * hour + 2 * day;
      await refused(
        api,
        g,
        recurring(api, {
          recurrence_type: 'DAILY',
          start_time: minuteTime(start),
          end_time: minuteTime(start + 2 * hour),
        }),
        'AS.3033',
      );
      // The numbers.
      const numbers = (n: unknown) => ({ ...once, instance_number: n });
      await refused(api, g, numbers({ min: 3, max: 2 }), 'AS.2004');
      await refused(api, g, numbers({ max: 301 }), 'AS.2004');
      await refused(api, g, numbers({ min: -1 }), 'AS.2004');
      await refused(api, g, numbers({ min: '1' }), 'AS.2004');
      await refused(api, g, numbers({ desire: 1.5 }), 'AS.2005');
      await refused(api, g, numbers({ min: 2, desire: 1 }), 'AS.2005');
      await refused(api, g, numbers({ max: 2, desire: 3 }), 'AS.2005');
      expect((await listTasks(api, g)).scheduled_tasks).toEqual([]);
    });

    it("answers AS.2007 for a group the project does not have, another tenant's included", async () => {
      const api = await openTestApi(backend);
      const g = await createGroup(api);
      const id = await createTask(api, g, onceBody(api));
      const unknown = '00000000-0000-4000-8000-000000000000';
      expectAsError(await send(api, 'POST', tasksUrl(unknown), onceBody(api)), 400, 'AS.2007');
      expectAsError(await send(api, 'GET', tasksUrl(unknown)), 400, 'AS.2007');
      expectAsError(
        await send(api, 'PUT', `${tasksUrl(unknown)}/${id}`, { name: 'x' }),
        400,
        'AS.2007',
      );
      expectAsError(await send(api, 'DELETE', `${tasksUrl(unknown)}/${id}`), 400, 'AS.2007');
      // Another project sees neither the group nor its task.
      expectAsError(await send(api, 'GET', tasksUrl(g, otherProject)), 400, 'AS.2007');
      expectAsError(
        await send(api, 'DELETE', `${tasksUrl(g, otherProject)}/${id}`),
        400,
        'AS.2007',
      );
      expect((await listTasks(api, g)).scheduled_tasks).toHaveLength(1);
    });

    it('updates the fields given, checking the body only once the task is found', async () => {
      const api = await openTestApi(backend);
      const g = await createGroup(api);
      const id = await createTask(api, g, onceBody(api));
      const created = api.clock.now();
      api.clock.advance(5_000);
      const url = `${tasksUrl(g)}/${id}`;
      const res = await send(api, 'PUT', url, { name: 'evening', instance_number: { max: 9 } });
      expect(res.statusCode, res.body).toBe(204);
      expect(res.body).toBe('');
      const [task] = (await listTasks(api, g)).scheduled_tasks;
      expect(task).toMatchObject({
        task_id: id,
        name: 'evening',
        instance_number: { max: 9 },
        create_time: wireTime(created),
        update_time: wireTime(created + 5_000),
      });
      const body = recurring(api);
      expect(
        (await send(api, 'PUT', url, { scheduled_policy: body.scheduled_policy })).statusCode,
      ).toBe(204);
      expect((await listTasks(api, g)).scheduled_tasks[0]?.scheduled_policy).toMatchObject({
        recurrence_type: 'WEEKLY',
      });
      const missing = `${tasksUrl(g)}/00000000-0000-4000-8000-000000000000`;
      expect(
        expectAsError(await send(api, 'PUT', missing, { name: 'bad name!' }), 404, 'AS.0007'),
      ).toContain('scheduled task');
      expectAsError(await send(api, 'PUT', url, {}), 400, 'AS.0022');
      expectAsError(await send(api, 'PUT', url, { name: 'bad name!' }), 400, 'AS.0022');
      expectAsError(
        await send(api, 'PUT', url, { instance_number: { min: 5, max: 1 } }),
        400,
        'AS.2004',
      );
      expectAsError(
        await send(api, 'PUT', url, {
          scheduled_policy: { launch_time: minuteTime(api.clock.now() - hour) },
        }),
        400,
        'AS.3010',
      );
      expectAsError(await send(api, 'PUT', url, ''), 400, 'AS.0002');
    });

    it('deletes a task, and every task with its group', async () => {
      const api = await openTestApi(backend);
      const g = await createGroup(api);
      const first = await createTask(api, g, onceBody(api));
      await createTask(api, g, onceBody(api, { max: 3 }, 'second'));
      const res = await send(api, 'DELETE', `${tasksUrl(g)}/${first}`);
      expect(res.statusCode, res.body).toBe(204);
      expectAsError(await send(api, 'DELETE', `${tasksUrl(g)}/${first}`), 404, 'AS.0007');
      expect((await listTasks(api, g)).scheduled_tasks.map((t) => t.name)).toEqual(['second']);
      const deleted = await send(api, 'DELETE', `${groupsUrl()}/${g}?force_delete=yes`);
      expect(deleted.statusCode, deleted.body).toBe(204);
      const left = await api.store.resourceRead((tx) => tx.scheduledTasks.countOf(project, g));
      expect(left).toBe(0);
    });

    it('pages the list with limit and marker, oldest first', async () => {
      const api = await openTestApi(backend);
      const g = await createGroup(api);
      const ids: string[] = [];
      for (const name of ['a', 'b', 'c', 'd', 'e']) {
        ids.push(await createTask(api, g, onceBody(api, { max: 3 }, name)));
        api.clock.advance(1_000);
      }
      const first = await listTasks(api, g, '?limit=2');
      expect(first.scheduled_tasks.map((t) => t.name)).toEqual(['a', 'b']);
      expect(first.page_info.next_marker).toBe(ids[1]);
      const second = await listTasks(api, g, `?limit=2&marker=${ids[1] ?? ''}`);
      expect(second.scheduled_tasks.map((t) => t.name)).toEqual(['c', 'd']);
      const last = await listTasks(api, g, `?limit=2&marker=${second.page_info.next_marker ?? ''}`);
      expect(last.scheduled_tasks.map((t) => t.name)).toEqual(['e']);
      expect(last.page_info).toEqual({});
      expect((await listTasks(api, g)).scheduled_tasks).toHaveLength(5);
      for (const bad of ['0', '101', 'x', '-1']) {
        expectAsError(await send(api, 'GET', `${tasksUrl(g)}?limit=${bad}`), 400, 'AS.0022');
      }
      expectAsError(await send(api, 'GET', `${tasksUrl(g)}?marker=nope`), 400, 'AS.0022');
      expectAsError(await send(api, 'GET', `${tasksUrl(g)}?limit=1&limit=2`), 400, 'AS.0022');
    });

    it('holds at most 10 tasks a group', async () => {
      const api = await openTestApi(backend);
      const g = await createGroup(api);
      for (let n = 0; n < 10; n += 1)
        await createTask(api, g, onceBody(api, { max: 3 }, `t${String(n)}`));
      const message = await refused(api, g, onceBody(api), 'AS.0022');
      expect(message).toContain('at most 10 scheduled tasks');
      const other = await createGroup(api);
      await createTask(api, other, onceBody(api));
    });
  });
}
