import { ClientRequestException } from '@huaweicloud/huaweicloud-sdk-core/exception/ClientRequestException.js';
import { describe, expect, it } from 'vitest';
import { openTestApi, project } from '../support/api-harness.js';
import { testBackends } from '../support/backends.js';
import { listen, sdkClient } from '../support/node-sdk.js';

/**
 * Every operation of the official SDK's `AsClient` (its name, method and path template, as
 * the SDK declares them) is answered: sent by the SDK's own HTTP client with made-up ids,
 * none gets the gateway's 404 `APIGW.0101` for an unknown path or a 405, and none a 5xx.
 * What each answers is tested with its resource; this file only keeps the whole surface
 * served.
 */
const operations: readonly (readonly [name: string, method: string, path: string])[] = [
  [
    'attachCallbackInstanceLifeCycleHook',
    'PUT',
    '/autoscaling-api/v1/{project_id}/scaling_instance_hook/{scaling_group_id}/callback',
  ],
  [
    'batchAddScalingInstances',
    'POST',
    '/autoscaling-api/v1/{project_id}/scaling_group_instance/{scaling_group_id}/action',
  ],
  ['batchDeleteScalingConfigs', 'POST', '/autoscaling-api/v1/{project_id}/scaling_configurations'],
  [
    'batchDeleteScalingPolicies',
    'POST',
    '/autoscaling-api/v1/{project_id}/scaling_policies/action',
  ],
  ['batchPauseScalingPolicies', 'POST', '/autoscaling-api/v1/{project_id}/scaling_policies/action'],
  [
    'batchProtectScalingInstances',
    'POST',
    '/autoscaling-api/v1/{project_id}/scaling_group_instance/{scaling_group_id}/action',
  ],
  [
    'batchRemoveScalingInstances',
    'POST',
    '/autoscaling-api/v1/{project_id}/scaling_group_instance/{scaling_group_id}/action',
  ],
  [
    'batchResumeScalingPolicies',
    'POST',
    '/autoscaling-api/v1/{project_id}/scaling_policies/action',
  ],
  [
    'batchSetScalingInstancesStandby',
    'POST',
    '/autoscaling-api/v1/{project_id}/scaling_group_instance/{scaling_group_id}/action',
  ],
  [
    'batchUnprotectScalingInstances',
    'POST',
    '/autoscaling-api/v1/{project_id}/scaling_group_instance/{scaling_group_id}/action',
  ],
  [
    'batchUnsetScalingInstancesStantby',
    'POST',
    '/autoscaling-api/v1/{project_id}/scaling_group_instance/{scaling_group_id}/action',
  ],
  [
    'closeWarmPool',
    'DELETE',
    '/autoscaling-api/{project_id}/scaling-groups/{scaling_group_id}/warm-pool',
  ],
  ['closeWarmPoolNew', 'DELETE', '/v2/{project_id}/scaling-groups/{scaling_group_id}/warm-pool'],
  [
    'createGroupScheduledTask',
    'POST',
    '/autoscaling-api/v1/{project_id}/scaling-groups/{scaling_group_id}/scheduled-tasks',
  ],
  [
    'createLifyCycleHook',
    'POST',
    '/autoscaling-api/v1/{project_id}/scaling_lifecycle_hook/{scaling_group_id}',
  ],
  ['createScalingConfig', 'POST', '/autoscaling-api/v1/{project_id}/scaling_configuration'],
  ['createScalingGroup', 'POST', '/autoscaling-api/v1/{project_id}/scaling_group'],
  [
    'createScalingNotification',
    'PUT',
    '/autoscaling-api/v1/{project_id}/scaling_notification/{scaling_group_id}',
  ],
  ['createScalingPolicy', 'POST', '/autoscaling-api/v1/{project_id}/scaling_policy'],
  [
    'createScalingTagInfo',
    'POST',
    '/autoscaling-api/v1/{project_id}/{resource_type}/{resource_id}/tags/action',
  ],
  [
    'deleteGroupScheduledTask',
    'DELETE',
    '/autoscaling-api/v1/{project_id}/scaling-groups/{scaling_group_id}/scheduled-tasks/{scheduled_task_id}',
  ],
  [
    'deleteLifecycleHook',
    'DELETE',
    '/autoscaling-api/v1/{project_id}/scaling_lifecycle_hook/{scaling_group_id}/{lifecycle_hook_name}',
  ],
  [
    'deleteScalingConfig',
    'DELETE',
    '/autoscaling-api/v1/{project_id}/scaling_configuration/{scaling_configuration_id}',
  ],
  [
    'deleteScalingGroup',
    'DELETE',
    '/autoscaling-api/v1/{project_id}/scaling_group/{scaling_group_id}',
  ],
  [
    'deleteScalingInstance',
    'DELETE',
    '/autoscaling-api/v1/{project_id}/scaling_group_instance/{instance_id}',
  ],
  [
    'deleteScalingNotification',
    'DELETE',
    '/autoscaling-api/v1/{project_id}/scaling_notification/{scaling_group_id}/{topic_urn}',
  ],
  [
    'deleteScalingPolicy',
    'DELETE',
    '/autoscaling-api/v1/{project_id}/scaling_policy/{scaling_policy_id}',
  ],
  [
    'deleteScalingTagInfo',
    'POST',
    '/autoscaling-api/v1/{project_id}/{resource_type}/{resource_id}/tags/action',
  ],
  [
    'executeScalingPolicy',
    'POST',
    '/autoscaling-api/v1/{project_id}/scaling_policy/{scaling_policy_id}/action',
  ],
  [
    'listGroupScheduledTasks',
    'GET',
    '/autoscaling-api/v1/{project_id}/scaling-groups/{scaling_group_id}/scheduled-tasks',
  ],
  [
    'listHookInstances',
    'GET',
    '/autoscaling-api/v1/{project_id}/scaling_instance_hook/{scaling_group_id}/list',
  ],
  [
    'listLifeCycleHooks',
    'GET',
    '/autoscaling-api/v1/{project_id}/scaling_lifecycle_hook/{scaling_group_id}/list',
  ],
  [
    'listResourceInstances',
    'POST',
    '/autoscaling-api/v1/{project_id}/{resource_type}/resource_instances/action',
  ],
  [
    'listScalingActivityLogs',
    'GET',
    '/autoscaling-api/v1/{project_id}/scaling_activity_log/{scaling_group_id}',
  ],
  [
    'listScalingActivityV2Logs',
    'GET',
    '/autoscaling-api/v2/{project_id}/scaling_activity_log/{scaling_group_id}',
  ],
  ['listScalingConfigs', 'GET', '/autoscaling-api/v1/{project_id}/scaling_configuration'],
  ['listScalingGroups', 'GET', '/autoscaling-api/v1/{project_id}/scaling_group'],
  [
    'listScalingInstances',
    'GET',
    '/autoscaling-api/v1/{project_id}/scaling_group_instance/{scaling_group_id}/list',
  ],
  [
    'listScalingNotifications',
    'GET',
    '/autoscaling-api/v1/{project_id}/scaling_notification/{scaling_group_id}',
  ],
  [
    'listScalingPolicies',
    'GET',
    '/autoscaling-api/v1/{project_id}/scaling_policy/{scaling_group_id}/list',
  ],
  [
    'listScalingPolicyExecuteLogs',
    'GET',
    '/autoscaling-api/v1/{project_id}/scaling_policy_execute_log/{scaling_policy_id}',
  ],
  [
    'listScalingTagInfosByResourceId',
    'GET',
    '/autoscaling-api/v1/{project_id}/{resource_type}/{resource_id}/tags',
  ],
  ['listScalingTagInfosByTenantId', 'GET', '/autoscaling-api/v1/{project_id}/{resource_type}/tags'],
  [
    'listWarmPoolInstances',
    'GET',
    '/autoscaling-api/{project_id}/scaling-groups/{scaling_group_id}/warm-pool-instances',
  ],
  [
    'listWarmPoolInstancesNew',
    'GET',
    '/v2/{project_id}/scaling-groups/{scaling_group_id}/warm-pool-instances',
  ],
  [
    'pauseScalingGroup',
    'POST',
    '/autoscaling-api/v1/{project_id}/scaling_group/{scaling_group_id}/action',
  ],
  [
    'pauseScalingPolicy',
    'POST',
    '/autoscaling-api/v1/{project_id}/scaling_policy/{scaling_policy_id}/action',
  ],
  [
    'putWarmPool',
    'PUT',
    '/autoscaling-api/{project_id}/scaling-groups/{scaling_group_id}/warm-pool',
  ],
  ['putWarmPoolNew', 'PUT', '/v2/{project_id}/scaling-groups/{scaling_group_id}/warm-pool'],
  [
    'resumeScalingGroup',
    'POST',
    '/autoscaling-api/v1/{project_id}/scaling_group/{scaling_group_id}/action',
  ],
  [
    'resumeScalingPolicy',
    'POST',
    '/autoscaling-api/v1/{project_id}/scaling_policy/{scaling_policy_id}/action',
  ],
  [
    'showLifeCycleHook',
    'GET',
    '/autoscaling-api/v1/{project_id}/scaling_lifecycle_hook/{scaling_group_id}/{lifecycle_hook_name}',
  ],
  [
    'showPolicyAndInstanceQuota',
    'GET',
    '/autoscaling-api/v1/{project_id}/quotas/{scaling_group_id}',
  ],
  [
    'showScalingConfig',
    'GET',
    '/autoscaling-api/v1/{project_id}/scaling_configuration/{scaling_configuration_id}',
  ],
  ['showScalingGroup', 'GET', '/autoscaling-api/v1/{project_id}/scaling_group/{scaling_group_id}'],
  [
    'showScalingPolicy',
    'GET',
    '/autoscaling-api/v1/{project_id}/scaling_policy/{scaling_policy_id}',
  ],
  [
    'showWarmPool',
    'GET',
    '/autoscaling-api/{project_id}/scaling-groups/{scaling_group_id}/warm-pool',
  ],
  ['showWarmPoolNew', 'GET', '/v2/{project_id}/scaling-groups/{scaling_group_id}/warm-pool'],
  [
    'updateGroupScheduledTask',
    'PUT',
    '/autoscaling-api/v1/{project_id}/scaling-groups/{scaling_group_id}/scheduled-tasks/{scheduled_task_id}',
  ],
  [
    'updateLifeCycleHook',
    'PUT',
    '/autoscaling-api/v1/{project_id}/scaling_lifecycle_hook/{scaling_group_id}/{lifecycle_hook_name}',
  ],
  [
    'updateScalingConfig',
    'PUT',
    '/autoscaling-api/v1/{project_id}/scaling_configuration/{scaling_configuration_id}',
  ],
  [
    'updateScalingGroup',
    'PUT',
    '/autoscaling-api/v1/{project_id}/scaling_group/{scaling_group_id}',
  ],
  [
    'updateScalingPolicy',
    'PUT',
    '/autoscaling-api/v1/{project_id}/scaling_policy/{scaling_policy_id}',
  ],
  ['showApiVersion', 'GET', '/{api_version}'],
  ['createScalingV2Policy', 'POST', '/autoscaling-api/v2/{project_id}/scaling_policy'],
  ['listAllScalingV2Policies', 'GET', '/autoscaling-api/v2/{project_id}/scaling_policy'],
  [
    'listScalingV2Policies',
    'GET',
    '/autoscaling-api/v2/{project_id}/scaling_policy/{scaling_resource_id}/list',
  ],
  [
    'showScalingV2Policy',
    'GET',
    '/autoscaling-api/v2/{project_id}/scaling_policy/{scaling_policy_id}',
  ],
  [
    'updateScalingV2Policy',
    'PUT',
    '/autoscaling-api/v2/{project_id}/scaling_policy/{scaling_policy_id}',
  ],
];

