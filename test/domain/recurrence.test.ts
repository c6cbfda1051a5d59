import { describe, expect, it } from 'vitest';
import {
  formatMinuteTime,
  nextFireTime,
  parseLaunchMinute,
  parseMinuteTime,
  parseRecurrenceDays,
  recurrenceTypes,
} from '../../src/domain/recurrence.js';
import type { RecurrenceType, Schedule } from '../../src/domain/recurrence.js';

// Scheduled policies fire once at `launch_time` (`YYYY-MM-DDThh:mmZ`); recurring ones fire at a
// daily `hh:mm` on Daily, Weekly (1 = Sunday ... 7 = Saturday) or Monthly (days of month) days
// inside an inclusive [start_time, end_time] window. Everything is UTC.

const minuteMs = 60_000;
const dayMs = 86_400_000;

/** Unix ms of a UTC calendar time, month 1-based as people write it. */
function utc(year: number, month: number, day: number, hour = 0, minute = 0): number {
  return Date.UTC(year, month - 1, day, hour, minute);
}

type Recurrence = Extract<Schedule, { kind: 'recurrence' }>;

/** A recurring schedule; `launch` is `hh:mm`, `start` and `end` are `YYYY-MM-DDThh:mmZ`. */
function recurring(
  recurrenceType: RecurrenceType,
  days: readonly number[],
  launch: string,
  start: string,
  end: string,
): Recurrence {
  const minuteOfDay = parseLaunchMinute(launch);
  const startAt = parseMinuteTime(start);
  const endAt = parseMinuteTime(end);
  if (minuteOfDay === undefined || startAt === undefined || endAt === undefined) {
    throw new Error(`bad test schedule ${launch} ${start} ${end}`);
  }
  return { kind: 'recurrence', recurrenceType, days, minuteOfDay, startAt, endAt };
}

/** A time from its text, failing the test on a typo. */
function at(text: string): number {
  const ms = parseMinuteTime(text);
  if (ms === undefined) throw new Error(`bad test time ${text}`);
  return ms;
}

/** The next `count` firings from `fromMs`, as text, stopping early when there are no more. */
function firings(schedule: Schedule, fromMs: number, count: number): string[] {
  const out: string[] = [];
  let from = fromMs;
  for (let i = 0; i < count; i += 1) {
    const next = nextFireTime(schedule, from);
    if (next === undefined) break;
    out.push(formatMinuteTime(next));
    from = next + 1;
  }
  return out;
}

describe('nextFireTime for a one-off schedule', () => {
  const once: Schedule = { kind: 'once', launchAt: at('2026-03-01T08:30Z') };

  it('fires at launchAt when asked before it', () => {
    expect(nextFireTime(once, at('2026-02-28T23:59Z'))).toBe(at('2026-03-01T08:30Z'));
    expect(nextFireTime(once, 0)).toBe(at('2026-03-01T08:30Z'));
  });

  it('fires at launchAt when asked exactly at it', () => {
    expect(nextFireTime(once, at('2026-03-01T08:30Z'))).toBe(at('2026-03-01T08:30Z'));
  });

  it('never fires again once launchAt has passed, even by one millisecond', () => {
    expect(nextFireTime(once, at('2026-03-01T08:30Z') + 1)).toBeUndefined();
    expect(nextFireTime(once, at('2027-01-01T00:00Z'))).toBeUndefined();
  });
});

