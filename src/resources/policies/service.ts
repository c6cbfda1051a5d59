import { randomUUID } from 'node:crypto';
import { apiErrors } from '../../errors/api-error.js';
import type { Bandwidth } from '../../domain/bandwidth.js';
import { defaultQuotaLimits } from '../../domain/quotas.js';
import type { QuotaLimits } from '../../domain/quotas.js';
import type { ResourceType } from '../../domain/execution-log.js';
import type { ScalingPolicy, StoredPolicyStatus } from '../../domain/scaling-policy.js';
import { refusalError } from '../../engine/execution-rules.js';
import type { PolicyEngine } from '../../engine/policy-engine.js';
import type {
  ResourceStore,
  ResourceTransaction,
  Paging,
  PolicyFilter,
  PolicyOrder,
} from '../../store/resource-store.js';
import { runBatch } from './batch.js';
import type { PolicyBatch } from './batch.js';
import { newPolicy, updated, withStatus } from './changes.js';
import type { PolicyFields } from './changes.js';

/** The limits the service enforces: AS.3032 past either. */
export type PolicySettings = Pick<QuotaLimits, 'groupPolicyQuota' | 'bandwidthPolicyQuota'>;

export interface PolicyServiceDeps {
  readonly store: ResourceStore;
  /** The time (Unix ms) new policies are created at and schedules are computed from. */
  readonly now: () => number;
  /** Carries out the execute action. */
  readonly engine: PolicyEngine;
  readonly settings?: Partial<PolicySettings>;
}

/**
 * An update as its request was read: merges the request into the stored policy and checks the
 * result as a whole at `nowMs`, throwing the documented error of a refused field. It is given
 * the stored policy only once the policy is locked, so an unknown policy is a 404 whatever the
 * body holds.
 */
export type PolicyUpdate = (stored: ScalingPolicy, nowMs: number) => PolicyFields;

/** A policy as the APIs show it. */
export interface PolicyView {
  readonly policy: ScalingPolicy;
  /** An execution of the policy is under way (shown as `policy_status` EXECUTING). */
  readonly executing: boolean;
  /** A bandwidth policy's bandwidth, while it exists: v2 views only. */
  readonly bandwidth?: Bandwidth;
}

/** One page of a policy list. */
export interface PolicyPage {
  /** Every policy the filter matches, over all pages. */
  readonly total: number;
  readonly views: readonly PolicyView[];
}

/**
 * Every rule about scaling policies, whichever API or entry point asks (contract §6).
 *
 * The v1 API sees scaling group policies only: its show and update answer 404 (AS.3020) for a
 * bandwidth policy, and it names a missing group AS.2007. The v2 API sees group and bandwidth
 * policies and names a missing resource AS.3042. Delete, execute, pause, resume and the batch
 * act on either kind.
 *
 * A new policy is INSERVICE. A scheduled or recurring policy that is INSERVICE has its next
 * trigger stored for the scheduler; pausing clears it, resuming computes it again from now,
 * so the occurrences a paused policy missed do not fire.
 */
export class PolicyService {
  readonly #store: ResourceStore;
  readonly #now: () => number;
  readonly #engine: PolicyEngine;
  readonly #settings: PolicySettings;

