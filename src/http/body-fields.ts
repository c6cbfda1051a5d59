import { apiErrors } from '../errors/api-error.js';
import type { ApiError } from '../errors/api-error.js';
import { isObject } from '../shared/is-object.js';
import { shownJson } from '../shared/shown.js';

/** A JSON request body as the handlers read it: an object of wire fields. */
export type WireBody = Readonly<Record<string, unknown>>;

const shown = (value: unknown): string => shownJson(value, 80);

/**
 * The body as an object: none (an empty body, whatever its content type) or `null` is 400
 * AS.0002, any other non-object AS.0022.
 */
export function bodyObject(body: unknown): WireBody {
  if (body === undefined || body === '') throw apiErrors.requestBodyNull('empty');
  if (body === null) throw apiErrors.requestBodyNull('null');
  if (!isObject(body)) {
    throw apiErrors.badRequestBody(`The request body must be a JSON object, not ${shown(body)}.`);
  }
  return body;
}

/** The 400 AS.0022 for fields an operation does not take, naming them and the accepted ones. */
export function unsupportedFields(
  unknown: readonly string[],
  accepted: readonly string[],
  where: string,
): ApiError {
  return apiErrors.badRequestBody(
    `Unsupported parameter${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => JSON.stringify(k)).join(', ')} in ${where}; accepted: ${accepted.join(', ')}.`,
  );
}

/** How a refused value is shown inside an error message. */
export const showValue = shown;
