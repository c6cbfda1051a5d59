import type { LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import { project, testConfig } from '../../support/api-harness.js';
import type { TestApi } from '../../support/api-harness.js';
import { policyEngine } from '../../../src/services.js';
import { groupsUrl, send, v1 } from '../instances/instance-support.js';

/** Shared steps of the lifecycle hook tests: requests as a client sends them. */

export const hooksUrl = (groupId: string, projectId = project): string =>
  `${v1(projectId)}/scaling_lifecycle_hook/${groupId}`;
export const holdsUrl = (groupId: string, projectId = project): string =>
  `${v1(projectId)}/scaling_instance_hook/${groupId}`;
export const topicUrn = 'urn:smn:region-1:b53e5554fad0494d96206fb84296510b:gsh';

export function createHook(
  api: TestApi,
  groupId: string,
  body: Record<string, unknown>,
): Promise<LightMyRequestResponse> {
  return send(api, 'POST', hooksUrl(groupId), {
    notification_topic_urn: topicUrn,
    lifecycle_hook_type: 'INSTANCE_LAUNCHING',
    ...body,
  });
}

export async function addHook(
  api: TestApi,
  groupId: string,
  body: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const res = await createHook(api, groupId, body);
  expect(res.statusCode, res.body).toBe(200);
  return res.json<Record<string, unknown>>();
}

export interface WireHold {
  lifecycle_hook_name: string;
  lifecycle_action_key: string;
  instance_id: string;
  scaling_group_id: string;
  lifecycle_hook_status: string;
  timeout: string;
  default_result: string;
}

export async function holds(api: TestApi, groupId: string, query = ''): Promise<WireHold[]> {
  const res = await send(api, 'GET', `${holdsUrl(groupId)}/list${query}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json<{ instance_hanging_info: WireHold[] }>().instance_hanging_info;
}

export function callback(
  api: TestApi,
  groupId: string,
  body: Record<string, unknown>,
): Promise<LightMyRequestResponse> {
  return send(api, 'PUT', `${holdsUrl(groupId)}/callback`, body);
}

export async function setDesire(api: TestApi, groupId: string, desire: number): Promise<void> {
  const res = await send(api, 'PUT', `${groupsUrl()}/${groupId}`, {
    desire_instance_number: desire,
  });
  expect(res.statusCode, res.body).toBe(200);
}

/** One pass of the engine over the due work at the test clock's time. */
export async function runEngine(api: TestApi, settleMs: number): Promise<void> {
  await policyEngine(api.store, testConfig({ instanceSettleMs: settleMs }), api.clock.now).runDue();
}
