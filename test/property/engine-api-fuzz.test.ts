import fc from 'fast-check';
import type { LightMyRequestResponse } from 'fastify';
import { describe, expect, it } from 'vitest';
import { testBackends } from '../support/backends.js';
import { openTestApi, project } from '../support/api-harness.js';
import type { TestApi, TestRequest } from '../support/api-harness.js';

/**
 * Bad input on the engine's APIs (groups, policies v1/v2 and their batch, bandwidths,
 * alarms, the developer trigger): random sequences of signed requests, most of them a valid
 * body with one field broken, the rest any JSON, broken JSON, odd content types, odd path
 * ids and odd query strings. Properties, on both stores:
 *
 * - no answer is a 5xx;
 * - every error is one of the two documented envelopes, with a message that is not empty;
 * - a refused request (4xx) and any GET leave every group, policy and bandwidth of the
 *   project as it was (a refused execute records its FAIL log, which is not compared).
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

interface Fixture {
  readonly groupId: string;
  readonly bandwidthId: string;
  readonly policyIds: readonly string[];
}

/** What a step of a run sends; ids are picked from the run's fixture when it is made. */
interface Step {
  readonly endpoint: number;
  readonly id:
    | { readonly kind: 'fixture'; readonly pick: number }
    | { readonly kind: 'odd'; readonly raw: string };
  readonly body: Body;
  readonly contentType: string | undefined;
  readonly query: string;
}

type Body =
  | { readonly kind: 'none' }
  | { readonly kind: 'raw'; readonly text: string }
  | { readonly kind: 'json'; readonly value: Json }
  | {
      readonly kind: 'mutated';
      /** Where in the endpoint's valid body the change lands (index into its key paths). */
      readonly at: number;
      readonly change: { readonly kind: 'delete' } | { readonly kind: 'set'; readonly value: Json };
    };

const v1 = `/autoscaling-api/v1/${project}`;
const v2 = `/autoscaling-api/v2/${project}`;
const sl = `/scalelog/v1/${project}`;

const network = [{ id: '3cd35bca-5a10-416f-8994-f79169559870' }];

interface Endpoint {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** The path, given the id the step picked (a fixture id, or an odd one). */
  readonly path: (id: string, f: Fixture) => string;
  /** Which fixture ids the path takes. */
  readonly ids: (f: Fixture) => readonly string[];
  /** A valid body for the fixture, which `mutated` steps break in one place. */
  readonly valid?: (f: Fixture) => Json;
}

const groupIds = (f: Fixture) => [f.groupId];
const policyIds = (f: Fixture) => f.policyIds;
const bandwidthIds = (f: Fixture) => [f.bandwidthId];
const noIds = (f: Fixture) => [f.groupId];

