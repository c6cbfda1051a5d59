import { apiErrors } from '../../errors/api-error.js';
import type { ApiError } from '../../errors/api-error.js';
import { maxBandwidthSize, minBandwidthSize } from '../../domain/bandwidth.js';
import type { OperationType } from '../../domain/execution-log.js';
import type { IntervalAlarmAction, PolicyAction } from '../../domain/scaling-policy.js';
import { showValue, unsupportedFields } from '../../http/body-fields.js';
import type { FieldEntry, ObjectTable, Place, RuleEntry } from '../../http/schema-validation.js';
import { display, oneOf, v1, v2 } from './dialect.js';
import type { Dialect } from './dialect.js';
import { maxActionNumber, maxActionPercentage } from './request-schemas.js';
import type { PolicyContext } from './schedule-parse.js';

/**
 * The policy's action, `scaling_policy_action`, and the items of `interval_alarm_actions`:
 * their error tables and their values. The schemas (request-schemas.ts) give each field's
 * type and outer range; the rules here are what depends on the operation and on the resource:
 * groups count instances (SET 0-300, otherwise 1-300) or percent (SET 0-20000, otherwise
 * 1-20000); bandwidths count Mbit/s (1-300), never percent, do not REMOVE, and only their ADD
 * and REDUCE take `limits`, the size they stop at. A number and a percentage exclude each
 * other. The operation defaults to ADD and the amount to 1.
 */

const groupOperations: readonly OperationType[] = ['ADD', 'REMOVE', 'REDUCE', 'SET'];
const bandwidthOperations: readonly OperationType[] = ['ADD', 'REDUCE', 'SET'];

type Entry = FieldEntry<PolicyContext> | RuleEntry<PolicyContext>;
type Where = Place<PolicyContext>;

/** The resource the policy scales: a v1 policy's is a group; a v2 body names it. */
const isBandwidth = (dialect: Dialect, place: Where): boolean =>
  dialect === v2 && place.root.scaling_resource_type === 'BANDWIDTH';

const operationOf = (action: Readonly<Record<string, unknown>>): OperationType =>
  (action.operation ?? 'ADD') as OperationType;

const present = (value: unknown): boolean => value !== undefined;

/**
 * The entries of one action's fields, in the order they are checked. `applies`: whether the
 * action is read at all (an interval action only for an INTERVAL_ALARM policy).
 */
function actionEntries(dialect: Dialect, applies: (place: Where) => boolean): Entry[] {
  const { numberField, percentageField } = dialect;
  const rule =
    (check: (action: Readonly<Record<string, unknown>>, place: Where) => ApiError | undefined) =>
    (action: Readonly<Record<string, unknown>>, place: Where) =>
      applies(place) ? check(action, place) : undefined;

  const operationInvalid = (value: unknown, place: Where): ApiError => {
    const bandwidth = isBandwidth(dialect, place);
    return apiErrors.operationInvalid(
      display(value),
      `${oneOf(bandwidth ? bandwidthOperations : groupOperations)}${bandwidth ? ' for a bandwidth policy' : ''}`,
    );
  };
  const percentageInvalid = (value: unknown, place: Where): ApiError => {
    const operation = operationOf(place.object);
    const min = operation === 'SET' ? 0 : 1;
    return apiErrors.percentageInvalid(
      percentageField,
      value,
      `an integer from ${String(min)} to ${String(maxActionPercentage)} for ${operation}`,
    );
  };
  const numberMin = (place: Where): number =>
    operationOf(place.object) === 'SET' && !isBandwidth(dialect, place) ? 0 : 1;
  const numberInvalid = (value: unknown, place: Where): ApiError =>
    apiErrors.actionNumberInvalid(
      numberField,
      value,
      `an integer from ${String(numberMin(place))} to ${String(maxActionNumber)} for ${operationOf(place.object)}${isBandwidth(dialect, place) ? ' (Mbit/s)' : ' (instances)'}`,
    );

  const entries: Entry[] = [
    { field: 'operation', invalid: (value, _errors, place) => operationInvalid(value, place) },
    {
      rule: rule((action, place) =>
        isBandwidth(dialect, place) && !bandwidthOperations.includes(operationOf(action))
          ? operationInvalid(action.operation, place)
          : undefined,
      ),
    },
    {
      rule: rule((action) =>
        present(action[numberField]) && present(action[percentageField])
          ? apiErrors.actionNotUnique(numberField, percentageField)
          : undefined,
      ),
    },
    {
      rule: rule((action, place) =>
        present(action[percentageField]) && isBandwidth(dialect, place)
          ? apiErrors.percentageInvalid(
              percentageField,
              action[percentageField],
              `no ${percentageField}: percentages are for scaling group policies only; a bandwidth policy gives ${numberField} in Mbit/s`,
            )
          : undefined,
      ),
    },
    { field: percentageField, invalid: (value, _errors, place) => percentageInvalid(value, place) },
    {
      rule: rule((action, place) =>
        action[percentageField] === 0 && operationOf(action) !== 'SET'
          ? percentageInvalid(0, place)
          : undefined,
      ),
    },
    { field: numberField, invalid: (value, _errors, place) => numberInvalid(value, place) },
    {
      rule: rule((action, place) =>
        action[numberField] === 0 && numberMin(place) > 0 ? numberInvalid(0, place) : undefined,
      ),
    },
  ];
  if (dialect === v1) return entries;
  return [
    ...entries,
    {
      rule: rule((action, place) => {
        const limits = action.limits;
        if (limits === undefined) return undefined;
        if (!isBandwidth(dialect, place)) {
          return apiErrors.limitsInvalid(
            `Got limits ${showValue(limits)}: limits applies to bandwidth policies only; a scaling group policy stays within the group's min and max instances.`,
          );
        }
        return operationOf(action) === 'SET'
          ? apiErrors.limitsInvalid(
              `Got limits ${showValue(limits)}: a SET goes straight to its size; limits applies to ADD (the size it stops at) and REDUCE (the size it stops at) only.`,
            )
          : undefined;
      }),
    },
    {
      field: 'limits',
      invalid: (value, _errors, place) =>
        apiErrors.limitsInvalid(
          `Got limits ${showValue(value)}: expected an integer from ${String(minBandwidthSize)} to ${String(maxBandwidthSize)} (Mbit/s), the size an ${operationOf(place.object)} stops at.`,
        ),
    },
  ];
}

