import { apiErrors } from '../../errors/api-error.js';
import type { ApiError } from '../../errors/api-error.js';
import { topicNameOf } from '../../domain/lifecycle-hook.js';
import type { HookWait, LifecycleHook } from '../../domain/lifecycle-hook.js';
import { formatWireTimeMs } from '../../domain/wire-time.js';
import { showValue, unsupportedFields } from '../../http/body-fields.js';
import { listParameters } from '../../http/list-query.js';
import { bodyCheck, failed } from '../../http/schema-validation.js';
import type { FieldEntry, SchemaError } from '../../http/schema-validation.js';
import { callbackBody, createHookBody, updateHookBody } from './schemas.js';
import type { HookCallback, HookChanges, HookFields } from './service.js';

// The checks of the hook bodies, field by field in the order the reference lists them, each
// refusal with its AS.70xx code; and the mappers to the cloud's answers.

const shown = (value: unknown): string => showValue(value);

const hookEntries: FieldEntry[] = [
  {
    field: 'lifecycle_hook_type',
    missing: () => apiErrors.hookTypeEmpty(),
    invalid: (value) => apiErrors.hookTypeInvalid(shown(value)),
  },
  {
    field: 'default_result',
    invalid: (value) =>
      apiErrors.hookResultInvalid('default_result', shown(value), 'ABANDON or CONTINUE'),
  },
  { field: 'default_timeout', invalid: (value) => apiErrors.hookTimeoutInvalid(shown(value)) },
  {
    field: 'notification_topic_urn',
    missing: () =>
      apiErrors.hookTopicInvalid(
        'notification_topic_urn is required: urn:smn:{region}:{project}:{topic}.',
      ),
    invalid: (value) =>
      apiErrors.hookTopicInvalid(
        `Got notification_topic_urn ${shown(value)}: expected urn:smn:{region}:{project}:{topic}.`,
      ),
  },
  {
    field: 'notification_metadata',
    invalid: (value, errors: readonly SchemaError[]): ApiError => {
      if (typeof value !== 'string') {
        return apiErrors.badRequestBody(`notification_metadata is a string, not ${shown(value)}.`);
      }
      if (failed(errors, 'maxLength')) return apiErrors.hookMetadataTooLong(value.length);
      return apiErrors.hookMetadataCharacters();
    },
  },
];

const checkCreate = bodyCheck(createHookBody, {
  unknown: (sent, accepted) => unsupportedFields(sent, accepted, 'a lifecycle hook'),
  entries: [
    {
      field: 'lifecycle_hook_name',
      missing: () => apiErrors.hookNameEmpty(),
      invalid: (value) =>
        value === '' ? apiErrors.hookNameEmpty() : apiErrors.hookNameInvalid(shown(value)),
    },
    ...hookEntries,
  ],
});

const checkUpdate = bodyCheck(updateHookBody, {
  unknown: (sent, accepted) => unsupportedFields(sent, accepted, 'a lifecycle hook update'),
  entries: hookEntries,
});

const targetField = (field: string): FieldEntry => ({
  field,
  invalid: (value) =>
    value === ''
      ? apiErrors.hookCallbackObjectEmpty()
      : apiErrors.badRequestBody(
          `${field} is a string of 1 to 64 characters, not ${shown(value)}.`,
        ),
});

const checkCallback = bodyCheck(callbackBody, {
  unknown: (sent, accepted) => unsupportedFields(sent, accepted, 'a lifecycle hook callback'),
  entries: [
    {
      field: 'lifecycle_action_result',
      missing: () => apiErrors.hookCallbackResultEmpty(),
      invalid: (value) =>
        apiErrors.hookResultInvalid(
          'lifecycle_action_result',
          shown(value),
          'CONTINUE, ABANDON or EXTEND',
        ),
    },
    targetField('lifecycle_action_key'),
    targetField('instance_id'),
    targetField('lifecycle_hook_name'),
    {
      rule: (body) =>
        body['lifecycle_action_key'] === undefined &&
        (body['instance_id'] === undefined || body['lifecycle_hook_name'] === undefined)
          ? apiErrors.hookCallbackObjectEmpty()
          : undefined,
    },
  ],
});

/** The create's body: the hook's fields, defaults left to the service. */
export function parseCreateHook(raw: unknown): HookFields {
  const body = checkCreate(raw, undefined);
  return {
    name: body.lifecycle_hook_name,
    type: body.lifecycle_hook_type,
    topicUrn: body.notification_topic_urn,
    ...(body.default_result === undefined ? {} : { defaultResult: body.default_result }),
    ...(body.default_timeout === undefined ? {} : { defaultTimeoutSeconds: body.default_timeout }),
    ...(body.notification_metadata === undefined ? {} : { metadata: body.notification_metadata }),
  };
}

/** The update's body: the fields it changes. */
export function parseUpdateHook(raw: unknown): HookChanges {
  const body = checkUpdate(raw, undefined);
  return {
    ...(body.lifecycle_hook_type === undefined ? {} : { type: body.lifecycle_hook_type }),
    ...(body.notification_topic_urn === undefined ? {} : { topicUrn: body.notification_topic_urn }),
    ...(body.default_result === undefined ? {} : { defaultResult: body.default_result }),
    ...(body.default_timeout === undefined ? {} : { defaultTimeoutSeconds: body.default_timeout }),
    ...(body.notification_metadata === undefined ? {} : { metadata: body.notification_metadata }),
  };
}

/** The callback's body. */
export function parseCallback(raw: unknown): HookCallback {
  const body = checkCallback(raw, undefined);
  return {
    result: body.lifecycle_action_result,
    ...(body.lifecycle_action_key === undefined ? {} : { actionKey: body.lifecycle_action_key }),
    ...(body.instance_id === undefined ? {} : { instanceId: body.instance_id }),
    ...(body.lifecycle_hook_name === undefined ? {} : { hookName: body.lifecycle_hook_name }),
  };
}

/** The hook instance list's filter: `instance_id`, at most once. */
export function parseHoldQuery(url: string): string | undefined {
  return listParameters(url, ['instance_id']).get('instance_id');
}

/** A hook as every hook operation answers it. */
export function hookToWire(h: LifecycleHook) {
  return {
    lifecycle_hook_name: h.name,
    lifecycle_hook_type: h.type,
    default_result: h.defaultResult,
    default_timeout: h.defaultTimeoutSeconds,
    notification_topic_urn: h.topicUrn,
    notification_topic_name: topicNameOf(h.topicUrn),
    notification_metadata: h.metadata ?? null,
    create_time: formatWireTimeMs(h.createTime),
  };
}

/** One `instance_hanging_info` item. */
export function holdToWire(w: HookWait) {
  return {
    lifecycle_hook_name: w.hookName,
    lifecycle_action_key: w.actionKey,
    instance_id: w.instanceId,
    scaling_group_id: w.groupId,
    lifecycle_hook_status: w.status,
    timeout: formatWireTimeMs(w.timeoutAt),
    default_result: w.defaultResult,
  };
}