describe('nextFireTime for a Daily schedule', () => {
  const wide = ['2000-01-01T00:00Z', '2200-01-01T00:00Z'] as const;

  it('fires later the same day when the launch minute is still ahead', () => {
    const s = recurring('Daily', [], '09:00', ...wide);
    expect(nextFireTime(s, at('2024-05-10T08:59Z'))).toBe(at('2024-05-10T09:00Z'));
  });

  it('fires the next day once the launch minute has passed', () => {
    const s = recurring('Daily', [], '09:00', ...wide);
    expect(nextFireTime(s, at('2024-05-10T09:01Z'))).toBe(at('2024-05-11T09:00Z'));
  });

  it('crosses the end of a year', () => {
    const s = recurring('Daily', [], '23:30', ...wide);
    expect(firings(s, at('2025-12-31T23:31Z'), 2)).toEqual([
      '2026-01-01T23:30Z',
      '2026-01-02T23:30Z',
    ]);
    expect(nextFireTime(s, at('2025-12-31T23:30Z'))).toBe(at('2025-12-31T23:30Z'));
  });

  it('crosses the end of a month, through February 29th only in leap years', () => {
    const s = recurring('Daily', [], '06:15', ...wide);
    expect(firings(s, at('2024-02-28T07:00Z'), 2)).toEqual([
      '2024-02-29T06:15Z',
      '2024-03-01T06:15Z',
    ]);
    expect(nextFireTime(s, at('2023-02-28T07:00Z'))).toBe(at('2023-03-01T06:15Z'));
    expect(nextFireTime(s, at('2100-02-28T07:00Z'))).toBe(at('2100-03-01T06:15Z'));
    expect(nextFireTime(s, at('2000-02-28T07:00Z'))).toBe(at('2000-02-29T06:15Z'));
    expect(nextFireTime(s, at('2024-04-30T07:00Z'))).toBe(at('2024-05-01T06:15Z'));
  });

  it('handles the first and last minute of the day', () => {
    const midnight = recurring('Daily', [], '00:00', ...wide);
    expect(nextFireTime(midnight, at('2024-05-10T00:00Z') + 1)).toBe(at('2024-05-11T00:00Z'));
    expect(nextFireTime(midnight, at('2024-05-10T23:59Z'))).toBe(at('2024-05-11T00:00Z'));
    const last = recurring('Daily', [], '23:59', ...wide);
    expect(nextFireTime(last, at('2024-05-10T00:00Z'))).toBe(at('2024-05-10T23:59Z'));
    expect(nextFireTime(last, at('2024-05-10T23:59Z') + 1)).toBe(at('2024-05-11T23:59Z'));
  });

  it('ignores any days it is given', () => {
    const s: Schedule = { ...recurring('Daily', [], '09:00', ...wide), days: [3] };
    expect(firings(s, at('2026-11-29T00:00Z'), 3)).toEqual([
      '2026-11-29T09:00Z',
      '2026-11-30T09:00Z',
      '2026-12-01T09:00Z',
    ]);
  });
});

