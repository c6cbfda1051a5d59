import { exitCodes } from './exit-codes.js';
import type { ExitCode } from './exit-codes.js';

/**
 * `scalelog import` was stopped by SIGINT (Ctrl-C) or SIGTERM before it finished. The import
 * is one transaction, rolled back: nothing was imported. The process exits 130 or 143, as a
 * shell reports a command those signals stopped.
 */
export class ImportInterruptedError extends Error {
  readonly signal: NodeJS.Signals;
  readonly exitCode: ExitCode;

  constructor(signal: NodeJS.Signals, input: string, options?: { cause?: unknown }) {
    super(
      `interrupted by ${signal}: nothing was imported from ${input} (the import is one ` +
        'transaction, and it was rolled back). Run the import again to import it.',
      options,
    );
    this.name = 'ImportInterruptedError';
    this.signal = signal;
    this.exitCode = signal === 'SIGTERM' ? exitCodes.terminated : exitCodes.interrupted;
  }
}
