import { tokenTtlLimits } from '../auth/credential-format.js';
import { UsageError } from './usage-error.js';

const unitMs = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/**
 * A token lifetime as typed after `--ttl`: a whole number and a unit, `s`, `m`, `h` or `d`
 * (`3600s`, `30m`, `24h`, `7d`), from 1 second to 365 days. Milliseconds.
 */
export function parseTtl(text: string): number {
  const m = /^([1-9][0-9]{0,9})([smhd])$/.exec(text.trim());
  const ms = m === null ? undefined : Number(m[1]) * unitMs[m[2] as keyof typeof unitMs];
  if (ms === undefined || ms < tokenTtlLimits.minMs || ms > tokenTtlLimits.maxMs) {
    throw new UsageError(
      `--ttl ${JSON.stringify(text)} is not a token lifetime: expected a whole number and a unit ` +
        '(s, m, h or d), such as 3600s, 30m, 24h or 7d, from 1s to 365d.',
    );
  }
  return ms;
}
