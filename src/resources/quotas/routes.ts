import type { FastifyPluginCallback, FastifyRequest } from 'fastify';
import type { QuotaUsage } from '../../domain/quotas.js';
import { acceptAsIs } from '../../http/accept-as-is.js';
import { engineErrorResponses, projectParams } from '../../http/resource-schemas.js';
import type { QuotaService } from './service.js';
import { quotaSchemas } from './schemas.js';

export interface QuotaRoutesDeps {
  readonly quotas: QuotaService;
}

/** Where the routes are mounted: the cloud's v1 quota API. */
export const quotasPrefix = '/autoscaling-api/v1/:project_id/quotas';

interface ProjectRoute {
  Params: { project_id: string };
}
interface GroupRoute {
  Params: { project_id: string; scaling_group_id: string };
}

const tags = ['quotas'];

const projectSchema = {
  summary: 'Show the project quotas',
  description:
    'Groups, configurations, policies (per group), instances (per group) and bandwidth policies (per bandwidth): used, quota, max, min. Policies and instances are used -1 here, as at the cloud: see the group quotas. The quotas are settings.',
  tags,
  params: projectParams,
  response: {
    200: quotaSchemas.quotasAnswer,
    ...engineErrorResponses([400, 401, 403, 406, 500, 503]),
  },
};

const groupSchema = {
  summary: 'Show a scaling group policy and instance quotas',
  description:
    "The group's policies and instances (its current_instance_number) against the per-group quotas. Unknown group: 400 AS.2007.",
  tags,
  params: quotaSchemas.groupParams,
  response: {
    200: quotaSchemas.quotasAnswer,
    ...engineErrorResponses([400, 401, 403, 406, 500, 503]),
  },
};

/** The answer of both operations: the usages are already in the cloud's field names. */
const answer = (resources: readonly QuotaUsage[]) => ({ quotas: { resources } });

/**
 * The cloud's v1 quota API: showResourceQuota (the project's) and showPolicyAndInstanceQuota
 * (a group's). The counts are the {@link QuotaService}'s.
 */
export function quotaRoutes(deps: QuotaRoutesDeps): FastifyPluginCallback {
  return (app, _options, done) => {
    app.setValidatorCompiler(acceptAsIs);
    app.get<ProjectRoute>('', { schema: projectSchema }, (request) =>
      showProjectQuotas(deps, request),
    );
    app.get<GroupRoute>('/:scaling_group_id', { schema: groupSchema }, (request) =>
      showGroupQuotas(deps, request),
    );
    done();
  };
}

async function showProjectQuotas(
  { quotas }: QuotaRoutesDeps,
  request: FastifyRequest<ProjectRoute>,
) {
  return answer(await quotas.ofProject(request.projectId));
}

async function showGroupQuotas({ quotas }: QuotaRoutesDeps, request: FastifyRequest<GroupRoute>) {
  return answer(await quotas.ofGroup(request.projectId, request.params.scaling_group_id));
}
