import type { HookWait, HookWaitStatus, LifecycleHook } from '../domain/lifecycle-hook.js';
import type { UnixMs } from '../domain/unix-time.js';

/**
 * A group's lifecycle hooks and the holds they place on its instances: the resource
 * transaction's `lifecycleHooks`. Hooks are addressed by project, group and name. Not found
 * is `undefined` or `false`.
 */
export interface LifecycleHookRepository {
  insert(hook: LifecycleHook): Promise<void>;
  get(projectId: string, groupId: string, name: string): Promise<LifecycleHook | undefined>;
  /** The group's hooks, oldest first (the order in which they hold an instance). */
  ofGroup(projectId: string, groupId: string): Promise<LifecycleHook[]>;
  update(hook: LifecycleHook): Promise<void>;
  delete(projectId: string, groupId: string, name: string): Promise<boolean>;
  /** Deletes the group's hooks and every hold they placed (the group is deleted). */
  deleteOfGroup(projectId: string, groupId: string): Promise<void>;

  insertWaits(waits: readonly HookWait[]): Promise<void>;
  /** The hold with this action key in the group. */
  waitByKey(projectId: string, groupId: string, actionKey: string): Promise<HookWait | undefined>;
  /**
   * The group's holds on instances still in the group, oldest first: HANGING ones and the
   * outcome of finished ones; only those on `instanceId` when it is given.
   */
  waitsOfGroup(projectId: string, groupId: string, instanceId?: string): Promise<HookWait[]>;
  /** How many holds are HANGING in the group, or for one activity when `activityId` is given. */
  countHanging(projectId: string, groupId: string, activityId?: string): Promise<number>;
  /**
   * Ends a HANGING hold with `status`, only if it is still HANGING with the deadline
   * `timeoutAt` that the caller read: true for the one caller that ended it, false for any
   * other (a callback or another server came first). The conditional claim that makes a
   * timeout apply once across servers.
   */
  finishWait(actionKey: string, timeoutAt: UnixMs, status: HookWaitStatus): Promise<boolean>;
  /** Moves a HANGING hold's deadline from `timeoutAt` to `newTimeoutAt`; false if it moved on. */
  extendWait(actionKey: string, timeoutAt: UnixMs, newTimeoutAt: UnixMs): Promise<boolean>;
  /** Up to `limit` HANGING holds whose deadline has come by `nowMs`, earliest first. */
  dueWaits(nowMs: UnixMs, limit: number): Promise<HookWait[]>;
}
