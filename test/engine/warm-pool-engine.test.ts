import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ScalingConfiguration } from '../../src/domain/scaling-configuration.js';
import type { ScalingGroup } from '../../src/domain/scaling-group.js';
import type { ScalingPolicy } from '../../src/domain/scaling-policy.js';
import { pooledInstanceStatus } from '../../src/domain/warm-pool.js';
import type { WarmPool } from '../../src/domain/warm-pool.js';
import { PolicyEngine } from '../../src/engine/policy-engine.js';
import type { PolicyEngineOptions } from '../../src/engine/policy-engine.js';
import { instanceAt } from '../../src/domain/scaling-instance.js';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/store.js';
import { testBackends } from '../support/backends.js';

/**
 * The engine and a group's warm pool, on the injectable clock: the pass fills a pool that is
 * due, a policy's scale-out takes READY pool instances before it builds, the activity says
 * how many came from the pool, and the next pass refills it, once however many servers run.
 */

const project = '0a1b2c3d4e5f60718293a4b5c6d7e8f9';
const groupId = '1f2d3e73-7ef6-40b3-a8fa-514b68eccaa7';
const configurationId = 'cf000000-0000-4000-8000-000000000001';
const t0 = Date.UTC(2026, 2, 1, 10, 0, 0);
const minute = 60_000;

let ids = 0;
const newId = (): string => `00000000-0000-4000-8000-${String(++ids).padStart(12, '0')}`;

const group: ScalingGroup = {
  id: groupId,
  projectId: project,
  name: 'web',
  status: 'INSERVICE',
  minInstances: 0,
  maxInstances: 6,
  desireInstances: 0,
  coolDownSeconds: 0,
  createTime: t0 - 3_600_000,
  attributes: { scaling_configuration_id: configurationId },
};

const configuration: ScalingConfiguration = {
  id: configurationId,
  projectId: project,
  name: 'web-config',
  instanceConfig: { flavorRef: 's6.small.1', imageRef: 'img-1' },
  createTime: t0 - 7_200_000,
};

const pool: WarmPool = {
  projectId: project,
  groupId,
  capacity: 2,
  instanceInitWaitSeconds: 30,
  status: 'ACTIVE',
  createTime: t0,
  refillAt: t0,
};

const addThree: ScalingPolicy = {
  id: 'a0000000-0000-4000-8000-000000000001',
  projectId: project,
  name: 'add-three',
  resourceType: 'SCALING_GROUP',
  resourceId: groupId,
  policyType: 'ALARM',
  alarmId: 'al-cpu-high',
  action: { operation: 'ADD', number: 3 },
  coolDownSeconds: 0,
  status: 'INSERVICE',
  createTime: t0 - minute,
};

