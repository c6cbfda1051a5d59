import type { LightMyRequestResponse } from 'fastify';
import { describe, expect, it } from 'vitest';
import { testBackends } from '../../support/backends.js';
import { expectAsError, openTestApi, project, uuidPattern } from '../../support/api-harness.js';
import type { SendAs, TestApi } from '../../support/api-harness.js';

const otherProject = '9b7e35ad379141fc9df3e178bd64f55c';
const json = { 'content-type': 'application/json' };

const configsUrl = (projectId = project): string =>
  `/autoscaling-api/v1/${projectId}/scaling_configuration`;
const batchUrl = (projectId = project): string =>
  `/autoscaling-api/v1/${projectId}/scaling_configurations`;
const groupsUrl = (projectId = project): string => `/autoscaling-api/v1/${projectId}/scaling_group`;

/** The reference's create example. */
export const exampleConfig = {
  scaling_configuration_name: 'as-config-tlzq',
  instance_config: {
    flavorRef: 's3.xlarge.4',
    imageRef: '627a1223-2ca3-46a7-8d5f-7aef22c74ee6',
    disk: [{ size: 40, volume_type: 'SATA', disk_type: 'SYS' }],
    key_name: '100vm_key',
    security_groups: [{ id: '6c22a6c0-b5d2-4a84-ac56-51090dcc33be' }],
    multi_flavor_priority_policy: 'PICK_FIRST',
  },
};

/** The time as the wire shows it, from a Unix ms time on a whole second. */
const wireTime = (ms: number): string => new Date(ms).toISOString().replace('.000Z', 'Z');

