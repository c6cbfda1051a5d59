import { apiErrors } from '../../errors/api-error.js';
import {
  currentInstances,
  defaultGroupCoolDownSeconds,
  isScaling,
  maxGroupCoolDownSeconds,
  maxInstanceLimit,
} from '../../domain/scaling-group.js';
import type { GroupFields, ScalingGroup } from '../../domain/scaling-group.js';
import { formatWireTimeMs } from '../../domain/wire-time.js';
import {
  bodyObject,
  integerField,
  onlyFields,
  showValue,
  stringField,
} from '../../http/body-fields.js';
import type { WireBody } from '../../http/body-fields.js';
import { isObject } from '../../shared/is-object.js';

/**
 * Scaling groups on the wire (the cloud's v1 group API): request bodies to domain values and
 * groups to the `scaling_group` object. Fields the engine does not use (networks, load
 * balancers, health checks...) are checked for their documented type and range, kept as
 * sent, and returned; unset ones are returned with the cloud's defaults or `null`, as its
 * show examples do.
 */

/** The fields the engine reads; everything else accepted is kept in `attributes`. */
const engineFields = [
  'scaling_group_name',
  'desire_instance_number',
  'min_instance_number',
  'max_instance_number',
  'cool_down_time',
] as const;

/** Fields accepted and kept as sent, each with its check. */
const attributeChecks: Readonly<Record<string, (value: unknown) => void>> = {
  scaling_configuration_id: (v) => {
    expectType(v, 'string', 'scaling_configuration_id');
  },
  lb_listener_id: (v) => {
    expectType(v, 'string', 'lb_listener_id');
  },
  lbaas_listeners: (v) => {
    expectArrayOf(v, 'lbaas_listeners', 'object');
  },
  available_zones: (v) => {
    expectArrayOf(v, 'available_zones', 'string');
  },
  networks: (v) => {
    if (!Array.isArray(v) || v.length === 0) {
      throw apiErrors.groupNetworksInvalid(
        `Got ${showValue(v)}: expected an array of 1 to 5 objects such as {"id":"<subnet id>"}.`,
      );
    }
    if (v.length > 5) throw apiErrors.groupSubnetsTooMany(v.length);
    for (const n of v) {
      const id = (n as { id?: unknown } | null)?.id;
      if (
        typeof n !== 'object' ||
        n === null ||
        Array.isArray(n) ||
        typeof id !== 'string' ||
        id === ''
      ) {
        throw apiErrors.groupNetworksInvalid(
          `Got ${showValue(n)}: each network is an object with a subnet "id".`,
        );
      }
    }
  },
  security_groups: (v) => {
    expectArrayOf(v, 'security_groups', 'object');
    if ((v as unknown[]).length > 1)
      throw apiErrors.groupSecurityGroupsTooMany((v as unknown[]).length);
  },
  vpc_id: (v) => {
    expectType(v, 'string', 'vpc_id');
  },
  health_periodic_audit_method: (v) => {
    if (v !== 'ELB_AUDIT' && v !== 'NOVA_AUDIT')
      throw apiErrors.groupAuditMethodInvalid(showValue(v));
  },
  health_periodic_audit_time: (v) => {
    if (![0, 1, 5, 15, 60, 180].includes(v as number)) {
      throw apiErrors.groupAuditTimeInvalid(showValue(v));
    }
  },
  health_periodic_audit_grace_period: (v) => {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 86_400) {
      throw apiErrors.groupGracePeriodInvalid(showValue(v));
    }
  },
  instance_terminate_policy: (v) => {
    if (
      ![
        'OLD_CONFIG_OLD_INSTANCE',
        'OLD_CONFIG_NEW_INSTANCE',
        'OLD_INSTANCE',
        'NEW_INSTANCE',
      ].includes(v as string)
    ) {
      throw apiErrors.groupTerminatePolicyInvalid(showValue(v));
    }
  },
  notifications: (v) => {
    expectArrayOf(v, 'notifications', 'string');
  },
  delete_publicip: (v) => {
    expectType(v, 'boolean', 'delete_publicip');
  },
  delete_volume: (v) => {
    expectType(v, 'boolean', 'delete_volume');
  },
  enterprise_project_id: (v) => {
    expectType(v, 'string', 'enterprise_project_id');
  },
  multi_az_priority_policy: (v) => {
    if (v !== 'EQUILIBRIUM_DISTRIBUTE' && v !== 'PICK_FIRST') {
      throw apiErrors.groupMultiAzPolicyInvalid(showValue(v));
    }
  },
  iam_agency_name: (v) => {
    expectType(v, 'string', 'iam_agency_name');
  },
  description: (v) => {
    expectType(v, 'string', 'description');
    if ((v as string).length > 256) {
      throw apiErrors.invalidGroupField('description is at most 256 characters.');
    }
  },
  tags: (v) => {
    expectArrayOf(v, 'tags', 'object');
    if ((v as unknown[]).length > 10) throw apiErrors.invalidGroupField('tags: at most 10 tags.');
  },
};

/** Fields the update API does not take (the cloud's UpdateScalingGroupOption lacks them). */
const createOnlyFields = ['vpc_id', 'tags'];

export const groupCreateFields: readonly string[] = [
  ...engineFields,
  ...Object.keys(attributeChecks),
];
export const groupUpdateFields: readonly string[] = groupCreateFields.filter(
  (f) => !createOnlyFields.includes(f),
);

function expectType(value: unknown, type: 'string' | 'boolean', field: string): void {
  if (typeof value !== type) {
    throw apiErrors.invalidGroupField(`${field} must be a ${type}, not ${showValue(value)}.`);
  }
}

