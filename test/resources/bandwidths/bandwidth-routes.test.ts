import { randomUUID } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { describe, expect, it } from 'vitest';
import { policyEngine } from '../../../src/services.js';
import type { ScalingPolicy } from '../../../src/domain/scaling-policy.js';
import { testBackends } from '../../support/backends.js';
import {
  expectAsError,
  expectGatewayError,
  logsPath,
  openTestApi,
  project,
  testConfig,
} from '../../support/api-harness.js';
import type { SendAs, TestApi } from '../../support/api-harness.js';

const otherProject = '9b7e35ad379141fc9df3e178bd64f55c';
const json = { 'content-type': 'application/json' };

const scalelogUrl = (projectId = project): string => `/scalelog/v1/${projectId}/bandwidths`;
const vpcUrl = (id: string, projectId = project): string => `/v1/${projectId}/bandwidths/${id}`;

type WireBandwidth = Record<string, unknown> & { id: string };

/** The time as the wire shows it, from a Unix ms time on a whole second. */
const wireTime = (ms: number): string => new Date(ms).toISOString().replace('.000Z', 'Z');

/** The credential of `projectId`, without the X-Project-Id header (which would be a 400). */
async function as(api: TestApi, projectId: string): Promise<SendAs> {
  return { credential: await api.credentialFor(projectId), projectHeader: false };
}

function post(
  api: TestApi,
  body: unknown,
  projectId = project,
  sendAs?: SendAs,
): Promise<LightMyRequestResponse> {
  return api.inject(
    { method: 'POST', url: scalelogUrl(projectId), headers: json, payload: JSON.stringify(body) },
    sendAs,
  );
}

function put(
  api: TestApi,
  id: string,
  body: unknown,
  projectId = project,
  sendAs?: SendAs,
): Promise<LightMyRequestResponse> {
  return api.inject(
    { method: 'PUT', url: vpcUrl(id, projectId), headers: json, payload: JSON.stringify(body) },
    sendAs,
  );
}

/** Creates a bandwidth and returns the create answer's `bandwidth`. */
async function create(
  api: TestApi,
  fields: Record<string, unknown> = {},
  projectId = project,
): Promise<WireBandwidth> {
  const res = await post(api, { bandwidth: { name: 'bw-1', size: 10, ...fields } }, projectId);
  expect(res.statusCode, res.body).toBe(201);
  return res.json<{ bandwidth: WireBandwidth }>().bandwidth;
}

async function show(api: TestApi, id: string): Promise<WireBandwidth> {
  const res = await api.inject({ method: 'GET', url: vpcUrl(id) });
  expect(res.statusCode, res.body).toBe(200);
  const body = res.json<{ bandwidth: WireBandwidth }>();
  expect(Object.keys(body)).toEqual(['bandwidth']);
  return body.bandwidth;
}

/** The VPC fields of a Scalelog answer: the same object without the bounds. */
function vpcPart(b: WireBandwidth): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(b).filter(([key]) => key !== 'min_size' && key !== 'max_size'),
  );
}

/** An INSERVICE ALARM policy that adds 5 Mbit/s to the bandwidth, up to 20. */
function bandwidthPolicy(api: TestApi, bandwidthId: string): ScalingPolicy {
  return {
    id: randomUUID(),
    projectId: project,
    name: 'bw-up',
    resourceType: 'BANDWIDTH',
    resourceId: bandwidthId,
    policyType: 'ALARM',
    alarmId: 'al-1',
    action: { operation: 'ADD', number: 5, limits: 20 },
    coolDownSeconds: 300,
    status: 'INSERVICE',
    createTime: api.clock.now(),
  };
}

const nameRule = "1 to 64 letters, digits, Chinese characters, '_', '-' or '.'";
const sizeRule = 'an integer from 1 to 2000 (Mbit/s)';
const ok = { name: 'bw-1', size: 10 };

