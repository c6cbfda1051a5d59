import { open } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import type { Config } from '../config/config.js';
import { importActivities } from '../ingest/import-activities.js';
import { importNotifications } from '../ingest/import-notifications.js';
import { ImportAbortedError, importNdjson } from '../ingest/import-ndjson.js';
import type { ImportReport } from '../ingest/import-ndjson.js';
import type { CliContext, SignalSource } from './cli-context.js';
import { exitCodes } from './exit-codes.js';
import type { ExitCode } from './exit-codes.js';
import { createImportProgress } from './import-progress.js';
import { ImportInterruptedError } from './import-interrupted-error.js';
import { openCommandStore } from './open-command-store.js';

export interface ImportCommandOptions {
  /** A file path, or `-` for standard input. */
  readonly source: string;
  readonly skipInvalid: boolean;
  /** The file holds scaling activities (`export --activities`), not execution logs. */
  readonly activities?: boolean;
  /** The file holds recorded notifications (`export --notifications`). */
  readonly notifications?: boolean;
}

interface Input {
  readonly stream: Readable;
  /** Bytes to read, when known (a regular file): it sizes the progress bar. */
  readonly size: number | undefined;
  readonly name: string;
}

/** Opens the input before the store, so a mistyped path creates no database. */
async function openInput(source: string, stdin: Readable): Promise<Input> {
  if (source === '-') return { stream: stdin, size: undefined, name: 'standard input' };
  let handle;
  try {
    handle = await open(source, 'r');
  } catch (e: unknown) {
    const code = (e as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EACCES'
          ? 'permission denied'
          : e instanceof Error
            ? e.message
            : String(e);
    throw new Error(`cannot read ${source}: ${why}.`, { cause: e });
  }
  const stats = await handle.stat();
  if (stats.isDirectory()) {
    await handle.close();
    throw new Error(
      `cannot read ${source}: it is a directory; give an NDJSON file or - for stdin.`,
    );
  }
  return {
    stream: handle.createReadStream(),
    size: stats.isFile() ? stats.size : undefined,
    name: source,
  };
}

/**
 * Listens for SIGINT and SIGTERM while an import runs. The first one ends the input with an
 * error, so the import fails on its next read and its transaction is rolled back; listening
 * then stops, so that a second signal stops the process the default way, at once (the
 * database still rolls the open transaction back).
 */
function interruptOnSignal(
  signals: SignalSource,
  input: Readable,
): { readonly received: () => NodeJS.Signals | undefined; readonly stop: () => void } {
  let received: NodeJS.Signals | undefined;
  const stop = (): void => {
    signals.off('SIGINT', onSignal);
    signals.off('SIGTERM', onSignal);
  };
  function onSignal(signal: NodeJS.Signals): void {
    stop();
    received = signal;
    // Read to its end already: the import is committing, and finishes.
    if (input.readableEnded) return;
    // Standard input too: the process ends with the import. The import's read reports the
    // error; until it reads, nothing else may hear of it, or the process would crash.
    input.on('error', () => undefined);
    input.destroy(new Error(`import interrupted by ${signal}`));
  }
  signals.on('SIGINT', onSignal);
  signals.on('SIGTERM', onSignal);
  return { received: () => received, stop };
}

/** `imported FILE: 10 read, 7 inserted, 1 updated, 1 unchanged, 1 skipped` */
export function formatImportSummary(name: string, report: ImportReport): string {
  return (
    `imported ${name}: ${report.lines} read, ${report.inserted} inserted, ` +
    `${report.updated} updated, ${report.unchanged} unchanged, ${report.skippedCount} skipped`
  );
}

/**
 * `scalelog import`: streams NDJSON logs from a file or stdin into the store through the
 * shared import path, so the rules are those of the HTTP ingest endpoint. Draws a progress
 * bar on stderr when it is a terminal, and ends with a one-line summary on stderr.
 *
 * Exit 0 when every line was imported, 3 when `--skip-invalid` skipped some (each listed as
 * `line N: why`). A bad line without `--skip-invalid` aborts it: nothing was written, and the
 * message points to `--skip-invalid`. SIGINT or SIGTERM while it reads rolls it back and
 * throws {@link ImportInterruptedError}: nothing was written, exit 130 or 143.
 */
export async function importCommand(
  options: ImportCommandOptions,
  config: Config,
  context: CliContext,
): Promise<ExitCode> {
  const input = await openInput(options.source, context.stdin);
  const interruption = interruptOnSignal(context.signals, input.stream);
  let report: ImportReport;
  try {
    const store = await openCommandStore(config, context, { missing: 'create' });
    const progress =
      context.stderr.isTTY === true ? createImportProgress(context.stderr, input.size) : undefined;
    try {
      const importOptions = {
        skipInvalid: options.skipInvalid,
        ...(progress === undefined ? {} : { onProgress: progress.update }),
      };
      report =
        options.notifications === true
          ? await importNotifications(store, input.stream, importOptions)
          : options.activities === true
            ? await importActivities(store, input.stream, importOptions)
            : await importNdjson(store, input.stream, importOptions);
    } catch (e: unknown) {
      const signal = interruption.received();
      if (signal !== undefined && !(e instanceof ImportAbortedError)) {
        throw new ImportInterruptedError(signal, input.name, { cause: e });
      }
      if (!(e instanceof ImportAbortedError)) throw e;
      throw new Error(
        `${e.message} Fix that line, or run the import again with --skip-invalid to import ` +
          'the good lines and list the bad ones.',
        { cause: e },
      );
    } finally {
      progress?.stop();
      await store.close();
    }
  } finally {
    interruption.stop();
    // Standard input is not ours to close; a file stream is closed even when the import failed.
    if (input.stream !== context.stdin) input.stream.destroy();
  }

  const { stderr } = context;
  for (const skipped of report.skipped) stderr.write(`line ${skipped.line}: ${skipped.message}\n`);
  const unlisted = report.skippedCount - report.skipped.length;
  if (unlisted > 0) stderr.write(`… and ${unlisted} more skipped lines, not listed.\n`);
  stderr.write(`${formatImportSummary(input.name, report)}\n`);
  return report.skippedCount > 0 ? exitCodes.skippedLines : exitCodes.success;
}
