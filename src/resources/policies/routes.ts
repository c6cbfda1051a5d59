import type { FastifyPluginCallback } from 'fastify';
import { acceptAsIs } from '../../http/accept-as-is.js';
import { registerPolicyActionRoutes } from './action-routes.js';
import type { PolicyService } from './service.js';
import { registerV1PolicyRoutes } from './v1-routes.js';
import { registerV2PolicyRoutes } from './v2-routes.js';

export interface PolicyRoutesDeps {
  readonly policies: PolicyService;
  /** The clock the wire answers are written at (next trigger times, `is_scaling`...). */
  readonly now: () => number;
}

/** Where the policy routes are registered: their paths go on with `/v1/...` and `/v2/...`. */
export const policiesPrefix = '/autoscaling-api';

/**
 * The cloud's scaling policy APIs over the policy service (contract §6), to be registered
 * under the `/autoscaling-api` prefix.
 *
 * v1 (`/v1/...`) handles scaling group policies: create, show, update, delete, list by group,
 * execute/pause/resume and the batch action. v2 (`/v2/...`) handles group and bandwidth
 * policies: create, show, update and two lists; a v2 policy is deleted, executed, paused and
 * resumed through the v1 paths, as the cloud's clients do. The rules are the service's; the
 * routes read the requests, call it and write the answers.
 */
export function policyRoutes(deps: PolicyRoutesDeps): FastifyPluginCallback {
  const service = deps.policies;
  return (app, _options, done) => {
    // The schemas document; the handlers' parsers validate, so that each field is answered
    // with its own documented code and message.
    app.setValidatorCompiler(acceptAsIs);
    registerV1PolicyRoutes(app, service, deps.now);
    registerPolicyActionRoutes(app, service);
    registerV2PolicyRoutes(app, service, deps.now);
    done();
  };
}
