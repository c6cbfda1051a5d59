import type { FromSchema } from 'json-schema-to-ts';
import { apiErrors } from '../../errors/api-error.js';
import type { ApiError } from '../../errors/api-error.js';
import {
  formatMinuteTime,
  nextFireTime,
  parseLaunchMinute,
  parseMinuteTime,
  parseRecurrenceDays,
} from '../../domain/recurrence.js';
import type { RecurrenceType } from '../../domain/recurrence.js';
import type { ScheduledPolicy } from '../../domain/scaling-policy.js';
import { formatWireTimeMs } from '../../domain/wire-time.js';
import { showValue, unsupportedFields } from '../../http/body-fields.js';
import type { ObjectTable, Place } from '../../http/schema-validation.js';
import { display } from './dialect.js';
import type { onceSchedule, recurrenceSchedule } from './request-schemas.js';

/**
 * `scheduled_policy`: its error table and its value. The schemas (request-schemas.ts) give
 * the shape of each kind of schedule; the rules here are what a pattern cannot say (a date
 * that exists, days without repeats) and what depends on the clock or on other fields.
 */

/** What the checks of a policy body depend on besides the body. */
export interface PolicyContext {
  readonly nowMs: number;
  /**
   * Whether a schedule must lie ahead of now (AS.3007, AS.3010, AS.3033): for a new policy, and
   * for an update that sets the schedule or the type. An update of other fields keeps a
   * schedule that has run its course.
   */
  readonly againstNow: boolean;
}

type Where = Place<PolicyContext>;
type Fields = Readonly<Record<string, unknown>>;
type Recurrence = FromSchema<typeof recurrenceSchedule>;
type Once = FromSchema<typeof onceSchedule>;

const isOnce = (place: Where): boolean => place.root.scaling_policy_type === 'SCHEDULED';
const isRecurrence = (place: Where): boolean => place.root.scaling_policy_type === 'RECURRENCE';

/** The recurrence's start: start_time, or now (to the minute) when absent or empty. */
function startOf(sp: Fields, nowMs: number): { text: string; ms: number } {
  const start = sp.start_time;
  if (typeof start === 'string' && start !== '') {
    return { text: start, ms: parseMinuteTime(start) ?? nowMs };
  }
  const text = formatMinuteTime(nowMs);
  return { text, ms: parseMinuteTime(text) ?? nowMs };
}

const daysRule = (type: unknown): string =>
  type === 'Weekly'
    ? 'weekdays from 1 (Sunday) to 7 (Saturday), comma-separated without spaces or repeats, such as "1,3,5"'
    : 'days of the month from 1 to 31, comma-separated without spaces or repeats, such as "1,15,28"';

const recurrenceValueInvalid = (value: unknown, type: unknown): ApiError =>
  apiErrors.recurrenceValueInvalid(display(value), daysRule(type));

/** The end's checks, in order: a date that exists, ahead of now, after the start, a launch. */
function endRule(sp: Fields, { context }: Where): ApiError | undefined {
  const { nowMs, againstNow } = context;
  const {
    launch_time: launchTime,
    recurrence_type: type,
    recurrence_value: value,
  } = sp as Recurrence;
  const endText = sp.end_time as string;
  const endMs = parseMinuteTime(endText);
  if (endMs === undefined) return apiErrors.endTimeFormat(endText);
  if (againstNow && endMs <= nowMs) {
    return apiErrors.endTimeNotFuture(endText, formatWireTimeMs(nowMs));
  }
  const start = startOf(sp, nowMs);
  if (start.ms >= endMs) return apiErrors.startAfterEnd(start.text, endText);
  if (!againstNow) return undefined;
  const from = Math.max(nowMs, start.ms);
  const schedule = {
    kind: 'recurrence',
    recurrenceType: type,
    days: parseRecurrenceDays(type, value as string | undefined) ?? [],
    minuteOfDay: parseLaunchMinute(launchTime) ?? 0,
    startAt: start.ms,
    endAt: endMs,
  } as const;
  if (nextFireTime(schedule, from) !== undefined) return undefined;
  const on = type === 'Daily' ? '' : ` on ${type} days ${String(value)}`;
  return apiErrors.recurrenceWindowEmpty(
    `No launch at ${launchTime}${on} falls between ${formatWireTimeMs(from)} and end_time ${endText}: move end_time later or change the days.`,
  );
}

