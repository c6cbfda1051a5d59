import type { FastifyPluginCallback, FastifyReply, FastifyRequest } from 'fastify';
import { apiErrors } from '../../errors/api-error.js';
import { groupStatuses } from '../../domain/scaling-group.js';
import type { GroupStatus } from '../../domain/scaling-group.js';
import type { Paging } from '../../store/resource-store.js';
import { acceptAsIs } from '../../http/accept-as-is.js';
import { bodyObject, showValue } from '../../http/body-fields.js';
import { listPaging, listParameters } from '../../http/list-query.js';
import { onceInQuery } from '../../http/raw-query.js';
import { engineErrorResponses, noContent, projectParams } from '../../http/resource-schemas.js';
import type { GroupListFilter, GroupService } from './service.js';
import { groupSchemas } from './schemas.js';
import { groupToWire, parseGroupAction, parseGroupCreate, readGroupUpdate } from './wire.js';

export interface GroupRoutesDeps {
  readonly groups: GroupService;
  /** The clock the answers' `current_instance_number` and `is_scaling` are read at. */
  readonly now: () => number;
}

/** Where the routes are mounted: the cloud's v1 scaling group API. */
export const groupsPrefix = '/autoscaling-api/v1/:project_id/scaling_group';

interface GroupParams {
  project_id: string;
  scaling_group_id: string;
}
interface ProjectRoute {
  Params: { project_id: string };
}
interface GroupRoute {
  Params: GroupParams;
}
type ProjectRequest = FastifyRequest<ProjectRoute>;
type GroupRequest = FastifyRequest<GroupRoute>;

/** The list's query parameters, from its schema. */
const listParameterNames = Object.keys(groupSchemas.groupListQuery.properties);

const createSchema = {
  summary: 'Create a scaling group',
  description:
    'Created PAUSED (the cloud creates groups disabled): resume it before its policies act. Required: scaling_group_name, vpc_id, networks. Defaults: min 0, max 0, desire = min, cool_down_time 300. A scaling_configuration_id the project does not have: 400 AS.1004. At most groupQuota groups per project (default 25; AS.2023); max_instance_number at most groupInstanceQuota (default 200; AS.2045).',
  tags: ['scaling groups'],
  params: projectParams,
  body: groupSchemas.groupCreateBody,
  response: {
    200: groupSchemas.groupIdReply,
    ...engineErrorResponses([400, 401, 403, 406, 413, 415, 500, 503]),
  },
};

const listSchema = {
  summary: 'List scaling groups',
  description:
    'Newest first. Filters: scaling_group_name (exact), scaling_group_status; scaling_configuration_id and enterprise_project_id match the values the groups were created with. Paging: start_number (default 0), limit (default 20, 0 to 100).',
  tags: ['scaling groups'],
  params: projectParams,
  querystring: groupSchemas.groupListQuery,
  response: {
    200: groupSchemas.groupList,
    ...engineErrorResponses([400, 401, 403, 406, 500, 503]),
  },
};

const showSchema = {
  summary: 'Show a scaling group',
  tags: ['scaling groups'],
  params: groupSchemas.groupParams,
  response: {
    200: groupSchemas.groupShow,
    ...engineErrorResponses([400, 401, 403, 406, 500, 503]),
  },
};

const updateSchema = {
  summary: 'Update a scaling group',
  description:
    "Every field optional; vpc_id and tags cannot be changed. A new desire_instance_number starts an instance change (current_instance_number follows it). The bounds are checked on the result: AS.2004, AS.2005. A new scaling_configuration_id must be one of the project's (AS.1004); it may change while the group has instances.",
  tags: ['scaling groups'],
  params: groupSchemas.groupParams,
  body: groupSchemas.groupUpdateBody,
  response: {
    200: groupSchemas.groupIdReply,
    ...engineErrorResponses([400, 401, 403, 406, 413, 415, 500, 503]),
  },
};

const deleteSchema = {
  summary: 'Delete a scaling group',
  description:
    'With force_delete=no (the default) only a group with no instances and no scaling under way: AS.2021 otherwise. With force_delete=yes the group goes at once. Its policies are deleted with it; their execution logs stay queryable.',
  tags: ['scaling groups'],
  params: groupSchemas.groupParams,
  querystring: groupSchemas.forceDeleteQuery,
  response: { 204: noContent, ...engineErrorResponses([400, 401, 403, 406, 500, 503]) },
};

const actionSchema = {
  summary: 'Resume or pause a scaling group',
  description:
    'Body {"action":"resume"} or {"action":"pause"}; 204. A paused group\'s policies are recorded as FAIL when they trigger; an execution under way is not stopped.',
  tags: ['scaling groups'],
  params: groupSchemas.groupParams,
  body: groupSchemas.groupActionBody,
  response: {
    204: noContent,
    ...engineErrorResponses([400, 401, 403, 406, 413, 415, 500, 503]),
  },
};

