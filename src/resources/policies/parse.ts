import type { FromSchema } from 'json-schema-to-ts';
import { apiErrors } from '../../errors/api-error.js';
import type { ResourceType } from '../../domain/execution-log.js';
import type { PolicyType, ScalingPolicy } from '../../domain/scaling-policy.js';
import { bodyObject, showValue, unsupportedFields } from '../../http/body-fields.js';
import type { WireBody } from '../../http/body-fields.js';
import { bodyCheck } from '../../http/schema-validation.js';
import type { FieldEntry, ObjectTable } from '../../http/schema-validation.js';
import { actionOf, actionTable, intervalActionsEntry, intervalActionsOf } from './action-parse.js';
import type { PolicyFields } from './changes.js';
import { display, oneOf, v1, v2 } from './dialect.js';
import type { Dialect } from './dialect.js';
import {
  maxDescriptionLength,
  v1CreateBody,
  v1UpdateBody,
  v2CreateBody,
  v2UpdateBody,
} from './request-schemas.js';
import { scheduleOf, scheduleTable } from './schedule-parse.js';
import type { PolicyContext } from './schedule-parse.js';
import { policyToBody } from './wire.js';

/**
 * Scaling policy request bodies to domain values: the v1 API (scaling groups,
 * `instance_number` and `instance_percentage`) and the v2 API (groups and bandwidths, `size`,
 * `percentage` and `limits`), each checked against its schema (request-schemas.ts).
 *
 * Each refused value is answered with its documented AS.30xx code, in the order the cloud
 * checks them: the resource, the name, the type, the trigger the type needs, the action, the
 * interval actions, the cooldown and the description. Missing, null and (for the fields the
 * cloud reads as text) the empty string count as absent. A trigger field the policy type does
 * not use is ignored and not stored, as the cloud documents.
 */

type Entry = FieldEntry<PolicyContext>;
type Table = ObjectTable<PolicyContext>;

const nameEntry: Entry = {
  field: 'scaling_policy_name',
  missing: () => apiErrors.policyNameNull(),
  invalid: (value, errors) => {
    if (value === '') return apiErrors.policyNameNull();
    if (typeof value !== 'string') return apiErrors.policyNameInvalid(showValue(value));
    // Characters, not UTF-16 units: a Chinese name of 64 characters is 64 long.
    return errors.some((e) => e.keyword === 'maxLength')
      ? apiErrors.policyNameLength(value)
      : apiErrors.policyNameInvalid(value);
  },
};

const typeEntry = (dialect: Dialect): Entry => ({
  field: 'scaling_policy_type',
  missing: () => apiErrors.policyTypeNull(oneOf(dialect.types)),
  invalid: (value) =>
    value === ''
      ? apiErrors.policyTypeNull(oneOf(dialect.types))
      : apiErrors.policyTypeInvalid(display(value), oneOf(dialect.types)),
});

/** The trigger the type needs (the schema says which): alarm_id, or scheduled_policy. */
const triggerEntries: readonly Entry[] = [
  {
    field: 'alarm_id',
    missing: () => apiErrors.alarmIdNull(),
    invalid: (value) =>
      value === '' ? apiErrors.alarmIdNull() : apiErrors.alarmIdIllegal(display(value)),
  },
  {
    field: 'scheduled_policy',
    missing: ({ root }) => apiErrors.scheduledPolicyNull(String(root.scaling_policy_type)),
    object: scheduleTable,
  },
];

const coolDownEntry: Entry = {
  field: 'cool_down_time',
  invalid: (value) => apiErrors.policyCoolDown(value),
};

const descriptionInvalid = (value: unknown) =>
  apiErrors.badRequestBody(
    `description must be a string of at most ${String(maxDescriptionLength)} characters, not ${showValue(value)}.`,
  );

function v1Table(where: string, create: boolean): Table {
  return {
    unknown: (sent, accepted) => unsupportedFields(sent, accepted, where),
    entries: [
      ...(create
        ? [
            {
              field: 'scaling_group_id',
              missing: () => apiErrors.policyGroupIdNull(),
              invalid: (value: unknown) =>
                value === ''
                  ? apiErrors.policyGroupIdNull()
                  : apiErrors.badRequestBody(
                      `scaling_group_id must be a string, the id of a scaling group, not ${showValue(value)}.`,
                    ),
            },
          ]
        : []),
      nameEntry,
      typeEntry(v1),
      ...triggerEntries,
      { field: 'scaling_policy_action', object: actionTable(v1) },
      coolDownEntry,
    ],
  };
}

function v2Table(where: string): Table {
  return {
    unknown: (sent, accepted) => unsupportedFields(sent, accepted, where),
    entries: [
      {
        field: 'scaling_resource_type',
        missing: () => apiErrors.resourceTypeNull(),
        invalid: (value) =>
          value === ''
            ? apiErrors.resourceTypeNull()
            : apiErrors.resourceTypeInvalid(display(value)),
      },
      {
        field: 'scaling_resource_id',
        missing: () => apiErrors.resourceIdNull(),
        invalid: (value) =>
          value === '' ? apiErrors.resourceIdNull() : apiErrors.resourceIdFormat(display(value)),
      },
      nameEntry,
      typeEntry(v2),
      ...triggerEntries,
      { field: 'scaling_policy_action', object: actionTable(v2) },
      intervalActionsEntry,
      coolDownEntry,
      { field: 'description', invalid: descriptionInvalid },
      {
        // The schema counts characters; the cloud counts UTF-16 units, as Java does.
        rule: ({ description }) =>
          typeof description === 'string' && description.length > maxDescriptionLength
            ? descriptionInvalid(description)
            : undefined,
      },
    ],
  };
}

