import Negotiator from 'negotiator';

/** What every API response is; offered with its charset so `application/json; charset=utf-8` matches. */
const served = ['application/json; charset=utf-8'];

/**
 * Whether a request's `Accept` header allows `application/json`, the only type the API
 * returns. No header, an empty one, `*\/*`, `application/*` and `application/json` with or
 * without `charset=utf-8` all do; `application/json;q=0` does not.
 */
export function acceptsJson(accept: string | undefined): boolean {
  if (accept === undefined || accept.trim() === '') return true;
  return new Negotiator({ headers: { accept } }).mediaType(served) !== undefined;
}
