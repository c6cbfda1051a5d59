import { plainIdPattern, uuidLikePattern } from '../domain/ids.js';
import { activityStatuses, activityTypes } from '../domain/scaling-activity.js';
import type {
  ActivityInstance,
  ActivityStatus,
  ActivityType,
  ScalingActivity,
} from '../domain/scaling-activity.js';
import { unstorableReason } from '../domain/storable-text.js';
import { formatWireTimeMs, parseWireTime } from '../domain/wire-time.js';
import { isObject } from '../shared/is-object.js';
import { quoted } from '../shared/shown.js';
import { WireLogError, wireLimits } from './log-wire.js';

/**
 * A scaling activity in the cloud's v2 activity log shape (`ScalingActivityLogV2`), which
 * the v2 query answers with, and the same shape as one NDJSON line of `scalelog export
 * --activities` and `import --activities`: the entry with `project_id` and
 * `scaling_group_id` before it (where the API has them in its path) and, for an activity
 * still under way, `settles_at` after it (when it is to end), so a line restores the
 * activity. Keys are in the order of the reference's example: JSON.stringify keeps it, and
 * an exported line reads the same every time.
 */

/** A v2 `ScalingInstance`: id and name always, the rest when the activity records them. */
export function instanceToV2Wire(i: ActivityInstance): Record<string, string> {
  return {
    instance_id: i.id,
    instance_name: i.name,
    ...(i.configurationId === undefined ? {} : { instance_config: i.configurationId }),
    ...(i.failedReason === undefined ? {} : { failed_reason: i.failedReason }),
    ...(i.failedDetails === undefined ? {} : { failed_details: i.failedDetails }),
  };
}

/**
 * A v2 log entry: every instance list and every load balancer list is an array, empty when
 * it has nothing (the load balancer lists always: Scalelog has no load balancers);
 * `end_time` is absent while DOING, as the v2 example leaves out what an entry lacks.
 */
export function activityToV2Wire(a: ScalingActivity): Record<string, unknown> {
  return {
    id: a.id,
    instance_value: a.instanceValue,
    desire_value: a.desireValue,
    scaling_value: a.scalingValue,
    start_time: formatWireTimeMs(a.startTime),
    ...(a.endTime === undefined ? {} : { end_time: formatWireTimeMs(a.endTime) }),
    instance_added_list: a.added.map(instanceToV2Wire),
    instance_deleted_list: a.deleted.map(instanceToV2Wire),
    instance_removed_list: a.removed.map(instanceToV2Wire),
    instance_failed_list: a.failed.map(instanceToV2Wire),
    instance_standby_list: a.standby.map(instanceToV2Wire),
    status: a.status,
    description: a.description,
    lb_bind_success_list: [],
    lb_bind_failed_list: [],
    lb_unbind_success_list: [],
    lb_unbind_failed_list: [],
    type: a.type,
  };
}

/** One export line's object: the activity as stored (a DOING one with when it settles). */
export function activityToLine(a: ScalingActivity): Record<string, unknown> {
  return {
    project_id: a.projectId,
    scaling_group_id: a.groupId,
    ...activityToV2Wire(a),
    ...(a.status === 'DOING' && a.settlesAt !== undefined
      ? { settles_at: formatWireTimeMs(a.settlesAt) }
      : {}),
  };
}

const instanceLists = {
  instance_added_list: 'added',
  instance_deleted_list: 'deleted',
  instance_removed_list: 'removed',
  instance_failed_list: 'failed',
  instance_standby_list: 'standby',
} as const;
const lbLists = [
  'lb_bind_success_list',
  'lb_bind_failed_list',
  'lb_unbind_success_list',
  'lb_unbind_failed_list',
] as const;
const lineKeys = new Set([
  'project_id',
  'scaling_group_id',
  'id',
  'instance_value',
  'desire_value',
  'scaling_value',
  'start_time',
  'end_time',
  ...Object.keys(instanceLists),
  'status',
  'description',
  ...lbLists,
  'type',
  'settles_at',
]);
const instanceKeys = new Set([
  'instance_id',
  'instance_name',
  'instance_config',
  'failed_reason',
  'failed_details',
]);

/** Instances an activity may name in one list. */
const maxListInstances = 1000;

const describe = (v: unknown): string =>
  v === null
    ? 'null'
    : Array.isArray(v)
      ? 'an array'
      : typeof v === 'string'
        ? quoted(v, 60)
        : typeof v;

function text(
  obj: Record<string, unknown>,
  key: string,
  path: string,
  required: boolean,
): string | undefined {
  const v = obj[key];
  if (v === undefined) {
    if (required) throw new WireLogError(`${path} is missing.`);
    return undefined;
  }
  if (typeof v !== 'string')
    throw new WireLogError(`${path} must be a string, got ${describe(v)}.`);
  if (v.length > wireLimits.textLength) {
    throw new WireLogError(`${path} is longer than ${wireLimits.textLength} characters.`);
  }
  const reason = unstorableReason(v);
  if (reason !== undefined) throw new WireLogError(`${path} ${reason}.`);
  return v;
}

function id(obj: Record<string, unknown>, key: string, pattern: RegExp, shape: string): string {
  const v = text(obj, key, key, true) ?? '';
  if (!pattern.test(v)) throw new WireLogError(`${key} ${describe(v)} must be ${shape}.`);
  return v;
}

