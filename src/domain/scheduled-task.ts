import { parseLaunchMinute, parseMinuteTime, parseRecurrenceDays } from './recurrence.js';
import type { RecurrenceType, Schedule } from './recurrence.js';
import { maxInstanceLimit } from './scaling-group.js';
import type { ScalingGroup } from './scaling-group.js';
import type { UnixMs } from './unix-time.js';

/**
 * A scheduled task of a scaling group (the cloud's "planned task"): at its time, once or on
 * a daily, weekly or monthly recurrence, it sets the group's minimum, maximum and desired
 * numbers of instances. Times are UTC; the schedule is kept as the client wrote it.
 */

/** The task API's recurrence types, upper case where the policy API spells them Daily... */
export const taskRecurrenceTypes = ['DAILY', 'WEEKLY', 'MONTHLY'] as const;
export type TaskRecurrenceType = (typeof taskRecurrenceTypes)[number];

/** Tasks one group may have. */
export const maxTasksPerGroup = 10;

/** A task's schedule, as the client wrote it (`scheduled_policy`). */
export interface TaskSchedule {
  /** `YYYY-MM-DDThh:mmZ` for a one-off task, `hh:mm` (UTC) for a recurring one. */
  readonly launchTime: string;
  readonly recurrenceType?: TaskRecurrenceType;
  /** WEEKLY: weekdays 1 (Sunday) to 7; MONTHLY: days 1 to 31; comma-separated. */
  readonly recurrenceValue?: string;
  /** A recurring task's window, `YYYY-MM-DDThh:mmZ`; start defaults to its creation. */
  readonly startTime?: string;
  readonly endTime?: string;
}

/** The numbers a task sets; an absent one keeps the group's. */
export interface TaskNumbers {
  readonly min?: number;
  readonly max?: number;
  readonly desire?: number;
}

export interface ScheduledTask {
  readonly id: string;
  readonly projectId: string;
  readonly groupId: string;
  readonly name: string;
  readonly schedule: TaskSchedule;
  readonly numbers: TaskNumbers;
  readonly createTime: UnixMs;
  readonly updateTime: UnixMs;
  /** When the task fires next; absent once it never will again. */
  readonly nextFireAt?: UnixMs;
}

const domainType: Record<TaskRecurrenceType, RecurrenceType> = {
  DAILY: 'Daily',
  WEEKLY: 'Weekly',
  MONTHLY: 'Monthly',
};

/**
 * The schedule the engine evaluates, or `undefined` for one that does not parse (the API
 * refuses those, so a stored task always has one).
 */
export function taskEngineSchedule(
  schedule: TaskSchedule,
  createTime: UnixMs,
): Schedule | undefined {
  if (schedule.recurrenceType === undefined) {
    const launchAt = parseMinuteTime(schedule.launchTime);
    return launchAt === undefined ? undefined : { kind: 'once', launchAt };
  }
  const recurrenceType = domainType[schedule.recurrenceType];
  const minuteOfDay = parseLaunchMinute(schedule.launchTime);
  const days = parseRecurrenceDays(recurrenceType, schedule.recurrenceValue);
  const startAt =
    schedule.startTime === undefined ? createTime : parseMinuteTime(schedule.startTime);
  const endAt = schedule.endTime === undefined ? undefined : parseMinuteTime(schedule.endTime);
  if (minuteOfDay === undefined || days === undefined) return undefined;
  if (startAt === undefined || endAt === undefined) return undefined;
  return { kind: 'recurrence', recurrenceType, days, minuteOfDay, startAt, endAt };
}

/** The group's numbers once a task has set them. */
export interface TaskResult {
  readonly min: number;
  readonly max: number;
  readonly desire: number;
}

/**
 * The group's minimum, maximum and desired numbers after `numbers`, or the reason they break
 * the group's rules. An absent minimum or maximum keeps the group's; an absent desired number
 * keeps the group's, moved into the new bounds when it falls outside them.
 */
export function applyTaskNumbers(
  group: Pick<ScalingGroup, 'minInstances' | 'maxInstances' | 'desireInstances'>,
  numbers: TaskNumbers,
): TaskResult | { readonly refused: string } {
  const min = numbers.min ?? group.minInstances;
  const max = numbers.max ?? group.maxInstances;
  if (min > max) {
    return {
      refused: `The minimum number ${String(min)} would be greater than the maximum number ${String(max)}.`,
    };
  }
  if (max > maxInstanceLimit) {
    return {
      refused: `The maximum number ${String(max)} would be over the limit of ${String(maxInstanceLimit)}.`,
    };
  }
  const desire = numbers.desire ?? Math.min(max, Math.max(min, group.desireInstances));
  if (desire < min || desire > max) {
    return {
      refused: `The desired number ${String(desire)} would be outside the bounds ${String(min)} to ${String(max)}.`,
    };
  }
  return { min, max, desire };
}
