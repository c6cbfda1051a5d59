import type { FromSchema } from 'json-schema-to-ts';
import { apiErrors } from '../../errors/api-error.js';
import type { ApiError } from '../../errors/api-error.js';
import { parseResourceType } from '../../domain/log-query.js';
import { policyTypes } from '../../domain/scaling-policy.js';
import type { PolicyType } from '../../domain/scaling-policy.js';
import type { Paging, PolicyFilter, PolicyOrder } from '../../store/resource-store.js';
import { showValue, unsupportedFields } from '../../http/body-fields.js';
import { bodyCheck, failed } from '../../http/schema-validation.js';
import type { FieldEntry, Place } from '../../http/schema-validation.js';
import { isObject } from '../../shared/is-object.js';
import { listPaging, listParameters } from '../../http/list-query.js';
import type { PolicyBatch } from './batch.js';
import { display } from './dialect.js';
import { actionBody, batchBody, maxBatch } from './policy-action-schemas.js';
import { policySchemas } from './schemas.js';

/**
 * The policy requests besides the policy bodies: the list queries, the action of one policy
 * and the batch action. Each refused value is answered with its documented code.
 */

/** The query parameters of the lists, from their schemas. */
const policyQueryNames = Object.keys(policySchemas.v1ListQuery.properties);
const v2QueryNames = Object.keys(policySchemas.v2ListQuery.properties);

// A Map, not an object: `sort_by=constructor` must not find Object.prototype's.
const sortColumns: ReadonlyMap<string, PolicyOrder['by']> = new Map([
  ['POLICY_NAME', 'name'],
  ['TRIGGER_CONDITION', 'policyType'],
  ['CREATE_TIME', 'createTime'],
]);

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
export type PolicyAction = FromSchema<typeof actionBody>['action'];

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

/** What the action and batch tables read besides the checked body: the body as sent. */
interface Sent {
  readonly sent: unknown;
}

/** `action` as sent: missing and null are refused, each shown as it is. */
const sentAction = ({ context }: Place<Sent>): unknown =>
  isObject(context.sent) ? context.sent.action : undefined;

const checkPolicyAction = bodyCheck(actionBody, {
  unknown: (sent, accepted) => unsupportedFields(sent, accepted, 'a scaling policy action'),
  entries: [
    {
      field: 'action',
      missing: (place: Place<Sent>) =>
        apiErrors.policyActionInvalid(display(sentAction(place)), 'execute, resume or pause'),
      invalid: (value) => apiErrors.policyActionInvalid(display(value), 'execute, resume or pause'),
    },
  ],
});

/** Reads `{"action": "execute" | "resume" | "pause"}`. */
export function parsePolicyAction(raw: unknown): PolicyAction {
  return checkPolicyAction(raw, { sent: raw }).action;
}

/** A yes/no flag, `no` when absent. */
const yesNo = (field: string, invalid: (shown: string) => ApiError): FieldEntry<Sent> => ({
  field,
  invalid: (value) => invalid(display(value)),
});

const checkBatch = bodyCheck(batchBody, {
  unknown: (sent, accepted) => unsupportedFields(sent, accepted, 'a batch policy action'),
  entries: [
    {
      field: 'scaling_policy_id',
      missing: () => apiErrors.batchEmpty(),
      invalid: (value, errors) => {
        const ids = value as readonly unknown[];
        if (failed(errors, 'maxItems') && !failed(errors, 'type', 'minLength')) {
          return apiErrors.badRequestBody(
            `scaling_policy_id has ${String(ids.length)} ids: at most ${String(maxBatch)} per batch.`,
          );
        }
        return failed(errors, 'minItems')
          ? apiErrors.batchEmpty()
          : apiErrors.badRequestBody(
              `scaling_policy_id must be an array of 1 to ${String(maxBatch)} policy ids (strings), not ${showValue(value)}.`,
            );
      },
    },
    {
      field: 'action',
      missing: (place: Place<Sent>) =>
        apiErrors.policyActionInvalid(display(sentAction(place)), 'delete, resume or pause'),
      invalid: (value) => apiErrors.policyActionInvalid(display(value), 'delete, resume or pause'),
    },
    yesNo('force_delete', apiErrors.policyForceDeleteInvalid),
    // Scalelog keeps no alarm rules: checked for the documented values, then ignored.
    yesNo('delete_alarm', apiErrors.deleteAlarmInvalid),
  ],
});

/** Reads the batch action's body: the ids (each once), the action, and `force_delete`. */
export function parseBatch(raw: unknown): PolicyBatch {
  const body = checkBatch(raw, { sent: raw });
  return {
    ids: [...new Set(body.scaling_policy_id)],
    action: body.action,
    force: body.force_delete === 'yes',
  };
}
