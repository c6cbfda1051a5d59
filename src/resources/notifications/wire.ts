import { apiErrors } from '../../errors/api-error.js';
import {
  deliveryStatuses,
  secretHint,
  sentScenes,
  topicScenes,
} from '../../domain/notification.js';
import type {
  DeliveryStatus,
  NotificationTopic,
  SentNotification,
  TopicScene,
} from '../../domain/notification.js';
import { formatWireTimeMs } from '../../domain/wire-time.js';
import { showValue, unsupportedFields } from '../../http/body-fields.js';
import { listPaging, listParameters } from '../../http/list-query.js';
import { bodyCheck, failed } from '../../http/schema-validation.js';
import { redactUrl } from '../../shared/redact-url.js';
import type { SentNotificationFilter } from '../../store/notification-repository.js';
import type { Paging } from '../../store/resource-store.js';
import { notificationCreateBody, notificationSchemas, webhookPutBody } from './schemas.js';
import type { TopicView } from './service.js';

const scenesAccepted = topicScenes.join(', ');

const checkCreate = bodyCheck(notificationCreateBody, {
  unknown: (sent, accepted) => unsupportedFields(sent, accepted, 'a notification request'),
  entries: [
    {
      field: 'topic_urn',
      missing: () =>
        apiErrors.notificationInvalid('Give topic_urn, the URN of the message service topic.'),
      invalid: (value, errors) =>
        apiErrors.notificationInvalid(
          failed(errors, 'type')
            ? `topic_urn must be a string, not ${showValue(value)}.`
            : `Invalid topic_urn ${showValue(value)}: 1 to 400 characters.`,
        ),
    },
    {
      field: 'topic_scene',
      missing: () =>
        apiErrors.notificationInvalid(
          `Give topic_scene, a list of one or more of ${scenesAccepted}.`,
        ),
      invalid: (value, errors) =>
        apiErrors.notificationInvalid(
          failed(errors, 'type') && errors.every((e) => e.path === '')
            ? `topic_scene must be a list of scenes, not ${showValue(value)}.`
            : `Invalid topic_scene ${showValue(value)}: one or more of ${scenesAccepted}.`,
        ),
    },
  ],
});

/** `PUT .../scaling_notification/{scaling_group_id}`: the topic and its scenes. */
export function parseNotificationCreate(raw: unknown): {
  topicUrn: string;
  scenes: TopicScene[];
} {
  const body = checkCreate(raw, undefined);
  return { topicUrn: body.topic_urn, scenes: [...body.topic_scene] };
}

export const topicToWire = (t: TopicView) => ({
  topic_urn: t.topicUrn,
  topic_scene: [...t.scenes],
  topic_name: t.topicName,
});

const checkWebhook = bodyCheck(webhookPutBody, {
  unknown: (sent, accepted) => unsupportedFields(sent, accepted, 'a webhook request'),
  entries: [
    {
      field: 'url',
      missing: () => apiErrors.badRequestBody('Give url, the http or https URL to POST to.'),
      invalid: (value, errors) =>
        apiErrors.badRequestBody(
          failed(errors, 'type')
            ? `url must be a string, not ${showValue(value)}.`
            : 'Invalid url: 1 to 2048 characters, an http or https URL.',
        ),
    },
    {
      rule: (body) => {
        const url = body['url'];
        if (typeof url !== 'string') return undefined;
        let parsed: URL;
        try {
          parsed = new URL(url);
        } catch {
          return apiErrors.badRequestBody(
            'Invalid url: not an absolute URL; give an http or https URL.',
          );
        }
        return parsed.protocol === 'http:' || parsed.protocol === 'https:'
          ? undefined
          : apiErrors.badRequestBody(
              `Invalid url: the scheme ${JSON.stringify(parsed.protocol.slice(0, -1))} is not http or https.`,
            );
      },
    },
    {
      field: 'secret',
      missing: () =>
        apiErrors.badRequestBody('Give secret, the signing key: 16 to 256 characters.'),
      // The value is never shown back, not even in a refusal.
      invalid: (_value, errors) =>
        apiErrors.badRequestBody(
          failed(errors, 'type')
            ? 'secret must be a string.'
            : 'Invalid secret: 16 to 256 characters.',
        ),
    },
  ],
});

/** `PUT /scalelog/v1/{project_id}/notification-topics/{topic_urn}`: the webhook. */
export function parseWebhookPut(raw: unknown): { url: string; secret: string } {
  const body = checkWebhook(raw, undefined);
  return { url: body.url, secret: body.secret };
}

export const webhookToWire = (w: NotificationTopic) => ({
  topic_urn: w.topicUrn,
  url: redactUrl(w.url) ?? w.url,
  secret_hint: secretHint(w.secret),
  create_time: formatWireTimeMs(w.createTime),
  update_time: formatWireTimeMs(w.updateTime),
});

const sentParameterNames = Object.keys(notificationSchemas.sentQuery.properties);

function oneOf<T extends string>(
  name: string,
  value: string | undefined,
  accepted: readonly T[],
): T | undefined {
  if (value === undefined) return undefined;
  if ((accepted as readonly string[]).includes(value)) return value as T;
  throw apiErrors.badRequestBody(
    `Invalid ${name} ${JSON.stringify(value)}: one of ${accepted.join(', ')}.`,
  );
}

/** `GET /scalelog/v1/{project_id}/notifications`: the filters and the page. */
export function parseSentQuery(url: string): { filter: SentNotificationFilter; paging: Paging } {
  const params = listParameters(url, sentParameterNames);
  const groupId = params.get('scaling_group_id');
  const topicUrn = params.get('topic_urn');
  const scene = oneOf('topic_scene', params.get('topic_scene'), sentScenes);
  const deliveryStatus = oneOf<DeliveryStatus>(
    'delivery_status',
    params.get('delivery_status'),
    deliveryStatuses,
  );
  return {
    filter: {
      ...(groupId === undefined ? {} : { groupId }),
      ...(topicUrn === undefined ? {} : { topicUrn }),
      ...(scene === undefined ? {} : { scene }),
      ...(deliveryStatus === undefined ? {} : { deliveryStatus }),
    },
    paging: listPaging(params),
  };
}

const time = (key: string, ms: number | undefined) =>
  ms === undefined ? {} : { [key]: formatWireTimeMs(ms) };

export const sentToWire = (n: SentNotification) => ({
  id: n.id,
  scaling_group_id: n.groupId,
  topic_urn: n.topicUrn,
  topic_scene: n.scene,
  ...(n.activityId === undefined ? {} : { scaling_activity_id: n.activityId }),
  event_time: formatWireTimeMs(n.eventTime),
  message: n.message,
  delivery_status: n.deliveryStatus,
  attempts: n.attempts,
  ...(n.lastError === undefined ? {} : { last_error: n.lastError }),
  ...time('last_attempt_time', n.lastAttemptAt),
  ...time('next_attempt_time', n.deliveryStatus === 'PENDING' ? n.nextAttemptAt : undefined),
  ...time('delivered_time', n.deliveredAt),
});
