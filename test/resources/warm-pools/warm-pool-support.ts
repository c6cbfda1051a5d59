import type { LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import { PolicyEngine } from '../../../src/engine/policy-engine.js';
import { project } from '../../support/api-harness.js';
import type { SendAs, TestApi } from '../../support/api-harness.js';
import { groupsUrl, send, serversUrl } from '../instances/instance-support.js';

/** Shared steps of the warm pool tests: requests as a client sends them, on either path. */

/** The cloud's two paths for the warm pool API: the first (no version) and the V2 one. */
export const warmPoolPaths = [
  {
    name: 'old path',
    base: (projectId = project) => `/autoscaling-api/${projectId}/scaling-groups`,
  },
  { name: 'new path', base: (projectId = project) => `/v2/${projectId}/scaling-groups` },
] as const;

export type WarmPoolPath = (typeof warmPoolPaths)[number];

export const poolUrl = (path: WarmPoolPath, groupId: string, projectId = project): string =>
  `${path.base(projectId)}/${groupId}/warm-pool`;
export const poolInstancesUrl = (path: WarmPoolPath, groupId: string, projectId = project) =>
  `${path.base(projectId)}/${groupId}/warm-pool-instances`;

export interface WirePoolInstance {
  id: string;
  instance_id: string;
  name: string;
  status: string;
}

export async function putPool(
  api: TestApi,
  path: WarmPoolPath,
  groupId: string,
  body: unknown,
  sendAs?: SendAs,
): Promise<LightMyRequestResponse> {
  return send(api, 'PUT', poolUrl(path, groupId), body, sendAs);
}

export async function showPool(
  api: TestApi,
  path: WarmPoolPath,
  groupId: string,
): Promise<Record<string, unknown>> {
  const res = await send(api, 'GET', poolUrl(path, groupId));
  expect(res.statusCode, res.body).toBe(200);
  return res.json<Record<string, unknown>>();
}

export async function poolInstances(
  api: TestApi,
  path: WarmPoolPath,
  groupId: string,
  query = '',
): Promise<{ page_info: { next_marker?: string }; warm_pool_instances: WirePoolInstance[] }> {
  const res = await send(api, 'GET', `${poolInstancesUrl(path, groupId)}${query}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

export async function setDesire(api: TestApi, groupId: string, desire: number): Promise<void> {
  const res = await send(api, 'PUT', `${groupsUrl()}/${groupId}`, {
    desire_instance_number: desire,
  });
  expect(res.statusCode, res.body).toBe(200);
}

export async function serverIds(api: TestApi): Promise<string[]> {
  const res = await send(api, 'GET', `${serversUrl()}?limit=100`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json<{ servers: { id: string }[] }>().servers.map((s) => s.id);
}

/** An engine over the test app's store and clock, as a server's scheduler runs it. */
export const engineOf = (api: TestApi, instanceSettleMs: number): PolicyEngine =>
  new PolicyEngine(api.store, api.clock.now, {
    instanceSettleMs,
    misfireGraceMs: 60_000,
    bandwidthResponse: () => '{}',
  });
