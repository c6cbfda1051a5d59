import { describe, expect, it } from 'vitest';
import type { Config } from '../../../src/config/config.js';
import type { ScalingInstance } from '../../../src/domain/scaling-instance.js';
import { testBackends } from '../../support/backends.js';
import { expectAsError, openTestApi, project, sqliteBackend } from '../../support/api-harness.js';
import type { TestApi } from '../../support/api-harness.js';
import { listen, sdkClient } from '../../support/node-sdk.js';

/**
 * The AS quota API (the project's quotas and a group's policy and instance quotas), and the
 * quotas enforced on create: groups AS.2023, configurations AS.1024, policies AS.3032,
 * a group's maximum above its instance quota AS.2045.
 */

const otherProject = '9b7e35ad379141fc9df3e178bd64f55c';
const v1 = (projectId = project): string => `/autoscaling-api/v1/${projectId}`;
const quotasUrl = (projectId = project): string => `${v1(projectId)}/quotas`;
const json = { 'content-type': 'application/json' };

const minimalGroup = {
  scaling_group_name: 'web',
  vpc_id: 'a8327883-6b07-4497-9c61-68d03ee193a1',
  networks: [{ id: '3cd35bca-5a10-416f-8994-f79169559870' }],
};
const configurationBody = {
  scaling_configuration_name: 'cfg',
  instance_config: {
    flavorRef: 's3.xlarge.4',
    imageRef: '627a1223-2ca3-46a7-8d5f-7aef22c74ee6',
    disk: [{ size: 40, volume_type: 'SATA', disk_type: 'SYS' }],
    key_name: 'key-1',
  },
};

/** The project answer with nothing created, at the cloud's default quotas. */
const cloudDefaults = [
  { type: 'scaling_Group', used: 0, quota: 25, max: 50, min: 0 },
  { type: 'scaling_Config', used: 0, quota: 100, max: 200, min: 0 },
  { type: 'scaling_Policy', used: -1, quota: 50, max: 50, min: 0 },
  { type: 'scaling_Instance', used: -1, quota: 200, max: 1000, min: 0 },
  { type: 'bandwidth_scaling_policy', used: 0, quota: 10, max: 100, min: 0 },
];

const send = (
  api: TestApi,
  method: 'POST' | 'PUT' | 'GET' | 'DELETE',
  url: string,
  body?: unknown,
) =>
  api.inject({
    method,
    url,
    ...(body === undefined ? {} : { headers: json, payload: JSON.stringify(body) }),
  });

async function created(api: TestApi, url: string, body: unknown): Promise<Record<string, unknown>> {
  const res = await send(api, 'POST', url, body);
  expect(res.statusCode, res.body).toBe(200);
  return res.json<Record<string, unknown>>();
}

const createGroup = async (api: TestApi, body: Record<string, unknown> = {}, projectId = project) =>
  (await created(api, `${v1(projectId)}/scaling_group`, { ...minimalGroup, ...body }))
    .scaling_group_id as string;

const createConfiguration = async (api: TestApi, projectId = project) =>
  (await created(api, `${v1(projectId)}/scaling_configuration`, configurationBody))
    .scaling_configuration_id as string;

const groupPolicy = (groupId: string, name = 'p') => ({
  scaling_policy_name: name,
  scaling_group_id: groupId,
  scaling_policy_type: 'ALARM',
  alarm_id: 'al-1',
});

async function createBandwidth(api: TestApi): Promise<string> {
  const res = await send(api, 'POST', `/scalelog/v1/${project}/bandwidths`, {
    bandwidth: { name: 'bw', size: 10 },
  });
  expect(res.statusCode, res.body).toBeLessThan(300);
  return res.json<{ bandwidth: { id: string } }>().bandwidth.id;
}

const bandwidthPolicy = (bandwidthId: string, name = 'bp') => ({
  scaling_policy_name: name,
  scaling_resource_id: bandwidthId,
  scaling_resource_type: 'BANDWIDTH',
  scaling_policy_type: 'ALARM',
  alarm_id: 'al-1',
  scaling_policy_action: { operation: 'ADD', size: 1 },
});

