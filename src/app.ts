import { randomUUID } from 'node:crypto';
import Fastify, { LogController } from 'fastify';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Config } from './config/config.js';
import { apiErrors } from './errors/api-error.js';
import { acceptsJson } from './http/accepts-json.js';
import { authenticate } from './http/authenticate.js';
import { clientErrorHandler } from './http/client-error-handler.js';
import { boundConnections, connectionLimit } from './http/connection-limit.js';
import { errorHandler, sendApiError, toApiError } from './http/error-handler.js';
import { executeLogRoutes, logsPrefix } from './resources/logs/routes.js';
import { healthRoutes } from './http/health-routes.js';
import { versionPaths, versionRoutes } from './resources/versions/routes.js';
import { ingestPrefix, ingestRoutes } from './resources/logs/ingest-routes.js';
import { jsonBodyParsers } from './http/json-body-parsers.js';
import { loadShedding } from './http/load-shedding.js';
import { methodNotAllowed } from './http/method-not-allowed.js';
import { triggerRoutes, triggersPrefix } from './resources/triggers/routes.js';
import { decorateProjectId } from './http/project-id.js';
import { captureReceivedBody } from './http/received-body.js';
import { refuseUnstorableText } from './http/refuse-unstorable-text.js';
import { requestLogHook } from './http/request-log.js';
import { docsPrefix, registerDocs } from './http/register-docs.js';
import type { CredentialService } from './auth/credential-service.js';
import { configurationRoutes, configurationsPrefix } from './resources/configurations/routes.js';
import { instanceRoutes, instancesPrefix } from './resources/instances/routes.js';
import { warmPoolRoutes } from './resources/warm-pools/routes.js';
import { lifecycleHookRoutes, lifecycleHooksPrefix } from './resources/lifecycle-hooks/routes.js';
import { serverRoutes, serversPrefix } from './resources/servers/routes.js';
import { quotaRoutes, quotasPrefix } from './resources/quotas/routes.js';
import { activitiesPrefix, activityRoutes } from './resources/activities/routes.js';
import { scheduledTaskRoutes, scheduledTasksPrefix } from './resources/scheduled-tasks/routes.js';
import { groupRoutes, groupsPrefix } from './resources/groups/routes.js';
import { policiesPrefix, policyRoutes } from './resources/policies/routes.js';
import { tagRoutes, tagsPrefix } from './resources/tags/routes.js';
import {
  scalelogBandwidthRoutes,
  scalelogBandwidthsPrefix,
  vpcBandwidthRoutes,
  vpcBandwidthsPrefix,
} from './resources/bandwidths/routes.js';
import { Scheduler } from './engine/scheduler.js';
import { NotificationDelivery } from './engine/notification-delivery.js';
import { notificationRoutes, notificationsPrefix } from './resources/notifications/routes.js';
import {
  scalelogNotificationRoutes,
  scalelogNotificationsPrefix,
} from './resources/notifications/scalelog-routes.js';
import { buildServices } from './services.js';
import type { Store } from './store/store.js';

export interface AppDeps {
  readonly store: Store;
  readonly config: Config;
  /** Who may call: AK/SK credentials and tokens, each bound to one project. */
  readonly credentials: CredentialService;
  /** The clock for signature dates, token expiry and lockouts (Unix ms); `Date.now` by default. */
  readonly now?: () => number;
  /** A pino logger to log through, `true` for Fastify's own, `false` or absent for none. */
  readonly logger?: Logger | boolean;
  /**
   * Run the policy scheduler while the server listens (`serve`): due triggers fire and
   * executions settle every `schedulerIntervalMs`. Off for an app that only answers requests
   * (tests drive the engine through its API and `runDue`).
   */
  readonly scheduler?: boolean;
}

const isDocsUrl = (url: string | undefined): boolean =>
  url !== undefined && (url === docsPrefix || url.startsWith(`${docsPrefix}/`));

