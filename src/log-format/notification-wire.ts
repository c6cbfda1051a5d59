import { plainIdPattern } from '../domain/ids.js';
import { deliveryStatuses, parseTopicUrn, sentScenes } from '../domain/notification.js';
import type { DeliveryStatus, SentNotification, SentScene } from '../domain/notification.js';
import { unstorableReason } from '../domain/storable-text.js';
import { isObject } from '../shared/is-object.js';
import { quoted } from '../shared/shown.js';
import { WireLogError } from './log-wire.js';

/**
 * A recorded notification as one NDJSON line of `scalelog export --notifications` and
 * `import --notifications`: Scalelog's own format (the cloud has none), the fields of the
 * notification list with the project and the event key, times in ISO 8601 UTC with
 * milliseconds, so that a line restores the notification exactly.
 */

const iso = (ms: number): string => new Date(ms).toISOString();

export function notificationToLine(n: SentNotification): Record<string, unknown> {
  return {
    id: n.id,
    project_id: n.projectId,
    scaling_group_id: n.groupId,
    topic_urn: n.topicUrn,
    topic_scene: n.scene,
    ...(n.activityId === undefined ? {} : { scaling_activity_id: n.activityId }),
    event_key: n.eventKey,
    event_time: iso(n.eventTime),
    message: n.message,
    delivery_status: n.deliveryStatus,
    attempts: n.attempts,
    ...(n.lastError === undefined ? {} : { last_error: n.lastError }),
    ...(n.lastAttemptAt === undefined ? {} : { last_attempt_time: iso(n.lastAttemptAt) }),
    ...(n.nextAttemptAt === undefined ? {} : { next_attempt_time: iso(n.nextAttemptAt) }),
    ...(n.deliveredAt === undefined ? {} : { delivered_time: iso(n.deliveredAt) }),
  };
}

const fields = [
  'id',
  'project_id',
  'scaling_group_id',
  'topic_urn',
  'topic_scene',
  'scaling_activity_id',
  'event_key',
  'event_time',
  'message',
  'delivery_status',
  'attempts',
  'last_error',
  'last_attempt_time',
  'next_attempt_time',
  'delivered_time',
];

const isoPattern = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,3})?Z$/;

function text(line: Record<string, unknown>, key: string, max: number): string {
  const value = line[key];
  if (typeof value !== 'string' || value.length === 0 || value.length > max) {
    throw new WireLogError(
      `${key} must be a string of 1 to ${String(max)} characters, not ${quoted(String(value), 40)}.`,
    );
  }
  const reason = unstorableReason(value);
  if (reason !== undefined) throw new WireLogError(`${key} ${reason}`);
  return value;
}

function optionalText(line: Record<string, unknown>, key: string, max: number): string | undefined {
  return line[key] === undefined ? undefined : text(line, key, max);
}

function id(line: Record<string, unknown>, key: string): string {
  const value = text(line, key, 64);
  if (!plainIdPattern.test(value)) {
    throw new WireLogError(
      `${key} ${quoted(value, 40)} is not 1 to 64 letters, digits, '-' or '_'.`,
    );
  }
  return value;
}

function time(line: Record<string, unknown>, key: string): number | undefined {
  const value = line[key];
  if (value === undefined) return undefined;
  const ms = typeof value === 'string' && isoPattern.test(value) ? Date.parse(value) : NaN;
  if (Number.isNaN(ms)) {
    throw new WireLogError(`${key} must be a UTC time such as 2026-01-02T03:04:05.678Z.`);
  }
  return ms;
}

function oneOf<T extends string>(
  line: Record<string, unknown>,
  key: string,
  accepted: readonly T[],
): T {
  const value = line[key];
  if (typeof value !== 'string' || !(accepted as readonly string[]).includes(value)) {
    throw new WireLogError(`${key} must be one of ${accepted.join(', ')}.`);
  }
  return value as T;
}

/** The notification a line describes; `WireLogError` says what is wrong with a bad one. */
export function notificationFromLine(value: unknown): SentNotification {
  if (!isObject(value)) throw new WireLogError('the line is not a JSON object.');
  const unknown = Object.keys(value).filter((k) => !fields.includes(k));
  if (unknown.length > 0) {
    throw new WireLogError(`unknown field${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}.`);
  }
  const projectId = id(value, 'project_id');
  const topicUrn = text(value, 'topic_urn', 400);
  const urn = parseTopicUrn(topicUrn, projectId);
  if (!urn.ok) throw new WireLogError(`topic_urn: ${urn.reason}.`);
  const eventTime = time(value, 'event_time');
  if (eventTime === undefined) throw new WireLogError('event_time is missing.');
  const attempts = value['attempts'];
  if (typeof attempts !== 'number' || !Number.isInteger(attempts) || attempts < 0) {
    throw new WireLogError('attempts must be a whole number, 0 or more.');
  }
  const activityId = optionalText(value, 'scaling_activity_id', 64);
  const lastError = optionalText(value, 'last_error', 2000);
  const lastAttemptAt = time(value, 'last_attempt_time');
  const nextAttemptAt = time(value, 'next_attempt_time');
  const deliveredAt = time(value, 'delivered_time');
  return {
    id: id(value, 'id'),
    projectId,
    groupId: id(value, 'scaling_group_id'),
    topicUrn,
    scene: oneOf<SentScene>(value, 'topic_scene', sentScenes),
    ...(activityId === undefined ? {} : { activityId }),
    eventKey: text(value, 'event_key', 200),
    eventTime,
    message: text(value, 'message', 1_000_000),
    deliveryStatus: oneOf<DeliveryStatus>(value, 'delivery_status', deliveryStatuses),
    attempts,
    ...(lastError === undefined ? {} : { lastError }),
    ...(lastAttemptAt === undefined ? {} : { lastAttemptAt }),
    ...(nextAttemptAt === undefined ? {} : { nextAttemptAt }),
    ...(deliveredAt === undefined ? {} : { deliveredAt }),
  };
}
