import { sql } from 'kysely';
import type { Expression, SqlBool } from 'kysely';
import type { SentNotification } from '../../domain/notification.js';
import type { UnixMs } from '../../domain/unix-time.js';
import type {
  AttemptOutcome,
  NotificationRepository,
  SentNotificationCursor,
  SentNotificationExportFilter,
} from '../notification-repository.js';
import { rowToSent, sentToRow } from './notification-rows.js';
import type { ResourceDb } from './resource-table.js';

// The delivery's claims and the export and import of recorded notifications.

async function deliveryHeads(
  r: ResourceDb,
  nowMs: UnixMs,
  limit: number,
): Promise<SentNotification[]> {
  // A group's notifications go out in order: only the earliest PENDING one of a group may
  // be tried, so one that keeps failing holds back the later ones of its group.
  const rows = await r.db
    .selectFrom('sent_notifications as n')
    .selectAll()
    .where('n.delivery_status', '=', 'PENDING')
    .where(
      sql<boolean>`not exists (select 1 from sent_notifications e
        where e.delivery_status = 'PENDING' and e.project_id = n.project_id
          and e.group_id = n.group_id
          and (e.event_time < n.event_time or (e.event_time = n.event_time and e.id < n.id)))`,
    )
    .where(sql<boolean>`(n.next_attempt_at is null or n.next_attempt_at <= ${nowMs})`)
    .where(sql<boolean>`(n.lease_until is null or n.lease_until <= ${nowMs})`)
    .orderBy('n.event_time')
    .orderBy('n.id')
    .limit(limit)
    .execute();
  return rows.map(rowToSent);
}

async function claim(
  r: ResourceDb,
  id: string,
  owner: string,
  nowMs: UnixMs,
  leaseUntil: UnixMs,
): Promise<boolean> {
  // The condition holds the state it changes from: of the servers that try, one changes it.
  const result = await r.db
    .updateTable('sent_notifications')
    .set((eb) => ({
      lease_owner: owner,
      lease_until: leaseUntil,
      attempts: eb('attempts', '+', 1),
      last_attempt_at: nowMs,
    }))
    .where('id', '=', id)
    .where('delivery_status', '=', 'PENDING')
    .where(sql<boolean>`(next_attempt_at is null or next_attempt_at <= ${nowMs})`)
    .where(sql<boolean>`(lease_until is null or lease_until <= ${nowMs})`)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

async function finishAttempt(
  r: ResourceDb,
  id: string,
  owner: string,
  outcome: AttemptOutcome,
): Promise<boolean> {
  const ends =
    outcome.result === 'delivered'
      ? { delivery_status: 'DELIVERED', delivered_at: outcome.at, next_attempt_at: null }
      : outcome.result === 'retry'
        ? { last_error: outcome.error, next_attempt_at: outcome.nextAttemptAt }
        : { delivery_status: 'FAILED', last_error: outcome.error, next_attempt_at: null };
  const result = await r.db
    .updateTable('sent_notifications')
    .set({ ...ends, lease_owner: null, lease_until: null })
    .where('id', '=', id)
    .where('lease_owner', '=', owner)
    .where('delivery_status', '=', 'PENDING')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

async function exportPage(
  r: ResourceDb,
  filter: SentNotificationExportFilter,
  after: SentNotificationCursor | undefined,
  limit: number,
): Promise<SentNotification[]> {
  const { projectId, groupId } = filter;
  const rows = await r.db
    .selectFrom('sent_notifications')
    .selectAll()
    .where((eb) => {
      const conds: Expression<SqlBool>[] = [];
      if (projectId !== undefined) conds.push(eb('project_id', '=', projectId));
      if (projectId !== undefined && groupId !== undefined) {
        conds.push(eb('group_id', '=', groupId));
      }
      if (after !== undefined) {
        conds.push(
          eb(
            eb.refTuple('project_id', 'group_id', 'event_time', 'id'),
            '>',
            eb.tuple(after.projectId, after.groupId, after.eventTime, after.id),
          ),
        );
      }
      return eb.and(conds);
    })
    .orderBy('project_id')
    .orderBy('group_id')
    .orderBy('event_time')
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map(rowToSent);
}

async function upsertMany(r: ResourceDb, notifications: readonly SentNotification[]) {
  for (const n of notifications) {
    const { id, ...rest } = sentToRow(n);
    await r.db
      .insertInto('sent_notifications')
      .values({ id, ...rest })
      .onConflict((oc) => oc.column('id').doUpdateSet(rest))
      .execute();
  }
}

/** The delivery, export and import statements of the notification repository. */
export const notificationDelivery = (
  r: ResourceDb,
): Pick<
  NotificationRepository,
  | 'deliveryHeads'
  | 'claim'
  | 'finishAttempt'
  | 'exportPage'
  | 'byIds'
  | 'byEventKeys'
  | 'upsertMany'
> => ({
  deliveryHeads: (nowMs, limit) => deliveryHeads(r, nowMs, limit),
  claim: (id, owner, nowMs, leaseUntil) => claim(r, id, owner, nowMs, leaseUntil),
  finishAttempt: (id, owner, outcome) => finishAttempt(r, id, owner, outcome),
  exportPage: (filter, after, limit) => exportPage(r, filter, after, limit),
  byIds: async (ids) => {
    if (ids.length === 0) return [];
    const rows = await r.db
      .selectFrom('sent_notifications')
      .selectAll()
      .where('id', 'in', [...ids])
      .execute();
    return rows.map(rowToSent);
  },
  byEventKeys: async (eventKeys) => {
    if (eventKeys.length === 0) return [];
    const rows = await r.db
      .selectFrom('sent_notifications')
      .selectAll()
      .where('event_key', 'in', [...eventKeys])
      .execute();
    return rows.map(rowToSent);
  },
  upsertMany: (notifications) => upsertMany(r, notifications),
});
