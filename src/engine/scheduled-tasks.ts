import { randomUUID } from 'node:crypto';
import { nextFireTime } from '../domain/recurrence.js';
import type { ScalingActivity } from '../domain/scaling-activity.js';
import type { ScalingGroup } from '../domain/scaling-group.js';
import { applyTaskNumbers, taskEngineSchedule } from '../domain/scheduled-task.js';
import type { ScheduledTask } from '../domain/scheduled-task.js';
import { formatWireTimeMs } from '../domain/wire-time.js';
import type { ResourceStore, ResourceTransaction } from '../store/resource-store.js';
import { followDesired, groupInstances } from './group-scaling.js';
import type { ScalingOptions } from './group-scaling.js';

/**
 * Runs the scheduled tasks of scaling groups: at a task's time it sets its group's minimum,
 * maximum and desired numbers, the group's instances follow (`followDesired`), and the
 * activity log records it. As for scheduled policies, each firing is claimed by a
 * conditional update in the transaction that changes the group, so any number of servers
 * sharing a store fire each occurrence exactly once.
 */

export interface TaskEngineOptions extends ScalingOptions {
  /** How late a task may still fire (ms); later, it records a FAIL activity and moves on. */
  readonly misfireGraceMs: number;
}

/** What one firing did: the task, and the activity that records it. */
export interface TaskOutcome {
  readonly task: ScheduledTask;
  readonly activity: ScalingActivity;
}

const seconds = (ms: number): string => String(Math.round(ms / 1000));

/** The next occurrence of a task at or after `fromMs`, or undefined when it has none. */
export function taskNextFire(task: ScheduledTask, fromMs: number): number | undefined {
  const schedule = taskEngineSchedule(task.schedule, task.createTime);
  return schedule === undefined ? undefined : nextFireTime(schedule, fromMs);
}

export class ScheduledTaskEngine {
  readonly #store: ResourceStore;
  readonly #clock: () => number;
  readonly #options: TaskEngineOptions;

  constructor(store: ResourceStore, clock: () => number, options: TaskEngineOptions) {
    this.#store = store;
    this.#clock = clock;
    this.#options = options;
  }

