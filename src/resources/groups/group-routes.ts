import { randomUUID } from 'node:crypto';
import type { FastifyPluginCallback } from 'fastify';
import type { Config } from '../../config/config.js';
import { apiErrors } from '../../errors/api-error.js';
import { groupStatuses, currentInstances, isScaling } from '../../domain/scaling-group.js';
import type { GroupStatus, ScalingGroup } from '../../domain/scaling-group.js';
import type { EngineStore } from '../../store/engine-store.js';
import { acceptAsIs } from '../../http/accept-as-is.js';
import { bodyObject, onlyFields, showValue } from '../../http/body-fields.js';
import { applyGroupUpdate, groupToWire, parseGroupCreate } from './group-wire.js';
import { listPaging, listParameters } from '../../http/list-query.js';
import { rawQuery } from '../../http/raw-query.js';
import { engineErrorResponses, noContent, projectParams } from '../../http/resource-schemas.js';
import { groupSchemas } from './group-schemas.js';

export interface GroupRoutesDeps {
  readonly store: EngineStore;
  readonly now: () => number;
  readonly config: Pick<Config, 'instanceSettleMs'>;
}

interface GroupParams {
  project_id: string;
  scaling_group_id: string;
}

const groupsPath = '/autoscaling-api/v1/:project_id/scaling_group';
const groupPath = `${groupsPath}/:scaling_group_id`;

const listParameterNames = [
  'scaling_group_name',
  'scaling_configuration_id',
  'scaling_group_status',
  'enterprise_project_id',
  'start_number',
  'limit',
] as const;

/**
 * The cloud's v1 scaling group API, for what scaling needs (contract §6): create, show, list,
 * update, delete, and pause/resume. A group is created PAUSED, as the cloud creates it
 * disabled: resume it before its policies can act. Its `current_instance_number` follows
 * `desire_instance_number` after `instanceSettleMs`. A group that does not exist is 400
 * AS.2007, as the cloud answers.
 */
