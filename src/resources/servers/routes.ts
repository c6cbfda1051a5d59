import type { FastifyPluginCallback, FastifyReply, FastifyRequest } from 'fastify';
import { acceptAsIs } from '../../http/accept-as-is.js';
import { listPaging, listParameters } from '../../http/list-query.js';
import { engineErrorResponses, noContent, projectParams } from '../../http/resource-schemas.js';
import type { ServerService } from './service.js';
import { serverSchemas } from './schemas.js';
import { parseServerCreate, serverToWire } from './wire.js';

export interface ServerRoutesDeps {
  readonly servers: ServerService;
}

/** Scalelog's own API: the cloud's servers are the compute service's, which Scalelog stands in for. */
export const serversPrefix = '/scalelog/v1/:project_id/servers';

interface ProjectRoute {
  Params: { project_id: string };
}
interface ServerRoute {
  Params: { project_id: string; server_id: string };
}

const tags = ['servers'];
const listParameterNames = Object.keys(serverSchemas.listQuery.properties);

const createSchema = {
  summary: 'Create a stand-in server (Scalelog)',
  description:
    'Body {"server":{"name":"..."}}. A server to add to a scaling group by hand (batch ADD). 201 with the server.',
  tags,
  params: projectParams,
  body: serverSchemas.createBody,
  response: {
    201: serverSchemas.show,
    ...engineErrorResponses([400, 401, 403, 406, 413, 415, 500, 503]),
  },
};

const listSchema = {
  summary: 'List stand-in servers (Scalelog)',
  description:
    "The project's servers, newest first: those created here and those groups built. Paging: start_number (default 0), limit (default 20, 0 to 100).",
  tags,
  params: projectParams,
  querystring: serverSchemas.listQuery,
  response: { 200: serverSchemas.list, ...engineErrorResponses([400, 401, 403, 406, 500, 503]) },
};

const showSchema = {
  summary: 'Show a stand-in server (Scalelog)',
  description: 'With the scaling group it is an instance of, or null. Unknown: 404 AS.0007.',
  tags,
  params: serverSchemas.serverParams,
  response: {
    200: serverSchemas.show,
    ...engineErrorResponses([400, 401, 403, 404, 406, 500, 503]),
  },
};

const deleteSchema = {
  summary: 'Delete a stand-in server (Scalelog)',
  description:
    'Only a server in no group: 409 AS.0003 otherwise (remove it from the group first). Unknown: 404 AS.0007. 204.',
  tags,
  params: serverSchemas.serverParams,
  response: {
    204: noContent,
    ...engineErrorResponses([400, 401, 403, 404, 406, 409, 500, 503]),
  },
};

/** Scalelog's stand-in server API: create, list, show, delete. */
export function serverRoutes(deps: ServerRoutesDeps): FastifyPluginCallback {
  return (app, _options, done) => {
    app.setValidatorCompiler(acceptAsIs);
    app.post<ProjectRoute>('', { schema: createSchema }, (request, reply) =>
      createServer(deps, request, reply),
    );
    app.get<ProjectRoute>('', { schema: listSchema }, (request) => listServers(deps, request));
    app.get<ServerRoute>('/:server_id', { schema: showSchema }, (request) =>
      showServer(deps, request),
    );
    app.delete<ServerRoute>('/:server_id', { schema: deleteSchema }, (request, reply) =>
      deleteServer(deps, request, reply),
    );
    done();
  };
}

async function createServer(
  { servers }: ServerRoutesDeps,
  request: FastifyRequest<ProjectRoute>,
  reply: FastifyReply,
): Promise<FastifyReply> {
  const created = await servers.create(request.projectId, parseServerCreate(request.body));
  return reply.code(201).send({ server: serverToWire(created) });
}

async function listServers({ servers }: ServerRoutesDeps, request: FastifyRequest<ProjectRoute>) {
  const paging = listPaging(listParameters(request.url, listParameterNames));
  const { total, servers: page } = await servers.list(request.projectId, paging);
  return {
    total_number: total,
    start_number: paging.startNumber,
    limit: paging.limit,
    servers: page.map(serverToWire),
  };
}

async function showServer({ servers }: ServerRoutesDeps, request: FastifyRequest<ServerRoute>) {
  return { server: serverToWire(await servers.show(request.projectId, request.params.server_id)) };
}

async function deleteServer(
  { servers }: ServerRoutesDeps,
  request: FastifyRequest<ServerRoute>,
  reply: FastifyReply,
): Promise<FastifyReply> {
  await servers.delete(request.projectId, request.params.server_id);
  return reply.code(204).send();
}
