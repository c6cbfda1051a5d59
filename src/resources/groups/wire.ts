import type { FromSchema } from 'json-schema-to-ts';
import { apiErrors } from '../../errors/api-error.js';
import type { ApiError } from '../../errors/api-error.js';
import {
  isScaling,
  maxGroupCoolDownSeconds,
  maxInstanceLimit,
} from '../../domain/scaling-group.js';
import type { GroupFields, ScalingGroup } from '../../domain/scaling-group.js';
import { formatWireTimeMs } from '../../domain/wire-time.js';
import { showValue, unsupportedFields } from '../../http/body-fields.js';
import { bodyCheck, failed } from '../../http/schema-validation.js';
import type {
  FieldEntry,
  InvalidField,
  ObjectTable,
  RuleEntry,
  SchemaError,
} from '../../http/schema-validation.js';
import type { GroupAction, GroupView } from './service.js';
import { groupActionBody, groupCreateBody, groupUpdateBody } from './schemas.js';

/**
 * Scaling groups on the wire (the cloud's v1 group API): request bodies to domain values and
 * groups to the `scaling_group` object. Fields the engine does not use (networks, load
 * balancers, health checks...) are checked for their documented type and range, kept as
 * sent, and returned; unset ones are returned with the cloud's defaults or `null`, as its
 * show examples do.
 *
 * The bodies are checked against their schemas (schemas.ts) as the cloud reads them: only
 * the body's own fields count as absent when null (a field the operation does not take is
 * refused even then), and the values kept are the ones sent, nulls inside them included.
 */

type CreateBody = FromSchema<typeof groupCreateBody>;
type UpdateBody = FromSchema<typeof groupUpdateBody>;

/** A value of the wrong type: `what` is `a string`, `an array of objects`... */
const notA =
  (field: string, what: string): InvalidField =>
  (value) =>
    apiErrors.invalidGroupField(`${field} must be ${what}, not ${showValue(value)}.`);

const scalingGroupName: FieldEntry<unknown> = {
  field: 'scaling_group_name',
  missing: () => apiErrors.groupNameNull(),
  invalid: (value, errors) => {
    if (failed(errors, 'type')) return apiErrors.groupNameInvalid(showValue(value));
    if (failed(errors, 'minLength')) return apiErrors.groupNameNull();
    // Characters, not UTF-16 units: a Chinese name of 64 characters is 64 long.
    if (failed(errors, 'maxLength')) return apiErrors.groupNameTooLong(value as string);
    return apiErrors.groupNameInvalid(value as string);
  },
};

const instanceNumber = (field: string): FieldEntry<unknown> => ({
  field,
  invalid: (value) =>
    apiErrors.groupMinMax(
      `Got ${field} ${showValue(value)}: expected an integer from 0 to ${String(maxInstanceLimit)}.`,
    ),
});

const coolDownTime: FieldEntry<unknown> = {
  field: 'cool_down_time',
  invalid: (value) =>
    apiErrors.groupCoolDown(
      `Got cool_down_time ${showValue(value)}: expected an integer from 0 to ${String(maxGroupCoolDownSeconds)} (seconds).`,
    ),
};

const maxDescriptionLength = groupUpdateBody.properties.description.maxLength;

const networksMissing = (): ApiError =>
  apiErrors.groupNetworksInvalid('Give networks: 1 to 5 objects such as {"id":"<subnet id>"}.');

/** The index of the first item an error is about (`/2` or `/2/id`: 2). */
const firstItem = (errors: readonly SchemaError[]): number =>
  Math.min(...errors.map((e) => Number(e.path.split('/')[1])));

const networks: FieldEntry<unknown> = {
  field: 'networks',
  missing: networksMissing,
  invalid: (value, errors) => {
    const own = errors.filter((e) => e.path === '');
    if (failed(own, 'maxItems')) return apiErrors.groupSubnetsTooMany((value as unknown[]).length);
    if (own.length > 0) {
      return apiErrors.groupNetworksInvalid(
        `Got ${showValue(value)}: expected an array of 1 to 5 objects such as {"id":"<subnet id>"}.`,
      );
    }
    const item = (value as unknown[])[firstItem(errors)];
    return apiErrors.groupNetworksInvalid(
      `Got ${showValue(item)}: each network is an object with a subnet "id".`,
    );
  },
};

