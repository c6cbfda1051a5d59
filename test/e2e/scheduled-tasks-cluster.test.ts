import { describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/open-store.js';
import { insertGroupInService } from '../support/group-fixtures.js';
import { testBackends } from '../support/backends.js';
import { clusterId, clusterLifecycle, startCluster, stopCluster } from './cluster.js';

/**
 * Several real `bin/scalelog serve` processes on one PostgreSQL database: every scheduled
 * task fires exactly once, and a server killed mid-run (SIGKILL, no shutdown) loses and
 * doubles nothing.
 */

const project = 'c1a5e1090000000000000000000000ef';
const tasks = 200;
const day = 86_400_000;
const id = clusterId;
const minuteTime = (ms: number): string => `${new Date(ms).toISOString().slice(0, 16)}Z`;

clusterLifecycle();

const postgres = testBackends.find((backend) => backend.name === 'postgres');

describe.skipIf(postgres?.available !== true)(
  'scheduled tasks on three servers, one PostgreSQL',
  () => {
    it('fire each occurrence exactly once, also when one server is killed mid-run', async () => {
      if (postgres === undefined) throw new Error('no postgres backend');
      const db = await postgres.fresh();
      const store = await openStore(db.url);
      try {
        const servers = await startCluster(db.url);

        // Each task on a group of its own, due over the next one and a half seconds: even ones
        // once, odd ones daily (their next occurrence is a day later).
        const start = Date.now() + 500;
        await store.resourceSession(async (tx) => {
          for (let n = 0; n < tasks; n += 1) {
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
            const dueAt = start + n * 7;
            const hhmm = new Date(dueAt).toISOString().slice(11, 16);
            await tx.scheduledTasks.insert({
              id: id(2, n),
              projectId: project,
              groupId: id(1, n),
              name: `t${String(n)}`,
              schedule:
                n % 2 === 0
                  ? { launchTime: minuteTime(dueAt) }
                  : {
                      launchTime: hhmm,
                      recurrenceType: 'DAILY',
                      startTime: minuteTime(start - day),
                      endTime: minuteTime(start + 10 * day),
                    },
              numbers: { max: 8, desire: 3 },
              createTime: start - day,
              updateTime: start - day,
              nextFireAt: dueAt,
            });
          }
        });

        const pending = () =>
          store.resourceRead(async (tx) => ({
            tasks: (await tx.scheduledTasks.due(Date.now() + 3_600_000, tasks)).length,
            instances: await tx.instances.anyDue(Number.MAX_SAFE_INTEGER),
          }));

        // Kill one server once about half of the tasks have fired and instance changes are in
        // flight: it dies holding claimed work, with no chance to finish or roll back itself.
        const firstDeadline = Date.now() + 30_000;
        for (;;) {
          const now = await pending();
          if (Date.now() > firstDeadline) {
            throw new Error(
              `half the tasks not fired in 30 s: ${JSON.stringify(now)}\n${servers.map((s) => s.stdout).join('\n')}`,
            );
          }
          if (now.tasks <= tasks / 2) {
            expect(now.instances).toBe(true);
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
          if (now.tasks === 0 && !now.instances) break;
          if (Date.now() > deadline) {
            throw new Error(
              `work left after 60 s: ${JSON.stringify(now)}\n${servers.map((s) => s.stdout).join('\n')}`,
            );
          }
          await new Promise((resolve) => setTimeout(resolve, 100));
        }

        for (let n = 0; n < tasks; n += 1) {
          const seen = await store.resourceRead(async (tx) => ({
            group: await tx.groups.get(project, id(1, n)),
            task: await tx.scheduledTasks.get(project, id(1, n), id(2, n)),
            instances: await tx.instances.ofGroup(project, id(1, n)),
            activities: await tx.activities.list(
              project,
              id(1, n),
              {},
              { startNumber: 0, limit: 10 },
              Date.now(),
            ),
          }));
          const where = `task ${String(n)}`;
          expect(seen.group?.desireInstances, where).toBe(3);
          expect(seen.group?.maxInstances, where).toBe(8);
          // One instance built and one activity recorded per firing, never two.
          expect(seen.instances, where).toHaveLength(3);
          expect(seen.activities.total, where).toBe(1);
          expect(seen.activities.activities[0]?.status, where).toBe('SUCCESS');
          expect(seen.activities.activities[0]?.added, where).toHaveLength(1);
          expect(seen.activities.activities[0]?.description, where).toContain(id(2, n));
          // A one-off task is done; a daily one waits for the next day.
          if (n % 2 === 0) expect(seen.task?.nextFireAt, where).toBeUndefined();
          else
            expect(seen.task?.nextFireAt, where).toBe(
              start + n * 7 - ((start + n * 7) % 60_000) + day,
            );
        }
        // The two survivors are still serving.
        for (const s of servers.slice(1)) expect(s.child.exitCode).toBeNull();
      } finally {
        await store.close();
        stopCluster();
        await db.cleanup();
      }
    }, 150_000);
  },
);
