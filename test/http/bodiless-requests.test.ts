import { ClientRequestException } from '@huaweicloud/huaweicloud-sdk-core/exception/ClientRequestException.js';
import type { HcClient } from '@huaweicloud/huaweicloud-sdk-core/HcClient.js';
import { describe, expect, it } from 'vitest';
import {
  expectAsError,
  expectGatewayError,
  openTestApi,
  project,
  sqliteBackend,
} from '../support/api-harness.js';
import type { TestApi } from '../support/api-harness.js';
import { testBackends } from '../support/backends.js';
import { listen, sdkClient } from '../support/node-sdk.js';

/**
 * Requests without a body, sent as the official SDK sends every request: with
 * `Content-Type: application/json` and nothing after the headers (its `HcClient`, over a real
 * socket). Each route gives its own answer, and the refusals keep their documented order:
 * an unknown path is 404 whoever asks, then authentication, then the path's project.
 */

const otherProject = 'a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5';
const json = { 'content-type': 'application/json' };
const alarmId = 'al-cpu-high';
const v1 = `/autoscaling-api/v1/${project}`;
const v2 = `/autoscaling-api/v2/${project}`;

async function created(api: TestApi, url: string, body: unknown, key: string): Promise<string> {
  const res = await api.inject({
    method: 'POST',
    url,
    headers: json,
    payload: JSON.stringify(body),
  });
  expect(res.statusCode, res.body).toBeLessThan(300);
  const reply = res.json<Record<string, unknown>>();
  const id = key === 'bandwidth' ? (reply.bandwidth as { id: string }).id : reply[key];
  expect(typeof id).toBe('string');
  return id as string;
}

interface Resources {
  readonly groupId: string;
  readonly alarmPolicyId: string;
  readonly scheduledPolicyId: string;
  readonly bandwidthId: string;
  readonly bandwidthPolicyId: string;
  readonly configurationId: string;
  readonly instanceId: string;
  readonly serverId: string;
  readonly scheduledTaskId: string;
  readonly topicUrn: string;
}

/**
 * A group in service with an alarm and a scheduled policy, a bandwidth with a policy, and a
 * scaling configuration.
 */