const endpoints: readonly Endpoint[] = [
  {
    method: 'POST',
    path: () => `${v1}/scaling_group`,
    ids: noIds,
    valid: () => ({
      scaling_group_name: 'fuzz',
      vpc_id: 'a8327883-6b07-4497-9c61-68d03ee193a1',
      networks: network,
      min_instance_number: 0,
      max_instance_number: 5,
      desire_instance_number: 1,
      cool_down_time: 300,
    }),
  },
  { method: 'GET', path: () => `${v1}/scaling_group`, ids: noIds },
  { method: 'GET', path: (id) => `${v1}/scaling_group/${id}`, ids: groupIds },
  {
    method: 'PUT',
    path: (id) => `${v1}/scaling_group/${id}`,
    ids: groupIds,
    valid: () => ({ scaling_group_name: 'renamed', max_instance_number: 8, cool_down_time: 60 }),
  },
  { method: 'DELETE', path: (id) => `${v1}/scaling_group/${id}`, ids: groupIds },
  {
    method: 'POST',
    path: (id) => `${v1}/scaling_group/${id}/action`,
    ids: groupIds,
    valid: () => ({ action: 'pause' }),
  },
  {
    method: 'POST',
    path: () => `${v1}/scaling_policy`,
    ids: noIds,
    valid: (f) => ({
      scaling_policy_name: 'daily',
      scaling_group_id: f.groupId,
      scaling_policy_type: 'RECURRENCE',
      scheduled_policy: {
        launch_time: '10:00',
        recurrence_type: 'Weekly',
        recurrence_value: '1,3,5',
        start_time: '2030-01-01T00:00Z',
        end_time: '2030-02-01T00:00Z',
      },
      scaling_policy_action: { operation: 'ADD', instance_percentage: 30 },
      cool_down_time: 120,
    }),
  },
  { method: 'GET', path: (id) => `${v1}/scaling_policy/${id}`, ids: policyIds },
  {
    method: 'PUT',
    path: (id) => `${v1}/scaling_policy/${id}`,
    ids: policyIds,
    valid: () => ({
      scaling_policy_type: 'SCHEDULED',
      scheduled_policy: { launch_time: '2031-05-01T12:00Z' },
      scaling_policy_action: { operation: 'SET', instance_number: 2 },
    }),
  },
  { method: 'DELETE', path: (id) => `${v1}/scaling_policy/${id}`, ids: policyIds },
  { method: 'GET', path: (id) => `${v1}/scaling_policy/${id}/list`, ids: groupIds },
  {
    method: 'POST',
    path: (id) => `${v1}/scaling_policy/${id}/action`,
    ids: policyIds,
    valid: () => ({ action: 'execute' }),
  },
  {
    method: 'POST',
    path: () => `${v1}/scaling_policies/action`,
    ids: noIds,
    valid: (f) => ({ scaling_policy_id: [...f.policyIds], action: 'pause', force_delete: 'no' }),
  },
  {
    method: 'POST',
    path: () => `${v2}/scaling_policy`,
    ids: noIds,
    valid: (f) => ({
      scaling_policy_name: 'bw-alarm',
      scaling_resource_id: f.bandwidthId,
      scaling_resource_type: 'BANDWIDTH',
      scaling_policy_type: 'ALARM',
      alarm_id: 'al-fuzz',
      scaling_policy_action: { operation: 'REDUCE', size: 2, limits: 3 },
    }),
  },
  { method: 'GET', path: () => `${v2}/scaling_policy`, ids: noIds },
  { method: 'GET', path: (id) => `${v2}/scaling_policy/${id}`, ids: policyIds },
  {
    method: 'PUT',
    path: (id) => `${v2}/scaling_policy/${id}`,
    ids: policyIds,
    valid: () => ({
      scaling_policy_name: 'v2-renamed',
      scaling_policy_action: { operation: 'ADD', size: 1 },
    }),
  },
  { method: 'GET', path: (id) => `${v2}/scaling_policy/${id}/list`, ids: bandwidthIds },
  {
    method: 'POST',
    path: () => `${sl}/bandwidths`,
    ids: noIds,
    valid: () => ({ bandwidth: { name: 'bw', size: 10 } }),
  },
  { method: 'GET', path: () => `${sl}/bandwidths`, ids: noIds },
  { method: 'DELETE', path: (id) => `${sl}/bandwidths/${id}`, ids: bandwidthIds },
  { method: 'GET', path: (id) => `/v1/${project}/bandwidths/${id}`, ids: bandwidthIds },
  {
    method: 'PUT',
    path: (id) => `/v1/${project}/bandwidths/${id}`,
    ids: bandwidthIds,
    valid: () => ({ bandwidth: { size: 20, name: 'edge' } }),
  },
  { method: 'POST', path: () => `${sl}/alarms/al-fuzz/fire`, ids: noIds, valid: () => ({}) },
  {
    method: 'POST',
    path: (id) => `${sl}/scaling_policy/${id}/trigger`,
    ids: policyIds,
    valid: () => ({}),
  },
];

