import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { HookWait, LifecycleHook } from '../../src/domain/lifecycle-hook.js';
import type { ScalingInstance } from '../../src/domain/scaling-instance.js';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/store.js';
import { testBackends } from '../support/backends.js';

/**
 * The lifecycle hook repository, on every backend: hooks read back as written, in creation
 * order, per project and group; holds listed for the instances still in the group; a hold
 * ended or extended by one conditional claim only, however many servers try at once.
 */

const t0 = 1_700_000_000_000;

const hook = (name: string, over: Partial<LifecycleHook> = {}): LifecycleHook => ({
  projectId: 'proj-a',
  groupId: 'group-1',
  name,
  type: 'INSTANCE_LAUNCHING',
  defaultResult: 'ABANDON',
  defaultTimeoutSeconds: 3600,
  topicUrn: 'urn:smn:r:p:topic',
  createTime: t0,
  ...over,
});

const wait = (key: string, over: Partial<HookWait> = {}): HookWait => ({
  actionKey: key,
  projectId: 'proj-a',
  groupId: 'group-1',
  instanceId: 'i-1',
  hookName: 'boot',
  hookType: 'INSTANCE_LAUNCHING',
  defaultResult: 'CONTINUE',
  timeoutAt: t0 + 60_000,
  status: 'HANGING',
  activityId: 'act-1',
  createTime: t0,
  ...over,
});

const instance = (id: string, groupId = 'group-1'): ScalingInstance => ({
  id,
  projectId: 'proj-a',
  groupId,
  name: `cfg-${id}`,
  state: 'PENDING_WAIT',
  protectedFromScaleIn: false,
  deleteOnRemoval: true,
  createTime: t0,
});