describe('nextFireTime at the edges of the window', () => {
  it('fires at startAt when startAt is exactly an occurrence', () => {
    const s = recurring('Daily', [], '10:00', '2026-04-01T10:00Z', '2026-04-30T10:00Z');
    expect(nextFireTime(s, at('2020-01-01T00:00Z'))).toBe(at('2026-04-01T10:00Z'));
  });

  it('skips an occurrence one minute before startAt', () => {
    const s = recurring('Daily', [], '10:00', '2026-04-01T10:01Z', '2026-04-30T10:00Z');
    expect(nextFireTime(s, at('2020-01-01T00:00Z'))).toBe(at('2026-04-02T10:00Z'));
  });

  it('fires at endAt when endAt is exactly an occurrence, and never after', () => {
    const s = recurring('Daily', [], '10:00', '2026-04-01T10:00Z', '2026-04-30T10:00Z');
    expect(nextFireTime(s, at('2026-04-29T10:00Z') + 1)).toBe(at('2026-04-30T10:00Z'));
    expect(nextFireTime(s, at('2026-04-30T10:00Z'))).toBe(at('2026-04-30T10:00Z'));
    expect(nextFireTime(s, at('2026-04-30T10:00Z') + 1)).toBeUndefined();
  });

  it('does not fire an occurrence one minute past endAt', () => {
    const s = recurring('Daily', [], '10:00', '2026-04-01T10:00Z', '2026-04-30T09:59Z');
    expect(nextFireTime(s, at('2026-04-29T10:00Z') + 1)).toBeUndefined();
    expect(firings(s, at('2026-04-28T00:00Z'), 5)).toEqual([
      '2026-04-28T10:00Z',
      '2026-04-29T10:00Z',
    ]);
  });

  it('returns an occurrence asked for exactly, and the next one a millisecond later', () => {
    const s = recurring('Weekly', [2, 5], '08:00', '2026-01-01T00:00Z', '2026-12-31T23:59Z');
    // 2026-11-30 is a Monday (2), 2026-12-03 a Thursday (5).
    expect(nextFireTime(s, at('2026-11-30T08:00Z'))).toBe(at('2026-11-30T08:00Z'));
    expect(nextFireTime(s, at('2026-11-30T08:00Z') + 1)).toBe(at('2026-12-03T08:00Z'));
    expect(nextFireTime(s, at('2026-11-30T08:00Z') - 1)).toBe(at('2026-11-30T08:00Z'));
  });

  it('never fires when asked after endAt or when the window is inverted', () => {
    const s = recurring('Daily', [], '10:00', '2026-04-01T00:00Z', '2026-04-30T23:59Z');
    expect(nextFireTime(s, at('2026-05-01T00:00Z'))).toBeUndefined();
    const inverted = recurring('Daily', [], '10:00', '2026-04-30T00:00Z', '2026-04-01T00:00Z');
    expect(nextFireTime(inverted, at('2026-01-01T00:00Z'))).toBeUndefined();
  });

  it.each([
    [
      'a Daily launch minute outside a same-day window',
      recurring('Daily', [], '09:00', '2026-04-01T10:00Z', '2026-04-01T10:30Z'),
    ],
    [
      'Sundays in a Monday-to-Saturday window',
      recurring('Weekly', [1], '09:00', '2026-11-30T00:00Z', '2026-12-05T23:59Z'),
    ],
    [
      'the 31st in a window covering April only',
      recurring('Monthly', [31], '09:00', '2024-04-01T00:00Z', '2024-04-30T23:59Z'),
    ],
    [
      'the 29th in February of a common year',
      recurring('Monthly', [29], '09:00', '2023-02-01T00:00Z', '2023-03-28T23:59Z'),
    ],
    [
      'the 30th and 31st from February into early March',
      recurring('Monthly', [30, 31], '09:00', '2024-02-01T00:00Z', '2024-03-29T23:59Z'),
    ],
  ])('never fires when the window holds no occurrence: %s', (_why, s) => {
    expect(nextFireTime(s, at('2020-01-01T00:00Z'))).toBeUndefined();
  });
});

