import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ScheduledTask } from '../../src/domain/scheduled-task.js';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/store.js';
import { testBackends } from '../support/backends.js';

/**
 * The scheduled task repository, on every backend: tasks read back as written, scoped to
 * their project and group, listed in keyset pages, found due, and claimed by exactly one of
 * the servers that try.
 */

const t0 = 1_700_000_000_000;
const minute = 60_000;

const task = (id: string, over: Partial<ScheduledTask> = {}): ScheduledTask => ({
  id,
  projectId: 'proj-a',
  groupId: 'group-1',
  name: `task-${id}`,
  schedule: {
    launchTime: '08:30',
    recurrenceType: 'WEEKLY',
    recurrenceValue: '1,7',
    startTime: '2023-11-14T00:00Z',
    endTime: '2023-12-14T00:00Z',
  },
  numbers: { min: 1, max: 5, desire: 2 },
  createTime: t0,
  updateTime: t0,
  nextFireAt: t0 + minute,
  ...over,
});

/** A task with no occurrence pending. */
function withoutFire(t: ScheduledTask): ScheduledTask {
  const copy: { -readonly [K in keyof ScheduledTask]?: ScheduledTask[K] } = { ...t };
  delete copy.nextFireAt;
  return copy as ScheduledTask;
}

for (const backend of testBackends) {
  describe.skipIf(!backend.available)(`scheduled task store contract: ${backend.name}`, () => {
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

    const seed = (tasks: ScheduledTask[]) =>
      store.resourceSession(async (tx) => {
        for (const t of tasks) await tx.scheduledTasks.insert(t);
      });

    it('reads tasks back as written, within their project and group only', async () => {
      const once = task('t-2', {
        schedule: { launchTime: '2023-11-15T10:00Z' },
        numbers: { max: 3 },
      });
      const never = withoutFire(task('t-3'));
      await seed([task('t-1'), once, never]);
      await store.resourceRead(async (tx) => {
        expect(await tx.scheduledTasks.get('proj-a', 'group-1', 't-1')).toEqual(task('t-1'));
        expect(await tx.scheduledTasks.get('proj-a', 'group-1', 't-2')).toEqual(once);
        expect(await tx.scheduledTasks.get('proj-a', 'group-1', 't-3')).toEqual(never);
        expect(await tx.scheduledTasks.get('proj-b', 'group-1', 't-1')).toBeUndefined();
        expect(await tx.scheduledTasks.get('proj-a', 'group-2', 't-1')).toBeUndefined();
        expect(await tx.scheduledTasks.countOf('proj-a', 'group-1')).toBe(3);
      });
      await store.resourceSession(async (tx) => {
        const locked = await tx.scheduledTasks.lock('proj-a', 'group-1', 't-1');
        expect(locked).toEqual(task('t-1'));
        const rest = withoutFire(task('t-1', { name: 'renamed', updateTime: t0 + 5 }));
        await tx.scheduledTasks.update(rest);
        expect(await tx.scheduledTasks.delete('proj-b', 'group-1', 't-2')).toBe(false);
        expect(await tx.scheduledTasks.delete('proj-a', 'group-1', 't-2')).toBe(true);
      });
      await store.resourceRead(async (tx) => {
        const updated = await tx.scheduledTasks.get('proj-a', 'group-1', 't-1');
        expect(updated).toMatchObject({ name: 'renamed', updateTime: t0 + 5 });
        expect(updated).not.toHaveProperty('nextFireAt');
        expect(await tx.scheduledTasks.get('proj-a', 'group-1', 't-2')).toBeUndefined();
      });
    });

    it('lists a group oldest first in keyset pages', async () => {
      await seed([
        task('b', { createTime: t0 }),
        task('a', { createTime: t0 }),
        task('c', { createTime: t0 + 1 }),
        task('d', { createTime: t0 + 2 }),
        task('x', { groupId: 'group-2' }),
        task('y', { projectId: 'proj-b' }),
      ]);
      await store.resourceRead(async (tx) => {
        const ids = (list: ScheduledTask[]) => list.map((t) => t.id);
        expect(ids(await tx.scheduledTasks.list('proj-a', 'group-1', undefined, 10))).toEqual([
          'a',
          'b',
          'c',
          'd',
        ]);
        expect(ids(await tx.scheduledTasks.list('proj-a', 'group-1', undefined, 2))).toEqual([
          'a',
          'b',
        ]);
        const after = { id: 'b', createTime: t0 };
        expect(ids(await tx.scheduledTasks.list('proj-a', 'group-1', after, 2))).toEqual([
          'c',
          'd',
        ]);
      });
    });

    it("deletes a group's tasks, and no other group's", async () => {
      await seed([
        task('a'),
        task('b'),
        task('x', { groupId: 'group-2' }),
        task('y', { projectId: 'proj-b' }),
      ]);
      const deleted = await store.resourceSession((tx) =>
        tx.scheduledTasks.deleteOfGroup('proj-a', 'group-1'),
      );
      expect(deleted).toBe(2);
      await store.resourceRead(async (tx) => {
        expect(await tx.scheduledTasks.countOf('proj-a', 'group-2')).toBe(1);
        expect(await tx.scheduledTasks.countOf('proj-b', 'group-1')).toBe(1);
      });
    });

    it('finds due tasks earliest first, and lets one claim each occurrence', async () => {
      const idle = withoutFire(task('idle'));
      await seed([
        task('late', { nextFireAt: t0 + 2 * minute }),
        task('early', { nextFireAt: t0 }),
        task('future', { nextFireAt: t0 + 10 * minute }),
        idle,
      ]);
      const due = await store.resourceRead((tx) => tx.scheduledTasks.due(t0 + 2 * minute, 10));
      expect(due).toEqual([
        { taskId: 'early', projectId: 'proj-a', groupId: 'group-1', dueAt: t0 },
        { taskId: 'late', projectId: 'proj-a', groupId: 'group-1', dueAt: t0 + 2 * minute },
      ]);
      expect(
        await store.resourceRead((tx) => tx.scheduledTasks.due(t0 + 2 * minute, 1)),
      ).toHaveLength(1);
      const servers = await Promise.all([1, 2, 3].map(() => openStore(url)));
      try {
        const claims = await Promise.all(
          servers.map((s) =>
            s.resourceSession((tx) => tx.scheduledTasks.claimTrigger('early', t0, t0 + day)),
          ),
        );
        expect(claims.filter(Boolean)).toHaveLength(1);
      } finally {
        await Promise.all(servers.map((s) => s.close()));
      }
      await store.resourceRead(async (tx) => {
        expect((await tx.scheduledTasks.get('proj-a', 'group-1', 'early'))?.nextFireAt).toBe(
          t0 + day,
        );
      });
      // Cleared: never due again.
      expect(
        await store.resourceSession((tx) =>
          tx.scheduledTasks.claimTrigger('late', t0 + 2 * minute, undefined),
        ),
      ).toBe(true);
      const left = await store.resourceRead((tx) => tx.scheduledTasks.due(t0 + 100 * day, 10));
      expect(left.map((d) => d.taskId)).toEqual(['future', 'early']);
    });
  });
}

const day = 86_400_000;
