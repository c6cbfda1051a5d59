import { tokenTtlLimits } from '../auth/credential-format.js';
import { UsageError } from './usage-error.js';

const unitMs = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

const maxDays = tokenTtlLimits.maxMs / unitMs.d;

/**
 * A token lifetime as typed after `--ttl`: a whole number and a unit, `s`, `m`, `h` or `d`
 * (`3600s`, `30m`, `24h`, `7d`), from 1 second to 365 days. Milliseconds.
 *
 * A well-formed lifetime out of range is told apart from a malformed one: `400d` is over
 * the 365-day maximum, `0s` under the 1-second minimum.
 */
export function parseTtl(text: string): number {
  const m = /^(\d+)([smhd])$/.exec(text.trim());
  if (m === null) {
    throw new UsageError(
      `--ttl ${JSON.stringify(text)} is not a token lifetime: expected a whole number and a unit ` +
        `(s, m, h or d), such as 3600s, 30m, 24h or 7d, from 1s to ${maxDays}d.`,
    );
  }
  const ms = Number(m[1]) * unitMs[m[2] as keyof typeof unitMs];
  if (ms > tokenTtlLimits.maxMs) {
    throw new UsageError(
      `--ttl ${JSON.stringify(text)} is over the ${maxDays}-day maximum of a token lifetime: ` +
        `give at most ${maxDays}d (${maxDays * 24}h).`,
    );
  }
  if (ms < tokenTtlLimits.minMs) {
    throw new UsageError(
      `--ttl ${JSON.stringify(text)} is under the 1-second minimum of a token lifetime: ` +
        `give from 1s to ${maxDays}d.`,
    );
  }
  return ms;
}