describe('nextFireTime for a Weekly schedule', () => {
  const wide = ['2000-01-01T00:00Z', '2200-01-01T00:00Z'] as const;

  // 2026-11-29 is a Sunday: cloud day n falls n - 1 days later.
  it.each([
    [1, 'Sunday', '2026-11-29T12:00Z', 0],
    [2, 'Monday', '2026-11-30T12:00Z', 1],
    [3, 'Tuesday', '2026-12-01T12:00Z', 2],
    [4, 'Wednesday', '2026-12-02T12:00Z', 3],
    [5, 'Thursday', '2026-12-03T12:00Z', 4],
    [6, 'Friday', '2026-12-04T12:00Z', 5],
    [7, 'Saturday', '2026-12-05T12:00Z', 6],
  ])('day %d is %s', (day, _name, expected, jsWeekday) => {
    const s = recurring('Weekly', [day], '12:00', ...wide);
    const next = nextFireTime(s, at('2026-11-29T00:00Z'));
    expect(next).toBe(at(expected));
    expect(new Date(next ?? Number.NaN).getUTCDay()).toBe(jsWeekday);
  });

  it.each([
    ['1970-01-01', 5, 'a Thursday'],
    ['2000-01-01', 7, 'a Saturday'],
    ['2024-02-29', 5, 'a Thursday'],
    ['2100-03-01', 2, 'a Monday'],
  ])('finds %s as day %d (%s)', (date, day) => {
    const s = recurring('Weekly', [day], '00:00', '1970-01-01T00:00Z', '2200-01-01T00:00Z');
    // Asked from six days before, the only matching day in the next week is the date itself.
    expect(nextFireTime(s, at(`${date}T00:00Z`) - 6 * dayMs)).toBe(at(`${date}T00:00Z`));
  });

  it('walks several weekdays in order and wraps from Saturday to Sunday', () => {
    const s = recurring('Weekly', [1, 4, 7], '18:45', ...wide);
    expect(firings(s, at('2026-11-28T19:00Z'), 5)).toEqual([
      '2026-11-29T18:45Z',
      '2026-12-02T18:45Z',
      '2026-12-05T18:45Z',
      '2026-12-06T18:45Z',
      '2026-12-09T18:45Z',
    ]);
  });

  it('waits a full week when the only day has just passed', () => {
    const s = recurring('Weekly', [1], '08:00', ...wide);
    expect(nextFireTime(s, at('2026-11-29T08:01Z'))).toBe(at('2026-12-06T08:00Z'));
  });

  it('never fires with no days', () => {
    const s = recurring('Weekly', [], '08:00', ...wide);
    expect(nextFireTime(s, at('2026-11-29T00:00Z'))).toBeUndefined();
  });
});

describe('nextFireTime for a Monthly schedule', () => {
  const wide = ['1970-01-01T00:00Z', '9999-12-31T23:59Z'] as const;

  it('fires on the 31st only in months that have one, never on a month end instead', () => {
    const s = recurring('Monthly', [31], '12:00', ...wide);
    expect(firings(s, at('2025-01-01T00:00Z'), 7)).toEqual([
      '2025-01-31T12:00Z',
      '2025-03-31T12:00Z',
      '2025-05-31T12:00Z',
      '2025-07-31T12:00Z',
      '2025-08-31T12:00Z',
      '2025-10-31T12:00Z',
      '2025-12-31T12:00Z',
    ]);
    // February, April, June, September and November are skipped, not moved.
    expect(nextFireTime(s, at('2024-01-31T12:01Z'))).toBe(at('2024-03-31T12:00Z'));
    expect(nextFireTime(s, at('2024-03-31T12:01Z'))).toBe(at('2024-05-31T12:00Z'));
    expect(nextFireTime(s, at('2024-08-31T12:01Z'))).toBe(at('2024-10-31T12:00Z'));
  });

  it('skips February for the 30th, leap year or not', () => {
    const s = recurring('Monthly', [30], '12:00', ...wide);
    expect(nextFireTime(s, at('2025-01-30T12:01Z'))).toBe(at('2025-03-30T12:00Z'));
    expect(nextFireTime(s, at('2024-01-30T12:01Z'))).toBe(at('2024-03-30T12:00Z'));
    expect(nextFireTime(s, at('2024-04-01T00:00Z'))).toBe(at('2024-04-30T12:00Z'));
  });

  it('fires on February 29th in leap years only: 2024 and 2000 yes, 2023 and 2100 no', () => {
    const s = recurring('Monthly', [29], '12:00', ...wide);
    expect(nextFireTime(s, at('2024-01-29T12:01Z'))).toBe(at('2024-02-29T12:00Z'));
    expect(nextFireTime(s, at('2000-01-29T12:01Z'))).toBe(at('2000-02-29T12:00Z'));
    expect(nextFireTime(s, at('2400-01-29T12:01Z'))).toBe(at('2400-02-29T12:00Z'));
    expect(nextFireTime(s, at('2023-01-29T12:01Z'))).toBe(at('2023-03-29T12:00Z'));
    expect(nextFireTime(s, at('2100-01-29T12:01Z'))).toBe(at('2100-03-29T12:00Z'));
    expect(nextFireTime(s, at('1900-01-29T12:01Z'))).toBe(at('1970-01-29T12:00Z'));
  });

  it('walks a list of several days across short months', () => {
    const s = recurring('Monthly', [1, 15, 29, 31], '06:00', ...wide);
    expect(firings(s, at('2025-01-30T00:00Z'), 8)).toEqual([
      '2025-01-31T06:00Z',
      '2025-02-01T06:00Z',
      '2025-02-15T06:00Z',
      '2025-03-01T06:00Z',
      '2025-03-15T06:00Z',
      '2025-03-29T06:00Z',
      '2025-03-31T06:00Z',
      '2025-04-01T06:00Z',
    ]);
  });

  it('crosses the end of a year', () => {
    const s = recurring('Monthly', [5, 31], '23:59', ...wide);
    expect(firings(s, at('2025-12-05T23:59Z') + 1, 3)).toEqual([
      '2025-12-31T23:59Z',
      '2026-01-05T23:59Z',
      '2026-01-31T23:59Z',
    ]);
  });

  it('reaches the last month of year 9999 and stops at the end of the window', () => {
    const s = recurring('Monthly', [31], '23:59', ...wide);
    expect(nextFireTime(s, at('9999-11-01T00:00Z'))).toBe(at('9999-12-31T23:59Z'));
    expect(nextFireTime(s, at('9999-12-31T23:59Z') + 1)).toBeUndefined();
  });

  it('never fires with no days or with days no month has', () => {
    expect(nextFireTime(recurring('Monthly', [], '08:00', ...wide), 0)).toBeUndefined();
    expect(nextFireTime(recurring('Monthly', [0, 32], '08:00', ...wide), 0)).toBeUndefined();
  });
});

