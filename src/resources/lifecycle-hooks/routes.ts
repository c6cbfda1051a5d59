import type { FastifyPluginCallback, FastifyReply, FastifyRequest } from 'fastify';
import { acceptAsIs } from '../../http/accept-as-is.js';
import { engineErrorResponses, noContent } from '../../http/resource-schemas.js';
import type { LifecycleHookService } from './service.js';
import { hookSchemas } from './schemas.js';
import {
  holdToWire,
  hookToWire,
  parseCallback,
  parseCreateHook,
  parseHoldQuery,
  parseUpdateHook,
} from './wire.js';

export interface LifecycleHookRoutesDeps {
  readonly lifecycleHooks: LifecycleHookService;
}

/**
 * Where the routes are mounted: the v1 API's project, under which the cloud puts the hooks
 * (`scaling_lifecycle_hook`) and their holds (`scaling_instance_hook`).
 */
export const lifecycleHooksPrefix = '/autoscaling-api/v1/:project_id';

interface GroupRoute {
  Params: { project_id: string; scaling_group_id: string };
}
interface HookRoute {
  Params: { project_id: string; scaling_group_id: string; lifecycle_hook_name: string };
}

const tags = ['lifecycle hooks'];
const bodyErrors = engineErrorResponses([400, 401, 403, 406, 413, 415, 500, 503]);
const readErrors = engineErrorResponses([400, 401, 403, 406, 500, 503]);

const createSchema = {
  summary: 'Create a lifecycle hook of a scaling group',
  description:
    'Up to 5 per group (AS.7038), names unique in the group (AS.7041). An INSTANCE_LAUNCHING hook holds each instance a scale-out builds in PENDING_WAIT, an INSTANCE_TERMINATING one each instance a scale-in removes in REMOVING_WAIT, until a callback or default_timeout seconds (then default_result). Unknown group: 400 AS.2007.',
  tags,
  params: hookSchemas.groupParams,
  body: hookSchemas.createBody,
  response: { 200: hookSchemas.hook, ...bodyErrors },
};

const listSchema = {
  summary: "List a scaling group's lifecycle hooks",
  description: 'Oldest first: the order in which they hold an instance. Unknown group: AS.2007.',
  tags,
  params: hookSchemas.groupParams,
  response: { 200: hookSchemas.hookList, ...readErrors },
};

const showSchema = {
  summary: 'Show a lifecycle hook',
  description: 'Unknown group: AS.2007; unknown hook: AS.7036.',
  tags,
  params: hookSchemas.hookParams,
  response: { 200: hookSchemas.hook, ...readErrors },
};

const updateSchema = {
  summary: 'Update a lifecycle hook',
  description:
    'Changes any of its fields but the name. Holds under way keep the deadline and default result they began with. Unknown hook: AS.7036.',
  tags,
  params: hookSchemas.hookParams,
  body: hookSchemas.updateBody,
  response: { 200: hookSchemas.hook, ...bodyErrors },
};

const deleteSchema = {
  summary: 'Delete a lifecycle hook',
  description:
    'Refused while a scaling action of the group is under way, an instance held included (AS.2033). Unknown hook: AS.7036. 204.',
  tags,
  params: hookSchemas.hookParams,
  response: { 204: noContent, ...readErrors },
};

const holdsSchema = {
  summary: "List the lifecycle hooks' holds on a group's instances",
  description:
    'Each hold with its lifecycle_action_key, status (HANGING while it holds; CONTINUE or ABANDON once ended), timeout and default result, for the instances still in the group. Filter: instance_id. Unknown group: AS.2007.',
  tags,
  params: hookSchemas.groupParams,
  querystring: hookSchemas.holdQuery,
  response: { 200: hookSchemas.holdList, ...readErrors },
};

const callbackSchema = {
  summary: 'Call back a lifecycle hook',
  description:
    'Names a HANGING hold by lifecycle_action_key, or by instance_id and lifecycle_hook_name (AS.7040 for neither; AS.7042 when no such hold hangs). CONTINUE moves the instance on (the next hook, in service, or removed), ABANDON removes it, EXTEND adds an hour to its timeout. 204.',
  tags,
  params: hookSchemas.groupParams,
  body: hookSchemas.callbackBody,
  response: { 204: noContent, ...bodyErrors },
};