export function groupRoutes(deps: GroupRoutesDeps): FastifyPluginCallback {
  const { store, now } = deps;
  const groupOf = async (projectId: string, groupId: string): Promise<ScalingGroup> => {
    const group = await store.engineRead((tx) => tx.getGroup(projectId, groupId));
    if (group === undefined) throw apiErrors.groupNotFound(groupId);
    return group;
  };

  return (app, _options, done) => {
    app.post<{ Params: { project_id: string } }>(
      groupsPath,
      {
        schema: {
          summary: 'Create a scaling group',
          description:
            'Created PAUSED (the cloud creates groups disabled): resume it before its policies act. Required: scaling_group_name, vpc_id, networks. Defaults: min 0, max 0, desire = min, cool_down_time 300.',
          tags: ['scaling groups'],
          params: projectParams,
          body: groupSchemas.groupCreateBody,
          response: {
            200: groupSchemas.groupIdReply,
            ...engineErrorResponses([400, 401, 403, 406, 413, 415, 500, 503]),
          },
        },
        validatorCompiler: acceptAsIs,
      },
      async (request) => {
        const { projectId } = request;
        const fields = parseGroupCreate(request.body);
        const nowMs = now();
        const id = randomUUID();
        const group: ScalingGroup = {
          ...fields,
          id,
          projectId,
          status: 'PAUSED',
          // A new group has no instances yet; they follow the desired number.
          previousInstances: 0,
          ...(fields.desireInstances === 0
            ? {}
            : { settlesAt: nowMs + deps.config.instanceSettleMs }),
          createTime: nowMs,
        };
        await store.engineSession((tx) => tx.insertGroup(group));
        return { scaling_group_id: id };
      },
    );

    app.get<{ Params: { project_id: string } }>(
      groupsPath,
      {
        schema: {
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
        },
        validatorCompiler: acceptAsIs,
      },
      async (request) => {
        const { projectId } = request;
        const params = listParameters(request.url, listParameterNames);
        const paging = listPaging(params);
        const status = params.get('scaling_group_status');
        if (status !== undefined && !(groupStatuses as readonly string[]).includes(status)) {
          throw apiErrors.badRequestBody(
            `Invalid scaling_group_status ${showValue(status)}: expected one of ${groupStatuses.join(', ')}.`,
          );
        }
        const name = params.get('scaling_group_name');
        const configurationId = params.get('scaling_configuration_id');
        const enterpriseProject = params.get('enterprise_project_id');
        const attributeFilters: [string, string][] = [];
        if (configurationId !== undefined)
          attributeFilters.push(['scaling_configuration_id', configurationId]);
        if (enterpriseProject !== undefined && enterpriseProject !== 'all_granted_eps') {
          attributeFilters.push(['enterprise_project_id', enterpriseProject]);
        }
        const filter = {
          ...(name === undefined ? {} : { name }),
          ...(status === undefined ? {} : { status: status as GroupStatus }),
          ...(attributeFilters.length === 0 ? {} : { attributes: attributeFilters }),
        };
        const { total, groups } = await store.engineRead((tx) =>
          tx.listGroups(projectId, filter, paging),
        );
        const nowMs = now();
        return {
          total_number: total,
          start_number: paging.startNumber,
          limit: paging.limit,
          scaling_groups: groups.map((g) => groupToWire(g, nowMs)),
        };
      },
    );

    app.get<{ Params: GroupParams }>(
      groupPath,
      {
        schema: {
          summary: 'Show a scaling group',
          tags: ['scaling groups'],
          params: groupSchemas.groupParams,
          response: {
            200: groupSchemas.groupShow,
            ...engineErrorResponses([400, 401, 403, 406, 500, 503]),
          },
        },
        validatorCompiler: acceptAsIs,
      },
      async (request) => {
        const { projectId } = request;
        const group = await groupOf(projectId, request.params.scaling_group_id);
        return { scaling_group: groupToWire(group, now()) };
      },
    );

    app.put<{ Params: GroupParams }>(
      groupPath,
      {
        schema: {
          summary: 'Update a scaling group',
          description:
            'Every field optional; vpc_id and tags cannot be changed. A new desire_instance_number starts an instance change (current_instance_number follows it). The bounds are checked on the result: AS.2004, AS.2005.',
          tags: ['scaling groups'],
          params: groupSchemas.groupParams,
          body: groupSchemas.groupUpdateBody,
          response: {
            200: groupSchemas.groupIdReply,
            ...engineErrorResponses([400, 401, 403, 406, 413, 415, 500, 503]),
          },
        },
        validatorCompiler: acceptAsIs,
      },
      async (request) => {
        const { projectId } = request;
        const groupId = request.params.scaling_group_id;
        // Checked before the group is looked up, so a bad body is a 400 for what it is.
        bodyObject(request.body);
        await store.engineSession(async (tx) => {
          const group = await tx.lockGroup(projectId, groupId);
          if (group === undefined) throw apiErrors.groupNotFound(groupId);
          await tx.updateGroup(
            applyGroupUpdate(group, request.body, now(), deps.config.instanceSettleMs),
          );
        });
        return { scaling_group_id: groupId };
      },
    );

    app.delete<{ Params: GroupParams }>(
      groupPath,
      {
        schema: {
          summary: 'Delete a scaling group',
          description:
            'With force_delete=no (the default) only a group with no instances and no scaling under way: AS.2021 otherwise. With force_delete=yes the group goes at once. Its policies are deleted with it; their execution logs stay queryable.',
          tags: ['scaling groups'],
          params: groupSchemas.groupParams,
          querystring: groupSchemas.forceDeleteQuery,
          response: { 204: noContent, ...engineErrorResponses([400, 401, 403, 406, 500, 503]) },
        },
        validatorCompiler: acceptAsIs,
      },
      async (request, reply) => {
        const { projectId } = request;
        const groupId = request.params.scaling_group_id;
        const force = parseForceDelete(request.url);
        await store.engineSession(async (tx) => {
          const group = await tx.lockGroup(projectId, groupId);
          if (group === undefined) throw apiErrors.groupNotFound(groupId);
          const nowMs = now();
          if (!force) {
            const instances = currentInstances(group, nowMs);
            if (instances > 0 || isScaling(group, nowMs)) {
              throw apiErrors.groupNotEmpty(
                `The group has ${String(instances)} instances${isScaling(group, nowMs) ? ' and is scaling' : ''}: set its desired and minimum numbers to 0 and wait, or delete with force_delete=yes.`,
              );
            }
            const running = await tx.executionOfResource('SCALING_GROUP', groupId);
            if (running !== undefined) {
              throw apiErrors.groupNotEmpty(
                `An execution of policy ${running.policyId} is under way: wait for it, or delete with force_delete=yes.`,
              );
            }
          }
          await tx.deletePoliciesOf(projectId, groupId);
          await tx.deleteGroup(projectId, groupId);
        });
        return reply.code(204).send();
      },
    );

    app.post<{ Params: GroupParams }>(
      `${groupPath}/action`,
      {
        schema: {
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
        },
        validatorCompiler: acceptAsIs,
      },
      async (request, reply) => {
        const { projectId } = request;
        const groupId = request.params.scaling_group_id;
        const body = bodyObject(request.body);
        onlyFields(body, ['action'], 'a scaling group action');
        const action = body.action;
        if (action !== 'resume' && action !== 'pause') {
          throw apiErrors.groupActionInvalid(
            typeof action === 'string' ? action : showValue(action),
          );
        }
        await store.engineSession(async (tx) => {
          const group = await tx.lockGroup(projectId, groupId);
          if (group === undefined) throw apiErrors.groupNotFound(groupId);
          const status: GroupStatus = action === 'resume' ? 'INSERVICE' : 'PAUSED';
          if (group.status !== status) await tx.updateGroup({ ...group, status });
        });
        return reply.code(204).send();
      },
    );
    done();
  };
}

/** `force_delete`: yes or no (default), at most once; anything else is 400 AS.2019. */
function parseForceDelete(url: string): boolean {
  const values = rawQuery(url).filter(([k]) => k === 'force_delete');
  if (values.length > 1) {
    throw apiErrors.badRequestBody(
      'Parameter force_delete is given more than once; give it at most once.',
    );
  }
  const value = values[0]?.[1];
  if (value === undefined || value === 'no') return false;
  if (value === 'yes') return true;
  throw apiErrors.groupForceDeleteInvalid(value);
}
