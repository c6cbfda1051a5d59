import { randomUUID } from 'node:crypto';
import type { FastifyPluginCallback } from 'fastify';
import { apiErrors } from '../../errors/api-error.js';
import type { ApiError } from '../../errors/api-error.js';
import type { Bandwidth } from '../../domain/bandwidth.js';
import { parseResourceType } from '../../domain/log-query.js';
import { nextFireTime } from '../../domain/recurrence.js';
import {
  maxPoliciesPerResource,
  policySchedule,
  policyTypes,
} from '../../domain/scaling-policy.js';
import type {
  PolicyType,
  ScalingPolicy,
  ScheduledPolicy,
  StoredPolicyStatus,
} from '../../domain/scaling-policy.js';
import type { PolicyEngine } from '../../engine/policy-engine.js';
import type { ExecutionOutcome } from '../../engine/policy-executor.js';
import type {
  EngineStore,
  EngineTransaction,
  PolicyFilter,
  PolicyOrder,
} from '../../store/engine-store.js';
import { acceptAsIs } from '../../http/accept-as-is.js';
import { bodyObject, onlyFields, showValue } from '../../http/body-fields.js';
import { engineErrorResponses, noContent, projectParams } from '../../http/resource-schemas.js';
import { listPaging, listParameters } from '../../http/list-query.js';
import { policySchemas } from './policy-schemas.js';
import {
  applyV1Update,
  applyV2Update,
  parseV1Create,
  parseV2Create,
  policyToV1,
  policyToV2,
} from './policy-wire.js';
import type { PolicyFields } from './policy-wire.js';

export interface PolicyRoutesDeps {
  readonly store: EngineStore;
  readonly engine: PolicyEngine;
  readonly now: () => number;
}

interface PolicyParams {
  project_id: string;
  scaling_policy_id: string;
}

const v1Path = '/autoscaling-api/v1/:project_id/scaling_policy';
const v1PolicyPath = `${v1Path}/:scaling_policy_id`;
const v2Path = '/autoscaling-api/v2/:project_id/scaling_policy';
const v2PolicyPath = `${v2Path}/:scaling_policy_id`;
const batchPath = '/autoscaling-api/v1/:project_id/scaling_policies/action';

const policyQueryNames = [
  'scaling_policy_name',
  'scaling_policy_type',
  'scaling_policy_id',
  'start_number',
  'limit',
] as const;
const v2QueryNames = [
  ...policyQueryNames,
  'scaling_resource_id',
  'scaling_resource_type',
  'alarm_id',
  'enterprise_project_id',
  'sort_by',
  'order',
] as const;

// A Map, not an object: `sort_by=constructor` must not find Object.prototype's.
const sortColumns: ReadonlyMap<string, PolicyOrder['by']> = new Map([
  ['POLICY_NAME', 'name'],
  ['TRIGGER_CONDITION', 'policyType'],
  ['CREATE_TIME', 'createTime'],
]);

const maxBatch = 20;
const batchActions = ['delete', 'resume', 'pause'] as const;
type BatchAction = (typeof batchActions)[number];

const tags = ['scaling policies'];
const bodyErrors = engineErrorResponses([400, 401, 403, 406, 413, 415, 500, 503]);
const policyBodyErrors = engineErrorResponses([400, 401, 403, 404, 406, 413, 415, 500, 503]);
const readErrors = engineErrorResponses([400, 401, 403, 406, 500, 503]);
const policyReadErrors = engineErrorResponses([400, 401, 403, 404, 406, 500, 503]);

/**
 * The cloud's scaling policy APIs over the policy engine (contract §6).
 *
 * v1 (`/autoscaling-api/v1/...`) handles scaling group policies: create, show, update, delete,
 * list by group, execute/pause/resume and the batch action. v2 (`/autoscaling-api/v2/...`)
 * handles group and bandwidth policies: create, show, update and two lists; a v2 policy is
 * deleted, executed, paused and resumed through the v1 paths, as the cloud's clients do. The
 * v1 show and update do not see bandwidth policies (404 AS.3020).
 *
 * A new policy is INSERVICE. A scheduled or recurring policy that is INSERVICE has its next
 * trigger stored for the scheduler; pausing clears it, resuming computes it again from now,
 * so the occurrences a paused policy missed do not fire.
 */