/** Every path to a value inside `value` (object keys and array indexes), the root first. */
function keyPaths(value: Json, prefix: (string | number)[] = []): (string | number)[][] {
  const paths = [prefix];
  if (Array.isArray(value)) {
    value.forEach((v, i) => paths.push(...keyPaths(v, [...prefix, i])));
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) paths.push(...keyPaths(v, [...prefix, k]));
  }
  return paths;
}

/** `valid` with the value at `path` replaced (or, with `undefined`, removed). */
function changed(
  valid: Json,
  path: (string | number)[],
  value: Json | undefined,
): Json | undefined {
  if (path.length === 0) return value;
  const copy = structuredClone<Json>(valid);
  let parent: Json = copy;
  for (const part of path.slice(0, -1)) parent = (parent as Record<string, Json>)[part] as Json;
  const last = path[path.length - 1] as string | number;
  if (value === undefined) {
    if (Array.isArray(parent)) parent.splice(last as number, 1);
    else Reflect.deleteProperty(parent as Record<string, Json>, last);
  } else {
    (parent as Record<string | number, Json>)[last] = value;
  }
  return copy;
}

/** Values that break fields in ways parsers trip over. */
const oddValue: fc.Arbitrary<Json> = fc.oneof(
  fc.constantFrom<Json>(
    null,
    true,
    0,
    -1,
    -0,
    0.5,
    1e308,
    -1e308,
    2 ** 53 + 1,
    2 ** 31,
    '',
    ' ',
    '0',
    '1',
    '-1',
    '1e3',
    '0x10',
    'NaN',
    'Infinity',
    'null',
    'x'.repeat(300),
    '\u0000',
    'a\u0000b',
    '\ud800',
    '扩容',
    '2030-02-30T00:00Z',
    '24:00',
    '2030-01-01T00:00:00.000Z',
    'Daily',
    'Monthly',
    'SET',
    '1,2,3,4,5,6,7,8',
    '31',
    [],
    {},
    [null],
    { id: null },
  ),
  fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>,
);

/** Bodies no JSON parser takes, or that are JSON but no object. */
const rawBody = fc.constantFrom(
  '',
  ' ',
  '{',
  '{"action":',
  '}',
  'null',
  '[]',
  '"text"',
  '1e999',
  '{"action":"pause","action":"resume"}',
  '{"__proto__":{"polluted":1},"action":"pause"}',
  '{"constructor":{"prototype":{"polluted":1}}}',
  '\u0000',
  '\ufeff{}',
  '{"a":' + '['.repeat(500) + ']'.repeat(500) + '}',
);

const oddId = fc.oneof(
  fc.constantFrom(
    '%',
    '%zz',
    '%E0%A4%A',
    '%00',
    '..',
    '..%2F..%2Fetc',
    'x'.repeat(300),
    '%20',
    '00000000-0000-4000-8000-000000000000',
  ),
  fc.string({ maxLength: 40, unit: 'binary' }).map((s) => {
    try {
      return encodeURIComponent(s) || 'x';
    } catch {
      return 'x'; // a lone surrogate: no URL can carry it
    }
  }),
);

const queryNames = [
  'start_number',
  'limit',
  'scaling_group_name',
  'scaling_configuration_id',
  'scaling_group_status',
  'scaling_policy_name',
  'scaling_policy_type',
  'scaling_policy_id',
  'scaling_resource_type',
  'scaling_resource_id',
  'alarm_id',
  'sort_by',
  'order',
  'force_delete',
  'enterprise_project_id',
];

const query = fc
  .array(
    fc.tuple(
      fc.constantFrom(...queryNames),
      fc.oneof(
        fc.constantFrom(
          '',
          '-1',
          '0',
          '20',
          '101',
          '1e2',
          'abc',
          'yes',
          'no',
          'DESC',
          'ASC',
          'POLICY_NAME',
          '%',
          '%zz',
          '%00',
          'a%00',
        ),
        fc.string({ maxLength: 12 }).map((s) => encodeURIComponent(s)),
      ),
    ),
    { maxLength: 3 },
  )
  .map((pairs) => (pairs.length === 0 ? '' : `?${pairs.map(([k, v]) => `${k}=${v}`).join('&')}`));

