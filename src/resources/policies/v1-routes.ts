import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { bodyObject } from '../../http/body-fields.js';
import { noContent, projectParams } from '../../http/resource-schemas.js';
import { applyV1Update, parseV1Create } from './parse.js';
import { parseListQuery } from './request-parse.js';
import { policyErrors, policySchemas, policyTags as tags } from './schemas.js';
import type { PolicyService } from './service.js';
import { policyToV1 } from './wire.js';

type ProjectRequest = FastifyRequest<{ Params: { project_id: string } }>;
type PolicyRequest = FastifyRequest<{ Params: { project_id: string; scaling_policy_id: string } }>;
type GroupRequest = FastifyRequest<{ Params: { project_id: string; scaling_group_id: string } }>;

const v1Path = '/v1/:project_id/scaling_policy';
const v1PolicyPath = `${v1Path}/:scaling_policy_id`;

/** The v1 handlers: scaling group policies (a bandwidth policy is not found), and delete. */
function v1Handlers(service: PolicyService, now: () => number) {
  async function createPolicy(request: ProjectRequest) {
    const fields = parseV1Create(request.body, now());
    const id = await service.createGroupPolicy(request.projectId, fields);
    return { scaling_policy_id: id };
  }

  async function showPolicy(request: PolicyRequest) {
    const view = await service.showGroupPolicy(request.projectId, request.params.scaling_policy_id);
    return { scaling_policy: policyToV1(view.policy, view.executing) };
  }

  async function updatePolicy(request: PolicyRequest) {
    const policyId = request.params.scaling_policy_id;
    // Checked before the policy is looked up, so a bad body is a 400 for what it is.
    bodyObject(request.body);
    await service.updateGroupPolicy(request.projectId, policyId, (stored, nowMs) =>
      applyV1Update(stored, request.body, nowMs),
    );
    return { scaling_policy_id: policyId };
  }

  async function deletePolicy(request: PolicyRequest, reply: FastifyReply) {
    await service.delete(request.projectId, request.params.scaling_policy_id);
    return reply.code(204).send();
  }

  async function listGroupPolicies(request: GroupRequest) {
    const { filter, paging } = parseListQuery(request.url);
    const page = await service.listGroupPolicies(
      request.projectId,
      request.params.scaling_group_id,
      filter,
      paging,
    );
    return {
      total_number: page.total,
      start_number: paging.startNumber,
      limit: paging.limit,
      scaling_policies: page.views.map((v) => policyToV1(v.policy, v.executing)),
    };
  }

  return { createPolicy, showPolicy, updatePolicy, deletePolicy, listGroupPolicies };
}

/**
 * The v1 scaling policy API (`/v1/...` under the plugin's prefix): create, show, update and
 * list by group for scaling group policies; delete for any policy, v2 ones included, as the
 * cloud's clients do.
 */
export function registerV1PolicyRoutes(
  app: FastifyInstance,
  service: PolicyService,
  now: () => number,
): void {
  const handlers = v1Handlers(service, now);

  app.post(
    v1Path,
    {
      schema: {
        summary: 'Create a scaling group policy (v1)',
        description:
          'Required: scaling_policy_name, scaling_group_id (a group of the project: AS.2007 otherwise), scaling_policy_type, and alarm_id (ALARM) or scheduled_policy (SCHEDULED, RECURRENCE). Defaults: action ADD 1 instance, cool_down_time 300. At most groupPolicyQuota policies per group (default 50; AS.3032). The new policy is INSERVICE.',
        tags,
        params: projectParams,
        body: policySchemas.v1CreateBody,
        response: { 200: policySchemas.policyIdReply, ...policyErrors.body },
      },
    },
    handlers.createPolicy,
  );

  app.get(
    v1PolicyPath,
    {
      schema: {
        summary: 'Show a scaling group policy (v1)',
        description: 'A bandwidth policy is shown only by the v2 API: 404 AS.3020 here.',
        tags,
        params: policySchemas.policyParams,
        response: { 200: policySchemas.v1Show, ...policyErrors.policyRead },
      },
    },
    handlers.showPolicy,
  );

  app.put(
    v1PolicyPath,
    {
      schema: {
        summary: 'Update a scaling group policy (v1)',
        description:
          'The create fields but scaling_group_id, all optional; the result is checked as a whole. scheduled_policy and scaling_policy_action replace the stored objects whole. A schedule or type that changes moves the next trigger; times must lie ahead only when the update sets the schedule or the type. A bandwidth policy: 404 AS.3020.',
        tags,
        params: policySchemas.policyParams,
        body: policySchemas.v1UpdateBody,
        response: { 200: policySchemas.policyIdReply, ...policyErrors.policyBody },
      },
    },
    handlers.updatePolicy,
  );

  app.delete(
    v1PolicyPath,
    {
      schema: {
        summary: 'Delete a scaling policy (v1 and v2)',
        description:
          'Deletes a group or bandwidth policy. An execution under way is not stopped: it completes and its log stays queryable.',
        tags,
        params: policySchemas.policyParams,
        response: { 204: noContent, ...policyErrors.policyRead },
      },
    },
    handlers.deletePolicy,
  );

  app.get(
    `${v1Path}/:scaling_group_id/list`,
    {
      schema: {
        summary: "List a scaling group's policies (v1)",
        description:
          'Newest first. Filters: scaling_policy_name (contains, case counts), scaling_policy_type, scaling_policy_id. Paging: start_number (default 0), limit (default 20, 0 to 100).',
        tags,
        params: policySchemas.groupParams,
        querystring: policySchemas.v1ListQuery,
        response: { 200: policySchemas.v1List, ...policyErrors.read },
      },
    },
    handlers.listGroupPolicies,
  );
}
