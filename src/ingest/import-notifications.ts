import type { SentNotification } from '../domain/notification.js';
import { notificationFromLine, notificationToLine } from '../log-format/notification-wire.js';
import type { ResourceStore, ResourceTransaction } from '../store/resource-store.js';
import { importRecords } from './import-records.js';
import type { ParsedLine, RecordImportOptions } from './import-records.js';
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
export type NotificationImportOptions = RecordImportOptions;

const same = (a: SentNotification, b: SentNotification): boolean =>
  JSON.stringify(notificationToLine(a)) === JSON.stringify(notificationToLine(b));

const ended = (n: SentNotification): boolean =>
  n.deliveryStatus === 'DELIVERED' || n.deliveryStatus === 'FAILED';

type Parsed = ParsedLine<SentNotification>;

async function writeBatch(tx: ResourceTransaction, batch: readonly Parsed[]) {
  const known = new Map(
    (await tx.notifications.byIds([...new Set(batch.map((p) => p.value.id))])).map((n) => [
      n.id,
      n,
    ]),
  );
  const eventKey = (n: SentNotification) => `${n.eventKey}\u0000${n.topicUrn}`;
  const events = new Map(
    (await tx.notifications.byEventKeys([...new Set(batch.map((p) => p.value.eventKey))])).map(
      (n) => [eventKey(n), n.id],
    ),
  );
  const writes = new Map<string, SentNotification>();
  const rejected: SkippedLine[] = [];
  let inserted = 0;
  let updated = 0;
  let unchanged = 0;
  for (const { line, value: notification } of batch) {
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

export function importNotifications(
  store: ResourceStore,
  input: AsyncIterable<Buffer | string>,
  options: NotificationImportOptions,
): Promise<ImportReport> {
  return importRecords(store, input, options, { fromLine: notificationFromLine, writeBatch });
}