  /**
   * Fires the tasks due at `nowMs`, a batch of them: how many were due, and how many this
   * call fired (another server may have fired the others).
   */
  async runDue(nowMs: number, batch: number): Promise<{ due: number; fired: number }> {
    const due = await this.#store.resourceRead((tx) => tx.scheduledTasks.due(nowMs, batch));
    let fired = 0;
    for (const d of due) {
      const outcome = await this.#store.resourceSession((tx) =>
        this.#fireDue(tx, d.projectId, d.groupId, d.taskId, d.dueAt, nowMs),
      );
      if (outcome !== undefined) fired += 1;
    }
    return { due: due.length, fired };
  }

  /**
   * Fires a task's pending occurrence now, as if its time had come (the developer endpoint):
   * its schedule moves on to the next occurrence after now. Undefined when the group has no
   * such task, 'no-trigger' when nothing is pending (a one-off task that has run, a recurrence
   * that has ended).
   */
  async fireNow(
    projectId: string,
    groupId: string,
    taskId: string,
  ): Promise<TaskOutcome | 'no-trigger' | undefined> {
    const now = this.#clock();
    return this.#store.resourceSession(async (tx) => {
      const group = await tx.groups.lock(projectId, groupId);
      const task = await tx.scheduledTasks.lock(projectId, groupId, taskId);
      if (group === undefined || task === undefined) return undefined;
      if (task.nextFireAt === undefined) return 'no-trigger' as const;
      const next = taskNextFire(task, Math.max(now, task.nextFireAt) + 1);
      if (!(await tx.scheduledTasks.claimTrigger(task.id, task.nextFireAt, next))) {
        return 'no-trigger' as const;
      }
      return { task, activity: await this.#apply(tx, group, task, now) };
    });
  }

  async #fireDue(
    tx: ResourceTransaction,
    projectId: string,
    groupId: string,
    taskId: string,
    dueAt: number,
    now: number,
  ): Promise<TaskOutcome | undefined> {
    // The group first, then the task: the order the group's own changes and its deletion
    // take them in, so that no two sessions wait on each other.
    const group = await tx.groups.lock(projectId, groupId);
    const task = await tx.scheduledTasks.lock(projectId, groupId, taskId);
    if (task?.nextFireAt !== dueAt) return undefined;
    if (group === undefined) {
      // A task outlives its group only if something deleted the group around its service:
      // it never fires, and no pass finds it due again.
      await tx.scheduledTasks.claimTrigger(task.id, dueAt, undefined);
      return undefined;
    }
    const graceStart = now - this.#options.misfireGraceMs;
    // The next occurrence after this one, but none that is already too late to fire.
    const next = taskNextFire(task, Math.max(dueAt + 1, graceStart));
    if (!(await tx.scheduledTasks.claimTrigger(task.id, dueAt, next))) return undefined;
    if (dueAt >= graceStart) return { task, activity: await this.#apply(tx, group, task, now) };
    // Dated when it was due: the log shows the occurrence that did not run.
    const { current } = await groupInstances(tx, group, now);
    const activity = failed(
      group,
      current,
      dueAt,
      `${taskName(task)} due at ${formatWireTimeMs(dueAt)} was missed: found at ${formatWireTimeMs(now)}, ${seconds(now - dueAt)} s late, past the ${seconds(this.#options.misfireGraceMs)} s grace (no Scalelog server ran it in time). Occurrences due before ${formatWireTimeMs(graceStart)} were skipped.`,
      this.#options.newId ?? randomUUID,
    );
    await tx.activities.insert(activity);
    return { task, activity };
  }

  /**
   * Sets the group's numbers as the task says and records the activity: the instance change
   * when the desired number of an INSERVICE group moved, otherwise a SUCCESS activity that
   * says what the task set. Numbers that break the group's rules change nothing and record a
   * FAIL activity.
   */
  async #apply(
    tx: ResourceTransaction,
    group: ScalingGroup,
    task: ScheduledTask,
    now: number,
  ): Promise<ScalingActivity> {
    const newId = this.#options.newId ?? randomUUID;
    const instances = await groupInstances(tx, group, now);
    const result = applyTaskNumbers(group, task.numbers);
    const refuse = async (why: string): Promise<ScalingActivity> => {
      const activity = failed(
        group,
        instances.current,
        now,
        `${taskName(task)} could not set the group's numbers: ${why} The group is unchanged.`,
        newId,
      );
      await tx.activities.insert(activity);
      return activity;
    };
    if ('refused' in result) return refuse(result.refused);
    if (result.desire < group.desireInstances) {
      const held = instances.active.filter((v) => v.instance.protectedFromScaleIn).length;
      if (result.desire < held) {
        return refuse(
          `The desired number ${String(result.desire)} would be below the ${String(held)} instances protected from scale-in.`,
        );
      }
    }
    const description = `${taskName(task)} set the group's numbers: minimum ${String(group.minInstances)} to ${String(result.min)}, maximum ${String(group.maxInstances)} to ${String(result.max)}, desired ${String(group.desireInstances)} to ${String(result.desire)}.`;
    const updated: ScalingGroup = {
      ...group,
      minInstances: result.min,
      maxInstances: result.max,
      desireInstances: result.desire,
    };
    // A paused group keeps its numbers and follows them when it is resumed, as after the
    // group API's update.
    const outcome =
      updated.status === 'INSERVICE'
        ? await followDesired(
            tx,
            updated,
            now,
            { type: 'NORMAL', description },
            this.#options,
            group.desireInstances,
            { instances },
          )
        : { group: updated };
    await tx.groups.update(outcome.group);
    if (outcome.activity !== undefined) return outcome.activity;
    const activity: ScalingActivity = {
      id: newId(),
      projectId: group.projectId,
      groupId: group.id,
      type: 'NORMAL',
      status: 'SUCCESS',
      startTime: now,
      endTime: now,
      description,
      instanceValue: instances.current,
      desireValue: result.desire,
      scalingValue: 0,
      added: [],
      removed: [],
      deleted: [],
      failed: [],
      standby: [],
    };
    await tx.activities.insert(activity);
    return activity;
  }
}

const taskName = (task: ScheduledTask): string =>
  `Scheduled task ${JSON.stringify(task.name)} (${task.id})`;

function failed(
  group: ScalingGroup,
  current: number,
  at: number,
  description: string,
  newId: () => string,
): ScalingActivity {
  return {
    id: newId(),
    projectId: group.projectId,
    groupId: group.id,
    type: 'NORMAL',
    status: 'FAIL',
    startTime: at,
    endTime: at,
    description,
    instanceValue: current,
    desireValue: group.desireInstances,
    scalingValue: 0,
    added: [],
    removed: [],
    deleted: [],
    failed: [],
    standby: [],
  };
}
