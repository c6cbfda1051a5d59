import { apiErrors } from '../../errors/api-error.js';
import { maxBandwidthSize, minBandwidthSize } from '../../domain/bandwidth.js';
import type { OperationType, ResourceType } from '../../domain/execution-log.js';
import type { IntervalAlarmAction, PolicyAction } from '../../domain/scaling-policy.js';
import { integerField, onlyFields, showValue } from '../../http/body-fields.js';
import type { WireBody } from '../../http/body-fields.js';
import { display, oneOf, v2 } from './dialect.js';
import { isObject } from '../../shared/is-object.js';
import type { Dialect } from './dialect.js';

const boundFields = ['lower_bound', 'upper_bound'] as const;

const maxActionNumber = 300;
const maxPercentage = 20_000;

const groupOperations: readonly OperationType[] = ['ADD', 'REMOVE', 'REDUCE', 'SET'];
const bandwidthOperations: readonly OperationType[] = ['ADD', 'REDUCE', 'SET'];

/**
 * One action: the policy's `scaling_policy_action` or an item of `interval_alarm_actions`.
 * The operation defaults to ADD and the amount to 1; a number and a percentage exclude each
 * other. Groups count instances (SET 0-300, otherwise 1-300) or percent (SET 0-20000,
 * otherwise 1-20000); bandwidths count Mbit/s (1-300) and never percent, and only their ADD
 * and REDUCE take `limits`, the size they stop at.
 */
function parseActionObject(
  action: WireBody,
  resourceType: ResourceType,
  dialect: Dialect,
): PolicyAction {
  const bandwidth = resourceType === 'BANDWIDTH';
  const operations = bandwidth ? bandwidthOperations : groupOperations;
  const op = action.operation;
  if (
    op !== undefined &&
    op !== null &&
    (typeof op !== 'string' || !(operations as readonly string[]).includes(op))
  ) {
    throw apiErrors.operationInvalid(
      display(op),
      `${oneOf(operations)}${bandwidth ? ' for a bandwidth policy' : ''}`,
    );
  }
  const operation: OperationType = (op ?? 'ADD') as OperationType;
  const { numberField, percentageField } = dialect;
  const hasNumber = action[numberField] !== undefined && action[numberField] !== null;
  const hasPercentage = action[percentageField] !== undefined && action[percentageField] !== null;
  if (hasNumber && hasPercentage) throw apiErrors.actionNotUnique(numberField, percentageField);

  let amount: { number: number } | { percentage: number } = { number: 1 };
  if (hasPercentage) {
    const value = action[percentageField];
    if (bandwidth) {
      throw apiErrors.percentageInvalid(
        percentageField,
        value,
        `no ${percentageField}: percentages are for scaling group policies only; a bandwidth policy gives ${numberField} in Mbit/s`,
      );
    }
    const min = operation === 'SET' ? 0 : 1;
    const percentage = integerField(action, percentageField, min, maxPercentage, (v) =>
      apiErrors.percentageInvalid(
        percentageField,
        v,
        `an integer from ${String(min)} to ${String(maxPercentage)} for ${operation}`,
      ),
    );
    if (percentage !== undefined) amount = { percentage };
  } else if (hasNumber) {
    const min = operation === 'SET' && !bandwidth ? 0 : 1;
    const number = integerField(action, numberField, min, maxActionNumber, (v) =>
      apiErrors.actionNumberInvalid(
        numberField,
        v,
        `an integer from ${String(min)} to ${String(maxActionNumber)} for ${operation}${bandwidth ? ' (Mbit/s)' : ' (instances)'}`,
      ),
    );
    if (number !== undefined) amount = { number };
  }

  const limitsValue = action.limits;
  let limits: number | undefined;
  if (limitsValue !== undefined && limitsValue !== null) {
    if (!bandwidth) {
      throw apiErrors.limitsInvalid(
        `Got limits ${showValue(limitsValue)}: limits applies to bandwidth policies only; a scaling group policy stays within the group's min and max instances.`,
      );
    }
    if (operation === 'SET') {
      throw apiErrors.limitsInvalid(
        `Got limits ${showValue(limitsValue)}: a SET goes straight to its size; limits applies to ADD (the size it stops at) and REDUCE (the size it stops at) only.`,
      );
    }
    limits = integerField(action, 'limits', minBandwidthSize, maxBandwidthSize, (v) =>
      apiErrors.limitsInvalid(
        `Got limits ${showValue(v)}: expected an integer from ${String(minBandwidthSize)} to ${String(maxBandwidthSize)} (Mbit/s), the size an ${operation} stops at.`,
      ),
    );
  }
  return { operation, ...amount, ...(limits === undefined ? {} : { limits }) };
}

/** `scaling_policy_action`: ADD 1 when absent. */
export function parseAction(
  value: unknown,
  resourceType: ResourceType,
  dialect: Dialect,
): PolicyAction {
  if (value === undefined || value === null) return { operation: 'ADD', number: 1 };
  if (!isObject(value)) throw apiErrors.policyActionNull();
  onlyFields(value, dialect.actionFields, 'scaling_policy_action');
  return parseActionObject(value, resourceType, dialect);
}

/** `interval_alarm_actions` (v2, INTERVAL_ALARM): none when absent or empty. */
export function parseIntervalActions(
  value: unknown,
  resourceType: ResourceType,
): IntervalAlarmAction[] | undefined {
  if (value === undefined || value === null) return undefined;
  const example = '{"operation":"ADD","size":1,"lower_bound":0,"upper_bound":10}';
  if (!Array.isArray(value)) {
    throw apiErrors.badRequestBody(
      `interval_alarm_actions must be an array of objects such as ${example}, not ${showValue(value)}.`,
    );
  }
  const actions = value.map((item: unknown, i): IntervalAlarmAction => {
    const where = `interval_alarm_actions[${String(i)}]`;
    if (!isObject(item)) {
      throw apiErrors.badRequestBody(
        `${where} must be an object such as ${example}, not ${showValue(item)}.`,
      );
    }
    onlyFields(item, [...v2.actionFields, ...boundFields], where);
    const bounds: { lowerBound?: number; upperBound?: number } = {};
    for (const field of boundFields) {
      const bound = item[field];
      if (bound === undefined || bound === null) continue;
      if (typeof bound !== 'number' || !Number.isFinite(bound)) {
        throw apiErrors.badRequestBody(
          `${where}.${field} must be a number (the metric value the interval starts or ends at), not ${showValue(bound)}.`,
        );
      }
      bounds[field === 'lower_bound' ? 'lowerBound' : 'upperBound'] = bound;
    }
    return { ...parseActionObject(item, resourceType, v2), ...bounds };
  });
  return actions.length === 0 ? undefined : actions;
}
