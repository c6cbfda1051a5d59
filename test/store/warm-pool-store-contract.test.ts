import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PooledInstance, WarmPool } from '../../src/domain/warm-pool.js';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/store.js';
import { testBackends } from '../support/backends.js';

/**
 * The warm pool repository, on every backend: pools and their instances read back as
 * written, pages by marker, and a due refill claimed by exactly one of the transactions that try.
 */

const t0 = 1_700_000_000_000;
const minute = 60_000;

const pool = (over: Partial<WarmPool> = {}): WarmPool => ({
  projectId: 'proj-a',
  groupId: 'group-1',
  instanceInitWaitSeconds: 30,
  status: 'ACTIVE',
  createTime: t0,
  ...over,
});

const pooled = (id: string, over: Partial<PooledInstance> = {}): PooledInstance => ({
  id,
  serverId: `srv-${id}`,
  projectId: 'proj-a',
  groupId: 'group-1',
  name: `cfg-${id}`,
  configurationId: 'cfg-1',
  configurationName: 'cfg',
  createTime: t0,
  readyAt: t0 + minute,
  ...over,
});

for (const backend of testBackends) {
  describe.skipIf(!backend.available)(`warm pool store contract: ${backend.name}`, () => {
    let store: Store;
    let cleanup: () => Promise<void>;

    beforeEach(async () => {
      const fresh = await backend.fresh();
      cleanup = fresh.cleanup;
      store = await openStore(fresh.url, { queryTimeoutMs: 5000 });
    });
    afterEach(async () => {
      await store.close();
      await cleanup();
    });

    it('reads a pool back as written, replaces its settings, and deletes it', async () => {
      await store.resourceSession(async (tx) => {
        await tx.warmPools.put(pool());
        await tx.warmPools.put(pool({ projectId: 'proj-b', capacity: 3, refillAt: t0 }));
      });
      await store.resourceRead(async (tx) => {
        expect(await tx.warmPools.get('proj-a', 'group-1')).toEqual(pool());
        expect(await tx.warmPools.get('proj-b', 'group-1')).toEqual(
          pool({ projectId: 'proj-b', capacity: 3, refillAt: t0 }),
        );
        expect(await tx.warmPools.get('proj-a', 'group-2')).toBeUndefined();
      });
      // A second put replaces the settings, keeps the create time.
      await store.resourceSession((tx) =>
        tx.warmPools.put(pool({ capacity: 2, instanceInitWaitSeconds: 0, createTime: t0 + 5 })),
      );
      expect(await store.resourceRead((tx) => tx.warmPools.get('proj-a', 'group-1'))).toEqual(
        pool({ capacity: 2, instanceInitWaitSeconds: 0 }),
      );
      expect(await store.resourceSession((tx) => tx.warmPools.delete('proj-a', 'group-1'))).toBe(
        true,
      );
      expect(await store.resourceSession((tx) => tx.warmPools.delete('proj-a', 'group-1'))).toBe(
        false,
      );
      expect(await store.resourceRead((tx) => tx.warmPools.get('proj-b', 'group-1'))).toBeDefined();
    });

    it("keeps a pool's instances, oldest first, and pages them by marker", async () => {
      await store.resourceSession(async (tx) => {
        await tx.warmPools.insertInstances([
          pooled('c', { createTime: t0 + 1 }),
          pooled('a'),
          pooled('b'),
          pooled('x', { groupId: 'group-2' }),
          pooled('y', { projectId: 'proj-b' }),
        ]);
      });
      await store.resourceRead(async (tx) => {
        expect((await tx.warmPools.instances('proj-a', 'group-1')).map((i) => i.id)).toEqual([
          'a',
          'b',
          'c',
        ]);
        expect((await tx.warmPools.instances('proj-a', 'group-1'))[0]).toEqual(pooled('a'));
        const first = await tx.warmPools.page('proj-a', 'group-1', undefined, 2);
        expect(first?.instances.map((i) => i.id)).toEqual(['a', 'b']);
        expect(first?.more).toBe(true);
        const second = await tx.warmPools.page('proj-a', 'group-1', 'b', 2);
        expect(second?.instances.map((i) => i.id)).toEqual(['c']);
        expect(second?.more).toBe(false);
        expect(await tx.warmPools.page('proj-a', 'group-1', 'x', 2)).toBeUndefined();
        expect(await tx.warmPools.page('proj-b', 'group-1', 'a', 2)).toBeUndefined();
        expect((await tx.warmPools.page('proj-a', 'group-1', undefined, 0))?.instances).toEqual([]);
      });
      await store.resourceSession((tx) => tx.warmPools.deleteInstances('proj-a', ['a', 'y']));
      await store.resourceRead(async (tx) => {
        expect((await tx.warmPools.instances('proj-a', 'group-1')).map((i) => i.id)).toEqual([
          'b',
          'c',
        ]);
        // Another project's instance of the same id is not deleted.
        expect(await tx.warmPools.instances('proj-b', 'group-1')).toHaveLength(1);
      });
    });

    it('lists due refills and lets exactly one transaction claim each', async () => {
      await store.resourceSession(async (tx) => {
        await tx.warmPools.put(pool());
        await tx.warmPools.put(pool({ groupId: 'group-2' }));
        await tx.warmPools.markDue('proj-a', 'group-1', t0);
        await tx.warmPools.markDue('proj-a', 'group-2', t0 + minute);
        // No pool, nothing marked.
        await tx.warmPools.markDue('proj-a', 'group-3', t0);
      });
      expect(await store.resourceRead((tx) => tx.warmPools.due(t0, 10))).toEqual([
        { projectId: 'proj-a', groupId: 'group-1', dueAt: t0 },
      ]);
      expect(
        (await store.resourceRead((tx) => tx.warmPools.due(t0 + minute, 10))).map((d) => d.groupId),
      ).toEqual(['group-1', 'group-2']);
      const claims = await Promise.all(
        Array.from({ length: 4 }, () =>
          store.resourceSession((tx) => tx.warmPools.claimRefill('proj-a', 'group-1', t0)),
        ),
      );
      expect(claims.filter(Boolean)).toHaveLength(1);
      // A claim of a time that has moved on fails.
      expect(
        await store.resourceSession((tx) => tx.warmPools.claimRefill('proj-a', 'group-2', t0)),
      ).toBe(false);
      expect(await store.resourceRead((tx) => tx.warmPools.due(t0 + minute, 10))).toEqual([
        { projectId: 'proj-a', groupId: 'group-2', dueAt: t0 + minute },
      ]);
    });
  });
}
