import type { Writable } from 'node:stream';
import { performance } from 'node:perf_hooks';
import cliProgress from 'cli-progress';

/** A progress display for `scalelog import`, fed with what `importNdjson` has read so far. */
export interface ImportProgress {
  readonly update: (progress: { readonly lines: number; readonly bytes: number }) => void;
  /** Removes the bar so the summary line that follows stands alone. */
  readonly stop: () => void;
}

/** Bytes in the largest unit that keeps the number at or above 1, e.g. `12.3 MiB`. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${units[unit] ?? ''}`;
}

/** Below this much time the rate is mostly noise, and is not shown yet. */
const settleMs = 500;

/** `8,968 logs/s`: lines read per second so far; `… logs/s` until there is a rate to show. */
export function formatRate(lines: number, elapsedMs: number): string {
  if (elapsedMs < settleMs || lines === 0) return '… logs/s';
  return `${Math.round((lines * 1000) / elapsedMs).toLocaleString('en')} logs/s`;
}

/** `42s`, `3m 05s`, `1h 02m`: a duration to show, in its two largest units. */
export function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m ${String(seconds % 60).padStart(2, '0')}s`;
  return `${Math.floor(minutes / 60)}h ${String(minutes % 60).padStart(2, '0')}m`;
}

/**
 * `3m 05s left`: the time the rest of the input takes at the byte rate so far; `… left` until
 * there is a rate to go by.
 */
export function formatTimeLeft(bytes: number, totalBytes: number, elapsedMs: number): string {
  if (elapsedMs < settleMs || bytes === 0) return '… left';
  const left = Math.max(0, totalBytes - bytes);
  return `${formatDuration((left * elapsedMs) / bytes)} left`;
}

/**
 * A bar on `stream` (stderr, only when it is a terminal: the caller decides). With a known
 * input size (a file) it shows a bar, a percentage, the rate in logs per second and the time
 * left; reading from stdin, whose size is unknown, it shows the bytes and lines read and the
 * rate. `now` (milliseconds) times the rate; a test passes its own.
 */
export function createImportProgress(
  stream: Writable,
  totalBytes: number | undefined,
  now: () => number = () => performance.now(),
): ImportProgress {
  const sized = totalBytes !== undefined && totalBytes > 0;
  const bar = new cliProgress.SingleBar({
    stream,
    format: sized
      ? 'importing {bar} {percentage}% | {read} of {total_read} | {lines} lines | {rate} | {left}'
      : 'importing {read} | {lines} lines | {rate}',
    hideCursor: true,
    clearOnComplete: true,
    fps: 5,
  });
  const total = sized ? totalBytes : 1;
  const totalText = formatBytes(totalBytes ?? 0);
  const started = now();
  const payload = (lines: number, bytes: number): Record<string, string | number> => {
    const elapsed = now() - started;
    return {
      read: formatBytes(bytes),
      total_read: totalText,
      lines,
      rate: formatRate(lines, elapsed),
      left: sized ? formatTimeLeft(bytes, total, elapsed) : '',
    };
  };
  bar.start(total, 0, payload(0, 0));
  return {
    update: ({ lines, bytes }) => {
      bar.update(sized ? Math.min(bytes, total) : 0, payload(lines, bytes));
    },
    stop: () => {
      bar.stop();
    },
  };
}
