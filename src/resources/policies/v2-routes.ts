import type { FastifyInstance, FastifyRequest } from 'fastify';
import { bodyObject } from '../../http/body-fields.js';
import { projectParams } from '../../http/resource-schemas.js';
import { applyV2Update, parseV2Create } from './parse.js';
import { parseListQuery, parseSortedListQuery } from './request-parse.js';
import { policyErrors, policySchemas, policyTags as tags } from './schemas.js';
import type { PolicyPage, PolicyService } from './service.js';
import { policyToV2 } from './wire.js';

type ProjectRequest = FastifyRequest<{ Params: { project_id: string } }>;
type PolicyRequest = FastifyRequest<{ Params: { project_id: string; scaling_policy_id: string } }>;
type ResourceRequest = FastifyRequest<{
  Params: { project_id: string; scaling_resource_id: string };
}>;

const v2Path = '/v2/:project_id/scaling_policy';
const v2PolicyPath = `${v2Path}/:scaling_policy_id`;

/** A v2 list answer. */
function v2List(page: PolicyPage, paging: { startNumber: number; limit: number }) {
  return {
    total_number: page.total,
    start_number: paging.startNumber,
    limit: paging.limit,
    scaling_policies: page.views.map((v) => policyToV2(v.policy, v.executing, v.bandwidth)),
  };
}

/** The v2 handlers: scaling group and bandwidth policies. */
function v2Handlers(service: PolicyService, now: () => number) {
  async function createPolicy(request: ProjectRequest) {
    const fields = parseV2Create(request.body, now());
    const id = await service.create(request.projectId, fields);
    return { scaling_policy_id: id };
  }

  async function showPolicy(request: PolicyRequest) {
    const view = await service.show(request.projectId, request.params.scaling_policy_id);
    return { scaling_policy: policyToV2(view.policy, view.executing, view.bandwidth) };
  }

  async function updatePolicy(request: PolicyRequest) {
    const policyId = request.params.scaling_policy_id;
    // Checked before the policy is looked up, so a bad body is a 400 for what it is.
    bodyObject(request.body);
    await service.update(request.projectId, policyId, (stored, nowMs) =>
      applyV2Update(stored, request.body, nowMs),
    );
    return { scaling_policy_id: policyId };
  }

  async function listPolicies(request: ProjectRequest) {
    const { filter, paging, order } = parseSortedListQuery(request.url);
    return v2List(await service.list(request.projectId, filter, paging, order), paging);
  }

  async function listResourcePolicies(request: ResourceRequest) {
    const { filter, paging } = parseListQuery(request.url);
    const page = await service.listResourcePolicies(
      request.projectId,
      request.params.scaling_resource_id,
      filter,
      paging,
    );
    return v2List(page, paging);
  }

  return { createPolicy, showPolicy, updatePolicy, listPolicies, listResourcePolicies };
}

/**
 * The v2 scaling policy API (`/v2/...` under the plugin's prefix): create, show, update and
 * two lists for group and bandwidth policies. A v2 policy is deleted, executed, paused and
 * resumed through the v1 paths, as the cloud's clients do.
 */
export function registerV2PolicyRoutes(
  app: FastifyInstance,
  service: PolicyService,
  now: () => number,
): void {
  const handlers = v2Handlers(service, now);

  app.post(
    v2Path,
    {
      schema: {
        summary: 'Create a scaling group or bandwidth policy (v2)',
        description:
          'Required: scaling_policy_name, scaling_resource_type, scaling_resource_id (a group or bandwidth of the project: AS.3042 otherwise), scaling_policy_type, and alarm_id (ALARM, INTERVAL_ALARM) or scheduled_policy (SCHEDULED, RECURRENCE). Defaults: action ADD size 1, cool_down_time 300. At most groupPolicyQuota policies per group (default 50) and bandwidthPolicyQuota per bandwidth (default 10): AS.3032.',
        tags,
        params: projectParams,
        body: policySchemas.v2CreateBody,
        response: { 200: policySchemas.policyIdReply, ...policyErrors.body },
      },
    },
    handlers.createPolicy,
  );

  app.get(
    v2PolicyPath,
    {
      schema: {
        summary: 'Show a scaling policy (v2)',
        tags,
        params: policySchemas.policyParams,
        response: { 200: policySchemas.v2Show, ...policyErrors.policyRead },
      },
    },
    handlers.showPolicy,
  );

  app.put(
    v2PolicyPath,
    {
      schema: {
        summary: 'Update a scaling policy (v2)',
        description:
          'Every create field optional, the resource included (it must exist: AS.3042); the result is checked as a whole. scheduled_policy, scaling_policy_action and interval_alarm_actions replace the stored ones whole; an empty description removes it.',
        tags,
        params: policySchemas.policyParams,
        body: policySchemas.v2UpdateBody,
        response: { 200: policySchemas.policyIdReply, ...policyErrors.policyBody },
      },
    },
    handlers.updatePolicy,
  );

  app.get(
    v2Path,
    {
      schema: {
        summary: "List the project's scaling policies (v2)",
        description:
          'Filters: scaling_resource_id, scaling_resource_type, scaling_policy_name (contains, case counts), scaling_policy_type, scaling_policy_id, alarm_id; enterprise_project_id is accepted and ignored. sort_by CREATE_TIME (default), POLICY_NAME or TRIGGER_CONDITION; order DESC (default) or ASC. TRIGGER_CONDITION orders by policy type, so ascending puts alarm policies (ALARM, then INTERVAL_ALARM) first, then RECURRENCE, then SCHEDULED; the cloud then orders the scheduled ones by their trigger times, Scalelog by their ids. Paging: start_number (default 0), limit (default 20, 0 to 100).',
        tags,
        params: projectParams,
        querystring: policySchemas.v2ListQuery,
        response: { 200: policySchemas.v2List, ...policyErrors.read },
      },
    },
    handlers.listPolicies,
  );

  app.get(
    `${v2Path}/:scaling_resource_id/list`,
    {
      schema: {
        summary: "List a scaling group's or bandwidth's policies (v2)",
        description:
          'Newest first. Filters: scaling_policy_name (contains, case counts), scaling_policy_type, scaling_policy_id. Paging: start_number (default 0), limit (default 20, 0 to 100).',
        tags,
        params: policySchemas.resourceParams,
        querystring: policySchemas.v2ResourceListQuery,
        response: { 200: policySchemas.v2List, ...policyErrors.read },
      },
    },
    handlers.listResourcePolicies,
  );
}
