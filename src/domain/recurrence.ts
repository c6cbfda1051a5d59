import { utcFromMatch } from './wire-time.js';

/**
 * When a scheduled or recurring scaling policy fires, and the wire fields that say so: a
 * one-off `launch_time` (`YYYY-MM-DDThh:mmZ`), or a `recurrence_type` with its
 * `recurrence_value` days, a daily `launch_time` (`hh:mm`) and a `start_time`/`end_time`
 * window. Everything is UTC on the Gregorian calendar; times are Unix milliseconds.
 */

export const recurrenceTypes = ['Daily', 'Weekly', 'Monthly'] as const;
export type RecurrenceType = (typeof recurrenceTypes)[number];

/** A policy's schedule as the engine evaluates it. Times are Unix milliseconds, UTC. */
export type Schedule =
  | {
      readonly kind: 'once';
      /** The one launch, from a SCHEDULED policy's `launch_time` `YYYY-MM-DDThh:mmZ`. */
      readonly launchAt: number;
    }
  | {
      readonly kind: 'recurrence';
      readonly recurrenceType: RecurrenceType;
      /**
       * Weekly: days 1..7 where 1 = Sunday and 7 = Saturday (the cloud's numbering);
       * Monthly: days of month 1..31; Daily: empty (ignored). Sorted, unique.
       */
      readonly days: readonly number[];
      /** Minutes after UTC midnight of the daily launch time `hh:mm`, 0..1439. */
      readonly minuteOfDay: number;
      /** First moment an occurrence may fall on, inclusive. */
      readonly startAt: number;
      /** Last moment an occurrence may fall on, inclusive. */
      readonly endAt: number;
    };

const minuteMs = 60_000;
const dayMs = 86_400_000;
const minutesPerDay = 1440;

/**
 * Months searched for a Monthly day before giving up. Any day 1..31 occurs within two months
 * (31 skips at most one month: no two consecutive months both lack it), so this bound is only
 * reached for days no month has (0, 32), which a parsed schedule never holds.
 */
const monthlySearchMonths = 24;

/**
 * The first time `schedule` fires at or after `fromMs`, or `undefined` when it never will.
 *
 * - `once` fires at `launchAt` if `launchAt >= fromMs`, otherwise never.
 * - `recurrence` fires at `minuteOfDay` on every matching UTC day: every day for Daily, on the
 *   listed weekdays for Weekly (1 = Sunday ... 7 = Saturday), on the listed days of month for
 *   Monthly. A Monthly day the month lacks (31 in April, 30 in February, 29 in February of a
 *   common year) is skipped for that month, never moved to the month's last day. Only
 *   occurrences inside `[startAt, endAt]` count, both ends inclusive, so the answer is the
 *   first occurrence at or after `max(fromMs, startAt)` if it is not after `endAt`.
 *
 * Never throws and never loops unboundedly: a Weekly schedule looks at most 7 days ahead and a
 * Monthly one at most {@link monthlySearchMonths} months. Empty `days` for Weekly or Monthly,
 * day numbers no calendar has, a `minuteOfDay` outside 0..1439 and non-finite times all give
 * `undefined`.
 */
export function nextFireTime(schedule: Schedule, fromMs: number): number | undefined {
  if (schedule.kind === 'once') {
    return schedule.launchAt >= fromMs ? schedule.launchAt : undefined;
  }
  const { recurrenceType, days, minuteOfDay, startAt, endAt } = schedule;
  if (!Number.isInteger(minuteOfDay) || minuteOfDay < 0 || minuteOfDay >= minutesPerDay) {
    return undefined;
  }
  const from = Math.max(fromMs, startAt);
  if (!Number.isFinite(from) || !Number.isFinite(endAt) || from > endAt) return undefined;

  // The first day whose launch minute is not before `from`.
  const offset = minuteOfDay * minuteMs;
  let day = Math.floor(from / dayMs);
  if (day * dayMs + offset < from) day += 1;

  const found = firstMatchingDay(recurrenceType, days, day, endAt);
  if (found === undefined) return undefined;
  const at = found * dayMs + offset;
  return at <= endAt ? at : undefined;
}

/** The first day number (days since 1970-01-01) at or after `day` that the schedule uses. */
function firstMatchingDay(
  type: RecurrenceType,
  days: readonly number[],
  day: number,
  endAt: number,
): number | undefined {
  switch (type) {
    case 'Daily':
      return day;
    case 'Weekly': {
      for (let ahead = 0; ahead < 7; ahead += 1) {
        if (days.includes(cloudWeekday(day + ahead))) return day + ahead;
      }
      return undefined;
    }
    case 'Monthly':
      return firstMonthlyDay(days, day, endAt);
  }
}