/** An array of objects with an item limit: a wrong type is told first, then too many items. */
const objectList =
  (field: string, tooMany: (count: number) => ApiError): InvalidField =>
  (value, errors) =>
    failed(errors, 'type')
      ? notA(field, 'an array of objects')(value, errors)
      : tooMany((value as unknown[]).length);

/** The fields kept as sent up to `vpc_id` (create only), in the order they are checked. */
const attributesBeforeVpc: readonly FieldEntry<unknown>[] = [
  { field: 'scaling_configuration_id', invalid: notA('scaling_configuration_id', 'a string') },
  { field: 'lb_listener_id', invalid: notA('lb_listener_id', 'a string') },
  { field: 'lbaas_listeners', invalid: notA('lbaas_listeners', 'an array of objects') },
  { field: 'available_zones', invalid: notA('available_zones', 'an array of strings') },
  networks,
  {
    field: 'security_groups',
    invalid: objectList('security_groups', (count) => apiErrors.groupSecurityGroupsTooMany(count)),
  },
];

/** The fields kept as sent after `vpc_id`, in the order they are checked. */
const attributesAfterVpc: readonly (FieldEntry<unknown> | RuleEntry<unknown>)[] = [
  {
    field: 'health_periodic_audit_method',
    invalid: (value) => apiErrors.groupAuditMethodInvalid(showValue(value)),
  },
  {
    field: 'health_periodic_audit_time',
    invalid: (value) => apiErrors.groupAuditTimeInvalid(showValue(value)),
  },
  {
    field: 'health_periodic_audit_grace_period',
    invalid: (value) => apiErrors.groupGracePeriodInvalid(showValue(value)),
  },
  {
    field: 'instance_terminate_policy',
    invalid: (value) => apiErrors.groupTerminatePolicyInvalid(showValue(value)),
  },
  { field: 'notifications', invalid: notA('notifications', 'an array of strings') },
  { field: 'delete_publicip', invalid: notA('delete_publicip', 'a boolean') },
  { field: 'delete_volume', invalid: notA('delete_volume', 'a boolean') },
  { field: 'enterprise_project_id', invalid: notA('enterprise_project_id', 'a string') },
  {
    field: 'multi_az_priority_policy',
    invalid: (value) => apiErrors.groupMultiAzPolicyInvalid(showValue(value)),
  },
  { field: 'iam_agency_name', invalid: notA('iam_agency_name', 'a string') },
  { field: 'description', invalid: descriptionInvalid },
  {
    // The schema's maxLength counts characters; the cloud counts UTF-16 units, so a
    // character outside the BMP counts as two.
    rule: ({ description }) =>
      typeof description === 'string' && description.length > maxDescriptionLength
        ? descriptionTooLong()
        : undefined,
  },
];

function descriptionInvalid(value: unknown, errors: readonly SchemaError[]): ApiError {
  return failed(errors, 'type')
    ? notA('description', 'a string')(value, errors)
    : descriptionTooLong();
}

function descriptionTooLong(): ApiError {
  return apiErrors.invalidGroupField(
    `description is at most ${String(maxDescriptionLength)} characters.`,
  );
}

/** The fields the engine reads; every other field a body gives is kept in `attributes`. */
const engineFields: readonly string[] = [
  'scaling_group_name',
  'desire_instance_number',
  'min_instance_number',
  'max_instance_number',
  'cool_down_time',
] satisfies readonly (keyof CreateBody & keyof UpdateBody)[];

/** The fields of a checked body that are kept as sent. */
const keptAsSent = (body: CreateBody | UpdateBody): Record<string, unknown> =>
  Object.fromEntries(Object.entries(body).filter(([field]) => !engineFields.includes(field)));

/** A group's instance numbers as a body leaves them. */
interface InstanceNumbers {
  readonly min: number;
  readonly max: number;
  readonly desire: number;
}

