import { apiErrors } from '../../errors/api-error.js';
import { maxGroupTopics, parseTopicUrn, topicNameOf } from '../../domain/notification.js';
import type {
  GroupNotification,
  NotificationTopic,
  SentNotification,
  TopicScene,
} from '../../domain/notification.js';
import type { SentNotificationFilter } from '../../store/notification-repository.js';
import type { Paging, ResourceStore, ResourceTransaction } from '../../store/resource-store.js';

/** A topic of a group as the API answers it. */
export interface TopicView {
  readonly topicUrn: string;
  readonly scenes: readonly TopicScene[];
  readonly topicName: string;
}

const view = (t: GroupNotification): TopicView => ({
  topicUrn: t.topicUrn,
  scenes: t.scenes,
  topicName: topicNameOf(t.topicUrn),
});

/** A topic URN the caller's project may use, or AS.2034 saying why not. */
function acceptedUrn(projectId: string, topicUrn: string): string {
  const parsed = parseTopicUrn(topicUrn, projectId);
  if (!parsed.ok) {
    throw apiErrors.notificationInvalid(
      `Invalid topic_urn ${JSON.stringify(topicUrn)}: ${parsed.reason}.`,
    );
  }
  return topicUrn;
}

/**
 * A group's notifications (the cloud's API), the notifications recorded for them and the
 * topics' webhooks (Scalelog's). No message service stands behind Scalelog: a topic is
 * accepted by the shape of its URN, in the caller's project, and its name is the URN's
 * last part. What would have been sent is recorded by the engine where the event happens.
 */
export class NotificationService {
  readonly #store: ResourceStore;
  readonly #now: () => number;

  constructor(store: ResourceStore, now: () => number) {
    this.#store = store;
    this.#now = now;
  }

  /**
   * Adds a topic to the group with its scenes, or sets the scenes of one it has. A group
   * notifies at most five topics.
   */
  async put(
    projectId: string,
    groupId: string,
    topicUrn: string,
    scenes: readonly TopicScene[],
  ): Promise<TopicView> {
    return this.#store.resourceSession(async (tx) => {
      // The group's row held, so two servers adding a sixth topic each are taken in turn.
      await this.#lockGroup(tx, projectId, groupId);
      acceptedUrn(projectId, topicUrn);
      const topics = await tx.notifications.topicsOf(projectId, groupId);
      const existing = topics.find((t) => t.topicUrn === topicUrn);
      if (existing === undefined && topics.length >= maxGroupTopics) {
        throw apiErrors.notificationInvalid(
          `The scaling group ${JSON.stringify(groupId)} notifies ${String(topics.length)} topics already, the most a group may: delete one first.`,
        );
      }
      const topic: GroupNotification = {
        projectId,
        groupId,
        topicUrn,
        scenes: [...new Set(scenes)],
        createTime: existing?.createTime ?? this.#now(),
      };
      await tx.notifications.putTopic(topic);
      return view(topic);
    });
  }

  /** The group's topics, in the order they were added. */
  async list(projectId: string, groupId: string): Promise<TopicView[]> {
    return this.#store.resourceRead(async (tx) => {
      if ((await tx.groups.get(projectId, groupId)) === undefined) {
        throw apiErrors.groupNotFound(groupId);
      }
      return (await tx.notifications.topicsOf(projectId, groupId)).map(view);
    });
  }

  async delete(projectId: string, groupId: string, topicUrn: string): Promise<void> {
    await this.#store.resourceSession(async (tx) => {
      await this.#lockGroup(tx, projectId, groupId);
      if (!(await tx.notifications.deleteTopic(projectId, groupId, topicUrn))) {
        throw apiErrors.notificationInvalid(
          `The scaling group ${JSON.stringify(groupId)} has no notification with topic_urn ${JSON.stringify(topicUrn)}.`,
        );
      }
    });
  }

  /** A page of the project's recorded notifications, newest first, and how many match. */
  async sent(
    projectId: string,
    filter: SentNotificationFilter,
    paging: Paging,
  ): Promise<{ total: number; notifications: SentNotification[] }> {
    return this.#store.resourceRead((tx) => tx.notifications.list(projectId, filter, paging));
  }

  /** Sets the webhook (URL and signing secret) that receives a topic's notifications. */
  async putWebhook(
    projectId: string,
    topicUrn: string,
    webhook: { readonly url: string; readonly secret: string },
  ): Promise<{ webhook: NotificationTopic; created: boolean }> {
    acceptedUrn(projectId, topicUrn);
    const now = this.#now();
    return this.#store.resourceSession(async (tx) => {
      const existing = await tx.notifications.getWebhook(projectId, topicUrn);
      const topic: NotificationTopic = {
        projectId,
        topicUrn,
        url: webhook.url,
        secret: webhook.secret,
        createTime: existing?.createTime ?? now,
        updateTime: now,
      };
      await tx.notifications.putWebhook(topic);
      return { webhook: topic, created: existing === undefined };
    });
  }

  async getWebhook(projectId: string, topicUrn: string): Promise<NotificationTopic> {
    const webhook = await this.#store.resourceRead((tx) =>
      tx.notifications.getWebhook(projectId, topicUrn),
    );
    if (webhook === undefined) throw apiErrors.resourceMissing('notification topic', topicUrn);
    return webhook;
  }

  async listWebhooks(projectId: string): Promise<NotificationTopic[]> {
    return this.#store.resourceRead((tx) => tx.notifications.listWebhooks(projectId));
  }

  /** Removes a topic's webhook; its notifications still PENDING are then given up. */
  async deleteWebhook(projectId: string, topicUrn: string): Promise<void> {
    const deleted = await this.#store.resourceSession((tx) =>
      tx.notifications.deleteWebhook(projectId, topicUrn),
    );
    if (!deleted) throw apiErrors.resourceMissing('notification topic', topicUrn);
  }

  async #lockGroup(tx: ResourceTransaction, projectId: string, groupId: string): Promise<void> {
    if ((await tx.groups.lock(projectId, groupId)) === undefined) {
      throw apiErrors.groupNotFound(groupId);
    }
  }
}
