import type { FastifyPluginCallback, FastifyRequest } from 'fastify';
import type { Config } from '../../config/config.js';
import { parseLogQuery } from './query-parse.js';
import { projectIdPattern } from '../../domain/ids.js';
import { acceptAsIs } from '../../http/accept-as-is.js';
import { logToWire } from '../../log-format/log-wire.js';
import type { WireLog, WireOptions } from '../../log-format/log-wire.js';
import { rawQuery } from '../../http/raw-query.js';
import { errorResponses } from '../../http/error-schemas.js';
import { logApiSchemas } from './schemas.js';
import type { LogService } from './service.js';

export interface ExecuteLogRoutesDeps {
  readonly logs: LogService;
  readonly config: Pick<Config, 'executeTypeOutput'>;
}

interface ExecuteLogPage {
  total_number: number;
  start_number: number;
  limit: number;
  scaling_policy_execute_log: WireLog[];
}

interface ExecuteLogParams {
  project_id: string;
  scaling_policy_id: string;
}

/** Where the log query is registered: the cloud's v1 API of a project. */
export const logsPrefix = '/autoscaling-api/v1/:project_id';

/** The route's path under {@link logsPrefix}. */
const executeLogPath = '/scaling_policy_execute_log/:scaling_policy_id';

/**
 * `GET /autoscaling-api/v1/{project_id}/scaling_policy_execute_log/{scaling_policy_id}`:
 * one page of a policy's execution logs, exactly as the cloud answers (contract §1, §2).
 * Register it with the prefix `/autoscaling-api/v1/:project_id`.
 */
export function executeLogRoutes(deps: ExecuteLogRoutesDeps): FastifyPluginCallback {
  const { logs } = deps;
  const wireOptions: WireOptions = { scheduledAs: deps.config.executeTypeOutput };

  async function queryExecuteLogs(
    request: FastifyRequest<{ Params: ExecuteLogParams }>,
  ): Promise<ExecuteLogPage> {
    const query = parseLogQuery(
      request.projectId,
      request.params.scaling_policy_id,
      rawQuery(request.url),
    );
    const page = await logs.page(query);
    // In the order of the cloud's example response.
    return {
      limit: query.limit,
      scaling_policy_execute_log: page.logs.map((log) => logToWire(log, wireOptions)),
      total_number: page.totalNumber,
      // Echo the values used, defaults included: a Go pager computes the next page from them.
      start_number: query.startNumber,
    };
  }

  return (app, _options, done) => {
    // Parameters are validated by parseLogQuery from the raw query string, so repeats are
    // seen and each parameter fails with its documented code; the schema only documents.
    app.setValidatorCompiler(acceptAsIs);
    app.get<{ Params: ExecuteLogParams; Reply: ExecuteLogPage }>(
      executeLogPath,
      {
        schema: {
          summary: 'Query AS policy execution logs',
          description:
            'Filters combine with AND; start_time is inclusive and end_time exclusive. Newest first, ties by id descending. A policy that neither exists nor ever had a log recorded is 404 AS.3020; a policy that exists but never ran gives an empty page. A parameter given twice is 400 with its code; unknown parameters are ignored.',
          tags: ['execution logs'],
          params: {
            type: 'object',
            required: ['project_id', 'scaling_policy_id'],
            properties: {
              project_id: {
                type: 'string',
                pattern: projectIdPattern.source,
                description: 'Project id. Bad value: 400 AS.0022.',
              },
              scaling_policy_id: { type: 'string', description: 'AS policy id.' },
            },
          },
          querystring: logApiSchemas.executeLogQuery,
          response: {
            200: { ...logApiSchemas.executeLogPage, description: 'One page of logs.' },
            ...errorResponses([400, 401, 403, 404, 406, 500, 503, 504]),
          },
        },
        // Keys go out in the order of the cloud's example response, which the handler builds
        // (logToWire): Fastify's schema serializer would put every required key before the
        // optional ones (job_records before old_value). The schema still documents the shape.
        serializerCompiler: () => (data) => JSON.stringify(data),
      },
      queryExecuteLogs,
    );
    done();
  };
}