for (const backend of testBackends) {
  describe.skipIf(!backend.available)(`lifecycle hook store contract: ${backend.name}`, () => {
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

    it('reads hooks back as written, oldest first, per project and group; updates and deletes them', async () => {
      await store.resourceSession(async (tx) => {
        await tx.lifecycleHooks.insert(hook('late', { createTime: t0 + 5 }));
        await tx.lifecycleHooks.insert(
          hook('early', { metadata: 'm', type: 'INSTANCE_TERMINATING', defaultResult: 'CONTINUE' }),
        );
        await tx.lifecycleHooks.insert(hook('other-group', { groupId: 'group-2' }));
        await tx.lifecycleHooks.insert(hook('early', { projectId: 'proj-b' }));
      });
      const read = await store.resourceRead(async (tx) => ({
        list: await tx.lifecycleHooks.ofGroup('proj-a', 'group-1'),
        one: await tx.lifecycleHooks.get('proj-a', 'group-1', 'early'),
        none: await tx.lifecycleHooks.get('proj-a', 'group-2', 'early'),
      }));
      expect(read.list.map((h) => h.name)).toEqual(['early', 'late']);
      expect(read.one).toEqual(
        hook('early', { metadata: 'm', type: 'INSTANCE_TERMINATING', defaultResult: 'CONTINUE' }),
      );
      expect(read.none).toBeUndefined();
      await store.resourceSession(async (tx) => {
        await tx.lifecycleHooks.update(
          hook('late', { createTime: t0 + 5, defaultTimeoutSeconds: 60 }),
        );
        expect(await tx.lifecycleHooks.delete('proj-a', 'group-1', 'early')).toBe(true);
        expect(await tx.lifecycleHooks.delete('proj-a', 'group-1', 'early')).toBe(false);
      });
      const after = await store.resourceRead((tx) =>
        tx.lifecycleHooks.ofGroup('proj-a', 'group-1'),
      );
      expect(after).toEqual([hook('late', { createTime: t0 + 5, defaultTimeoutSeconds: 60 })]);
      expect(
        await store.resourceRead((tx) => tx.lifecycleHooks.get('proj-b', 'group-1', 'early')),
      ).toBeDefined();
    });

    it('lists holds of instances still in the group, counts the hanging ones, and finds the due ones', async () => {
      await store.resourceSession(async (tx) => {
        await tx.instances.insert([instance('i-1'), instance('i-2')]);
        await tx.lifecycleHooks.insertWaits([
          wait('k-1'),
          wait('k-2', { instanceId: 'i-2', timeoutAt: t0 + 30_000, createTime: t0 + 1 }),
          wait('k-3', { instanceId: 'i-gone', createTime: t0 + 2 }),
          wait('k-4', {
            instanceId: 'i-2',
            status: 'CONTINUE',
            activityId: 'act-2',
            createTime: t0 + 3,
          }),
        ]);
      });
      const read = await store.resourceRead(async (tx) => ({
        all: await tx.lifecycleHooks.waitsOfGroup('proj-a', 'group-1'),
        one: await tx.lifecycleHooks.waitsOfGroup('proj-a', 'group-1', 'i-2'),
        otherProject: await tx.lifecycleHooks.waitsOfGroup('proj-b', 'group-1'),
        byKey: await tx.lifecycleHooks.waitByKey('proj-a', 'group-1', 'k-2'),
        keyElsewhere: await tx.lifecycleHooks.waitByKey('proj-a', 'group-2', 'k-2'),
        hanging: await tx.lifecycleHooks.countHanging('proj-a', 'group-1'),
        ofActivity: await tx.lifecycleHooks.countHanging('proj-a', 'group-1', 'act-2'),
        dueSoon: await tx.lifecycleHooks.dueWaits(t0 + 30_000, 10),
        dueAll: await tx.lifecycleHooks.dueWaits(t0 + 60_000, 10),
        dueOne: await tx.lifecycleHooks.dueWaits(t0 + 60_000, 1),
      }));
      expect(read.all.map((w) => w.actionKey)).toEqual(['k-1', 'k-2', 'k-4']);
      expect(read.one.map((w) => w.actionKey)).toEqual(['k-2', 'k-4']);
      expect(read.otherProject).toEqual([]);
      expect(read.byKey).toEqual(
        wait('k-2', { instanceId: 'i-2', timeoutAt: t0 + 30_000, createTime: t0 + 1 }),
      );
      expect(read.keyElsewhere).toBeUndefined();
      expect(read.hanging).toBe(3);
      expect(read.ofActivity).toBe(0);
      expect(read.dueSoon.map((w) => w.actionKey)).toEqual(['k-2']);
      expect(read.dueAll.map((w) => w.actionKey).sort()).toEqual(['k-1', 'k-2', 'k-3']);
      expect(read.dueOne.map((w) => w.actionKey)).toEqual(['k-2']);
    });

    it('ends or extends a hold for one claimant only, and only from the deadline it read', async () => {
      await store.resourceSession((tx) =>
        tx.lifecycleHooks.insertWaits([wait('k-1'), wait('k-2')]),
      );
      const other = await openStore(url, { queryTimeoutMs: 5000 });
      try {
        const claims = await Promise.all(
          [store, other, store, other].map((s, n) =>
            s.resourceSession((tx) =>
              tx.lifecycleHooks.finishWait(
                'k-1',
                t0 + 60_000,
                n % 2 === 0 ? 'CONTINUE' : 'ABANDON',
              ),
            ),
          ),
        );
        expect(claims.filter(Boolean)).toHaveLength(1);
      } finally {
        await other.close();
      }
      await store.resourceSession(async (tx) => {
        expect(await tx.lifecycleHooks.finishWait('k-2', t0 + 1, 'CONTINUE')).toBe(false);
        expect(await tx.lifecycleHooks.extendWait('k-2', t0 + 1, t0 + 2)).toBe(false);
        expect(await tx.lifecycleHooks.extendWait('k-2', t0 + 60_000, t0 + 120_000)).toBe(true);
        expect(await tx.lifecycleHooks.finishWait('k-2', t0 + 60_000, 'CONTINUE')).toBe(false);
        expect(await tx.lifecycleHooks.extendWait('k-1', t0 + 60_000, t0 + 120_000)).toBe(false);
      });
      const due = await store.resourceRead((tx) => tx.lifecycleHooks.dueWaits(t0 + 60_000, 10));
      expect(due).toEqual([]);
      const later = await store.resourceRead((tx) => tx.lifecycleHooks.dueWaits(t0 + 120_000, 10));
      expect(later.map((w) => [w.actionKey, w.timeoutAt])).toEqual([['k-2', t0 + 120_000]]);
    });

    it("deletes a group's hooks and holds, and no other group's", async () => {
      await store.resourceSession(async (tx) => {
        await tx.lifecycleHooks.insert(hook('a'));
        await tx.lifecycleHooks.insert(hook('a', { groupId: 'group-2' }));
        await tx.lifecycleHooks.insertWaits([wait('k-1'), wait('k-2', { groupId: 'group-2' })]);
        await tx.lifecycleHooks.deleteOfGroup('proj-a', 'group-1');
      });
      const left = await store.resourceRead(async (tx) => ({
        hooks: await tx.lifecycleHooks.ofGroup('proj-a', 'group-1'),
        others: await tx.lifecycleHooks.ofGroup('proj-a', 'group-2'),
        due: await tx.lifecycleHooks.dueWaits(t0 + 60_000, 10),
      }));
      expect(left.hooks).toEqual([]);
      expect(left.others).toHaveLength(1);
      expect(left.due.map((w) => w.actionKey)).toEqual(['k-2']);
    });
  });
}
