import { randomUUID } from 'node:crypto';
import { apiErrors } from '../../errors/api-error.js';
import { taskNextFire } from '../../engine/scheduled-tasks.js';
import { maxTasksPerGroup } from '../../domain/scheduled-task.js';
import type { ScheduledTask, TaskNumbers, TaskSchedule } from '../../domain/scheduled-task.js';
import type { ResourceStore, ResourceTransaction } from '../../store/resource-store.js';

/** What a client sets on a new task. */
export interface TaskInput {
  readonly name: string;
  readonly schedule: TaskSchedule;
  readonly numbers: TaskNumbers;
}

/** What an update changes; an absent field is kept. */
export type TaskEdit = Partial<TaskInput>;

/** A page of a group's tasks, and the marker of the next page when there is one. */
export interface TaskPage {
  readonly tasks: readonly ScheduledTask[];
  readonly nextMarker?: string;
}

/** `task` firing next at its schedule's first occurrence at or after `fromMs`, or never. */
function scheduled(task: ScheduledTask, fromMs: number): ScheduledTask {
  const next = taskNextFire(task, fromMs);
  const { nextFireAt: previous, ...rest } = task;
  if (next === previous) return task;
  return next === undefined ? rest : { ...rest, nextFireAt: next };
}

/**
 * The rules of a group's scheduled tasks: at most {@link maxTasksPerGroup} a group, each
 * firing at its schedule's occurrences (the engine runs them, `engine/scheduled-tasks.ts`),
 * deleted with the group. An unknown group is 400 AS.2007, an unknown task 404 AS.0007.
 */
export class ScheduledTaskService {
  readonly #store: ResourceStore;
  readonly #now: () => number;

  constructor(store: ResourceStore, now: () => number) {
    this.#store = store;
    this.#now = now;
  }

  async create(projectId: string, groupId: string, input: TaskInput): Promise<ScheduledTask> {
    const nowMs = this.#now();
    return this.#store.resourceSession(async (tx) => {
      // Held until the insert commits: tasks created at once are counted one after the other.
      await lockGroup(tx, projectId, groupId);
      if ((await tx.scheduledTasks.countOf(projectId, groupId)) >= maxTasksPerGroup) {
        throw apiErrors.taskQuota(maxTasksPerGroup);
      }
      const task = scheduled(
        {
          id: randomUUID(),
          projectId,
          groupId,
          ...input,
          createTime: nowMs,
          updateTime: nowMs,
        },
        nowMs,
      );
      await tx.scheduledTasks.insert(task);
      return task;
    });
  }

  /** A page of the group's tasks, oldest first, after the task `marker` names. */
  async list(
    projectId: string,
    groupId: string,
    limit: number,
    marker: string | undefined,
  ): Promise<TaskPage> {
    return this.#store.resourceRead(async (tx) => {
      if ((await tx.groups.get(projectId, groupId)) === undefined) {
        throw apiErrors.groupNotFound(groupId);
      }
      let after: ScheduledTask | undefined;
      if (marker !== undefined) {
        after = await tx.scheduledTasks.get(projectId, groupId, marker);
        if (after === undefined) throw apiErrors.taskListMarker(marker);
      }
      const tasks = await tx.scheduledTasks.list(projectId, groupId, after, limit + 1);
      if (tasks.length <= limit) return { tasks };
      const page = tasks.slice(0, limit);
      const last = page[page.length - 1];
      return last === undefined ? { tasks: page } : { tasks: page, nextMarker: last.id };
    });
  }

  /**
   * Changes a task with what `read` reads from the request, once the group and the task are
   * found: a bad field of a task that does not exist is its 404. A new schedule is pending from now on (its occurrences before now are not
   * fired); the name or numbers alone keep the pending occurrence.
   */
  async update(
    projectId: string,
    groupId: string,
    taskId: string,
    read: () => TaskEdit,
  ): Promise<void> {
    const nowMs = this.#now();
    await this.#store.resourceSession(async (tx) => {
      await lockGroup(tx, projectId, groupId);
      const task = await tx.scheduledTasks.lock(projectId, groupId, taskId);
      if (task === undefined) throw apiErrors.resourceMissing('scheduled task', taskId);
      const edit = read();
      const changed: ScheduledTask = { ...task, ...edit, updateTime: nowMs };
      await tx.scheduledTasks.update(
        edit.schedule === undefined ? changed : scheduled(changed, nowMs),
      );
    });
  }

  async delete(projectId: string, groupId: string, taskId: string): Promise<void> {
    await this.#store.resourceSession(async (tx) => {
      await lockGroup(tx, projectId, groupId);
      if (!(await tx.scheduledTasks.delete(projectId, groupId, taskId))) {
        throw apiErrors.resourceMissing('scheduled task', taskId);
      }
    });
  }
}

/** Holds the group until the session ends: 400 AS.2007 when the project has no such group. */
async function lockGroup(tx: ResourceTransaction, projectId: string, groupId: string) {
  const group = await tx.groups.lock(projectId, groupId);
  if (group === undefined) throw apiErrors.groupNotFound(groupId);
  return group;
}
