import type { LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import type { Bandwidth } from '../../../src/domain/bandwidth.js';
import type { ScalingPolicy } from '../../../src/domain/scaling-policy.js';
import { formatWireTime } from '../../../src/domain/wire-time.js';
import { project, uuidPattern } from '../../support/api-harness.js';
import type { SendAs, TestApi } from '../../support/api-harness.js';
import { createTestConfiguration } from '../../support/test-configuration.js';

/** What the scaling policy route tests share: paths, fixtures, requests and the error tables' runner. */

export const otherProject = '7b7d1a2c3e4f50617283a4b5c6d7e8f9';
export const json = { 'content-type': 'application/json' };
export const minute = 60_000;
export const hour = 60 * minute;
export const day = 24 * hour;

export const v1Url = (projectId = project): string =>
  `/autoscaling-api/v1/${projectId}/scaling_policy`;
export const v2Url = (projectId = project): string =>
  `/autoscaling-api/v2/${projectId}/scaling_policy`;
export const batchUrl = (projectId = project): string =>
  `/autoscaling-api/v1/${projectId}/scaling_policies/action`;
export const groupsUrl = (projectId = project): string =>
  `/autoscaling-api/v1/${projectId}/scaling_group`;

export const alarmId = 'al1513822380493GvlJKZwA8';
export const bandwidthId = '3fa5b383-5a73-4dcb-a314-c6128546d855';
export const eipId = '6285e7be-fd9f-497c-bc2d-dd0bdea6efe0';

export type Body = Record<string, unknown>;
export type Method = 'POST' | 'PUT' | 'DELETE' | 'GET';

export async function send(
  api: TestApi,
  method: Method,
  url: string,
  body?: unknown,
  as?: SendAs,
): Promise<LightMyRequestResponse> {
  return api.inject(
    {
      method,
      url,
      ...(body === undefined ? {} : { headers: json, payload: JSON.stringify(body) }),
    },
    ...(as === undefined ? [] : [as]),
  );
}

/**
 * A group with a configuration, created through the group API and resumed, as a client would
 * set one up.
 */
export async function createGroup(
  api: TestApi,
  bounds: { min?: number; max?: number; desire?: number } = {},
): Promise<string> {
  const res = await send(api, 'POST', groupsUrl(), {
    scaling_group_name: 'web',
    scaling_configuration_id: await createTestConfiguration(api),
    vpc_id: 'a8327883-6b07-4497-9c61-68d03ee193a1',
    networks: [{ id: '3cd35bca-5a10-416f-8994-f79169559870' }],
    min_instance_number: bounds.min ?? 0,
    max_instance_number: bounds.max ?? 5,
    desire_instance_number: bounds.desire ?? 1,
  });
  expect(res.statusCode, res.body).toBe(200);
  const id = res.json<{ scaling_group_id: string }>().scaling_group_id;
  const resume = await send(api, 'POST', `${groupsUrl()}/${id}/action`, { action: 'resume' });
  expect(resume.statusCode, resume.body).toBe(204);
  return id;
}

export async function insertBandwidth(
  api: TestApi,
  over: Partial<Bandwidth> = {},
): Promise<Bandwidth> {
  const bandwidth: Bandwidth = {
    id: bandwidthId,
    projectId: project,
    name: 'edge',
    size: 10,
    minSize: 1,
    maxSize: 2000,
    shareType: 'PER',
    eipId,
    eipAddress: '192.0.2.10',
    createTime: api.clock.now(),
    ...over,
  };
  await api.store.resourceSession((tx) => tx.bandwidths.insert(bandwidth));
  return bandwidth;
}

export async function create(api: TestApi, url: string, body: Body): Promise<string> {
  const res = await send(api, 'POST', url, body);
  expect(res.statusCode, res.body).toBe(200);
  const reply = res.json<{ scaling_policy_id: string }>();
  expect(Object.keys(reply)).toEqual(['scaling_policy_id']);
  expect(reply.scaling_policy_id).toMatch(uuidPattern);
  return reply.scaling_policy_id;
}

export async function show(api: TestApi, version: 'v1' | 'v2', id: string): Promise<Body> {
  const res = await send(api, 'GET', `${version === 'v1' ? v1Url() : v2Url()}/${id}`);
  expect(res.statusCode, res.body).toBe(200);
  const body = res.json<{ scaling_policy: Body }>();
  expect(Object.keys(body)).toEqual(['scaling_policy']);
  return body.scaling_policy;
}

export async function stored(api: TestApi, id: string): Promise<ScalingPolicy | undefined> {
  return api.store.resourceRead((tx) => tx.policies.get(project, id));
}

export async function action(
  api: TestApi,
  id: string,
  act: string,
): Promise<LightMyRequestResponse> {
  return send(api, 'POST', `${v1Url()}/${id}/action`, { action: act });
}

export interface ListBody {
  total_number: number;
  start_number: number;
  limit: number;
  scaling_policies: Body[];
}

export async function list(api: TestApi, url: string): Promise<ListBody> {
  const res = await send(api, 'GET', url);
  expect(res.statusCode, res.body).toBe(200);
  const body = res.json<ListBody>();
  expect(Object.keys(body).sort()).toEqual([
    'limit',
    'scaling_policies',
    'start_number',
    'total_number',
  ]);
  return body;
}

export const names = (page: ListBody): unknown[] =>
  page.scaling_policies.map((p) => p.scaling_policy_name);

/** The code and message of an AS error answer, with the case named for a failing assertion. */
export function errorOf(res: LightMyRequestResponse): {
  status: number;
  code: unknown;
  message: string;
} {
  const body = res.json<{ error?: { code?: unknown; message?: unknown } }>();
  return {
    status: res.statusCode,
    code: body.error?.code,
    message: typeof body.error?.message === 'string' ? body.error.message : res.body,
  };
}

/** One refused request of an error table: its body, and the code and message it is answered with. */
export interface ErrorCase {
  readonly name: string;
  readonly body: Body;
  readonly code: string;
  readonly message: RegExp | string;
}

/**
 * The cases of an error table built over a test's own values (its group, its clock), as
 * `[name, code]` rows for `it.each`. The table is built once with `placeholder` values only
 * to name the cases; each test builds it again over its own values and picks its case by name.
 */
export function caseRows<C>(
  table: (context: C) => readonly ErrorCase[],
  placeholder: C,
): [string, string][] {
  const rows = table(placeholder).map((c): [string, string] => [c.name, c.code]);
  if (new Set(rows.map(([name]) => name)).size !== rows.length) {
    throw new Error('two cases of the table share a name');
  }
  return rows;
}

/** The case of `table` named `name`, built over `context`. */
export function caseNamed<C>(
  table: (context: C) => readonly ErrorCase[],
  context: C,
  name: string,
): ErrorCase {
  const found = table(context).find((c) => c.name === name);
  if (found === undefined) throw new Error(`no case named ${name}`);
  return found;
}

/** Sends the case's body to `url` and expects its 400 answer: its code, and its message. */
export async function expectRefused(api: TestApi, url: string, c: ErrorCase): Promise<void> {
  const { status, code, message } = errorOf(await send(api, 'POST', url, c.body));
  expect({ case: c.name, status, code }).toEqual({ case: c.name, status: 400, code: c.code });
  if (typeof c.message === 'string') expect(message, c.name).toContain(c.message);
  else expect(message, c.name).toMatch(c.message);
}

/** The body with `over` applied; an `undefined` value removes the field. */
export function withOver(body: Body, over: Body): Body {
  const merged: Body = { ...body, ...over };
  for (const [k, v] of Object.entries(merged))
    if (v === undefined) Reflect.deleteProperty(merged, k);
  return merged;
}

export const createTimeOf = (api: TestApi): string =>
  formatWireTime(Math.floor(api.clock.now() / 1000));