async function resources(api: TestApi): Promise<Resources> {
  const configurationId = await created(
    api,
    `${v1}/scaling_configuration`,
    {
      scaling_configuration_name: 'config-1',
      instance_config: {
        flavorRef: 's3.xlarge.4',
        imageRef: '627a1223-2ca3-46a7-8d5f-7aef22c74ee6',
        disk: [{ size: 40, volume_type: 'SATA', disk_type: 'SYS' }],
        key_name: 'key-1',
      },
    },
    'scaling_configuration_id',
  );
  const groupId = await created(
    api,
    `${v1}/scaling_group`,
    {
      scaling_group_name: 'web',
      scaling_configuration_id: configurationId,
      vpc_id: 'a8327883-6b07-4497-9c61-68d03ee193a1',
      networks: [{ id: '3cd35bca-5a10-416f-8994-f79169559870' }],
      min_instance_number: 0,
      max_instance_number: 5,
      desire_instance_number: 1,
    },
    'scaling_group_id',
  );
  const resumed = await api.inject({
    method: 'POST',
    url: `${v1}/scaling_group/${groupId}/action`,
    headers: json,
    payload: JSON.stringify({ action: 'resume' }),
  });
  expect(resumed.statusCode, resumed.body).toBe(204);
  const action = { operation: 'ADD', instance_number: 1 };
  const alarmPolicyId = await created(
    api,
    `${v1}/scaling_policy`,
    {
      scaling_policy_name: 'on-alarm',
      scaling_group_id: groupId,
      scaling_policy_type: 'ALARM',
      alarm_id: alarmId,
      scaling_policy_action: action,
    },
    'scaling_policy_id',
  );
  const launch = new Date(api.clock.now() + 3_600_000).toISOString().slice(0, 16) + 'Z';
  const scheduledPolicyId = await created(
    api,
    `${v1}/scaling_policy`,
    {
      scaling_policy_name: 'at-launch',
      scaling_group_id: groupId,
      scaling_policy_type: 'SCHEDULED',
      scheduled_policy: { launch_time: launch },
      scaling_policy_action: action,
    },
    'scaling_policy_id',
  );
  const bandwidthId = await created(
    api,
    `/scalelog/v1/${project}/bandwidths`,
    { bandwidth: { name: 'bw', size: 10 } },
    'bandwidth',
  );
  const bandwidthPolicyId = await created(
    api,
    `${v2}/scaling_policy`,
    {
      scaling_policy_name: 'bw-alarm',
      scaling_resource_id: bandwidthId,
      scaling_resource_type: 'BANDWIDTH',
      scaling_policy_type: 'ALARM',
      alarm_id: 'al-bw',
      scaling_policy_action: { operation: 'ADD', size: 1 },
    },
    'scaling_policy_id',
  );
  const pool = await api.inject({
    method: 'PUT',
    url: `/v2/${project}/scaling-groups/${groupId}/warm-pool`,
    headers: json,
    payload: JSON.stringify({ min_capacity: 1, max_capacity: 1 }),
  });
  expect(pool.statusCode, pool.body).toBe(204);
  await created(
    api,
    `${v1}/scaling_lifecycle_hook/${groupId}`,
    {
      lifecycle_hook_name: 'drain',
      lifecycle_hook_type: 'INSTANCE_TERMINATING',
      notification_topic_urn: 'urn:smn:region-1:0428982a1b8039f42f01c005edde7c0d:hooks',
    },
    'lifecycle_hook_name',
  );
  const instances = await api.inject({
    method: 'GET',
    url: `${v1}/scaling_group_instance/${groupId}/list`,
  });
  const instanceId = instances.json<{ scaling_group_instances: { instance_id: string }[] }>()
    .scaling_group_instances[0]?.instance_id;
  if (instanceId === undefined) throw new Error(`no instance: ${instances.body}`);
  const server = await api.inject({
    method: 'POST',
    url: `/scalelog/v1/${project}/servers`,
    headers: json,
    payload: JSON.stringify({ server: { name: 'spare' } }),
  });
  expect(server.statusCode, server.body).toBe(201);
  const serverId = server.json<{ server: { id: string } }>().server.id;
  const scheduledTaskId = await created(
    api,
    `${v1}/scaling-groups/${groupId}/scheduled-tasks`,
    { name: 'peak', scheduled_policy: { launch_time: launch }, instance_number: { max: 4 } },
    'task_id',
  );
  const topicUrn = `urn:smn:region-1:${project}:ops`;
  const topic = await api.inject({
    method: 'PUT',
    url: `${v1}/scaling_notification/${groupId}`,
    headers: json,
    payload: JSON.stringify({ topic_urn: topicUrn, topic_scene: ['SCALING_UP'] }),
  });
  expect(topic.statusCode, topic.body).toBe(200);
  const webhook = await api.inject({
    method: 'PUT',
    url: `/scalelog/v1/${project}/notification-topics/${topicUrn}`,
    headers: json,
    payload: JSON.stringify({ url: 'http://127.0.0.1:9/hook', secret: 'sixteen-chars-ok' }),
  });
  expect(webhook.statusCode, webhook.body).toBe(201);
  return {
    scheduledTaskId,
    topicUrn,
    groupId,
    alarmPolicyId,
    scheduledPolicyId,
    bandwidthId,
    bandwidthPolicyId,
    configurationId,
    instanceId,
    serverId,
  };
}

interface BodilessCall {
  readonly method: 'GET' | 'POST' | 'DELETE';
  /** The path as the OpenAPI document names it, `{project_id}` and the other parameters. */
  readonly route: string;
  readonly pathParams: Record<string, string>;
  readonly queryParams?: Record<string, string>;
  /** The route's own answer to a good request. */
  readonly status: number;
  /** Something only that answer holds. */
  readonly check?: (body: Record<string, unknown>) => void;
  /** Answered without credentials (the API version documents). */
  readonly open?: true;
}

