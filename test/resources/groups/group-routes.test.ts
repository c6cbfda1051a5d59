import { describe, expect, it } from 'vitest';
import { testBackends } from '../../support/backends.js';
import { expectAsError, openTestApi, project } from '../../support/api-harness.js';
import type { TestApi } from '../../support/api-harness.js';
import { createTestConfiguration } from '../../support/test-configuration.js';

const groupsUrl = (projectId = project): string => `/autoscaling-api/v1/${projectId}/scaling_group`;
const json = { 'content-type': 'application/json' };

/** The smallest body the cloud accepts: a name, a VPC and one subnet. */
const minimalGroup = {
  scaling_group_name: 'web_tier-1',
  vpc_id: 'a8327883-6b07-4497-9c61-68d03ee193a1',
  networks: [{ id: '3cd35bca-5a10-416f-8994-f79169559870' }],
};

async function send(
  api: TestApi,
  method: 'POST' | 'PUT' | 'DELETE' | 'GET',
  url: string,
  body?: unknown,
) {
  return api.inject({
    method,
    url,
    ...(body === undefined ? {} : { headers: json, payload: JSON.stringify(body) }),
  });
}

async function createGroup(api: TestApi, body: Record<string, unknown> = {}): Promise<string> {
  const res = await send(api, 'POST', groupsUrl(), { ...minimalGroup, ...body });
  expect(res.statusCode, res.body).toBe(200);
  const reply = res.json<{ scaling_group_id: string }>();
  expect(Object.keys(reply)).toEqual(['scaling_group_id']);
  return reply.scaling_group_id;
}

async function resume(api: TestApi, id: string): Promise<void> {
  const res = await send(api, 'POST', `${groupsUrl()}/${id}/action`, { action: 'resume' });
  expect(res.statusCode, res.body).toBe(204);
}

