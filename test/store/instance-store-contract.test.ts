import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ScalingInstance } from '../../src/domain/scaling-instance.js';
import type { StandInServer } from '../../src/domain/stand-in-server.js';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/store.js';
import { testBackends } from '../support/backends.js';

/**
 * The instance and server repositories, on every backend: rows read back as written, read at
 * a moment (a change due is seen before it is written down), and written down exactly once
 * however many servers do it.
 */

const t0 = 1_700_000_000_000;
const minute = 60_000;

const server = (id: string, over: Partial<StandInServer> = {}): StandInServer => ({
  id,
  projectId: 'proj-a',
  name: `srv-${id}`,
  createTime: t0,
  ...over,
});

const instance = (id: string, over: Partial<ScalingInstance> = {}): ScalingInstance => ({
  id,
  projectId: 'proj-a',
  groupId: 'group-1',
  name: `cfg-${id}`,
  configurationId: 'cfg-1',
  configurationName: 'cfg',
  state: 'INSERVICE',
  protectedFromScaleIn: false,
  deleteOnRemoval: true,
  createTime: t0,
  ...over,
});

for (const backend of testBackends) {
  describe.skipIf(!backend.available)(`instance store contract: ${backend.name}`, () => {
    let url: string;
    let store: Store;
    let cleanup: () => Promise<void>;

    beforeEach(async () => {
      const fresh = await backend.fresh();
      url = fresh.url;
      cleanup = fresh.cleanup;
      store = await openStore(fresh.url, { queryTimeoutMs: 5000 });
    });
    afterEach(async () => {
      await store.close();
      await cleanup();
    });

    const seed = (instances: ScalingInstance[]) =>
      store.resourceSession(async (tx) => {
        for (const i of instances) {
          await tx.servers.insert(
            server(i.id, {
              projectId: i.projectId,
              name: i.name,
              ...(i.configurationId === undefined ? {} : { configurationId: i.configurationId }),
            }),
          );
        }
        await tx.instances.insert(instances);
      });

    it('reads servers and instances back as written, optional fields absent or present', async () => {
      const manual = instance('i-2', {
        state: 'PENDING',
        settlesAt: t0 + minute,
        protectedFromScaleIn: true,
        deleteOnRemoval: false,
        createTime: t0 + 1,
      });
      delete (manual as { configurationId?: string }).configurationId;
      delete (manual as { configurationName?: string }).configurationName;
      await seed([instance('i-1'), manual]);
      await store.resourceRead(async (tx) => {
        expect(await tx.instances.get('proj-a', 'i-1')).toEqual(instance('i-1'));
        expect(await tx.instances.get('proj-a', 'i-2')).toEqual(manual);
        expect(await tx.instances.get('proj-b', 'i-1')).toBeUndefined();
        expect((await tx.instances.ofGroup('proj-a', 'group-1')).map((i) => i.id)).toEqual([
          'i-1',
          'i-2',
        ]);
        expect(await tx.servers.get('proj-a', 'i-1', t0)).toEqual(
          server('i-1', { name: 'cfg-i-1', configurationId: 'cfg-1' }),
        );
        expect(await tx.servers.get('proj-a', 'i-2', t0)).toEqual(
          server('i-2', { name: 'cfg-i-2' }),
        );
        expect(await tx.servers.get('proj-b', 'i-1', t0)).toBeUndefined();
      });
    });

    it('counts current instances at a moment: in service and being removed, not pending nor standby', async () => {
      await seed([
        instance('a'),
        instance('b', { state: 'PENDING', settlesAt: t0 + minute }),
        instance('c', { state: 'REMOVING', settlesAt: t0 + minute }),
        instance('d', { state: 'STANDBY' }),
        instance('e', { groupId: 'group-2' }),
        instance('f', { projectId: 'proj-b' }),
      ]);
      const counts = (nowMs: number) =>
        store.resourceRead((tx) =>
          tx.instances.currentCounts('proj-a', ['group-1', 'group-2', 'group-3'], nowMs),
        );
      expect(Object.fromEntries(await counts(t0))).toEqual({
        'group-1': 2,
        'group-2': 1,
        'group-3': 0,
      });
      // Once settled: b is in service, c is gone.
      expect((await counts(t0 + minute)).get('group-1')).toBe(2);
      expect(await store.resourceRead((tx) => tx.instances.countProject('proj-a', t0))).toBe(5);
      expect(
        await store.resourceRead((tx) => tx.instances.countProject('proj-a', t0 + minute)),
      ).toBe(4);
    });

    it('a removal with deletion takes the server with it as soon as it settles', async () => {
      await seed([
        instance('gone', { state: 'REMOVING', settlesAt: t0 + minute }),
        instance('kept', { state: 'REMOVING', settlesAt: t0 + minute, deleteOnRemoval: false }),
      ]);
      const servers = (nowMs: number) =>
        store.resourceRead(async (tx) =>
          (await tx.servers.list('proj-a', { startNumber: 0, limit: 10 }, nowMs)).servers
            .map((s) => s.id)
            .sort(),
        );
      expect(await servers(t0)).toEqual(['gone', 'kept']);
      expect(await servers(t0 + minute)).toEqual(['kept']);
      expect(
        await store.resourceRead((tx) => tx.servers.get('proj-a', 'gone', t0 + minute)),
      ).toBeUndefined();
    });

    it('writes settled changes down once: pending in service, removed gone with their servers', async () => {
      await seed([
        instance('p', { state: 'PENDING', settlesAt: t0 + minute }),
        instance('r', { state: 'REMOVING', settlesAt: t0 + minute }),
        instance('later', { state: 'PENDING', settlesAt: t0 + 2 * minute }),
      ]);
      expect(await store.resourceRead((tx) => tx.instances.anyDue(t0))).toBe(false);
      expect(await store.resourceRead((tx) => tx.instances.anyDue(t0 + minute))).toBe(true);
      expect(await store.resourceSession((tx) => tx.instances.settleDue(t0 + minute, 10))).toBe(2);
      // A second pass, as another server's would be, finds nothing left.
      expect(await store.resourceSession((tx) => tx.instances.settleDue(t0 + minute, 10))).toBe(0);
      await store.resourceRead(async (tx) => {
        expect(await tx.instances.get('proj-a', 'p')).toEqual(instance('p'));
        expect(await tx.instances.get('proj-a', 'r')).toBeUndefined();
        expect(await tx.servers.get('proj-a', 'r', t0)).toBeUndefined();
        expect((await tx.instances.get('proj-a', 'later'))?.state).toBe('PENDING');
        expect(await tx.instances.anyDue(t0 + minute)).toBe(false);
      });
    });

    it('keeps a server in one group at most', async () => {
      await seed([instance('i-1')]);
      await expect(
        store.resourceSession((tx) =>
          tx.instances.insert([instance('i-1', { groupId: 'group-2' })]),
        ),
      ).rejects.toThrow();
      expect((await store.resourceRead((tx) => tx.instances.get('proj-a', 'i-1')))?.groupId).toBe(
        'group-1',
      );
    });

    it.skipIf(backend.name !== 'postgres')(
      'several servers settling the same changes write each down once',
      async () => {
        const many = Array.from({ length: 40 }, (_, n) =>
          instance(`i-${String(n)}`, {
            state: n % 2 === 0 ? 'PENDING' : 'REMOVING',
            settlesAt: t0 + (n % 5),
          }),
        );
        await seed(many);
        const servers = await Promise.all([1, 2, 3].map(() => openStore(url)));
        let written = 0;
        try {
          await Promise.all(
            servers.map(async (s) => {
              for (;;) {
                const n = await s.resourceSession((tx) => tx.instances.settleDue(t0 + minute, 7));
                written += n;
                if (n === 0) return;
              }
            }),
          );
        } finally {
          for (const s of servers) await s.close();
        }
        // Each statement changes only rows still in the state it changes from: 40 in all.
        expect(written).toBe(40);
        const left = await store.resourceRead((tx) => tx.instances.ofGroup('proj-a', 'group-1'));
        expect(left).toHaveLength(20);
        expect(left.every((i) => i.state === 'INSERVICE' && i.settlesAt === undefined)).toBe(true);
      },
    );
  });
}