/** Routes that answer without credentials: the probes, the documentation and the API versions. */
const openRoutes = new Set<string>(['/healthz', '/readyz', '/openapi.json', ...versionPaths]);
const isOpenRoute = (url: string | undefined): boolean =>
  isDocsUrl(url) || (url !== undefined && openRoutes.has(url));

/**
 * How often Node looks for requests past `headersTimeout` or `requestTimeout`. Node's
 * default, 30 s, would let a stalled request live up to 30 s past its limit; a quarter of the
 * shorter limit keeps the 408 within 25% of it at negligible cost.
 */
function connectionsCheckingInterval(timeoutMs: number): number {
  if (timeoutMs <= 0) return 30_000;
  return Math.min(30_000, Math.max(10, Math.floor(timeoutMs / 4)));
}

/**
 * Scalelog's HTTP API as a Fastify instance that does not listen: `main` listens, tests use
 * `app.inject` (or listen on port 0 where a real socket matters).
 *
 * The request pipeline, in the order a request meets it:
 *
 * 0. Node's HTTP server. Past `maxConnections` a small reserve of connections answers the
 *    probes only (`boundConnections`; other requests are shed in `loadShedding`), and past
 *    the reserve a new connection is closed at once; idle kept-alive connections close after
 *    `keepAliveTimeout`.
 * 1. Node's HTTP parser. Requests whose headers do not arrive within `headersTimeout` (a
 *    slowloris client), or whose whole request does not arrive within `requestTimeout`, and
 *    malformed ones never reach Fastify; `clientErrorHandler` answers them 408/431/400 on
 *    the raw socket.
 * 2. Routing. A bad URL goes to `frameworkErrors` (400); an unknown path to the not-found
 *    route, refused 404 APIGW.0101 in an `onRequest` hook; a known path under another
 *    method to its 405 fallback, refused in its own `onRequest`.
 * 3. `onRequest`: first the `X-Request-Id` header, so every later refusal carries it; then
 *    load shedding (`loadShedding`: 503 past the bounds on requests in flight and on the
 *    store's queue, the probes excepted), first of all so a refused request costs nothing
 *    more; then the 404 and the `Accept` check (406), before any body is read or any store
 *    is touched; last the event-loop-delay check of `@fastify/under-pressure` (a plugin's
 *    hook comes after the root's own).
 * 4. `preParsing` keeps a copy of the body bytes as they arrive (`captureReceivedBody`):
 *    an AK/SK signature covers the exact bytes, which the parsers do not keep. Not for the
 *    ingest route, which streams its body itself (`streamedBody`, see 6).
 * 5. Body reading, per route: the body limit (413: `jsonBodyLimitBytes` for the JSON API,
 *    `bodyLimitBytes` for ingest) and the content type (415). These are answered before
 *    authentication, since a signature cannot be checked before the whole body is in;
 *    neither touches the store nor reveals anything. A JSON body is read as text, not
 *    parsed yet (see 6). An empty body is no body, whatever its content type
 *    (`jsonBodyParsers`), so a bodiless request as the SDKs send it (`Content-Type:
 *    application/json`, nothing after) goes on to authentication. The ingest route's
 *    parsers read nothing: a declared length past its limit is 413 here, and its body is
 *    read by its handler (see 7).
 * 6. `preHandler`: authentication (`authenticate`), then tenant isolation, for every route
 *    but the probes, `/openapi.json` and the docs: 401 APIGW.0301, then 400 AS.0022 /
 *    AS.0008 and 403 AS.0011 for the path's project. Then, and only for a request that
 *    passed, the JSON body is parsed (400 for bad JSON) and checked for text no store can
 *    hold (`refuseUnstorableText`): an unauthenticated body costs a hash, never a parse. No
 *    handler runs, so no log is read or written, for a request refused here. The 404 and the
 *    405 fallbacks (which answer in `onRequest`) come before it: an unknown API or method is
 *    refused whoever asks. On the ingest route an AK/SK signature covers a body not read
 *    yet: everything else is checked here, and the signature and project once the handler
 *    has the body on disk (`finishAuthentication`), before anything is parsed or written.
 * 7. The handler, which validates parameters itself and calls the store. The ingest
 *    handler first streams the body to a private temporary file, hashing it (413 once a
 *    body sent without a length passes `bodyLimitBytes`), then finishes authentication,
 *    then imports from the file a batch at a time.
 * 8. The error handler, for anything thrown above: the cloud's envelopes, 5xx without
 *    internals.
 * 9. `onResponse`: the request's one log line (`requestLogHook`).
 *
 * Hooks and handlers are set on the root before any plugin is registered, so every route
 * (the docs' included) inherits them; the 405 fallbacks are registered last because they
 * are computed from every other route.
 */
