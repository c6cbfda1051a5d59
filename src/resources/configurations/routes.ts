import type { FastifyPluginCallback, FastifyReply, FastifyRequest } from 'fastify';
import { acceptAsIs } from '../../http/accept-as-is.js';
import { bodyObject } from '../../http/body-fields.js';
import { listPaging, listParameters } from '../../http/list-query.js';
import { engineErrorResponses, noContent, projectParams } from '../../http/resource-schemas.js';
import type { ConfigurationFilter } from '../../store/resource-store.js';
import type { ConfigurationService } from './service.js';
import { configurationSchemas } from './schemas.js';
import {
  configurationToWire,
  parseConfigurationBatchDelete,
  parseConfigurationCreate,
  parseConfigurationUpdate,
} from './wire.js';

export interface ConfigurationRoutesDeps {
  readonly configurations: ConfigurationService;
}

/**
 * Where the routes are mounted: the project's v1 API, since the operations use two paths,
 * `scaling_configuration` (one) and `scaling_configurations` (the batch delete).
 */
export const configurationsPrefix = '/autoscaling-api/v1/:project_id';

interface ProjectRoute {
  Params: { project_id: string };
}
interface ConfigurationRoute {
  Params: { project_id: string; scaling_configuration_id: string };
}
type ProjectRequest = FastifyRequest<ProjectRoute>;
type ConfigurationRequest = FastifyRequest<ConfigurationRoute>;

const tags = ['scaling configurations'];

/** The list's query parameters, from its schema. */
const listParameterNames = Object.keys(configurationSchemas.listQuery.properties);

const createSchema = {
  summary: 'Create a scaling configuration',
  description:
    'Required without source_scaling_configuration_id: scaling_configuration_name and instance_config (flavorRef, imageRef and disk unless instance_id; key_name or metadata.admin_pass). With a source, the fields given replace its own. At most configurationQuota per project (default 100; AS.1024). Flavors, images and key pairs are not looked up.',
  tags,
  params: projectParams,
  body: configurationSchemas.createBody,
  response: {
    200: configurationSchemas.idReply,
    ...engineErrorResponses([400, 401, 403, 406, 413, 415, 500, 503]),
  },
};

const listSchema = {
  summary: 'List scaling configurations',
  description:
    'Newest first. Filters: scaling_configuration_name (contains, case counting), image_id (exact imageRef). Paging: start_number (default 0, AS.1001), limit (default 20, 0 to 100, AS.1002).',
  tags,
  params: projectParams,
  querystring: configurationSchemas.listQuery,
  response: {
    200: configurationSchemas.list,
    ...engineErrorResponses([400, 401, 403, 406, 500, 503]),
  },
};

const showSchema = {
  summary: 'Show a scaling configuration',
  description: 'Unknown: 400 AS.1004. scaling_group_id: a group using it, when one does.',
  tags,
  params: configurationSchemas.configurationParams,
  response: {
    200: configurationSchemas.show,
    ...engineErrorResponses([400, 401, 403, 406, 500, 503]),
  },
};

const updateSchema = {
  summary: 'Update a scaling configuration',
  description:
    "Changes instance_config.imageRef, the one field the SDK's UpdateScalingConfigOption takes. Unknown configuration: 400 AS.1004.",
  tags,
  params: configurationSchemas.configurationParams,
  body: configurationSchemas.updateBody,
  response: {
    200: configurationSchemas.idReply,
    ...engineErrorResponses([400, 401, 403, 406, 413, 415, 500, 503]),
  },
};

const deleteSchema = {
  summary: 'Delete a scaling configuration',
  description: 'Unknown: 400 AS.1004. Used by a scaling group: 400 AS.1006. 204.',
  tags,
  params: configurationSchemas.configurationParams,
  response: {
    204: noContent,
    ...engineErrorResponses([400, 401, 403, 406, 500, 503]),
  },
};

const batchDeleteSchema = {
  summary: 'Delete scaling configurations in a batch',
  description:
    'Body {"scaling_configuration_id":[...]}: 1 to 50 ids (AS.1040, AS.1039). All or nothing: when any is unknown or used by a group, none is deleted and 400 AS.1038 names each and why. 204.',
  tags,
  params: projectParams,
  body: configurationSchemas.batchDeleteBody,
  response: {
    204: noContent,
    ...engineErrorResponses([400, 401, 403, 406, 413, 415, 500, 503]),
  },
};

