import { describe, expect, it } from 'vitest';
import { parseLogQuery } from '../../src/resources/logs/query-parse.js';
import { openStore } from '../../src/store/open-store.js';
import { insertGroupInService } from '../support/group-fixtures.js';
import { testBackends } from '../support/backends.js';
import { clusterId, clusterLifecycle, startCluster, stopCluster } from './cluster.js';

/**
 * Several real `bin/scalelog serve` processes on one PostgreSQL database: every trigger fires
 * exactly once, and a server killed mid-run (SIGKILL, no shutdown) loses and doubles nothing.
 */

const project = 'c1a5e1090000000000000000000000de';
const policies = 300;
const id = clusterId;

clusterLifecycle();

const postgres = testBackends.find((backend) => backend.name === 'postgres');

describe.skipIf(postgres?.available !== true)('three servers on one PostgreSQL', () => {
  it('fire a few hundred due triggers exactly once, also when one is killed mid-run', async () => {
    if (postgres === undefined) throw new Error('no postgres backend');
    const db = await postgres.fresh();
    const store = await openStore(db.url);
    try {
      const servers = await startCluster(db.url);

      // Each policy on a group of its own, so no execution waits for another; due over
      // the next two seconds.
      const start = Date.now() + 500;
      await store.resourceSession(async (tx) => {
        for (let n = 0; n < policies; n += 1) {
          await insertGroupInService(tx, {
            id: id(1, n),
            projectId: project,
            name: `g${String(n)}`,
            status: 'INSERVICE',
            minInstances: 0,
            maxInstances: 10,
            desireInstances: 2,
            coolDownSeconds: 0,
            createTime: start,
            attributes: {},
          });
          const launchAt = start + n * 7;
          await tx.policies.insert({
            id: id(2, n),
            projectId: project,
            name: `p${String(n)}`,
            resourceType: 'SCALING_GROUP',
            resourceId: id(1, n),
            policyType: 'SCHEDULED',
            scheduledPolicy: { launchTime: new Date(launchAt).toISOString().slice(0, 16) + 'Z' },
            action: { operation: 'ADD', number: 1 },
            coolDownSeconds: 0,
            status: 'INSERVICE',
            createTime: start,
            nextFireAt: launchAt,
          });
        }
      });

      const pending = () =>
        store.resourceRead(async (tx) => ({
          triggers: (await tx.policies.due(Number.MAX_SAFE_INTEGER, policies)).length,
          executions: (await tx.executions.due(Number.MAX_SAFE_INTEGER, policies)).length,
        }));

      // Kill one server once about half of the triggers have fired and executions are in
      // flight: it dies holding claimed work, with no chance to finish or roll back itself.
      const firstDeadline = Date.now() + 30_000;
      for (;;) {
        const now = await pending();
        if (Date.now() > firstDeadline) {
          throw new Error(
            `half the triggers not fired in 30 s: ${JSON.stringify(now)}\n${servers.map((s) => s.stdout).join('\n')}`,
          );
        }
        if (now.triggers <= policies / 2) {
          expect(now.executions).toBeGreaterThan(0);
          break;
        }
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      servers[0]?.child.kill('SIGKILL');
      const killed = await servers[0]?.exited;
      expect(killed?.signal).toBe('SIGKILL');

      const deadline = Date.now() + 60_000;
      for (;;) {
        const now = await pending();
        if (now.triggers === 0 && now.executions === 0) break;
        if (Date.now() > deadline) {
          throw new Error(
            `work left after 60 s: ${JSON.stringify(now)}\n${servers.map((s) => s.stdout).join('\n')}`,
          );
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }

      for (let n = 0; n < policies; n += 1) {
        const page = await store.queryLogs(parseLogQuery(project, id(2, n), new URLSearchParams()));
        expect(
          page?.logs.map((l) => [l.status, l.executeType, l.oldValue, l.desireValue]),
          `policy ${String(n)}`,
        ).toEqual([['SUCCESS', 'SCHEDULED', '2', '3']]);
        const group = await store.resourceRead((tx) => tx.groups.get(project, id(1, n)));
        expect(group?.desireInstances, `group ${String(n)}`).toBe(3);
        // One instance built and one activity recorded per execution, never two.
        const built = await store.resourceRead(async (tx) => ({
          instances: await tx.instances.ofGroup(project, id(1, n)),
          activities: await tx.activities.list(
            project,
            id(1, n),
            {},
            { startNumber: 0, limit: 10 },
            Date.now(),
          ),
        }));
        expect(built.instances, `group ${String(n)}`).toHaveLength(3);
        expect(built.activities.total, `group ${String(n)}`).toBe(1);
        expect(built.activities.activities[0]?.added, `group ${String(n)}`).toHaveLength(1);
      }
      // The two survivors are still serving.
      for (const s of servers.slice(1)) expect(s.child.exitCode).toBeNull();
    } finally {
      await store.close();
      stopCluster();
      await db.cleanup();
    }
  }, 120_000);
});
