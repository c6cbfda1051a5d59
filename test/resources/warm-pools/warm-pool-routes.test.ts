import { describe, expect, it } from 'vitest';
import { testBackends } from '../../support/backends.js';
import { expectAsError, openTestApi, project } from '../../support/api-harness.js';
import {
  activities,
  createGroup,
  groupsUrl,
  listInstances,
  send,
} from '../instances/instance-support.js';
import {
  engineOf,
  poolInstances,
  poolInstancesUrl,
  poolUrl,
  putPool,
  serverIds,
  setDesire,
  showPool,
  warmPoolPaths,
} from './warm-pool-support.js';

const settle = 60_000;
const otherProject = '9b7e35ad379141fc9df3e178bd64f55c';

for (const backend of testBackends) {
  for (const path of warmPoolPaths) {
    describe.skipIf(!backend.available)(`warm pools (${path.name}): ${backend.name}`, () => {
      it('fills the pool from the configuration: INITIALIZING, then READY after the build and the wait', async () => {
        const api = await openTestApi(backend, { config: { instanceSettleMs: settle } });
        const id = await createGroup(api, { min: 0, max: 5, desire: 0 });
        const res = await putPool(api, path, id, {
          min_capacity: 2,
          max_capacity: 2,
          instance_init_wait_time: 30,
        });
        expect(res.statusCode, res.body).toBe(204);
        expect(res.body).toBe('');
        expect(await showPool(api, path, id)).toEqual({
          warm_pool: {
            min_capacity: 2,
            max_capacity: 2,
            instance_init_wait_time: 30,
            status: 'ACTIVE',
          },
        });
        const page = await poolInstances(api, path, id);
        expect(page.page_info).toEqual({});
        expect(page.warm_pool_instances).toHaveLength(2);
        for (const i of page.warm_pool_instances) {
          expect(Object.keys(i).sort()).toEqual(['id', 'instance_id', 'name', 'status']);
          expect(i.status).toBe('INITIALIZING');
          expect(i.name).toMatch(/^web-config-[A-Z0-9]{8}$/);
          expect(i.id).not.toBe(i.instance_id);
        }
        // Each pool instance is a stand-in server; none is the group's.
        const servers = await serverIds(api);
        for (const i of page.warm_pool_instances) expect(servers).toContain(i.instance_id);
        expect((await listInstances(api, id)).total_number).toBe(0);

        api.clock.advance(settle + 29_000);
        expect(
          (await poolInstances(api, path, id)).warm_pool_instances.map((i) => i.status),
        ).toEqual(['INITIALIZING', 'INITIALIZING']);
        api.clock.advance(1000);
        expect(
          (await poolInstances(api, path, id)).warm_pool_instances.map((i) => i.status),
        ).toEqual(['READY', 'READY']);
      });

      it("without capacities keeps the group's maximum less its desired number", async () => {
        const api = await openTestApi(backend, { config: { instanceSettleMs: settle } });
        const id = await createGroup(api, { min: 0, max: 4, desire: 1 });
        expect((await putPool(api, path, id, {})).statusCode).toBe(204);
        expect(await showPool(api, path, id)).toEqual({
          warm_pool: {
            min_capacity: 3,
            max_capacity: 3,
            instance_init_wait_time: 0,
            status: 'ACTIVE',
          },
        });
        expect((await poolInstances(api, path, id)).warm_pool_instances).toHaveLength(3);
      });

      it('a scale-out takes READY pool instances first, builds the rest, says so, and the pass refills', async () => {
        const api = await openTestApi(backend, { config: { instanceSettleMs: settle } });
        const id = await createGroup(api, { min: 0, max: 5, desire: 0 });
        expect(
          (await putPool(api, path, id, { min_capacity: 2, max_capacity: 2 })).statusCode,
        ).toBe(204);
        const pooled = (await poolInstances(api, path, id)).warm_pool_instances;
        api.clock.advance(settle);
        await setDesire(api, id, 3);
        const instances = (await listInstances(api, id)).scaling_group_instances;
        expect(instances).toHaveLength(3);
        const fromPool = instances.filter((i) =>
          pooled.some((p) => p.instance_id === i.instance_id),
        );
        expect(fromPool.map((i) => i.life_cycle_state)).toEqual(['INSERVICE', 'INSERVICE']);
        expect(fromPool.map((i) => i.instance_name).sort()).toEqual(
          pooled.map((p) => p.name).sort(),
        );
        const built = instances.filter((i) => !fromPool.includes(i));
        expect(built.map((i) => i.life_cycle_state)).toEqual(['PENDING']);
        const [activity] = await activities(api, id);
        expect(activity?.scalingValue).toBe(3);
        expect(activity?.added).toHaveLength(3);
        expect(JSON.parse(activity?.description ?? '{}')).toMatchObject({
          warm_pool_instance_number: 2,
        });
        // Emptied by the scale-out, refilled by the engine's pass.
        expect((await poolInstances(api, path, id)).warm_pool_instances).toEqual([]);
        await engineOf(api, settle).runDue();
        const refilled = (await poolInstances(api, path, id)).warm_pool_instances;
        expect(refilled).toHaveLength(2);
        expect(refilled.map((i) => i.status)).toEqual(['INITIALIZING', 'INITIALIZING']);
      });

      it('trims the pool when its size is lowered, deleting the servers', async () => {
        const api = await openTestApi(backend, { config: { instanceSettleMs: settle } });
        const id = await createGroup(api, { min: 0, max: 5, desire: 0 });
        await putPool(api, path, id, { min_capacity: 3, max_capacity: 3 });
        const before = (await poolInstances(api, path, id)).warm_pool_instances;
        expect(
          (await putPool(api, path, id, { min_capacity: 1, max_capacity: 1 })).statusCode,
        ).toBe(204);
        const after = (await poolInstances(api, path, id)).warm_pool_instances;
        expect(after).toHaveLength(1);
        const servers = await serverIds(api);
        const gone = before.filter((i) => !after.some((a) => a.id === i.id));
        for (const i of gone) expect(servers).not.toContain(i.instance_id);
      });

      it('closing the pool deletes its instances and their servers; a second close changes nothing', async () => {
        const api = await openTestApi(backend, { config: { instanceSettleMs: settle } });
        const id = await createGroup(api, { min: 0, max: 5, desire: 0 });
        await putPool(api, path, id, { min_capacity: 2, max_capacity: 2 });
        expect(await serverIds(api)).toHaveLength(2);
        const res = await send(api, 'DELETE', poolUrl(path, id));
        expect(res.statusCode, res.body).toBe(204);
        expect(await showPool(api, path, id)).toEqual({});
        expect((await poolInstances(api, path, id)).warm_pool_instances).toEqual([]);
        expect(await serverIds(api)).toEqual([]);
        expect((await send(api, 'DELETE', poolUrl(path, id))).statusCode).toBe(204);
      });

      it('deleting the group closes its pool', async () => {
        const api = await openTestApi(backend, { config: { instanceSettleMs: settle } });
        const id = await createGroup(api, { min: 0, max: 5, desire: 0 });
        await putPool(api, path, id, { min_capacity: 2, max_capacity: 2 });
        const res = await send(api, 'DELETE', `${groupsUrl()}/${id}`);
        expect(res.statusCode, res.body).toBe(204);
        expect(await serverIds(api)).toEqual([]);
        expectAsError(await send(api, 'GET', poolUrl(path, id)), 400, 'AS.2007');
      });

      it('pages the instances by marker', async () => {
        const api = await openTestApi(backend, { config: { instanceSettleMs: settle } });
        const id = await createGroup(api, { min: 0, max: 5, desire: 0 });
        await putPool(api, path, id, { min_capacity: 3, max_capacity: 3 });
        const all = (await poolInstances(api, path, id)).warm_pool_instances.map((i) => i.id);
        const first = await poolInstances(api, path, id, '?limit=2');
        expect(first.warm_pool_instances.map((i) => i.id)).toEqual(all.slice(0, 2));
        expect(first.page_info).toEqual({ next_marker: all[1] });
        const second = await poolInstances(
          api,
          path,
          id,
          `?limit=2&marker=${first.page_info.next_marker ?? ''}`,
        );
        expect(second.warm_pool_instances.map((i) => i.id)).toEqual(all.slice(2));
        expect(second.page_info).toEqual({});
        expect((await poolInstances(api, path, id, '?limit=0')).warm_pool_instances).toEqual([]);
      });

      it('answers every documented code', async () => {
        const api = await openTestApi(backend, { config: { instanceSettleMs: settle } });
        const id = await createGroup(api, { min: 0, max: 3, desire: 0 });
        const unknown = '11111111-2222-4333-8444-555555555555';
        // An unknown group, on every operation.
        expectAsError(await putPool(api, path, unknown, {}), 400, 'AS.2007');
        expectAsError(await send(api, 'GET', poolUrl(path, unknown)), 400, 'AS.2007');
        expectAsError(await send(api, 'DELETE', poolUrl(path, unknown)), 400, 'AS.2007');
        expectAsError(await send(api, 'GET', poolInstancesUrl(path, unknown)), 400, 'AS.2007');
        // Credentials first, as for every route.
        const anonymous = await api.inject({ method: 'GET', url: poolUrl(path, id) }, 'anonymous');
        expect(anonymous.statusCode).toBe(401);
        expect(anonymous.json()).toMatchObject({ error_code: 'APIGW.0301' });
        // Another method on a known path.
        const post = await send(api, 'POST', poolUrl(path, id), {});
        expect(post.statusCode).toBe(405);
        expect(post.headers.allow).toBe('GET, HEAD, DELETE, PUT');
        expect(post.json()).toMatchObject({ error_code: 'APIGW.0201' });
        // The body.
        const empty = await api.inject({
          method: 'PUT',
          url: poolUrl(path, id),
          headers: { 'content-type': 'application/json' },
        });
        expectAsError(empty, 400, 'AS.0002');
        const bad = [
          [],
          'pool',
          { size: 1 },
          { min_capacity: 1 },
          { max_capacity: 1 },
          { min_capacity: 1, max_capacity: 2 },
          { min_capacity: -1, max_capacity: -1 },
          { min_capacity: 1.5, max_capacity: 1.5 },
          { min_capacity: '1', max_capacity: '1' },
          { min_capacity: 2_147_483_648, max_capacity: 2_147_483_648 },
          { instance_init_wait_time: -1 },
          { instance_init_wait_time: 86_401 },
          { instance_init_wait_time: 'soon' },
        ];
        for (const body of bad) {
          const message = expectAsError(await putPool(api, path, id, body), 400, 'AS.0022');
          expect(message.length, JSON.stringify(body)).toBeGreaterThan(10);
        }
        // Above the group's maximum.
        const above = expectAsError(
          await putPool(api, path, id, { min_capacity: 4, max_capacity: 4 }),
          400,
          'AS.0022',
        );
        expect(above).toContain('max_instance_number 3');
        expect(
          (await putPool(api, path, id, { min_capacity: 3, max_capacity: 3 })).statusCode,
        ).toBe(204);
        // The list's query.
        for (const query of [
          '?limit=101',
          '?limit=-1',
          '?limit=x',
          '?limit=1&limit=2',
          '?marker=nope',
        ]) {
          expectAsError(
            await send(api, 'GET', `${poolInstancesUrl(path, id)}${query}`),
            400,
            'AS.0022',
          );
        }
        // Nothing refused changed the pool.
        expect((await poolInstances(api, path, id)).warm_pool_instances).toHaveLength(3);
      });

      it("never shows another project's pool", async () => {
        const api = await openTestApi(backend, { config: { instanceSettleMs: settle } });
        const id = await createGroup(api, { min: 0, max: 3, desire: 0 });
        await putPool(api, path, id, { min_capacity: 1, max_capacity: 1 });
        const other = { credential: await api.credentialFor(otherProject) };
        const url = (u: string) => u.replace(project, otherProject);
        for (const [method, target] of [
          ['GET', poolUrl(path, id)],
          ['DELETE', poolUrl(path, id)],
          ['GET', poolInstancesUrl(path, id)],
        ] as const) {
          expectAsError(await send(api, method, url(target), undefined, other), 400, 'AS.2007');
        }
        expectAsError(await send(api, 'PUT', url(poolUrl(path, id)), {}, other), 400, 'AS.2007');
        // Its credential on this project's path is refused by tenant isolation.
        const crossed = await send(api, 'GET', poolUrl(path, id), undefined, {
          ...other,
          projectHeader: false,
        });
        expectAsError(crossed, 403, 'AS.0011');
        expect((await poolInstances(api, path, id)).warm_pool_instances).toHaveLength(1);
      });
    });
  }
}
