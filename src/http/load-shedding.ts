import underPressure from '@fastify/under-pressure';
import type { Socket } from 'node:net';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Config } from '../config/config.js';
import { apiErrors } from '../errors/api-error.js';
import type { Store } from '../store/store.js';

export interface LoadSheddingDeps {
  readonly store: Pick<Store, 'queuedWork'>;
  readonly config: Pick<
    Config,
    'maxInFlightRequests' | 'maxStoreQueue' | 'maxEventLoopDelayMs' | 'retryAfterSeconds'
  >;
  /**
   * Whether a request's connection came in past `maxConnections`, into the probes' reserve
   * (see `boundConnections`): only the probes are answered on it.
   */
  readonly overConnectionLimit?: (socket: Socket | undefined) => boolean;
}

/**
 * The probes, never shed: a balancer or orchestrator that saw them fail under load would
 * take the server out or restart it, which turns an overload into an outage. Both are cheap:
 * `/healthz` touches nothing, `/readyz` one trivial query under its own time limit.
 */
const probeRoutes = new Set(['/healthz', '/readyz']);
const isProbe = (request: FastifyRequest): boolean =>
  probeRoutes.has(request.routeOptions.url ?? '');

/**
 * How often the event-loop delay is sampled; the delay compared with `maxEventLoopDelayMs`
 * is the mean over the last interval, so one long synchronous task does not shed on its
 * own, a loop that stays slow does.
 */
const sampleIntervalMs = 1_000;

/**
 * Load shedding: past a bound, an API request is answered 503 AS.0001 with `Retry-After` at
 * once, before authentication or any store work, rather than queue until the client times
 * out. The bounds (each off at 0):
 *
 * - `maxInFlightRequests`: requests being handled at once (from routing to the response
 *   being sent or the client going away);
 * - `maxStoreQueue`: store operations waiting for a connection (PostgreSQL's pool);
 * - `maxEventLoopDelayMs`: the event loop's mean delay, sampled by `@fastify/under-pressure`.
 *
 * Called on the root before any route plugin, after the hook that sets `X-Request-Id` (so a
 * shed answer carries one): its hooks run for every route but the probes.
 */
export function loadShedding(app: FastifyInstance, deps: LoadSheddingDeps): void {
  const { store, config } = deps;
  const overloaded = (why: string) => apiErrors.overloaded(config.retryAfterSeconds, why);
  let inFlight = 0;

  app.addHook('onRequest', (request, reply, done) => {
    if (isProbe(request)) {
      done();
      return;
    }
    if (deps.overConnectionLimit?.(request.raw.socket) === true) {
      // Its connection holds a place kept for the probes: closed after this answer.
      reply.header('connection', 'close');
      done(overloaded('a connection past maxConnections, in the reserve kept for the probes'));
      return;
    }
    if (config.maxInFlightRequests > 0 && inFlight >= config.maxInFlightRequests) {
      done(
        overloaded(`${inFlight} requests in flight, the limit is ${config.maxInFlightRequests}`),
      );
      return;
    }
    const queued = store.queuedWork?.() ?? 0;
    if (config.maxStoreQueue > 0 && queued >= config.maxStoreQueue) {
      done(
        overloaded(
          `${queued} store operations wait for a connection, the limit is ${config.maxStoreQueue}`,
        ),
      );
      return;
    }
    inFlight += 1;
    // 'close' comes once whether the response was sent or the client went away first.
    reply.raw.once('close', () => {
      inFlight -= 1;
    });
    done();
  });

  if (config.maxEventLoopDelayMs > 0) {
    void app.register(underPressure, {
      maxEventLoopDelay: config.maxEventLoopDelayMs,
      sampleInterval: sampleIntervalMs,
      // The only check configured is the delay: `value` is the mean delay in ms, infinite
      // when the loop did not turn once in the whole sample.
      pressureHandler: (request, _reply, _type, value) => {
        if (isProbe(request)) return undefined;
        const delay = Number(value);
        const why = Number.isFinite(delay)
          ? `event-loop delay ${Math.round(delay)} ms`
          : `the event loop did not turn for ${sampleIntervalMs} ms`;
        return Promise.reject(overloaded(`${why}, the limit is ${config.maxEventLoopDelayMs} ms`));
      },
    });
  }
}
