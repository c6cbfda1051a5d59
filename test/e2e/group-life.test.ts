import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devCredentials } from '../../src/auth/dev-credentials.js';
import { sdkFetch } from '../cli/signed-fetch.js';
import { assertBuilt, ScalelogProcess } from './scalelog-process.js';

/**
 * A group's whole life as code written against the AS API lives it, with requests signed by
 * the official Node signer against the real `bin/scalelog serve --dev`: a configuration and a
 * group, instances coming into service, one protected, a scale-in that leaves it, and the
 * history of it all in the execution log and the activity logs.
 */

const project = devCredentials.projectId;
const v1 = `/autoscaling-api/v1/${project}`;
const v2 = `/autoscaling-api/v2/${project}`;
const settleMs = 1500;
const wireTime = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;

let dir: string | undefined;
let server: ScalelogProcess | undefined;
let base = '';

beforeAll(async () => {
  await assertBuilt();
  dir = await mkdtemp(join(tmpdir(), 'scalelog-life-'));
  server = new ScalelogProcess(['serve', '--dev', '--listen', '127.0.0.1:0'], {
    cwd: dir,
    env: {
      SCALELOG_SCHEDULER_INTERVAL_MS: '50',
      SCALELOG_INSTANCE_SETTLE_MS: String(settleMs),
    },
  });
  const listening = await server.waitForLog((log) => typeof log.url === 'string');
  base = String(listening.url);
});
afterAll(async () => {
  server?.kill();
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

const call = async (
  method: 'GET' | 'POST',
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

interface Instance {
  instance_id: string;
  instance_name: string;
  life_cycle_state: string;
  health_status: string;
  create_time: string;
  protect_from_scaling_down: boolean;
  scaling_configuration_id: string | null;
}

const instancesOf = async (groupId: string, query?: Record<string, string>) =>
  (
    await json<{ total_number: number; scaling_group_instances: Instance[] }>(
      await call('GET', `${v1}/scaling_group_instance/${groupId}/list`, undefined, query),
    )
  ).scaling_group_instances;

/** Polls until `check` holds (the settle delay is real time here), at most 10 s. */
async function eventually<T>(read: () => Promise<T>, check: (value: T) => boolean): Promise<T> {
  const until = Date.now() + 10_000;
  for (;;) {
    const value = await read();
    if (check(value) || Date.now() > until) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe("a scaling group's whole life, signed by the official SDK signer", () => {
  it('configuration, group, instances in service, one protected, a scale-in, and the history', async () => {
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
    const { scaling_group_id: groupId } = await json<{ scaling_group_id: string }>(
      await call('POST', `${v1}/scaling_group`, {
        scaling_group_name: 'web',
        scaling_configuration_id: configurationId,
        vpc_id: 'vpc-1',
        networks: [{ id: 'subnet-1' }],
        min_instance_number: 0,
        max_instance_number: 5,
        desire_instance_number: 0,
        instance_terminate_policy: 'OLD_INSTANCE',
      }),
    );
    await noContent(
      await call('POST', `${v1}/scaling_group/${groupId}/action`, { action: 'resume' }),
    );
    const group = await json<{ scaling_group: Record<string, unknown> }>(
      await call('GET', `${v1}/scaling_group/${groupId}`),
    );
    expect(group.scaling_group).toMatchObject({
      scaling_configuration_id: configurationId,
      scaling_configuration_name: 'web-cfg',
      current_instance_number: 0,
    });

    const policy = async (name: string, operation: string, number: number): Promise<string> =>
      (
        await json<{ scaling_policy_id: string }>(
          await call('POST', `${v1}/scaling_policy`, {
            scaling_policy_name: name,
            scaling_group_id: groupId,
            scaling_policy_type: 'ALARM',
            alarm_id: `al-${name}`,
            scaling_policy_action: { operation, instance_number: number },
          }),
        )
      ).scaling_policy_id;
    const addTwo = await policy('add-two', 'ADD', 2);
    const addOne = await policy('add-one', 'ADD', 1);
    const removeTwo = await policy('remove-two', 'REMOVE', 2);
    const execute = async (policyId: string) =>
      noContent(
        await call('POST', `${v1}/scaling_policy/${policyId}/action`, { action: 'execute' }),
      );
    const settled = (groupIdToWait: string, count: number) =>
      eventually(
        () => instancesOf(groupIdToWait),
        (list) => list.length === count && list.every((i) => i.life_cycle_state === 'INSERVICE'),
      );
    /** Waits for the policy's last execution to settle (one execution per group at a time). */
    const logSettled = (policyId: string) =>
      eventually(
        async () =>
          (
            await json<{ scaling_policy_execute_log: { status: string }[] }>(
              await call('GET', `${v1}/scaling_policy_execute_log/${policyId}`),
            )
          ).scaling_policy_execute_log[0]?.status,
        (status) => status === 'SUCCESS',
      );

    // Scale out: two instances, PENDING while they come up, then INSERVICE.
    await execute(addTwo);
    const pending = await instancesOf(groupId);
    expect(pending.map((i) => [i.life_cycle_state, i.health_status])).toEqual([
      ['PENDING', 'INITIALIZING'],
      ['PENDING', 'INITIALIZING'],
    ]);
    for (const i of pending) {
      expect(i.instance_name).toMatch(/^web-cfg-[A-Z0-9]{8}$/);
      expect(i.scaling_configuration_id).toBe(configurationId);
      expect(i.create_time).toMatch(wireTime);
    }
    expect((await settled(groupId, 2)).map((i) => i.health_status)).toEqual(['NORMAL', 'NORMAL']);
    expect(await logSettled(addTwo)).toBe('SUCCESS');
    // The newest comes a little later, so the oldest two are told apart from it.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    await execute(addOne);
    const three = await settled(groupId, 3);
    expect(await logSettled(addOne)).toBe('SUCCESS');

    // Protect the oldest: OLD_INSTANCE would remove it first; the scale-in takes the others.
    const [oldest] = [...three].sort((a, b) => a.create_time.localeCompare(b.create_time));
    await noContent(
      await call('POST', `${v1}/scaling_group_instance/${groupId}/action`, {
        action: 'PROTECT',
        instances_id: [oldest?.instance_id],
      }),
    );
    expect(
      (await instancesOf(groupId, { protect_from_scaling_down: 'true' })).map((i) => i.instance_id),
    ).toEqual([oldest?.instance_id]);
    await execute(removeTwo);
    const removing = await instancesOf(groupId, { life_cycle_state: 'REMOVING' });
    expect(removing).toHaveLength(2);
    expect(removing.map((i) => i.instance_id)).not.toContain(oldest?.instance_id);
    const left = await settled(groupId, 1);
    expect(left.map((i) => [i.instance_id, i.protect_from_scaling_down])).toEqual([
      [oldest?.instance_id, true],
    ]);
    expect(await logSettled(removeTwo)).toBe('SUCCESS');
    const after = await json<{ scaling_group: Record<string, unknown> }>(
      await call('GET', `${v1}/scaling_group/${groupId}`),
    );
    expect(after.scaling_group).toMatchObject({
      desire_instance_number: 1,
      current_instance_number: 1,
      is_scaling: false,
    });

    // The execution log: why it scaled.
    const log = await json<{ scaling_policy_execute_log: Record<string, unknown>[] }>(
      await call('GET', `${v1}/scaling_policy_execute_log/${removeTwo}`),
    );
    expect(log.scaling_policy_execute_log[0]).toMatchObject({
      status: 'SUCCESS',
      execute_type: 'MANUAL',
      old_value: '3',
      desire_value: '1',
      type: 'REMOVE',
    });

    // The activity logs: what changed in the group, newest first, typed as the SDK models
    // them (v1: instance names joined by commas; v2: typed lists and the activity's type).
    const v1Log = await json<{
      total_number: number;
      scaling_activity_log: Record<string, unknown>[];
    }>(await call('GET', `${v1}/scaling_activity_log/${groupId}`));
    expect(v1Log.total_number).toBe(3);
    const [scaleIn, addedOne, addedTwo] = v1Log.scaling_activity_log;
    for (const entry of v1Log.scaling_activity_log) {
      expect(entry).toMatchObject({
        status: 'SUCCESS',
        start_time: expect.stringMatching(wireTime) as unknown,
        end_time: expect.stringMatching(wireTime) as unknown,
        id: expect.any(String) as unknown,
        scaling_value: expect.any(Number) as unknown,
        instance_value: expect.any(Number) as unknown,
        desire_value: expect.any(Number) as unknown,
        description: expect.any(String) as unknown,
      });
    }
    expect(addedTwo).toMatchObject({ instance_value: 0, desire_value: 2, scaling_value: 2 });
    expect(String(addedTwo?.instance_added_list).split(',').sort()).toEqual(
      pending.map((i) => i.instance_name).sort(),
    );
    expect(addedOne).toMatchObject({ instance_value: 2, desire_value: 3, scaling_value: 1 });
    expect(scaleIn).toMatchObject({
      instance_value: 3,
      desire_value: 1,
      scaling_value: 2,
      instance_added_list: null,
    });
    expect(String(scaleIn?.instance_deleted_list).split(',')).not.toContain(oldest?.instance_name);
    const reason = JSON.parse(String(scaleIn?.description)) as {
      reason: Record<string, unknown>[];
    };
    expect(reason.reason[0]).toMatchObject({
      change_reason: 'MANUAL',
      old_value: 3,
      new_value: 1,
      scaling_policy_id: removeTwo,
      scaling_policy_name: 'remove-two',
    });
    const v2Log = await json<{
      total_number: number;
      scaling_activity_log: Record<string, unknown>[];
    }>(
      await call('GET', `${v2}/scaling_activity_log/${groupId}`, undefined, {
        type: 'NORMAL',
        status: 'SUCCESS',
        limit: '1',
      }),
    );
    expect(v2Log.total_number).toBe(3);
    const [latest] = v2Log.scaling_activity_log;
    expect(latest).toMatchObject({ id: scaleIn?.id, type: 'NORMAL', status: 'SUCCESS' });
    const deleted = latest?.instance_deleted_list as Record<string, unknown>[];
    expect(deleted).toHaveLength(2);
    for (const instance of deleted) {
      expect(instance).toMatchObject({
        instance_id: expect.any(String) as unknown,
        instance_name: expect.stringMatching(/^web-cfg-/) as unknown,
      });
      expect(instance.instance_id).not.toBe(oldest?.instance_id);
    }
    expect(latest?.instance_added_list).toEqual([]);
    expect(latest?.lb_bind_success_list).toEqual([]);
  });
});