/** Create bodies refused with 400 AS.0022, and the whole message each gets. */
const createRefusals: readonly (readonly [string, unknown, string])[] = [
  [
    'no bandwidth',
    {},
    'Give the bandwidth as {"bandwidth":{...}}, for example {"bandwidth":{"name":"bw-1","size":10}}.',
  ],
  [
    'a bandwidth that is no object',
    { bandwidth: 5 },
    'bandwidth must be an object such as {"name":"bw-1","size":10}, not 5.',
  ],
  [
    'a body that is no object',
    [ok],
    'The request body must be a JSON object, not [{"name":"bw-1","size":10}].',
  ],
  [
    'an unknown top-level field',
    { bandwidth: ok, publicip: {} },
    'Unsupported parameter "publicip" in a bandwidth create request; accepted: bandwidth.',
  ],
  [
    'an unknown bandwidth field',
    { bandwidth: { ...ok, charge_mode: 'traffic' } },
    'Unsupported parameter "charge_mode" in bandwidth; accepted: name, size, share_type, min_size, max_size, eip_id, eip_address.',
  ],
  [
    'an unknown top-level field set to null',
    { bandwidth: ok, publicip: null },
    'Unsupported parameter "publicip" in a bandwidth create request; accepted: bandwidth.',
  ],
  [
    'an unknown bandwidth field set to null',
    { bandwidth: { ...ok, colour: null } },
    'Unsupported parameter "colour" in bandwidth; accepted: name, size, share_type, min_size, max_size, eip_id, eip_address.',
  ],
  ['no name', { bandwidth: { size: 10 } }, `Give bandwidth.name: ${nameRule}.`],
  [
    'a name with a space',
    { bandwidth: { ...ok, name: 'bw 1' } },
    `Invalid bandwidth.name "bw 1": expected ${nameRule}.`,
  ],
  [
    'an empty name',
    { bandwidth: { ...ok, name: '' } },
    `Invalid bandwidth.name "": expected ${nameRule}.`,
  ],
  [
    'a name of 65 characters',
    { bandwidth: { ...ok, name: 'a'.repeat(65) } },
    `Invalid bandwidth.name "${'a'.repeat(65)}": expected ${nameRule}.`,
  ],
  [
    'a name that is a number',
    { bandwidth: { ...ok, name: 7 } },
    `Invalid bandwidth.name 7: expected ${nameRule}.`,
  ],
  ['no size', { bandwidth: { name: 'bw-1' } }, `Give bandwidth.size: ${sizeRule}.`],
  ['size 0', { bandwidth: { ...ok, size: 0 } }, `Invalid bandwidth.size 0: expected ${sizeRule}.`],
  [
    'size 2001',
    { bandwidth: { ...ok, size: 2001 } },
    `Invalid bandwidth.size 2001: expected ${sizeRule}.`,
  ],
  [
    "a decimal size (no coercion in Scalelog's API)",
    { bandwidth: { ...ok, size: 10.5 } },
    `Invalid bandwidth.size 10.5: expected ${sizeRule}.`,
  ],
  [
    'a string size',
    { bandwidth: { ...ok, size: '10' } },
    `Invalid bandwidth.size "10": expected ${sizeRule}.`,
  ],
  [
    'min_size 0',
    { bandwidth: { ...ok, min_size: 0 } },
    `Invalid bandwidth.min_size 0: expected ${sizeRule}.`,
  ],
  [
    'max_size 2001',
    { bandwidth: { ...ok, max_size: 2001 } },
    `Invalid bandwidth.max_size 2001: expected ${sizeRule}.`,
  ],
  [
    'min_size above max_size',
    { bandwidth: { ...ok, size: 30, min_size: 50, max_size: 20 } },
    'bandwidth.min_size 50 is greater than bandwidth.max_size 20: give min_size <= size <= max_size.',
  ],
  [
    'size above max_size',
    { bandwidth: { ...ok, size: 30, max_size: 20 } },
    'bandwidth.size 30 is outside [min_size 1, max_size 20]: give min_size <= size <= max_size.',
  ],
  [
    'size below min_size (default max)',
    { bandwidth: { ...ok, size: 5, min_size: 10 } },
    'bandwidth.size 5 is outside [min_size 10, max_size 2000]: give min_size <= size <= max_size.',
  ],
  [
    'a lower-case share_type',
    { bandwidth: { ...ok, share_type: 'per' } },
    'Invalid bandwidth.share_type "per": expected PER (dedicated, the default) or WHOLE (shared).',
  ],
  [
    'an empty eip_id',
    { bandwidth: { ...ok, eip_id: '' } },
    "Invalid bandwidth.eip_id \"\": expected 1 to 64 letters, digits, '_' or '-'.",
  ],
  ...['256.1.1.1', '1.2.3', '01.2.3.4', '1.2.3.4 ', '::1'].map(
    (address) =>
      [
        `eip_address ${address}`,
        { bandwidth: { ...ok, eip_id: 'eip-1', eip_address: address } },
        `Invalid bandwidth.eip_address ${JSON.stringify(address)}: expected a dotted IPv4 address such as 192.0.2.10.`,
      ] as const,
  ),
  [
    'eip_id on a WHOLE bandwidth',
    { bandwidth: { ...ok, share_type: 'WHOLE', eip_id: 'eip-1' } },
    'bandwidth.eip_id is for a PER (dedicated) bandwidth only: a WHOLE (shared) bandwidth has no EIP of its own.',
  ],
  [
    'eip_address on a WHOLE bandwidth',
    { bandwidth: { ...ok, share_type: 'WHOLE', eip_address: '192.0.2.10' } },
    'bandwidth.eip_address is for a PER (dedicated) bandwidth only: a WHOLE (shared) bandwidth has no EIP of its own.',
  ],
  [
    'eip_address without eip_id',
    { bandwidth: { ...ok, eip_address: '192.0.2.10' } },
    'bandwidth.eip_address needs bandwidth.eip_id, the id of the EIP that has the address.',
  ],
];

