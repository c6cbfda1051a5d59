import { describe, expect, it } from 'vitest';
import { testBackends } from '../../support/backends.js';
import { expectAsError, openTestApi, project } from '../../support/api-harness.js';
import {
  activities,
  batch,
  createGroup,
  createServer,
  groupsUrl,
  instancesUrl,
  listInstances,
  send,
  serversUrl,
  showGroup,
  v1,
} from './instance-support.js';

const settle = 60_000;
const wireTime = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const otherProject = '9b7e35ad379141fc9df3e178bd64f55c';

for (const backend of testBackends) {
  describe.skipIf(!backend.available)(`instances: ${backend.name}`, () => {
    it('builds instances from the configuration: PENDING, then INSERVICE after the settle delay', async () => {
      const api = await openTestApi(backend, { config: { instanceSettleMs: settle } });
      const startedAt = api.clock.now();
      const id = await createGroup(api, { min: 1, max: 4, desire: 2 });
      const pending = await listInstances(api, id);
      expect(pending).toMatchObject({ total_number: 2, start_number: 0, limit: 20 });
      const configurationId = (await showGroup(api, id)).scaling_configuration_id;
      for (const instance of pending.scaling_group_instances) {
        expect(Object.keys(instance).sort()).toEqual(
          [
            'create_time',
            'health_status',
            'instance_id',
            'instance_name',
            'life_cycle_state',
            'protect_from_scaling_down',
            'scaling_configuration_id',
            'scaling_configuration_name',
            'scaling_group_id',
            'scaling_group_name',
          ].sort(),
        );
        expect(instance).toMatchObject({
          scaling_group_id: id,
          scaling_group_name: 'web',
          life_cycle_state: 'PENDING',
          health_status: 'INITIALIZING',
          scaling_configuration_name: 'web-config',
          scaling_configuration_id: configurationId,
          create_time: wireTime(startedAt),
          protect_from_scaling_down: false,
        });
        expect(instance.instance_name).toMatch(/^web-config-[A-Z0-9]{8}$/);
      }
      expect(await showGroup(api, id)).toMatchObject({
        current_instance_number: 0,
        is_scaling: true,
      });

      api.clock.advance(settle);
      const served = await listInstances(api, id);
      expect(
        served.scaling_group_instances.map((i) => [i.life_cycle_state, i.health_status]),
      ).toEqual([
        ['INSERVICE', 'NORMAL'],
        ['INSERVICE', 'NORMAL'],
      ]);
      expect(await showGroup(api, id)).toMatchObject({
        current_instance_number: 2,
        is_scaling: false,
      });
      // The server behind each instance is listed, with its group.
      const servers = await send(api, 'GET', serversUrl());
      expect(servers.json<{ total_number: number }>().total_number).toBe(2);
      const [first] = served.scaling_group_instances;
      const server = await send(api, 'GET', `${serversUrl()}/${first?.instance_id ?? ''}`);
      expect(server.json()).toMatchObject({
        server: { id: first?.instance_id, name: first?.instance_name, scaling_group_id: id },
      });

      // The activity: DOING while the instances were being built, SUCCESS once they were.
      const [built] = await activities(api, id);
      expect(built).toMatchObject({
        status: 'SUCCESS',
        type: 'DIFF',
        startTime: startedAt,
        endTime: startedAt + settle,
        instanceValue: 0,
        desireValue: 2,
        scalingValue: 2,
      });
      // Told as the cloud tells a DIFF: from the instances the group had to the number it desires.
      expect(JSON.parse(built?.description ?? '')).toEqual({
        reason: [
          { change_reason: 'DIFF', old_value: 0, change_time: wireTime(startedAt), new_value: 2 },
        ],
      });
      expect(built?.added.map((a) => a.id).sort()).toEqual(
        served.scaling_group_instances.map((i) => i.instance_id).sort(),
      );
    });

    it('filters and pages the list, with the instance API codes for bad values', async () => {
      const api = await openTestApi(backend, { config: { instanceSettleMs: settle } });
      const id = await createGroup(api, { max: 5, desire: 3 });
      api.clock.advance(settle);
      const [a] = (await listInstances(api, id)).scaling_group_instances;
      expect(
        (await batch(api, id, { action: 'PROTECT', instances_id: [a?.instance_id] })).statusCode,
      ).toBe(204);
      expect(
        (
          await listInstances(api, id, '?protect_from_scaling_down=true')
        ).scaling_group_instances.map((i) => i.instance_id),
      ).toEqual([a?.instance_id]);
      expect((await listInstances(api, id, '?protect_from_scaling_down=false')).total_number).toBe(
        2,
      );
      expect(
        (await listInstances(api, id, '?life_cycle_state=INSERVICE&health_status=NORMAL'))
          .total_number,
      ).toBe(3);
      expect((await listInstances(api, id, '?life_cycle_state=PENDING')).total_number).toBe(0);
      const page = await listInstances(api, id, '?start_number=1&limit=1');
      expect(page).toMatchObject({ total_number: 3, start_number: 1, limit: 1 });
      expect(page.scaling_group_instances).toHaveLength(1);

      const bad = async (query: string, code: string) =>
        expectAsError(await send(api, 'GET', `${instancesUrl(id)}/list${query}`), 400, code);
      expect(await bad('?start_number=-1', 'AS.4000')).toContain('-1');
      expect(await bad('?limit=101', 'AS.4001')).toContain('101');
      expect(await bad('?life_cycle_state=RUNNING', 'AS.4003')).toContain('RUNNING');
      expect(await bad('?health_status=SICK', 'AS.4004')).toContain('SICK');
      expect(await bad('?protect_from_scaling_down=yes', 'AS.0022')).toContain('yes');
      await bad('?limit=1&limit=2', 'AS.0022');
      expectAsError(
        await send(api, 'GET', `${instancesUrl('00000000-0000-4000-8000-000000000000')}/list`),
        400,
        'AS.4005',
      );
    });

    it('scales in by the terminate policy and never removes a protected instance', async () => {
      const api = await openTestApi(backend, { config: { instanceSettleMs: settle } });
      const id = await createGroup(
        api,
        { max: 5, desire: 1 },
        { instance_terminate_policy: 'NEW_INSTANCE' },
      );
      api.clock.advance(settle);
      await send(api, 'PUT', `${groupsUrl()}/${id}`, { desire_instance_number: 3 });
      api.clock.advance(settle);
      const all = (await listInstances(api, id)).scaling_group_instances;
      expect(all).toHaveLength(3);
      const [oldest, ...newer] = all;
      // The newest two would go first: protect one of them.
      const kept = newer[0]?.instance_id;
      expect((await batch(api, id, { action: 'PROTECT', instances_id: [kept] })).statusCode).toBe(
        204,
      );
      // The cloud's rule: the desired number cannot go under the protected instances.
      expectAsError(
        await send(api, 'PUT', `${groupsUrl()}/${id}`, { desire_instance_number: 0 }),
        400,
        'AS.2010',
      );
      const put = await send(api, 'PUT', `${groupsUrl()}/${id}`, { desire_instance_number: 1 });
      expect(put.statusCode, put.body).toBe(200);
      const removing = (await listInstances(api, id, '?life_cycle_state=REMOVING'))
        .scaling_group_instances;
      expect(removing.map((i) => i.instance_id).sort()).toEqual(
        [oldest?.instance_id, newer[1]?.instance_id].sort(),
      );
      expect(await showGroup(api, id)).toMatchObject({
        current_instance_number: 3,
        is_scaling: true,
      });
      api.clock.advance(settle);
      expect(
        (await listInstances(api, id)).scaling_group_instances.map((i) => i.instance_id),
      ).toEqual([kept]);
      expect(await showGroup(api, id)).toMatchObject({ current_instance_number: 1 });
      const [scaleIn] = await activities(api, id);
      expect(scaleIn).toMatchObject({
        status: 'SUCCESS',
        instanceValue: 3,
        desireValue: 1,
        scalingValue: 2,
      });
      expect(scaleIn?.deleted.map((d) => d.id).sort()).toEqual(
        [oldest?.instance_id, newer[1]?.instance_id].sort(),
      );
      // Built from the configuration: their servers are deleted with them.
      expect(
        (await send(api, 'GET', serversUrl())).json<{ total_number: number }>().total_number,
      ).toBe(1);
    });

    it('removes one instance: the desired number drops, the server is deleted only when asked', async () => {
      const api = await openTestApi(backend, { config: { instanceSettleMs: settle } });
      const id = await createGroup(api, { min: 1, max: 5, desire: 3 });
      const [pending] = (await listInstances(api, id)).scaling_group_instances;
      const url = (instanceId: string, query = '') =>
        `${v1()}/scaling_group_instance/${instanceId}${query}`;
      // Still PENDING, and the group is scaling.
      expectAsError(await send(api, 'DELETE', url(pending?.instance_id ?? '')), 400, 'AS.2033');
      api.clock.advance(settle);
      const [a, b, c] = (await listInstances(api, id)).scaling_group_instances;
      expectAsError(
        await send(api, 'DELETE', url(a?.instance_id ?? '', '?instance_delete=maybe')),
        400,
        'AS.4007',
      );
      expectAsError(await send(api, 'DELETE', url('no-such-instance')), 400, 'AS.4006');
      const kept = await send(api, 'DELETE', url(a?.instance_id ?? '', '?instance_delete=no'));
      expect(kept.statusCode, kept.body).toBe(204);
      expect(await showGroup(api, id)).toMatchObject({
        desire_instance_number: 2,
        is_scaling: true,
      });
      expectAsError(await send(api, 'DELETE', url(b?.instance_id ?? '')), 400, 'AS.2033');
      api.clock.advance(settle);
      const deleted = await send(api, 'DELETE', url(b?.instance_id ?? '', '?instance_delete=yes'));
      expect(deleted.statusCode, deleted.body).toBe(204);
      api.clock.advance(settle);
      // At the minimum now.
      expect(
        expectAsError(await send(api, 'DELETE', url(c?.instance_id ?? '')), 400, 'AS.2036'),
      ).toContain('minimum of 1');
      const serverOf = async (instanceId: string) =>
        (await send(api, 'GET', `${serversUrl()}/${instanceId}`)).statusCode;
      expect(await serverOf(a?.instance_id ?? '')).toBe(200);
      expect(await serverOf(b?.instance_id ?? '')).toBe(404);
      const [second, first] = await activities(api, id);
      expect(first).toMatchObject({ type: 'MANUAL_REMOVE', desireValue: 2, scalingValue: 1 });
      expect(first?.removed.map((i) => i.id)).toEqual([a?.instance_id]);
      expect(second).toMatchObject({ type: 'MANUAL_DELETE', desireValue: 1, scalingValue: 1 });
      expect(second?.deleted.map((i) => i.id)).toEqual([b?.instance_id]);
    });

    it('adds stand-in servers by hand, and removes them without deleting them', async () => {
      const api = await openTestApi(backend, { config: { instanceSettleMs: settle } });
      const id = await createGroup(api, { max: 3, desire: 1 });
      api.clock.advance(settle);
      const s1 = await createServer(api, 'db-1');
      const s2 = await createServer(api, 'db-2');
      const add = await batch(api, id, { action: 'ADD', instances_id: [s1, s2] });
      expect(add.statusCode, add.body).toBe(204);
      expect(await showGroup(api, id)).toMatchObject({
        desire_instance_number: 3,
        current_instance_number: 1,
      });
      const manual = (await listInstances(api, id, '?life_cycle_state=PENDING'))
        .scaling_group_instances;
      expect(
        manual
          .map((i) => [i.instance_id, i.instance_name, i.scaling_configuration_id])
          .sort((x, y) => String(x[1]).localeCompare(String(y[1]))),
      ).toEqual([
        [s1, 'db-1', null],
        [s2, 'db-2', null],
      ]);
      api.clock.advance(settle);
      expect(await showGroup(api, id)).toMatchObject({ current_instance_number: 3 });
      expectAsError(await batch(api, id, { action: 'ADD', instances_id: [s1] }), 400, 'AS.4023');
      const s3 = await createServer(api, 'db-3');
      expect(
        expectAsError(await batch(api, id, { action: 'ADD', instances_id: [s3] }), 400, 'AS.2035'),
      ).toContain('maximum of 3');
      // A server in a group is not deleted; nor added to a second group.
      expectAsError(await send(api, 'DELETE', `${serversUrl()}/${s1}`), 409, 'AS.0003');
      const other = await createGroup(api, { max: 3 });
      expectAsError(await batch(api, other, { action: 'ADD', instances_id: [s1] }), 400, 'AS.4027');
      // Removed with instance_delete=yes, a server added by hand is kept.
      const remove = await batch(api, id, {
        action: 'REMOVE',
        instances_id: [s1],
        instance_delete: 'yes',
      });
      expect(remove.statusCode, remove.body).toBe(204);
      api.clock.advance(settle);
      expect((await send(api, 'GET', `${serversUrl()}/${s1}`)).json()).toMatchObject({
        server: { id: s1, scaling_group_id: null },
      });
      const [removed, added] = await activities(api, id);
      expect(added).toMatchObject({ type: 'MANUAL_ADD', scalingValue: 2, desireValue: 3 });
      expect(added?.added.map((i) => i.name).sort()).toEqual(['db-1', 'db-2']);
      expect(removed).toMatchObject({ type: 'MANUAL_DELETE', scalingValue: 1, desireValue: 2 });
      expect(removed?.removed.map((i) => i.id)).toEqual([s1]);
      expect(removed?.deleted).toEqual([]);
      // Out of every group, it can go.
      expect((await send(api, 'DELETE', `${serversUrl()}/${s1}`)).statusCode).toBe(204);
      expectAsError(await batch(api, id, { action: 'ADD', instances_id: [s1] }), 400, 'AS.4006');
    });

    it('puts instances into standby and back, with or without replacements', async () => {
      const api = await openTestApi(backend, { config: { instanceSettleMs: 0 } });
      const id = await createGroup(api, { min: 1, max: 5, desire: 3 });
      const [a, b, c] = (await listInstances(api, id)).scaling_group_instances;
      const enter = await batch(api, id, {
        action: 'ENTER_STANDBY',
        instances_id: [a?.instance_id],
      });
      expect(enter.statusCode, enter.body).toBe(204);
      expect(await showGroup(api, id)).toMatchObject({
        desire_instance_number: 2,
        current_instance_number: 2,
      });
      expect(
        (await listInstances(api, id, '?life_cycle_state=STANDBY')).scaling_group_instances.map(
          (i) => i.instance_id,
        ),
      ).toEqual([a?.instance_id]);
      // Only INSERVICE instances enter standby; only STANDBY ones leave it.
      expectAsError(
        await batch(api, id, { action: 'ENTER_STANDBY', instances_id: [a?.instance_id] }),
        400,
        'AS.4015',
      );
      expectAsError(
        await batch(api, id, { action: 'EXIT_STANDBY', instances_id: [b?.instance_id] }),
        400,
        'AS.4015',
      );
      // With instance_append, a new instance takes the standby one's place.
      const append = await batch(api, id, {
        action: 'ENTER_STANDBY',
        instances_id: [b?.instance_id],
        instance_append: 'yes',
      });
      expect(append.statusCode, append.body).toBe(204);
      expect(await showGroup(api, id)).toMatchObject({
        desire_instance_number: 2,
        current_instance_number: 2,
      });
      expect((await listInstances(api, id)).total_number).toBe(4);
      const exit = await batch(api, id, {
        action: 'EXIT_STANDBY',
        instances_id: [a?.instance_id, b?.instance_id],
      });
      expect(exit.statusCode, exit.body).toBe(204);
      expect(await showGroup(api, id)).toMatchObject({
        desire_instance_number: 4,
        current_instance_number: 4,
      });
      const types = (await activities(api, id)).map((x) => x.type);
      expect(types).toContain('ENTER_STANDBY');
      expect(types).toContain('EXIT_STANDBY');
      expect(c?.life_cycle_state).toBe('INSERVICE');
    });

    it('refuses a bad batch body with the cloud codes, and changes nothing', async () => {
      const api = await openTestApi(backend, { config: { instanceSettleMs: 0 } });
      const id = await createGroup(api, { min: 0, max: 5, desire: 2 });
      const [a] = (await listInstances(api, id)).scaling_group_instances;
      const refused = async (body: unknown, code: string) =>
        expectAsError(await send(api, 'POST', `${instancesUrl(id)}/action`, body), 400, code);
      await refused({ action: 'REBOOT', instances_id: [a?.instance_id] }, 'AS.4018');
      await refused({ instances_id: [a?.instance_id] }, 'AS.4018');
      await refused({ action: 'ADD', instances_id: [] }, 'AS.4019');
      await refused({ action: 'REMOVE' }, 'AS.4013');
      await refused({ action: 'PROTECT', instances_id: [] }, 'AS.4032');
      await refused(
        { action: 'REMOVE', instances_id: Array.from({ length: 11 }, (_, n) => `i-${String(n)}`) },
        'AS.4043',
      );
      await refused({ action: 'REMOVE', instances_id: [''] }, 'AS.4028');
      await refused(
        { action: 'REMOVE', instances_id: [a?.instance_id], instance_delete: 'maybe' },
        'AS.4007',
      );
      await refused({ action: 'REMOVE', instances_id: [a?.instance_id], reboot: true }, 'AS.0022');
      await refused({ action: 'REMOVE', instances_id: 'i-1' }, 'AS.0022');
      // One id not of the group: nothing is removed.
      await refused({ action: 'REMOVE', instances_id: [a?.instance_id, 'not-mine'] }, 'AS.4014');
      expect(await showGroup(api, id)).toMatchObject({
        desire_instance_number: 2,
        current_instance_number: 2,
      });
      // A paused group takes no new instances.
      await send(api, 'POST', `${groupsUrl()}/${id}/action`, { action: 'pause' });
      const server = await createServer(api, 'late');
      expect(await refused({ action: 'ADD', instances_id: [server] }, 'AS.2033')).toContain(
        'PAUSED',
      );
    });

    it("keeps projects apart: another project's group and servers are unknown", async () => {
      const api = await openTestApi(backend, { config: { instanceSettleMs: 0 } });
      const id = await createGroup(api, { max: 2, desire: 1 });
      const [a] = (await listInstances(api, id)).scaling_group_instances;
      const theirs = await createServer(api, 'theirs', otherProject);
      const asOther = { credential: await api.credentialFor(otherProject) };
      const list = await api.inject(
        { method: 'GET', url: `${instancesUrl(id, otherProject)}/list` },
        asOther,
      );
      expectAsError(list, 400, 'AS.4005');
      const remove = await api.inject(
        {
          method: 'DELETE',
          url: `${v1(otherProject)}/scaling_group_instance/${a?.instance_id ?? ''}`,
        },
        asOther,
      );
      expectAsError(remove, 400, 'AS.4006');
      expectAsError(
        await batch(api, id, { action: 'ADD', instances_id: [theirs] }),
        400,
        'AS.4006',
      );
      expectAsError(await send(api, 'GET', `${serversUrl()}/${theirs}`), 404, 'AS.0007');
      expect(project).not.toBe(otherProject);
    });

    it('checks the stand-in server body', async () => {
      const api = await openTestApi(backend);
      const refused = async (body: unknown) =>
        expectAsError(await send(api, 'POST', serversUrl(), body), 400, 'AS.0022');
      expect(await refused({})).toContain('server');
      expect(await refused({ server: {} })).toContain('server.name');
      expect(await refused({ server: { name: 'bad name!' } })).toContain('bad name!');
      expect(await refused({ server: { name: 'ok', size: 1 } })).toContain('size');
      const created = await send(api, 'POST', serversUrl(), { server: { name: 'ok' } });
      expect(created.statusCode).toBe(201);
      expect(created.json()).toEqual({
        server: {
          id: expect.any(String) as string,
          name: 'ok',
          status: 'ACTIVE',
          tenant_id: project,
          created: wireTime(api.clock.now()),
          scaling_group_id: null,
        },
      });
    });
  });
}