export function policyRoutes(deps: PolicyRoutesDeps): FastifyPluginCallback {
  const { store, engine, now } = deps;

  return (app, _options, done) => {
    // ---- v1 ----------------------------------------------------------------------------

    app.post<{ Params: { project_id: string } }>(
      v1Path,
      {
        schema: {
          summary: 'Create a scaling group policy (v1)',
          description:
            'Required: scaling_policy_name, scaling_group_id (a group of the project: AS.2007 otherwise), scaling_policy_type, and alarm_id (ALARM) or scheduled_policy (SCHEDULED, RECURRENCE). Defaults: action ADD 1 instance, cool_down_time 300. At most 50 policies per group (AS.3032). The new policy is INSERVICE.',
          tags,
          params: projectParams,
          body: policySchemas.v1CreateBody,
          response: { 200: policySchemas.policyIdReply, ...bodyErrors },
        },
        validatorCompiler: acceptAsIs,
      },
      async (request) => {
        const { projectId } = request;
        const nowMs = now();
        const fields = parseV1Create(request.body, nowMs);
        const id = randomUUID();
        await store.engineSession(async (tx) => {
          if ((await tx.lockGroup(projectId, fields.resourceId)) === undefined) {
            throw apiErrors.groupNotFound(fields.resourceId);
          }
          await insertPolicy(tx, projectId, id, fields, nowMs);
        });
        return { scaling_policy_id: id };
      },
    );

    app.get<{ Params: PolicyParams }>(
      v1PolicyPath,
      {
        schema: {
          summary: 'Show a scaling group policy (v1)',
          description: 'A bandwidth policy is shown only by the v2 API: 404 AS.3020 here.',
          tags,
          params: policySchemas.policyParams,
          response: { 200: policySchemas.v1Show, ...policyReadErrors },
        },
        validatorCompiler: acceptAsIs,
      },
      async (request) => {
        const { projectId } = request;
        return store.engineRead(async (tx) => {
          const policy = await tx.getPolicy(projectId, request.params.scaling_policy_id);
          if (policy?.resourceType !== 'SCALING_GROUP') throw apiErrors.policyNotFound();
          const executing = await tx.executingPolicies([policy.id]);
          return { scaling_policy: policyToV1(policy, executing.has(policy.id)) };
        });
      },
    );

    app.put<{ Params: PolicyParams }>(
      v1PolicyPath,
      {
        schema: {
          summary: 'Update a scaling group policy (v1)',
          description:
            'The create fields but scaling_group_id, all optional; the result is checked as a whole. scheduled_policy and scaling_policy_action replace the stored objects whole. A schedule or type that changes moves the next trigger; times must lie ahead only when the update sets the schedule or the type. A bandwidth policy: 404 AS.3020.',
          tags,
          params: policySchemas.policyParams,
          body: policySchemas.v1UpdateBody,
          response: { 200: policySchemas.policyIdReply, ...policyBodyErrors },
        },
        validatorCompiler: acceptAsIs,
      },
      async (request) => {
        const { projectId } = request;
        const policyId = request.params.scaling_policy_id;
        // Checked before the policy is looked up, so a bad body is a 400 for what it is.
        bodyObject(request.body);
        await store.engineSession(async (tx) => {
          const policy = await tx.lockPolicy(projectId, policyId);
          if (policy?.resourceType !== 'SCALING_GROUP') throw apiErrors.policyNotFound();
          const nowMs = now();
          await tx.updatePolicy(updated(policy, applyV1Update(policy, request.body, nowMs), nowMs));
        });
        return { scaling_policy_id: policyId };
      },
    );

    app.delete<{ Params: PolicyParams }>(
      v1PolicyPath,
      {
        schema: {
          summary: 'Delete a scaling policy (v1 and v2)',
          description:
            'Deletes a group or bandwidth policy. An execution under way is not stopped: it completes and its log stays queryable.',
          tags,
          params: policySchemas.policyParams,
          response: { 204: noContent, ...policyReadErrors },
        },
        validatorCompiler: acceptAsIs,
      },
      async (request, reply) => {
        const { projectId } = request;
        const deleted = await store.engineSession((tx) =>
          tx.deletePolicy(projectId, request.params.scaling_policy_id),
        );
        if (!deleted) throw apiErrors.policyNotFound();
        return reply.code(204).send();
      },
    );

    app.get<{ Params: { project_id: string; scaling_group_id: string } }>(
      `${v1Path}/:scaling_group_id/list`,
      {
        schema: {
          summary: "List a scaling group's policies (v1)",
          description:
            'Newest first. Filters: scaling_policy_name (contains, case counts), scaling_policy_type, scaling_policy_id. Paging: start_number (default 0), limit (default 20, 0 to 100).',
          tags,
          params: policySchemas.groupParams,
          querystring: policySchemas.v1ListQuery,
          response: { 200: policySchemas.v1List, ...readErrors },
        },
        validatorCompiler: acceptAsIs,
      },
      async (request) => {
        const { projectId } = request;
        const groupId = request.params.scaling_group_id;
        const params = listParameters(request.url, policyQueryNames);
        const paging = listPaging(params);
        const filter: PolicyFilter = {
          ...policyFilter(params),
          resourceType: 'SCALING_GROUP',
          resourceId: groupId,
        };
        return store.engineRead(async (tx) => {
          if ((await tx.getGroup(projectId, groupId)) === undefined) {
            throw apiErrors.groupNotFound(groupId);
          }
          const { total, policies } = await tx.listPolicies(projectId, filter, paging);
          const executing = await tx.executingPolicies(policies.map((p) => p.id));
          return {
            total_number: total,
            start_number: paging.startNumber,
            limit: paging.limit,
            scaling_policies: policies.map((p) => policyToV1(p, executing.has(p.id))),
          };
        });
      },
    );

    app.post<{ Params: PolicyParams }>(
      `${v1PolicyPath}/action`,
      {
        schema: {
          summary: 'Execute, resume or pause a scaling policy (v1 and v2)',
          description:
            'execute: runs the action now (execute_type MANUAL), whatever the trigger, when the policy and its group are INSERVICE. A refused execution is recorded as a FAIL log and answered with its code: AS.3027 (policy or group not in service), AS.0034 (resource busy), AS.3038 (policy executing), AS.3040 (bound reached), AS.2028 (unchanged), AS.2007/AS.3042 (resource gone). resume/pause: idempotent; a resumed scheduled policy next fires at its first occurrence from now.',
          tags,
          params: policySchemas.policyParams,
          body: policySchemas.actionBody,
          response: { 204: noContent, ...policyBodyErrors },
        },
        validatorCompiler: acceptAsIs,
      },
      async (request, reply) => {
        const { projectId } = request;
        const policyId = request.params.scaling_policy_id;
        const body = bodyObject(request.body);
        onlyFields(body, ['action'], 'a scaling policy action');
        const action = body.action;
        if (action === 'execute') {
          const outcome = await engine.execute(projectId, policyId);
          if (outcome === undefined) throw apiErrors.policyNotFound();
          if (outcome.status === 'FAIL') throw refusalError(outcome);
        } else if (action === 'resume' || action === 'pause') {
          const status: StoredPolicyStatus = action === 'resume' ? 'INSERVICE' : 'PAUSED';
          await store.engineSession(async (tx) => {
            const policy = await tx.lockPolicy(projectId, policyId);
            if (policy === undefined) throw apiErrors.policyNotFound();
            const changed = withStatus(policy, status, now());
            if (changed !== policy) await tx.updatePolicy(changed);
          });
        } else {
          throw apiErrors.policyActionInvalid(display(action), 'execute, resume or pause');
        }
        return reply.code(204).send();
      },
    );

    app.post<{ Params: { project_id: string } }>(
      batchPath,
      {
        schema: {
          summary: 'Delete, resume or pause policies in a batch',
          description:
            'Up to 20 policy ids (v1 or v2), all or nothing: if any id is unknown, or (delete without force_delete=yes) any policy has an execution under way, nothing changes and the answer (AS.3045 delete, AS.3046 resume, AS.3047 pause) names each such id and why. delete_alarm is accepted and ignored.',
          tags,
          params: projectParams,
          body: policySchemas.batchBody,
          response: { 204: noContent, ...bodyErrors },
        },
        validatorCompiler: acceptAsIs,
      },
      async (request, reply) => {
        const { projectId } = request;
        const body = bodyObject(request.body);
        onlyFields(
          body,
          ['scaling_policy_id', 'action', 'force_delete', 'delete_alarm'],
          'a batch policy action',
        );
        const ids = batchIds(body.scaling_policy_id);
        const action = body.action;
        if (!(batchActions as readonly unknown[]).includes(action)) {
          throw apiErrors.policyActionInvalid(display(action), 'delete, resume or pause');
        }
        const force = yesNo(body.force_delete, apiErrors.policyForceDeleteInvalid);
        // Scalelog keeps no alarm rules: checked for the documented values, then ignored.
        yesNo(body.delete_alarm, apiErrors.deleteAlarmInvalid);
        await store.engineSession((tx) =>
          runBatch(tx, projectId, ids, action as BatchAction, force, now()),
        );
        return reply.code(204).send();
      },
    );

    // ---- v2 ----------------------------------------------------------------------------

    app.post<{ Params: { project_id: string } }>(
      v2Path,
      {
        schema: {
          summary: 'Create a scaling group or bandwidth policy (v2)',
          description:
            'Required: scaling_policy_name, scaling_resource_type, scaling_resource_id (a group or bandwidth of the project: AS.3042 otherwise), scaling_policy_type, and alarm_id (ALARM, INTERVAL_ALARM) or scheduled_policy (SCHEDULED, RECURRENCE). Defaults: action ADD size 1, cool_down_time 300. At most 50 policies per resource (AS.3032).',
          tags,
          params: projectParams,
          body: policySchemas.v2CreateBody,
          response: { 200: policySchemas.policyIdReply, ...bodyErrors },
        },
        validatorCompiler: acceptAsIs,
      },
      async (request) => {
        const { projectId } = request;
        const nowMs = now();
        const fields = parseV2Create(request.body, nowMs);
        const id = randomUUID();
        await store.engineSession(async (tx) => {
          await lockResource(tx, projectId, fields);
          await insertPolicy(tx, projectId, id, fields, nowMs);
        });
        return { scaling_policy_id: id };
      },
    );

    app.get<{ Params: PolicyParams }>(
      v2PolicyPath,
      {
        schema: {
          summary: 'Show a scaling policy (v2)',
          tags,
          params: policySchemas.policyParams,
          response: { 200: policySchemas.v2Show, ...policyReadErrors },
        },
        validatorCompiler: acceptAsIs,
      },
      async (request) => {
        const { projectId } = request;
        return store.engineRead(async (tx) => {
          const policy = await tx.getPolicy(projectId, request.params.scaling_policy_id);
          if (policy === undefined) throw apiErrors.policyNotFound();
          const [item] = await v2Items(tx, projectId, [policy]);
          return { scaling_policy: item };
        });
      },
    );

    app.put<{ Params: PolicyParams }>(
      v2PolicyPath,
      {
        schema: {
          summary: 'Update a scaling policy (v2)',
          description:
            'Every create field optional, the resource included (it must exist: AS.3042); the result is checked as a whole. scheduled_policy, scaling_policy_action and interval_alarm_actions replace the stored ones whole; an empty description removes it.',
          tags,
          params: policySchemas.policyParams,
          body: policySchemas.v2UpdateBody,
          response: { 200: policySchemas.policyIdReply, ...policyBodyErrors },
        },
        validatorCompiler: acceptAsIs,
      },
      async (request) => {
        const { projectId } = request;
        const policyId = request.params.scaling_policy_id;
        bodyObject(request.body);
        await store.engineSession(async (tx) => {
          const policy = await tx.lockPolicy(projectId, policyId);
          if (policy === undefined) throw apiErrors.policyNotFound();
          const nowMs = now();
          const fields = applyV2Update(policy, request.body, nowMs);
          if (
            fields.resourceId !== policy.resourceId ||
            fields.resourceType !== policy.resourceType
          ) {
            await lockResource(tx, projectId, fields);
            await checkQuota(tx, projectId, fields.resourceId);
          }
          await tx.updatePolicy(updated(policy, fields, nowMs));
        });
        return { scaling_policy_id: policyId };
      },
    );

    app.get<{ Params: { project_id: string } }>(
      v2Path,
      {
        schema: {
          summary: "List the project's scaling policies (v2)",
          description:
            'Filters: scaling_resource_id, scaling_resource_type, scaling_policy_name (contains, case counts), scaling_policy_type, scaling_policy_id, alarm_id; enterprise_project_id is accepted and ignored. sort_by CREATE_TIME (default), POLICY_NAME or TRIGGER_CONDITION; order DESC (default) or ASC. TRIGGER_CONDITION orders by policy type, so ascending puts alarm policies (ALARM, then INTERVAL_ALARM) first, then RECURRENCE, then SCHEDULED; the cloud then orders the scheduled ones by their trigger times, Scalelog by their ids. Paging: start_number (default 0), limit (default 20, 0 to 100).',
          tags,
          params: projectParams,
          querystring: policySchemas.v2ListQuery,
          response: { 200: policySchemas.v2List, ...readErrors },
        },
        validatorCompiler: acceptAsIs,
      },
      async (request) => {
        const { projectId } = request;
        const params = listParameters(request.url, v2QueryNames);
        const paging = listPaging(params);
        const resourceType = params.get('scaling_resource_type');
        const parsedType = resourceType === undefined ? undefined : parseResourceType(resourceType);
        if (resourceType !== undefined && parsedType === undefined) {
          throw apiErrors.invalidResourceType(resourceType);
        }
        const resourceId = params.get('scaling_resource_id');
        const alarmId = params.get('alarm_id');
        const filter: PolicyFilter = {
          ...policyFilter(params),
          ...(parsedType === undefined ? {} : { resourceType: parsedType }),
          ...(resourceId === undefined ? {} : { resourceId }),
          ...(alarmId === undefined ? {} : { alarmId }),
        };
        const order = policyOrder(params);
        return store.engineRead(async (tx) => {
          const { total, policies } = await tx.listPolicies(projectId, filter, paging, order);
          return {
            total_number: total,
            start_number: paging.startNumber,
            limit: paging.limit,
            scaling_policies: await v2Items(tx, projectId, policies),
          };
        });
      },
    );

    app.get<{ Params: { project_id: string; scaling_resource_id: string } }>(
      `${v2Path}/:scaling_resource_id/list`,
      {
        schema: {
          summary: "List a scaling group's or bandwidth's policies (v2)",
          description:
            'Newest first. Filters: scaling_policy_name (contains, case counts), scaling_policy_type, scaling_policy_id. Paging: start_number (default 0), limit (default 20, 0 to 100).',
          tags,
          params: policySchemas.resourceParams,
          querystring: policySchemas.v2ResourceListQuery,
          response: { 200: policySchemas.v2List, ...readErrors },
        },
        validatorCompiler: acceptAsIs,
      },
      async (request) => {
        const { projectId } = request;
        const resourceId = request.params.scaling_resource_id;
        const params = listParameters(request.url, policyQueryNames);
        const paging = listPaging(params);
        const filter: PolicyFilter = { ...policyFilter(params), resourceId };
        return store.engineRead(async (tx) => {
          const exists =
            (await tx.getGroup(projectId, resourceId)) !== undefined ||
            (await tx.getBandwidth(projectId, resourceId)) !== undefined;
          if (!exists) throw apiErrors.resourceNotFound('scaling group or bandwidth', resourceId);
          const { total, policies } = await tx.listPolicies(projectId, filter, paging);
          return {
            total_number: total,
            start_number: paging.startNumber,
            limit: paging.limit,
            scaling_policies: await v2Items(tx, projectId, policies),
          };
        });
      },
    );
    done();
  };
}