describe('nextFireTime on inputs no parser produces', () => {
  it('never fires for a launch minute outside the day or a time that is not a number', () => {
    const s = recurring('Daily', [], '10:00', '2026-04-01T00:00Z', '2026-04-30T23:59Z');
    expect(nextFireTime({ ...s, minuteOfDay: 1440 }, 0)).toBeUndefined();
    expect(nextFireTime({ ...s, minuteOfDay: -1 }, 0)).toBeUndefined();
    expect(nextFireTime({ ...s, minuteOfDay: 1.5 }, 0)).toBeUndefined();
    expect(nextFireTime(s, Number.NaN)).toBeUndefined();
    expect(nextFireTime({ ...s, endAt: Number.NaN }, 0)).toBeUndefined();
    // The same schedule with sound inputs does fire, so the cases above fail for their input.
    expect(nextFireTime(s, 0)).toBe(at('2026-04-01T10:00Z'));
  });
});

describe('parseLaunchMinute', () => {
  it.each([
    ['00:00', 0],
    ['00:01', 1],
    ['09:05', 545],
    ['12:00', 720],
    ['23:59', 1439],
  ])('reads %s as minute %d', (text, minute) => {
    expect(parseLaunchMinute(text)).toBe(minute);
  });

  it.each([
    ['hour 24', '24:00'],
    ['minute 60', '12:60'],
    ['a one-digit hour', '9:00'],
    ['a one-digit minute', '09:5'],
    ['three-digit hour', '009:00'],
    ['no colon', '0900'],
    ['a dot', '09.00'],
    ['seconds', '09:00:00'],
    ['a zone', '09:00Z'],
    ['leading space', ' 09:00'],
    ['trailing space', '09:00 '],
    ['a trailing newline', '09:00\n'],
    ['a sign', '+9:00'],
    ['non-ASCII digits', '٠٩:٠٠'],
    ['the empty string', ''],
  ])('rejects %s: %j', (_why, text) => {
    expect(parseLaunchMinute(text)).toBeUndefined();
  });
});