/** Every route without a request body, in an order that leaves each call its resource. */
function bodilessCalls(r: Resources): BodilessCall[] {
  return [
    {
      method: 'GET',
      route: '/autoscaling-api/v1/{project_id}/scaling_group',
      pathParams: {},
      status: 200,
      check: (b) => {
        expect(b.total_number).toBe(1);
      },
    },
    {
      method: 'GET',
      route: '/autoscaling-api/v1/{project_id}/scaling_group/{scaling_group_id}',
      pathParams: { scaling_group_id: r.groupId },
      status: 200,
      check: (b) => {
        expect(b.scaling_group).toMatchObject({ scaling_group_id: r.groupId });
      },
    },
    {
      method: 'GET',
      route: '/autoscaling-api/v1/{project_id}/scaling_policy/{scaling_group_id}/list',
      pathParams: { scaling_group_id: r.groupId },
      status: 200,
      check: (b) => {
        expect(b.total_number).toBe(2);
      },
    },
    {
      method: 'GET',
      route: '/autoscaling-api/v1/{project_id}/scaling_policy/{scaling_policy_id}',
      pathParams: { scaling_policy_id: r.alarmPolicyId },
      status: 200,
      check: (b) => {
        expect(b.scaling_policy).toMatchObject({ scaling_policy_id: r.alarmPolicyId });
      },
    },
    {
      method: 'GET',
      route: '/autoscaling-api/v2/{project_id}/scaling_policy',
      pathParams: {},
      status: 200,
      check: (b) => {
        expect(b.total_number).toBe(3);
      },
    },
    {
      method: 'GET',
      route: '/autoscaling-api/v2/{project_id}/scaling_policy/{scaling_policy_id}',
      pathParams: { scaling_policy_id: r.bandwidthPolicyId },
      status: 200,
      check: (b) => {
        expect(b.scaling_policy).toMatchObject({ scaling_policy_id: r.bandwidthPolicyId });
      },
    },
    {
      method: 'GET',
      route: '/autoscaling-api/v2/{project_id}/scaling_policy/{scaling_resource_id}/list',
      pathParams: { scaling_resource_id: r.bandwidthId },
      status: 200,
      check: (b) => {
        expect(b.total_number).toBe(1);
      },
    },
    {
      method: 'GET',
      route: '/autoscaling-api/v1/{project_id}/scaling_configuration',
      pathParams: {},
      status: 200,
      check: (b) => {
        expect(b.total_number).toBe(1);
      },
    },
    {
      method: 'GET',
      route: '/autoscaling-api/v1/{project_id}/scaling_configuration/{scaling_configuration_id}',
      pathParams: { scaling_configuration_id: r.configurationId },
      status: 200,
      check: (b) => {
        expect(b.scaling_configuration).toMatchObject({
          scaling_configuration_id: r.configurationId,
        });
      },
    },
    ...(['v1', 'v2'] as const).map((version): BodilessCall => ({
      method: 'GET',
      route: `/autoscaling-api/${version}/{project_id}/scaling_activity_log/{scaling_group_id}`,
      pathParams: { scaling_group_id: r.groupId },
      queryParams: { start_number: '0', limit: '20' },
      status: 200,
      check: (b) => {
        expect(typeof b.total_number).toBe('number');
        expect(Array.isArray(b.scaling_activity_log)).toBe(true);
      },
    })),
    {
      method: 'GET',
      route: '/autoscaling-api/v1/{project_id}/scaling_group_instance/{scaling_group_id}/list',
      pathParams: { scaling_group_id: r.groupId },
      queryParams: { life_cycle_state: 'INSERVICE' },
      status: 200,
      check: (b) => {
        expect(b.scaling_group_instances).toEqual(
          expect.arrayContaining([expect.objectContaining({ instance_id: r.instanceId })]),
        );
      },
    },
    ...['/autoscaling-api', '/v2'].flatMap((base): BodilessCall[] => [
      {
        method: 'GET',
        route: `${base}/{project_id}/scaling-groups/{scaling_group_id}/warm-pool`,
        pathParams: { scaling_group_id: r.groupId },
        status: 200,
        check: (b) => {
          expect(b.warm_pool).toMatchObject({ min_capacity: 1, status: 'ACTIVE' });
        },
      },
      {
        method: 'GET',
        route: `${base}/{project_id}/scaling-groups/{scaling_group_id}/warm-pool-instances`,
        pathParams: { scaling_group_id: r.groupId },
        queryParams: { limit: '10' },
        status: 200,
        check: (b) => {
          expect(b.warm_pool_instances).toHaveLength(1);
        },
      },
    ]),
    {
      method: 'GET',
      route: '/autoscaling-api/v1/{project_id}/scaling_lifecycle_hook/{scaling_group_id}/list',
      pathParams: { scaling_group_id: r.groupId },
      status: 200,
      check: (b) => {
        expect(b.lifecycle_hooks).toEqual([
          expect.objectContaining({ lifecycle_hook_name: 'drain' }),
        ]);
      },
    },
    {
      method: 'GET',
      route:
        '/autoscaling-api/v1/{project_id}/scaling_lifecycle_hook/{scaling_group_id}/{lifecycle_hook_name}',
      pathParams: { scaling_group_id: r.groupId, lifecycle_hook_name: 'drain' },
      status: 200,
      check: (b) => {
        expect(b.notification_topic_name).toBe('hooks');
      },
    },
    {
      method: 'GET',
      route: '/autoscaling-api/v1/{project_id}/scaling_instance_hook/{scaling_group_id}/list',
      pathParams: { scaling_group_id: r.groupId },
      queryParams: { instance_id: r.instanceId },
      status: 200,
      check: (b) => {
        expect(b.instance_hanging_info).toEqual([]);
      },
    },
    {
      method: 'DELETE',
      route:
        '/autoscaling-api/v1/{project_id}/scaling_lifecycle_hook/{scaling_group_id}/{lifecycle_hook_name}',
      pathParams: { scaling_group_id: r.groupId, lifecycle_hook_name: 'drain' },
      status: 204,
    },
    {
      method: 'GET',
      route: '/autoscaling-api/v1/{project_id}/{resource_type}/{resource_id}/tags',
      pathParams: { resource_type: 'scaling_group_tag', resource_id: r.groupId },
      status: 200,
      check: (b) => {
        expect(b).toEqual({ tags: [], sys_tags: null });
      },
    },
    {
      method: 'GET',
      route: '/autoscaling-api/v1/{project_id}/{resource_type}/tags',
      pathParams: { resource_type: 'scaling_group_tag' },
      status: 200,
      check: (b) => {
        expect(b).toEqual({ tags: [] });
      },
    },
    {
      method: 'GET',
      route: '/scalelog/v1/{project_id}/servers',
      pathParams: {},
      status: 200,
      check: (b) => {
        expect(b.total_number).toBeGreaterThanOrEqual(2);
      },
    },
    {
      method: 'GET',
      route: '/autoscaling-api/v1/{project_id}/quotas',
      pathParams: {},
      status: 200,
      check: (b) => {
        expect(b.quotas).toMatchObject({
          resources: [
            { type: 'scaling_Group', used: 1 },
            { type: 'scaling_Config', used: 1 },
            { type: 'scaling_Policy', used: -1 },
            { type: 'scaling_Instance', used: -1 },
            { type: 'bandwidth_scaling_policy', used: 1 },
          ],
        });
      },
    },
    {
      method: 'GET',
      route: '/scalelog/v1/{project_id}/servers/{server_id}',
      pathParams: { server_id: r.serverId },
      status: 200,
      check: (b) => {
        expect(b.server).toMatchObject({ id: r.serverId, scaling_group_id: null });
      },
    },
    {
      method: 'GET',
      route: '/autoscaling-api/v1/{project_id}/quotas/{scaling_group_id}',
      pathParams: { scaling_group_id: r.groupId },
      status: 200,
      check: (b) => {
        expect(b.quotas).toMatchObject({
          resources: [
            { type: 'scaling_Policy', used: 2 },
            { type: 'scaling_Instance', quota: 200 },
          ],
        });
      },
    },
    {
      method: 'GET',
      route: '/',
      pathParams: {},
      status: 200,
      open: true,
      check: (b) => {
        expect(b.versions).toHaveLength(2);
      },
    },
    {
      method: 'GET',
      route: '/v1',
      pathParams: {},
      status: 200,
      open: true,
      check: (b) => {
        expect(b.version).toMatchObject({ id: 'v1', status: 'CURRENT' });
      },
    },
    {
      method: 'GET',
      route: '/v2',
      pathParams: {},
      status: 200,
      open: true,
      check: (b) => {
        expect(b.version).toMatchObject({ id: 'v2', status: 'SUPPORTED' });
      },
    },
    {
      method: 'GET',
      route: '/scalelog/v1/{project_id}/bandwidths',
      pathParams: {},
      status: 200,
      check: (b) => {
        expect(b.bandwidths).toHaveLength(1);
      },
    },
    {
      method: 'GET',
      route: '/v1/{project_id}/bandwidths/{bandwidth_id}',
      pathParams: { bandwidth_id: r.bandwidthId },
      status: 200,
      check: (b) => {
        expect(b.bandwidth).toMatchObject({ id: r.bandwidthId, size: 10 });
      },
    },
    {
      method: 'POST',
      route: '/scalelog/v1/{project_id}/alarms/{alarm_id}/fire',
      pathParams: { alarm_id: alarmId },
      status: 200,
      check: (b) => {
        expect(b.alarm_id).toBe(alarmId);
        expect(b.executions).toMatchObject([
          { scaling_policy_id: r.alarmPolicyId, status: 'EXECUTING', execute_type: 'ALARM' },
        ]);
      },
    },
    {
      method: 'POST',
      route: '/scalelog/v1/{project_id}/scaling_policy/{scaling_policy_id}/trigger',
      pathParams: { scaling_policy_id: r.scheduledPolicyId },
      status: 200,
      check: (b) => {
        expect(b).toMatchObject({ execute_type: 'SCHEDULED' });
      },
    },
    {
      method: 'GET',
      route: '/autoscaling-api/v1/{project_id}/scaling_policy_execute_log/{scaling_policy_id}',
      pathParams: { scaling_policy_id: r.alarmPolicyId },
      queryParams: { execute_type: 'ALARM' },
      status: 200,
      check: (b) => {
        expect(b.total_number).toBe(1);
      },
    },
    ...['/autoscaling-api', '/v2'].map((base): BodilessCall => ({
      method: 'DELETE',
      route: `${base}/{project_id}/scaling-groups/{scaling_group_id}/warm-pool`,
      pathParams: { scaling_group_id: r.groupId },
      status: 204,
    })),
    {
      method: 'GET',
      route: '/autoscaling-api/v1/{project_id}/scaling_notification/{scaling_group_id}',
      pathParams: { scaling_group_id: r.groupId },
      status: 200,
      check: (b) => {
        expect(b.topics).toEqual([
          { topic_urn: r.topicUrn, topic_scene: ['SCALING_UP'], topic_name: 'ops' },
        ]);
      },
    },
    {
      method: 'GET',
      route: '/scalelog/v1/{project_id}/notifications',
      pathParams: {},
      queryParams: { topic_scene: 'SCALING_UP' },
      status: 200,
      check: (b) => {
        expect(b).toMatchObject({ start_number: 0, limit: 20 });
      },
    },
    {
      method: 'GET',
      route: '/scalelog/v1/{project_id}/notification-topics',
      pathParams: {},
      status: 200,
      check: (b) => {
        expect(b.topics).toHaveLength(1);
      },
    },
    {
      method: 'GET',
      route: '/scalelog/v1/{project_id}/notification-topics/{topic_urn}',
      pathParams: { topic_urn: r.topicUrn },
      status: 200,
      check: (b) => {
        expect(b.topic).toMatchObject({ topic_urn: r.topicUrn, secret_hint: '****s-ok' });
      },
    },
    {
      method: 'DELETE',
      route: '/scalelog/v1/{project_id}/notification-topics/{topic_urn}',
      pathParams: { topic_urn: r.topicUrn },
      status: 204,
    },
    {
      method: 'DELETE',
      route: '/autoscaling-api/v1/{project_id}/scaling_notification/{scaling_group_id}/{topic_urn}',
      pathParams: { scaling_group_id: r.groupId, topic_urn: r.topicUrn },
      status: 204,
    },
    {
      method: 'DELETE',
      route: '/autoscaling-api/v1/{project_id}/scaling_policy/{scaling_policy_id}',
      pathParams: { scaling_policy_id: r.bandwidthPolicyId },
      status: 204,
    },
    {
      method: 'DELETE',
      route: '/scalelog/v1/{project_id}/bandwidths/{bandwidth_id}',
      pathParams: { bandwidth_id: r.bandwidthId },
      status: 204,
    },
    {
      method: 'DELETE',
      route: '/autoscaling-api/v1/{project_id}/scaling_group_instance/{instance_id}',
      pathParams: { instance_id: r.instanceId },
      queryParams: { instance_delete: 'yes' },
      status: 204,
    },
    {
      method: 'DELETE',
      route: '/scalelog/v1/{project_id}/servers/{server_id}',
      pathParams: { server_id: r.serverId },
      status: 204,
    },
    {
      method: 'GET',
      route: '/autoscaling-api/v1/{project_id}/scaling-groups/{scaling_group_id}/scheduled-tasks',
      pathParams: { scaling_group_id: r.groupId },
      queryParams: { limit: '10' },
      status: 200,
      check: (b) => {
        expect(b.scheduled_tasks).toMatchObject([{ task_id: r.scheduledTaskId }]);
      },
    },
    {
      method: 'POST',
      route:
        '/scalelog/v1/{project_id}/scaling-groups/{scaling_group_id}/scheduled-tasks/{scheduled_task_id}/trigger',
      pathParams: { scaling_group_id: r.groupId, scheduled_task_id: r.scheduledTaskId },
      status: 200,
      check: (b) => {
        expect(b).toMatchObject({ task_id: r.scheduledTaskId, status: 'SUCCESS' });
      },
    },
    {
      method: 'DELETE',
      route:
        '/autoscaling-api/v1/{project_id}/scaling-groups/{scaling_group_id}/scheduled-tasks/{scheduled_task_id}',
      pathParams: { scaling_group_id: r.groupId, scheduled_task_id: r.scheduledTaskId },
      status: 204,
    },
    {
      method: 'DELETE',
      route: '/autoscaling-api/v1/{project_id}/scaling_group/{scaling_group_id}',
      pathParams: { scaling_group_id: r.groupId },
      queryParams: { force_delete: 'yes' },
      status: 204,
    },
    {
      method: 'DELETE',
      route: '/autoscaling-api/v1/{project_id}/scaling_configuration/{scaling_configuration_id}',
      pathParams: { scaling_configuration_id: r.configurationId },
      status: 204,
    },
  ];
}