const display = (value: unknown): string => (typeof value === 'string' ? value : showValue(value));

/** The next time a policy's own trigger fires from `fromMs`: INSERVICE scheduled policies only. */
function pendingTrigger(policy: ScalingPolicy, fromMs: number): number | undefined {
  if (policy.status !== 'INSERVICE') return undefined;
  const schedule = policySchedule(policy);
  return schedule === undefined ? undefined : nextFireTime(schedule, fromMs);
}

function withNextFire(policy: ScalingPolicy, next: number | undefined): ScalingPolicy {
  const { nextFireAt: previous, ...rest } = policy;
  if (previous === next) return policy;
  return next === undefined ? rest : { ...rest, nextFireAt: next };
}

/** The policy in `status`: the same object when it is already there (pause and resume are idempotent). */
function withStatus(
  policy: ScalingPolicy,
  status: StoredPolicyStatus,
  nowMs: number,
): ScalingPolicy {
  if (policy.status === status) return policy;
  const changed = { ...policy, status };
  // Paused: nothing pending. Resumed: the first occurrence from now, not the ones missed.
  return withNextFire(changed, pendingTrigger(changed, nowMs));
}

/** Checks the policy quota of a resource, which the caller has locked. */
async function checkQuota(
  tx: EngineTransaction,
  projectId: string,
  resourceId: string,
): Promise<void> {
  if ((await tx.countPolicies(projectId, resourceId)) >= maxPoliciesPerResource) {
    throw apiErrors.policyQuota(maxPoliciesPerResource);
  }
}