  constructor(deps: PolicyServiceDeps) {
    this.#store = deps.store;
    this.#now = deps.now;
    this.#engine = deps.engine;
    this.#settings = Object.freeze({
      groupPolicyQuota: defaultQuotaLimits.groupPolicyQuota,
      bandwidthPolicyQuota: defaultQuotaLimits.bandwidthPolicyQuota,
      ...deps.settings,
    });
  }

  /** Creates a scaling group policy (v1): AS.2007 when the project has no such group. */
  async createGroupPolicy(projectId: string, fields: PolicyFields): Promise<string> {
    const nowMs = this.#now();
    const id = randomUUID();
    await this.#store.resourceSession(async (tx) => {
      if ((await tx.groups.lock(projectId, fields.resourceId)) === undefined) {
        throw apiErrors.groupNotFound(fields.resourceId);
      }
      await this.#insert(tx, projectId, id, fields, nowMs);
    });
    return id;
  }

  /** Creates a group or bandwidth policy (v2): AS.3042 when the project has no such resource. */
  async create(projectId: string, fields: PolicyFields): Promise<string> {
    const nowMs = this.#now();
    const id = randomUUID();
    await this.#store.resourceSession(async (tx) => {
      await lockResource(tx, projectId, fields);
      await this.#insert(tx, projectId, id, fields, nowMs);
    });
    return id;
  }

  /** A scaling group policy (v1): a bandwidth policy is not found. */
  async showGroupPolicy(projectId: string, policyId: string): Promise<PolicyView> {
    return this.#store.resourceRead(async (tx) => {
      const policy = await tx.policies.get(projectId, policyId);
      if (policy?.resourceType !== 'SCALING_GROUP') throw apiErrors.policyNotFound();
      const executing = await tx.executions.executingPolicies([policy.id]);
      return { policy, executing: executing.has(policy.id) };
    });
  }

  /** A group or bandwidth policy (v2). */
  async show(projectId: string, policyId: string): Promise<PolicyView> {
    return this.#store.resourceRead(async (tx) => {
      const policy = await tx.policies.get(projectId, policyId);
      if (policy === undefined) throw apiErrors.policyNotFound();
      const [view] = await v2Views(tx, projectId, [policy]);
      return view as PolicyView;
    });
  }

  /** Updates a scaling group policy (v1): a bandwidth policy is not found; the group stays. */
  async updateGroupPolicy(
    projectId: string,
    policyId: string,
    update: PolicyUpdate,
  ): Promise<void> {
    await this.#store.resourceSession(async (tx) => {
      const policy = await tx.policies.lock(projectId, policyId);
      if (policy?.resourceType !== 'SCALING_GROUP') throw apiErrors.policyNotFound();
      const nowMs = this.#now();
      await tx.policies.update(updated(policy, update(policy, nowMs), nowMs));
    });
  }

  /**
   * Updates a group or bandwidth policy (v2). A policy moved to another resource needs that
   * resource (AS.3042) and room in its quota (AS.3032).
   */
  async update(projectId: string, policyId: string, update: PolicyUpdate): Promise<void> {
    await this.#store.resourceSession(async (tx) => {
      const policy = await tx.policies.lock(projectId, policyId);
      if (policy === undefined) throw apiErrors.policyNotFound();
      const nowMs = this.#now();
      const fields = update(policy, nowMs);
      if (fields.resourceId !== policy.resourceId || fields.resourceType !== policy.resourceType) {
        await lockResource(tx, projectId, fields);
        await this.#checkQuota(tx, projectId, fields);
      }
      await tx.policies.update(updated(policy, fields, nowMs));
    });
  }

  /**
   * Deletes a group or bandwidth policy. An execution under way is not stopped: it completes
   * and its log stays queryable.
   */
  async delete(projectId: string, policyId: string): Promise<void> {
    const deleted = await this.#store.resourceSession((tx) =>
      tx.policies.delete(projectId, policyId),
    );
    if (!deleted) throw apiErrors.policyNotFound();
  }

  /** A group's policies (v1): AS.2007 when the project has no such group. */
  async listGroupPolicies(
    projectId: string,
    groupId: string,
    filter: PolicyFilter,
    paging: Paging,
  ): Promise<PolicyPage> {
    const groupFilter: PolicyFilter = {
      ...filter,
      resourceType: 'SCALING_GROUP',
      resourceId: groupId,
    };
    return this.#store.resourceRead(async (tx) => {
      if ((await tx.groups.get(projectId, groupId)) === undefined) {
        throw apiErrors.groupNotFound(groupId);
      }
      const { total, policies } = await tx.policies.list(projectId, groupFilter, paging);
      const executing = await tx.executions.executingPolicies(policies.map((p) => p.id));
      return { total, views: policies.map((p) => ({ policy: p, executing: executing.has(p.id) })) };
    });
  }

  /** The project's policies (v2), filtered, sorted and paged. */
  async list(
    projectId: string,
    filter: PolicyFilter,
    paging: Paging,
    order: PolicyOrder,
  ): Promise<PolicyPage> {
    return this.#store.resourceRead(async (tx) => {
      const { total, policies } = await tx.policies.list(projectId, filter, paging, order);
      return { total, views: await v2Views(tx, projectId, policies) };
    });
  }

  /** A group's or bandwidth's policies (v2): AS.3042 when the project has neither. */
  async listResourcePolicies(
    projectId: string,
    resourceId: string,
    filter: PolicyFilter,
    paging: Paging,
  ): Promise<PolicyPage> {
    const resourceFilter: PolicyFilter = { ...filter, resourceId };
    return this.#store.resourceRead(async (tx) => {
      const exists =
        (await tx.groups.get(projectId, resourceId)) !== undefined ||
        (await tx.bandwidths.get(projectId, resourceId)) !== undefined;
      if (!exists) throw apiErrors.resourceNotFound('scaling group or bandwidth', resourceId);
      const { total, policies } = await tx.policies.list(projectId, resourceFilter, paging);
      return { total, views: await v2Views(tx, projectId, policies) };
    });
  }

  /**
   * Executes a policy now (execute type MANUAL), whatever its trigger. A refused execution is
   * recorded as a FAIL log by the engine, then thrown as the rule's documented error.
   */
  async execute(projectId: string, policyId: string): Promise<void> {
    const outcome = await this.#engine.execute(projectId, policyId);
    if (outcome === undefined) throw apiErrors.policyNotFound();
    if (outcome.status === 'FAIL') {
      const { refusal, log } = outcome;
      throw refusalError(refusal, { type: log.resourceType, id: log.resourceId });
    }
  }

  /** Pauses a policy: idempotent; its pending trigger is dropped. */
  async pause(projectId: string, policyId: string): Promise<void> {
    await this.#setStatus(projectId, policyId, 'PAUSED');
  }

  /** Resumes a policy: idempotent; a scheduled policy next fires at its first occurrence from now. */
  async resume(projectId: string, policyId: string): Promise<void> {
    await this.#setStatus(projectId, policyId, 'INSERVICE');
  }

  /**
   * Deletes, resumes or pauses policies, all or nothing: if any id is unknown, or (delete
   * without force) any policy has an execution under way, nothing changes and the error
   * names each such id and why.
   */
  async runBatch(projectId: string, batch: PolicyBatch): Promise<void> {
    const nowMs = this.#now();
    await this.#store.resourceSession((tx) => runBatch(tx, projectId, batch, nowMs));
  }

  async #setStatus(projectId: string, policyId: string, status: StoredPolicyStatus): Promise<void> {
    await this.#store.resourceSession(async (tx) => {
      const policy = await tx.policies.lock(projectId, policyId);
      if (policy === undefined) throw apiErrors.policyNotFound();
      const changed = withStatus(policy, status, this.#now());
      if (changed !== policy) await tx.policies.update(changed);
    });
  }

  /** Checks the policy quota of a group or bandwidth, which the caller has locked. */
  async #checkQuota(
    tx: ResourceTransaction,
    projectId: string,
    resource: { readonly resourceId: string; readonly resourceType: ResourceType },
  ): Promise<void> {
    const group = resource.resourceType === 'SCALING_GROUP';
    const max = group ? this.#settings.groupPolicyQuota : this.#settings.bandwidthPolicyQuota;
    if ((await tx.policies.countOf(projectId, resource.resourceId)) >= max) {
      throw apiErrors.policyQuota(max, group ? 'A scaling group' : 'A bandwidth');
    }
  }

  /** Inserts a new INSERVICE policy whose resource the caller has locked. */
  async #insert(
    tx: ResourceTransaction,
    projectId: string,
    id: string,
    fields: PolicyFields,
    nowMs: number,
  ): Promise<void> {
    await this.#checkQuota(tx, projectId, fields);
    await tx.policies.insert(newPolicy(projectId, id, fields, nowMs));
  }
}