/** The path of `call` in {@link project}. */
const pathOf = (call: BodilessCall): string =>
  call.route
    .replace('{project_id}', project)
    .replace(/\{(\w+)\}/g, (_m, name: string) => call.pathParams[name] ?? '');

/** Sends `call` through the SDK's client: Content-Type application/json, no body. */
async function sdkSend(
  client: HcClient,
  call: BodilessCall,
): Promise<{ status: number; body: Record<string, unknown> }> {
  try {
    const reply = await client.sendRequest<{ httpStatusCode: number }>({
      method: call.method,
      url: call.route,
      contentType: 'application/json',
      queryParams: call.queryParams ?? {},
      pathParams: call.pathParams,
      headers: {},
    });
    const { httpStatusCode, ...body } = reply as Record<string, unknown>;
    return { status: httpStatusCode as number, body };
  } catch (e: unknown) {
    if (e instanceof ClientRequestException) {
      return {
        status: Number(e.httpStatusCode),
        body: { error_code: e.errorCode, error_msg: e.errorMsg },
      };
    }
    throw e;
  }
}

/** The operations without a request body that the OpenAPI document lists, but the probes. */
async function documentedBodilessOperations(api: TestApi): Promise<string[]> {
  const res = await api.inject({ url: '/openapi.json' }, 'anonymous');
  const doc = res.json<{ paths: Record<string, Record<string, { requestBody?: unknown }>> }>();
  return Object.entries(doc.paths)
    .flatMap(([path, operations]) =>
      Object.entries(operations)
        .filter(([, operation]) => operation.requestBody === undefined)
        .map(([method]) => `${method.toUpperCase()} ${path}`),
    )
    .filter((op) => !op.endsWith('/healthz') && !op.endsWith('/readyz'))
    .sort();
}

