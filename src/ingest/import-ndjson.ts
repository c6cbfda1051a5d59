import type { ExecutionLog } from '../domain/execution-log.js';
import { logFromWire, WireLogError } from '../log-format/log-wire.js';
import type { LogStore } from '../store/log-store.js';

/**
 * The one import path: NDJSON in the wire shape of a log, one log per line. Used by
 * `scalelog import` and by the HTTP ingest endpoint, so both follow the same rules:
 *
 * - Idempotent by `id` (see `shouldReplace`): the same file twice changes nothing.
 * - By default the first bad line aborts the import and nothing is written
 *   ({@link ImportAbortedError} names the line and what was wrong).
 * - With `skipInvalid`, good lines are written and bad ones reported.
 * - Streams: lines are parsed and written in batches inside one transaction, so memory
 *   stays flat for any input size.
 */
export interface ImportOptions {
  readonly skipInvalid: boolean;
  /** Every log must belong to this project (the HTTP ingest endpoint's path project). */
  readonly projectId?: string;
  readonly batchSize?: number;
  /** Called after each batch with the lines and bytes read so far. */
  readonly onProgress?: (progress: { readonly lines: number; readonly bytes: number }) => void;
}

export interface SkippedLine {
  readonly line: number;
  readonly message: string;
}

export interface ImportReport {
  /** Non-blank lines read. */
  readonly lines: number;
  readonly inserted: number;
  readonly updated: number;
  readonly unchanged: number;
  /** How many lines were skipped; `skipped` lists the first {@link maxSkippedDetails}. */
  readonly skippedCount: number;
  readonly skipped: readonly SkippedLine[];
}

export const maxSkippedDetails = 1000;
export const maxLineBytes = 1024 * 1024;
const defaultBatchSize = 500;

export class ImportAbortedError extends Error {
  readonly line: number;
  readonly reason: string;
  constructor(line: number, reason: string) {
    super(`line ${line}: ${reason} Nothing was imported.`);
    this.name = 'ImportAbortedError';
    this.line = line;
    this.reason = reason;
  }
}

export interface Line {
  readonly number: number;
  readonly text: string;
}

/**
 * Splits a byte stream into lines without holding more than one line and one chunk.
 * Blank lines are passed over; `\r\n` endings and a leading UTF-8 byte order mark are accepted.
 */
export async function* readLines(
  input: AsyncIterable<Buffer | string>,
  onBytes: (n: number) => void,
): AsyncGenerator<Line | { readonly number: number; readonly tooLong: true }> {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let number = 0;
  let first = true;
  let skippingLongLine = false;
  const emit = (buf: Buffer): Line | undefined => {
    number += 1;
    let text = buf.toString('utf8');
    if (first) {
      first = false;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    if (text.endsWith('\r')) text = text.slice(0, -1);
    return text.trim() === '' ? undefined : { number, text };
  };
  for await (const chunk of input) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    onBytes(buf.length);
    let start = 0;
    for (let nl = buf.indexOf(10, start); nl !== -1; nl = buf.indexOf(10, start)) {
      const part = buf.subarray(start, nl);
      start = nl + 1;
      if (skippingLongLine) {
        skippingLongLine = false;
        continue;
      }
      if (pendingBytes + part.length > maxLineBytes) {
        pending = [];
        pendingBytes = 0;
        number += 1;
        first = false;
        yield { number, tooLong: true };
        continue;
      }
      const whole = pending.length === 0 ? part : Buffer.concat([...pending, part]);
      pending = [];
      pendingBytes = 0;
      const line = emit(whole);
      if (line !== undefined) yield line;
    }
    if (start < buf.length && !skippingLongLine) {
      const rest = buf.subarray(start);
      if (pendingBytes + rest.length > maxLineBytes) {
        pending = [];
        pendingBytes = 0;
        skippingLongLine = true;
        number += 1;
        first = false;
        yield { number, tooLong: true };
      } else {
        // Copy: the producer may reuse its chunk buffers.
        pending.push(Buffer.from(rest));
        pendingBytes += rest.length;
      }
    }
  }
  if (pending.length > 0) {
    const line = emit(Buffer.concat(pending));
    if (line !== undefined) yield line;
  }
}