/** The table of `scaling_policy_action`: not an object is AS.3015. */
export function actionTable(dialect: Dialect): ObjectTable<PolicyContext> {
  return {
    notObject: () => apiErrors.policyActionNull(),
    unknown: (sent, accepted) => unsupportedFields(sent, accepted, 'scaling_policy_action'),
    entries: actionEntries(dialect, () => true),
  };
}

const intervalExample = '{"operation":"ADD","size":1,"lower_bound":0,"upper_bound":10}';
/** `interval_alarm_actions[2]`, from the item's pointer `/interval_alarm_actions/2`. */
const itemName = (path: string): string =>
  `interval_alarm_actions[${path.slice(path.lastIndexOf('/') + 1)}]`;
const forIntervals = (place: Where): boolean => place.root.scaling_policy_type === 'INTERVAL_ALARM';

/** `interval_alarm_actions` (v2): an array of actions, each with its bounds. */
export const intervalActionsEntry: FieldEntry<PolicyContext> = {
  field: 'interval_alarm_actions',
  invalid: (value) =>
    apiErrors.badRequestBody(
      `interval_alarm_actions must be an array of objects such as ${intervalExample}, not ${showValue(value)}.`,
    ),
  items: {
    notObject: (item, place) =>
      apiErrors.badRequestBody(
        `${itemName(place.path)} must be an object such as ${intervalExample}, not ${showValue(item)}.`,
      ),
    unknown: (sent, accepted, place) => unsupportedFields(sent, accepted, itemName(place.path)),
    entries: [
      ...(['lower_bound', 'upper_bound'] as const).map((field): Entry => ({
        field,
        invalid: (value, _errors, place) =>
          apiErrors.badRequestBody(
            `${itemName(place.path)}.${field} must be a number (the metric value the interval starts or ends at), not ${showValue(value)}.`,
          ),
      })),
      ...actionEntries(v2, forIntervals),
    ],
  },
};

/** A checked action as the domain's: ADD 1 when absent. */
export function actionOf(value: unknown, dialect: Dialect): PolicyAction {
  if (value === undefined) return { operation: 'ADD', number: 1 };
  const action = value as Readonly<Record<string, unknown>>;
  const number = action[dialect.numberField] as number | undefined;
  const percentage = action[dialect.percentageField] as number | undefined;
  const limits = action.limits as number | undefined;
  return {
    operation: operationOf(action),
    ...(percentage === undefined ? { number: number ?? 1 } : { percentage }),
    ...(limits === undefined || dialect !== v2 ? {} : { limits }),
  };
}

/** Checked interval actions as the domain's: none when empty. */
export function intervalActionsOf(value: unknown): IntervalAlarmAction[] | undefined {
  if (!Array.isArray(value) || value.length === 0) return undefined;
  return value.map((item: Readonly<Record<string, unknown>>) => ({
    ...actionOf(item, v2),
    ...(item.lower_bound === undefined ? {} : { lowerBound: item.lower_bound as number }),
    ...(item.upper_bound === undefined ? {} : { upperBound: item.upper_bound as number }),
  }));
}
