import { apiErrors } from '../errors/api-error.js';
import { defaultLimit, maxStartNumber, parseLimit, parseStartNumber } from '../domain/log-query.js';
import type { Paging } from '../store/resource-store.js';
import { rawQuery } from './raw-query.js';

/**
 * The query parameters of a list request (groups, policies, bandwidths), each at most once:
 * a repeated one is 400 AS.0022 naming it. Unknown parameters are ignored, as the cloud's
 * gateway ignores them. Empty values count as absent (`?scaling_group_name=`).
 */
export function listParameters(url: string, known: readonly string[]): Map<string, string> {
  const params = new Map<string, string>();
  for (const [key, value] of rawQuery(url)) {
    if (!known.includes(key)) continue;
    if (params.has(key)) {
      throw apiErrors.parameterGivenTwice(key);
    }
    if (value !== '') params.set(key, value);
  }
  return params;
}

/** `start_number` (default 0) and `limit` (default 20, at most 100), as the cloud's lists take them. */
export function listPaging(params: ReadonlyMap<string, string>): Paging {
  const start = params.get('start_number');
  const limit = params.get('limit');
  const startNumber = start === undefined ? 0 : parseStartNumber(start);
  if (startNumber === undefined) throw apiErrors.invalidListStart(start ?? '', maxStartNumber);
  const limitNumber = limit === undefined ? defaultLimit : parseLimit(limit);
  if (limitNumber === undefined) throw apiErrors.invalidListLimit(limit ?? '');
  return { startNumber, limit: limitNumber };
}