/**
 * The rules between fields, checked after every field kept as sent and before
 * `cool_down_time`: one kind of listener, then `min <= max`, then `min <= desire <= max`,
 * on the group as the body leaves it (`listeners` and `numbers` read it).
 */
function groupRules<C>(
  listeners: (body: Readonly<Record<string, unknown>>, context: C) => readonly unknown[],
  numbers: (body: Readonly<Record<string, unknown>>, context: C) => InstanceNumbers,
): RuleEntry<C>[] {
  return [
    {
      rule: (body, { context }) =>
        listeners(body, context).every((l) => l !== undefined)
          ? apiErrors.groupListenersNotUnique()
          : undefined,
    },
    {
      rule: (body, { context }) => {
        const { min, max } = numbers(body, context);
        return min > max
          ? apiErrors.groupMinMax(
              `min_instance_number ${String(min)} is greater than max_instance_number ${String(max)}.`,
            )
          : undefined;
      },
    },
    {
      rule: (body, { context }) => {
        const { min, max, desire } = numbers(body, context);
        return desire < min || desire > max
          ? apiErrors.groupDesireOutside(
              `desire_instance_number ${String(desire)} is outside [${String(min)}, ${String(max)}].`,
            )
          : undefined;
      },
    },
  ];
}

const unknownIn =
  (where: string): ObjectTable<unknown>['unknown'] =>
  (sent, accepted) =>
    unsupportedFields(sent, accepted, where);

/** A new group's numbers: the cloud's defaults are min 0 and max 0 (the schema's), desire = min. */
const createdNumbers = (body: CreateBody): InstanceNumbers => ({
  min: body.min_instance_number,
  max: body.max_instance_number,
  desire: body.desire_instance_number ?? body.min_instance_number,
});

/**
 * `POST .../scaling_group`, in the order the cloud checks it: the name, the VPC and that
 * networks are given, the instance numbers, the fields kept as sent, the rules between
 * fields, and last the cooldown.
 */
const createTable: ObjectTable = {
  unknown: unknownIn('a scaling group'),
  entries: [
    scalingGroupName,
    {
      field: 'vpc_id',
      missing: () => apiErrors.groupVpcNull(),
      invalid: () => apiErrors.invalidGroupField('vpc_id must be a string.'),
    },
    { rule: (body) => (body.networks === undefined ? networksMissing() : undefined) },
    instanceNumber('min_instance_number'),
    instanceNumber('max_instance_number'),
    instanceNumber('desire_instance_number'),
    ...attributesBeforeVpc,
    ...attributesAfterVpc,
    {
      field: 'tags',
      invalid: objectList('tags', () => apiErrors.invalidGroupField('tags: at most 10 tags.')),
    },
    ...groupRules(
      (body) => [body.lb_listener_id, body.lbaas_listeners],
      (body) => createdNumbers(body as CreateBody),
    ),
    coolDownTime,
  ],
};
const checkCreate = bodyCheck(groupCreateBody, createTable, { nullAbsent: 'bodyFields' });

/** Reads `POST .../scaling_group`: the cloud's defaults (min 0, max 0, desire = min, cooldown 300). */
export function parseGroupCreate(raw: unknown): GroupFields {
  const body = checkCreate(raw);
  const { min, max, desire } = createdNumbers(body);
  return {
    name: body.scaling_group_name,
    minInstances: min,
    maxInstances: max,
    desireInstances: desire,
    coolDownSeconds: body.cool_down_time,
    attributes: keptAsSent(body),
  };
}

/** A group's numbers after an update: each one the body does not set stays as it is. */
const updatedNumbers = (body: UpdateBody, group: ScalingGroup): InstanceNumbers => ({
  min: body.min_instance_number ?? group.minInstances,
  max: body.max_instance_number ?? group.maxInstances,
  desire: body.desire_instance_number ?? group.desireInstances,
});

