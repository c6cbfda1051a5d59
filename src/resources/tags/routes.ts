import type { FastifyPluginCallback, FastifyReply, FastifyRequest } from 'fastify';
import { acceptAsIs } from '../../http/accept-as-is.js';
import { engineErrorResponses, noContent } from '../../http/resource-schemas.js';
import type { TagService } from './service.js';
import { tagSchemas } from './schemas.js';
import {
  parseResourceQuery,
  parseTagAction,
  parseTagResourceType,
  taggedResourceToWire,
} from './wire.js';

export interface TagRoutesDeps {
  readonly tags: TagService;
}

/**
 * Where the routes are mounted: the cloud's tag paths, whose second segment is the resource
 * type. The router prefers a static segment to a parameter, so these only answer paths no
 * other API has (`scaling_group/...` stays the group API's); a resource type the tag API
 * does not name is 400 AS.7048, as at the cloud.
 */
export const tagsPrefix = '/autoscaling-api/v1/:project_id/:resource_type';

interface TypeRoute {
  Params: { project_id: string; resource_type: string };
}
interface ResourceRoute {
  Params: { project_id: string; resource_type: string; resource_id: string };
}

const tags = ['tags'];

const actionSchema = {
  summary: 'Create or delete tags of a resource',
  description:
    'action create: adds the tags; a key the resource has takes the new value; at most 10 tags on the resource (AS.7045). action delete: deletes the tags by key, or by key and value when a value is given; keys the resource does not have are passed over. Keys: 1 to 36 letters, digits, -, _, @ (AS.7062, AS.7063, AS.7046); values: 0 to 43 of them (AS.7047, AS.7046); a key twice: AS.7050; no tags: AS.7044; bad action: AS.7049. Unknown group: AS.2007. 204.',
  tags,
  params: tagSchemas.resourceParams,
  body: tagSchemas.actionBody,
  response: {
    204: noContent,
    ...engineErrorResponses([400, 401, 403, 406, 413, 415, 500, 503]),
  },
};

const ofResourceSchema = {
  summary: 'List the tags of a resource',
  description: 'In the order first created. Unknown group: 400 AS.2007.',
  tags,
  params: tagSchemas.resourceParams,
  response: {
    200: tagSchemas.ofResource,
    ...engineErrorResponses([400, 401, 403, 406, 500, 503]),
  },
};

const ofProjectSchema = {
  summary: "List the project's tags of a resource type",
  description: 'Each key once with its distinct values, in the order first created.',
  tags,
  params: tagSchemas.typeParams,
  response: {
    200: tagSchemas.ofProject,
    ...engineErrorResponses([400, 401, 403, 406, 500, 503]),
  },
};

const querySchema = {
  summary: 'Query resources by tag',
  description:
    'action filter: a page of the resources (newest first) with every tag of tags, at least one of tags_any, not every one of not_tags and none of not_tags_any, whose name contains matches resource_name; offset (default 0) and limit (1 to 1000, default 1000). action count: total_count alone. A value *text matches values containing text; no values match any value. without_any_tag: only resources without tags.',
  tags,
  params: tagSchemas.typeParams,
  body: tagSchemas.queryBody,
  response: {
    200: tagSchemas.queryAnswer,
    ...engineErrorResponses([400, 401, 403, 406, 413, 415, 500, 503]),
  },
};

/** The cloud's tag API. The rules are the {@link TagService}'s. */
export function tagRoutes(deps: TagRoutesDeps): FastifyPluginCallback {
  return (app, _options, done) => {
    // The handlers read every request part themselves, each with its own code and message.
    app.setValidatorCompiler(acceptAsIs);
    app.get<TypeRoute>('/tags', { schema: ofProjectSchema }, (request) =>
      listProjectTags(deps, request),
    );
    app.post<TypeRoute>('/resource_instances/action', { schema: querySchema }, (request) =>
      queryResources(deps, request),
    );
    app.get<ResourceRoute>('/:resource_id/tags', { schema: ofResourceSchema }, (request) =>
      listResourceTags(deps, request),
    );
    app.post<ResourceRoute>(
      '/:resource_id/tags/action',
      { schema: actionSchema },
      (request, reply) => actOnTags(deps, request, reply),
    );
    done();
  };
}

async function actOnTags(
  { tags: service }: TagRoutesDeps,
  request: FastifyRequest<ResourceRoute>,
  reply: FastifyReply,
): Promise<FastifyReply> {
  const { resource_type: type, resource_id: resourceId } = request.params;
  const resourceType = parseTagResourceType(type);
  const change = parseTagAction(request.body);
  if (change.action === 'create') {
    await service.create(request.projectId, resourceType, resourceId, change.tags);
  } else {
    await service.delete(request.projectId, resourceType, resourceId, change.tags);
  }
  return reply.code(204).send();
}

async function listResourceTags(
  { tags: service }: TagRoutesDeps,
  request: FastifyRequest<ResourceRoute>,
) {
  const resourceType = parseTagResourceType(request.params.resource_type);
  const found = await service.ofResource(
    request.projectId,
    resourceType,
    request.params.resource_id,
  );
  // sys_tags is null, as in the documented example: Scalelog has no system tags.
  return { tags: found, sys_tags: null };
}

async function listProjectTags(
  { tags: service }: TagRoutesDeps,
  request: FastifyRequest<TypeRoute>,
) {
  const resourceType = parseTagResourceType(request.params.resource_type);
  return { tags: await service.ofProject(request.projectId, resourceType) };
}

async function queryResources(
  { tags: service }: TagRoutesDeps,
  request: FastifyRequest<TypeRoute>,
) {
  const resourceType = parseTagResourceType(request.params.resource_type);
  const { action, query, page } = parseResourceQuery(request.body);
  const { total, resources } = await service.query(request.projectId, resourceType, query, page);
  if (action === 'count') return { total_count: total };
  return {
    resources: resources.map((r) => taggedResourceToWire(resourceType, r)),
    marker: String(page.offset + resources.length),
    total_count: total,
  };
}
