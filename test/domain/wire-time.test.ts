import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatWireTime, parseWireTime } from '../../src/domain/wire-time.js';

// The contract's time format is UTC `yyyy-MM-ddThh:mm:ssZ` (contract §1), e.g. the
// documented `2019-03-18T16:00:11Z`. Times are Unix seconds inside the program.

/** Unix seconds of 0000-01-01T00:00:00Z and 9999-12-31T23:59:59Z: every 4-digit year. */
const firstSecond = -62_167_219_200;
const lastSecond = Date.UTC(9999, 11, 31, 23, 59, 59) / 1000;

describe('parseWireTime', () => {
  it.each([
    ['2019-03-18T16:00:11Z', Date.UTC(2019, 2, 18, 16, 0, 11) / 1000],
    ['1970-01-01T00:00:00Z', 0],
    ['1969-12-31T23:59:59Z', -1],
    ['2024-01-01T00:00:00Z', 1_704_067_200],
    ['2020-02-29T12:34:56Z', Date.UTC(2020, 1, 29, 12, 34, 56) / 1000],
    ['2000-02-29T00:00:00Z', Date.UTC(2000, 1, 29) / 1000],
    ['2019-12-31T23:59:59Z', Date.UTC(2019, 11, 31, 23, 59, 59) / 1000],
    ['9999-12-31T23:59:59Z', lastSecond],
  ])('reads %s as %d', (text, seconds) => {
    expect(parseWireTime(text)).toBe(seconds);
  });

  it('keeps years 0000 to 0099 as they are instead of mapping them to 19xx', () => {
    // Date.UTC(1, ...) would give 1901; the wire means year 1.
    const year1 = parseWireTime('0001-01-01T00:00:00Z');
    const year99 = parseWireTime('0099-06-15T08:30:00Z');
    expect(year1).toBe(-62_135_596_800);
    expect(year99).toBe(-59_028_708_600);
    expect(new Date((year1 ?? 0) * 1000).getUTCFullYear()).toBe(1);
    expect(new Date((year99 ?? 0) * 1000).getUTCFullYear()).toBe(99);
    expect(parseWireTime('0000-01-01T00:00:00Z')).toBe(-62_167_219_200);
  });

  it.each([
    ['a fraction of a second', '2019-03-18T16:00:11.000Z'],
    ['a fraction with one digit', '2019-03-18T16:00:11.5Z'],
    ['an offset instead of Z', '2019-03-18T16:00:11+00:00'],
    ['an offset after Z', '2019-03-18T16:00:11Z+08:00'],
    ['a non-zero offset', '2019-03-18T16:00:11+08:00'],
    ['a lower-case t', '2019-03-18t16:00:11Z'],
    ['a lower-case z', '2019-03-18T16:00:11z'],
    ['no Z', '2019-03-18T16:00:11'],
    ['a space instead of T', '2019-03-18 16:00:11Z'],
    ['no seconds', '2019-03-18T16:00Z'],
    ['a date alone', '2019-03-18'],
    ['one-digit month', '2019-3-18T16:00:11Z'],
    ['one-digit hour', '2019-03-18T6:00:11Z'],
    ['a 5-digit year', '12019-03-18T16:00:11Z'],
    ['a signed year', '+2019-03-18T16:00:11Z'],
    ['the compact form', '20190318T160011Z'],
    ['leading white space', ' 2019-03-18T16:00:11Z'],
    ['trailing white space', '2019-03-18T16:00:11Z '],
    ['a trailing newline', '2019-03-18T16:00:11Z\n'],
    ['non-ASCII digits', '٢٠١٩-03-18T16:00:11Z'],
    ['Unix seconds', '1552924811'],
    ['the empty string', ''],
    ['February 30th', '2019-02-30T00:00:00Z'],
    ['February 29th of a common year', '2021-02-29T00:00:00Z'],
    ['February 29th of 1900 (not a leap year)', '1900-02-29T00:00:00Z'],
    ['April 31st', '2019-04-31T00:00:00Z'],
    ['day 0', '2019-03-00T00:00:00Z'],
    ['day 32', '2019-01-32T00:00:00Z'],
    ['month 0', '2019-00-10T00:00:00Z'],
    ['month 13', '2019-13-10T00:00:00Z'],
    ['hour 24', '2019-03-18T24:00:00Z'],
    ['minute 60', '2019-03-18T16:60:00Z'],
    ['second 60 (a leap second)', '2016-12-31T23:59:60Z'],
  ])('rejects %s: %j', (_why, text) => {
    expect(parseWireTime(text)).toBeUndefined();
  });
});

describe('formatWireTime', () => {
  it.each([
    [0, '1970-01-01T00:00:00Z'],
    [-1, '1969-12-31T23:59:59Z'],
    [Date.UTC(2019, 2, 18, 16, 0, 11) / 1000, '2019-03-18T16:00:11Z'],
    [-62_135_596_800, '0001-01-01T00:00:00Z'],
    [-59_028_708_600, '0099-06-15T08:30:00Z'],
    [lastSecond, '9999-12-31T23:59:59Z'],
  ])('writes %d as %s', (seconds, text) => {
    expect(formatWireTime(seconds)).toBe(text);
  });

  it('writes exactly the wire shape: no milliseconds, upper-case T and Z', () => {
    expect(formatWireTime(1_552_924_811)).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
  });
});

describe('wire time round trip', () => {
  it('documented example survives text -> seconds -> text', () => {
    const seconds = parseWireTime('2019-03-18T16:00:00Z');
    expect(seconds).toBeDefined();
    expect(formatWireTime(seconds ?? Number.NaN)).toBe('2019-03-18T16:00:00Z');
  });

  it('every whole second of years 0000-9999 survives seconds -> text -> seconds', () => {
    fc.assert(
      fc.property(fc.integer({ min: firstSecond, max: lastSecond }), (seconds) => {
        const text = formatWireTime(seconds);
        expect(text).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
        expect(parseWireTime(text)).toBe(seconds);
      }),
      { numRuns: 2000 },
    );
  });

  it('every valid calendar text survives text -> seconds -> text, invalid days are refused', () => {
    const pad = (n: number, width: number) => String(n).padStart(width, '0');
    const isLeap = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
    const daysIn = (y: number, m: number) =>
      [31, isLeap(y) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1] ?? 0;
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 9999 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 31 }),
        fc.integer({ min: 0, max: 23 }),
        fc.integer({ min: 0, max: 59 }),
        fc.integer({ min: 0, max: 59 }),
        (y, mo, d, h, mi, s) => {
          const text = `${pad(y, 4)}-${pad(mo, 2)}-${pad(d, 2)}T${pad(h, 2)}:${pad(mi, 2)}:${pad(s, 2)}Z`;
          const seconds = parseWireTime(text);
          if (d > daysIn(y, mo)) {
            expect(seconds).toBeUndefined();
          } else {
            expect(seconds).toBeDefined();
            expect(formatWireTime(seconds ?? Number.NaN)).toBe(text);
          }
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('orders like the text it came from', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: firstSecond, max: lastSecond }),
        fc.integer({ min: firstSecond, max: lastSecond }),
        (a, b) => {
          const ta = formatWireTime(a);
          const tb = formatWireTime(b);
          expect(Math.sign(a - b)).toBe(ta < tb ? -1 : ta > tb ? 1 : 0);
        },
      ),
    );
  });
});
