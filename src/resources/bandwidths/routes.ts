import type { FastifyPluginCallback, FastifyReply, FastifyRequest } from 'fastify';
import { acceptAsIs } from '../../http/accept-as-is.js';
import { listPaging, listParameters } from '../../http/list-query.js';
import { engineErrorResponses, noContent, projectParams } from '../../http/resource-schemas.js';
import type { BandwidthService } from './service.js';
import { bandwidthSchemas } from './schemas.js';
import {
  bandwidthToWire,
  parseBandwidthCreate,
  parseBandwidthUpdate,
  scalelogBandwidthToWire,
} from './wire.js';

export interface BandwidthRoutesDeps {
  readonly bandwidths: BandwidthService;
}

/** Scalelog's own API: the cloud creates bandwidths with EIPs, which Scalelog does not model. */
export const scalelogBandwidthsPrefix = '/scalelog/v1/:project_id/bandwidths';
/** The VPC service's paths, which AS calls to resize a bandwidth (research §4). */
export const vpcBandwidthsPrefix = '/v1/:project_id/bandwidths';

interface ProjectRoute {
  Params: { project_id: string };
}
interface BandwidthRoute {
  Params: { project_id: string; bandwidth_id: string };
}
type ProjectRequest = FastifyRequest<ProjectRoute>;
type BandwidthRequest = FastifyRequest<BandwidthRoute>;

const createSchema = {
  summary: 'Create a bandwidth (Scalelog)',
  description:
    'Scalelog\'s own API: the cloud creates bandwidths with EIPs. Body {"bandwidth":{...}}. Required: name, size. Defaults: share_type PER, min_size 1, max_size 2000; min_size <= size <= max_size. eip_id and eip_address only for PER. 201 with the VPC\'s bandwidth object plus min_size and max_size.',
  tags: ['bandwidths'],
  params: projectParams,
  body: bandwidthSchemas.createBody,
  response: {
    201: bandwidthSchemas.scalelogShow,
    ...engineErrorResponses([400, 401, 403, 406, 413, 415, 500, 503]),
  },
};

/** The list's query parameters, from its schema. */
const listParameterNames = Object.keys(bandwidthSchemas.listQuery.properties);

const listSchema = {
  summary: 'List bandwidths (Scalelog)',
  description:
    "The project's bandwidths, newest first, each with min_size and max_size. Paging: start_number (default 0), limit (default 20, 0 to 100).",
  tags: ['bandwidths'],
  params: projectParams,
  querystring: bandwidthSchemas.listQuery,
  response: {
    200: bandwidthSchemas.list,
    ...engineErrorResponses([400, 401, 403, 406, 500, 503]),
  },
};

const deleteSchema = {
  summary: 'Delete a bandwidth (Scalelog)',
  description:
    'Only a bandwidth that no scaling policy targets and no execution is under way on: 409 AS.0003 otherwise (delete its policies first). 204.',
  tags: ['bandwidths'],
  params: bandwidthSchemas.bandwidthParams,
  response: {
    204: noContent,
    409: bandwidthSchemas.inUse,
    ...engineErrorResponses([400, 401, 403, 404, 406, 500, 503]),
  },
};

const showSchema = {
  summary: 'Show a bandwidth (VPC)',
  description:
    "The VPC service's ShowBandwidth, in its shape: a pay-per-use bandwidth charged by bandwidth.",
  tags: ['bandwidths'],
  params: bandwidthSchemas.bandwidthParams,
  response: {
    200: bandwidthSchemas.vpcShow,
    ...engineErrorResponses([400, 401, 403, 404, 406, 500, 503]),
  },
};

const updateSchema = {
  summary: 'Update a bandwidth (VPC)',
  description:
    'The VPC service\'s UpdateBandwidth: body {"bandwidth":{"name"?,"size"?}}, at least one. An empty name means unchanged. size is coerced as the VPC coerces it (10.7 and "10" become 10) and must stay within the bandwidth\'s min_size and max_size; the VPC\'s size steps (50 Mbit/s above 300, 500 above 1000) are not applied. 200 with the updated bandwidth.',
  tags: ['bandwidths'],
  params: bandwidthSchemas.bandwidthParams,
  body: bandwidthSchemas.updateBody,
  response: {
    200: bandwidthSchemas.vpcShow,
    ...engineErrorResponses([400, 401, 403, 404, 406, 413, 415, 500, 503]),
  },
};