/** Locks a policy's resource (so its policy count holds until the session ends): AS.3042 if none. */
async function lockResource(
  tx: EngineTransaction,
  projectId: string,
  fields: Pick<PolicyFields, 'resourceType' | 'resourceId'>,
): Promise<void> {
  const found =
    fields.resourceType === 'SCALING_GROUP'
      ? await tx.lockGroup(projectId, fields.resourceId)
      : await tx.lockBandwidth(projectId, fields.resourceId);
  if (found === undefined) {
    throw apiErrors.resourceNotFound(
      fields.resourceType === 'SCALING_GROUP' ? 'scaling group' : 'bandwidth',
      fields.resourceId,
    );
  }
}

/** Inserts a new INSERVICE policy whose resource the caller has locked. */
async function insertPolicy(
  tx: EngineTransaction,
  projectId: string,
  id: string,
  fields: PolicyFields,
  nowMs: number,
): Promise<void> {
  await checkQuota(tx, projectId, fields.resourceId);
  const policy: ScalingPolicy = {
    ...fields,
    id,
    projectId,
    status: 'INSERVICE',
    createTime: nowMs,
  };
  await tx.insertPolicy(withNextFire(policy, pendingTrigger(policy, nowMs)));
}

const sameSchedule = (a: ScheduledPolicy | undefined, b: ScheduledPolicy | undefined): boolean =>
  a?.launchTime === b?.launchTime &&
  a?.recurrenceType === b?.recurrenceType &&
  a?.recurrenceValue === b?.recurrenceValue &&
  a?.startTime === b?.startTime &&
  a?.endTime === b?.endTime;