const checkV1Create = bodyCheck(v1CreateBody, v1Table('a v1 scaling policy', true));
const checkV1Update = bodyCheck(v1UpdateBody, v1Table('a v1 scaling policy update', false));
const checkV2Create = bodyCheck(v2CreateBody, v2Table('a v2 scaling policy'));
const checkV2Update = bodyCheck(v2UpdateBody, v2Table('a v2 scaling policy update'));

/** A checked body of either version, as far as the behaviour goes. */
type Behaviour = FromSchema<typeof v1UpdateBody> | FromSchema<typeof v2UpdateBody>;

/** Everything but the resource: the trigger the type needs, the action, the cooldown... */
function behaviourOf(
  body: Behaviour,
  dialect: Dialect,
  nowMs: number,
): Omit<PolicyFields, 'resourceType' | 'resourceId'> {
  const policyType = body.scaling_policy_type as PolicyType;
  const trigger: Pick<PolicyFields, 'alarmId' | 'scheduledPolicy'> =
    policyType === 'ALARM' || policyType === 'INTERVAL_ALARM'
      ? { alarmId: body.alarm_id as string }
      : { scheduledPolicy: scheduleOf(body.scheduled_policy, policyType, nowMs) };
  const intervalAlarmActions =
    policyType === 'INTERVAL_ALARM' && dialect === v2
      ? intervalActionsOf((body as FromSchema<typeof v2UpdateBody>).interval_alarm_actions)
      : undefined;
  const description =
    dialect === v2 ? (body as FromSchema<typeof v2UpdateBody>).description : undefined;
  return {
    name: body.scaling_policy_name as string,
    policyType,
    ...trigger,
    action: actionOf(body.scaling_policy_action, dialect),
    ...(intervalAlarmActions === undefined ? {} : { intervalAlarmActions }),
    coolDownSeconds: body.cool_down_time,
    ...(description === undefined || description === '' ? {} : { description }),
  };
}

const isNullish = (value: unknown): boolean => value === undefined || value === null;

const createContext = (nowMs: number): PolicyContext => ({ nowMs, againstNow: true });

/**
 * An update re-checks the policy as a whole, as its fields merge with the stored ones; its
 * times must lie ahead only when it sets the schedule or the type.
 */
const updateContext = (given: WireBody, nowMs: number): PolicyContext => ({
  nowMs,
  againstNow: !isNullish(given.scheduled_policy) || !isNullish(given.scaling_policy_type),
});

/**
 * The policy an update gives: the stored one with the fields sent, `null` counting as absent
 * (a field the operation does not take stays, to be refused); nested objects replace the
 * stored ones whole.
 */
function withUpdate(stored: WireBody, given: WireBody): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...stored };
  for (const [key, value] of Object.entries(given)) {
    if (value !== null || !Object.hasOwn(stored, key)) merged[key] = value;
  }
  return merged;
}

/** Reads `POST /autoscaling-api/v1/{project_id}/scaling_policy` (a scaling group policy). */
export function parseV1Create(raw: unknown, nowMs: number): PolicyFields {
  const body = checkV1Create(raw, createContext(nowMs));
  return {
    resourceType: 'SCALING_GROUP',
    resourceId: body.scaling_group_id,
    ...behaviourOf(body, v1, nowMs),
  };
}

/** Reads `POST /autoscaling-api/v2/{project_id}/scaling_policy` (a group or bandwidth policy). */
export function parseV2Create(raw: unknown, nowMs: number): PolicyFields {
  const body = checkV2Create(raw, createContext(nowMs));
  return {
    resourceType: body.scaling_resource_type,
    resourceId: body.scaling_resource_id,
    ...behaviourOf(body, v2, nowMs),
  };
}

/**
 * Applies `PUT /autoscaling-api/v1/{project_id}/scaling_policy/{id}` to a scaling group policy:
 * every field optional; `scheduled_policy` and `scaling_policy_action` replace the stored
 * objects whole. The v2 fields this API cannot see (description, interval actions) are kept.
 * A v2 INTERVAL_ALARM policy is the alarm policy it is to v1 while its type is not changed.
 */
export function applyV1Update(policy: ScalingPolicy, raw: unknown, nowMs: number): PolicyFields {
  const given = bodyObject(raw);
  const keepsIntervalType =
    isNullish(given.scaling_policy_type) && policy.policyType === 'INTERVAL_ALARM';
  const stored = {
    ...policyToBody(policy, v1),
    ...(keepsIntervalType ? { scaling_policy_type: 'ALARM' } : {}),
  };
  const body = checkV1Update(withUpdate(stored, given), updateContext(given, nowMs));
  const fields = behaviourOf(body, v1, nowMs);
  const policyType = keepsIntervalType ? policy.policyType : fields.policyType;
  const keepIntervals =
    policyType === 'INTERVAL_ALARM' && policy.intervalAlarmActions !== undefined;
  return {
    resourceType: policy.resourceType,
    resourceId: policy.resourceId,
    ...fields,
    policyType,
    ...(keepIntervals ? { intervalAlarmActions: policy.intervalAlarmActions } : {}),
    ...(policy.description === undefined ? {} : { description: policy.description }),
  };
}

/**
 * Applies `PUT /autoscaling-api/v2/{project_id}/scaling_policy/{id}`: every field optional,
 * the resource included; nested objects and `interval_alarm_actions` replace the stored ones
 * whole; an empty description removes it.
 */
export function applyV2Update(policy: ScalingPolicy, raw: unknown, nowMs: number): PolicyFields {
  const given = bodyObject(raw);
  const body = checkV2Update(
    withUpdate(policyToBody(policy, v2), given),
    updateContext(given, nowMs),
  );
  return {
    resourceType: body.scaling_resource_type as ResourceType,
    resourceId: body.scaling_resource_id as string,
    ...behaviourOf(body, v2, nowMs),
  };
}