const pathValues: Record<string, string> = {
  project_id: project,
  api_version: 'v1',
  resource_type: 'scaling_group_tag',
  topic_urn: `urn:smn:region-1:${project}:topic-1`,
  lifecycle_hook_name: 'hook-1',
};

describe('the official SDK AS surface', () => {
  it('lists every operation once', () => {
    expect(operations).toHaveLength(69);
    expect(new Set(operations.map(([name]) => name)).size).toBe(69);
  });

  for (const backend of testBackends) {
    it.skipIf(!backend.available)(
      `answers every operation on a route of its own: ${backend.name}`,
      async () => {
        const api = await openTestApi(backend);
        const client = sdkClient(await listen(api.app), await api.credentialFor(project));
        const unserved: string[] = [];
        for (const [name, method, path] of operations) {
          const pathParams = Object.fromEntries(
            [...path.matchAll(/\{(\w+)\}/g)].map(([, key = '']) => [
              key,
              pathValues[key] ?? '0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b',
            ]),
          );
          const withBody = method === 'POST' || method === 'PUT';
          let status: number;
          let code: string | undefined;
          try {
            const reply = await client.sendRequest<{ httpStatusCode: number }>({
              method,
              url: path,
              contentType: 'application/json',
              queryParams: {},
              pathParams,
              headers: {},
              ...(withBody ? { data: {} } : {}),
            });
            status = reply.httpStatusCode;
          } catch (e: unknown) {
            if (!(e instanceof ClientRequestException)) throw e;
            status = Number(e.httpStatusCode);
            code = e.errorCode;
          }
          expect(status, name).toBeLessThan(500);
          if ((status === 404 && code === 'APIGW.0101') || status === 405) {
            unserved.push(`${name}: ${method} ${path} (${String(status)} ${code ?? ''})`);
          }
        }
        expect(unserved).toEqual([]);
      },
    );
  }
});
