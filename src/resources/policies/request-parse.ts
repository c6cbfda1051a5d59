import { apiErrors } from '../../errors/api-error.js';
import type { ApiError } from '../../errors/api-error.js';
import { parseResourceType } from '../../domain/log-query.js';
import { policyTypes } from '../../domain/scaling-policy.js';
import type { PolicyType } from '../../domain/scaling-policy.js';
import type { Paging, PolicyFilter, PolicyOrder } from '../../store/resource-store.js';
import { bodyObject, onlyFields, showValue } from '../../http/body-fields.js';
import { listPaging, listParameters } from '../../http/list-query.js';
import { batchActions } from './batch.js';
import type { BatchAction, PolicyBatch } from './batch.js';
import { display } from './dialect.js';

/**
 * The policy requests besides the policy bodies: the list queries, the action of one policy
 * and the batch action. Each refused value is answered with its documented code.
 */

const policyQueryNames = [
  'scaling_policy_name',
  'scaling_policy_type',
  'scaling_policy_id',
  'start_number',
  'limit',
] as const;
const v2QueryNames = [
  ...policyQueryNames,
  'scaling_resource_id',
  'scaling_resource_type',
  'alarm_id',
  'enterprise_project_id',
  'sort_by',
  'order',
] as const;

// A Map, not an object: `sort_by=constructor` must not find Object.prototype's.
const sortColumns: ReadonlyMap<string, PolicyOrder['by']> = new Map([
  ['POLICY_NAME', 'name'],
  ['TRIGGER_CONDITION', 'policyType'],
  ['CREATE_TIME', 'createTime'],
]);

const maxBatch = 20;

/** What a policy list asks for. */
export interface ListQuery {
  readonly filter: PolicyFilter;
  readonly paging: Paging;
}

/** What the project's policy list (v2) asks for. */
export interface SortedListQuery extends ListQuery {
  readonly order: PolicyOrder;
}

/** The action of one policy. */
export type PolicyAction = 'execute' | 'resume' | 'pause';

/** The filters every policy list takes: name (contains), type, id. */
function policyFilter(params: ReadonlyMap<string, string>): PolicyFilter {
  const name = params.get('scaling_policy_name');
  const type = params.get('scaling_policy_type');
  const id = params.get('scaling_policy_id');
  if (type !== undefined && !(policyTypes as readonly string[]).includes(type)) {
    throw apiErrors.policyTypeInvalid(type, 'ALARM, SCHEDULED, RECURRENCE or INTERVAL_ALARM');
  }
  return {
    ...(name === undefined ? {} : { nameContains: name }),
    ...(type === undefined ? {} : { policyType: type as PolicyType }),
    ...(id === undefined ? {} : { policyId: id }),
  };
}

/** sort_by (default CREATE_TIME) and order (default DESC) of the v2 list. */
function policyOrder(params: ReadonlyMap<string, string>): PolicyOrder {
  const sortBy = params.get('sort_by') ?? 'CREATE_TIME';
  const by = sortColumns.get(sortBy);
  if (by === undefined) throw apiErrors.sortByInvalid(sortBy);
  const order = params.get('order') ?? 'DESC';
  if (order !== 'ASC' && order !== 'DESC') throw apiErrors.orderInvalid(order);
  return { by, direction: order === 'ASC' ? 'asc' : 'desc' };
}

/** The query of a group's or resource's policy list: the common filters and paging. */
export function parseListQuery(url: string): ListQuery {
  const params = listParameters(url, policyQueryNames);
  const paging = listPaging(params);
  return { filter: policyFilter(params), paging };
}

/** The query of the project's policy list (v2): resource and alarm filters, and the order. */
export function parseSortedListQuery(url: string): SortedListQuery {
  const params = listParameters(url, v2QueryNames);
  const paging = listPaging(params);
  const resourceType = params.get('scaling_resource_type');
  const parsedType = resourceType === undefined ? undefined : parseResourceType(resourceType);
  if (resourceType !== undefined && parsedType === undefined) {
    throw apiErrors.invalidResourceType(resourceType);
  }
  const resourceId = params.get('scaling_resource_id');
  const alarmId = params.get('alarm_id');
  const filter: PolicyFilter = {
    ...policyFilter(params),
    ...(parsedType === undefined ? {} : { resourceType: parsedType }),
    ...(resourceId === undefined ? {} : { resourceId }),
    ...(alarmId === undefined ? {} : { alarmId }),
  };
  return { filter, paging, order: policyOrder(params) };
}

/** Reads `{"action": "execute" | "resume" | "pause"}`. */
export function parsePolicyAction(raw: unknown): PolicyAction {
  const body = bodyObject(raw);
  onlyFields(body, ['action'], 'a scaling policy action');
  const action = body.action;
  if (action === 'execute' || action === 'resume' || action === 'pause') return action;
  throw apiErrors.policyActionInvalid(display(action), 'execute, resume or pause');
}

/** The batch's ids: 1 to 20 strings, duplicates counted once. */
function batchIds(value: unknown): string[] {
  if (value === undefined || value === null) throw apiErrors.batchEmpty();
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string' && v !== '')) {
    throw apiErrors.badRequestBody(
      `scaling_policy_id must be an array of 1 to ${String(maxBatch)} policy ids (strings), not ${showValue(value)}.`,
    );
  }
  if (value.length === 0) throw apiErrors.batchEmpty();
  if (value.length > maxBatch) {
    throw apiErrors.badRequestBody(
      `scaling_policy_id has ${String(value.length)} ids: at most ${String(maxBatch)} per batch.`,
    );
  }
  return [...new Set(value as string[])];
}

/** A yes/no flag, `no` when absent. */
function yesNo(value: unknown, invalid: (shown: string) => ApiError): boolean {
  if (value === undefined || value === null || value === 'no') return false;
  if (value === 'yes') return true;
  throw invalid(display(value));
}

/** Reads the batch action's body: the ids, the action, and `force_delete`. */
export function parseBatch(raw: unknown): PolicyBatch {
  const body = bodyObject(raw);
  onlyFields(
    body,
    ['scaling_policy_id', 'action', 'force_delete', 'delete_alarm'],
    'a batch policy action',
  );
  const ids = batchIds(body.scaling_policy_id);
  const action = body.action;
  if (!(batchActions as readonly unknown[]).includes(action)) {
    throw apiErrors.policyActionInvalid(display(action), 'delete, resume or pause');
  }
  const force = yesNo(body.force_delete, apiErrors.policyForceDeleteInvalid);
  // Scalelog keeps no alarm rules: checked for the documented values, then ignored.
  yesNo(body.delete_alarm, apiErrors.deleteAlarmInvalid);
  return { ids, action: action as BatchAction, force };
}
