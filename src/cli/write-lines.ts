import type { Writable } from 'node:stream';

/** How {@link writeLines} ended. */
export type WriteLinesOutcome = 'complete' | 'reader-gone';

const isBrokenPipe = (e: unknown): boolean =>
  typeof e === 'object' && e !== null && (e as { code?: unknown }).code === 'EPIPE';

/**
 * Writes `lines` to `out` in order, pulling the next line only while `out` accepts more:
 * when `write` returns false it waits for `drain`, so a slow reader slows the producer
 * instead of growing memory.
 *
 * When the reader goes away (EPIPE, as when piped into `head`) it stops pulling and
 * resolves `'reader-gone'` quietly: the reader has all it asked for. Other write errors
 * reject. Resolves only after the last line is handed to the operating system.
 */
export async function writeLines(
  out: Writable,
  lines: AsyncIterable<string>,
): Promise<WriteLinesOutcome> {
  let readerGone = false;
  let failure: unknown;
  let wake: (() => void) | undefined;
  const onError = (e: unknown): void => {
    if (isBrokenPipe(e)) readerGone = true;
    else failure ??= e;
    wake?.();
  };
  const onClose = (): void => {
    readerGone = true;
    wake?.();
  };
  out.on('error', onError);
  out.on('close', onClose);
  const stopped = (): boolean => {
    if (failure !== undefined) {
      throw failure instanceof Error ? failure : new Error('writing failed', { cause: failure });
    }
    return readerGone || out.destroyed;
  };
  try {
    for await (const line of lines) {
      if (stopped()) return 'reader-gone';
      if (!out.write(line)) {
        await new Promise<void>((resolve) => {
          const done = (): void => {
            out.off('drain', done);
            wake = undefined;
            resolve();
          };
          wake = done;
          out.on('drain', done);
        });
      }
    }
    if (stopped()) return 'reader-gone';
    // The callback of an empty write runs once every earlier write has been flushed (or failed).
    await new Promise<void>((resolve) => {
      out.write('', (e) => {
        if (e !== null && e !== undefined) onError(e);
        resolve();
      });
    });
    return stopped() ? 'reader-gone' : 'complete';
  } finally {
    out.off('error', onError);
    out.off('close', onClose);
    // A broken pipe can still be reported after we return; an 'error' event with no
    // listener would crash the process with a stack trace the user has no use for.
    if (out.listenerCount('error') === 0) out.on('error', () => undefined);
  }
}