/** Locks a policy's resource (so its policy count holds until the session ends): AS.3042 if none. */
async function lockResource(
  tx: ResourceTransaction,
  projectId: string,
  fields: Pick<PolicyFields, 'resourceType' | 'resourceId'>,
): Promise<void> {
  const found =
    fields.resourceType === 'SCALING_GROUP'
      ? await tx.groups.lock(projectId, fields.resourceId)
      : await tx.bandwidths.lock(projectId, fields.resourceId);
  if (found === undefined) {
    throw apiErrors.resourceNotFound(
      fields.resourceType === 'SCALING_GROUP' ? 'scaling group' : 'bandwidth',
      fields.resourceId,
    );
  }
}

/** v2 views: with their EXECUTING status and, for bandwidth policies, the bandwidth. */
async function v2Views(
  tx: ResourceTransaction,
  projectId: string,
  policies: readonly ScalingPolicy[],
): Promise<PolicyView[]> {
  const executing = await tx.executions.executingPolicies(policies.map((p) => p.id));
  const bandwidths = new Map<string, Bandwidth | undefined>();
  for (const p of policies) {
    if (p.resourceType === 'BANDWIDTH' && !bandwidths.has(p.resourceId)) {
      bandwidths.set(p.resourceId, await tx.bandwidths.get(projectId, p.resourceId));
    }
  }
  return policies.map((p) => {
    const bandwidth = bandwidths.get(p.resourceId);
    return {
      policy: p,
      executing: executing.has(p.id),
      ...(bandwidth === undefined ? {} : { bandwidth }),
    };
  });
}