describe('bodiless requests as the official SDK sends them (Content-Type: application/json, no body)', () => {
  for (const backend of testBackends) {
    it.skipIf(!backend.available)(
      `get each route its own answer, every bodiless route of the API included: ${backend.name}`,
      async () => {
        const api = await openTestApi(backend, { config: { devTriggers: true } });
        const r = await resources(api);
        const calls = bodilessCalls(r);
        // A route added later without a body fails here until it is covered.
        expect(calls.map((c) => `${c.method} ${c.route}`).sort()).toEqual(
          await documentedBodilessOperations(api),
        );

        const client = sdkClient(await listen(api.app), await api.credentialFor(project));
        for (const call of calls) {
          const { status, body } = await sdkSend(client, call);
          expect(status, `${call.method} ${call.route}: ${JSON.stringify(body)}`).toBe(call.status);
          call.check?.(body);
        }
        // The deletes happened: the group is gone.
        const gone = await api.inject({ url: `${v1}/scaling_group/${r.groupId}` });
        expectAsError(gone, 400, 'AS.2007');
      },
    );
  }

  it('keep the refusal order: 404 for an unknown path whoever asks, then 401, then 403', async () => {
    const api = await openTestApi(sqliteBackend, { config: { devTriggers: true } });
    const r = await resources(api);
    const calls = bodilessCalls(r);
    for (const call of calls) {
      const anonymous = await api.inject(
        { method: call.method, url: pathOf(call), headers: json },
        'anonymous',
      );
      if (call.open === true) expect(anonymous.statusCode, call.route).toBe(call.status);
      else expectGatewayError(anonymous, 401, 'APIGW.0301');
    }
    // An unknown path: 404 before authentication, whatever the content type says.
    for (const headers of [json, { 'content-type': 'text/plain' }, {}]) {
      const unknown = await api.inject(
        { method: 'DELETE', url: `${v1}/scaling_groups/${r.groupId}`, headers },
        'anonymous',
      );
      expectGatewayError(unknown, 404, 'APIGW.0101');
    }
    // Another project's credential: 403 on every bodiless route, and nothing deleted.
    const stranger = { credential: await api.credentialFor(otherProject), projectHeader: false };
    for (const call of calls.filter((c) => c.open !== true)) {
      const res = await api.inject(
        { method: call.method, url: pathOf(call), headers: json },
        stranger,
      );
      expectAsError(res, 403, 'AS.0011');
    }
    const still = await api.inject({ url: `${v1}/scaling_group/${r.groupId}` });
    expect(still.statusCode).toBe(200);
  });

  it('treat an empty body as no body whatever its content type, and refuse a body of the wrong type', async () => {
    const api = await openTestApi(sqliteBackend);
    const r = await resources(api);
    const types = [
      'application/json',
      'application/json; charset=utf-8',
      'text/plain',
      'application/x-www-form-urlencoded',
      'application/octet-stream',
    ];
    for (const type of types) {
      const res = await api.inject({
        method: 'GET',
        url: `/v1/${project}/bandwidths/${r.bandwidthId}`,
        headers: { 'content-type': type },
      });
      expect(res.statusCode, `${type}: ${res.body}`).toBe(200);
    }
    const policyUrl = (id: string): string => `${v1}/scaling_policy/${id}`;
    const deleted = await api.inject({
      method: 'DELETE',
      url: policyUrl(r.bandwidthPolicyId),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(deleted.statusCode, deleted.body).toBe(204);
    const blank = await api.inject({
      method: 'DELETE',
      url: policyUrl(r.scheduledPolicyId),
      headers: json,
      payload: ' \r\n',
    });
    expect(blank.statusCode, blank.body).toBe(204);

    // A route that needs a body says it came without one.
    const empty = await api.inject({ method: 'POST', url: `${v1}/scaling_group`, headers: json });
    expect(expectAsError(empty, 400, 'AS.0002')).toBe(
      'Request body is null. The request came without a body: send a JSON object as the request body.',
    );
    // A body of a type the route does not read is still 415, naming what it reads.
    const xml = await api.inject({
      method: 'POST',
      url: `${v1}/scaling_group`,
      headers: { 'content-type': 'application/xml' },
      payload: '<scaling_group/>',
    });
    expect(expectGatewayError(xml, 415, 'APIGW.0201')).toContain('send application/json');
    const xmlDelete = await api.inject({
      method: 'DELETE',
      url: policyUrl(r.alarmPolicyId),
      headers: { 'content-type': 'application/xml' },
      payload: '<x/>',
    });
    expectGatewayError(xmlDelete, 415, 'APIGW.0201');
    expect((await api.inject({ url: policyUrl(r.alarmPolicyId) })).statusCode).toBe(200);
  });
});
