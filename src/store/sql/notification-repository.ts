import type { Expression, SqlBool } from 'kysely';
import type { GroupNotification, SentNotification, TopicScene } from '../../domain/notification.js';
import type { NotificationRepository, SentNotificationFilter } from '../notification-repository.js';
import { notificationDelivery } from './notification-delivery-queries.js';
import { rowToSent, rowToWebhook, sentToRow } from './notification-rows.js';
import type { ResourceDb } from './resource-table.js';

// A group's notification topics, the notifications recorded, and the topics' webhooks: the
// resource transaction's `notifications` (see `NotificationRepository`).

async function topicsOf(r: ResourceDb, projectId: string, groupId: string) {
  const rows = await r.db
    .selectFrom('scaling_notifications')
    .selectAll()
    .where('project_id', '=', projectId)
    .where('group_id', '=', groupId)
    .orderBy('create_time')
    .orderBy('topic_urn')
    .execute();
  return rows.map((row): GroupNotification => ({
    projectId: row.project_id,
    groupId: row.group_id,
    topicUrn: row.topic_urn,
    scenes: JSON.parse(row.topic_scenes) as TopicScene[],
    createTime: row.create_time,
  }));
}

async function putTopic(r: ResourceDb, topic: GroupNotification): Promise<void> {
  const scenes = JSON.stringify(topic.scenes);
  await r.db
    .insertInto('scaling_notifications')
    .values({
      project_id: topic.projectId,
      group_id: topic.groupId,
      topic_urn: topic.topicUrn,
      topic_scenes: scenes,
      create_time: topic.createTime,
    })
    .onConflict((oc) =>
      oc.columns(['project_id', 'group_id', 'topic_urn']).doUpdateSet({ topic_scenes: scenes }),
    )
    .execute();
}

/**
 * Inserts each notification unless its event and topic are recorded already (the unique
 * index decides, so two servers recording one event record it once), and returns those it
 * inserted.
 */
async function record(
  r: ResourceDb,
  notifications: readonly SentNotification[],
): Promise<SentNotification[]> {
  const recorded: SentNotification[] = [];
  for (const n of notifications) {
    const result = await r.db
      .insertInto('sent_notifications')
      .values(sentToRow(n))
      .onConflict((oc) => oc.columns(['event_key', 'topic_urn']).doNothing())
      .executeTakeFirst();
    if (Number(result.numInsertedOrUpdatedRows ?? 0n) > 0) recorded.push(n);
  }
  return recorded;
}

async function list(
  r: ResourceDb,
  projectId: string,
  filter: SentNotificationFilter,
  paging: { startNumber: number; limit: number },
) {
  const base = r.db.selectFrom('sent_notifications').where((eb) => {
    const conds: Expression<SqlBool>[] = [eb('project_id', '=', projectId)];
    if (filter.groupId !== undefined) conds.push(eb('group_id', '=', filter.groupId));
    if (filter.topicUrn !== undefined) conds.push(eb('topic_urn', '=', filter.topicUrn));
    if (filter.scene !== undefined) conds.push(eb('scene', '=', filter.scene));
    if (filter.deliveryStatus !== undefined) {
      conds.push(eb('delivery_status', '=', filter.deliveryStatus));
    }
    return eb.and(conds);
  });
  const { total } = await base
    .select((eb) => eb.fn.countAll<number>().as('total'))
    .executeTakeFirstOrThrow();
  const rows =
    paging.limit === 0
      ? []
      : await base
          .selectAll()
          .orderBy('event_time', 'desc')
          .orderBy('id', 'desc')
          .limit(paging.limit)
          .offset(paging.startNumber)
          .execute();
  return { total: total, notifications: rows.map(rowToSent) };
}

/** The notification repository of a session's connection. */
export const notificationRepository = (r: ResourceDb): NotificationRepository => ({
  topicsOf: (projectId, groupId) => topicsOf(r, projectId, groupId),
  putTopic: (topic) => putTopic(r, topic),
  deleteTopic: async (projectId, groupId, topicUrn) => {
    const result = await r.db
      .deleteFrom('scaling_notifications')
      .where('project_id', '=', projectId)
      .where('group_id', '=', groupId)
      .where('topic_urn', '=', topicUrn)
      .executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  },
  deleteTopicsOf: async (projectId, groupId) => {
    const result = await r.db
      .deleteFrom('scaling_notifications')
      .where('project_id', '=', projectId)
      .where('group_id', '=', groupId)
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  },
  record: (notifications) => record(r, notifications),
  list: (projectId, filter, paging) => list(r, projectId, filter, paging),
  get: async (projectId, id) => {
    const row = await r.db
      .selectFrom('sent_notifications')
      .selectAll()
      .where('project_id', '=', projectId)
      .where('id', '=', id)
      .executeTakeFirst();
    return row === undefined ? undefined : rowToSent(row);
  },
  putWebhook: async (topic) => {
    await r.db
      .insertInto('notification_topics')
      .values({
        project_id: topic.projectId,
        topic_urn: topic.topicUrn,
        url: topic.url,
        secret: topic.secret,
        create_time: topic.createTime,
        update_time: topic.updateTime,
      })
      .onConflict((oc) =>
        oc.columns(['project_id', 'topic_urn']).doUpdateSet({
          url: topic.url,
          secret: topic.secret,
          update_time: topic.updateTime,
        }),
      )
      .execute();
  },
  getWebhook: async (projectId, topicUrn) => {
    const row = await r.db
      .selectFrom('notification_topics')
      .selectAll()
      .where('project_id', '=', projectId)
      .where('topic_urn', '=', topicUrn)
      .executeTakeFirst();
    return row === undefined ? undefined : rowToWebhook(row);
  },
  deleteWebhook: async (projectId, topicUrn) => {
    const result = await r.db
      .deleteFrom('notification_topics')
      .where('project_id', '=', projectId)
      .where('topic_urn', '=', topicUrn)
      .executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  },
  listWebhooks: async (projectId) => {
    const rows = await r.db
      .selectFrom('notification_topics')
      .selectAll()
      .where('project_id', '=', projectId)
      .orderBy('topic_urn')
      .execute();
    return rows.map(rowToWebhook);
  },
  ...notificationDelivery(r),
});
