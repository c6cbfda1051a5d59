import { describe, expect, it } from 'vitest';
import { testBackends } from '../../support/backends.js';
import { expectAsError, openTestApi, project } from '../../support/api-harness.js';
import type { TestApi } from '../../support/api-harness.js';
import {
  activities,
  createGroup,
  groupsUrl,
  listInstances,
  send,
  showGroup,
} from '../instances/instance-support.js';
import {
  addHook,
  callback,
  holds,
  holdsUrl,
  hooksUrl,
  runEngine,
  setDesire,
} from './hook-support.js';

const otherProject = '9b7e35ad379141fc9df3e178bd64f55c';

const settle = 10_000;
const wireTime = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

async function states(api: TestApi, group: string): Promise<string[]> {
  const page = await listInstances(api, group);
  return page.scaling_group_instances.map((i) => i.life_cycle_state);
}

for (const backend of testBackends) {
  describe.skipIf(!backend.available)(`lifecycle hook holds: ${backend.name}`, () => {
    const open = () => openTestApi(backend, { config: { instanceSettleMs: settle } });

    it('holds a scale-out in PENDING_WAIT until a CONTINUE callback puts it in service', async () => {
      const api = await open();
      const group = await createGroup(api, { max: 3 });
      await addHook(api, group, { lifecycle_hook_name: 'boot', default_timeout: 600 });
      const heldAt = api.clock.now();
      await setDesire(api, group, 1);
      api.clock.advance(settle * 3);
      await runEngine(api, settle);
      expect(await states(api, group)).toEqual(['PENDING_WAIT']);
      const [instance] = (await listInstances(api, group)).scaling_group_instances;
      expect(instance?.health_status).toBe('INITIALIZING');
      const [hold, ...more] = await holds(api, group);
      expect(more).toEqual([]);
      expect(hold).toMatchObject({
        lifecycle_hook_name: 'boot',
        instance_id: instance?.instance_id,
        scaling_group_id: group,
        lifecycle_hook_status: 'HANGING',
        timeout: wireTime(heldAt + 600_000),
        default_result: 'ABANDON',
      });
      expect(hold?.lifecycle_action_key).toMatch(/^[0-9a-f-]{36}$/);
      const [doing] = await activities(api, group);
      expect(doing?.status).toBe('DOING');
      expect(doing?.description).toContain(
        'Lifecycle hook boot (INSTANCE_LAUNCHING) holds 1 instance in PENDING_WAIT',
      );
      expect(await showGroup(api, group)).toMatchObject({ current_instance_number: 0 });

      const res = await callback(api, group, {
        lifecycle_action_key: hold?.lifecycle_action_key,
        lifecycle_action_result: 'CONTINUE',
      });
      expect(res.statusCode, res.body).toBe(204);
      expect(await states(api, group)).toEqual(['INSERVICE']);
      expect(await holds(api, group)).toMatchObject([{ lifecycle_hook_status: 'CONTINUE' }]);
      const [done] = await activities(api, group);
      expect(done?.status).toBe('SUCCESS');
      expect(done?.description).toContain('CONTINUE by callback');
      expect(await showGroup(api, group)).toMatchObject({ current_instance_number: 1 });
      // A hold that has ended takes no second callback.
      expectAsError(
        await callback(api, group, {
          lifecycle_action_key: hold?.lifecycle_action_key,
          lifecycle_action_result: 'ABANDON',
        }),
        400,
        'AS.7042',
      );
    });

    it('applies the default ABANDON at the timeout once: the instance goes, the activity fails, a new one is held', async () => {
      const api = await open();
      const group = await createGroup(api, { max: 3 });
      await addHook(api, group, { lifecycle_hook_name: 'boot', default_timeout: 60 });
      await setDesire(api, group, 1);
      const [first] = await holds(api, group);
      api.clock.advance(59_000);
      await runEngine(api, settle);
      expect(await states(api, group)).toEqual(['PENDING_WAIT']);
      api.clock.advance(1000);
      await runEngine(api, settle);
      await runEngine(api, settle);
      const after = await listInstances(api, group);
      expect(
        after.scaling_group_instances.map((i) => [
          i.instance_id === first?.instance_id,
          i.life_cycle_state,
        ]),
      ).toEqual([
        [true, 'REMOVING'],
        [false, 'PENDING_WAIT'],
      ]);
      const list = await holds(api, group);
      expect(list.map((h) => h.lifecycle_hook_status)).toEqual(['ABANDON', 'HANGING']);
      const [replacement, failed] = await activities(api, group);
      expect(failed?.status).toBe('FAIL');
      expect(failed?.failed.map((i) => i.id)).toEqual([first?.instance_id]);
      expect(failed?.description).toContain('ABANDON at its timeout');
      expect(replacement).toMatchObject({ type: 'DIFF', status: 'DOING' });
      expect(replacement?.description).toContain('abandoned by lifecycle hook boot');
      // The abandoned instance is gone after the settle delay; its server with it.
      api.clock.advance(settle);
      await runEngine(api, settle);
      expect(await states(api, group)).toEqual(['PENDING_WAIT']);
    });

    it('applies the default CONTINUE at the timeout, and EXTEND adds an hour to it', async () => {
      const api = await open();
      const group = await createGroup(api, { max: 3 });
      await addHook(api, group, {
        lifecycle_hook_name: 'boot',
        default_timeout: 60,
        default_result: 'CONTINUE',
      });
      const start = api.clock.now();
      await setDesire(api, group, 1);
      const [hold] = await holds(api, group);
      const extend = await callback(api, group, {
        instance_id: hold?.instance_id,
        lifecycle_hook_name: 'boot',
        lifecycle_action_result: 'EXTEND',
      });
      expect(extend.statusCode, extend.body).toBe(204);
      expect(await holds(api, group)).toMatchObject([
        { lifecycle_hook_status: 'HANGING', timeout: wireTime(start + 60_000 + 3_600_000) },
      ]);
      api.clock.advance(120_000);
      await runEngine(api, settle);
      expect(await states(api, group)).toEqual(['PENDING_WAIT']);
      api.clock.advance(3_600_000);
      await runEngine(api, settle);
      expect(await states(api, group)).toEqual(['INSERVICE']);
      const [activity] = await activities(api, group);
      expect(activity?.status).toBe('SUCCESS');
      expect(activity?.description).toContain('extended by callback');
      expect(activity?.description).toContain('CONTINUE at its timeout');
    });

    it('refuses a callback past the deadline and applies the default result in its place', async () => {
      const api = await open();
      const group = await createGroup(api, { max: 3 });
      await addHook(api, group, {
        lifecycle_hook_name: 'boot',
        default_timeout: 60,
        default_result: 'CONTINUE',
      });
      await setDesire(api, group, 1);
      const [hold] = await holds(api, group);
      api.clock.advance(61_000);
      expectAsError(
        await callback(api, group, {
          lifecycle_action_key: hold?.lifecycle_action_key,
          lifecycle_action_result: 'ABANDON',
        }),
        400,
        'AS.7042',
      );
      expect(await states(api, group)).toEqual(['INSERVICE']);
    });

    it('holds an instance in each launching hook in turn, oldest first', async () => {
      const api = await open();
      const group = await createGroup(api, { max: 3 });
      await addHook(api, group, { lifecycle_hook_name: 'first' });
      await addHook(api, group, {
        lifecycle_hook_name: 'gone',
        lifecycle_hook_type: 'INSTANCE_TERMINATING',
      });
      await addHook(api, group, { lifecycle_hook_name: 'second' });
      await setDesire(api, group, 1);
      const [one] = await holds(api, group);
      expect(one?.lifecycle_hook_name).toBe('first');
      await callback(api, group, {
        lifecycle_action_key: one?.lifecycle_action_key,
        lifecycle_action_result: 'CONTINUE',
      });
      expect(await states(api, group)).toEqual(['PENDING_WAIT']);
      const list = await holds(api, group);
      expect(list.map((h) => [h.lifecycle_hook_name, h.lifecycle_hook_status])).toEqual([
        ['first', 'CONTINUE'],
        ['second', 'HANGING'],
      ]);
      const res = await callback(api, group, {
        instance_id: one?.instance_id,
        lifecycle_hook_name: 'second',
        lifecycle_action_result: 'CONTINUE',
      });
      expect(res.statusCode, res.body).toBe(204);
      expect(await states(api, group)).toEqual(['INSERVICE']);
      const [activity] = await activities(api, group);
      expect(activity?.status).toBe('SUCCESS');
    });

    it('holds a scale-in in REMOVING_WAIT; CONTINUE removes it after the settle delay, ABANDON at once skips the next hook', async () => {
      const api = await open();
      const group = await createGroup(api, { max: 3, desire: 2 });
      api.clock.advance(settle);
      await runEngine(api, settle);
      expect(await states(api, group)).toEqual(['INSERVICE', 'INSERVICE']);
      await addHook(api, group, {
        lifecycle_hook_name: 'drain',
        lifecycle_hook_type: 'INSTANCE_TERMINATING',
      });
      await addHook(api, group, {
        lifecycle_hook_name: 'logs',
        lifecycle_hook_type: 'INSTANCE_TERMINATING',
      });
      await setDesire(api, group, 1);
      expect((await states(api, group)).sort()).toEqual(['INSERVICE', 'REMOVING_WAIT']);
      // A waiting instance still counts as current, and the activity stays DOING.
      expect(await showGroup(api, group)).toMatchObject({ current_instance_number: 2 });
      const [drain] = await holds(api, group);
      expect(drain?.lifecycle_hook_name).toBe('drain');
      // No hook is deleted while it holds an instance.
      expectAsError(await send(api, 'DELETE', `${hooksUrl(group)}/logs`), 400, 'AS.2033');
      await callback(api, group, {
        lifecycle_action_key: drain?.lifecycle_action_key,
        lifecycle_action_result: 'CONTINUE',
      });
      const [logs] = (await holds(api, group)).filter((h) => h.lifecycle_hook_status === 'HANGING');
      expect(logs?.lifecycle_hook_name).toBe('logs');
      await callback(api, group, {
        lifecycle_action_key: logs?.lifecycle_action_key,
        lifecycle_action_result: 'CONTINUE',
      });
      expect((await states(api, group)).sort()).toEqual(['INSERVICE', 'REMOVING']);
      expect((await activities(api, group))[0]?.status).toBe('DOING');
      api.clock.advance(settle);
      await runEngine(api, settle);
      expect(await states(api, group)).toEqual(['INSERVICE']);
      expect((await activities(api, group))[0]?.status).toBe('SUCCESS');

      await setDesire(api, group, 0);
      const [next] = await holds(api, group);
      await callback(api, group, {
        lifecycle_action_key: next?.lifecycle_action_key,
        lifecycle_action_result: 'ABANDON',
      });
      expect(await states(api, group)).toEqual(['REMOVING']);
      expect((await holds(api, group)).map((h) => h.lifecycle_hook_status)).toEqual(['ABANDON']);
      api.clock.advance(settle);
      await runEngine(api, settle);
      expect(await states(api, group)).toEqual([]);
      const deleted = await send(api, 'DELETE', `${hooksUrl(group)}/logs`);
      expect(deleted.statusCode, deleted.body).toBe(204);
    });

    it('filters the hold list by instance_id', async () => {
      const api = await open();
      const group = await createGroup(api, { max: 3 });
      await addHook(api, group, { lifecycle_hook_name: 'boot' });
      await setDesire(api, group, 2);
      const all = await holds(api, group);
      expect(all).toHaveLength(2);
      const one = await holds(api, group, `?instance_id=${all[1]?.instance_id ?? ''}`);
      expect(one).toEqual([all[1]]);
      expect(await holds(api, group, '?instance_id=nothing')).toEqual([]);
      expectAsError(
        await send(api, 'GET', `${holdsUrl(group)}/list?instance_id=a&instance_id=b`),
        400,
        'AS.0022',
      );
      // A hold is called back only through its own group, and only by its own project.
      const other = await createGroup(api, { max: 3 });
      const key = all[0]?.lifecycle_action_key;
      expectAsError(
        await callback(api, other, {
          lifecycle_action_key: key,
          lifecycle_action_result: 'CONTINUE',
        }),
        400,
        'AS.7042',
      );
      expectAsError(
        await send(api, 'PUT', `${holdsUrl(group, otherProject)}/callback`, {
          lifecycle_action_key: key,
          lifecycle_action_result: 'CONTINUE',
        }),
        400,
        'AS.2007',
      );
      expectAsError(
        await send(api, 'GET', `${holdsUrl(group, otherProject)}/list`),
        400,
        'AS.2007',
      );
      expect((await holds(api, group)).map((h) => h.lifecycle_hook_status)).toEqual([
        'HANGING',
        'HANGING',
      ]);
    });

    it('deletes the hooks and holds of a group deleted by force', async () => {
      const api = await open();
      const group = await createGroup(api, { max: 3 });
      await addHook(api, group, { lifecycle_hook_name: 'boot', default_timeout: 60 });
      await setDesire(api, group, 1);
      const res = await send(api, 'DELETE', `${groupsUrl()}/${group}?force_delete=yes`);
      expect(res.statusCode, res.body).toBe(204);
      const left = await api.store.resourceRead(async (tx) => ({
        hooks: await tx.lifecycleHooks.ofGroup(project, group),
        due: await tx.lifecycleHooks.dueWaits(Number.MAX_SAFE_INTEGER, 10),
      }));
      expect(left).toEqual({ hooks: [], due: [] });
      api.clock.advance(120_000);
      await runEngine(api, settle);
    });
  });
}