/**
 * The cloud's v1 scaling group API, for what scaling needs (contract §6): create, show, list,
 * update, delete, and pause/resume. The rules are the {@link GroupService}'s; these routes
 * read the requests and write the cloud's answers.
 */
export function groupRoutes(deps: GroupRoutesDeps): FastifyPluginCallback {
  return (app, _options, done) => {
    // The handlers validate every request part themselves, each with its own code and
    // message (the bodies against these same schemas, in wire.ts): the schemas document and
    // serialize.
    app.setValidatorCompiler(acceptAsIs);
    app.post<ProjectRoute>('', { schema: createSchema }, (request) => createGroup(deps, request));
    app.get<ProjectRoute>('', { schema: listSchema }, (request) => listGroups(deps, request));
    app.get<GroupRoute>('/:scaling_group_id', { schema: showSchema }, (request) =>
      showGroup(deps, request),
    );
    app.put<GroupRoute>('/:scaling_group_id', { schema: updateSchema }, (request) =>
      updateGroup(deps, request),
    );
    app.delete<GroupRoute>('/:scaling_group_id', { schema: deleteSchema }, (request, reply) =>
      deleteGroup(deps, request, reply),
    );
    app.post<GroupRoute>('/:scaling_group_id/action', { schema: actionSchema }, (request, reply) =>
      actOnGroup(deps, request, reply),
    );
    done();
  };
}

async function createGroup(
  { groups }: GroupRoutesDeps,
  request: ProjectRequest,
): Promise<{ scaling_group_id: string }> {
  const group = await groups.create(request.projectId, parseGroupCreate(request.body));
  return { scaling_group_id: group.id };
}

async function listGroups({ groups, now }: GroupRoutesDeps, request: ProjectRequest) {
  const { filter, paging } = parseListQuery(request.url);
  const { total, groups: page } = await groups.list(request.projectId, filter, paging);
  const nowMs = now();
  return {
    total_number: total,
    start_number: paging.startNumber,
    limit: paging.limit,
    scaling_groups: page.map((view) => groupToWire(view, nowMs)),
  };
}

async function showGroup({ groups, now }: GroupRoutesDeps, request: GroupRequest) {
  const view = await groups.show(request.projectId, request.params.scaling_group_id);
  return { scaling_group: groupToWire(view, now()) };
}

async function updateGroup(
  { groups }: GroupRoutesDeps,
  request: GroupRequest,
): Promise<{ scaling_group_id: string }> {
  const groupId = request.params.scaling_group_id;
  // Checked before the group is looked up, so a bad body is a 400 for what it is. Its fields
  // are read against the group (see GroupEdit).
  bodyObject(request.body);
  await groups.update(request.projectId, groupId, (group) => readGroupUpdate(group, request.body));
  return { scaling_group_id: groupId };
}

async function deleteGroup(
  { groups }: GroupRoutesDeps,
  request: GroupRequest,
  reply: FastifyReply,
): Promise<FastifyReply> {
  const force = parseForceDelete(request.url);
  await groups.delete(request.projectId, request.params.scaling_group_id, force);
  return reply.code(204).send();
}

async function actOnGroup(
  { groups }: GroupRoutesDeps,
  request: GroupRequest,
  reply: FastifyReply,
): Promise<FastifyReply> {
  const action = parseGroupAction(request.body);
  await groups.act(request.projectId, request.params.scaling_group_id, action);
  return reply.code(204).send();
}

/** The list's filters and paging; each parameter at most once. */
function parseListQuery(url: string): { filter: GroupListFilter; paging: Paging } {
  const params = listParameters(url, listParameterNames);
  const paging = listPaging(params);
  const status = params.get('scaling_group_status');
  if (status !== undefined && !(groupStatuses as readonly string[]).includes(status)) {
    throw apiErrors.badRequestBody(
      `Invalid scaling_group_status ${showValue(status)}: expected one of ${groupStatuses.join(', ')}.`,
    );
  }
  const name = params.get('scaling_group_name');
  const configurationId = params.get('scaling_configuration_id');
  const enterpriseProjectId = params.get('enterprise_project_id');
  const filter: GroupListFilter = {
    ...(name === undefined ? {} : { name }),
    ...(status === undefined ? {} : { status: status as GroupStatus }),
    ...(configurationId === undefined ? {} : { configurationId }),
    ...(enterpriseProjectId === undefined ? {} : { enterpriseProjectId }),
  };
  return { filter, paging };
}

/** `force_delete`: yes or no (default), at most once; anything else is 400 AS.2019. */
function parseForceDelete(url: string): boolean {
  const value = onceInQuery(url, 'force_delete');
  if (value === undefined || value === 'no') return false;
  if (value === 'yes') return true;
  throw apiErrors.groupForceDeleteInvalid(value);
}