/**
 * The policy with an update's fields. Its identity, status and creation time stay; its next
 * trigger is computed again from now only when its type or schedule changed.
 */
function updated(policy: ScalingPolicy, fields: PolicyFields, nowMs: number): ScalingPolicy {
  const next: ScalingPolicy = {
    id: policy.id,
    projectId: policy.projectId,
    status: policy.status,
    createTime: policy.createTime,
    ...(policy.metaData === undefined ? {} : { metaData: policy.metaData }),
    ...fields,
  };
  const triggerChanged =
    fields.policyType !== policy.policyType ||
    !sameSchedule(fields.scheduledPolicy, policy.scheduledPolicy);
  return withNextFire(next, triggerChanged ? pendingTrigger(next, nowMs) : policy.nextFireAt);
}

/** v2 items with their EXECUTING status and, for bandwidth policies, the bandwidth's meta_data. */
async function v2Items(
  tx: EngineTransaction,
  projectId: string,
  policies: readonly ScalingPolicy[],
): Promise<Record<string, unknown>[]> {
  const executing = await tx.executingPolicies(policies.map((p) => p.id));
  const bandwidths = new Map<string, Bandwidth | undefined>();
  for (const p of policies) {
    if (p.resourceType === 'BANDWIDTH' && !bandwidths.has(p.resourceId)) {
      bandwidths.set(p.resourceId, await tx.getBandwidth(projectId, p.resourceId));
    }
  }
  return policies.map((p) => policyToV2(p, executing.has(p.id), bandwidths.get(p.resourceId)));
}

