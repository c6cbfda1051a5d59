import { apiErrors } from '../../errors/api-error.js';
import { defaultInstanceInitWaitSeconds } from '../../domain/warm-pool.js';
import { parseLimit } from '../../domain/log-query.js';
import { showValue, unsupportedFields } from '../../http/body-fields.js';
import { listParameters } from '../../http/list-query.js';
import { bodyCheck } from '../../http/schema-validation.js';
import { putWarmPoolBody } from './schemas.js';
import type { ListedPoolInstance, WarmPoolSettings, WarmPoolView } from './service.js';

const intField =
  (field: string, range: string) =>
  (value: unknown): ReturnType<typeof apiErrors.badRequestBody> =>
    apiErrors.badRequestBody(`Invalid ${field} ${showValue(value)}: expected an integer ${range}.`);

const checkPut = bodyCheck(putWarmPoolBody, {
  unknown: (sent, accepted) => unsupportedFields(sent, accepted, 'a warm pool'),
  entries: [
    { field: 'min_capacity', invalid: intField('min_capacity', 'from 0') },
    { field: 'max_capacity', invalid: intField('max_capacity', 'from 0') },
    {
      // The cloud's rule: both capacities or neither, and equal when given.
      rule: (body) => {
        const min = body['min_capacity'];
        const max = body['max_capacity'];
        if ((min === undefined) !== (max === undefined)) {
          return apiErrors.badRequestBody(
            'min_capacity and max_capacity are given together or not at all.',
          );
        }
        if (min !== max) {
          return apiErrors.badRequestBody(
            `min_capacity ${showValue(min)} and max_capacity ${showValue(max)} must be equal.`,
          );
        }
        return undefined;
      },
    },
    {
      field: 'instance_init_wait_time',
      invalid: intField('instance_init_wait_time', 'from 0 to 86400 (seconds)'),
    },
  ],
});

/** `PUT .../warm-pool`: the pool's settings. */
export function parsePutWarmPool(raw: unknown): WarmPoolSettings {
  const body = checkPut(raw, undefined);
  return {
    ...(body.min_capacity === undefined ? {} : { capacity: body.min_capacity }),
    instanceInitWaitSeconds: body.instance_init_wait_time ?? defaultInstanceInitWaitSeconds,
  };
}

/** The instance list's `limit` (default 20, 0 to 100) and `marker`, each at most once. */
export function parseWarmPoolListQuery(url: string): { limit: number; marker?: string } {
  const params = listParameters(url, ['limit', 'marker']);
  const limitText = params.get('limit');
  const limit = limitText === undefined ? 20 : parseLimit(limitText);
  if (limit === undefined) {
    throw apiErrors.badRequestBody(
      `Invalid limit ${showValue(limitText)}: expected an integer from 0 to 100.`,
    );
  }
  const marker = params.get('marker');
  return marker === undefined ? { limit } : { limit, marker };
}

/** The show's answer: `{}` for a group without a pool. */
export function warmPoolToWire(view: WarmPoolView | undefined): Record<string, unknown> {
  if (view === undefined) return {};
  return {
    warm_pool: {
      min_capacity: view.size,
      max_capacity: view.size,
      instance_init_wait_time: view.pool.instanceInitWaitSeconds,
      status: view.pool.status,
    },
  };
}

/** One `warm_pool_instances` item. */
export const pooledInstanceToWire = ({ instance, status }: ListedPoolInstance) => ({
  id: instance.id,
  instance_id: instance.serverId,
  name: instance.name,
  status,
});