/**
 * The cloud's v1 scaling configuration API: create, show, list, update (the image), delete
 * and batch delete. The rules are the {@link ConfigurationService}'s; the bodies are read by
 * the error tables in wire.ts.
 */
export function configurationRoutes(deps: ConfigurationRoutesDeps): FastifyPluginCallback {
  return (app, _options, done) => {
    // The handlers validate every request part themselves, each with its own code and
    // message: the schemas document and serialize.
    app.setValidatorCompiler(acceptAsIs);
    app.post<ProjectRoute>('/scaling_configuration', { schema: createSchema }, (request) =>
      createConfiguration(deps, request),
    );
    app.get<ProjectRoute>('/scaling_configuration', { schema: listSchema }, (request) =>
      listConfigurations(deps, request),
    );
    app.get<ConfigurationRoute>(
      '/scaling_configuration/:scaling_configuration_id',
      { schema: showSchema },
      (request) => showConfiguration(deps, request),
    );
    app.put<ConfigurationRoute>(
      '/scaling_configuration/:scaling_configuration_id',
      { schema: updateSchema },
      (request) => updateConfiguration(deps, request),
    );
    app.delete<ConfigurationRoute>(
      '/scaling_configuration/:scaling_configuration_id',
      { schema: deleteSchema },
      (request, reply) => deleteConfiguration(deps, request, reply),
    );
    app.post<ProjectRoute>(
      '/scaling_configurations',
      { schema: batchDeleteSchema },
      (request, reply) => batchDeleteConfigurations(deps, request, reply),
    );
    done();
  };
}

async function createConfiguration(
  { configurations }: ConfigurationRoutesDeps,
  request: ProjectRequest,
): Promise<{ scaling_configuration_id: string }> {
  const created = await configurations.create(
    request.projectId,
    parseConfigurationCreate(request.body),
  );
  return { scaling_configuration_id: created.id };
}

async function listConfigurations(
  { configurations }: ConfigurationRoutesDeps,
  request: ProjectRequest,
) {
  const params = listParameters(request.url, listParameterNames);
  const paging = listPaging(params);
  const name = params.get('scaling_configuration_name');
  const imageId = params.get('image_id');
  const filter: ConfigurationFilter = {
    ...(name === undefined ? {} : { nameContains: name }),
    ...(imageId === undefined ? {} : { imageId }),
  };
  const { total, configurations: page } = await configurations.list(
    request.projectId,
    filter,
    paging,
  );
  return {
    total_number: total,
    start_number: paging.startNumber,
    limit: paging.limit,
    scaling_configurations: page.map((c) => configurationToWire(c.configuration, c.groupId)),
  };
}

async function showConfiguration(
  { configurations }: ConfigurationRoutesDeps,
  request: ConfigurationRequest,
) {
  const { configuration, groupId } = await configurations.show(
    request.projectId,
    request.params.scaling_configuration_id,
  );
  return { scaling_configuration: configurationToWire(configuration, groupId) };
}

async function updateConfiguration(
  { configurations }: ConfigurationRoutesDeps,
  request: ConfigurationRequest,
): Promise<{ scaling_configuration_id: string }> {
  const id = request.params.scaling_configuration_id;
  // Read before the configuration is looked up, so a bad body is a 400 for what it is.
  bodyObject(request.body);
  await configurations.update(request.projectId, id, parseConfigurationUpdate(request.body));
  return { scaling_configuration_id: id };
}

async function deleteConfiguration(
  { configurations }: ConfigurationRoutesDeps,
  request: ConfigurationRequest,
  reply: FastifyReply,
): Promise<FastifyReply> {
  await configurations.delete(request.projectId, request.params.scaling_configuration_id);
  return reply.code(204).send();
}

async function batchDeleteConfigurations(
  { configurations }: ConfigurationRoutesDeps,
  request: ProjectRequest,
  reply: FastifyReply,
): Promise<FastifyReply> {
  await configurations.deleteMany(request.projectId, parseConfigurationBatchDelete(request.body));
  return reply.code(204).send();
}