/** The filters every policy list takes: name (contains), type, id. */
function policyFilter(params: ReadonlyMap<string, string>): PolicyFilter {
  const name = params.get('scaling_policy_name');
  const type = params.get('scaling_policy_type');
  const id = params.get('scaling_policy_id');
  if (type !== undefined && !(policyTypes as readonly string[]).includes(type)) {
    throw apiErrors.policyTypeInvalid(type, 'ALARM, SCHEDULED, RECURRENCE or INTERVAL_ALARM');
  }
  return {
    ...(name === undefined ? {} : { nameContains: name }),
    ...(type === undefined ? {} : { policyType: type as PolicyType }),
    ...(id === undefined ? {} : { policyId: id }),
  };
}

/** sort_by (default CREATE_TIME) and order (default DESC) of the v2 list. */
function policyOrder(params: ReadonlyMap<string, string>): PolicyOrder {
  const sortBy = params.get('sort_by') ?? 'CREATE_TIME';
  const by = sortColumns.get(sortBy);
  if (by === undefined) throw apiErrors.sortByInvalid(sortBy);
  const order = params.get('order') ?? 'DESC';
  if (order !== 'ASC' && order !== 'DESC') throw apiErrors.orderInvalid(order);
  return { by, direction: order === 'ASC' ? 'asc' : 'desc' };
}

