import type { LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import { project } from '../../support/api-harness.js';
import type { SendAs, TestApi } from '../../support/api-harness.js';
import { createTestConfiguration } from '../../support/test-configuration.js';

/** Shared steps of the instance and server tests: requests as a client sends them. */

const json = { 'content-type': 'application/json' };
export const v1 = (projectId = project): string => `/autoscaling-api/v1/${projectId}`;
export const groupsUrl = (projectId = project): string => `${v1(projectId)}/scaling_group`;
export const instancesUrl = (groupId: string, projectId = project): string =>
  `${v1(projectId)}/scaling_group_instance/${groupId}`;
export const serversUrl = (projectId = project): string => `/scalelog/v1/${projectId}/servers`;

export function send(
  api: TestApi,
  method: 'POST' | 'PUT' | 'DELETE' | 'GET',
  url: string,
  body?: unknown,
  sendAs?: SendAs,
): Promise<LightMyRequestResponse> {
  return api.inject(
    body === undefined
      ? { method, url }
      : { method, url, headers: json, payload: JSON.stringify(body) },
    sendAs,
  );
}

/** A group with a configuration, resumed: its instances are being built toward `desire`. */
export async function createGroup(
  api: TestApi,
  numbers: { min?: number; max?: number; desire?: number } = {},
  extra: Record<string, unknown> = {},
): Promise<string> {
  const res = await send(api, 'POST', groupsUrl(), {
    scaling_group_name: 'web',
    scaling_configuration_id: await createTestConfiguration(api),
    vpc_id: 'vpc-1',
    networks: [{ id: 'net-1' }],
    min_instance_number: numbers.min ?? 0,
    max_instance_number: numbers.max ?? 5,
    desire_instance_number: numbers.desire ?? 0,
    ...extra,
  });
  expect(res.statusCode, res.body).toBe(200);
  const id = res.json<{ scaling_group_id: string }>().scaling_group_id;
  const resume = await send(api, 'POST', `${groupsUrl()}/${id}/action`, { action: 'resume' });
  expect(resume.statusCode, resume.body).toBe(204);
  return id;
}

export interface WireInstance {
  instance_id: string;
  instance_name: string;
  scaling_group_id: string;
  scaling_group_name: string;
  life_cycle_state: string;
  health_status: string;
  scaling_configuration_name: string | null;
  scaling_configuration_id: string | null;
  create_time: string;
  protect_from_scaling_down: boolean;
}

export interface InstancePage {
  total_number: number;
  start_number: number;
  limit: number;
  scaling_group_instances: WireInstance[];
}

export async function listInstances(
  api: TestApi,
  groupId: string,
  query = '',
): Promise<InstancePage> {
  const res = await send(api, 'GET', `${instancesUrl(groupId)}/list${query}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json<InstancePage>();
}

export async function showGroup(api: TestApi, id: string): Promise<Record<string, unknown>> {
  const res = await send(api, 'GET', `${groupsUrl()}/${id}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json<{ scaling_group: Record<string, unknown> }>().scaling_group;
}

export async function batch(
  api: TestApi,
  groupId: string,
  body: Record<string, unknown>,
): Promise<LightMyRequestResponse> {
  return send(api, 'POST', `${instancesUrl(groupId)}/action`, body);
}

export async function createServer(
  api: TestApi,
  name: string,
  projectId = project,
): Promise<string> {
  const res = await send(api, 'POST', serversUrl(projectId), { server: { name } });
  expect(res.statusCode, res.body).toBe(201);
  return res.json<{ server: { id: string } }>().server.id;
}

/** The group's activities, newest first, as the store reads them now. */
export async function activities(api: TestApi, groupId: string) {
  const page = await api.store.resourceRead((tx) =>
    tx.activities.list(project, groupId, {}, { startNumber: 0, limit: 100 }, api.clock.now()),
  );
  return page.activities;
}
