import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LifecycleHook } from '../../src/domain/lifecycle-hook.js';
import type { ScalingGroup } from '../../src/domain/scaling-group.js';
import { PolicyEngine } from '../../src/engine/policy-engine.js';
import type { PolicyEngineOptions } from '../../src/engine/policy-engine.js';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/store.js';
import { testBackends } from '../support/backends.js';
import { insertGroupInService } from '../support/group-fixtures.js';

/**
 * The engine and lifecycle hooks, on the injectable clock: a policy's scale-out is held by a
 * launching hook, a scale-in by a terminating one; the stored deadline is applied by any
 * engine over the store, once, however many run their pass.
 */

const project = '0a1b2c3d4e5f60718293a4b5c6d7e8f9';
const groupId = '1f2d3e73-7ef6-40b3-a8fa-514b68eccaa7';
const t0 = Date.UTC(2026, 2, 1, 10, 0, 0);
const settle = 30_000;

const group: ScalingGroup = {
  id: groupId,
  projectId: project,
  name: 'web',
  status: 'INSERVICE',
  minInstances: 0,
  maxInstances: 5,
  desireInstances: 1,
  coolDownSeconds: 0,
  createTime: t0 - 3_600_000,
  attributes: {},
};

const hook = (over: Partial<LifecycleHook>): LifecycleHook => ({
  projectId: project,
  groupId,
  name: 'boot',
  type: 'INSTANCE_LAUNCHING',
  defaultResult: 'CONTINUE',
  defaultTimeoutSeconds: 120,
  topicUrn: 'urn:smn:r:p:t',
  createTime: t0 - 60_000,
  ...over,
});

for (const backend of testBackends) {
  describe.skipIf(!backend.available)(`engine and lifecycle hooks: ${backend.name}`, () => {
    let store: Store;
    let cleanup: () => Promise<void>;
    let now: number;
    const clock = (): number => now;
    const options: PolicyEngineOptions = {
      instanceSettleMs: settle,
      misfireGraceMs: 300_000,
      bandwidthResponse: () => '{}',
    };
    const engine = (): PolicyEngine => new PolicyEngine(store, clock, options);
    const states = async (): Promise<string[]> =>
      (await store.resourceRead((tx) => tx.instances.ofGroup(project, groupId))).map(
        (i) => i.state,
      );

    beforeEach(async () => {
      const fresh = await backend.fresh();
      cleanup = fresh.cleanup;
      store = await openStore(fresh.url, { queryTimeoutMs: 5000 });
      now = t0;
      await store.resourceSession(async (tx) => {
        await insertGroupInService(tx, group);
        await tx.lifecycleHooks.insert(hook({}));
        await tx.lifecycleHooks.insert(
          hook({ name: 'drain', type: 'INSTANCE_TERMINATING', defaultResult: 'ABANDON' }),
        );
        await tx.policies.insert({
          id: 'a0000000-0000-4000-8000-000000000001',
          projectId: project,
          name: 'up',
          resourceType: 'SCALING_GROUP',
          resourceId: groupId,
          policyType: 'ALARM',
          alarmId: 'al-up',
          action: { operation: 'ADD', number: 1 },
          coolDownSeconds: 0,
          status: 'INSERVICE',
          createTime: t0 - 60_000,
        });
        await tx.policies.insert({
          id: 'a0000000-0000-4000-8000-000000000002',
          projectId: project,
          name: 'down',
          resourceType: 'SCALING_GROUP',
          resourceId: groupId,
          policyType: 'ALARM',
          alarmId: 'al-down',
          action: { operation: 'REMOVE', number: 1 },
          coolDownSeconds: 0,
          status: 'INSERVICE',
          createTime: t0 - 60_000,
        });
      });
    });
    afterEach(async () => {
      await store.close();
      await cleanup();
    });

    it("holds a policy's scale-out until the stored deadline, which a new engine applies once", async () => {
      const outcomes = await engine().fireAlarm(project, 'al-up');
      expect(outcomes.map((o) => o.status)).toEqual(['EXECUTING']);
      expect(await states()).toEqual(['INSERVICE', 'PENDING_WAIT']);
      now += settle;
      await engine().runDue();
      expect(await states()).toEqual(['INSERVICE', 'PENDING_WAIT']);
      now = t0 + 120_000;
      // Two engines (two servers) run their pass over the same store: one applies it.
      await Promise.all([engine().runDue(), engine().runDue()]);
      await engine().runDue();
      expect(await states()).toEqual(['INSERVICE', 'INSERVICE']);
      const page = await store.resourceRead((tx) =>
        tx.activities.list(project, groupId, {}, { startNumber: 0, limit: 10 }, now),
      );
      expect(page.total).toBe(1);
      const [activity] = page.activities;
      expect(activity?.status).toBe('SUCCESS');
      expect(activity?.description.split('CONTINUE at its timeout').length).toBe(2);
    });

    it('holds a scale-in in REMOVING_WAIT, counted as current, until ABANDON at the timeout removes it', async () => {
      await engine().fireAlarm(project, 'al-down');
      expect(await states()).toEqual(['REMOVING_WAIT']);
      const current = await store.resourceRead((tx) =>
        tx.instances.currentCounts(project, [groupId], now),
      );
      expect(current.get(groupId)).toBe(1);
      now = t0 + 119_999;
      await engine().runDue();
      expect(await states()).toEqual(['REMOVING_WAIT']);
      now = t0 + 120_000;
      await engine().runDue();
      expect(await states()).toEqual(['REMOVING']);
      now += settle;
      await engine().runDue();
      expect(await states()).toEqual([]);
      const page = await store.resourceRead((tx) =>
        tx.activities.list(project, groupId, {}, { startNumber: 0, limit: 10 }, now),
      );
      expect(page.activities.map((a) => a.status)).toEqual(['SUCCESS']);
    });
  });
}