interface QuotaLine {
  type: string;
  used: number;
  quota: number;
  max: number;
  min: number;
}

async function quotas(api: TestApi, url: string): Promise<QuotaLine[]> {
  const res = await send(api, 'GET', url);
  expect(res.statusCode, res.body).toBe(200);
  return res.json<{ quotas: { resources: QuotaLine[] } }>().quotas.resources;
}

const used = (lines: readonly QuotaLine[]) =>
  Object.fromEntries(lines.map((l) => [l.type, l.used]));

function instance(
  api: TestApi,
  groupId: string,
  n: number,
  overrides: Partial<ScalingInstance> = {},
) {
  return {
    id: `server-${groupId}-${String(n)}`,
    projectId: project,
    groupId,
    name: `as-${String(n)}`,
    state: 'INSERVICE',
    protectedFromScaleIn: false,
    deleteOnRemoval: true,
    createTime: api.clock.now(),
    ...overrides,
  } satisfies ScalingInstance;
}

const withQuotas = (config: Partial<Config>) => ({ config });

for (const backend of testBackends) {
  describe.skipIf(!backend.available)(`AS quotas: ${backend.name}`, () => {
    it("answers the project's quotas in the cloud's shape, order and defaults", async () => {
      const api = await openTestApi(backend);
      const res = await send(api, 'GET', quotasUrl());
      expect(res.statusCode, res.body).toBe(200);
      expect(res.body).toBe(JSON.stringify({ quotas: { resources: cloudDefaults } }));
    });

    it('counts what the project has: groups, configurations and bandwidth policies', async () => {
      const api = await openTestApi(backend);
      const configurationId = await createConfiguration(api);
      await createConfiguration(api);
      const groupId = await createGroup(api, { scaling_configuration_id: configurationId });
      await createGroup(api, { scaling_group_name: 'other' });
      await created(api, `${v1()}/scaling_policy`, groupPolicy(groupId));
      const bandwidthId = await createBandwidth(api);
      await created(
        api,
        `/autoscaling-api/v2/${project}/scaling_policy`,
        bandwidthPolicy(bandwidthId),
      );
      // Another project's resources are not counted.
      await createGroup(api, {}, otherProject);
      await createConfiguration(api, otherProject);

      expect(used(await quotas(api, quotasUrl()))).toEqual({
        scaling_Group: 2,
        scaling_Config: 2,
        scaling_Policy: -1,
        scaling_Instance: -1,
        bandwidth_scaling_policy: 1,
      });
      const deleted = await send(api, 'DELETE', `${v1()}/scaling_group/${groupId}`);
      expect(deleted.statusCode, deleted.body).toBe(204);
      expect(used(await quotas(api, quotasUrl()))).toMatchObject({ scaling_Group: 1 });
      expect(used(await quotas(api, quotasUrl(otherProject)))).toMatchObject({
        scaling_Group: 1,
        scaling_Config: 1,
        bandwidth_scaling_policy: 0,
      });
    });

    it("answers a group's policy and instance quotas with what it has now", async () => {
      const api = await openTestApi(backend);
      const groupId = await createGroup(api, { max_instance_number: 10 });
      const otherGroup = await createGroup(api, { scaling_group_name: 'other' });
      const url = `${quotasUrl()}/${groupId}`;
      const empty = await send(api, 'GET', url);
      expect(empty.body).toBe(
        JSON.stringify({
          quotas: {
            resources: [
              { type: 'scaling_Policy', used: 0, quota: 50, max: 50, min: 0 },
              { type: 'scaling_Instance', used: 0, quota: 200, max: 1000, min: 0 },
            ],
          },
        }),
      );
      await created(api, `${v1()}/scaling_policy`, groupPolicy(groupId, 'a'));
      await created(api, `${v1()}/scaling_policy`, groupPolicy(groupId, 'b'));
      await created(api, `${v1()}/scaling_policy`, groupPolicy(otherGroup, 'c'));
      const now = api.clock.now();
      await api.store.resourceSession((tx) =>
        tx.instances.insert([
          instance(api, groupId, 1),
          instance(api, groupId, 2),
          // Being added: counted once it is in service.
          instance(api, groupId, 3, { state: 'PENDING', settlesAt: now + 60_000 }),
          // Being removed: counted until it is gone.
          instance(api, groupId, 4, { state: 'REMOVING', settlesAt: now + 60_000 }),
          instance(api, otherGroup, 5),
        ]),
      );
      expect(used(await quotas(api, url))).toEqual({ scaling_Policy: 2, scaling_Instance: 3 });
      api.clock.advance(60_000);
      expect(used(await quotas(api, url))).toEqual({ scaling_Policy: 2, scaling_Instance: 3 });
      // The project answer still leaves policies and instances to the groups.
      expect(used(await quotas(api, quotasUrl()))).toMatchObject({
        scaling_Policy: -1,
        scaling_Instance: -1,
      });
    });

    it('answers 400 AS.2007 for a group the project does not have', async () => {
      const api = await openTestApi(backend);
      const theirs = await createGroup(api, {}, otherProject);
      for (const id of ['00000000-0000-4000-8000-000000000000', theirs]) {
        expect(expectAsError(await send(api, 'GET', `${quotasUrl()}/${id}`), 400, 'AS.2007')).toBe(
          `The AS group does not exist. No scaling group "${id}" in this project.`,
        );
      }
    });

    it('answers the quotas the settings set, and refuses the group past its quota (AS.2023)', async () => {
      const api = await openTestApi(
        backend,
        withQuotas({
          groupQuota: 2,
          configurationQuota: 3,
          groupPolicyQuota: 4,
          groupInstanceQuota: 5,
          bandwidthPolicyQuota: 6,
        }),
      );
      expect((await quotas(api, quotasUrl())).map((l) => [l.type, l.quota, l.max])).toEqual([
        ['scaling_Group', 2, 50],
        ['scaling_Config', 3, 200],
        ['scaling_Policy', 4, 50],
        ['scaling_Instance', 5, 1000],
        ['bandwidth_scaling_policy', 6, 100],
      ]);
      const first = await createGroup(api, { scaling_group_name: 'a' });
      await createGroup(api, { scaling_group_name: 'b' });
      const refused = await send(api, 'POST', `${v1()}/scaling_group`, minimalGroup);
      expect(expectAsError(refused, 400, 'AS.2023')).toBe(
        'The number of AS groups exceeds the upper limit. A project has at most 2 scaling groups; delete one first.',
      );
      expect(used(await quotas(api, quotasUrl()))).toMatchObject({ scaling_Group: 2 });
      // Another project has its own quota; a deleted group frees its place.
      await createGroup(api, {}, otherProject);
      expect((await send(api, 'DELETE', `${v1()}/scaling_group/${first}`)).statusCode).toBe(204);
      await createGroup(api, { scaling_group_name: 'c' });
    });

    it('answers a quota set past the cloud ceiling as its own max', async () => {
      const api = await openTestApi(backend, withQuotas({ groupQuota: 60, groupPolicyQuota: 7 }));
      const lines = await quotas(api, quotasUrl());
      expect(lines[0]).toEqual({ type: 'scaling_Group', used: 0, quota: 60, max: 60, min: 0 });
      expect(lines[2]).toEqual({ type: 'scaling_Policy', used: -1, quota: 7, max: 50, min: 0 });
    });

    it('refuses a configuration past the configuration quota setting (AS.1024)', async () => {
      const api = await openTestApi(backend, withQuotas({ configurationQuota: 1 }));
      await createConfiguration(api);
      const refused = await send(api, 'POST', `${v1()}/scaling_configuration`, configurationBody);
      expect(expectAsError(refused, 400, 'AS.1024')).toContain('at most 1 scaling configurations');
    });

    it('refuses a policy past its group or bandwidth quota (AS.3032), each its own', async () => {
      const api = await openTestApi(
        backend,
        withQuotas({ groupPolicyQuota: 2, bandwidthPolicyQuota: 1 }),
      );
      const groupId = await createGroup(api);
      await created(api, `${v1()}/scaling_policy`, groupPolicy(groupId, 'a'));
      await created(api, `${v1()}/scaling_policy`, groupPolicy(groupId, 'b'));
      const third = await send(api, 'POST', `${v1()}/scaling_policy`, groupPolicy(groupId, 'c'));
      expect(expectAsError(third, 400, 'AS.3032')).toContain(
        'A scaling group has at most 2 policies',
      );
      const bandwidthId = await createBandwidth(api);
      const v2 = `/autoscaling-api/v2/${project}/scaling_policy`;
      await created(api, v2, bandwidthPolicy(bandwidthId, 'x'));
      const second = await send(api, 'POST', v2, bandwidthPolicy(bandwidthId, 'y'));
      expect(expectAsError(second, 400, 'AS.3032')).toContain('A bandwidth has at most 1 policies');
      expect(used(await quotas(api, `${quotasUrl()}/${groupId}`))).toMatchObject({
        scaling_Policy: 2,
      });
    });

    it("refuses a group's maximum above the instance quota, on create and update (AS.2045)", async () => {
      const api = await openTestApi(backend, withQuotas({ groupInstanceQuota: 10 }));
      const refused = await send(api, 'POST', `${v1()}/scaling_group`, {
        ...minimalGroup,
        max_instance_number: 11,
      });
      expect(expectAsError(refused, 400, 'AS.2045')).toBe(
        'The min or max number of instances in the AS group exceeds the upper limit. Got max_instance_number 11: a group has at most 10 instances.',
      );
      const id = await createGroup(api, { max_instance_number: 10 });
      const url = `${v1()}/scaling_group/${id}`;
      expectAsError(await send(api, 'PUT', url, { max_instance_number: 11 }), 400, 'AS.2045');
      const lowered = await send(api, 'PUT', url, { max_instance_number: 4 });
      expect(lowered.statusCode, lowered.body).toBe(200);
      // The field's own range is checked first, with its own code.
      expectAsError(
        await send(api, 'POST', `${v1()}/scaling_group`, {
          ...minimalGroup,
          max_instance_number: 301,
        }),
        400,
        'AS.2004',
      );
    });

    it('holds the group quota when creates race: exactly the quota are made', async () => {
      const api = await openTestApi(backend, withQuotas({ groupQuota: 3 }));
      const results = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          send(api, 'POST', `${v1()}/scaling_group`, {
            ...minimalGroup,
            scaling_group_name: `g-${String(i)}`,
          }),
        ),
      );
      const made = results.filter((res) => res.statusCode === 200);
      expect(made).toHaveLength(3);
      for (const res of results) {
        if (res.statusCode !== 200) expectAsError(res, 400, 'AS.2023');
      }
      expect(used(await quotas(api, quotasUrl()))).toMatchObject({ scaling_Group: 3 });
    });
  });
}

