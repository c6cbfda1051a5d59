import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devCredentials } from '../../src/auth/dev-credentials.js';
import { sdkFetch } from '../cli/signed-fetch.js';
import { assertBuilt, ScalelogProcess } from './scalelog-process.js';

/**
 * Lifecycle hooks as code written against the AS API uses them, with requests signed by the
 * official Node signer against the real `bin/scalelog serve --dev`: a group with a launching
 * hook scales out, its instance waits in PENDING_WAIT until the callback puts it in service;
 * another group's instance waits until the hook's timeout (the shortest the API takes, a
 * minute, in real time) applies its default result.
 */

const project = devCredentials.projectId;
const v1 = `/autoscaling-api/v1/${project}`;
const topic = `urn:smn:region-1:${project}:hooks`;

let dir: string | undefined;
let server: ScalelogProcess | undefined;
let base = '';

beforeAll(async () => {
  await assertBuilt();
  dir = await mkdtemp(join(tmpdir(), 'scalelog-hooks-'));
  server = new ScalelogProcess(['serve', '--dev', '--listen', '127.0.0.1:0'], {
    cwd: dir,
    env: { SCALELOG_SCHEDULER_INTERVAL_MS: '200', SCALELOG_INSTANCE_SETTLE_MS: '500' },
  });
  const listening = await server.waitForLog((log) => typeof log.url === 'string');
  base = String(listening.url);
});
afterAll(async () => {
  server?.kill();
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

const call = async (
  method: 'GET' | 'POST' | 'PUT',
  path: string,
  body?: unknown,
  query?: Record<string, string>,
): Promise<Response> =>
  sdkFetch(base, devCredentials, {
    method,
    path,
    ...(query === undefined ? {} : { query }),
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });

async function json<T>(response: Response, status = 200): Promise<T> {
  const text = await response.text();
  expect(response.status, text).toBe(status);
  return JSON.parse(text) as T;
}

async function noContent(response: Response): Promise<void> {
  expect(response.status, await response.text()).toBe(204);
}

/** Polls until `check` holds, at most `ms`. */
async function eventually<T>(
  read: () => Promise<T>,
  check: (value: T) => boolean,
  ms: number,
): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (check(value) || Date.now() > until) return value;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

interface Hold {
  lifecycle_hook_name: string;
  lifecycle_action_key: string;
  instance_id: string;
  lifecycle_hook_status: string;
  timeout: string;
  default_result: string;
}

const states = async (groupId: string): Promise<string[]> =>
  (
    await json<{ scaling_group_instances: { life_cycle_state: string }[] }>(
      await call('GET', `${v1}/scaling_group_instance/${groupId}/list`),
    )
  ).scaling_group_instances.map((i) => i.life_cycle_state);

const holds = async (groupId: string): Promise<Hold[]> =>
  (
    await json<{ instance_hanging_info: Hold[] }>(
      await call('GET', `${v1}/scaling_instance_hook/${groupId}/list`),
    )
  ).instance_hanging_info;

const activities = async (groupId: string) =>
  (
    await json<{ scaling_activity_log: { status: string; description: string }[] }>(
      await call('GET', `${v1}/scaling_activity_log/${groupId}`),
    )
  ).scaling_activity_log;

async function groupWithHook(
  configurationId: string,
  name: string,
  hook: Record<string, unknown>,
): Promise<string> {
  const { scaling_group_id: groupId } = await json<{ scaling_group_id: string }>(
    await call('POST', `${v1}/scaling_group`, {
      scaling_group_name: name,
      scaling_configuration_id: configurationId,
      vpc_id: 'vpc-1',
      networks: [{ id: 'subnet-1' }],
      min_instance_number: 0,
      max_instance_number: 3,
      desire_instance_number: 0,
    }),
  );
  await noContent(
    await call('POST', `${v1}/scaling_group/${groupId}/action`, { action: 'resume' }),
  );
  const created = await json<Record<string, unknown>>(
    await call('POST', `${v1}/scaling_lifecycle_hook/${groupId}`, {
      lifecycle_hook_type: 'INSTANCE_LAUNCHING',
      notification_topic_urn: topic,
      ...hook,
    }),
  );
  expect(created).toMatchObject({ ...hook, notification_topic_name: 'hooks' });
  await json(await call('PUT', `${v1}/scaling_group/${groupId}`, { desire_instance_number: 1 }));
  return groupId;
}

describe('lifecycle hooks, signed by the official SDK signer', () => {
  it('hold a scale-out until the callback, or until the timeout applies the default result', async () => {
    const { scaling_configuration_id: configurationId } = await json<{
      scaling_configuration_id: string;
    }>(
      await call('POST', `${v1}/scaling_configuration`, {
        scaling_configuration_name: 'web-cfg',
        instance_config: {
          flavorRef: 's6.small.1',
          imageRef: 'img-1',
          key_name: 'k',
          disk: [{ size: 40, volume_type: 'SSD', disk_type: 'SYS' }],
        },
      }),
    );
    // The group left to its timeout first, so that its minute runs while the other is handled.
    const timedOut = await groupWithHook(configurationId, 'batch', {
      lifecycle_hook_name: 'boot',
      default_timeout: 60,
      default_result: 'CONTINUE',
    });
    const startedAt = Date.now();
    const called = await groupWithHook(configurationId, 'web', {
      lifecycle_hook_name: 'configure',
      default_timeout: 600,
    });

    // Past the settle delay, the instance still waits for the hook.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(await states(called)).toEqual(['PENDING_WAIT']);
    const [hold, ...more] = await holds(called);
    expect(more).toEqual([]);
    expect(hold).toMatchObject({
      lifecycle_hook_name: 'configure',
      lifecycle_hook_status: 'HANGING',
      default_result: 'ABANDON',
    });
    expect(Date.parse(hold?.timeout ?? '') - Date.now()).toBeGreaterThan(590_000);
    const [doing] = await activities(called);
    expect(doing?.status).toBe('DOING');
    expect(doing?.description).toContain('Lifecycle hook configure (INSTANCE_LAUNCHING)');

    await noContent(
      await call('PUT', `${v1}/scaling_instance_hook/${called}/callback`, {
        lifecycle_action_key: hold?.lifecycle_action_key,
        lifecycle_action_result: 'CONTINUE',
      }),
    );
    expect(await states(called)).toEqual(['INSERVICE']);
    expect(await holds(called)).toMatchObject([{ lifecycle_hook_status: 'CONTINUE' }]);
    const [done] = await activities(called);
    expect(done?.status).toBe('SUCCESS');
    expect(done?.description).toContain('CONTINUE by callback');

    // The other group: still held, then in service once the minute has passed.
    expect(await states(timedOut)).toEqual(['PENDING_WAIT']);
    const after = await eventually(
      () => states(timedOut),
      (s) => s[0] === 'INSERVICE',
      75_000 - (Date.now() - startedAt),
    );
    expect(after).toEqual(['INSERVICE']);
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(59_000);
    expect(await holds(timedOut)).toMatchObject([
      { lifecycle_hook_name: 'boot', lifecycle_hook_status: 'CONTINUE' },
    ]);
    const [timed] = await activities(timedOut);
    expect(timed?.status).toBe('SUCCESS');
    expect(timed?.description).toContain('CONTINUE at its timeout');
  }, 120_000);
});