describe('parseMinuteTime', () => {
  it.each([
    ['1970-01-01T00:00Z', 0],
    ['2024-02-29T12:34Z', utc(2024, 2, 29, 12, 34)],
    ['2000-02-29T00:00Z', utc(2000, 2, 29)],
    ['2026-11-29T23:59Z', utc(2026, 11, 29, 23, 59)],
    ['9999-12-31T23:59Z', utc(9999, 12, 31, 23, 59)],
  ])('reads %s as %d', (text, ms) => {
    expect(parseMinuteTime(text)).toBe(ms);
  });

  it.each([
    ['February 29th of a common year', '2021-02-29T00:00Z'],
    ['February 29th of 2100', '2100-02-29T00:00Z'],
    ['February 30th', '2024-02-30T00:00Z'],
    ['April 31st', '2019-04-31T00:00Z'],
    ['day 0', '2024-01-00T00:00Z'],
    ['month 0', '2024-00-10T00:00Z'],
    ['month 13', '2024-13-10T00:00Z'],
    ['hour 24', '2024-01-01T24:00Z'],
    ['minute 60', '2024-01-01T00:60Z'],
    ['seconds', '2024-01-01T00:00:00Z'],
    ['no Z', '2024-01-01T00:00'],
    ['an offset', '2024-01-01T00:00+08:00'],
    ['a lower-case t', '2024-01-01t00:00Z'],
    ['a lower-case z', '2024-01-01T00:00z'],
    ['a space instead of T', '2024-01-01 00:00Z'],
    ['a one-digit month', '2024-1-01T00:00Z'],
    ['a date alone', '2024-01-01'],
    ['trailing space', '2024-01-01T00:00Z '],
    ['the empty string', ''],
  ])('rejects %s: %j', (_why, text) => {
    expect(parseMinuteTime(text)).toBeUndefined();
  });
});

describe('formatMinuteTime', () => {
  it.each([
    [0, '1970-01-01T00:00Z'],
    [utc(2024, 2, 29, 12, 34), '2024-02-29T12:34Z'],
    [utc(9999, 12, 31, 23, 59), '9999-12-31T23:59Z'],
  ])('writes %d as %s', (ms, text) => {
    expect(formatMinuteTime(ms)).toBe(text);
  });

  it('drops seconds and milliseconds instead of rounding', () => {
    expect(formatMinuteTime(Date.UTC(2024, 1, 29, 12, 34, 59, 999))).toBe('2024-02-29T12:34Z');
    expect(formatMinuteTime(Date.UTC(2025, 11, 31, 23, 59, 59, 999))).toBe('2025-12-31T23:59Z');
    expect(formatMinuteTime(-1)).toBe('1969-12-31T23:59Z');
  });

  it('round-trips through parseMinuteTime to the start of the minute', () => {
    const random = seededRandom(7);
    const last = utc(9999, 12, 31, 23, 59) + minuteMs - 1;
    for (let i = 0; i < 500; i += 1) {
      const ms = Math.floor(random() * last);
      const text = formatMinuteTime(ms);
      expect(text).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}Z$/);
      expect(parseMinuteTime(text)).toBe(ms - (ms % minuteMs));
    }
  });
});