function count(obj: Record<string, unknown>, key: string): number {
  const v = obj[key];
  if (v === undefined) throw new WireLogError(`${key} is missing.`);
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) {
    throw new WireLogError(`${key} must be a whole number from 0, got ${describe(v)}.`);
  }
  return v;
}

function time(obj: Record<string, unknown>, key: string, required: boolean): number | undefined {
  const v = text(obj, key, key, required);
  if (v === undefined) return undefined;
  const seconds = parseWireTime(v);
  if (seconds === undefined) {
    throw new WireLogError(`${key} ${describe(v)} is not a UTC time yyyy-MM-ddThh:mm:ssZ.`);
  }
  return seconds * 1000;
}

function oneOf<T extends string>(value: string, allowed: readonly T[], key: string): T {
  if (!(allowed as readonly string[]).includes(value)) {
    throw new WireLogError(`${key} ${describe(value)} is not one of ${allowed.join(', ')}.`);
  }
  return value as T;
}

function instanceFromLine(v: unknown, path: string): ActivityInstance {
  if (!isObject(v)) throw new WireLogError(`${path} must be an object, got ${describe(v)}.`);
  for (const key of Object.keys(v)) {
    if (!instanceKeys.has(key)) {
      throw new WireLogError(
        `${path} has an unknown field ${JSON.stringify(key)}; known: ${[...instanceKeys].join(', ')}.`,
      );
    }
  }
  const field = (key: string, required = false) => text(v, key, `${path}.${key}`, required);
  const instance: { -readonly [K in keyof ActivityInstance]: ActivityInstance[K] } = {
    id: field('instance_id', true) ?? '',
    name: field('instance_name', true) ?? '',
  };
  const configurationId = field('instance_config');
  if (configurationId !== undefined) instance.configurationId = configurationId;
  const failedReason = field('failed_reason');
  if (failedReason !== undefined) instance.failedReason = failedReason;
  const failedDetails = field('failed_details');
  if (failedDetails !== undefined) instance.failedDetails = failedDetails;
  return instance;
}

function list(obj: Record<string, unknown>, key: string): unknown[] {
  const v = obj[key] ?? [];
  if (!Array.isArray(v)) throw new WireLogError(`${key} must be an array, got ${describe(v)}.`);
  if (v.length > maxListInstances) {
    throw new WireLogError(`${key} has more than ${maxListInstances} entries.`);
  }
  return v;
}

/**
 * Validates one import line (a parsed JSON value) and maps it to a {@link ScalingActivity}.
 * Unknown fields are refused rather than dropped; absent instance lists are empty; the load
 * balancer lists, when given, must be empty (Scalelog has no load balancers). Throws
 * {@link WireLogError} naming the first thing that is wrong.
 */
export function activityFromLine(value: unknown): ScalingActivity {
  if (!isObject(value)) {
    throw new WireLogError(`an activity must be a JSON object, got ${describe(value)}.`);
  }
  for (const key of Object.keys(value)) {
    if (!lineKeys.has(key)) {
      throw new WireLogError(
        `unknown field ${JSON.stringify(key)}; an activity has: ${[...lineKeys].join(', ')}.`,
      );
    }
  }
  const plain = "1 to 64 letters, digits, '-' or '_'";
  const projectId = id(value, 'project_id', plainIdPattern, plain);
  const groupId = id(value, 'scaling_group_id', plainIdPattern, plain);
  const activityId = id(
    value,
    'id',
    uuidLikePattern,
    'a UUID of lower-case letters and digits (8-4-4-4-12)',
  );
  const instanceValue = count(value, 'instance_value');
  const desireValue = count(value, 'desire_value');
  const scalingValue = count(value, 'scaling_value');
  const startTime = time(value, 'start_time', true) ?? 0;
  const endTime = time(value, 'end_time', false);
  const lists = Object.fromEntries(
    Object.entries(instanceLists).map(([key, field]) => [
      field,
      list(value, key).map((v, i) => instanceFromLine(v, `${key}[${i}]`)),
    ]),
  ) as Record<(typeof instanceLists)[keyof typeof instanceLists], ActivityInstance[]>;
  const status: ActivityStatus = oneOf(
    text(value, 'status', 'status', true) ?? '',
    activityStatuses,
    'status',
  );
  const description = text(value, 'description', 'description', true) ?? '';
  for (const key of lbLists) {
    if (list(value, key).length > 0) {
      throw new WireLogError(`${key} must be empty: Scalelog has no load balancers.`);
    }
  }
  const type: ActivityType = oneOf(text(value, 'type', 'type', true) ?? '', activityTypes, 'type');
  const settlesAt = time(value, 'settles_at', false);
  if (status === 'DOING' && endTime !== undefined) {
    throw new WireLogError('end_time is given, but a DOING activity has not ended.');
  }
  if (status !== 'DOING' && settlesAt !== undefined) {
    throw new WireLogError(`settles_at is given, but a ${status} activity has ended.`);
  }
  return {
    id: activityId,
    projectId,
    groupId,
    status,
    type,
    startTime,
    ...(endTime === undefined ? {} : { endTime }),
    ...(settlesAt === undefined ? {} : { settlesAt }),
    description,
    instanceValue,
    desireValue,
    scalingValue,
    ...lists,
  };
}
