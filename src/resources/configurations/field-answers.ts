import { apiErrors } from '../../errors/api-error.js';
import type { ApiError } from '../../errors/api-error.js';
import { showValue, unsupportedFields } from '../../http/body-fields.js';
import type { Place, PlacedInvalidField } from '../../http/schema-validation.js';

/**
 * The answers the scaling configuration tables share: where a field is, for messages, and
 * the refusals with no code of their own (AS.0022 naming the field).
 */

/** Where a field is, for messages: `instance_config.disk[1].size`. */
export function fieldName(place: Place<unknown>, field: string): string {
  const at = place.path
    .slice(1)
    .replace(/\/(\d+)(?=\/|$)/g, '[$1]')
    .replaceAll('/', '.');
  return at === '' ? field : `${at}.${field}`;
}

/** A refusal with no code of its own: AS.0022 naming the field and what it takes. */
export const notA =
  (field: string, what: string): PlacedInvalidField<unknown> =>
  (value, _errors, place) =>
    apiErrors.badRequestBody(
      `${fieldName(place, field)} must be ${what}, not ${showValue(value)}.`,
    );

export const notAnObject =
  (example: string) =>
  (value: unknown, place: Place<unknown>): ApiError =>
    apiErrors.badRequestBody(
      `${fieldName(place, '').replace(/\.$/, '')} must be an object such as ${example}, not ${showValue(value)}.`,
    );

export const unknownIn =
  (where: string) =>
  (sent: readonly string[], accepted: readonly string[], place: Place<unknown>): ApiError =>
    unsupportedFields(
      sent,
      accepted,
      place.path === '' ? where : fieldName(place, '').slice(0, -1),
    );

export const decodedBytes = (base64: string): number => Buffer.from(base64, 'base64').length;

export const idText = '1 to 64 characters';