function parseLine(text: string, projectId: string | undefined): ExecutionLog {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e: unknown) {
    throw new WireLogError(`not valid JSON (${e instanceof Error ? e.message : String(e)}).`);
  }
  const log = logFromWire(value);
  if (projectId !== undefined && log.projectId !== projectId) {
    throw new WireLogError(
      `tenant_id ${JSON.stringify(log.projectId)} is not the project ${JSON.stringify(projectId)} this import is for.`,
    );
  }
  return log;
}

/** Lets timers and other connections run between batches of a long import. */
export const yieldToEventLoop = (): Promise<void> =>
  new Promise((resolve) => {
    setImmediate(resolve);
  });

/**
 * The record of skipped lines both imports keep: `skip` throws {@link ImportAbortedError}
 * unless `skipInvalid`, else counts the line and keeps the first {@link maxSkippedDetails} in
 * line order (a batch's refusals arrive after later lines were read).
 */
export function skippedLines(skipInvalid: boolean): {
  readonly skip: (line: number, message: string) => void;
  readonly count: () => number;
  readonly first: readonly SkippedLine[];
} {
  let count = 0;
  const first: SkippedLine[] = [];
  const skip = (line: number, message: string): void => {
    if (!skipInvalid) throw new ImportAbortedError(line, message);
    count += 1;
    const last = first[first.length - 1];
    if (first.length >= maxSkippedDetails && last !== undefined && last.line < line) return;
    let i = first.length;
    while (i > 0 && (first[i - 1]?.line ?? 0) > line) i -= 1;
    first.splice(i, 0, { line, message });
    if (first.length > maxSkippedDetails) first.pop();
  };
  return { skip, count: () => count, first };
}

export async function importNdjson(
  store: LogStore,
  input: AsyncIterable<Buffer | string>,
  options: ImportOptions,
): Promise<ImportReport> {
  const batchSize = options.batchSize ?? defaultBatchSize;
  let bytes = 0;
  let lines = 0;
  let inserted = 0;
  let updated = 0;
  let unchanged = 0;
  const { skip, count: skippedCount, first: skipped } = skippedLines(options.skipInvalid);

  await store.writeSession(async (writer) => {
    let batch: ExecutionLog[] = [];
    let batchLines: number[] = [];
    let reported = { lines: 0, bytes: 0 };
    const report = (): void => {
      if (lines === reported.lines && bytes === reported.bytes) return;
      reported = { lines, bytes };
      options.onProgress?.(reported);
    };
    // One batch is written while the next is read and parsed: on PostgreSQL the database
    // works on one core while this process parses on the other. Never two writes at once.
    let writing: Promise<void> | undefined;
    const flush = async (): Promise<void> => {
      if (writing !== undefined) await writing;
      writing = undefined;
      if (batch.length === 0) {
        report();
        return;
      }
      const logs = batch;
      const logLines = batchLines;
      batch = [];
      batchLines = [];
      const write = writer.write(logs).then((result) => {
        inserted += result.inserted;
        updated += result.updated;
        unchanged += result.unchanged;
        for (const r of result.rejected) skip(logLines[r.index] ?? 0, r.reason);
      });
      // Awaited by the next flush; until then a failure must not count as unhandled.
      write.catch(() => undefined);
      writing = write;
      report();
    };
    try {
      for await (const item of readLines(input, (n) => (bytes += n))) {
        lines += 1;
        if ('tooLong' in item) {
          skip(item.number, `the line is longer than ${maxLineBytes} bytes.`);
          continue;
        }
        try {
          batch.push(parseLine(item.text, options.projectId));
          batchLines.push(item.number);
        } catch (e: unknown) {
          if (!(e instanceof WireLogError)) throw e;
          skip(item.number, e.message);
        }
        // Also report progress through a run of bad lines, which fill no batch.
        if (batch.length >= batchSize || lines - reported.lines >= batchSize) {
          await flush();
          // A batch at a time, let the rest of the process run: input already in memory
          // (or a synchronous store, SQLite) would otherwise never give the event loop a
          // turn, and a server would answer nothing else until the import ended.
          await yieldToEventLoop();
        }
      }
      await flush();
      await writing;
    } catch (e: unknown) {
      // The transaction ends when this function returns: let the write in flight finish
      // on its connection first, or its later statements would run after the rollback.
      await writing?.catch(() => undefined);
      throw e;
    }
  });
  return { lines, inserted, updated, unchanged, skippedCount: skippedCount(), skipped };
}
