import { hookTypes } from './lifecycle-hook.js';
import type { UnixMs } from './unix-time.js';

/**
 * A scaling group's notifications: the message service topics it notifies and the scenes
 * (events) each topic is told of, the notifications that would have been sent, and the
 * webhooks Scalelog delivers them to in place of the message service.
 */

/** The cloud's notification scenes. */
export const topicScenes = [
  'SCALING_UP',
  'SCALING_UP_FAIL',
  'SCALING_DOWN',
  'SCALING_DOWN_FAIL',
  'SCALING_GROUP_ABNORMAL',
] as const;
export type TopicScene = (typeof topicScenes)[number];

/**
 * The scenes a recorded notification may tell of: a group's topic scenes, and a lifecycle
 * hook's hold (its type), told to the hook's own topic and never chosen by a group's topic.
 */
export const sentScenes = [...topicScenes, ...hookTypes] as const;
export type SentScene = (typeof sentScenes)[number];

/** How many topics a group may notify (the cloud's "up to five topics"). */
export const maxGroupTopics = 5;

/** A topic a group notifies, with the scenes it is told of. */
export interface GroupNotification {
  readonly projectId: string;
  readonly groupId: string;
  readonly topicUrn: string;
  readonly scenes: readonly TopicScene[];
  /** Unix ms: when the topic was first added to the group. */
  readonly createTime: UnixMs;
}

/**
 * A message service topic's URN, `urn:smn:{region}:{project_id}:{topic_name}`: the region
 * is any region name, the project must be the caller's, and the topic name takes the
 * message service's rule (1 to 255 letters, digits, `-`, `_`, starting with a letter or a
 * digit).
 */
const topicUrnPattern =
  /^urn:smn:([a-z0-9-]{1,64}):([A-Za-z0-9_-]{1,64}):([A-Za-z0-9][A-Za-z0-9_-]{0,254})$/;

/** What a topic URN names, or why it cannot be accepted from `projectId`. */
export type ParsedTopicUrn =
  | { readonly ok: true; readonly region: string; readonly topicName: string }
  | { readonly ok: false; readonly reason: string };

export function parseTopicUrn(urn: string, projectId: string): ParsedTopicUrn {
  const match = topicUrnPattern.exec(urn);
  if (match === null) {
    return {
      ok: false,
      reason:
        "expected urn:smn:{region}:{project_id}:{topic_name}, the topic name 1-255 letters, digits, '-' or '_' starting with a letter or a digit",
    };
  }
  const [, region = '', project = '', topicName = ''] = match;
  if (project !== projectId) {
    return { ok: false, reason: `the topic belongs to project ${project}, not to this project` };
  }
  return { ok: true, region, topicName };
}

/** The topic name a URN ends with (what the cloud answers as `topic_name`). */
export const topicNameOf = (urn: string): string => urn.slice(urn.lastIndexOf(':') + 1);

/** Where a recorded notification stands with its webhook. */
export const deliveryStatuses = ['NONE', 'PENDING', 'DELIVERED', 'FAILED'] as const;
export type DeliveryStatus = (typeof deliveryStatuses)[number];

/** A notification that would have been sent to a topic, recorded when its event happened. */
export interface SentNotification {
  readonly id: string;
  readonly projectId: string;
  readonly groupId: string;
  readonly topicUrn: string;
  readonly scene: SentScene;
  /** What caused it: the scaling activity, when one did (a hold: the activity it holds). */
  readonly activityId?: string;
  /** The event's key with the topic: a notification is recorded once per event and topic. */
  readonly eventKey: string;
  /** Unix ms: when the event happened (a delivery order within the group). */
  readonly eventTime: UnixMs;
  /** The message, a JSON text, delivered as it is. */
  readonly message: string;
  /** NONE when the topic had no webhook when the notification was recorded. */
  readonly deliveryStatus: DeliveryStatus;
  readonly attempts: number;
  readonly lastError?: string;
  /** Unix ms of the last attempt. */
  readonly lastAttemptAt?: UnixMs;
  /** Unix ms: a PENDING notification is not tried before this. */
  readonly nextAttemptAt?: UnixMs;
  readonly deliveredAt?: UnixMs;
}

/** A webhook that receives a topic's notifications (Scalelog's stand-in for subscriptions). */
export interface NotificationTopic {
  readonly projectId: string;
  readonly topicUrn: string;
  readonly url: string;
  /** The HMAC-SHA256 key of the signature header; never shown in full. */
  readonly secret: string;
  readonly createTime: UnixMs;
  readonly updateTime: UnixMs;
}

/** A secret as it may be shown: its last four characters, the rest masked. */
export const secretHint = (secret: string): string => `****${secret.slice(-4)}`;