function expectArrayOf(value: unknown, field: string, item: 'string' | 'object'): void {
  const ok =
    Array.isArray(value) &&
    value.every((v) => (item === 'string' ? typeof v === 'string' : isObject(v)));
  if (!ok) {
    throw apiErrors.invalidGroupField(
      `${field} must be an array of ${item}s, not ${showValue(value)}.`,
    );
  }
}

const groupNamePattern = /^[\p{Script=Han}A-Za-z0-9_-]+$/u;

function parseGroupName(value: unknown): string {
  if (value === undefined || value === null || value === '') throw apiErrors.groupNameNull();
  if (typeof value !== 'string') throw apiErrors.groupNameInvalid(showValue(value));
  // Characters, not UTF-16 units: a Chinese name of 64 characters is 64 long.
  if (Array.from(value).length > 64) throw apiErrors.groupNameTooLong(value);
  if (!groupNamePattern.test(value)) throw apiErrors.groupNameInvalid(value);
  return value;
}

const instanceNumber = (body: WireBody, key: string): number | undefined =>
  integerField(body, key, 0, maxInstanceLimit, (v) =>
    apiErrors.groupMinMax(
      `Got ${key} ${showValue(v)}: expected an integer from 0 to ${String(maxInstanceLimit)}.`,
    ),
  );

const coolDown = (body: WireBody): number | undefined =>
  integerField(body, 'cool_down_time', 0, maxGroupCoolDownSeconds, (v) =>
    apiErrors.groupCoolDown(
      `Got cool_down_time ${showValue(v)}: expected an integer from 0 to ${String(maxGroupCoolDownSeconds)} (seconds).`,
    ),
  );

function checkAttributes(body: WireBody): Record<string, unknown> {
  const attributes: Record<string, unknown> = {};
  for (const [key, check] of Object.entries(attributeChecks)) {
    const value = body[key];
    if (value === undefined || value === null) continue;
    check(value);
    attributes[key] = value;
  }
  if (attributes.lb_listener_id !== undefined && attributes.lbaas_listeners !== undefined) {
    throw apiErrors.groupListenersNotUnique();
  }
  return attributes;
}

function checkBounds(min: number, max: number, desire: number): void {
  if (min > max) {
    throw apiErrors.groupMinMax(
      `min_instance_number ${String(min)} is greater than max_instance_number ${String(max)}.`,
    );
  }
  if (desire < min || desire > max) {
    throw apiErrors.groupDesireOutside(
      `desire_instance_number ${String(desire)} is outside [${String(min)}, ${String(max)}].`,
    );
  }
}

/** Reads `POST .../scaling_group`: the cloud's defaults (min 0, max 0, desire = min, cooldown 300). */
export function parseGroupCreate(raw: unknown): GroupFields {
  const body = bodyObject(raw);
  onlyFields(body, groupCreateFields, 'a scaling group');
  const name = parseGroupName(body.scaling_group_name);
  if (
    stringField(body, 'vpc_id', () => apiErrors.invalidGroupField('vpc_id must be a string.')) ===
    undefined
  ) {
    throw apiErrors.groupVpcNull();
  }
  if (body.networks === undefined || body.networks === null) {
    throw apiErrors.groupNetworksInvalid(
      'Give networks: 1 to 5 objects such as {"id":"<subnet id>"}.',
    );
  }
  const minInstances = instanceNumber(body, 'min_instance_number') ?? 0;
  const maxInstances = instanceNumber(body, 'max_instance_number') ?? 0;
  const desireInstances = instanceNumber(body, 'desire_instance_number') ?? minInstances;
  const attributes = checkAttributes(body);
  checkBounds(minInstances, maxInstances, desireInstances);
  return {
    name,
    minInstances,
    maxInstances,
    desireInstances,
    coolDownSeconds: coolDown(body) ?? defaultGroupCoolDownSeconds,
    attributes,
  };
}

/**
 * Reads `PUT .../scaling_group/{id}` against `group`: every field optional, bounds checked on
 * the result. Returns the group's fields after the update; the service starts the instance
 * change a new desired number means.
 */
export function readGroupUpdate(group: ScalingGroup, raw: unknown): GroupFields {
  const body = bodyObject(raw);
  onlyFields(body, groupUpdateFields, 'a scaling group update');
  const name =
    body.scaling_group_name === undefined || body.scaling_group_name === null
      ? group.name
      : parseGroupName(body.scaling_group_name);
  const minInstances = instanceNumber(body, 'min_instance_number') ?? group.minInstances;
  const maxInstances = instanceNumber(body, 'max_instance_number') ?? group.maxInstances;
  const desireInstances = instanceNumber(body, 'desire_instance_number') ?? group.desireInstances;
  const attributes = { ...group.attributes, ...checkAttributes(body) };
  if (attributes.lb_listener_id !== undefined && attributes.lbaas_listeners !== undefined) {
    throw apiErrors.groupListenersNotUnique();
  }
  checkBounds(minInstances, maxInstances, desireInstances);
  return {
    name,
    minInstances,
    maxInstances,
    desireInstances,
    coolDownSeconds: coolDown(body) ?? group.coolDownSeconds,
    attributes,
  };
}

/** The `scaling_group` object of the show and list answers. */
export function groupToWire(group: ScalingGroup, nowMs: number): Record<string, unknown> {
  const a = group.attributes;
  const pick = (key: string, fallback: unknown): unknown => a[key] ?? fallback;
  return {
    scaling_group_name: group.name,
    scaling_group_id: group.id,
    scaling_group_status: group.status,
    scaling_configuration_id: pick('scaling_configuration_id', null),
    scaling_configuration_name: null,
    current_instance_number: currentInstances(group, nowMs),
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
