import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devCredentials } from '../../src/auth/dev-credentials.js';
import { sdkFetch } from '../cli/signed-fetch.js';
import { assertBuilt, ScalelogProcess } from './scalelog-process.js';

/**
 * The engine as a user meets it: the real `bin/scalelog serve --dev`, requests signed by the
 * official Node signer over HTTP. Create a group and policies, execute them by hand, by alarm
 * and by schedule, and read each execution back through the log API.
 */

const project = devCredentials.projectId;
const v1 = `/autoscaling-api/v1/${project}`;
const wireTime = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;
const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

let dir: string | undefined;
let server: ScalelogProcess | undefined;
let base = '';

beforeAll(async () => {
  await assertBuilt();
  dir = await mkdtemp(join(tmpdir(), 'scalelog-engine-'));
  server = new ScalelogProcess(['serve', '--dev', '--listen', '127.0.0.1:0'], {
    cwd: dir,
    env: { SCALELOG_SCHEDULER_INTERVAL_MS: '50' },
  });
  const listening = await server.waitForLog((log) => typeof log.url === 'string');
  base = String(listening.url);
});
afterAll(async () => {
  server?.kill();
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

const call = async (method: 'GET' | 'POST', path: string, body?: unknown): Promise<Response> =>
  sdkFetch(base, devCredentials, {
    method,
    path,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });

async function json<T>(response: Response, status = 200): Promise<T> {
  const text = await response.text();
  expect(response.status, text).toBe(status);
  return JSON.parse(text) as T;
}

async function logsOf(policyId: string): Promise<Record<string, unknown>[]> {
  const page = await json<{ scaling_policy_execute_log: Record<string, unknown>[] }>(
    await call('GET', `${v1}/scaling_policy_execute_log/${policyId}`),
  );
  return page.scaling_policy_execute_log;
}

describe('the policy engine over HTTP, signed by the official SDK signer', () => {
  it('records manual, alarm and scheduled executions as the log API serves them', async () => {
    const { scaling_configuration_id: configurationId } = await json<{
      scaling_configuration_id: string;
    }>(
      await call('POST', `${v1}/scaling_configuration`, {
        scaling_configuration_name: 'web-config',
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
        min_instance_number: 1,
        max_instance_number: 5,
        desire_instance_number: 2,
        cool_down_time: 300,
      }),
    );
    expect(
      (await call('POST', `${v1}/scaling_group/${groupId}/action`, { action: 'resume' })).status,
    ).toBe(204);

    const { scaling_policy_id: alarmPolicy } = await json<{ scaling_policy_id: string }>(
      await call('POST', `${v1}/scaling_policy`, {
        scaling_policy_name: 'add-one',
        scaling_group_id: groupId,
        scaling_policy_type: 'ALARM',
        alarm_id: 'al-cpu-high',
        scaling_policy_action: { operation: 'ADD', instance_number: 1 },
      }),
    );
    expect(alarmPolicy).toMatch(uuid);

    // Manual: 204, then the log with every field as the contract says, nothing else.
    const executed = await call('POST', `${v1}/scaling_policy/${alarmPolicy}/action`, {
      action: 'execute',
    });
    expect(executed.status, await executed.text()).toBe(204);
    const [manual] = await logsOf(alarmPolicy);
    expect(manual).toStrictEqual({
      id: expect.stringMatching(uuid) as unknown,
      status: 'SUCCESS',
      execute_type: 'MANUAL',
      execute_time: expect.stringMatching(wireTime) as unknown,
      tenant_id: project,
      scaling_policy_id: alarmPolicy,
      scaling_resource_type: 'SCALING_GROUP',
      scaling_resource_id: groupId,
      old_value: '2',
      desire_value: '3',
      limit_value: '5',
      type: 'ADD',
      job_records: [
        {
          job_name: 'ADJUST_VM_NUMBERS',
          record_type: 'MEG',
          record_time: manual?.execute_time,
          message: 'modify desire number of scaling group',
          job_status: 'SUCCESS',
        },
      ],
    });
    const group = await json<{ scaling_group: Record<string, unknown> }>(
      await call('GET', `${v1}/scaling_group/${groupId}`),
    );
    expect(group.scaling_group).toMatchObject({
      desire_instance_number: 3,
      current_instance_number: 3,
    });

    // Alarm, inside the cooldown the manual run started: recorded as a FAIL that says why.
    const fired = await json<{ executions: Record<string, unknown>[] }>(
      await call('POST', `/scalelog/v1/${project}/alarms/al-cpu-high/fire`),
    );
    expect(fired.executions).toHaveLength(1);
    expect(fired.executions[0]).toMatchObject({
      scaling_policy_id: alarmPolicy,
      status: 'FAIL',
      execute_type: 'ALARM',
    });
    // Logs of one second are ordered by id: find each by the id the endpoint reported.
    const cooling = (await logsOf(alarmPolicy)).find((l) => l.id === fired.executions[0]?.log_id);
    expect(cooling).toMatchObject({ status: 'FAIL', execute_type: 'ALARM', old_value: '3' });
    expect(cooling?.failed_reason).toMatch(/^AS\.0026: .*cooling down until/);

    // Recurrence, fired now through the developer endpoint (--dev turns it on).
    const { scaling_policy_id: daily } = await json<{ scaling_policy_id: string }>(
      await call('POST', `${v1}/scaling_policy`, {
        scaling_policy_name: 'nightly',
        scaling_group_id: groupId,
        scaling_policy_type: 'RECURRENCE',
        scheduled_policy: {
          launch_time: '03:00',
          recurrence_type: 'Daily',
          end_time: `${String(new Date().getUTCFullYear() + 1)}-01-01T00:00Z`,
        },
        scaling_policy_action: { operation: 'SET', instance_number: 1 },
      }),
    );
    const triggered = await json<Record<string, unknown>>(
      await call('POST', `/scalelog/v1/${project}/scaling_policy/${daily}/trigger`),
    );
    expect(triggered).toMatchObject({
      scaling_policy_id: daily,
      status: 'EXECUTING',
      execute_type: 'RECURRENCE',
    });
    const recurrence = (await logsOf(daily)).find((l) => l.id === triggered.log_id);
    expect(recurrence).toMatchObject({
      status: 'SUCCESS',
      execute_type: 'RECURRENCE',
      old_value: '3',
      desire_value: '1',
      limit_value: '1',
      type: 'SET',
    });

    // A paused policy's execute: 400 AS.3027, and the refusal is in the history too.
    expect(
      (await call('POST', `${v1}/scaling_policy/${daily}/action`, { action: 'pause' })).status,
    ).toBe(204);
    const refused = await json<{ error: { code: string } }>(
      await call('POST', `${v1}/scaling_policy/${daily}/action`, { action: 'execute' }),
      400,
    );
    expect(refused.error.code).toBe('AS.3027');
    const paused = (await logsOf(daily)).find((l) => l.execute_type === 'MANUAL');
    expect(paused).toMatchObject({ status: 'FAIL', execute_type: 'MANUAL' });
    expect(paused?.failed_reason).toMatch(/^AS\.3027: /);
  });
});
