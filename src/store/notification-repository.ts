import type {
  DeliveryStatus,
  GroupNotification,
  NotificationTopic,
  SentNotification,
  SentScene,
} from '../domain/notification.js';
import type { UnixMs } from '../domain/unix-time.js';

/** The page of a list: where it starts and how long it is. */
interface Paging {
  readonly startNumber: number;
  readonly limit: number;
}

/** What a list of recorded notifications is filtered by; absent filters match all. */
export interface SentNotificationFilter {
  readonly groupId?: string;
  readonly topicUrn?: string;
  readonly scene?: SentScene;
  readonly deliveryStatus?: DeliveryStatus;
}

/** Which notifications an export takes: all, a project's, or a project's group's. */
export interface SentNotificationExportFilter {
  readonly projectId?: string;
  /** Only with `projectId`. */
  readonly groupId?: string;
}

/** Where an export page starts: just after this notification in export order. */
export type SentNotificationCursor = Pick<
  SentNotification,
  'projectId' | 'groupId' | 'eventTime' | 'id'
>;

/** How a delivery attempt ended. */
export type AttemptOutcome =
  | { readonly result: 'delivered'; readonly at: UnixMs }
  | {
      readonly result: 'retry';
      readonly at: UnixMs;
      readonly error: string;
      readonly nextAttemptAt: UnixMs;
    }
  | { readonly result: 'failed'; readonly at: UnixMs; readonly error: string };

/**
 * A group's notification topics, the notifications recorded for them, the topics' webhooks,
 * and the delivery's claims. Every write that more than one server may race is conditional:
 * a notification is recorded once per event and topic (`record`), and one server at a time
 * holds a delivery (`claim`).
 */
export interface NotificationRepository {
  /** The group's topics, in the order they were first added (then by URN). */
  topicsOf(projectId: string, groupId: string): Promise<GroupNotification[]>;
  /** Adds the topic to the group, or sets its scenes when the group has it already. */
  putTopic(topic: GroupNotification): Promise<void>;
  deleteTopic(projectId: string, groupId: string, topicUrn: string): Promise<boolean>;
  /** Removes every topic of a group (the group is gone); returns how many. */
  deleteTopicsOf(projectId: string, groupId: string): Promise<number>;

  /**
   * Records notifications; one whose event and topic are recorded already is skipped.
   * Returns those this call recorded.
   */
  record(notifications: readonly SentNotification[]): Promise<SentNotification[]>;
  /** A page of the project's notifications, newest first, and how many match. */
  list(
    projectId: string,
    filter: SentNotificationFilter,
    paging: Paging,
  ): Promise<{ total: number; notifications: SentNotification[] }>;
  get(projectId: string, id: string): Promise<SentNotification | undefined>;

  putWebhook(topic: NotificationTopic): Promise<void>;
  getWebhook(projectId: string, topicUrn: string): Promise<NotificationTopic | undefined>;
  deleteWebhook(projectId: string, topicUrn: string): Promise<boolean>;
  /** The project's webhooks, by topic URN. */
  listWebhooks(projectId: string): Promise<NotificationTopic[]>;

  /**
   * The notifications a deliverer may try at `nowMs`: of each group, the earliest PENDING
   * one (by event time, then id), when its next attempt is due and no server holds it.
   */
  deliveryHeads(nowMs: UnixMs, limit: number): Promise<SentNotification[]>;
  /**
   * Takes a PENDING notification for `owner` until `leaseUntil` and counts the attempt, if
   * no other server holds it at `nowMs`. True for exactly one of the servers that try.
   */
  claim(id: string, owner: string, nowMs: UnixMs, leaseUntil: UnixMs): Promise<boolean>;
  /** Writes down an attempt's end, if `owner` still holds the notification. */
  finishAttempt(id: string, owner: string, outcome: AttemptOutcome): Promise<boolean>;

  /** Export order: project, group, event time, id; a keyset page after `after`. */
  exportPage(
    filter: SentNotificationExportFilter,
    after: SentNotificationCursor | undefined,
    limit: number,
  ): Promise<SentNotification[]>;
  /** The notifications with these ids, whatever their project (import checks ids). */
  byIds(ids: readonly string[]): Promise<SentNotification[]>;
  /** The notifications of these events, whatever their topic (import checks events). */
  byEventKeys(eventKeys: readonly string[]): Promise<SentNotification[]>;
  /** Inserts or replaces these notifications as they are (import). */
  upsertMany(notifications: readonly SentNotification[]): Promise<void>;
}
