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

/**
 * Refuses fields the operation does not take (400 AS.0022, as the cloud answers "an
 * unsupported parameter"), naming them and the accepted ones.
 */
export function onlyFields(body: WireBody, accepted: readonly string[], where: string): void {
  const unknown = Object.keys(body).filter((k) => !accepted.includes(k));
  if (unknown.length > 0) throw unsupportedFields(unknown, accepted, where);
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

/** A nested object field, or undefined when absent or null. */
export function objectField(
  body: WireBody,
  key: string,
  invalid: (value: unknown) => ApiError,
): WireBody | undefined {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (!isObject(value)) throw invalid(value);
  return value;
}

/** A string field, or undefined when absent or null; anything else is `invalid`. */
export function stringField(
  body: WireBody,
  key: string,
  invalid: (value: unknown) => ApiError,
): string | undefined {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw invalid(value);
  return value;
}

/**
 * An integer field within [min, max], or undefined when absent or null. A JSON number only:
 * `"5"` and `5.5` are `invalid`, as the cloud's typed models refuse them.
 */
export function integerField(
  body: WireBody,
  key: string,
  min: number,
  max: number,
  invalid: (value: unknown) => ApiError,
): number | undefined {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw invalid(value);
  }
  return value;
}

/** How a refused value is shown inside an error message. */
export const showValue = shown;
