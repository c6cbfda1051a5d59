import type { UnixMs, UnixSeconds } from './unix-time.js';

/**
 * The cloud's UTC timestamp format, `yyyy-MM-ddThh:mm:ssZ` (contract §1), to and from Unix
 * seconds. Only this exact shape is accepted: no fractions, no offsets, no lower-case `t`/`z`,
 * and the date must exist (2019-02-30 is rejected).
 */

const wireTimePattern = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})Z$/;

export function parseWireTime(text: string): UnixSeconds | undefined {
  const ms = utcFromMatch(wireTimePattern.exec(text));
  return ms === undefined ? undefined : ms / 1000;
}

/**
 * Unix milliseconds of the UTC date and time captured by a match of six numeric groups
 * (year, month, day, hour, minute, second), or `undefined` when there is no match or that
 * moment does not exist (2019-02-30, hour 24). Shared by every timestamp format we read.
 */
export function utcFromMatch(m: RegExpExecArray | null): number | undefined {
  if (m === null) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) {
    return undefined;
  }
  // setUTCFullYear, unlike Date.UTC, does not map years 0-99 to 1900-1999.
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  d.setUTCHours(hour, minute, second, 0);
  // A date that does not exist (2019-02-30) rolls over to the next month; a real one survives.
  if (d.getUTCFullYear() !== year || d.getUTCMonth() !== month - 1 || d.getUTCDate() !== day) {
    return undefined;
  }
  return d.getTime();
}

export function formatWireTime(seconds: UnixSeconds): string {
  return new Date(seconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** {@link formatWireTime} of a moment kept in milliseconds: the fraction of a second is dropped. */
export function formatWireTimeMs(ms: UnixMs): string {
  return formatWireTime(Math.floor(ms / 1000));
}
