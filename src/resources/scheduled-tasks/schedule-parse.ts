import type { FromSchema } from 'json-schema-to-ts';
import { apiErrors } from '../../errors/api-error.js';
import {
  formatMinuteTime,
  nextFireTime,
  parseLaunchMinute,
  parseMinuteTime,
  parseRecurrenceDays,
} from '../../domain/recurrence.js';
import { taskEngineSchedule } from '../../domain/scheduled-task.js';
import type { TaskSchedule } from '../../domain/scheduled-task.js';
import { formatWireTimeMs } from '../../domain/wire-time.js';
import type { taskScheduleBody } from './schemas.js';

/** `scheduled_policy` as its schema lets it through. */
export type ScheduleBody = FromSchema<typeof taskScheduleBody>;

const daysRule = (type: 'WEEKLY' | 'MONTHLY'): string =>
  type === 'WEEKLY'
    ? 'weekdays from 1 (Sunday) to 7 (Saturday), comma-separated without spaces or repeats, such as "1,3,5"'
    : 'days of the month from 1 to 31, comma-separated without spaces or repeats, such as "1,15,28"';

/**
 * A task's schedule from its `scheduled_policy`, with the rules a schema cannot say, in the
 * order the policy API checks a schedule: a one-off `launch_time` is a minute later than now;
 * a recurring one is `hh:mm` within a window that ends later than now, starts before it ends
 * (now when absent) and holds an occurrence. A one-off task ignores the window fields and a
 * DAILY one its `recurrence_value`, as the cloud documents them.
 */
export function parseTaskSchedule(sp: ScheduleBody, nowMs: number): TaskSchedule {
  const type = sp.recurrence_type === '' ? undefined : sp.recurrence_type;
  const launch = sp.launch_time;
  if (launch === '') throw apiErrors.launchTimeNull();
  const now = formatWireTimeMs(nowMs);
  if (type === undefined) {
    const at = parseMinuteTime(launch);
    if (at === undefined) {
      throw apiErrors.launchTimeFormat(launch, 'YYYY-MM-DDThh:mmZ (UTC) for a one-off task');
    }
    if (at <= nowMs) throw apiErrors.launchTimeNotFuture(launch, now);
    return { launchTime: launch };
  }
  if (parseLaunchMinute(launch) === undefined) {
    throw apiErrors.launchTimeFormat(launch, 'hh:mm (UTC) for a recurring task, such as 08:30');
  }
  let recurrenceValue: string | undefined;
  if (type !== 'DAILY') {
    const value = sp.recurrence_value;
    if (value === undefined || value === '') throw apiErrors.recurrenceValueNull(type);
    const days = parseRecurrenceDays(type === 'WEEKLY' ? 'Weekly' : 'Monthly', value);
    if (days === undefined) throw apiErrors.recurrenceValueInvalid(value, daysRule(type));
    recurrenceValue = value;
  }
  const startTime =
    sp.start_time === undefined || sp.start_time === '' ? formatMinuteTime(nowMs) : sp.start_time;
  const startAt = parseMinuteTime(startTime);
  if (startAt === undefined) throw apiErrors.startTimeFormat(startTime);
  const endTime = sp.end_time;
  if (endTime === undefined || endTime === '') throw apiErrors.taskEndTimeNull();
  const endAt = parseMinuteTime(endTime);
  if (endAt === undefined) throw apiErrors.endTimeFormat(endTime);
  if (endAt <= nowMs) throw apiErrors.endTimeNotFuture(endTime, now);
  if (startAt >= endAt) throw apiErrors.startAfterEnd(startTime, endTime);
  const schedule: TaskSchedule = {
    launchTime: launch,
    recurrenceType: type,
    ...(recurrenceValue === undefined ? {} : { recurrenceValue }),
    startTime,
    endTime,
  };
  const engine = taskEngineSchedule(schedule, nowMs);
  if (engine === undefined || nextFireTime(engine, Math.max(nowMs, startAt)) === undefined) {
    throw apiErrors.recurrenceWindowEmpty(
      `No ${launch} occurrence of the ${type} task falls between ${startTime} and ${endTime} after now (${now}).`,
    );
  }
  return schedule;
}