/** The cloud's weekday of a day number: 1 = Sunday ... 7 = Saturday. 1970-01-01 was a Thursday. */
function cloudWeekday(day: number): number {
  const sundayBased = (((day + 4) % 7) + 7) % 7;
  return sundayBased + 1;
}

function firstMonthlyDay(days: readonly number[], day: number, endAt: number): number | undefined {
  const start = new Date(day * dayMs);
  let year = start.getUTCFullYear();
  let month = start.getUTCMonth();
  let fromDate = start.getUTCDate();
  for (let searched = 0; searched < monthlySearchMonths; searched += 1) {
    const monthStart = utcMidnight(year, month, 1);
    // A month starting after the window cannot hold an occurrence inside it.
    if (monthStart > endAt) return undefined;
    const length = daysInMonth(year, month);
    let best: number | undefined;
    for (const d of days) {
      if (Number.isInteger(d) && d >= fromDate && d <= length && (best === undefined || d < best)) {
        best = d;
      }
    }
    if (best !== undefined) return monthStart / dayMs + best - 1;
    month += 1;
    if (month === 12) {
      month = 0;
      year += 1;
    }
    fromDate = 1;
  }
  return undefined;
}

/** Days in a month (0-based), Gregorian: 2000 has a February 29th, 2100 does not. */
function daysInMonth(year: number, month: number): number {
  // Day 0 of the next month is the last day of this one.
  return new Date(utcMidnight(year, month + 1, 0)).getUTCDate();
}

/** Unix ms of a UTC midnight; unlike Date.UTC, keeps years 0-99 as they are. */
function utcMidnight(year: number, month: number, date: number): number {
  const d = new Date(0);
  d.setUTCFullYear(year, month, date);
  return d.getTime();
}

const launchMinutePattern = /^(\d{2}):(\d{2})$/;

/**
 * Minutes after midnight of a recurring policy's daily `launch_time`, `hh:mm` from `00:00` to
 * `23:59` with exactly two ASCII digits each, or `undefined` for anything else (`9:00`,
 * `24:00`, `12:60`, `12:00:00`, white space).
 */
export function parseLaunchMinute(text: string): number | undefined {
  const m = launchMinutePattern.exec(text);
  if (m === null) return undefined;
  const hour = Number(m[1]);
  const minute = Number(m[2]);
  if (hour > 23 || minute > 59) return undefined;
  return hour * 60 + minute;
}

// The empty sixth group stands for the seconds utcFromMatch expects: Number('') is 0.
const minuteTimePattern = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})()Z$/;

/**
 * Unix milliseconds of a minute-precision UTC time `YYYY-MM-DDThh:mmZ`, the shape of a
 * SCHEDULED policy's `launch_time` and of a recurrence's `start_time`/`end_time`, or
 * `undefined` for anything else: seconds, offsets, lower-case `t`/`z`, or a date that does not
 * exist (2021-02-29, 2019-04-31).
 */
export function parseMinuteTime(text: string): number | undefined {
  return utcFromMatch(minuteTimePattern.exec(text));
}

const dayListPattern = /^[1-9]\d?$/;

/**
 * The days of a recurrence's `recurrence_value`, sorted ascending, or `undefined` when invalid.
 *
 * - Daily: always `[]`; the cloud ignores the value, so any value (or none) is accepted.
 * - Weekly: comma-separated weekdays 1..7, 1 = Sunday (`"1,3,5"`).
 * - Monthly: comma-separated days of month 1..31 (`"1,15,31"`).
 *
 * Weekly and Monthly reject a missing or empty value, empty items (`"1,,2"`, `"1,"`), white
 * space, signs, leading zeros (`"01"`), numbers out of range and duplicates (`"1,1"`).
 */
export function parseRecurrenceDays(
  type: RecurrenceType,
  value: string | undefined,
): readonly number[] | undefined {
  if (type === 'Daily') return [];
  if (value === undefined) return undefined;
  const max = type === 'Weekly' ? 7 : 31;
  const result: number[] = [];
  for (const item of value.split(',')) {
    if (!dayListPattern.test(item)) return undefined;
    const day = Number(item);
    if (day > max || result.includes(day)) return undefined;
    result.push(day);
  }
  return result.sort((a, b) => a - b);
}

/**
 * A time as `YYYY-MM-DDThh:mmZ`, the minute it falls in: seconds and milliseconds are dropped,
 * not rounded. Meant for years 0000..9999, the range the four-digit year can show; like
 * `Date#toISOString`, throws a `RangeError` for a time that is not a valid date (`NaN`).
 */
export function formatMinuteTime(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 16)}Z`;
}
