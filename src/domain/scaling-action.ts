import type { OperationType } from './execution-log.js';

/**
 * What one execution of a policy's action would do to its resource: the arithmetic alone,
 * no I/O. Scaling groups count instances, bandwidths Mbit/s; both the same way.
 *
 * Percentages are of the current value (a group's desired number, a bandwidth's size) and
 * round as the cloud's user guide says for a scaling action: a result above 1 is rounded
 * down, one between 0 and 1 becomes 1. ADD 10% of 15 instances adds 1 (1.5 rounds down), ADD
 * 10% of 3 adds 1 (0.3 becomes 1), SET 50% of 5 sets 2. The result is then clamped to the
 * resource's bounds.
 */

export interface ActionRequest {
  readonly operation: OperationType;
  /** Instances or Mbit/s to add, remove or set; exclusive with `percentage`. */
  readonly number?: number;
  /** Percent of the current value to add, remove or set to. */
  readonly percentage?: number;
  /**
   * Bandwidth policies only: the size an ADD may not exceed or a REDUCE may not go below,
   * within the bandwidth's own bounds.
   */
  readonly limits?: number;
}

export interface ActionBounds {
  readonly min: number;
  readonly max: number;
}

/** Why an action cannot change anything; the executor records it as the FAIL reason. */
export type RefusalRule = 'at-max' | 'at-min' | 'unchanged';

export type ActionPlan =
  | {
      readonly kind: 'change';
      readonly from: number;
      readonly to: number;
      /** The bound the action was measured against, as the log's `limit_value` reports it. */
      readonly limit: number;
      /** True when the computed target lay beyond the bound and was clamped to it. */
      readonly clamped: boolean;
    }
  | {
      readonly kind: 'refused';
      readonly rule: RefusalRule;
      readonly from: number;
      readonly limit: number;
    };

/** `percent` of `value`: rounded down, except that a result between 0 and 1 is 1. */
export function percentOf(value: number, percent: number): number {
  // Integers throughout: value * percent is exact, and so is its floor division by 100.
  const product = value * percent;
  if (product === 0) return 0;
  return Math.max(1, Math.floor(product / 100));
}

/**
 * Plans the action on a resource whose current value is `current` and whose bounds are
 * `bounds` (for a bandwidth ADD or REDUCE, narrowed by `limits`). ADD pushes against the
 * upper bound and REMOVE/REDUCE against the lower one: an action that starts at its bound is
 * refused; one that would pass it stops there. SET goes to its value clamped to the bounds,
 * and is refused when that is where the resource already is.
 */
export function planAction(
  current: number,
  request: ActionRequest,
  bounds: ActionBounds,
): ActionPlan {
  const amount =
    request.percentage !== undefined
      ? percentOf(current, request.percentage)
      : (request.number ?? 1);
  switch (request.operation) {
    case 'ADD': {
      const limit =
        request.limits === undefined ? bounds.max : Math.min(bounds.max, request.limits);
      if (current >= limit) return { kind: 'refused', rule: 'at-max', from: current, limit };
      const wanted = current + amount;
      return {
        kind: 'change',
        from: current,
        to: Math.min(wanted, limit),
        limit,
        clamped: wanted > limit,
      };
    }
    case 'REMOVE':
    case 'REDUCE': {
      const limit =
        request.limits === undefined ? bounds.min : Math.max(bounds.min, request.limits);
      if (current <= limit) return { kind: 'refused', rule: 'at-min', from: current, limit };
      const wanted = current - amount;
      return {
        kind: 'change',
        from: current,
        to: Math.max(wanted, limit),
        limit,
        clamped: wanted < limit,
      };
    }
    case 'SET': {
      const wanted =
        request.percentage !== undefined
          ? percentOf(current, request.percentage)
          : (request.number ?? 1);
      const to = Math.min(bounds.max, Math.max(bounds.min, wanted));
      const limit = wanted >= current ? bounds.max : bounds.min;
      if (to === current) {
        const rule: RefusalRule =
          wanted > current ? 'at-max' : wanted < current ? 'at-min' : 'unchanged';
        return { kind: 'refused', rule, from: current, limit };
      }
      return { kind: 'change', from: current, to, limit, clamped: to !== wanted };
    }
  }
}
