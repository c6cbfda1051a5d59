import { join, relative } from 'node:path';
import { childEnv, startChild } from './child-process.js';
import { processMemory } from './measure.js';

/** Starts `bin/scalelog import` as a child and samples its peak resident memory (VmHWM). */
export async function importPeakMemory(input: {
  readonly repoRoot: string;
  readonly dbUrl: string;
  readonly file: string;
}): Promise<{ peakBytes: number; seconds: number; summary: string }> {
  const started = performance.now();
  const child = startChild(
    process.execPath,
    // Relative to the repo root (the child's working directory), so the summary recorded in
    // the results names no machine path.
    [
      join(input.repoRoot, 'bin', 'scalelog'),
      'import',
      '--db',
      input.dbUrl,
      relative(input.repoRoot, input.file),
    ],
    childEnv({}),
    input.repoRoot,
  );
  let peak = 0;
  const sample = async (): Promise<void> => {
    const m = await processMemory(child.pid);
    if (m !== undefined && Number.isFinite(m.hwm)) peak = Math.max(peak, m.hwm);
  };
  const timer = setInterval(() => void sample(), 50);
  const code = await new Promise<number | null>((resolve) => {
    child.process.once('exit', (c) => {
      resolve(c);
    });
  });
  clearInterval(timer);
  if (code !== 0) {
    throw new Error(`bin/scalelog import exited with ${String(code)}:\n${child.output()}`);
  }
  return {
    peakBytes: peak,
    seconds: (performance.now() - started) / 1000,
    summary: child.output().trim().split('\n').pop() ?? '',
  };
}
