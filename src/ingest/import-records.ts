import { WireLogError } from '../log-format/log-wire.js';
import type { ResourceStore, ResourceTransaction } from '../store/resource-store.js';
import { maxLineBytes, readLines, skippedLines, yieldToEventLoop } from './import-ndjson.js';
import type { ImportReport, SkippedLine } from './import-ndjson.js';

/**
 * The driver the imports of history other than execution logs share (activities,
 * notifications): NDJSON read line by line, each line parsed by the kind's own reader, in
 * batches written by the kind's own rules, all in one store transaction, with the skipped
 * lines and the progress reported as `scalelog import` reports them for logs.
 */

export interface RecordImportOptions {
  readonly skipInvalid: boolean;
  readonly batchSize?: number;
  /** Called after each batch with the lines and bytes read so far. */
  readonly onProgress?: (progress: { readonly lines: number; readonly bytes: number }) => void;
}

/** A record read from a line, with the line's number. */
export interface ParsedLine<T> {
  readonly line: number;
  readonly value: T;
}

/** What writing one batch did: counts, and the lines refused by the kind's rules. */
export interface BatchResult {
  readonly inserted: number;
  readonly updated: number;
  readonly unchanged: number;
  readonly rejected: readonly SkippedLine[];
}

/** How one kind of record is read from a line's JSON and written in batches. */
export interface RecordKind<T> {
  /** The record a line's parsed JSON holds; throws `WireLogError` saying what is wrong. */
  readonly fromLine: (value: unknown) => T;
  readonly writeBatch: (
    tx: ResourceTransaction,
    batch: readonly ParsedLine<T>[],
  ) => Promise<BatchResult>;
}

const defaultBatchSize = 500;

function parseLine<T>(text: string, fromLine: (value: unknown) => T): T {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e: unknown) {
    throw new WireLogError(`not valid JSON (${e instanceof Error ? e.message : String(e)}).`);
  }
  return fromLine(value);
}

export async function importRecords<T>(
  store: ResourceStore,
  input: AsyncIterable<Buffer | string>,
  options: RecordImportOptions,
  kind: RecordKind<T>,
): Promise<ImportReport> {
  const batchSize = options.batchSize ?? defaultBatchSize;
  let bytes = 0;
  let lines = 0;
  let inserted = 0;
  let updated = 0;
  let unchanged = 0;
  const { skip, count: skippedCount, first: skipped } = skippedLines(options.skipInvalid);
  await store.resourceSession(async (tx) => {
    let batch: ParsedLine<T>[] = [];
    let reported = { lines: 0, bytes: 0 };
    const flush = async (): Promise<void> => {
      if (batch.length > 0) {
        const result = await kind.writeBatch(tx, batch);
        batch = [];
        inserted += result.inserted;
        updated += result.updated;
        unchanged += result.unchanged;
        for (const r of result.rejected) skip(r.line, r.message);
      }
      if (lines !== reported.lines || bytes !== reported.bytes) {
        reported = { lines, bytes };
        options.onProgress?.(reported);
      }
    };
    for await (const item of readLines(input, (n) => (bytes += n))) {
      lines += 1;
      if ('tooLong' in item) {
        skip(item.number, `the line is longer than ${maxLineBytes} bytes.`);
        continue;
      }
      try {
        batch.push({ line: item.number, value: parseLine(item.text, kind.fromLine) });
      } catch (e: unknown) {
        if (!(e instanceof WireLogError)) throw e;
        skip(item.number, e.message);
      }
      if (batch.length >= batchSize || lines - reported.lines >= batchSize) {
        await flush();
        // Let the rest of the process run between batches (see importNdjson).
        await yieldToEventLoop();
      }
    }
    await flush();
  });
  return { lines, inserted, updated, unchanged, skippedCount: skippedCount(), skipped };
}