const body: fc.Arbitrary<Body> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('mutated' as const),
      at: fc.nat(),
      change: fc.oneof(
        { weight: 1, arbitrary: fc.constant({ kind: 'delete' as const }) },
        { weight: 3, arbitrary: fc.record({ kind: fc.constant('set' as const), value: oddValue }) },
      ),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'none' as const }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('raw' as const), text: rawBody }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('json' as const),
      value: fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json>,
    }),
  },
);

const step: fc.Arbitrary<Step> = fc.record({
  endpoint: fc.nat(endpoints.length - 1),
  id: fc.oneof(
    { weight: 4, arbitrary: fc.record({ kind: fc.constant('fixture' as const), pick: fc.nat() }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('odd' as const), raw: oddId }) },
  ),
  body,
  contentType: fc.constantFrom(
    'application/json',
    'application/json',
    'application/json;charset=UTF-8',
    undefined,
    'text/plain',
    'application/x-www-form-urlencoded',
    'application/json; charset=utf-16',
  ),
  query,
});

/** The request a step sends against a run's fixture. */
function requestOf(s: Step, f: Fixture): TestRequest {
  const endpoint = endpoints[s.endpoint] as Endpoint;
  const ids = endpoint.ids(f);
  const id = s.id.kind === 'fixture' ? (ids[s.id.pick % ids.length] as string) : s.id.raw;
  let payload: string | undefined;
  if (s.body.kind === 'raw') payload = s.body.text;
  else if (s.body.kind === 'json') payload = JSON.stringify(s.body.value);
  else if (s.body.kind === 'mutated' && endpoint.valid !== undefined) {
    const valid = endpoint.valid(f);
    const paths = keyPaths(valid);
    const path = paths[s.body.at % paths.length] as (string | number)[];
    const value = changed(
      valid,
      path,
      s.body.change.kind === 'delete' ? undefined : s.body.change.value,
    );
    payload = value === undefined ? undefined : JSON.stringify(value);
  }
  const sendsBody = endpoint.method === 'POST' || endpoint.method === 'PUT';
  return {
    method: endpoint.method,
    url: `${endpoint.path(id, f)}${s.query}`,
    ...(sendsBody && payload !== undefined
      ? { payload, headers: s.contentType === undefined ? {} : { 'content-type': s.contentType } }
      : {}),
  };
}

/** Every group, policy and bandwidth of the project, as stored. */
async function snapshot(api: TestApi): Promise<string> {
  const all = { startNumber: 0, limit: 100_000 };
  return api.store.resourceRead(async (tx) =>
    JSON.stringify([
      await tx.groups.list(project, {}, all),
      await tx.policies.list(project, {}, all),
      await tx.bandwidths.list(project, all),
    ]),
  );
}

/** Fails unless `res` is no 5xx and, if an error, one of the two envelopes with a message. */
function expectDocumentedAnswer(res: LightMyRequestResponse, request: TestRequest): void {
  const what = `${request.method ?? 'GET'} ${request.url} ${request.payload?.toString().slice(0, 200) ?? ''} -> ${res.statusCode} ${res.body.slice(0, 300)}`;
  expect(res.statusCode, what).toBeLessThan(500);
  if (res.statusCode < 400) return;
  expect(res.headers['content-type'], what).toMatch(/^application\/json/);
  const answer = res.json<Record<string, unknown>>();
  if ('error' in answer) {
    expect(Object.keys(answer), what).toEqual(['error']);
    const error = answer.error as Record<string, unknown>;
    expect(error.code, what).toMatch(/^[A-Z]+\.\d{4}$/);
    expect(typeof error.message === 'string' && error.message.length > 0, what).toBe(true);
  } else {
    expect(Object.keys(answer).sort(), what).toEqual(['error_code', 'error_msg', 'request_id']);
    expect(answer.error_code, what).toMatch(/^[A-Z]+\.\d{4}$/);
    expect(typeof answer.error_msg === 'string' && answer.error_msg.length > 0, what).toBe(true);
  }
}

