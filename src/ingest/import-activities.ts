import type { ScalingActivity } from '../domain/scaling-activity.js';
import { activityFromLine, activityToLine } from '../log-format/activity-wire.js';
import { WireLogError } from '../log-format/log-wire.js';
import type { ResourceStore, ResourceTransaction } from '../store/resource-store.js';
import { maxLineBytes, readLines, skippedLines, yieldToEventLoop } from './import-ndjson.js';
import type { ImportReport, SkippedLine } from './import-ndjson.js';

/**
 * The import of scaling activities (`scalelog import --activities`): NDJSON, one activity
 * per line in the shape `scalelog export --activities` writes (log-format/activity-wire.ts),
 * with the rules of the execution-log import:
 *
 * - Idempotent by `id`: a line the same as the stored activity changes nothing, so the same
 *   file twice changes nothing. A settled activity (SUCCESS or FAIL) is never moved back to
 *   DOING by a stale copy; otherwise the line replaces the stored activity. An id that
 *   already belongs to another project or group is refused.
 * - By default the first bad line aborts the import and nothing is written
 *   (`ImportAbortedError` names the line and what was wrong); with `skipInvalid`,
 *   good lines are written and bad ones reported.
 * - Streams: lines are read, parsed and written in batches inside one transaction, so memory
 *   stays flat for any input size.
 */
export interface ActivityImportOptions {
  readonly skipInvalid: boolean;
  readonly batchSize?: number;
  /** Called after each batch with the lines and bytes read so far. */
  readonly onProgress?: (progress: { readonly lines: number; readonly bytes: number }) => void;
}

const defaultBatchSize = 500;

/** Two activities the same as far as an export line tells (times to the second). */
const sameActivity = (a: ScalingActivity, b: ScalingActivity): boolean =>
  JSON.stringify(activityToLine(a)) === JSON.stringify(activityToLine(b));

interface Parsed {
  readonly line: number;
  readonly activity: ScalingActivity;
}

interface BatchResult {
  readonly inserted: number;
  readonly updated: number;
  readonly unchanged: number;
  readonly rejected: readonly SkippedLine[];
}

/** Writes one batch: new ids inserted together, changed ones updated, in line order. */
async function writeBatch(tx: ResourceTransaction, batch: readonly Parsed[]): Promise<BatchResult> {
  const ids = [...new Set(batch.map((p) => p.activity.id))];
  const known = new Map((await tx.activities.byIds(ids)).map((a) => [a.id, a]));
  const toInsert = new Map<string, ScalingActivity>();
  const toUpdate = new Map<string, ScalingActivity>();
  const rejected: SkippedLine[] = [];
  let inserted = 0;
  let updated = 0;
  let unchanged = 0;
  for (const { line, activity } of batch) {
    const current = known.get(activity.id);
    if (current === undefined) {
      toInsert.set(activity.id, activity);
      known.set(activity.id, activity);
      inserted += 1;
    } else if (current.projectId !== activity.projectId || current.groupId !== activity.groupId) {
      // Never tell which project or group holds it.
      rejected.push({
        line,
        message: `activity id ${activity.id} already belongs to another group or project.`,
      });
    } else if (
      sameActivity(current, activity) ||
      (current.status !== 'DOING' && activity.status === 'DOING')
    ) {
      unchanged += 1;
    } else {
      known.set(activity.id, activity);
      if (toInsert.has(activity.id)) toInsert.set(activity.id, activity);
      else toUpdate.set(activity.id, activity);
      updated += 1;
    }
  }
  await tx.activities.insertMany([...toInsert.values()]);
  for (const activity of toUpdate.values()) await tx.activities.update(activity);
  return { inserted, updated, unchanged, rejected };
}

function parseLine(text: string): ScalingActivity {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e: unknown) {
    throw new WireLogError(`not valid JSON (${e instanceof Error ? e.message : String(e)}).`);
  }
  return activityFromLine(value);
}

export async function importActivities(
  store: ResourceStore,
  input: AsyncIterable<Buffer | string>,
  options: ActivityImportOptions,
): Promise<ImportReport> {
  const batchSize = options.batchSize ?? defaultBatchSize;
  let bytes = 0;
  let lines = 0;
  let inserted = 0;
  let updated = 0;
  let unchanged = 0;
  const { skip, count: skippedCount, first: skipped } = skippedLines(options.skipInvalid);

  await store.resourceSession(async (tx) => {
    let batch: Parsed[] = [];
    let reported = { lines: 0, bytes: 0 };
    const flush = async (): Promise<void> => {
      if (batch.length > 0) {
        const result = await writeBatch(tx, batch);
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
        batch.push({ line: item.number, activity: parseLine(item.text) });
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
