import type { LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import { project } from '../../support/api-harness.js';
import type { SendAs, TestApi } from '../../support/api-harness.js';

/** Requests of the tag API as a client sends them. */

const json = { 'content-type': 'application/json' };
export const v1 = (projectId = project): string => `/autoscaling-api/v1/${projectId}`;
export const tagType = 'scaling_group_tag';
export const actionUrl = (groupId: string, projectId = project, type = tagType): string =>
  `${v1(projectId)}/${type}/${groupId}/tags/action`;
export const resourceTagsUrl = (groupId: string, projectId = project, type = tagType): string =>
  `${v1(projectId)}/${type}/${groupId}/tags`;
export const projectTagsUrl = (projectId = project, type = tagType): string =>
  `${v1(projectId)}/${type}/tags`;
export const queryUrl = (projectId = project, type = tagType): string =>
  `${v1(projectId)}/${type}/resource_instances/action`;

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
      : {
          method,
          url,
          headers: json,
          payload: typeof body === 'string' ? body : JSON.stringify(body),
        },
    sendAs,
  );
}

/** A group without a configuration (tags need no more); the clock moves on a second after. */
export async function createGroup(
  api: TestApi,
  name: string,
  projectId = project,
): Promise<string> {
  const res = await send(api, 'POST', `${v1(projectId)}/scaling_group`, {
    scaling_group_name: name,
    vpc_id: 'vpc-1',
    networks: [{ id: 'net-1' }],
    min_instance_number: 0,
    max_instance_number: 5,
    desire_instance_number: 0,
  });
  expect(res.statusCode, res.body).toBe(200);
  api.clock.advance(1000);
  return res.json<{ scaling_group_id: string }>().scaling_group_id;
}

export type Tag = { key: string; value?: string };

export async function tagGroup(
  api: TestApi,
  groupId: string,
  tags: readonly Tag[],
  action: 'create' | 'delete' = 'create',
): Promise<void> {
  const res = await send(api, 'POST', actionUrl(groupId), { tags, action });
  expect(res.statusCode, res.body).toBe(204);
  expect(res.body).toBe('');
}

export async function groupTags(
  api: TestApi,
  groupId: string,
): Promise<{ tags: { key: string; value: string }[]; sys_tags: unknown }> {
  const res = await send(api, 'GET', resourceTagsUrl(groupId));
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

export interface QueryAnswer {
  resources?: {
    resource_id: string;
    resource_detail: string;
    tags: { key: string; value: string }[];
    resource_name: string;
  }[];
  marker?: string;
  total_count: number;
}

export async function query(api: TestApi, body: Record<string, unknown>): Promise<QueryAnswer> {
  const res = await send(api, 'POST', queryUrl(), body);
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

/** The names of the resources a filter query finds, in the order given. */
export async function names(api: TestApi, body: Record<string, unknown>): Promise<string[]> {
  const answer = await query(api, { action: 'filter', ...body });
  return (answer.resources ?? []).map((r) => r.resource_name);
}
