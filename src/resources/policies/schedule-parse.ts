import { apiErrors } from '../../errors/api-error.js';
import type { ApiError } from '../../errors/api-error.js';
import {
  formatMinuteTime,
  nextFireTime,
  parseLaunchMinute,
  parseMinuteTime,
  parseRecurrenceDays,
  recurrenceTypes,
} from '../../domain/recurrence.js';
import type { RecurrenceType } from '../../domain/recurrence.js';
import type { PolicyType, ScheduledPolicy } from '../../domain/scaling-policy.js';
import { formatWireTimeMs } from '../../domain/wire-time.js';
import { objectField, onlyFields, showValue } from '../../http/body-fields.js';
import type { WireBody } from '../../http/body-fields.js';
import { display, isAbsent } from './dialect.js';

const scheduleFields = [
  'launch_time',
  'recurrence_type',
  'recurrence_value',
  'start_time',
  'end_time',
];

/** How the times of a request are checked. */
export interface Checks {
  readonly nowMs: number;
  /**
   * Whether a schedule must lie ahead of now (AS.3007, AS.3010, AS.3033): for a new policy, and
   * for an update that sets the schedule or the type. An update of other fields keeps a
   * schedule that has run its course.
   */
  readonly againstNow: boolean;
  /** The policy types a request may name. */
  readonly types: readonly PolicyType[];
}

/** A minute-precision time field, or undefined when absent; `invalid` when unreadable. */
function minuteTime(
  value: unknown,
  invalid: (shown: string) => ApiError,
): { text: string; ms: number } | undefined {
  if (isAbsent(value)) return undefined;
  const ms = typeof value === 'string' ? parseMinuteTime(value) : undefined;
  if (ms === undefined) throw invalid(display(value));
  return { text: value as string, ms };
}

export function parseSchedule(
  body: WireBody,
  type: 'SCHEDULED' | 'RECURRENCE',
  checks: Checks,
): ScheduledPolicy {
  const sp = objectField(body, 'scheduled_policy', (v) =>
    apiErrors.badRequestBody(
      `scheduled_policy must be an object such as {"launch_time":"16:00","recurrence_type":"Daily","end_time":"2026-12-31T23:59Z"}, not ${showValue(v)}.`,
    ),
  );
  if (sp === undefined) throw apiErrors.scheduledPolicyNull(type);
  onlyFields(sp, scheduleFields, 'scheduled_policy');
  const launch = sp.launch_time;
  if (isAbsent(launch)) throw apiErrors.launchTimeNull();

  if (type === 'SCHEDULED') {
    const at = minuteTime(launch, (shown) =>
      apiErrors.launchTimeFormat(
        shown,
        'YYYY-MM-DDThh:mmZ (UTC, no seconds) such as 2026-12-01T08:00Z for a SCHEDULED policy',
      ),
    );
    // Not absent: checked above.
    if (at === undefined) throw apiErrors.launchTimeNull();
    if (checks.againstNow && at.ms <= checks.nowMs) {
      throw apiErrors.launchTimeNotFuture(at.text, formatWireTimeMs(checks.nowMs));
    }
    // Only launch_time describes a one-off launch; the recurrence fields are not kept.
    return { launchTime: at.text };
  }

  const minuteOfDay = typeof launch === 'string' ? parseLaunchMinute(launch) : undefined;
  if (minuteOfDay === undefined) {
    throw apiErrors.launchTimeFormat(
      display(launch),
      'hh:mm (UTC) such as 16:00 for a RECURRENCE policy',
    );
  }
  const launchTime = launch as string;
  const rt = sp.recurrence_type;
  if (isAbsent(rt)) throw apiErrors.recurrenceTypeNull();
  if (typeof rt !== 'string' || !(recurrenceTypes as readonly string[]).includes(rt)) {
    throw apiErrors.recurrenceTypeInvalid(display(rt));
  }
  const recurrenceType = rt as RecurrenceType;

  // Daily ignores recurrence_value (the cloud documents it as null for Daily).
  let recurrenceValue: string | undefined;
  let days: readonly number[] = [];
  if (recurrenceType !== 'Daily') {
    const rv = sp.recurrence_value;
    if (isAbsent(rv)) throw apiErrors.recurrenceValueNull(recurrenceType);
    const parsed = typeof rv === 'string' ? parseRecurrenceDays(recurrenceType, rv) : undefined;
    if (parsed === undefined) {
      throw apiErrors.recurrenceValueInvalid(
        display(rv),
        recurrenceType === 'Weekly'
          ? 'weekdays from 1 (Sunday) to 7 (Saturday), comma-separated without spaces or repeats, such as "1,3,5"'
          : 'days of the month from 1 to 31, comma-separated without spaces or repeats, such as "1,15,28"',
      );
    }
    recurrenceValue = rv as string;
    days = parsed;
  }

  // start_time defaults to now, kept so that it is returned (as Terraform fills it in).
  const start = minuteTime(sp.start_time, (shown) => apiErrors.startTimeFormat(shown)) ?? {
    text: formatMinuteTime(checks.nowMs),
    ms: parseMinuteTime(formatMinuteTime(checks.nowMs)) ?? checks.nowMs,
  };
  if (isAbsent(sp.end_time)) throw apiErrors.endTimeNull();
  const end = minuteTime(sp.end_time, (shown) => apiErrors.endTimeFormat(shown));
  if (end === undefined) throw apiErrors.endTimeNull();
  if (checks.againstNow && end.ms <= checks.nowMs) {
    throw apiErrors.endTimeNotFuture(end.text, formatWireTimeMs(checks.nowMs));
  }
  if (start.ms >= end.ms) throw apiErrors.startAfterEnd(start.text, end.text);
  if (checks.againstNow) {
    const from = Math.max(checks.nowMs, start.ms);
    const schedule = {
      kind: 'recurrence',
      recurrenceType,
      days,
      minuteOfDay,
      startAt: start.ms,
      endAt: end.ms,
    } as const;
    if (nextFireTime(schedule, from) === undefined) {
      const on =
        recurrenceType === 'Daily' ? '' : ` on ${recurrenceType} days ${String(recurrenceValue)}`;
      throw apiErrors.recurrenceWindowEmpty(
        `No launch at ${launchTime}${on} falls between ${formatWireTimeMs(from)} and end_time ${end.text}: move end_time later or change the days.`,
      );
    }
  }
  return {
    launchTime,
    recurrenceType,
    ...(recurrenceValue === undefined ? {} : { recurrenceValue }),
    startTime: start.text,
    endTime: end.text,
  };
}