/** The table of `scheduled_policy`, checked when the type is SCHEDULED or RECURRENCE. */
export const scheduleTable: ObjectTable<PolicyContext> = {
  notObject: (value) =>
    apiErrors.badRequestBody(
      `scheduled_policy must be an object such as {"launch_time":"16:00","recurrence_type":"Daily","end_time":"2026-12-31T23:59Z"}, not ${showValue(value)}.`,
    ),
  unknown: (sent, accepted) => unsupportedFields(sent, accepted, 'scheduled_policy'),
  entries: [
    {
      field: 'launch_time',
      missing: () => apiErrors.launchTimeNull(),
      invalid: (value, _errors, place) =>
        value === ''
          ? apiErrors.launchTimeNull()
          : apiErrors.launchTimeFormat(
              display(value),
              isOnce(place)
                ? 'YYYY-MM-DDThh:mmZ (UTC, no seconds) such as 2026-12-01T08:00Z for a SCHEDULED policy'
                : 'hh:mm (UTC) such as 16:00 for a RECURRENCE policy',
            ),
    },
    {
      rule: (sp, place) => {
        if (!isOnce(place)) return undefined;
        const { nowMs, againstNow } = place.context;
        const launch = sp.launch_time as string;
        const ms = parseMinuteTime(launch);
        if (ms === undefined) {
          return apiErrors.launchTimeFormat(
            launch,
            'YYYY-MM-DDThh:mmZ (UTC, no seconds) such as 2026-12-01T08:00Z for a SCHEDULED policy',
          );
        }
        return againstNow && ms <= nowMs
          ? apiErrors.launchTimeNotFuture(launch, formatWireTimeMs(nowMs))
          : undefined;
      },
    },
    {
      field: 'recurrence_type',
      missing: () => apiErrors.recurrenceTypeNull(),
      invalid: (value) =>
        value === ''
          ? apiErrors.recurrenceTypeNull()
          : apiErrors.recurrenceTypeInvalid(display(value)),
    },
    {
      field: 'recurrence_value',
      missing: ({ object }) => apiErrors.recurrenceValueNull(String(object.recurrence_type)),
      invalid: (value, _errors, { object }) =>
        value === ''
          ? apiErrors.recurrenceValueNull(String(object.recurrence_type))
          : recurrenceValueInvalid(value, object.recurrence_type),
    },
    {
      // No day twice: "1,1" passes the pattern.
      rule: (sp, place) => {
        const type = sp.recurrence_type as RecurrenceType;
        if (!isRecurrence(place) || type === 'Daily') return undefined;
        return parseRecurrenceDays(type, sp.recurrence_value as string) === undefined
          ? recurrenceValueInvalid(sp.recurrence_value, type)
          : undefined;
      },
    },
    { field: 'start_time', invalid: (value) => apiErrors.startTimeFormat(display(value)) },
    {
      rule: (sp, place) => {
        const start = sp.start_time;
        if (!isRecurrence(place) || typeof start !== 'string' || start === '') return undefined;
        return parseMinuteTime(start) === undefined ? apiErrors.startTimeFormat(start) : undefined;
      },
    },
    {
      field: 'end_time',
      missing: () => apiErrors.endTimeNull(),
      invalid: (value) =>
        value === '' ? apiErrors.endTimeNull() : apiErrors.endTimeFormat(display(value)),
    },
    { rule: (sp, place) => (isRecurrence(place) ? endRule(sp, place) : undefined) },
  ],
};

/** A checked schedule as the domain's, of a SCHEDULED or RECURRENCE policy. */
export function scheduleOf(
  value: unknown,
  type: 'SCHEDULED' | 'RECURRENCE',
  nowMs: number,
): ScheduledPolicy {
  // Only launch_time describes a one-off launch; the recurrence fields are not kept.
  if (type === 'SCHEDULED') return { launchTime: (value as Once).launch_time };
  const sp = value as Recurrence;
  return {
    launchTime: sp.launch_time,
    recurrenceType: sp.recurrence_type,
    // Daily ignores recurrence_value (the cloud documents it as null for Daily).
    ...(sp.recurrence_type === 'Daily' ? {} : { recurrenceValue: sp.recurrence_value as string }),
    // start_time defaults to now, kept so that it is returned (as Terraform fills it in).
    startTime: startOf(sp, nowMs).text,
    endTime: sp.end_time,
  };
}
