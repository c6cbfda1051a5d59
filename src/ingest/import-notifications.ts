import type { SentNotification } from '../domain/notification.js';
import { WireLogError } from '../log-format/log-wire.js';
import { notificationFromLine, notificationToLine } from '../log-format/notification-wire.js';
import type { ResourceStore, ResourceTransaction } from '../store/resource-store.js';
import { maxLineBytes, readLines, skippedLines, yieldToEventLoop } from './import-ndjson.js';
import type { ImportReport, SkippedLine } from './import-ndjson.js';

/**
 * The import of recorded notifications (`scalelog import --notifications`): NDJSON, one
 * notification per line as `scalelog export --notifications` writes it
 * (log-format/notification-wire.ts), with the rules of the activity import:
 *
 * - Idempotent by `id`: a line the same as the stored notification changes nothing. A
 *   notification whose delivery has ended (DELIVERED or FAILED) is never moved back by a
 *   stale copy; otherwise the line replaces it. An id of another project or group, or an
 *   event and topic recorded under another id, is refused.
 * - The first bad line aborts the import, nothing written; with `skipInvalid`, good lines
 *   are written and bad ones reported. One transaction, in batches: memory stays flat.
 *
 * An imported PENDING notification is delivered by a serving Scalelog whose topic has a
 * webhook, as one recorded there would be.
 */
export interface NotificationImportOptions {
  readonly skipInvalid: boolean;
  readonly batchSize?: number;
  readonly onProgress?: (progress: { readonly lines: number; readonly bytes: number }) => void;
}

const same = (a: SentNotification, b: SentNotification): boolean =>
  JSON.stringify(notificationToLine(a)) === JSON.stringify(notificationToLine(b));

const ended = (n: SentNotification): boolean =>
  n.deliveryStatus === 'DELIVERED' || n.deliveryStatus === 'FAILED';

interface Parsed {
  readonly line: number;
  readonly notification: SentNotification;
}

async function writeBatch(tx: ResourceTransaction, batch: readonly Parsed[]) {
  const known = new Map(
    (await tx.notifications.byIds([...new Set(batch.map((p) => p.notification.id))])).map((n) => [
      n.id,
      n,
    ]),
  );
  const eventKey = (n: SentNotification) => `${n.eventKey}\u0000${n.topicUrn}`;
  const events = new Map(
    (
      await tx.notifications.byEventKeys([...new Set(batch.map((p) => p.notification.eventKey))])
    ).map((n) => [eventKey(n), n.id]),
  );
  const writes = new Map<string, SentNotification>();
  const rejected: SkippedLine[] = [];
  let inserted = 0;
  let updated = 0;
  let unchanged = 0;
  for (const { line, notification } of batch) {
    const current = known.get(notification.id);
    const holder = events.get(eventKey(notification));
    if (holder !== undefined && holder !== notification.id) {
      rejected.push({
        line,
        message: `event ${notification.eventKey} of topic ${notification.topicUrn} is recorded already under another id.`,
      });
      continue;
    } else if (current === undefined) {
      inserted += 1;
    } else if (
      current.projectId !== notification.projectId ||
      current.groupId !== notification.groupId
    ) {
      // Never tell which project or group holds it.
      rejected.push({
        line,
        message: `notification id ${notification.id} already belongs to another group or project.`,
      });
      continue;
    } else if (same(current, notification) || (ended(current) && !ended(notification))) {
      unchanged += 1;
      continue;
    } else {
      updated += 1;
    }
    known.set(notification.id, notification);
    events.set(eventKey(notification), notification.id);
    writes.set(notification.id, notification);
  }
  await tx.notifications.upsertMany([...writes.values()]);
  return { inserted, updated, unchanged, rejected };
}

function parseLine(text: string): SentNotification {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e: unknown) {
    throw new WireLogError(`not valid JSON (${e instanceof Error ? e.message : String(e)}).`);
  }
  return notificationFromLine(value);
}

export async function importNotifications(
  store: ResourceStore,
  input: AsyncIterable<Buffer | string>,
  options: NotificationImportOptions,
): Promise<ImportReport> {
  const batchSize = options.batchSize ?? 500;
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
        batch.push({ line: item.number, notification: parseLine(item.text) });
      } catch (e: unknown) {
        if (!(e instanceof WireLogError)) throw e;
        skip(item.number, e.message);
      }
      if (batch.length >= batchSize || lines - reported.lines >= batchSize) {
        await flush();
        await yieldToEventLoop();
      }
    }
    await flush();
  });
  return { lines, inserted, updated, unchanged, skippedCount: skippedCount(), skipped };
}
