import { describe, expect, it } from 'vitest';
import { testBackends } from '../../support/backends.js';
import { expectAsError, openTestApi, project } from '../../support/api-harness.js';
import type { TestApi } from '../../support/api-harness.js';
import { createTestConfiguration } from '../../support/test-configuration.js';

/** Groups and the scaling configurations they use: checked on create and update, named on reads. */

const otherProject = '9b7e35ad379141fc9df3e178bd64f55c';
const groupsUrl = `/autoscaling-api/v1/${project}/scaling_group`;
const configsUrl = (projectId = project): string =>
  `/autoscaling-api/v1/${projectId}/scaling_configuration`;
const json = { 'content-type': 'application/json' };
const minimalGroup = {
  scaling_group_name: 'web',
  vpc_id: 'a8327883-6b07-4497-9c61-68d03ee193a1',
  networks: [{ id: '3cd35bca-5a10-416f-8994-f79169559870' }],
};

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

async function createGroup(api: TestApi, body: Record<string, unknown> = {}) {
  const res = await send(api, 'POST', groupsUrl, { ...minimalGroup, ...body });
  expect(res.statusCode, res.body).toBe(200);
  return res.json<{ scaling_group_id: string }>().scaling_group_id;
}

async function showGroup(api: TestApi, id: string) {
  const res = await send(api, 'GET', `${groupsUrl}/${id}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json<{ scaling_group: Record<string, unknown> }>().scaling_group;
}

const unknownId = '47683a91-93ee-462a-a7d7-484c006f4440';

for (const backend of testBackends) {
  describe.skipIf(!backend.available)(`groups and their configurations: ${backend.name}`, () => {
    it('refuses to create a group with a configuration the project does not have (AS.1004)', async () => {
      const api = await openTestApi(backend);
      const theirs = await createTestConfiguration(api, 'theirs', otherProject);
      for (const id of [unknownId, theirs, '']) {
        const res = await send(api, 'POST', groupsUrl, {
          ...minimalGroup,
          scaling_configuration_id: id,
        });
        expect(expectAsError(res, 400, 'AS.1004')).toBe(
          `The AS configuration does not exist. No scaling configuration "${id}" in this project.`,
        );
      }
      const list = await send(api, 'GET', groupsUrl);
      expect(list.json<{ total_number: number }>().total_number).toBe(0);
    });

    it('refuses to update a group to a configuration the project does not have, and changes nothing', async () => {
      const api = await openTestApi(backend);
      const mine = await createTestConfiguration(api, 'mine');
      const theirs = await createTestConfiguration(api, 'theirs', otherProject);
      const id = await createGroup(api, { scaling_configuration_id: mine });
      for (const other of [unknownId, theirs]) {
        const res = await send(api, 'PUT', `${groupsUrl}/${id}`, {
          scaling_group_name: 'renamed',
          scaling_configuration_id: other,
        });
        expectAsError(res, 400, 'AS.1004');
      }
      expect(await showGroup(api, id)).toMatchObject({
        scaling_group_name: 'web',
        scaling_configuration_id: mine,
        scaling_configuration_name: 'mine',
      });
    });

    it('shows and lists the name of the configuration a group uses, and null without one', async () => {
      const api = await openTestApi(backend);
      const first = await createTestConfiguration(api, 'first-cfg');
      const second = await createTestConfiguration(api, 'second-cfg');
      const a = await createGroup(api, {
        scaling_group_name: 'a',
        scaling_configuration_id: first,
      });
      api.clock.advance(1000);
      const b = await createGroup(api, { scaling_group_name: 'b' });
      api.clock.advance(1000);
      const c = await createGroup(api, {
        scaling_group_name: 'c',
        scaling_configuration_id: first,
      });
      expect(await showGroup(api, a)).toMatchObject({
        scaling_configuration_id: first,
        scaling_configuration_name: 'first-cfg',
      });
      expect(await showGroup(api, b)).toMatchObject({
        scaling_configuration_id: null,
        scaling_configuration_name: null,
      });

      // A group moves to another configuration (allowed whatever its instances) and is named after it.
      const moved = await send(api, 'PUT', `${groupsUrl}/${c}`, {
        scaling_configuration_id: second,
      });
      expect(moved.statusCode, moved.body).toBe(200);
      const res = await send(api, 'GET', groupsUrl);
      expect(res.statusCode, res.body).toBe(200);
      const page = res.json<{ scaling_groups: Record<string, unknown>[] }>().scaling_groups;
      expect(
        page.map((g) => [
          g.scaling_group_id,
          g.scaling_configuration_id,
          g.scaling_configuration_name,
        ]),
      ).toEqual([
        [c, second, 'second-cfg'],
        [b, null, null],
        [a, first, 'first-cfg'],
      ]);

      // The configuration the group left is no longer in use: it can be deleted.
      expect((await send(api, 'DELETE', `${configsUrl()}/${first}`)).statusCode).toBe(400);
      const left = await send(api, 'PUT', `${groupsUrl}/${a}`, {
        scaling_configuration_id: second,
      });
      expect(left.statusCode, left.body).toBe(200);
      expect((await send(api, 'DELETE', `${configsUrl()}/${first}`)).statusCode).toBe(204);
    });

    it('never leaves a group with a configuration deleted at the same time', async () => {
      const api = await openTestApi(backend);
      for (let round = 0; round < 5; round += 1) {
        const cfg = await createTestConfiguration(api, `cfg-${String(round)}`);
        const [deleted, ...created] = await Promise.all([
          send(api, 'DELETE', `${configsUrl()}/${cfg}`),
          ...Array.from({ length: 4 }, (_, i) =>
            send(api, 'POST', groupsUrl, {
              ...minimalGroup,
              scaling_group_name: `g-${String(round)}-${String(i)}`,
              scaling_configuration_id: cfg,
            }),
          ),
        ]);
        const made = created.filter((res) => res.statusCode === 200).length;
        for (const res of created) {
          if (res.statusCode !== 200) expectAsError(res, 400, 'AS.1004');
        }
        if (deleted.statusCode === 204) {
          // Deleted first: every group after it was refused.
          expect(made).toBe(0);
        } else {
          // A group came first: the configuration is in use and stays.
          expect(expectAsError(deleted, 400, 'AS.1006')).toContain(cfg);
          expect(made).toBeGreaterThan(0);
          expect((await send(api, 'GET', `${configsUrl()}/${cfg}`)).statusCode).toBe(200);
        }
      }
    });

    it('keeps updating a group whose configuration is unchanged', async () => {
      const api = await openTestApi(backend);
      const cfg = await createTestConfiguration(api, 'cfg');
      const id = await createGroup(api, { scaling_configuration_id: cfg });
      const res = await send(api, 'PUT', `${groupsUrl}/${id}`, {
        scaling_configuration_id: cfg,
        max_instance_number: 3,
      });
      expect(res.statusCode, res.body).toBe(200);
      expect(await showGroup(api, id)).toMatchObject({
        max_instance_number: 3,
        scaling_configuration_name: 'cfg',
      });
    });
  });
}
