import type { PolicyType } from '../../domain/scaling-policy.js';
import { policyTypes } from '../../domain/scaling-policy.js';
import { showValue } from '../../http/body-fields.js';

/**
 * What the policy parsers and mappers of both API versions share: the v1 API (scaling groups,
 * `instance_number` and `instance_percentage`) and the v2 API (groups and bandwidths, `size`,
 * `percentage` and `limits`) name the same things differently.
 */

/** The wire names of one API version. */
export interface Dialect {
  readonly types: readonly PolicyType[];
  readonly numberField: 'instance_number' | 'size';
  readonly percentageField: 'instance_percentage' | 'percentage';
}

export const v1: Dialect = {
  types: ['ALARM', 'SCHEDULED', 'RECURRENCE'],
  numberField: 'instance_number',
  percentageField: 'instance_percentage',
};

export const v2: Dialect = {
  types: policyTypes,
  numberField: 'size',
  percentageField: 'percentage',
};

/** A refused value as the error factories show it: a string as it is, anything else as JSON. */
export const display = (value: unknown): string =>
  typeof value === 'string' ? value : showValue(value);

/** `A, B or C`. */
export const oneOf = (items: readonly string[]): string =>
  items.length <= 1
    ? items.join('')
    : `${items.slice(0, -1).join(', ')} or ${String(items[items.length - 1])}`;
