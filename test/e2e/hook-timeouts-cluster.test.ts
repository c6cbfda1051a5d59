import { describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/open-store.js';
import { insertGroupInService } from '../support/group-fixtures.js';
import { testBackends } from '../support/backends.js';
import { clusterId, clusterLifecycle, startCluster, stopCluster } from './cluster.js';

/**
 * Several real `bin/scalelog serve` processes on one PostgreSQL database: every lifecycle
 * hook timeout applies its default result exactly once, and a server killed mid-run (SIGKILL,
 * no shutdown) loses and doubles nothing. The default result is ABANDON, whose effect a second
 * application would show twice: a second replacement instance, a second activity.
 *
 * The holds are written to the store with deadlines over the next seconds, as a scale-out
 * stores them (the shortest timeout the API takes is a minute).
 */

const project = 'c1a5e1090000000000000000000000df';
const groups = 150;
const id = clusterId;

clusterLifecycle();

const postgres = testBackends.find((backend) => backend.name === 'postgres');

describe.skipIf(postgres?.available !== true)('lifecycle hook timeouts on three servers', () => {
  it('apply each default result exactly once, also when one server is killed mid-run', async () => {
    if (postgres === undefined) throw new Error('no postgres backend');
    const db = await postgres.fresh();
    const store = await openStore(db.url);
    try {
      const servers = await startCluster(db.url);

      // Each group has one instance held by its launching hook, the holds due over the next
      // two seconds.
      const start = Date.now() + 500;
      await store.resourceSession(async (tx) => {
        for (let n = 0; n < groups; n += 1) {
          const groupId = id(1, n);
          await insertGroupInService(tx, {
            id: groupId,
            projectId: project,
            name: `g${String(n)}`,
            status: 'INSERVICE',
            minInstances: 0,
            maxInstances: 10,
            desireInstances: 1,
            coolDownSeconds: 0,
            createTime: start,
            attributes: {},
          });
          const [instance] = await tx.instances.ofGroup(project, groupId);
          if (instance === undefined) throw new Error('no instance');
          await tx.instances.update([{ ...instance, state: 'PENDING_WAIT' }]);
          await tx.lifecycleHooks.insert({
            projectId: project,
            groupId,
            name: 'boot',
            type: 'INSTANCE_LAUNCHING',
            defaultResult: 'ABANDON',
            defaultTimeoutSeconds: 60,
            topicUrn: 'urn:smn:region-1:project:topic',
            createTime: start,
          });
          await tx.activities.insert({
            id: id(3, n),
            projectId: project,
            groupId,
            status: 'DOING',
            type: 'DIFF',
            startTime: start,
            description: 'Scale-out.',
            instanceValue: 0,
            desireValue: 1,
            scalingValue: 1,
            added: [{ id: instance.id, name: instance.name }],
            removed: [],
            deleted: [],
            failed: [],
            standby: [],
          });
          await tx.lifecycleHooks.insertWaits([
            {
              actionKey: id(2, n),
              projectId: project,
              groupId,
              instanceId: instance.id,
              hookName: 'boot',
              hookType: 'INSTANCE_LAUNCHING',
              defaultResult: 'ABANDON',
              timeoutAt: start + n * 13,
              status: 'HANGING',
              activityId: id(3, n),
              createTime: start,
            },
          ]);
        }
      });

      // The seeded holds only: a replacement's hold is due a minute after it begins.
      const seededDue = () =>
        store.resourceRead(
          async (tx) => (await tx.lifecycleHooks.dueWaits(start + 30_000, groups)).length,
        );

      const firstDeadline = Date.now() + 30_000;
      for (;;) {
        const left = await seededDue();
        if (Date.now() > firstDeadline) {
          throw new Error(
            `half the timeouts not applied in 30 s: ${String(left)} left\n${servers.map((s) => s.stdout).join('\n')}`,
          );
        }
        if (left <= groups / 2) break;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      servers[0]?.child.kill('SIGKILL');
      const killed = await servers[0]?.exited;
      expect(killed?.signal).toBe('SIGKILL');

      const deadline = Date.now() + 60_000;
      while ((await seededDue()) > 0) {
        if (Date.now() > deadline) {
          throw new Error(`timeouts left after 60 s\n${servers.map((s) => s.stdout).join('\n')}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }

      for (let n = 0; n < groups; n += 1) {
        const groupId = id(1, n);
        const seen = await store.resourceRead(async (tx) => ({
          hold: await tx.lifecycleHooks.waitByKey(project, groupId, id(2, n)),
          hanging: await tx.lifecycleHooks.countHanging(project, groupId),
          instances: await tx.instances.ofGroup(project, groupId),
          activities: await tx.activities.list(
            project,
            groupId,
            {},
            { startNumber: 0, limit: 10 },
            Date.now(),
          ),
        }));
        const what = `group ${String(n)}`;
        expect(seen.hold?.status, what).toBe('ABANDON');
        // One replacement, held by the hook in turn; never two.
        expect(seen.hanging, what).toBe(1);
        expect(
          seen.instances
            .filter((i) => i.state === 'PENDING_WAIT')
            .map((i) => i.id === `i0-${groupId}`),
          what,
        ).toEqual([false]);
        expect(seen.activities.total, what).toBe(2);
        const [replacement, original] = seen.activities.activities;
        expect(replacement?.type, what).toBe('DIFF');
        expect(original?.status, what).toBe('FAIL');
        expect(
          original?.failed.map((i) => i.id),
          what,
        ).toEqual([`i0-${groupId}`]);
        expect(original?.description.split('ABANDON at its timeout').length, what).toBe(2);
      }
      for (const s of servers.slice(1)) expect(s.child.exitCode).toBeNull();
    } finally {
      await store.close();
      stopCluster();
      await db.cleanup();
    }
  }, 120_000);
});
