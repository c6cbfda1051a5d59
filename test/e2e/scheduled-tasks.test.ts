import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devCredentials } from '../../src/auth/dev-credentials.js';
import { sdkFetch } from '../cli/signed-fetch.js';
import { assertBuilt, ScalelogProcess } from './scalelog-process.js';

/**
 * A scheduled task as code written against the AS API uses it, with requests signed by the
 * official Node signer against the real `bin/scalelog serve --dev`: created for the next
 * minute, it changes the group's bounds at its time, the instances follow, and the activity
 * log says so. The wait is real time: at most a minute and a little.
 */

const project = devCredentials.projectId;
const v1 = `/autoscaling-api/v1/${project}`;
const v2 = `/autoscaling-api/v2/${project}`;

let dir: string | undefined;
let server: ScalelogProcess | undefined;
let base = '';

beforeAll(async () => {
  await assertBuilt();
  dir = await mkdtemp(join(tmpdir(), 'scalelog-tasks-'));
  server = new ScalelogProcess(['serve', '--dev', '--listen', '127.0.0.1:0'], {
    cwd: dir,
    env: { SCALELOG_SCHEDULER_INTERVAL_MS: '100', SCALELOG_INSTANCE_SETTLE_MS: '500' },
  });
  const listening = await server.waitForLog((log) => typeof log.url === 'string');
  base = String(listening.url);
});
afterAll(async () => {
  server?.kill();
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

const call = (
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

interface Group {
  min_instance_number: number;
  max_instance_number: number;
  desire_instance_number: number;
  current_instance_number: number;
}

const groupOf = async (id: string): Promise<Group> =>
  (await json<{ scaling_group: Group }>(await call('GET', `${v1}/scaling_group/${id}`)))
    .scaling_group;

describe('a scheduled task, signed by the official SDK signer', () => {
  it('changes the bounds at its time, and the instances follow', async () => {
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
        max_instance_number: 2,
        desire_instance_number: 0,
      }),
    );
    expect(
      (await call('POST', `${v1}/scaling_group/${groupId}/action`, { action: 'resume' })).status,
    ).toBe(204);

    const tasks = `${v1}/scaling-groups/${groupId}/scheduled-tasks`;
    // The next whole minute, UTC: the earliest a one-off task may be set for.
    const launchAt = Math.floor(Date.now() / 60_000) * 60_000 + 60_000;
    const launchTime = `${new Date(launchAt).toISOString().slice(0, 16)}Z`;
    const { task_id: taskId } = await json<{ task_id: string }>(
      await call('POST', tasks, {
        name: 'peak',
        scheduled_policy: { launch_time: launchTime },
        instance_number: { min: 1, max: 4, desire: 3 },
      }),
    );
    const listed = await json<{
      page_info: Record<string, string>;
      scheduled_tasks: Record<string, unknown>[];
    }>(await call('GET', tasks, undefined, { limit: '10' }));
    expect(listed.page_info).toEqual({});
    expect(listed.scheduled_tasks).toMatchObject([
      {
        task_id: taskId,
        scaling_group_id: groupId,
        name: 'peak',
        scheduled_policy: { launch_time: launchTime },
        instance_number: { min: 1, max: 4, desire: 3 },
        tenant_id: project,
      },
    ]);
    // Renamed; the pending occurrence is kept.
    expect((await call('PUT', `${tasks}/${taskId}`, { name: 'peak-hours' })).status).toBe(204);
    expect(await groupOf(groupId)).toMatchObject({
      min_instance_number: 0,
      max_instance_number: 2,
      desire_instance_number: 0,
    });

    // At its time the bounds change, and the instances are built.
    let group = await groupOf(groupId);
    const until = launchAt + 20_000;
    while (group.current_instance_number < 3 && Date.now() < until) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      group = await groupOf(groupId);
    }
    expect(Date.now()).toBeGreaterThanOrEqual(launchAt);
    expect(group).toMatchObject({
      min_instance_number: 1,
      max_instance_number: 4,
      desire_instance_number: 3,
      current_instance_number: 3,
    });
    const log = await json<{ scaling_activity_log: { description: string; status: string }[] }>(
      await call('GET', `${v2}/scaling_activity_log/${groupId}`),
    );
    const byTask = log.scaling_activity_log.filter((a) => a.description.includes(taskId));
    expect(byTask).toHaveLength(1);
    expect(byTask[0]?.description).toContain('Scheduled task "peak-hours"');
    expect(byTask[0]?.description).toContain('maximum 2 to 4');

    // Deleted: the list is empty.
    expect((await call('DELETE', `${tasks}/${taskId}`)).status).toBe(204);
    const after = await json<{ scheduled_tasks: unknown[] }>(await call('GET', tasks));
    expect(after.scheduled_tasks).toEqual([]);
  }, 120_000);
});