/** `PUT .../scaling_group/{id}`, checked against the group it updates (the context). */
const updateTable: ObjectTable<ScalingGroup> = {
  unknown: unknownIn('a scaling group update'),
  entries: [
    scalingGroupName,
    instanceNumber('min_instance_number'),
    instanceNumber('max_instance_number'),
    instanceNumber('desire_instance_number'),
    ...attributesBeforeVpc,
    ...attributesAfterVpc,
    ...groupRules<ScalingGroup>(
      (body, group) =>
        ['lb_listener_id', 'lbaas_listeners'].map((k) => body[k] ?? group.attributes[k]),
      (body, group) => updatedNumbers(body, group),
    ),
    coolDownTime,
  ],
};
const checkUpdate = bodyCheck(groupUpdateBody, updateTable, { nullAbsent: 'bodyFields' });

/**
 * Reads `PUT .../scaling_group/{id}` against `group`: every field optional, bounds checked on
 * the result. Returns the group's fields after the update; the service starts the instance
 * change a new desired number means.
 */
export function readGroupUpdate(group: ScalingGroup, raw: unknown): GroupFields {
  const body = checkUpdate(raw, group);
  const { min, max, desire } = updatedNumbers(body, group);
  return {
    name: body.scaling_group_name ?? group.name,
    minInstances: min,
    maxInstances: max,
    desireInstances: desire,
    coolDownSeconds: body.cool_down_time ?? group.coolDownSeconds,
    attributes: { ...group.attributes, ...keptAsSent(body) },
  };
}

/** The `scaling_group` object of the show and list answers. */
export function groupToWire(
  { group, configurationName, currentInstances }: GroupView,
  nowMs: number,
): Record<string, unknown> {
  const a = group.attributes;
  const pick = (key: string, fallback: unknown): unknown => a[key] ?? fallback;
  return {
    scaling_group_name: group.name,
    scaling_group_id: group.id,
    scaling_group_status: group.status,
    scaling_configuration_id: pick('scaling_configuration_id', null),
    scaling_configuration_name: configurationName ?? null,
    current_instance_number: currentInstances,
    desire_instance_number: group.desireInstances,
    min_instance_number: group.minInstances,
    max_instance_number: group.maxInstances,
    cool_down_time: group.coolDownSeconds,
    lb_listener_id: pick('lb_listener_id', null),
    lbaas_listeners: pick('lbaas_listeners', []),
    available_zones: pick('available_zones', []),
    networks: pick('networks', []),
    security_groups: pick('security_groups', []),
    create_time: formatWireTimeMs(group.createTime),
    vpc_id: pick('vpc_id', null),
    detail: null,
    is_scaling: isScaling(group, nowMs),
    health_periodic_audit_method: pick(
      'health_periodic_audit_method',
      a.lb_listener_id !== undefined || a.lbaas_listeners !== undefined
        ? 'ELB_AUDIT'
        : 'NOVA_AUDIT',
    ),
    health_periodic_audit_time: pick('health_periodic_audit_time', 5),
    health_periodic_audit_grace_period: pick('health_periodic_audit_grace_period', 600),
    instance_terminate_policy: pick('instance_terminate_policy', 'OLD_CONFIG_OLD_INSTANCE'),
    notifications: pick('notifications', null),
    delete_publicip: pick('delete_publicip', false),
    delete_volume: pick('delete_volume', false),
    enterprise_project_id: pick('enterprise_project_id', '0'),
    multi_az_priority_policy: pick('multi_az_priority_policy', 'EQUILIBRIUM_DISTRIBUTE'),
    iam_agency_name: pick('iam_agency_name', null),
    description: pick('description', null),
    tags: pick('tags', null),
  };
}

/** The action of `{"action": "resume" | "pause"}`; anything else, null included, is AS.2008. */
const checkGroupAction = bodyCheck(
  groupActionBody,
  {
    unknown: (sent, accepted) => unsupportedFields(sent, accepted, 'a scaling group action'),
    entries: [
      {
        field: 'action',
        missing: () => apiErrors.groupActionInvalid(showValue(undefined)),
        invalid: (value) =>
          apiErrors.groupActionInvalid(typeof value === 'string' ? value : showValue(value)),
      },
    ],
  },
  { nullAbsent: 'nowhere' },
);

export const parseGroupAction = (raw: unknown): GroupAction => checkGroupAction(raw).action;
