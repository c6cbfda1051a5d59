import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devCredentials } from '../../src/auth/dev-credentials.js';
import { sdkFetch } from '../cli/signed-fetch.js';
import { assertBuilt, ScalelogProcess } from './scalelog-process.js';

/**
 * A group's warm pool as code written against the AS API uses it, with requests signed by the
 * official Node signer against the real `bin/scalelog serve --dev`: the pool put on the V2
 * path and read on the first one, its instances becoming READY, a scale-out that takes them
 * first (the activity log says how many), the scheduler refilling the pool, and its close.
 */

const project = devCredentials.projectId;
const v1 = `/autoscaling-api/v1/${project}`;
const oldPool = (groupId: string) => `/autoscaling-api/${project}/scaling-groups/${groupId}`;
const newPool = (groupId: string) => `/v2/${project}/scaling-groups/${groupId}`;
const settleMs = 1500;

let dir: string | undefined;
let server: ScalelogProcess | undefined;
let base = '';

beforeAll(async () => {
  await assertBuilt();
  dir = await mkdtemp(join(tmpdir(), 'scalelog-warm-'));
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
  method: 'GET' | 'POST' | 'PUT' | 'DELETE',
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

interface PoolInstance {
  id: string;
  instance_id: string;
  name: string;
  status: string;
}

/** Polls until `check` holds (the settle delay is real time here), at most 10 s. */
async function eventually<T>(read: () => Promise<T>, check: (value: T) => boolean): Promise<T> {
  const until = Date.now() + 10_000;
  for (;;) {
    const value = await read();
    if (check(value) || Date.now() > until) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe("a group's warm pool, signed by the official SDK signer", () => {
  it('put, READY instances, a scale-out that takes them first, the refill, and the close', async () => {
    const { scaling_configuration_id: configurationId } = await json<{
      scaling_configuration_id: string;
    }>(
      await call('POST', `${v1}/scaling_configuration`, {
        scaling_configuration_name: 'warm-cfg',
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
        scaling_group_name: 'warm',
        scaling_configuration_id: configurationId,
        vpc_id: 'vpc-1',
        networks: [{ id: 'subnet-1' }],
        min_instance_number: 0,
        max_instance_number: 5,
        desire_instance_number: 0,
      }),
    );
    await noContent(
      await call('POST', `${v1}/scaling_group/${groupId}/action`, { action: 'resume' }),
    );

    // Put on the V2 path, read on the first.
    await noContent(
      await call('PUT', `${newPool(groupId)}/warm-pool`, {
        min_capacity: 2,
        max_capacity: 2,
        instance_init_wait_time: 1,
      }),
    );
    expect(await json(await call('GET', `${oldPool(groupId)}/warm-pool`))).toEqual({
      warm_pool: { min_capacity: 2, max_capacity: 2, instance_init_wait_time: 1, status: 'ACTIVE' },
    });
    const poolOf = async () =>
      (
        await json<{ warm_pool_instances: PoolInstance[] }>(
          await call('GET', `${oldPool(groupId)}/warm-pool-instances`, undefined, { limit: '10' }),
        )
      ).warm_pool_instances;
    const warm = await poolOf();
    expect(warm.map((i) => i.status)).toEqual(['INITIALIZING', 'INITIALIZING']);
    const ready = await eventually(poolOf, (list) => list.every((i) => i.status === 'READY'));
    expect(ready.map((i) => i.status)).toEqual(['READY', 'READY']);

    // A scale-out of three: the two READY ones join at once, one is built.
    const { scaling_policy_id: addThree } = await json<{ scaling_policy_id: string }>(
      await call('POST', `${v1}/scaling_policy`, {
        scaling_policy_name: 'add-three',
        scaling_group_id: groupId,
        scaling_policy_type: 'ALARM',
        alarm_id: 'al-warm',
        scaling_policy_action: { operation: 'ADD', instance_number: 3 },
      }),
    );
    await noContent(
      await call('POST', `${v1}/scaling_policy/${addThree}/action`, { action: 'execute' }),
    );
    const instances = (
      await json<{
        scaling_group_instances: { instance_id: string; life_cycle_state: string }[];
      }>(await call('GET', `${v1}/scaling_group_instance/${groupId}/list`))
    ).scaling_group_instances;
    const warmIds = ready.map((i) => i.instance_id);
    expect(
      instances.filter((i) => warmIds.includes(i.instance_id)).map((i) => i.life_cycle_state),
    ).toEqual(['INSERVICE', 'INSERVICE']);
    expect(instances.filter((i) => !warmIds.includes(i.instance_id))).toHaveLength(1);
    const log = await json<{ scaling_activity_log: { description: string }[] }>(
      await call('GET', `${v1}/scaling_activity_log/${groupId}`),
    );
    expect(JSON.parse(log.scaling_activity_log[0]?.description ?? '{}')).toMatchObject({
      warm_pool_instance_number: 2,
    });

    // The scheduler's pass refills the pool with new servers.
    const refilled = await eventually(poolOf, (list) => list.length === 2);
    expect(refilled).toHaveLength(2);
    expect(refilled.some((i) => warmIds.includes(i.instance_id))).toBe(false);

    // Closed on the first path: its instances and their servers go.
    await noContent(await call('DELETE', `${oldPool(groupId)}/warm-pool`));
    expect(await json(await call('GET', `${newPool(groupId)}/warm-pool`))).toEqual({});
    expect(await poolOf()).toEqual([]);
    const servers = await json<{ servers: { id: string }[] }>(
      await call('GET', `/scalelog/v1/${project}/servers`, undefined, { limit: '100' }),
    );
    for (const i of refilled) {
      expect(servers.servers.map((s) => s.id)).not.toContain(i.instance_id);
    }
  });
});