export function buildApp(deps: AppDeps): FastifyInstance {
  const { store, config, credentials } = deps;
  const now = deps.now ?? Date.now;
  const logging =
    typeof deps.logger === 'object'
      ? { loggerInstance: deps.logger as FastifyBaseLogger }
      : { logger: deps.logger ?? false };
  const errorOptions = { retryAfterSeconds: config.retryAfterSeconds };
  // Node refuses a headers timeout longer than the request timeout.
  const headersTimeout = Math.min(config.headersTimeoutMs, config.requestTimeoutMs);

  const app: FastifyInstance = Fastify({
    ...logging,
    genReqId: () => randomUUID(),
    // Request ids are ours: a client-supplied one could collide or be used to forge logs.
    requestIdHeader: false,
    // The JSON API's bodies are small; the ingest route sets its own, larger limit.
    bodyLimit: config.jsonBodyLimitBytes,
    // request.ip, the address signature lockouts are counted against: the peer's, or the
    // one X-Forwarded-For gives as far as the trusted proxies vouch for it.
    trustProxy: config.trustProxy,
    requestTimeout: config.requestTimeoutMs,
    keepAliveTimeout: config.keepAliveTimeoutMs,
    http: {
      requestTimeout: config.requestTimeoutMs,
      // A client that trickles its headers (slowloris) is cut off (408) after this.
      headersTimeout,
      connectionsCheckingInterval: connectionsCheckingInterval(headersTimeout),
    },
    // Fastify's two lines per request are off: `requestLogHook` writes one short line instead.
    logController: new LogController({ disableRequestLogging: true }),
    clientErrorHandler: clientErrorHandler(() => app.log),
    // Ids are at most 64 characters, but Fastify's default (100) would answer a longer one
    // with a bare 414; up to 512 the handler says what is wrong, past it it is a 400.
    routerOptions: { maxParamLength: 512 },
    frameworkErrors: (error, request, reply) => {
      sendApiError(reply, toApiError(error, request, errorOptions) ?? apiErrors.system());
    },
  });

  // Past it (and a small reserve on which only the probes are answered) Node closes a new
  // connection at once: a flood of connections cannot use up the process's files, which its
  // store needs, nor keep the probes from being answered.
  const overConnectionLimit = boundConnections(app.server, connectionLimit(config.maxConnections));
  decorateProjectId(app);

  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id);
    done();
  });
  loadShedding(app, { store, config, overConnectionLimit });
  app.addHook('onRequest', (request, _reply, done) => {
    // An unknown path is refused here, before its body is read or parsed: the path alone
    // decides, whatever the Accept header, body or credentials.
    done(request.is404 ? apiErrors.apiNotFound() : undefined);
  });
  app.addHook('onRequest', (request, _reply, done) => {
    // Every answer is JSON except the docs page's HTML and assets.
    const isDocs = isDocsUrl(request.routeOptions.url);
    done(isDocs || acceptsJson(request.headers.accept) ? undefined : apiErrors.notAcceptable());
  });
  app.addHook('preParsing', captureReceivedBody);
  app.addHook('onResponse', requestLogHook(config.requestLog));
  const parseJsonBody = jsonBodyParsers(app);
  app.addHook('preHandler', authenticate({ credentials, now, isOpenRoute }));
  app.addHook('preHandler', parseJsonBody);
  app.addHook('preHandler', refuseUnstorableText);
  app.setErrorHandler(errorHandler(errorOptions));
  app.setNotFoundHandler(() => Promise.reject(apiErrors.apiNotFound()));

  const registerMethodFallbacks = methodNotAllowed(app);
  registerDocs(app);
  void app.register(
    healthRoutes({
      store,
      pingTimeoutMs: config.queryTimeoutMs,
      retryAfterSeconds: config.retryAfterSeconds,
    }),
  );
  void app.register(versionRoutes());
  const services = buildServices(store, config, now);
  void app.register(executeLogRoutes({ logs: services.logs, config }), {
    prefix: logsPrefix,
  });
  void app.register(groupRoutes({ groups: services.groups, now }), { prefix: groupsPrefix });
  void app.register(configurationRoutes({ configurations: services.configurations }), {
    prefix: configurationsPrefix,
  });
  void app.register(instanceRoutes({ instances: services.instances }), {
    prefix: instancesPrefix,
  });
  void app.register(lifecycleHookRoutes({ lifecycleHooks: services.lifecycleHooks }), {
    prefix: lifecycleHooksPrefix,
  });
  void app.register(serverRoutes({ servers: services.servers }), { prefix: serversPrefix });
  void app.register(quotaRoutes({ quotas: services.quotas }), { prefix: quotasPrefix });
  void app.register(policyRoutes({ policies: services.policies, now }), {
    prefix: policiesPrefix,
  });
  void app.register(activityRoutes({ activities: services.activities }), {
    prefix: activitiesPrefix,
  });
  void app.register(warmPoolRoutes({ warmPools: services.warmPools }));
  void app.register(tagRoutes({ tags: services.tags }), { prefix: tagsPrefix });
  void app.register(scheduledTaskRoutes({ scheduledTasks: services.scheduledTasks, now }), {
    prefix: scheduledTasksPrefix,
  });
  const { notifications } = services;
  void app.register(notificationRoutes({ notifications }), { prefix: notificationsPrefix });
  void app.register(scalelogNotificationRoutes({ notifications }), {
    prefix: scalelogNotificationsPrefix,
  });
  const { bandwidths } = services;
  void app.register(scalelogBandwidthRoutes({ bandwidths }), { prefix: scalelogBandwidthsPrefix });
  void app.register(vpcBandwidthRoutes({ bandwidths }), { prefix: vpcBandwidthsPrefix });
  if (deps.scheduler === true) {
    const scheduler = new Scheduler(services.engine, {
      intervalMs: config.schedulerIntervalMs,
      onError: (e: unknown) => {
        app.log.error({ err: e }, 'policy scheduler pass failed; retrying at the next interval');
      },
    });
    // Webhook deliveries run in a loop of their own: a slow receiver never holds up a pass.
    const delivery = new NotificationDelivery(store, now, {
      intervalMs: config.schedulerIntervalMs,
      timeoutMs: config.webhookTimeoutMs,
      maxAttempts: config.webhookMaxAttempts,
      backoffMs: 1_000,
      maxBackoffMs: 300_000,
      onError: (e: unknown) => {
        app.log.error(
          { err: e },
          'notification delivery pass failed; retrying at the next interval',
        );
      },
    });
    app.addHook('onListen', (done) => {
      scheduler.start();
      delivery.start();
      done();
    });
    app.addHook('onClose', async () => {
      await scheduler.stop();
      await delivery.stop();
    });
  }
  void app.register(ingestRoutes({ store, bodyLimitBytes: config.bodyLimitBytes }), {
    prefix: ingestPrefix,
  });
  void app.register(triggerRoutes({ triggers: services.triggers, config }), {
    prefix: triggersPrefix,
  });
  registerMethodFallbacks();
  return app;
}
