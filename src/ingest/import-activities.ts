import type { ScalingActivity } from '../domain/scaling-activity.js';
import { activityFromLine, activityToLine } from '../log-format/activity-wire.js';
import type { ResourceStore, ResourceTransaction } from '../store/resource-store.js';
import { importRecords } from './import-records.js';
import type { BatchResult, ParsedLine, RecordImportOptions } from './import-records.js';
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
export type ActivityImportOptions = RecordImportOptions;

/** Two activities the same as far as an export line tells (times to the second). */
const sameActivity = (a: ScalingActivity, b: ScalingActivity): boolean =>
  JSON.stringify(activityToLine(a)) === JSON.stringify(activityToLine(b));

type Parsed = ParsedLine<ScalingActivity>;

/** Writes one batch: new ids inserted together, changed ones updated, in line order. */
async function writeBatch(tx: ResourceTransaction, batch: readonly Parsed[]): Promise<BatchResult> {
  const ids = [...new Set(batch.map((p) => p.value.id))];
  const known = new Map((await tx.activities.byIds(ids)).map((a) => [a.id, a]));
  const toInsert = new Map<string, ScalingActivity>();
  const toUpdate = new Map<string, ScalingActivity>();
  const rejected: SkippedLine[] = [];
  let inserted = 0;
  let updated = 0;
  let unchanged = 0;
  for (const { line, value: activity } of batch) {
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

export function importActivities(
  store: ResourceStore,
  input: AsyncIterable<Buffer | string>,
  options: ActivityImportOptions,
): Promise<ImportReport> {
  return importRecords(store, input, options, { fromLine: activityFromLine, writeBatch });
}