describe('parseRecurrenceDays', () => {
  it.each([undefined, '', '1,2', '40', 'anything'])('accepts and ignores %j for Daily', (v) => {
    expect(parseRecurrenceDays('Daily', v)).toEqual([]);
  });

  it.each([
    ['1', [1]],
    ['7', [7]],
    ['5,1,3', [1, 3, 5]],
    ['7,6,5,4,3,2,1', [1, 2, 3, 4, 5, 6, 7]],
  ])('reads Weekly %j as %j', (value, days) => {
    expect(parseRecurrenceDays('Weekly', value)).toEqual(days);
  });

  it.each([
    ['1', [1]],
    ['31', [31]],
    ['31,1,10', [1, 10, 31]],
    ['29,30,31', [29, 30, 31]],
  ])('reads Monthly %j as %j', (value, days) => {
    expect(parseRecurrenceDays('Monthly', value)).toEqual(days);
  });

  it('reads every day of the month, in any order', () => {
    const all = Array.from({ length: 31 }, (_, i) => i + 1);
    expect(parseRecurrenceDays('Monthly', [...all].reverse().join(','))).toEqual(all);
  });

  it.each([
    ['no value', undefined],
    ['the empty string', ''],
    ['day 0', '0'],
    ['day 8', '8'],
    ['a leading zero', '01'],
    ['a duplicate', '1,1'],
    ['a duplicate among others', '2,3,2'],
    ['an empty item', '1,,2'],
    ['a trailing comma', '1,'],
    ['a leading comma', ',1'],
    ['a space after a comma', '1, 2'],
    ['a leading space', ' 1'],
    ['a trailing space', '1 '],
    ['a sign', '+1'],
    ['a negative day', '-1'],
    ['a decimal', '1.0'],
    ['an exponent', '1e0'],
    ['hex', '0x1'],
    ['a day name', 'Monday'],
    ['a semicolon', '1;2'],
  ])('rejects Weekly with %s: %j', (_why, value) => {
    expect(parseRecurrenceDays('Weekly', value)).toBeUndefined();
  });

  it.each([
    ['no value', undefined],
    ['the empty string', ''],
    ['day 0', '0'],
    ['day 32', '32'],
    ['a three-digit day', '100'],
    ['a leading zero', '09'],
    ['a leading zero on a two-digit day', '031'],
    ['a duplicate', '31,31'],
    ['a trailing comma', '1,2,'],
    ['a space', '1, 15'],
    ['a range', '1-5'],
  ])('rejects Monthly with %s: %j', (_why, value) => {
    expect(parseRecurrenceDays('Monthly', value)).toBeUndefined();
  });
});

// ---- Property check against a brute-force reference ----

/** mulberry32: a small deterministic PRNG so every run checks the same cases. */
function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Whether the schedule uses this UTC day, asked of `Date` rather than computed. */
function usesDay(s: Recurrence, dayStart: number): boolean {
  const date = new Date(dayStart);
  switch (s.recurrenceType) {
    case 'Daily':
      return true;
    case 'Weekly':
      return s.days.includes(date.getUTCDay() + 1);
    case 'Monthly':
      return s.days.includes(date.getUTCDate());
  }
}

/** Every day from the day of `from` to the day of `endAt`, in order: slow and obviously right. */
function referenceByDay(s: Schedule, fromMs: number): number | undefined {
  if (s.kind === 'once') return s.launchAt >= fromMs ? s.launchAt : undefined;
  const from = Math.max(fromMs, s.startAt);
  for (let dayStart = from - (from % dayMs); dayStart <= s.endAt; dayStart += dayMs) {
    const fire = dayStart + s.minuteOfDay * minuteMs;
    if (usesDay(s, dayStart) && fire >= from && fire <= s.endAt) return fire;
  }
  return undefined;
}

/** Every whole minute from `from` to `endAt`, asking `Date` for its hour and minute. */
function referenceByMinute(s: Schedule, fromMs: number): number | undefined {
  if (s.kind === 'once') return s.launchAt >= fromMs ? s.launchAt : undefined;
  const from = Math.max(fromMs, s.startAt);
  for (let t = Math.ceil(from / minuteMs) * minuteMs; t <= s.endAt; t += minuteMs) {
    const d = new Date(t);
    const dayStart = t - d.getUTCHours() * 3_600_000 - d.getUTCMinutes() * minuteMs;
    if (d.getUTCHours() * 60 + d.getUTCMinutes() === s.minuteOfDay && usesDay(s, dayStart)) {
      return t;
    }
  }
  return undefined;
}

/** Years where the calendar is most likely to be got wrong, and a few ordinary ones. */
const trickyYears = [1970, 1999, 2000, 2023, 2024, 2025, 2099, 2100, 2101, 2399, 2400, 9997];

