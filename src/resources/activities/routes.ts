import type { FastifyPluginCallback, FastifyRequest } from 'fastify';
import { acceptAsIs } from '../../http/accept-as-is.js';
import { engineErrorResponses } from '../../http/resource-schemas.js';
import type { ScalingActivity } from '../../domain/scaling-activity.js';
import type { ActivityService } from './service.js';
import { activitySchemas } from './schemas.js';
import { activityToV2Wire } from '../../log-format/activity-wire.js';
import { activityToV1Wire, parseActivityQuery } from './wire.js';
import type { ActivityLogVersion } from './wire.js';

export interface ActivityRoutesDeps {
  readonly activities: ActivityService;
}

/** Where the routes are mounted: their paths go on with `/v1/...` and `/v2/...`. */
export const activitiesPrefix = '/autoscaling-api';

interface ActivityRoute {
  Params: { project_id: string; scaling_group_id: string };
}
type ActivityRequest = FastifyRequest<ActivityRoute>;

const tags = ['scaling activity logs'];

const common =
  'Newest first (start time, then id, descending); each activity as it is now (DOING until its instances settle, then SUCCESS). start_time and end_time (yyyy-MM-ddThh:mm:ssZ) bound the start, both inclusive (AS.4008, AS.4009; an end before the start is AS.4009). Paging: start_number (default 0, AS.4010), limit (default 20, 0 to 100, AS.4011). A parameter given twice is 400 AS.0022; others are ignored. A group not in the project: 400 AS.2007.';

const v1Schema = {
  summary: 'Query scaling action logs',
  description: `${common} Instance lists are the instances' names separated by commas, null when none; end_time is null while DOING.`,
  tags,
  params: activitySchemas.params,
  querystring: activitySchemas.v1Query,
  response: {
    200: { ...activitySchemas.v1Page, description: 'One page of activities.' },
    ...engineErrorResponses([400, 401, 403, 406, 500, 503]),
  },
};

const v2Schema = {
  summary: 'Query scaling action logs (V2)',
  description: `${common} Also log_id (AS.4012), type (types separated by commas) and status (at this moment; both AS.0022 when bad). Instance lists are arrays of {instance_id, instance_name, instance_config?, failed_reason?, failed_details?}; the load balancer lists are always empty; end_time is absent while DOING.`,
  tags,
  params: activitySchemas.params,
  querystring: activitySchemas.v2Query,
  response: {
    200: { ...activitySchemas.v2Page, description: 'One page of activities.' },
    ...engineErrorResponses([400, 401, 403, 406, 500, 503]),
  },
};

/**
 * The cloud's scaling activity log queries, v1 and v2, over the {@link ActivityService}.
 * Both read the same activities; they differ in the query (v2 adds `log_id`, `type` and
 * `status`) and in the entries' shape (wire.ts).
 */
export function activityRoutes(deps: ActivityRoutesDeps): FastifyPluginCallback {
  return (app, _options, done) => {
    // The handlers read the query themselves, each parameter with its own code.
    app.setValidatorCompiler(acceptAsIs);
    // Keys go out in the order of the reference's examples, which the mappers build; Fastify's
    // serializer would put them in the schema's order, required ones first.
    const serializerCompiler = () => (data: unknown) => JSON.stringify(data);
    app.get<ActivityRoute>(
      '/v1/:project_id/scaling_activity_log/:scaling_group_id',
      { schema: v1Schema, serializerCompiler },
      (request) => queryActivities(deps, request, 'v1'),
    );
    app.get<ActivityRoute>(
      '/v2/:project_id/scaling_activity_log/:scaling_group_id',
      { schema: v2Schema, serializerCompiler },
      (request) => queryActivities(deps, request, 'v2'),
    );
    done();
  };
}

const toWire: Record<ActivityLogVersion, (a: ScalingActivity) => Record<string, unknown>> = {
  v1: activityToV1Wire,
  v2: activityToV2Wire,
};

async function queryActivities(
  { activities }: ActivityRoutesDeps,
  request: ActivityRequest,
  version: ActivityLogVersion,
) {
  const { filter, paging } = parseActivityQuery(request.url, version);
  const page = await activities.list(
    request.projectId,
    request.params.scaling_group_id,
    filter,
    paging,
  );
  // In the order of the reference's example answers.
  return {
    limit: paging.limit,
    scaling_activity_log: page.activities.map(toWire[version]),
    total_number: page.total,
    start_number: paging.startNumber,
  };
}
