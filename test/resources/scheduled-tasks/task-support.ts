import type { LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import { project } from '../../support/api-harness.js';
import type { TestApi } from '../../support/api-harness.js';
import { send, v1 } from '../instances/instance-support.js';

/** Shared steps of the scheduled task tests: requests as a client sends them. */

export const tasksUrl = (groupId: string, projectId = project): string =>
  `${v1(projectId)}/scaling-groups/${groupId}/scheduled-tasks`;

export const triggerUrl = (groupId: string, taskId: string, projectId = project): string =>
  `/scalelog/v1/${projectId}/scaling-groups/${groupId}/scheduled-tasks/${taskId}/trigger`;

/** A time as the task API writes it: `YYYY-MM-DDThh:mmZ`. */
export const minuteTime = (ms: number): string => `${new Date(ms).toISOString().slice(0, 16)}Z`;

export const hour = 3_600_000;
export const day = 86_400_000;

/** A one-off task an hour from now, setting the numbers given. */
export function onceBody(
  api: TestApi,
  numbers: Record<string, number> = { min: 1, max: 4, desire: 2 },
  name = 'morning',
): Record<string, unknown> {
  return {
    name,
    scheduled_policy: { launch_time: minuteTime(api.clock.now() + hour) },
    instance_number: numbers,
  };
}

export async function createTask(
  api: TestApi,
  groupId: string,
  body: Record<string, unknown>,
): Promise<string> {
  const res = await send(api, 'POST', tasksUrl(groupId), body);
  expect(res.statusCode, res.body).toBe(200);
  const { task_id: id } = res.json<{ task_id: string }>();
  return id;
}

export interface WireTask {
  task_id: string;
  scaling_group_id: string;
  name: string;
  scheduled_policy: Record<string, string>;
  instance_number: Record<string, number>;
  create_time: string;
  update_time: string;
  tenant_id: string;
  domain_id: string;
}

export interface TaskPage {
  page_info: { next_marker?: string };
  scheduled_tasks: WireTask[];
}

export async function listTasks(api: TestApi, groupId: string, query = ''): Promise<TaskPage> {
  const res = await send(api, 'GET', `${tasksUrl(groupId)}${query}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json<TaskPage>();
}

export function fire(
  api: TestApi,
  groupId: string,
  taskId: string,
): Promise<LightMyRequestResponse> {
  return send(api, 'POST', triggerUrl(groupId, taskId));
}
