import { apiErrors } from '../../errors/api-error.js';
import { quotaUsage } from '../../domain/quotas.js';
import type { QuotaLimits, QuotaUsage } from '../../domain/quotas.js';
import type { ResourceStore } from '../../store/resource-store.js';

/**
 * The AS quotas and what is used of them, counted from the store when asked, so they are
 * always what the creates that enforce them see. The limits are the settings'
 * ({@link QuotaLimits}), the same the group, configuration and policy services enforce.
 */
export class QuotaService {
  readonly #store: ResourceStore;
  readonly #now: () => number;
  readonly #limits: QuotaLimits;

  constructor(store: ResourceStore, now: () => number, limits: QuotaLimits) {
    this.#store = store;
    this.#now = now;
    this.#limits = limits;
  }

  /**
   * The project's quotas, in the cloud's order. Policies and instances are counted per group:
   * their `used` is -1 here, as the cloud answers (it points to the group's quotas instead).
   * Bandwidth policies are limited per bandwidth; `used` counts the project's.
   */
  async ofProject(projectId: string): Promise<QuotaUsage[]> {
    return this.#store.resourceRead(async (tx) => {
      const groups = await tx.groups.count(projectId);
      const configurations = await tx.configurations.count(projectId);
      const { total: bandwidthPolicies } = await tx.policies.list(
        projectId,
        { resourceType: 'BANDWIDTH' },
        { startNumber: 0, limit: 0 },
      );
      return [
        quotaUsage('scaling_Group', groups, this.#limits),
        quotaUsage('scaling_Config', configurations, this.#limits),
        quotaUsage('scaling_Policy', -1, this.#limits),
        quotaUsage('scaling_Instance', -1, this.#limits),
        quotaUsage('bandwidth_scaling_policy', bandwidthPolicies, this.#limits),
      ];
    });
  }

  /**
   * A group's policy and instance quotas: its policies, and its instances as its
   * `current_instance_number` counts them at this moment. An unknown group is 400 AS.2007.
   */
  async ofGroup(projectId: string, groupId: string): Promise<QuotaUsage[]> {
    return this.#store.resourceRead(async (tx) => {
      const group = await tx.groups.get(projectId, groupId);
      if (group === undefined) throw apiErrors.groupNotFound(groupId);
      const policies = await tx.policies.countOf(projectId, groupId);
      const counts = await tx.instances.currentCounts(projectId, [groupId], this.#now());
      return [
        quotaUsage('scaling_Policy', policies, this.#limits),
        quotaUsage('scaling_Instance', counts.get(groupId) ?? 0, this.#limits),
      ];
    });
  }
}