function send(
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

async function create(
  api: TestApi,
  body: Record<string, unknown> = exampleConfig,
  projectId = project,
): Promise<string> {
  const res = await send(api, 'POST', configsUrl(projectId), body);
  expect(res.statusCode, res.body).toBe(200);
  const reply = res.json<{ scaling_configuration_id: string }>();
  expect(Object.keys(reply)).toEqual(['scaling_configuration_id']);
  expect(reply.scaling_configuration_id).toMatch(uuidPattern);
  return reply.scaling_configuration_id;
}

const named = (name: string, imageRef = exampleConfig.instance_config.imageRef) => ({
  scaling_configuration_name: name,
  instance_config: { ...exampleConfig.instance_config, imageRef },
});

async function show(api: TestApi, id: string): Promise<Record<string, unknown>> {
  const res = await send(api, 'GET', `${configsUrl()}/${id}`);
  expect(res.statusCode, res.body).toBe(200);
  const body = res.json<{ scaling_configuration: Record<string, unknown> }>();
  expect(Object.keys(body)).toEqual(['scaling_configuration']);
  return body.scaling_configuration;
}

interface ListBody {
  total_number: number;
  start_number: number;
  limit: number;
  scaling_configurations: { scaling_configuration_name: string }[];
}

async function list(api: TestApi, query = ''): Promise<ListBody> {
  const res = await send(api, 'GET', `${configsUrl()}${query}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json<ListBody>();
}

const names = (body: ListBody): string[] =>
  body.scaling_configurations.map((c) => c.scaling_configuration_name);

async function createGroupUsing(api: TestApi, configurationId: string): Promise<string> {
  const res = await send(api, 'POST', groupsUrl(), {
    scaling_group_name: 'web_tier-1',
    scaling_configuration_id: configurationId,
    vpc_id: 'a8327883-6b07-4497-9c61-68d03ee193a1',
    networks: [{ id: '3cd35bca-5a10-416f-8994-f79169559870' }],
  });
  expect(res.statusCode, res.body).toBe(200);
  return res.json<{ scaling_group_id: string }>().scaling_group_id;
}

for (const backend of testBackends) {
  describe.skipIf(!backend.available)(`the scaling configuration API on ${backend.name}`, () => {
    it('creates the reference example and shows it in the documented shape', async () => {
      const api = await openTestApi(backend);
      const id = await create(api);
      const created = wireTime(api.clock.now());
      api.clock.advance(60_000);
      const shown = await show(api, id);
      // toStrictEqual tells a missing key from one set to null, and 40 from "40".
      expect(shown).toStrictEqual({
        scaling_configuration_id: id,
        tenant: project,
        scaling_configuration_name: 'as-config-tlzq',
        instance_config: {
          flavorRef: 's3.xlarge.4',
          imageRef: '627a1223-2ca3-46a7-8d5f-7aef22c74ee6',
          disk: [{ size: 40, volume_type: 'SATA', disk_type: 'SYS' }],
          key_name: '100vm_key',
          key_fingerprint: null,
          instance_name: null,
          instance_id: null,
          adminPass: null,
          personality: null,
          public_ip: null,
          user_data: null,
          metadata: {},
          security_groups: [{ id: '6c22a6c0-b5d2-4a84-ac56-51090dcc33be' }],
          server_group_id: null,
          tenancy: null,
          dedicated_host_id: null,
          market_type: null,
          multi_flavor_priority_policy: 'PICK_FIRST',
          cpu_options: null,
        },
        create_time: created,
      });
    });

    it('keeps every instance field as sent, and never shows the password', async () => {
      const api = await openTestApi(backend);
      const instance = {
        flavorRef: 's3.large.2,s3.xlarge.2',
        imageRef: 'img-1',
        disk: [
          {
            size: 40,
            volume_type: 'SSD',
            disk_type: 'SYS',
            iops: 3000,
            throughput: 125,
          },
          {
            size: 100,
            volume_type: 'GPSSD',
            disk_type: 'DATA',
            data_disk_image_id: 'data-img',
            metadata: { __system__encrypted: '1', __system__cmkid: 'kms-1' },
          },
        ],
        personality: [{ path: '/etc/foo.txt', content: Buffer.from('hello').toString('base64') }],
        public_ip: {
          eip: {
            ip_type: '5_bgp',
            bandwidth: { size: 10, share_type: 'PER', charging_mode: 'traffic' },
          },
        },
        user_data: Buffer.from('#!/bin/bash\necho hi\n').toString('base64'),
        metadata: { admin_pass: 'Cloud_1234', team: 'web' },
        server_group_id: 'sg-1',
        tenancy: 'dedicated',
        dedicated_host_id: 'dh-1',
        multi_flavor_priority_policy: 'COST_FIRST',
        market_type: 'spot',
        cpu_options: { hw_cpu_threads: 2 },
      };
      const id = await create(api, {
        scaling_configuration_name: 'full',
        instance_config: instance,
      });
      const shown = (await show(api, id))['instance_config'] as Record<string, unknown>;
      expect(shown).toStrictEqual({
        ...instance,
        key_name: null,
        key_fingerprint: null,
        instance_name: null,
        instance_id: null,
        adminPass: '***',
        metadata: { team: 'web' },
        security_groups: null,
      });
      expect(JSON.stringify(await list(api))).not.toContain('Cloud_1234');
    });

    it('makes a configuration from an ECS: the fields the ECS replaces are not kept', async () => {
      const api = await openTestApi(backend);
      const id = await create(api, {
        scaling_configuration_name: 'from-ecs',
        instance_config: {
          instance_id: 'ecs-1',
          flavorRef: 'ignored',
          key_name: 'kp',
        },
      });
      const shown = (await show(api, id))['instance_config'] as Record<string, unknown>;
      expect(shown['instance_id']).toBe('ecs-1');
      expect(shown['flavorRef']).toBeNull();
      expect(shown['key_name']).toBe('kp');
    });

    it('creates from a source configuration: sent fields replace its own, nulls keep them', async () => {
      const api = await openTestApi(backend);
      const source = await create(api);
      const id = await create(api, {
        source_scaling_configuration_id: source,
        instance_config: { imageRef: 'img-2', flavorRef: null },
      });
      const shown = await show(api, id);
      expect(shown['scaling_configuration_name']).toBe('as-config-tlzq');
      const ic = shown['instance_config'] as Record<string, unknown>;
      expect(ic['imageRef']).toBe('img-2');
      expect(ic['flavorRef']).toBe('s3.xlarge.4');
      expect(ic['disk']).toEqual(exampleConfig.instance_config.disk);

      const missing = await send(api, 'POST', configsUrl(), {
        source_scaling_configuration_id: 'no-such-config',
      });
      expectAsError(missing, 400, 'AS.1004');
    });

    it('lists newest first, by fuzzy name and by image, with paging', async () => {
      const api = await openTestApi(backend);
      for (const [name, image] of [
        ['web-a', 'img-1'],
        ['Web-b', 'img-2'],
        ['db-web', 'img-1'],
        ['cache', 'img-3'],
      ] as const) {
        await create(api, named(name, image));
        api.clock.advance(1000);
      }
      const all = await list(api);
      expect(all).toMatchObject({ total_number: 4, start_number: 0, limit: 20 });
      expect(names(all)).toEqual(['cache', 'db-web', 'Web-b', 'web-a']);
      // Fuzzy: contains, case counting.
      expect(names(await list(api, '?scaling_configuration_name=web'))).toEqual([
        'db-web',
        'web-a',
      ]);
      expect(names(await list(api, '?image_id=img-1'))).toEqual(['db-web', 'web-a']);
      expect(names(await list(api, '?scaling_configuration_name=web&image_id=img-2'))).toEqual([]);
      const page = await list(api, '?start_number=1&limit=2');
      expect(page).toMatchObject({ total_number: 4, start_number: 1, limit: 2 });
      expect(names(page)).toEqual(['db-web', 'Web-b']);
      expect(names(await list(api, '?limit=0'))).toEqual([]);

      expectAsError(await send(api, 'GET', `${configsUrl()}?start_number=-1`), 400, 'AS.1001');
      expectAsError(await send(api, 'GET', `${configsUrl()}?limit=101`), 400, 'AS.1002');
      expectAsError(await send(api, 'GET', `${configsUrl()}?limit=x`), 400, 'AS.1002');
    });

    it('updates the image, the one field the update takes', async () => {
      const api = await openTestApi(backend);
      const id = await create(api);
      const res = await send(api, 'PUT', `${configsUrl()}/${id}`, {
        instance_config: { imageRef: 'img-new' },
      });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toStrictEqual({ scaling_configuration_id: id });
      const ic = (await show(api, id))['instance_config'] as Record<string, unknown>;
      expect(ic['imageRef']).toBe('img-new');
      expect(ic['flavorRef']).toBe('s3.xlarge.4');
      expect(names(await list(api, '?image_id=img-new'))).toEqual(['as-config-tlzq']);

      const unknown = await send(api, 'PUT', `${configsUrl()}/nope`, {
        instance_config: { imageRef: 'img' },
      });
      expectAsError(unknown, 400, 'AS.1004');
      const noImage = await send(api, 'PUT', `${configsUrl()}/${id}`, { instance_config: {} });
      expectAsError(noImage, 400, 'AS.1014');
      const noConfig = await send(api, 'PUT', `${configsUrl()}/${id}`, {});
      expectAsError(noConfig, 400, 'AS.1011');
      const other = await send(api, 'PUT', `${configsUrl()}/${id}`, {
        instance_config: { imageRef: 'img', key_name: 'kp' },
      });
      expect(expectAsError(other, 400, 'AS.0022')).toContain('"key_name"');
    });

    it('deletes a configuration; an unknown one is AS.1004', async () => {
      const api = await openTestApi(backend);
      const id = await create(api);
      const res = await send(api, 'DELETE', `${configsUrl()}/${id}`);
      expect(res.statusCode, res.body).toBe(204);
      expect(res.body).toBe('');
      expectAsError(await send(api, 'GET', `${configsUrl()}/${id}`), 400, 'AS.1004');
      expectAsError(await send(api, 'DELETE', `${configsUrl()}/${id}`), 400, 'AS.1004');
    });

    it('refuses to delete a configuration a group uses (AS.1006) and shows the group', async () => {
      const api = await openTestApi(backend);
      const used = await create(api, named('used'));
      api.clock.advance(1000);
      const free = await create(api, named('free'));
      const groupId = await createGroupUsing(api, used);
      expect((await show(api, used))['scaling_group_id']).toBe(groupId);
      expect(await show(api, free)).not.toHaveProperty('scaling_group_id');
      const listed = (await list(api)).scaling_configurations as unknown as Record<
        string,
        unknown
      >[];
      expect(listed.map((c) => c['scaling_group_id'])).toEqual([undefined, groupId]);

      const refused = await send(api, 'DELETE', `${configsUrl()}/${used}`);
      expect(expectAsError(refused, 400, 'AS.1006')).toContain(groupId);
      await show(api, used);

      // Once the group is gone, the configuration can go.
      const gone = await send(api, 'DELETE', `${groupsUrl()}/${groupId}`);
      expect(gone.statusCode, gone.body).toBe(204);
      expect((await send(api, 'DELETE', `${configsUrl()}/${used}`)).statusCode).toBe(204);
    });

    it('batch deletes all or nothing: an unknown or used configuration is AS.1038', async () => {
      const api = await openTestApi(backend);
      const a = await create(api, named('a'));
      const b = await create(api, named('b'));
      const used = await create(api, named('used'));
      const groupId = await createGroupUsing(api, used);

      const refused = await send(api, 'POST', batchUrl(), {
        scaling_configuration_id: [a, used, 'nope'],
      });
      const message = expectAsError(refused, 400, 'AS.1038');
      expect(message).toContain(`${used}: scaling group ${groupId} uses it`);
      expect(message).toContain('nope: the configuration does not exist');
      expect(message).not.toContain(`${a}:`);
      expect((await list(api)).total_number).toBe(3);

      const res = await send(api, 'POST', batchUrl(), { scaling_configuration_id: [a, b, a] });
      expect(res.statusCode, res.body).toBe(204);
      expect(names(await list(api))).toEqual(['used']);
    });

    it('keeps projects apart: another project cannot see, change or delete', async () => {
      const api = await openTestApi(backend);
      const id = await create(api);
      const mine = await api.credentialFor(project);
      const theirs = { credential: await api.credentialFor(otherProject), projectHeader: false };
      // The other project's own paths know nothing of it.
      const other = async (method: 'GET' | 'DELETE' | 'PUT', body?: unknown) =>
        send(api, method, `${configsUrl(otherProject)}/${id}`, body, theirs);
      expectAsError(await other('GET'), 400, 'AS.1004');
      expectAsError(await other('DELETE'), 400, 'AS.1004');
      expectAsError(await other('PUT', { instance_config: { imageRef: 'x' } }), 400, 'AS.1004');
      const batch = await send(
        api,
        'POST',
        batchUrl(otherProject),
        { scaling_configuration_id: [id] },
        theirs,
      );
      expectAsError(batch, 400, 'AS.1038');
      const listed = await send(api, 'GET', configsUrl(otherProject), undefined, theirs);
      expect(listed.json<ListBody>().total_number).toBe(0);
      // The other project's credential on this project's path is refused.
      const cross = await send(api, 'GET', `${configsUrl()}/${id}`, undefined, theirs);
      expect(cross.statusCode).toBeGreaterThanOrEqual(400);
      expect(cross.statusCode).toBeLessThan(500);
      await show(api, id);
      expect(mine.projectId).toBe(project);
    });

    it('holds the quota of 100 configurations per project (AS.1024)', async () => {
      const api = await openTestApi(backend);
      await api.store.resourceSession(async (tx) => {
        for (let i = 0; i < 100; i += 1) {
          await tx.configurations.insert({
            id: `seeded-${String(i)}`,
            projectId: project,
            name: `c${String(i)}`,
            instanceConfig: exampleConfig.instance_config,
            createTime: api.clock.now(),
          });
        }
      });
      const refused = await send(api, 'POST', configsUrl(), exampleConfig);
      expect(expectAsError(refused, 400, 'AS.1024')).toContain('100');
      // Another project has its own quota.
      await create(api, exampleConfig, otherProject);
      expect((await send(api, 'DELETE', `${configsUrl()}/seeded-0`)).statusCode).toBe(204);
      await create(api);
    });
  });
}