const updateSizeRule = `${sizeRule}; a decimal or a numeric string is truncated to an integer`;

/** Update bodies refused with 400 AS.0022 whatever the bandwidth, and their messages. */
const updateRefusals: readonly (readonly [string, unknown, string])[] = [
  [
    'no bandwidth',
    { name: 'x' },
    'Unsupported parameter "name" in a bandwidth update request; accepted: bandwidth.',
  ],
  [
    'an empty body object',
    {},
    'Give the bandwidth as {"bandwidth":{...}}, for example {"bandwidth":{"name":"bw-1","size":10}}.',
  ],
  [
    'neither name nor size',
    { bandwidth: {} },
    `Give bandwidth.name (${nameRule}) or bandwidth.size (${sizeRule}), or both.`,
  ],
  [
    'only nulls',
    { bandwidth: { name: null, size: null } },
    `Give bandwidth.name (${nameRule}) or bandwidth.size (${sizeRule}), or both.`,
  ],
  [
    'an unknown field',
    { bandwidth: { size: 12, bandwidth_type: 'bgp' } },
    'Unsupported parameter "bandwidth_type" in bandwidth; accepted: name, size, charge_mode.',
  ],
  [
    'an unknown field set to null',
    { bandwidth: { size: 12, bandwidth_type: null } },
    'Unsupported parameter "bandwidth_type" in bandwidth; accepted: name, size, charge_mode.',
  ],
  [
    'a bad name',
    { bandwidth: { name: 'bw/1' } },
    `Invalid bandwidth.name "bw/1": expected ${nameRule}.`,
  ],
  ...(['abc', '1e3', '', ' 10', '-5', true, -1, 0.5, 2001, [10]] as const).map(
    (size) =>
      [
        `size ${JSON.stringify(size)}`,
        { bandwidth: { size } },
        `Invalid bandwidth.size ${JSON.stringify(size)}: expected ${updateSizeRule}.`,
      ] as const,
  ),
  [
    'charge_mode traffic',
    { bandwidth: { size: 12, charge_mode: 'traffic' } },
    'Invalid bandwidth.charge_mode "traffic": expected bandwidth (Scalelog keeps pay-per-use bandwidths charged by bandwidth only).',
  ],
];

