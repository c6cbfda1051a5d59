import { apiErrors } from '../../errors/api-error.js';
import type { ApiError } from '../../errors/api-error.js';
import {
  defaultLimit,
  maxStartNumber,
  parseLimit,
  parseStartNumber,
} from '../../domain/log-query.js';
import { healthStatuses, lifeCycleStates } from '../../domain/scaling-instance.js';
import type { HealthStatus, LifeCycleState } from '../../domain/scaling-instance.js';
import { formatWireTimeMs } from '../../domain/wire-time.js';
import { showValue, unsupportedFields } from '../../http/body-fields.js';
import { bodyCheck, failed } from '../../http/schema-validation.js';
import type { Place, SchemaError } from '../../http/schema-validation.js';
import { listParameters } from '../../http/list-query.js';
import { onceInQuery } from '../../http/raw-query.js';
import type { InstanceFilter, Paging } from '../../store/resource-store.js';
import { instanceBatchBody, instanceSchemas } from './schemas.js';
import type { InstanceBatch, ListedInstance } from './service.js';

/** The code for a missing or empty instance list depends on the action, as at the cloud. */
function emptyList(root: Readonly<Record<string, unknown>>): ApiError {
  const action = root['action'];
  if (action === 'ADD') return apiErrors.instancesEmpty('AS.4019', 'ADD');
  if (action === 'REMOVE') return apiErrors.instancesEmpty('AS.4013', 'REMOVE');
  return apiErrors.instancesEmpty('AS.4032', typeof action === 'string' ? action : 'the action');
}

function idsFault(value: unknown, errors: readonly SchemaError[], place: Place): ApiError {
  const own = errors.filter((e) => e.path === '');
  if (failed(own, 'type')) {
    return apiErrors.badRequestBody(
      `instances_id must be an array of instance ids, not ${showValue(value)}.`,
    );
  }
  if (failed(own, 'minItems')) return emptyList(place.root);
  if (failed(own, 'maxItems')) return apiErrors.instancesTooMany((value as unknown[]).length);
  const items = value as unknown[];
  const bad = items.find((item) => typeof item !== 'string');
  if (bad !== undefined) {
    return apiErrors.badRequestBody(`Each of instances_id is a string, not ${showValue(bad)}.`);
  }
  if (items.some((item) => item === '')) {
    return apiErrors.instanceIdNull('An id in instances_id is empty.');
  }
  return apiErrors.badRequestBody(
    `Each of instances_id is an instance id of 1 to 64 characters; got ${showValue(value)}.`,
  );
}

const yesOrNo = (field: string) => (value: unknown) =>
  field === 'instance_delete'
    ? apiErrors.instanceDeleteInvalid(typeof value === 'string' ? value : showValue(value))
    : apiErrors.badRequestBody(`Got ${field} ${showValue(value)}: expected yes or no.`);

const checkBatch = bodyCheck(instanceBatchBody, {
  unknown: (sent, accepted) => unsupportedFields(sent, accepted, 'a batch instance action'),
  entries: [
    {
      field: 'action',
      missing: () => apiErrors.instanceActionInvalid(showValue(undefined)),
      invalid: (value) =>
        apiErrors.instanceActionInvalid(typeof value === 'string' ? value : showValue(value)),
    },
    {
      field: 'instances_id',
      missing: (place) => emptyList(place.root),
      invalid: idsFault,
    },
    { field: 'instance_delete', invalid: yesOrNo('instance_delete') },
    { field: 'instance_append', invalid: yesOrNo('instance_append') },
  ],
});

/** `POST .../scaling_group_instance/{group}/action`: the action and its distinct ids. */
export function parseInstanceBatch(raw: unknown): InstanceBatch {
  const body = checkBatch(raw, undefined);
  return {
    action: body.action,
    instanceIds: [...new Set(body.instances_id)],
    deleteInstances: body.instance_delete === 'yes',
    append: body.instance_append === 'yes',
  };
}

/** `instance_delete` of the remove: yes or no (default); anything else is AS.4007. */
export function parseRemoveQuery(url: string): boolean {
  const value = onceInQuery(url, 'instance_delete');
  if (value === undefined || value === 'no' || value === '') return false;
  if (value === 'yes') return true;
  throw apiErrors.instanceDeleteInvalid(value);
}

const listParameterNames = Object.keys(instanceSchemas.listQuery.properties);

/** The instance list's filters and paging, each at most once, with the instance API's codes. */
export function parseInstanceListQuery(url: string): { filter: InstanceFilter; paging: Paging } {
  const params = listParameters(url, listParameterNames);
  const start = params.get('start_number');
  const startNumber = start === undefined ? 0 : parseStartNumber(start);
  if (startNumber === undefined || startNumber > maxStartNumber) {
    throw apiErrors.instanceListStart(start ?? '');
  }
  const limitText = params.get('limit');
  const limit = limitText === undefined ? defaultLimit : parseLimit(limitText);
  if (limit === undefined) throw apiErrors.instanceListLimit(limitText ?? '');
  const state = params.get('life_cycle_state');
  if (state !== undefined && !(lifeCycleStates as readonly string[]).includes(state)) {
    throw apiErrors.instanceLifeCycleState(state, lifeCycleStates);
  }
  const health = params.get('health_status');
  if (health !== undefined && !(healthStatuses as readonly string[]).includes(health)) {
    throw apiErrors.instanceHealthStatus(health, healthStatuses);
  }
  const protect = params.get('protect_from_scaling_down');
  if (protect !== undefined && protect !== 'true' && protect !== 'false') {
    throw apiErrors.badRequestBody(
      `Invalid protect_from_scaling_down ${showValue(protect)}: expected true or false.`,
    );
  }
  const filter: InstanceFilter = {
    ...(state === undefined ? {} : { state: state as LifeCycleState }),
    ...(health === undefined ? {} : { health: health as HealthStatus }),
    ...(protect === undefined ? {} : { protectedFromScaleIn: protect === 'true' }),
  };
  return { filter, paging: { startNumber, limit } };
}

/** One `scaling_group_instances` item. */
export function instanceToWire({ view, groupName }: ListedInstance): Record<string, unknown> {
  const i = view.instance;
  return {
    instance_id: i.id,
    instance_name: i.name,
    scaling_group_id: i.groupId,
    scaling_group_name: groupName,
    life_cycle_state: view.state,
    health_status: view.health,
    scaling_configuration_name: i.configurationName ?? null,
    scaling_configuration_id: i.configurationId ?? null,
    create_time: formatWireTimeMs(i.createTime),
    protect_from_scaling_down: i.protectedFromScaleIn,
  };
}