/** Creates a resumed group, a bandwidth and policies on both, through the API. */
async function createFixture(api: TestApi): Promise<Fixture> {
  const send = async (method: 'POST', url: string, payload: Json) => {
    const res = await api.inject({
      method,
      url,
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify(payload),
    });
    expect(res.statusCode, res.body).toBeLessThan(300);
    return res.body === '' ? {} : res.json<Record<string, string>>();
  };
  const f0: Fixture = { groupId: '', bandwidthId: '', policyIds: [] };
  const group = await send('POST', `${v1}/scaling_group`, endpoints[0]?.valid?.(f0) ?? null);
  const groupId = group.scaling_group_id as string;
  await send('POST', `${v1}/scaling_group/${groupId}/action`, { action: 'resume' });
  const bw = await send('POST', `${sl}/bandwidths`, { bandwidth: { name: 'edge', size: 10 } });
  const bandwidthId = (bw.bandwidth as unknown as { id: string }).id;
  const withIds: Fixture = { groupId, bandwidthId, policyIds: [] };
  const policyIds: string[] = [];
  for (const [url, policy] of [
    [`${v1}/scaling_policy`, endpoints[6]?.valid?.(withIds)],
    [`${v2}/scaling_policy`, endpoints[13]?.valid?.(withIds)],
    [
      `${v1}/scaling_policy`,
      {
        scaling_policy_name: 'once',
        scaling_group_id: groupId,
        scaling_policy_type: 'SCHEDULED',
        scheduled_policy: { launch_time: '2030-01-01T00:00Z' },
        scaling_policy_action: { operation: 'SET', instance_number: 3 },
      },
    ],
  ] as const) {
    const created = await send('POST', url, policy ?? null);
    policyIds.push(created.scaling_policy_id as string);
  }
  for (const id of policyIds)
    await send('POST', `${v1}/scaling_policy/${id}/action`, { action: 'resume' });
  return { groupId, bandwidthId, policyIds };
}

for (const backend of testBackends) {
  describe.skipIf(!backend.available)(`engine API, bad input: ${backend.name}`, () => {
    it('never answers 5xx, always with a documented envelope, and a refusal changes nothing', async () => {
      // Every run creates its own group in the one project: room for all of them.
      const api = await openTestApi(backend, { config: { devTriggers: true, groupQuota: 1000 } });
      /** Answers seen, by status class: the runs must reach handlers, not stop at the door. */
      const seen = new Map<string, number>();
      await fc.assert(
        fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 12 }), async (steps) => {
          const fixture = await createFixture(api);
          for (const s of steps) {
            const request = requestOf(s, fixture);
            const before = await snapshot(api);
            const res = await api.inject(request);
            expectDocumentedAnswer(res, request);
            const kind = res.statusCode < 300 ? '2xx' : res.statusCode === 400 ? '400' : 'other';
            seen.set(kind, (seen.get(kind) ?? 0) + 1);
            if (res.statusCode >= 400 || request.method === 'GET') {
              expect(
                await snapshot(api),
                `${request.method ?? 'GET'} ${request.url} -> ${res.statusCode} changed the store`,
              ).toBe(before);
            }
          }
        }),
        { numRuns: 60 },
      );
      // Both accepted and refused requests were among them, so both paths were exercised.
      expect(seen.get('2xx') ?? 0, JSON.stringify([...seen])).toBeGreaterThan(10);
      expect(seen.get('400') ?? 0, JSON.stringify([...seen])).toBeGreaterThan(10);
    });
  });
}