function randomSchedule(random: () => number, maxSpanMs: number): Recurrence {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const int = (min: number, max: number) => min + Math.floor(random() * (max - min + 1));
  const recurrenceType = pick(recurrenceTypes);
  let days: number[] = [];
  if (recurrenceType === 'Weekly') {
    days = [1, 2, 3, 4, 5, 6, 7].filter(() => random() < 0.3);
    if (days.length === 0) days = [int(1, 7)];
  } else if (recurrenceType === 'Monthly') {
    // Half the time only month ends, the days a wrong implementation moves or misplaces.
    const pool = random() < 0.5 ? [28, 29, 30, 31] : Array.from({ length: 31 }, (_, i) => i + 1);
    days = pool.filter(() => random() < 0.25);
    if (days.length === 0) days = [pick(pool)];
  }
  const minuteOfDay = pick([0, 1439, int(0, 1439), int(0, 1439)]);
  const year = random() < 0.7 ? pick(trickyYears) : int(1970, 9997);
  let startAt = utc(year, int(1, 12), int(1, 28), int(0, 23), int(0, 59));
  // Sometimes put a window edge exactly on that day's launch minute.
  if (random() < 0.2) startAt = startAt - (startAt % dayMs) + minuteOfDay * minuteMs;
  let endAt = startAt + Math.floor(random() * maxSpanMs);
  if (random() < 0.2) endAt = endAt - (endAt % dayMs) + minuteOfDay * minuteMs;
  return { kind: 'recurrence', recurrenceType, days, minuteOfDay, startAt, endAt };
}

function randomFrom(random: () => number, s: Recurrence): number {
  const r = random();
  if (r < 0.15) return s.startAt - Math.floor(random() * 100 * dayMs);
  // Within two days either side of endAt, where the last occurrence is decided.
  if (r < 0.3) return s.endAt + Math.floor((random() - 0.5) * 4 * dayMs);
  const inside = s.startAt + Math.floor(random() * (s.endAt - s.startAt + 2 * dayMs));
  // Sometimes exactly on a launch minute, or one millisecond after it.
  if (r < 0.45) return inside - (inside % dayMs) + s.minuteOfDay * minuteMs;
  if (r < 0.55) return inside - (inside % dayMs) + s.minuteOfDay * minuteMs + 1;
  return inside;
}

describe('nextFireTime against a brute-force reference', () => {
  it('agrees with a day-by-day calendar walk on windows of up to two years', () => {
    const random = seededRandom(20_260_229);
    let fired = 0;
    let silent = 0;
    for (let i = 0; i < 400; i += 1) {
      const s = randomSchedule(random, 730 * dayMs);
      const from = randomFrom(random, s);
      const expected = referenceByDay(s, from);
      expect(nextFireTime(s, from), JSON.stringify({ s, from })).toBe(expected);
      if (expected === undefined) silent += 1;
      else fired += 1;
    }
    // Both outcomes must be well represented, or the comparison proves little.
    expect(fired).toBeGreaterThan(150);
    expect(silent).toBeGreaterThan(20);
  });

  it('agrees with a minute-by-minute scan on windows of up to four days', () => {
    const random = seededRandom(1_100);
    let fired = 0;
    let silent = 0;
    for (let i = 0; i < 300; i += 1) {
      const s = randomSchedule(random, 4 * dayMs);
      const from = randomFrom(random, s);
      const expected = referenceByMinute(s, from);
      expect(nextFireTime(s, from), JSON.stringify({ s, from })).toBe(expected);
      if (expected === undefined) silent += 1;
      else fired += 1;
    }
    expect(fired).toBeGreaterThan(50);
    expect(silent).toBeGreaterThan(50);
  });

  it('agrees with the reference for once schedules', () => {
    const random = seededRandom(42);
    for (let i = 0; i < 200; i += 1) {
      const launchAt = Math.floor(random() * utc(2200, 1, 1));
      const from = launchAt + Math.floor((random() - 0.5) * 4 * minuteMs);
      const s: Schedule = { kind: 'once', launchAt };
      expect(nextFireTime(s, from)).toBe(referenceByDay(s, from));
    }
  });
});
