import type { ScheduledTask } from '../domain/scheduled-task.js';
import type { UnixMs } from '../domain/unix-time.js';

/** Where a page of a group's tasks starts: just after this task in list order. */
export type TaskCursor = Pick<ScheduledTask, 'createTime' | 'id'>;

/** A task the engine finds due. */
export interface DueTask {
  readonly taskId: string;
  readonly projectId: string;
  readonly groupId: string;
  readonly dueAt: UnixMs;
}

/**
 * The scheduled tasks of scaling groups, addressed by project, group and id: the resource
 * transaction's `scheduledTasks`. Not found is `undefined` or `false`; `lock` is `get`
 * holding the row (on PostgreSQL) until the session ends.
 */
export interface ScheduledTaskRepository {
  insert(task: ScheduledTask): Promise<void>;
  get(projectId: string, groupId: string, id: string): Promise<ScheduledTask | undefined>;
  lock(projectId: string, groupId: string, id: string): Promise<ScheduledTask | undefined>;
  /** Writes every field but the keys (project, group, id). */
  update(task: ScheduledTask): Promise<void>;
  delete(projectId: string, groupId: string, id: string): Promise<boolean>;
  /** Up to `limit` of the group's tasks, oldest first, after `after` when given. */
  list(
    projectId: string,
    groupId: string,
    after: TaskCursor | undefined,
    limit: number,
  ): Promise<ScheduledTask[]>;
  /** How many tasks the group has. */
  countOf(projectId: string, groupId: string): Promise<number>;
  /** Deletes every task of the group; returns how many. */
  deleteOfGroup(projectId: string, groupId: string): Promise<number>;
  /** Tasks due at `nowMs`, earliest first. */
  due(nowMs: UnixMs, limit: number): Promise<DueTask[]>;
  /**
   * Moves a task's due time from `dueAt` to `next` (or clears it), only if it is still
   * `dueAt`. True for exactly one of the sessions that try: the one that fires the task.
   */
  claimTrigger(taskId: string, dueAt: UnixMs, next: UnixMs | undefined): Promise<boolean>;
}
