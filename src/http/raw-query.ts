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