/**
 * Bandwidths, for bandwidth scaling policies: Scalelog stands in for the VPC service. The
 * rules are the {@link BandwidthService}'s.
 *
 * - `POST|GET /scalelog/v1/{project_id}/bandwidths`, `DELETE .../{bandwidth_id}`: Scalelog's
 *   own API to create, list and delete them (mounted at {@link scalelogBandwidthsPrefix}). Its
 *   answers show the bounds a resize must stay within (`min_size`, `max_size`) besides the
 *   VPC fields.
 * - `GET|PUT /v1/{project_id}/bandwidths/{bandwidth_id}`: the VPC's show and update, in its
 *   exact shape ({@link vpcBandwidthRoutes}).
 *
 * The VPC's own error body and codes are not documented publicly (research §4.2): errors are
 * the AS envelope. An unknown bandwidth is 404 AS.0007, on both APIs; a bad body is 400
 * AS.0022 naming the field.
 */
export function scalelogBandwidthRoutes(deps: BandwidthRoutesDeps): FastifyPluginCallback {
  return (app, _options, done) => {
    // The handlers validate every request part themselves, each with its own code and
    // message: the schemas document and serialize.
    app.setValidatorCompiler(acceptAsIs);
    app.post<ProjectRoute>('', { schema: createSchema }, (request, reply) =>
      createBandwidth(deps, request, reply),
    );
    app.get<ProjectRoute>('', { schema: listSchema }, (request) => listBandwidths(deps, request));
    app.delete<BandwidthRoute>('/:bandwidth_id', { schema: deleteSchema }, (request, reply) =>
      deleteBandwidth(deps, request, reply),
    );
    done();
  };
}

/** The VPC service's show and update of a bandwidth, mounted at {@link vpcBandwidthsPrefix}. */
export function vpcBandwidthRoutes(deps: BandwidthRoutesDeps): FastifyPluginCallback {
  return (app, _options, done) => {
    app.setValidatorCompiler(acceptAsIs);
    app.get<BandwidthRoute>('/:bandwidth_id', { schema: showSchema }, (request) =>
      showBandwidth(deps, request),
    );
    app.put<BandwidthRoute>('/:bandwidth_id', { schema: updateSchema }, (request) =>
      updateBandwidth(deps, request),
    );
    done();
  };
}

async function createBandwidth(
  { bandwidths }: BandwidthRoutesDeps,
  request: ProjectRequest,
  reply: FastifyReply,
): Promise<FastifyReply> {
  const bandwidth = await bandwidths.create(request.projectId, parseBandwidthCreate(request.body));
  return reply.code(201).send({ bandwidth: scalelogBandwidthToWire(bandwidth) });
}

async function listBandwidths({ bandwidths }: BandwidthRoutesDeps, request: ProjectRequest) {
  const paging = listPaging(listParameters(request.url, listParameterNames));
  const { total, bandwidths: page } = await bandwidths.list(request.projectId, paging);
  return {
    total_number: total,
    start_number: paging.startNumber,
    limit: paging.limit,
    bandwidths: page.map(scalelogBandwidthToWire),
  };
}

async function deleteBandwidth(
  { bandwidths }: BandwidthRoutesDeps,
  request: BandwidthRequest,
  reply: FastifyReply,
): Promise<FastifyReply> {
  await bandwidths.delete(request.projectId, request.params.bandwidth_id);
  return reply.code(204).send();
}

async function showBandwidth({ bandwidths }: BandwidthRoutesDeps, request: BandwidthRequest) {
  return bandwidthToWire(await bandwidths.show(request.projectId, request.params.bandwidth_id));
}

async function updateBandwidth({ bandwidths }: BandwidthRoutesDeps, request: BandwidthRequest) {
  // Read before the bandwidth is looked up, so a bad body is a 400 for what it is.
  const update = parseBandwidthUpdate(request.body);
  return bandwidthToWire(
    await bandwidths.update(request.projectId, request.params.bandwidth_id, update),
  );
}
