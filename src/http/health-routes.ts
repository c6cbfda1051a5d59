import type { FastifyPluginCallback } from 'fastify';
import type { Store } from '../store/store.js';

const healthStatus = {
  type: 'object',
  required: ['status'],
  properties: { status: { type: 'string', enum: ['ok', 'unavailable'] } },
} as const;

export interface HealthRoutesDeps {
  readonly store: Pick<Store, 'ping'>;
  /** How long `/readyz` waits for the store before calling it unreachable. */
  readonly pingTimeoutMs: number;
  /** `Retry-After` seconds on a 503. */
  readonly retryAfterSeconds: number;
}

/** Resolves when `work` does, rejects when it does or when `ms` pass first. */
async function withTimeout(work: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(new Error(`no answer within ${ms} ms`));
    }, ms);
  });
  try {
    await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Probes outside the cloud prefix: `/healthz` answers 200 while the process lives (it never
 * touches the store, so an outage does not get the process restarted); `/readyz` answers
 * 200 only when the store answers, else 503 with `Retry-After` so a balancer sends traffic
 * elsewhere.
 */
export function healthRoutes(deps: HealthRoutesDeps): FastifyPluginCallback {
  return (app, _options, done) => {
    app.get(
      '/healthz',
      {
        schema: {
          summary: 'Liveness: 200 while the process runs.',
          tags: ['probes'],
          security: [],
          response: { 200: { ...healthStatus, description: 'Alive.' } },
        },
      },
      () => ({ status: 'ok' }),
    );
    app.get(
      '/readyz',
      {
        schema: {
          summary: 'Readiness: 200 when the store answers, else 503 with Retry-After.',
          tags: ['probes'],
          security: [],
          response: {
            200: { ...healthStatus, description: 'The store answers.' },
            503: {
              ...healthStatus,
              description: 'The store does not answer; see Retry-After.',
            },
          },
        },
      },
      async (request, reply) => {
        try {
          await withTimeout(deps.store.ping(), deps.pingTimeoutMs);
          return { status: 'ok' };
        } catch (e: unknown) {
          // Expected while the store is down: a short reason, no stack, on every probe.
          request.log.warn(
            { reason: e instanceof Error ? e.message : String(e) },
            'readiness probe: the store does not answer',
          );
          return reply
            .code(503)
            .header('retry-after', String(deps.retryAfterSeconds))
            .send({ status: 'unavailable' });
        }
      },
    );
    done();
  };
}