describe('AS quotas through the official SDK', () => {
  it('answers showResourceQuota and showPolicyAndInstanceQuota, signed as the SDK sends them', async () => {
    const api = await openTestApi(sqliteBackend);
    const groupId = await createGroup(api);
    const client = sdkClient(await listen(api.app), await api.credentialFor(project));
    const project_ = await client.sendRequest<{ quotas: unknown; httpStatusCode: number }>({
      method: 'GET',
      url: '/autoscaling-api/v1/{project_id}/quotas',
      contentType: 'application/json',
      queryParams: {},
      pathParams: {},
      headers: {},
    });
    expect(project_.httpStatusCode).toBe(200);
    expect(project_.quotas).toEqual({
      resources: cloudDefaults.map((l) => (l.type === 'scaling_Group' ? { ...l, used: 1 } : l)),
    });
    const group = await client.sendRequest<{ quotas: unknown; httpStatusCode: number }>({
      method: 'GET',
      url: '/autoscaling-api/v1/{project_id}/quotas/{scaling_group_id}',
      contentType: 'application/json',
      queryParams: {},
      pathParams: { scaling_group_id: groupId },
      headers: {},
    });
    expect(group.httpStatusCode).toBe(200);
    expect(group.quotas).toEqual({
      resources: [
        { type: 'scaling_Policy', used: 0, quota: 50, max: 50, min: 0 },
        { type: 'scaling_Instance', used: 0, quota: 200, max: 1000, min: 0 },
      ],
    });
  });
});