/** The batch's ids: 1 to 20 strings, duplicates counted once. */
function batchIds(value: unknown): string[] {
  if (value === undefined || value === null) throw apiErrors.batchEmpty();
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string' && v !== '')) {
    throw apiErrors.badRequestBody(
      `scaling_policy_id must be an array of 1 to ${String(maxBatch)} policy ids (strings), not ${showValue(value)}.`,
    );
  }
  if (value.length === 0) throw apiErrors.batchEmpty();
  if (value.length > maxBatch) {
    throw apiErrors.badRequestBody(
      `scaling_policy_id has ${String(value.length)} ids: at most ${String(maxBatch)} per batch.`,
    );
  }
  return [...new Set(value as string[])];
}

/** A yes/no flag, `no` when absent. */
function yesNo(value: unknown, invalid: (shown: string) => ApiError): boolean {
  if (value === undefined || value === null || value === 'no') return false;
  if (value === 'yes') return true;
  throw invalid(display(value));
}

/**
 * One batch, all or nothing: every policy is locked (in id order, so two batches cannot
 * deadlock), every problem is collected, and the session is rolled back by the error that
 * names them all.
 */
async function runBatch(
  tx: EngineTransaction,
  projectId: string,
  ids: readonly string[],
  action: BatchAction,
  force: boolean,
  nowMs: number,
): Promise<void> {
  const policies = new Map<string, ScalingPolicy>();
  for (const id of [...ids].sort()) {
    const policy = await tx.lockPolicy(projectId, id);
    if (policy !== undefined) policies.set(id, policy);
  }
  const executing =
    action === 'delete' && !force ? await tx.executingPolicies([...policies.keys()]) : new Set();
  const problems = ids.flatMap((id) =>
    !policies.has(id)
      ? [`${id}: the policy does not exist`]
      : executing.has(id)
        ? [
            `${id}: an execution of the policy is under way (wait for it, or set force_delete to yes)`,
          ]
        : [],
  );
  if (problems.length > 0) {
    throw apiErrors.batchFailed(action, `Nothing was changed. ${problems.join('; ')}.`);
  }
  for (const policy of policies.values()) {
    if (action === 'delete') {
      await tx.deletePolicy(projectId, policy.id);
    } else {
      const changed = withStatus(policy, action === 'resume' ? 'INSERVICE' : 'PAUSED', nowMs);
      if (changed !== policy) await tx.updatePolicy(changed);
    }
  }
}

/** The documented error for a refused manual execution; its FAIL log is already recorded. */
function refusalError(outcome: Extract<ExecutionOutcome, { status: 'FAIL' }>): ApiError {
  const { refusal, log } = outcome;
  switch (refusal.rule) {
    case 'policy-not-in-service':
    case 'group-not-in-service':
      return apiErrors.policyNotInService(refusal.message);
    case 'resource-missing':
    case 'resource-deleted':
      return log.resourceType === 'SCALING_GROUP'
        ? apiErrors.groupNotFound(log.resourceId)
        : apiErrors.resourceNotFound('bandwidth', log.resourceId);
    case 'resource-busy':
      return apiErrors.groupBusy(refusal.message);
    case 'policy-executing':
      return apiErrors.policyExecuting(refusal.message);
    case 'cooldown':
      return apiErrors.coolingDown(refusal.message);
    case 'at-max':
    case 'at-min':
      return apiErrors.adjustmentLimit(refusal.message);
    case 'unchanged':
      return apiErrors.groupDesireUnchanged(refusal.message);
    case 'missed-trigger':
      // A manual execution runs now: it cannot miss its time.
      return apiErrors.system();
  }
}
