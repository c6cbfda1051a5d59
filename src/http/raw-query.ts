import { apiErrors } from '../errors/api-error.js';

/**
 * The query string of a request URL as `[key, value]` pairs, in the order sent, duplicates
 * kept and each percent-decoded once.
 *
 * Read from the raw URL rather than Fastify's parsed `request.query`, which folds a repeated
 * key into an array and hides the order. Clients encode differently (contract §1): the Node
 * SDK sends `:` as `%3A`, the Go SDK sorts keys, Terraform concatenates raw values
 * (`start_time=2024-01-01T00:00:00Z`); all decode to the same pairs here. A malformed
 * escape such as `%ZZ` is kept as it is, so it fails its parameter's own validation.
 */
export function rawQuery(url: string): Array<[string, string]> {
  const start = url.indexOf('?');
  if (start === -1) return [];
  return [...new URLSearchParams(url.slice(start + 1))];
}

/**
 * The value of a query parameter that may be given at most once (a flag such as
 * `force_delete`), or undefined when absent; given twice, 400 AS.0022 naming it.
 */
export function onceInQuery(url: string, key: string): string | undefined {
  const values = rawQuery(url).filter(([k]) => k === key);
  if (values.length > 1) throw apiErrors.parameterGivenTwice(key);
  return values[0]?.[1];
}
