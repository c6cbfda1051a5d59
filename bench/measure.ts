import { readFile } from 'node:fs/promises';
import { Writable } from 'node:stream';

/** Latency of one repeated operation, in milliseconds. */
export interface Timing {
  readonly reps: number;
  readonly medianMs: number;
  readonly p95Ms: number;
  readonly meanMs: number;
  readonly minMs: number;
}

const percentile = (sorted: readonly number[], p: number): number => {
  if (sorted.length === 0) return Number.NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1));
  return sorted[i] ?? Number.NaN;
};

export function summarize(samples: readonly number[]): Timing {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    reps: sorted.length,
    medianMs: percentile(sorted, 0.5),
    p95Ms: percentile(sorted, 0.95),
    meanMs: sorted.reduce((a, b) => a + b, 0) / Math.max(1, sorted.length),
    minMs: sorted[0] ?? Number.NaN,
  };
}

/**
 * Runs `op(i)` untimed until the JIT and the caches are warm (at least 20 runs and 200 ms,
 * at most a quarter of the budget), then up to `reps` times timed, one after another (never
 * concurrently), stopping early once `budgetMs` is spent but never before 20 timed runs.
 */
export async function measureLatency(
  op: (i: number) => Promise<unknown>,
  reps: number,
  budgetMs: number,
): Promise<Timing> {
  const warmupStarted = performance.now();
  for (let i = 0; ; i += 1) {
    const elapsed = performance.now() - warmupStarted;
    if ((i >= 20 && elapsed >= 200) || (i >= 3 && elapsed >= budgetMs / 4)) break;
    await op(i);
  }
  const samples: number[] = [];
  const started = performance.now();
  for (let i = 0; i < reps; i += 1) {
    const t0 = performance.now();
    await op(i);
    samples.push(performance.now() - t0);
    if (samples.length >= 20 && performance.now() - started > budgetMs) break;
  }
  return summarize(samples);
}

/** Runs `op` once and returns its result with the seconds it took. */
export async function timed<T>(op: () => Promise<T>): Promise<{ result: T; seconds: number }> {
  const t0 = performance.now();
  const result = await op();
  return { result, seconds: (performance.now() - t0) / 1000 };
}

/** A writable that accepts everything at once and keeps nothing: the export figures' sink. */
export class NullSink extends Writable {
  bytes = 0;
  override _write(
    chunk: Buffer | string,
    _encoding: BufferEncoding,
    callback: (error?: Error | null) => void,
  ): void {
    this.bytes += chunk.length;
    callback();
  }
}

/** Peak (VmHWM) and current (VmRSS) resident memory of a process, in bytes, from /proc. */
export async function processMemory(
  pid: number,
): Promise<{ hwm: number; rss: number } | undefined> {
  let status: string;
  try {
    status = await readFile(`/proc/${pid}/status`, 'utf8');
  } catch {
    return undefined;
  }
  const kb = (field: string): number => {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
    return m === null ? Number.NaN : Number(m[1]) * 1024;
  };
  return { hwm: kb('VmHWM'), rss: kb('VmRSS') };
}