async function showGroup(api: TestApi, id: string): Promise<Record<string, unknown>> {
  const res = await send(api, 'GET', `${groupsUrl()}/${id}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json<{ scaling_group: Record<string, unknown> }>().scaling_group;
}

for (const backend of testBackends) {
  describe.skipIf(!backend.available)(`scaling group API: ${backend.name}`, () => {
    it('creates a group PAUSED with the cloud defaults and shows every field', async () => {
      const api = await openTestApi(backend);
      const id = await createGroup(api);
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      const created = new Date(Math.floor(api.clock.now() / 1000) * 1000)
        .toISOString()
        .replace('.000Z', 'Z');
      expect(await showGroup(api, id)).toStrictEqual({
        scaling_group_name: 'web_tier-1',
        scaling_group_id: id,
        scaling_group_status: 'PAUSED',
        scaling_configuration_id: null,
        scaling_configuration_name: null,
        current_instance_number: 0,
        desire_instance_number: 0,
        min_instance_number: 0,
        max_instance_number: 0,
        cool_down_time: 300,
        lb_listener_id: null,
        lbaas_listeners: [],
        available_zones: [],
        networks: minimalGroup.networks,
        security_groups: [],
        create_time: created,
        vpc_id: minimalGroup.vpc_id,
        detail: null,
        is_scaling: false,
        health_periodic_audit_method: 'NOVA_AUDIT',
        health_periodic_audit_time: 5,
        health_periodic_audit_grace_period: 600,
        instance_terminate_policy: 'OLD_CONFIG_OLD_INSTANCE',
        notifications: null,
        delete_publicip: false,
        delete_volume: false,
        enterprise_project_id: '0',
        multi_az_priority_policy: 'EQUILIBRIUM_DISTRIBUTE',
        iam_agency_name: null,
        description: null,
        tags: null,
      });
    });

    it('keeps the fields the cloud accepts and returns them as sent', async () => {
      const api = await openTestApi(backend);
      const extra = {
        scaling_configuration_id: await createTestConfiguration(api),
        available_zones: ['az-1a', 'az-1b'],
        networks: [
          { id: 'n-1', ipv6_enable: false, allowed_address_pairs: [{ ip_address: '1.1.1.1/0' }] },
          { id: 'n-2' },
        ],
        security_groups: [{ id: 'sg-1' }],
        lbaas_listeners: [{ pool_id: 'p-1', protocol_port: 80, weight: 1 }],
        health_periodic_audit_method: 'ELB_AUDIT',
        health_periodic_audit_time: 0,
        health_periodic_audit_grace_period: 120,
        instance_terminate_policy: 'NEW_INSTANCE',
        delete_publicip: true,
        enterprise_project_id: 'c92b1a5d-6f20-43f2-b1b7-7ce35e58e413',
        multi_az_priority_policy: 'PICK_FIRST',
        description: '前端 servers',
        tags: [{ key: 'team', value: 'web' }],
      };
      const id = await createGroup(api, extra);
      expect(await showGroup(api, id)).toMatchObject(extra);
    });

    it('follows the desired number after the settle delay, once resumed', async () => {
      const api = await openTestApi(backend, { config: { instanceSettleMs: 60_000 } });
      const id = await createGroup(api, {
        scaling_configuration_id: await createTestConfiguration(api),
        min_instance_number: 1,
        max_instance_number: 4,
        desire_instance_number: 2,
      });
      // Paused: nothing is built yet.
      expect(await showGroup(api, id)).toMatchObject({
        desire_instance_number: 2,
        current_instance_number: 0,
        is_scaling: false,
      });
      await resume(api, id);
      expect(await showGroup(api, id)).toMatchObject({
        current_instance_number: 0,
        is_scaling: true,
      });
      api.clock.advance(60_000);
      expect(await showGroup(api, id)).toMatchObject({
        current_instance_number: 2,
        is_scaling: false,
      });
      const put = await send(api, 'PUT', `${groupsUrl()}/${id}`, { desire_instance_number: 3 });
      expect(put.statusCode, put.body).toBe(200);
      expect(put.json()).toStrictEqual({ scaling_group_id: id });
      expect(await showGroup(api, id)).toMatchObject({
        desire_instance_number: 3,
        current_instance_number: 2,
        is_scaling: true,
      });
      api.clock.advance(60_000);
      expect((await showGroup(api, id)).current_instance_number).toBe(3);
      // A paused group keeps its instances; a new desired number waits for the resume.
      await send(api, 'POST', `${groupsUrl()}/${id}/action`, { action: 'pause' });
      await send(api, 'PUT', `${groupsUrl()}/${id}`, { desire_instance_number: 1 });
      expect(await showGroup(api, id)).toMatchObject({
        desire_instance_number: 1,
        current_instance_number: 3,
        is_scaling: false,
      });
      await resume(api, id);
      api.clock.advance(60_000);
      expect((await showGroup(api, id)).current_instance_number).toBe(1);
    });

    it('a group without a configuration exists and resumes, but builds no instances', async () => {
      const api = await openTestApi(backend, { config: { instanceSettleMs: 0 } });
      const id = await createGroup(api, { max_instance_number: 3, desire_instance_number: 2 });
      await resume(api, id);
      expect(await showGroup(api, id)).toMatchObject({
        scaling_group_status: 'INSERVICE',
        desire_instance_number: 2,
        current_instance_number: 0,
        is_scaling: false,
      });
      const activities = await api.store.resourceRead((tx) =>
        tx.activities.list(project, id, {}, { startNumber: 0, limit: 10 }, api.clock.now()),
      );
      expect(activities.activities).toHaveLength(1);
      expect(activities.activities[0]).toMatchObject({
        status: 'FAIL',
        type: 'DIFF',
        scalingValue: 0,
      });
      expect(activities.activities[0]?.description).toContain('No AS configuration');
      // Given a configuration, the group builds the instances it desires at once.
      const put = await send(api, 'PUT', `${groupsUrl()}/${id}`, {
        scaling_configuration_id: await createTestConfiguration(api),
      });
      expect(put.statusCode, put.body).toBe(200);
      expect(await showGroup(api, id)).toMatchObject({ current_instance_number: 2 });
    });

    it('updates names, bounds and cooldown, checking the bounds on the result', async () => {
      const api = await openTestApi(backend);
      const id = await createGroup(api, { max_instance_number: 5 });
      const put = await send(api, 'PUT', `${groupsUrl()}/${id}`, {
        scaling_group_name: 'renamed',
        min_instance_number: 1,
        desire_instance_number: 1,
        cool_down_time: 60,
        description: 'now',
      });
      expect(put.statusCode, put.body).toBe(200);
      expect(await showGroup(api, id)).toMatchObject({
        scaling_group_name: 'renamed',
        min_instance_number: 1,
        max_instance_number: 5,
        desire_instance_number: 1,
        cool_down_time: 60,
        description: 'now',
        vpc_id: minimalGroup.vpc_id,
      });
      const outside = await send(api, 'PUT', `${groupsUrl()}/${id}`, { max_instance_number: 0 });
      expect(expectAsError(outside, 400, 'AS.2004')).toContain(
        'min_instance_number 1 is greater than max_instance_number 0',
      );
      const vpc = await send(api, 'PUT', `${groupsUrl()}/${id}`, { vpc_id: 'other' });
      expect(expectAsError(vpc, 400, 'AS.0022')).toContain('"vpc_id"');
      expect((await showGroup(api, id)).max_instance_number).toBe(5);
    });

    it.each([
      ['no name', { scaling_group_name: undefined }, 'AS.2002', 'scaling_group_name'],
      ['a long name', { scaling_group_name: 'x'.repeat(65) }, 'AS.2003', 'at most 64'],
      ['a bad name', { scaling_group_name: 'web tier' }, 'AS.2022', 'web tier'],
      [
        'min above max',
        { min_instance_number: 3, max_instance_number: 2 },
        'AS.2004',
        'greater than',
      ],
      ['a negative max', { max_instance_number: -1 }, 'AS.2004', 'max_instance_number -1'],
      ['a fractional min', { min_instance_number: 1.5 }, 'AS.2004', 'min_instance_number 1.5'],
      [
        'desire above max',
        { max_instance_number: 2, desire_instance_number: 3 },
        'AS.2005',
        'outside [0, 2]',
      ],
      ['a long cooldown', { cool_down_time: 86_401 }, 'AS.2006', '0 to 86400'],
      ['no VPC', { vpc_id: undefined }, 'AS.2017', 'vpc_id'],
      ['no networks', { networks: undefined }, 'AS.2013', 'networks'],
      ['a network without id', { networks: [{}] }, 'AS.2013', 'subnet "id"'],
      [
        'six networks',
        { networks: Array.from({ length: 6 }, (_, i) => ({ id: `n${String(i)}` })) },
        'AS.2024',
        'at most 5',
      ],
      [
        'two security groups',
        { security_groups: [{ id: 'a' }, { id: 'b' }] },
        'AS.2025',
        'at most 1',
      ],
      [
        'both listener kinds',
        { lb_listener_id: 'l-1', lbaas_listeners: [{ pool_id: 'p' }] },
        'AS.2026',
        'not both',
      ],
      [
        'a bad audit method',
        { health_periodic_audit_method: 'PING' },
        'AS.2029',
        'ELB_AUDIT or NOVA_AUDIT',
      ],
      [
        'a bad audit period',
        { health_periodic_audit_time: 2 },
        'AS.2031',
        '0, 1, 5, 15, 60 or 180',
      ],
      ['a bad removal policy', { instance_terminate_policy: 'RANDOM' }, 'AS.2032', 'NEW_INSTANCE'],
      ['a bad grace period', { health_periodic_audit_grace_period: -1 }, 'AS.2046', '0 to 86400'],
      ['a bad AZ policy', { multi_az_priority_policy: 'ANY' }, 'AS.2053', 'PICK_FIRST'],
      ['a wrong type', { delete_publicip: 'yes' }, 'AS.0022', 'delete_publicip must be a boolean'],
      ['an unknown field', { colour: 'blue' }, 'AS.0022', '"colour"'],
    ])('refuses %s with its code', async (_case, change, code, says) => {
      const api = await openTestApi(backend);
      const body: Record<string, unknown> = { ...minimalGroup, ...change };
      for (const [k, v] of Object.entries(body))
        if (v === undefined) Reflect.deleteProperty(body, k);
      const res = await send(api, 'POST', groupsUrl(), body);
      expect(expectAsError(res, 400, code)).toContain(says);
      const list = await send(api, 'GET', groupsUrl());
      expect(list.json<{ total_number: number }>().total_number).toBe(0);
    });

    it('quotes a number too large for a double as it was sent, not as null', async () => {
      const api = await openTestApi(backend);
      const payload = JSON.stringify({ ...minimalGroup, max_instance_number: 7, name: 'x1e999' })
        .replace('"max_instance_number":7', '"max_instance_number":-2E+400')
        .replace('"name":"x1e999"', '"cool_down_time":1e309');
      const res = await api.inject({ method: 'POST', url: groupsUrl(), headers: json, payload });
      expect(expectAsError(res, 400, 'AS.2004')).toContain(
        'Got max_instance_number -2E+400: expected an integer',
      );
      const cooldown = await api.inject({
        method: 'POST',
        url: groupsUrl(),
        headers: json,
        payload: JSON.stringify({ ...minimalGroup, cool_down_time: 5 }).replace('5}', '1e309}'),
      });
      expect(expectAsError(cooldown, 400, 'AS.2006')).toContain('Got cool_down_time 1e309:');
    });

    it('refuses a body that is missing, not JSON, or not an object', async () => {
      const api = await openTestApi(backend);
      expectAsError(
        await api.inject({ method: 'POST', url: groupsUrl(), headers: json, payload: 'null' }),
        400,
        'AS.0002',
      );
      expectAsError(
        await api.inject({ method: 'POST', url: groupsUrl(), headers: json, payload: '{"a":' }),
        400,
        'AS.0022',
      );
      expectAsError(
        await api.inject({ method: 'POST', url: groupsUrl(), headers: json, payload: '[1]' }),
        400,
        'AS.0022',
      );
    });

    it('lists newest first, filtered and paged', async () => {
      const api = await openTestApi(backend);
      const ids: string[] = [];
      const cfg = await createTestConfiguration(api, 'cfg');
      const cfgB = await createTestConfiguration(api, 'cfg-b');
      for (const name of ['a', 'b', 'c']) {
        ids.push(
          await createGroup(api, {
            scaling_group_name: name,
            scaling_configuration_id: name === 'b' ? cfgB : cfg,
          }),
        );
        api.clock.advance(1000);
      }
      const list = async (query: string) => {
        const res = await send(api, 'GET', `${groupsUrl()}${query}`);
        expect(res.statusCode, res.body).toBe(200);
        const body = res.json<{
          total_number: number;
          start_number: number;
          limit: number;
          scaling_groups: { scaling_group_id: string }[];
        }>();
        return { ...body, ids: body.scaling_groups.map((g) => g.scaling_group_id) };
      };
      expect(await list('')).toMatchObject({
        total_number: 3,
        start_number: 0,
        limit: 20,
        ids: [...ids].reverse(),
      });
      expect(await list('?start_number=1&limit=1')).toMatchObject({
        total_number: 3,
        start_number: 1,
        limit: 1,
        ids: [ids[1]],
      });
      expect(await list('?scaling_group_name=c')).toMatchObject({ total_number: 1, ids: [ids[2]] });
      expect(await list(`?scaling_configuration_id=${cfgB}`)).toMatchObject({
        total_number: 1,
        ids: [ids[1]],
      });
      expect(await list('?scaling_group_status=INSERVICE')).toMatchObject({
        total_number: 0,
        ids: [],
      });
      expect(await list('?limit=0')).toMatchObject({ total_number: 3, ids: [] });
      expectAsError(await send(api, 'GET', `${groupsUrl()}?limit=101`), 400, 'AS.1002');
      expectAsError(await send(api, 'GET', `${groupsUrl()}?start_number=-1`), 400, 'AS.1001');
      expect(
        expectAsError(
          await send(api, 'GET', `${groupsUrl()}?start_number=1000000000000000`),
          400,
          'AS.1001',
        ),
      ).toBe(
        'The value of parameter Start number is invalid. Got "1000000000000000": expected an integer from 0 to 999999999999999.',
      );
      expectAsError(
        await send(api, 'GET', `${groupsUrl()}?scaling_group_status=ON`),
        400,
        'AS.0022',
      );
    });

    it('resumes and pauses', async () => {
      const api = await openTestApi(backend);
      const id = await createGroup(api);
      const action = (body: unknown) => send(api, 'POST', `${groupsUrl()}/${id}/action`, body);
      const resumed = await action({ action: 'resume' });
      expect(resumed.statusCode, resumed.body).toBe(204);
      expect(resumed.body).toBe('');
      expect((await showGroup(api, id)).scaling_group_status).toBe('INSERVICE');
      expect((await action({ action: 'resume' })).statusCode).toBe(204);
      expect((await action({ action: 'pause' })).statusCode).toBe(204);
      expect((await showGroup(api, id)).scaling_group_status).toBe('PAUSED');
      expect(expectAsError(await action({ action: 'start' }), 400, 'AS.2008')).toContain('"start"');
    });

    it('refuses an action body that is not one known action, saying what was sent', async () => {
      const api = await openTestApi(backend);
      const id = await createGroup(api);
      const action = (body: unknown) => send(api, 'POST', `${groupsUrl()}/${id}/action`, body);
      const before = (await showGroup(api, id)).scaling_group_status;
      expect(expectAsError(await action({}), 400, 'AS.2008')).toContain('Got action "undefined":');
      expect(expectAsError(await action({ action: null }), 400, 'AS.2008')).toContain(
        'Got action "null":',
      );
      expect(expectAsError(await action({ action: 5 }), 400, 'AS.2008')).toContain(
        'Got action "5":',
      );
      expect(expectAsError(await action({ action: 'pause', why: 1 }), 400, 'AS.0022')).toBe(
        'Unsupported parameter "why" in a scaling group action; accepted: action.',
      );
      expect(expectAsError(await action([]), 400, 'AS.0022')).toContain('must be a JSON object');
      expect((await showGroup(api, id)).scaling_group_status).toBe(before);
    });

    it('answers 400 AS.2007 for a group that does not exist, on every path', async () => {
      const api = await openTestApi(backend);
      const missing = `${groupsUrl()}/00000000-0000-4000-8000-000000000009`;
      for (const res of [
        await send(api, 'GET', missing),
        await send(api, 'PUT', missing, { cool_down_time: 1 }),
        await send(api, 'DELETE', missing),
        await send(api, 'POST', `${missing}/action`, { action: 'pause' }),
      ]) {
        expect(expectAsError(res, 400, 'AS.2007')).toContain(
          '00000000-0000-4000-8000-000000000009',
        );
      }
    });

    it('deletes an empty group; one with instances only with force_delete=yes, and its policies go with it', async () => {
      const api = await openTestApi(backend);
      const empty = await createGroup(api);
      const del = await send(api, 'DELETE', `${groupsUrl()}/${empty}`);
      expect(del.statusCode, del.body).toBe(204);
      expectAsError(await send(api, 'GET', `${groupsUrl()}/${empty}`), 400, 'AS.2007');

      const busy = await createGroup(api, {
        scaling_configuration_id: await createTestConfiguration(api),
        max_instance_number: 3,
        desire_instance_number: 2,
      });
      await resume(api, busy);
      await api.store.resourceSession((tx) =>
        tx.policies.insert({
          id: '00000000-0000-4000-8000-0000000000aa',
          projectId: project,
          name: 'p',
          resourceType: 'SCALING_GROUP',
          resourceId: busy,
          policyType: 'ALARM',
          alarmId: 'al-1',
          action: { operation: 'ADD', number: 1 },
          coolDownSeconds: 300,
          status: 'INSERVICE',
          createTime: api.clock.now(),
        }),
      );
      expect(
        expectAsError(await send(api, 'DELETE', `${groupsUrl()}/${busy}`), 400, 'AS.2021'),
      ).toContain('2 instances');
      expectAsError(
        await send(api, 'DELETE', `${groupsUrl()}/${busy}?force_delete=maybe`),
        400,
        'AS.2019',
      );
      expect(
        (await send(api, 'DELETE', `${groupsUrl()}/${busy}?force_delete=yes`)).statusCode,
      ).toBe(204);
      const policy = await api.store.resourceRead((tx) =>
        tx.policies.get(project, '00000000-0000-4000-8000-0000000000aa'),
      );
      expect(policy).toBeUndefined();
      // Its instances went with it, and the servers it built from its configuration too.
      const left = await api.store.resourceRead(async (tx) => ({
        instances: await tx.instances.ofGroup(project, busy),
        servers: await tx.servers.list(project, { startNumber: 0, limit: 10 }, api.clock.now()),
      }));
      expect(left.instances).toEqual([]);
      expect(left.servers.total).toBe(0);
    });

    it("keeps projects apart: another project's credential is refused, and its paths see nothing", async () => {
      const api = await openTestApi(backend);
      const id = await createGroup(api);
      const other = 'ffffffffffffffffffffffffffffffff';
      const asOther = { credential: await api.credentialFor(other), projectHeader: false };
      const refused = await api.inject({ method: 'GET', url: `${groupsUrl()}/${id}` }, asOther);
      expectAsError(refused, 403, 'AS.0011');
      expectAsError(
        await api.inject({ method: 'GET', url: `${groupsUrl(other)}/${id}` }),
        400,
        'AS.2007',
      );
      const list = await api.inject({ method: 'GET', url: groupsUrl(other) });
      expect(list.json<{ total_number: number }>().total_number).toBe(0);
    });
  });
}