for (const backend of testBackends) {
  describe.skipIf(!backend.available)(`warm pool engine: ${backend.name}`, () => {
    let url: string;
    let store: Store;
    let cleanup: () => Promise<void>;
    let now: number;
    const clock = (): number => now;
    const options: PolicyEngineOptions = {
      instanceSettleMs: 2 * minute,
      misfireGraceMs: 5 * minute,
      newId,
      bandwidthResponse: () => '{}',
    };
    const engine = (over: Store = store): PolicyEngine => new PolicyEngine(over, clock, options);
    const pooled = () => store.resourceRead((tx) => tx.warmPools.instances(project, groupId));

    beforeEach(async () => {
      const fresh = await backend.fresh();
      url = fresh.url;
      cleanup = fresh.cleanup;
      store = await openStore(fresh.url, { queryTimeoutMs: 5000 });
      now = t0;
      await store.resourceSession(async (tx) => {
        await tx.configurations.insert(configuration);
        await tx.groups.insert(group);
        await tx.policies.insert(addThree);
        await tx.warmPools.put(pool);
      });
    });
    afterEach(async () => {
      await store.close();
      await cleanup();
    });

    it('fills a due pool with servers built from the configuration, READY after the build and the wait', async () => {
      await engine().runDue();
      const filled = await pooled();
      expect(filled).toHaveLength(2);
      for (const i of filled) {
        expect(i).toMatchObject({
          configurationId,
          configurationName: 'web-config',
          createTime: t0,
        });
        expect(i.readyAt).toBe(t0 + 2 * minute + 30_000);
        expect(pooledInstanceStatus(i, now)).toBe('INITIALIZING');
        expect(
          await store.resourceRead((tx) => tx.servers.get(project, i.serverId, now)),
        ).toMatchObject({
          name: i.name,
          configurationId,
        });
      }
      expect(await store.resourceRead((tx) => tx.warmPools.due(now + 3_600_000, 10))).toEqual([]);
      // Not due again: a second pass builds nothing more.
      await engine().runDue();
      expect(await pooled()).toHaveLength(2);
    });

    it('a scale-out takes READY pool instances first, builds the rest, and the next pass refills', async () => {
      await engine().runDue();
      const warm = await pooled();
      now = t0 + 3 * minute;
      const outcome = await engine().execute(project, addThree.id, 'MANUAL');
      expect(outcome?.status).toBe('EXECUTING');
      const instances = await store.resourceRead((tx) => tx.instances.ofGroup(project, groupId));
      expect(instances).toHaveLength(3);
      const fromPool = instances.filter((i) => warm.some((w) => w.serverId === i.id));
      expect(fromPool.map((i) => instanceAt(i, now)?.state)).toEqual(['INSERVICE', 'INSERVICE']);
      const built = instances.filter((i) => !fromPool.includes(i));
      expect(built.map((i) => instanceAt(i, now)?.state)).toEqual(['PENDING']);
      const { activities } = await store.resourceRead((tx) =>
        tx.activities.list(project, groupId, {}, { startNumber: 0, limit: 10 }, now),
      );
      expect(activities).toHaveLength(1);
      expect(activities[0]?.added.map((a) => a.id).sort()).toEqual(
        instances.map((i) => i.id).sort(),
      );
      expect(JSON.parse(activities[0]?.description ?? '{}')).toMatchObject({
        reason: [{ change_reason: 'MANUAL', old_value: 0, new_value: 3 }],
        warm_pool_instance_number: 2,
      });
      expect(await pooled()).toEqual([]);

      // The pass refills it: new servers, not the ones that joined the group.
      await engine().runDue();
      const refilled = await pooled();
      expect(refilled).toHaveLength(2);
      expect(refilled.some((r) => warm.some((w) => w.id === r.id))).toBe(false);
      expect(refilled.map((i) => i.readyAt)).toEqual([
        now + 2 * minute + 30_000,
        now + 2 * minute + 30_000,
      ]);
    });

    it('a scale-out before the pool is READY takes its instances PENDING until they are', async () => {
      await engine().runDue();
      const warm = await pooled();
      now = t0 + minute;
      await engine().execute(project, addThree.id, 'MANUAL');
      const instances = await store.resourceRead((tx) => tx.instances.ofGroup(project, groupId));
      const fromPool = instances.filter((i) => warm.some((w) => w.serverId === i.id));
      expect(fromPool.map((i) => [i.state, i.settlesAt])).toEqual([
        ['PENDING', t0 + 2 * minute + 30_000],
        ['PENDING', t0 + 2 * minute + 30_000],
      ]);
      // The group is scaling until the last of them is in service.
      const g = await store.resourceRead((tx) => tx.groups.get(project, groupId));
      expect(g?.settlesAt).toBe(t0 + 3 * minute);
    });

    it('a pool sized from the group follows its desired number; a scale-in does not return instances to it', async () => {
      const removeTwo: ScalingPolicy = {
        ...addThree,
        id: 'a0000000-0000-4000-8000-000000000002',
        name: 'remove-two',
        alarmId: 'al-cpu-low',
        action: { operation: 'REMOVE', number: 2 },
      };
      const fromGroup: WarmPool = { ...pool };
      delete (fromGroup as { capacity?: number }).capacity;
      await store.resourceSession(async (tx) => {
        await tx.policies.insert(removeTwo);
        await tx.warmPools.put(fromGroup);
      });
      await engine().runDue();
      expect(await pooled()).toHaveLength(6);
      now = t0 + 3 * minute;
      await engine().execute(project, addThree.id, 'MANUAL');
      // Three taken, and three is what the pool keeps beside a group desiring three of six.
      await engine().runDue();
      expect(await pooled()).toHaveLength(3);
      now = t0 + 10 * minute;
      await engine().execute(project, removeTwo.id, 'MANUAL');
      const removing = (
        await store.resourceRead((tx) => tx.instances.ofGroup(project, groupId))
      ).filter((i) => i.state === 'REMOVING');
      expect(removing).toHaveLength(2);
      now = t0 + 13 * minute;
      await engine().runDue();
      const after = await pooled();
      expect(after).toHaveLength(5);
      expect(after.some((p) => removing.some((r) => r.id === p.serverId))).toBe(false);
      for (const r of removing) {
        expect(
          await store.resourceRead((tx) => tx.servers.get(project, r.id, now)),
        ).toBeUndefined();
      }
    });

    it('refills exactly once when several servers run the pass at the same time', async () => {
      const others = await Promise.all([1, 2].map(() => openStore(url, { queryTimeoutMs: 5000 })));
      try {
        await Promise.all([store, ...others].map((s) => engine(s).runDue()));
        expect(await pooled()).toHaveLength(2);
        const { total } = await store.resourceRead((tx) =>
          tx.servers.list(project, { startNumber: 0, limit: 100 }, now),
        );
        expect(total).toBe(2);
      } finally {
        await Promise.all(others.map((s) => s.close()));
      }
    });
  });
}
