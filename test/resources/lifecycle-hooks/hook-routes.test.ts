import { describe, expect, it } from 'vitest';
import { testBackends } from '../../support/backends.js';
import { expectAsError, openTestApi } from '../../support/api-harness.js';
import { createGroup, send } from '../instances/instance-support.js';
import { addHook, callback, createHook, holdsUrl, hooksUrl, topicUrn } from './hook-support.js';

const otherProject = '9b7e35ad379141fc9df3e178bd64f55c';
const wireTime = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

for (const backend of testBackends) {
  describe.skipIf(!backend.available)(`lifecycle hooks: ${backend.name}`, () => {
    it('creates a hook with the defaults, and shows, lists, updates and deletes it', async () => {
      const api = await openTestApi(backend);
      const group = await createGroup(api);
      const created = await addHook(api, group, { lifecycle_hook_name: 'test-hook1' });
      expect(created).toEqual({
        lifecycle_hook_name: 'test-hook1',
        lifecycle_hook_type: 'INSTANCE_LAUNCHING',
        default_result: 'ABANDON',
        default_timeout: 3600,
        notification_topic_urn: topicUrn,
        notification_topic_name: 'gsh',
        notification_metadata: null,
        create_time: wireTime(api.clock.now()),
      });
      api.clock.advance(1000);
      await addHook(api, group, {
        lifecycle_hook_name: 'b_2',
        lifecycle_hook_type: 'INSTANCE_TERMINATING',
        default_result: 'CONTINUE',
        default_timeout: 60,
        notification_metadata: 'configure me',
      });
      const shown = await send(api, 'GET', `${hooksUrl(group)}/test-hook1`);
      expect(shown.statusCode).toBe(200);
      expect(shown.json()).toEqual(created);
      const list = await send(api, 'GET', `${hooksUrl(group)}/list`);
      expect(list.statusCode).toBe(200);
      const names = list
        .json<{ lifecycle_hooks: { lifecycle_hook_name: string }[] }>()
        .lifecycle_hooks.map((h) => h.lifecycle_hook_name);
      expect(names).toEqual(['test-hook1', 'b_2']);

      const updated = await send(api, 'PUT', `${hooksUrl(group)}/test-hook1`, {
        default_result: 'CONTINUE',
        default_timeout: 86400,
        lifecycle_hook_type: 'INSTANCE_TERMINATING',
      });
      expect(updated.statusCode, updated.body).toBe(200);
      expect(updated.json()).toEqual({
        ...created,
        default_result: 'CONTINUE',
        default_timeout: 86400,
        lifecycle_hook_type: 'INSTANCE_TERMINATING',
      });

      const deleted = await send(api, 'DELETE', `${hooksUrl(group)}/test-hook1`);
      expect(deleted.statusCode).toBe(204);
      expect(deleted.body).toBe('');
      expectAsError(await send(api, 'GET', `${hooksUrl(group)}/test-hook1`), 400, 'AS.7036');
    });

    it('refuses each bad create field with its code', async () => {
      const api = await openTestApi(backend);
      const group = await createGroup(api);
      const cases: [Record<string, unknown>, string][] = [
        [{ lifecycle_hook_name: undefined }, 'AS.7032'],
        [{ lifecycle_hook_name: '' }, 'AS.7032'],
        [{ lifecycle_hook_name: 'has space' }, 'AS.7031'],
        [{ lifecycle_hook_name: 'x'.repeat(33) }, 'AS.7031'],
        [{ lifecycle_hook_name: 7 }, 'AS.7031'],
        [{ lifecycle_hook_type: undefined }, 'AS.7037'],
        [{ lifecycle_hook_type: 'INSTANCE_STARTING' }, 'AS.7033'],
        [{ default_result: 'EXTEND' }, 'AS.7034'],
        [{ default_timeout: 59 }, 'AS.7030'],
        [{ default_timeout: 86401 }, 'AS.7030'],
        [{ default_timeout: 100.5 }, 'AS.7030'],
        [{ default_timeout: '3600' }, 'AS.7030'],
        [{ notification_topic_urn: undefined }, 'AS.7043'],
        [{ notification_topic_urn: 'topic' }, 'AS.7043'],
        [{ notification_metadata: 'x'.repeat(257) }, 'AS.7035'],
        [{ notification_metadata: 'a<b' }, 'AS.7055'],
        [{ notification_metadata: "it's" }, 'AS.7055'],
        [{ unknown_field: 1 }, 'AS.0022'],
      ];
      for (const [change, code] of cases) {
        const body = withDefaults({ lifecycle_hook_name: 'h1', ...change }, change);
        const res = await send(api, 'POST', hooksUrl(group), body);
        expect(expectAsError(res, 400, code), JSON.stringify(change)).toBeTruthy();
      }
      const list = await send(api, 'GET', `${hooksUrl(group)}/list`);
      expect(list.json()).toEqual({ lifecycle_hooks: [] });
      expectAsError(await send(api, 'POST', hooksUrl(group)), 400, 'AS.0002');
    });

    it('keeps names unique in a group, and at most five hooks', async () => {
      const api = await openTestApi(backend);
      const group = await createGroup(api);
      await addHook(api, group, { lifecycle_hook_name: 'h0' });
      expectAsError(await createHook(api, group, { lifecycle_hook_name: 'h0' }), 400, 'AS.7041');
      for (let n = 1; n < 5; n += 1)
        await addHook(api, group, { lifecycle_hook_name: `h${String(n)}` });
      expectAsError(await createHook(api, group, { lifecycle_hook_name: 'h5' }), 400, 'AS.7038');
      // Another group takes its own five.
      const other = await createGroup(api);
      await addHook(api, other, { lifecycle_hook_name: 'h0' });
    });

    it('answers AS.2007 for an unknown group and AS.7036 for an unknown hook, per project', async () => {
      const api = await openTestApi(backend);
      const group = await createGroup(api);
      await addHook(api, group, { lifecycle_hook_name: 'mine' });
      const unknown = '00000000-0000-4000-8000-000000000000';
      expectAsError(await createHook(api, unknown, { lifecycle_hook_name: 'h' }), 400, 'AS.2007');
      expectAsError(await send(api, 'GET', `${hooksUrl(unknown)}/list`), 400, 'AS.2007');
      expectAsError(await send(api, 'GET', `${hooksUrl(unknown)}/mine`), 400, 'AS.2007');
      expectAsError(await send(api, 'GET', `${holdsUrl(unknown)}/list`), 400, 'AS.2007');
      expectAsError(
        await callback(api, unknown, {
          lifecycle_action_result: 'CONTINUE',
          lifecycle_action_key: 'k',
        }),
        400,
        'AS.2007',
      );
      expectAsError(await send(api, 'GET', `${hooksUrl(group)}/other`), 400, 'AS.7036');
      expectAsError(
        await send(api, 'PUT', `${hooksUrl(group)}/other`, { default_timeout: 60 }),
        400,
        'AS.7036',
      );
      expectAsError(await send(api, 'DELETE', `${hooksUrl(group)}/other`), 400, 'AS.7036');
      // Another project sees neither the group nor its hooks.
      expectAsError(
        await send(api, 'GET', `${hooksUrl(group, otherProject)}/mine`),
        400,
        'AS.2007',
      );
      expectAsError(
        await send(api, 'GET', `${hooksUrl(group, otherProject)}/list`),
        400,
        'AS.2007',
      );
    });

    it('refuses each bad update field with its code, and keeps the name', async () => {
      const api = await openTestApi(backend);
      const group = await createGroup(api);
      await addHook(api, group, { lifecycle_hook_name: 'h' });
      const cases: [Record<string, unknown>, string][] = [
        [{ lifecycle_hook_type: 'X' }, 'AS.7033'],
        [{ default_result: 'EXTEND' }, 'AS.7034'],
        [{ default_timeout: 0 }, 'AS.7030'],
        [{ notification_topic_urn: 'urn:smn:x' }, 'AS.7043'],
        [{ notification_metadata: 'x'.repeat(257) }, 'AS.7035'],
        [{ notification_metadata: '(x)' }, 'AS.7055'],
        [{ lifecycle_hook_name: 'renamed' }, 'AS.0022'],
      ];
      for (const [body, code] of cases) {
        expectAsError(await send(api, 'PUT', `${hooksUrl(group)}/h`, body), 400, code);
      }
      const shown = await send(api, 'GET', `${hooksUrl(group)}/h`);
      expect(shown.json()).toMatchObject({ default_timeout: 3600, default_result: 'ABANDON' });
    });

    it('refuses bad callbacks with their codes', async () => {
      const api = await openTestApi(backend);
      const group = await createGroup(api);
      const cases: [Record<string, unknown>, string][] = [
        [{ lifecycle_action_key: 'k' }, 'AS.7039'],
        [{ lifecycle_action_key: 'k', lifecycle_action_result: 'STOP' }, 'AS.7034'],
        [{ lifecycle_action_result: 'CONTINUE' }, 'AS.7040'],
        [{ lifecycle_action_result: 'CONTINUE', instance_id: 'i-1' }, 'AS.7040'],
        [{ lifecycle_action_result: 'CONTINUE', lifecycle_hook_name: 'h' }, 'AS.7040'],
        [{ lifecycle_action_result: 'CONTINUE', lifecycle_action_key: '' }, 'AS.7040'],
        [{ lifecycle_action_result: 'CONTINUE', lifecycle_action_key: 'no-such-key' }, 'AS.7042'],
        [
          { lifecycle_action_result: 'EXTEND', instance_id: 'i-1', lifecycle_hook_name: 'h' },
          'AS.7042',
        ],
      ];
      for (const [body, code] of cases) {
        expectAsError(await callback(api, group, body), 400, code);
      }
    });
  });
}

/** The create body with the required fields filled in unless the case leaves one out. */
function withDefaults(
  body: Record<string, unknown>,
  change: Record<string, unknown>,
): Record<string, unknown> {
  const full: Record<string, unknown> = {
    lifecycle_hook_type: 'INSTANCE_LAUNCHING',
    notification_topic_urn: topicUrn,
    ...body,
  };
  const left = new Set(Object.keys(change).filter((k) => change[k] === undefined));
  return Object.fromEntries(Object.entries(full).filter(([k]) => !left.has(k)));
}
