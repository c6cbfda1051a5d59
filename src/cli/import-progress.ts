import type { Writable } from 'node:stream';
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

/**
 * A bar on `stream` (stderr, only when it is a terminal: the caller decides). With a known
 * input size it shows a bar and a percentage; reading from stdin it shows only the bytes
 * and lines read, since the total is unknown.
 */
export function createImportProgress(
  stream: Writable,
  totalBytes: number | undefined,
): ImportProgress {
  const sized = totalBytes !== undefined && totalBytes > 0;
  const bar = new cliProgress.SingleBar({
    stream,
    format: sized
      ? 'importing {bar} {percentage}% | {read} of {total_read} | {lines} lines'
      : 'importing {read} | {lines} lines',
    hideCursor: true,
    clearOnComplete: true,
    fps: 5,
  });
  const total = sized ? totalBytes : 1;
  const totalText = formatBytes(totalBytes ?? 0);
  bar.start(total, 0, { read: formatBytes(0), total_read: totalText, lines: 0 });
  return {
    update: ({ lines, bytes }) => {
      bar.update(sized ? Math.min(bytes, total) : 0, {
        read: formatBytes(bytes),
        total_read: totalText,
        lines,
      });
    },
    stop: () => {
      bar.stop();
    },
  };
}
