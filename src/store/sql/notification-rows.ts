import type { Selectable } from 'kysely';
import type {
  DeliveryStatus,
  NotificationTopic,
  SentNotification,
  SentScene,
} from '../../domain/notification.js';
import type { NotificationTopicsTable, SentNotificationsTable } from '../schema.js';
import type { Mutable } from './resource-table.js';

// The rows of the notification tables and the values they hold.

export function rowToSent(row: Selectable<SentNotificationsTable>): SentNotification {
  const n: Mutable<SentNotification> = {
    id: row.id,
    projectId: row.project_id,
    groupId: row.group_id,
    topicUrn: row.topic_urn,
    scene: row.scene as SentScene,
    eventKey: row.event_key,
    eventTime: row.event_time,
    message: row.message,
    deliveryStatus: row.delivery_status as DeliveryStatus,
    attempts: row.attempts,
  };
  if (row.activity_id !== null) n.activityId = row.activity_id;
  if (row.last_error !== null) n.lastError = row.last_error;
  if (row.last_attempt_at !== null) n.lastAttemptAt = row.last_attempt_at;
  if (row.next_attempt_at !== null) n.nextAttemptAt = row.next_attempt_at;
  if (row.delivered_at !== null) n.deliveredAt = row.delivered_at;
  return n;
}

export function sentToRow(n: SentNotification): SentNotificationsTable {
  return {
    id: n.id,
    project_id: n.projectId,
    group_id: n.groupId,
    topic_urn: n.topicUrn,
    scene: n.scene,
    activity_id: n.activityId ?? null,
    event_key: n.eventKey,
    event_time: n.eventTime,
    message: n.message,
    delivery_status: n.deliveryStatus,
    attempts: n.attempts,
    last_error: n.lastError ?? null,
    last_attempt_at: n.lastAttemptAt ?? null,
    next_attempt_at: n.nextAttemptAt ?? null,
    delivered_at: n.deliveredAt ?? null,
    lease_owner: null,
    lease_until: null,
  };
}

export const rowToWebhook = (row: Selectable<NotificationTopicsTable>): NotificationTopic => ({
  projectId: row.project_id,
  topicUrn: row.topic_urn,
  url: row.url,
  secret: row.secret,
  createTime: row.create_time,
  updateTime: row.update_time,
});