/**
 * The cloud's lifecycle hook APIs: a group's hooks, their holds on its instances, and the
 * callback that ends a hold. The rules are the {@link LifecycleHookService}'s.
 */
export function lifecycleHookRoutes(deps: LifecycleHookRoutesDeps): FastifyPluginCallback {
  return (app, _options, done) => {
    // The handlers read every request part themselves, each with its own code and message.
    app.setValidatorCompiler(acceptAsIs);
    const hooks = '/scaling_lifecycle_hook/:scaling_group_id';
    const holds = '/scaling_instance_hook/:scaling_group_id';
    app.post<GroupRoute>(hooks, { schema: createSchema }, (request) => createHook(deps, request));
    app.get<GroupRoute>(`${hooks}/list`, { schema: listSchema }, (request) =>
      listHooks(deps, request),
    );
    app.get<HookRoute>(`${hooks}/:lifecycle_hook_name`, { schema: showSchema }, (request) =>
      showHook(deps, request),
    );
    app.put<HookRoute>(`${hooks}/:lifecycle_hook_name`, { schema: updateSchema }, (request) =>
      updateHook(deps, request),
    );
    app.delete<HookRoute>(
      `${hooks}/:lifecycle_hook_name`,
      { schema: deleteSchema },
      (request, reply) => deleteHook(deps, request, reply),
    );
    app.get<GroupRoute>(`${holds}/list`, { schema: holdsSchema }, (request) =>
      listHolds(deps, request),
    );
    app.put<GroupRoute>(`${holds}/callback`, { schema: callbackSchema }, (request, reply) =>
      callBack(deps, request, reply),
    );
    done();
  };
}

async function createHook(
  { lifecycleHooks }: LifecycleHookRoutesDeps,
  request: FastifyRequest<GroupRoute>,
) {
  const fields = parseCreateHook(request.body);
  const hook = await lifecycleHooks.create(
    request.projectId,
    request.params.scaling_group_id,
    fields,
  );
  return hookToWire(hook);
}

async function listHooks(
  { lifecycleHooks }: LifecycleHookRoutesDeps,
  request: FastifyRequest<GroupRoute>,
) {
  const hooks = await lifecycleHooks.list(request.projectId, request.params.scaling_group_id);
  return { lifecycle_hooks: hooks.map(hookToWire) };
}

async function showHook(
  { lifecycleHooks }: LifecycleHookRoutesDeps,
  request: FastifyRequest<HookRoute>,
) {
  const { scaling_group_id: groupId, lifecycle_hook_name: name } = request.params;
  return hookToWire(await lifecycleHooks.show(request.projectId, groupId, name));
}

async function updateHook(
  { lifecycleHooks }: LifecycleHookRoutesDeps,
  request: FastifyRequest<HookRoute>,
) {
  const { scaling_group_id: groupId, lifecycle_hook_name: name } = request.params;
  // The body is read only once the hook is known to exist, as the cloud answers.
  await lifecycleHooks.show(request.projectId, groupId, name);
  const changes = parseUpdateHook(request.body);
  return hookToWire(await lifecycleHooks.update(request.projectId, groupId, name, changes));
}

async function deleteHook(
  { lifecycleHooks }: LifecycleHookRoutesDeps,
  request: FastifyRequest<HookRoute>,
  reply: FastifyReply,
): Promise<FastifyReply> {
  const { scaling_group_id: groupId, lifecycle_hook_name: name } = request.params;
  await lifecycleHooks.delete(request.projectId, groupId, name);
  return reply.code(204).send();
}

async function listHolds(
  { lifecycleHooks }: LifecycleHookRoutesDeps,
  request: FastifyRequest<GroupRoute>,
) {
  const instanceId = parseHoldQuery(request.url);
  const holds = await lifecycleHooks.holds(
    request.projectId,
    request.params.scaling_group_id,
    instanceId,
  );
  return { instance_hanging_info: holds.map(holdToWire) };
}

async function callBack(
  { lifecycleHooks }: LifecycleHookRoutesDeps,
  request: FastifyRequest<GroupRoute>,
  reply: FastifyReply,
): Promise<FastifyReply> {
  const callback = parseCallback(request.body);
  await lifecycleHooks.callback(request.projectId, request.params.scaling_group_id, callback);
  return reply.code(204).send();
}