for (const backend of testBackends) {
  describe.skipIf(!backend.available)(`the bandwidth API on ${backend.name}`, () => {
    it('creates a bandwidth: 201 with the VPC object and its bounds, shown as the VPC shows it', async () => {
      const api = await openTestApi(backend);
      const res = await post(api, {
        bandwidth: {
          name: '带宽_bw-1.a',
          size: 10,
          min_size: 5,
          max_size: 50,
          eip_id: 'eip-1',
          eip_address: '192.0.2.10',
        },
      });
      expect(res.statusCode, res.body).toBe(201);
      expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
      const created = res.json<{ bandwidth: WireBandwidth }>();
      expect(Object.keys(created)).toEqual(['bandwidth']);
      const id = created.bandwidth.id;
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      const time = wireTime(api.clock.now());
      const vpc = {
        id,
        name: '带宽_bw-1.a',
        size: 10,
        share_type: 'PER',
        publicip_info: [
          {
            publicip_id: 'eip-1',
            publicip_address: '192.0.2.10',
            publicip_type: '5_bgp',
            ip_version: 4,
          },
        ],
        tenant_id: project,
        bandwidth_type: 'bgp',
        charge_mode: 'bandwidth',
        billing_info: '',
        enterprise_project_id: '0',
        status: 'NORMAL',
        created_at: time,
        updated_at: time,
      };
      // toStrictEqual tells 10 from "10" and a missing key from one set to null.
      expect(created.bandwidth).toStrictEqual({ ...vpc, min_size: 5, max_size: 50 });

      api.clock.advance(60_000);
      const shown = await api.inject({ method: 'GET', url: vpcUrl(id) });
      expect(shown.statusCode, shown.body).toBe(200);
      expect(shown.headers['content-type']).toBe('application/json; charset=utf-8');
      // The VPC path shows the VPC fields only: no bounds.
      expect(shown.json()).toStrictEqual({ bandwidth: vpc });
    });

    it('applies the defaults: PER, bounds 1 to 2000, no EIP; WHOLE is a shared bandwidth', async () => {
      const api = await openTestApi(backend);
      const per = await create(api, { name: 'per' });
      expect(per).toMatchObject({ share_type: 'PER', bandwidth_type: 'bgp', publicip_info: [] });
      expect([per.min_size, per.max_size]).toEqual([1, 2000]);
      // Without an address, the EIP is shown without one.
      const eipOnly = await create(api, { name: 'eip-only', eip_id: 'eip-2' });
      expect(eipOnly.publicip_info).toStrictEqual([
        { publicip_id: 'eip-2', publicip_type: '5_bgp', ip_version: 4 },
      ]);
      const whole = await create(api, { name: 'shared', share_type: 'WHOLE', size: 2000 });
      expect(await show(api, whole.id)).toMatchObject({
        share_type: 'WHOLE',
        bandwidth_type: 'share',
        publicip_info: [],
        size: 2000,
      });
      // Nulls count as absent.
      const nulls = await create(api, { name: 'nulls', share_type: null, eip_id: null });
      expect(nulls).toMatchObject({ share_type: 'PER', min_size: 1, max_size: 2000 });
      // Names: 64 Chinese characters are 64 characters.
      const long = await create(api, { name: '带'.repeat(64) });
      expect(long.name).toBe('带'.repeat(64));
    });

    it.each(createRefusals)(
      'refuses a create with %s: 400 AS.0022 saying what is accepted',
      async (_what, body, message) => {
        const api = await openTestApi(backend);
        expect(expectAsError(await post(api, body), 400, 'AS.0022')).toBe(message);
        const list = await api.inject({ method: 'GET', url: scalelogUrl() });
        expect(list.json()).toMatchObject({ total_number: 0, bandwidths: [] });
      },
    );

    it("lists the project's bandwidths newest first, paged by start_number and limit", async () => {
      const api = await openTestApi(backend);
      const created: WireBandwidth[] = [];
      for (const name of ['a', 'b', 'c']) {
        created.push(await create(api, { name }));
        api.clock.advance(1000);
      }
      await create(api, { name: 'elsewhere' }, otherProject);
      const [a, b, c] = created;
      const page = async (query: string): Promise<unknown> => {
        const res = await api.inject({ method: 'GET', url: `${scalelogUrl()}${query}` });
        expect(res.statusCode, res.body).toBe(200);
        return res.json();
      };
      expect(await page('')).toStrictEqual({
        total_number: 3,
        start_number: 0,
        limit: 20,
        bandwidths: [c, b, a],
      });
      expect(await page('?start_number=1&limit=1')).toStrictEqual({
        total_number: 3,
        start_number: 1,
        limit: 1,
        bandwidths: [b],
      });
      expect(await page('?start_number=2')).toMatchObject({ bandwidths: [a] });
      expect(await page('?limit=0')).toStrictEqual({
        total_number: 3,
        start_number: 0,
        limit: 0,
        bandwidths: [],
      });
      expect(await page('?start_number=3')).toMatchObject({ total_number: 3, bandwidths: [] });

      const bad = (query: string) => api.inject({ method: 'GET', url: `${scalelogUrl()}${query}` });
      expect(expectAsError(await bad('?start_number=-1'), 400, 'AS.1001')).toContain('"-1"');
      expect(expectAsError(await bad('?limit=101'), 400, 'AS.1002')).toContain('"101"');
      expect(expectAsError(await bad('?limit=1&limit=2'), 400, 'AS.0022')).toBe(
        'Parameter limit is given more than once; give it at most once.',
      );
    });

    it('updates name and size at the VPC path: 200 with the updated bandwidth, kept', async () => {
      const api = await openTestApi(backend);
      const bw = await create(api, { max_size: 300 });
      const before = vpcPart(bw);

      const res = await put(api, bw.id, { bandwidth: { name: 'bandwidth123', size: 20 } });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
      const expected = { ...before, name: 'bandwidth123', size: 20 };
      expect(res.json()).toStrictEqual({ bandwidth: expected });
      expect(await show(api, bw.id)).toStrictEqual(expected);

      // One field at a time; the other stays.
      await put(api, bw.id, { bandwidth: { size: 25 } });
      expect(await show(api, bw.id)).toMatchObject({ name: 'bandwidth123', size: 25 });
      await put(api, bw.id, { bandwidth: { name: 'renamed' } });
      expect(await show(api, bw.id)).toMatchObject({ name: 'renamed', size: 25 });
      // The bounds are Scalelog's: the list still shows them.
      const list = await api.inject({ method: 'GET', url: scalelogUrl() });
      expect(list.json()).toMatchObject({
        bandwidths: [{ id: bw.id, size: 25, min_size: 1, max_size: 300 }],
      });
    });

    it('coerces size as the VPC does: decimals and numeric strings become integers', async () => {
      const api = await openTestApi(backend);
      const bw = await create(api, { size: 10 });
      const cases: readonly (readonly [unknown, number])[] = [
        [12.9, 12],
        ['15', 15],
        ['16.7', 16],
        [1.2, 1],
        ['2000', 2000],
      ];
      for (const [size, becomes] of cases) {
        const res = await put(api, bw.id, { bandwidth: { size } });
        expect(res.statusCode, `${JSON.stringify(size)}: ${res.body}`).toBe(200);
        expect(res.json<{ bandwidth: WireBandwidth }>().bandwidth.size).toBe(becomes);
        expect((await show(api, bw.id)).size).toBe(becomes);
      }
    });

    it("takes the VPC's optional parts: an empty name, charge_mode bandwidth, a charset", async () => {
      const api = await openTestApi(backend);
      const bw = await create(api, { name: 'keep' });
      // An empty name means unchanged (research §4.2), alone or with a size.
      const empty = await put(api, bw.id, { bandwidth: { name: '' } });
      expect(empty.statusCode, empty.body).toBe(200);
      expect(empty.json()).toStrictEqual({ bandwidth: vpcPart(bw) });
      const withSize = await put(api, bw.id, {
        bandwidth: { name: '', size: 11, charge_mode: 'bandwidth' },
      });
      expect(withSize.json()).toMatchObject({ bandwidth: { name: 'keep', size: 11 } });
      // The SDK's content type.
      const sdk = await api.inject({
        method: 'PUT',
        url: vpcUrl(bw.id),
        headers: { 'content-type': 'application/json;charset=UTF-8' },
        payload: JSON.stringify({ bandwidth: { size: 12 } }),
      });
      expect(sdk.statusCode, sdk.body).toBe(200);
      expect((await show(api, bw.id)).size).toBe(12);
    });

    it.each(updateRefusals)(
      'refuses an update with %s: 400 AS.0022, the bandwidth unchanged',
      async (_what, body, message) => {
        const api = await openTestApi(backend);
        const bw = await create(api);
        expect(expectAsError(await put(api, bw.id, body), 400, 'AS.0022')).toBe(message);
        expect(await show(api, bw.id)).toStrictEqual(vpcPart(bw));
      },
    );

    it("refuses a size outside the bandwidth's own bounds, naming them", async () => {
      const api = await openTestApi(backend);
      const bw = await create(api, { size: 10, min_size: 5, max_size: 20 });
      for (const [size, shown] of [
        [21, '21'],
        ['4.9', '4'],
      ] as const) {
        const res = await put(api, bw.id, { bandwidth: { name: 'changed', size } });
        expect(expectAsError(res, 400, 'AS.0022')).toBe(
          `bandwidth.size ${shown} is outside this bandwidth's range [5, 20] Mbit/s (its min_size and max_size, set when it was created).`,
        );
      }
      // Nothing of a refused update is written, the name included.
      expect(await show(api, bw.id)).toMatchObject({ name: 'bw-1', size: 10 });
      const edge = await put(api, bw.id, { bandwidth: { size: 20 } });
      expect(edge.json()).toMatchObject({ bandwidth: { size: 20 } });
    });

    it('answers an unknown bandwidth with 404 AS.0007 on every route', async () => {
      const api = await openTestApi(backend);
      const id = randomUUID();
      const message = `The requested resource [bandwidth "${id}"] could not be found.`;
      expect(
        expectAsError(await api.inject({ method: 'GET', url: vpcUrl(id) }), 404, 'AS.0007'),
      ).toBe(message);
      expect(expectAsError(await put(api, id, { bandwidth: { size: 10 } }), 404, 'AS.0007')).toBe(
        message,
      );
      const del = await api.inject({ method: 'DELETE', url: `${scalelogUrl()}/${id}` });
      expect(expectAsError(del, 404, 'AS.0007')).toBe(message);
      // A bad body is a 400 for what it is, before the bandwidth is looked up.
      expectAsError(await put(api, id, { bandwidth: {} }), 400, 'AS.0022');
    });

    it('needs credentials at the VPC paths too', async () => {
      const api = await openTestApi(backend);
      const bw = await create(api);
      const res = await api.inject({ method: 'GET', url: vpcUrl(bw.id) }, 'anonymous');
      expect(expectGatewayError(res, 401, 'APIGW.0301')).toMatch(
        /^Incorrect IAM authentication information: /,
      );
    });

    it('keeps projects apart: another credential is 403, another project cannot see it', async () => {
      const api = await openTestApi(backend);
      const bw = await create(api, { size: 10 });
      const other = await as(api, otherProject);

      // A's paths with B's credential: 403 AS.0011 on every route.
      const refusals = [
        await api.inject({ method: 'GET', url: vpcUrl(bw.id) }, other),
        await put(api, bw.id, { bandwidth: { size: 50 } }, project, other),
        await api.inject({ method: 'GET', url: scalelogUrl() }, other),
        await post(api, { bandwidth: ok }, project, other),
        await api.inject({ method: 'DELETE', url: `${scalelogUrl()}/${bw.id}` }, other),
      ];
      for (const res of refusals) expectAsError(res, 403, 'AS.0011');

      // B's paths with B's credential: A's bandwidth does not exist there.
      const get = await api.inject({ method: 'GET', url: vpcUrl(bw.id, otherProject) }, other);
      expectAsError(get, 404, 'AS.0007');
      expectAsError(
        await put(api, bw.id, { bandwidth: { size: 50 } }, otherProject, other),
        404,
        'AS.0007',
      );
      const del = await api.inject(
        { method: 'DELETE', url: `${scalelogUrl(otherProject)}/${bw.id}` },
        other,
      );
      expectAsError(del, 404, 'AS.0007');
      const list = await api.inject({ method: 'GET', url: scalelogUrl(otherProject) }, other);
      expect(list.json()).toStrictEqual({
        total_number: 0,
        start_number: 0,
        limit: 20,
        bandwidths: [],
      });

      // A's bandwidth is as it was.
      expect(await show(api, bw.id)).toStrictEqual(vpcPart(bw));
    });

    it('deletes a bandwidth only when no policy targets it and no execution is under way', async () => {
      const api = await openTestApi(backend);
      const bw = await create(api);
      const url = `${scalelogUrl()}/${bw.id}`;
      const p1 = bandwidthPolicy(api, bw.id);
      const p2 = bandwidthPolicy(api, bw.id);
      await api.store.resourceSession(async (tx) => {
        await tx.policies.insert(p1);
        await tx.policies.insert(p2);
      });
      const two = await api.inject({ method: 'DELETE', url });
      expect(expectAsError(two, 409, 'AS.0003')).toBe(
        `The bandwidth "${bw.id}" is in use: 2 scaling policies target it. Delete those policies first.`,
      );
      await api.store.resourceSession((tx) => tx.policies.delete(project, p1.id));
      const one = await api.inject({ method: 'DELETE', url });
      expect(expectAsError(one, 409, 'AS.0003')).toBe(
        `The bandwidth "${bw.id}" is in use: 1 scaling policy targets it. Delete that policy first.`,
      );
      expect(await show(api, bw.id)).toStrictEqual(vpcPart(bw));

      // An execution under way (of a policy since deleted) holds it too.
      await api.store.resourceSession(async (tx) => {
        await tx.policies.delete(project, p2.id);
        await tx.executions.insert({
          logId: randomUUID(),
          projectId: project,
          policyId: p2.id,
          resourceType: 'BANDWIDTH',
          resourceId: bw.id,
          settlesAt: api.clock.now() + 60_000,
        });
      });
      const running = await api.inject({ method: 'DELETE', url });
      expect(expectAsError(running, 409, 'AS.0003')).toBe(
        `The bandwidth "${bw.id}" is in use: an execution of policy ${p2.id} is under way on it. Wait for it to finish.`,
      );
      await api.store.resourceSession(async (tx) => {
        const pending = await tx.executions.ofResource('BANDWIDTH', bw.id);
        if (pending !== undefined) await tx.executions.take(pending.logId);
      });

      const done = await api.inject({ method: 'DELETE', url });
      expect(done.statusCode, done.body).toBe(204);
      expect(done.body).toBe('');
      expectAsError(await api.inject({ method: 'GET', url: vpcUrl(bw.id) }), 404, 'AS.0007');
      const list = await api.inject({ method: 'GET', url: scalelogUrl() });
      expect(list.json()).toMatchObject({ total_number: 0, bandwidths: [] });
      expectAsError(await api.inject({ method: 'DELETE', url }), 404, 'AS.0007');
    });

    it('is resized by a bandwidth policy: the VPC path and the job record show the same bandwidth', async () => {
      const api = await openTestApi(backend);
      const bw = await create(api, { size: 10, eip_id: 'eip-1', eip_address: '192.0.2.10' });
      const p = bandwidthPolicy(api, bw.id);
      await api.store.resourceSession((tx) => tx.policies.insert(p));

      const engine = policyEngine(api.store, testConfig(), api.clock.now);
      const outcome = await engine.execute(project, p.id);
      expect(outcome?.status).toBe('EXECUTING');

      const after = await show(api, bw.id);
      expect(after).toStrictEqual({ ...vpcPart(bw), size: 15 });

      const logs = await api.inject({ method: 'GET', url: logsPath(project, p.id) });
      expect(logs.statusCode, logs.body).toBe(200);
      const page = logs.json<{
        total_number: number;
        scaling_policy_execute_log: {
          status: string;
          old_value: string;
          desire_value: string;
          limit_value: string;
          scaling_resource_type: string;
          scaling_resource_id: string;
          meta_data: Record<string, string>;
          job_records: { record_type: string; code: string; response: string }[];
        }[];
      }>();
      expect(page.total_number).toBe(1);
      const [log] = page.scaling_policy_execute_log;
      expect(log).toMatchObject({
        status: 'SUCCESS',
        scaling_resource_type: 'BANDWIDTH',
        scaling_resource_id: bw.id,
        old_value: '10',
        desire_value: '15',
        limit_value: '20',
        meta_data: {
          metadata_bandwidth_share_type: 'PER',
          metadata_eip_id: 'eip-1',
          metadataeip_address: '192.0.2.10',
        },
      });
      const [record] = log?.job_records ?? [];
      expect(record).toMatchObject({ record_type: 'API', code: '200' });
      expect(JSON.parse(record?.response ?? 'null')).toStrictEqual({ bandwidth: after });

      // The next resize stops at the policy's limit, 20 Mbit/s; then the bandwidth is at it.
      api.clock.advance(301_000);
      await engine.execute(project, p.id);
      expect((await show(api, bw.id)).size).toBe(20);
    });
  });
}
