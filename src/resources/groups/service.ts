import { randomUUID } from 'node:crypto';
import { apiErrors } from '../../errors/api-error.js';
import { tagFaultError } from '../../errors/tag-fault-error.js';
import { readTags } from '../../domain/resource-tag.js';
import type { ResourceTag } from '../../domain/resource-tag.js';
import { followDesired, groupInstances } from '../../engine/group-scaling.js';
import type { ScalingOptions } from '../../engine/group-scaling.js';
import { closeWarmPool } from '../../engine/warm-pool.js';
import { isScaling } from '../../domain/scaling-group.js';
import type { GroupFields, GroupStatus, ScalingGroup } from '../../domain/scaling-group.js';
import type { QuotaLimits } from '../../domain/quotas.js';
import type {
  ResourceStore,
  ResourceTransaction,
  GroupFilter,
  Paging,
} from '../../store/resource-store.js';

/** The settings groups follow: how instances follow a new desired number, and the quotas. */
export interface GroupServiceSettings
  extends ScalingOptions, Pick<QuotaLimits, 'groupQuota' | 'groupInstanceQuota'> {}

/**
 * A group as the API shows it: with the number of instances it has at the moment read, and
 * the current name of its configuration.
 */
export interface GroupView {
  readonly group: ScalingGroup;
  /** `current_instance_number`: its instances in service or being removed. */
  readonly currentInstances: number;
  readonly configurationName?: string;
}

/** What a group list is filtered by; absent filters match every group. */
export interface GroupListFilter {
  /** Exact name. */
  readonly name?: string;
  readonly status?: GroupStatus;
  /** The configuration id the groups were created with. */
  readonly configurationId?: string;
  /** The enterprise project the groups were created with; `all_granted_eps` matches all. */
  readonly enterpriseProjectId?: string;
}

/** A group as show and list answer it: with its configuration's current name, if any. */
export interface GroupView {
  readonly group: ScalingGroup;
  readonly configurationName?: string;
}

/** Resume puts a group in service, pause takes it out: its policies then record FAIL. */
export type GroupAction = 'resume' | 'pause';

/**
 * Reads an update against the group it applies to, and returns the group's fields after it.
 * The update is read only once the group is found and locked: a bad field of a group that
 * does not exist is AS.2007, and the cloud checks the bounds on the result.
 */
export type GroupEdit = (group: ScalingGroup) => GroupFields;

/**
 * The rules of scaling groups (contract §6): a group is created PAUSED, as the cloud creates
 * it disabled, and resumed before its policies act; its running instances follow its desired
 * number after `instanceSettleMs`; it is deleted with its policies, and only when empty and
 * idle unless forced. A group that does not exist is 400 AS.2007, as the cloud answers.
 */
export class GroupService {
  readonly #store: ResourceStore;
  readonly #now: () => number;
  readonly #settings: GroupServiceSettings;

  constructor(store: ResourceStore, now: () => number, settings: GroupServiceSettings) {
    this.#store = store;
    this.#now = now;
    this.#settings = settings;
  }

  /**
   * Creates a PAUSED group from `fields`. It has no instances yet: they are built toward its
   * desired number once it is resumed.
   */
  async create(projectId: string, fields: GroupFields): Promise<ScalingGroup> {
    const group: ScalingGroup = {
      ...fields,
      id: randomUUID(),
      projectId,
      status: 'PAUSED',
      createTime: this.#now(),
    };
    this.#checkInstanceQuota(group);
    const tags = createdTags(group.attributes['tags']);
    await this.#store.resourceSession(async (tx) => {
      await lockConfiguration(tx, projectId, group);
      // Held until the insert commits: servers creating at once count one after the other.
      await tx.groups.lockProject(projectId);
      if ((await tx.groups.count(projectId)) >= this.#settings.groupQuota) {
        throw apiErrors.groupQuota(this.#settings.groupQuota);
      }
      await tx.groups.insert(group);
      if (tags.length > 0) {
        await tx.tags.put(projectId, 'scaling_group_tag', group.id, tags, group.createTime);
      }
    });
    return group;
  }

  async show(projectId: string, groupId: string): Promise<GroupView> {
    const nowMs = this.#now();
    return this.#store.resourceRead(async (tx) => {
      const group = await tx.groups.get(projectId, groupId);
      if (group === undefined) throw apiErrors.groupNotFound(groupId);
      const [view] = await groupViews(tx, projectId, [group], nowMs);
      return view ?? { group, currentInstances: 0 };
    });
  }

  /** A page of the project's groups, newest first, and how many match. */
  async list(
    projectId: string,
    filter: GroupListFilter,
    paging: Paging,
  ): Promise<{ total: number; groups: GroupView[] }> {
    const attributes: [string, string][] = [];
    if (filter.configurationId !== undefined) {
      attributes.push(['scaling_configuration_id', filter.configurationId]);
    }
    // The cloud's value for "every enterprise project the caller may see": no filter.
    const enterpriseProject = filter.enterpriseProjectId;
    if (enterpriseProject !== undefined && enterpriseProject !== 'all_granted_eps') {
      attributes.push(['enterprise_project_id', enterpriseProject]);
    }
    const storeFilter: GroupFilter = {
      ...(filter.name === undefined ? {} : { name: filter.name }),
      ...(filter.status === undefined ? {} : { status: filter.status }),
      ...(attributes.length === 0 ? {} : { attributes }),
    };
    const nowMs = this.#now();
    return this.#store.resourceRead(async (tx) => {
      const { total, groups } = await tx.groups.list(projectId, storeFilter, paging);
      return { total, groups: await groupViews(tx, projectId, groups, nowMs) };
    });
  }

  /**
   * Updates a group with what `edit` reads against it. An INSERVICE group's instances follow a
   * new desired number in the same transaction (a DIFF activity); a paused group's follow
   * when it is resumed.
   */
  async update(projectId: string, groupId: string, edit: GroupEdit): Promise<ScalingGroup> {
    return this.#store.resourceSession(async (tx) => {
      const group = await tx.groups.lock(projectId, groupId);
      if (group === undefined) throw apiErrors.groupNotFound(groupId);
      const updated: ScalingGroup = { ...group, ...edit(group) };
      if (updated.maxInstances !== group.maxInstances) this.#checkInstanceQuota(updated);
      if (configurationId(updated) !== configurationId(group)) {
        await lockConfiguration(tx, projectId, updated);
      }
      if (updated.desireInstances < group.desireInstances) {
        const { active } = await groupInstances(tx, group, this.#now());
        const held = active.filter((v) => v.instance.protectedFromScaleIn).length;
        if (updated.desireInstances < held) {
          throw apiErrors.desireUnderProtected(updated.desireInstances, held);
        }
      }
      // A new desired number, or a configuration where the group may have lacked one to
      // build from: its instances follow now.
      const followed =
        updated.desireInstances !== group.desireInstances ||
        configurationId(updated) !== configurationId(group)
          ? await this.#follow(tx, updated)
          : updated;
      await tx.groups.update(followed);
      return followed;
    });
  }

  /** A group's maximum number of instances is within the per-group instance quota: AS.2045. */
  #checkInstanceQuota(group: ScalingGroup): void {
    if (group.maxInstances > this.#settings.groupInstanceQuota) {
      throw apiErrors.groupInstanceQuota(group.maxInstances, this.#settings.groupInstanceQuota);
    }
  }

  /**
   * Deletes a group, its policies, scheduled tasks, lifecycle hooks and tags; their execution logs and its activity log stay
   * queryable. Unless `force`, only a group with no instances, no instance change and no
   * execution under way: 400 AS.2021 otherwise. Forced, its instances go with it (the servers
   * built from its configuration are deleted, those added by hand are kept).
   */
  async delete(projectId: string, groupId: string, force: boolean): Promise<void> {
    await this.#store.resourceSession(async (tx) => {
      const group = await tx.groups.lock(projectId, groupId);
      if (group === undefined) throw apiErrors.groupNotFound(groupId);
      const nowMs = this.#now();
      const { views } = await groupInstances(tx, group, nowMs);
      if (!force) {
        const scaling = isScaling(group, nowMs);
        if (views.length > 0 || scaling) {
          throw apiErrors.groupNotEmpty(
            `The group has ${String(views.length)} instances${scaling ? ' and is scaling' : ''}: set its desired and minimum numbers to 0 and wait, or delete with force_delete=yes.`,
          );
        }
        const running = await tx.executions.ofResource('SCALING_GROUP', groupId);
        if (running !== undefined) {
          throw apiErrors.groupNotEmpty(
            `An execution of policy ${running.policyId} is under way: wait for it, or delete with force_delete=yes.`,
          );
        }
      }
      const stored = await tx.instances.ofGroup(projectId, groupId);
      await tx.instances.delete(
        projectId,
        stored.map((i) => i.id),
      );
      for (const instance of stored) {
        if (instance.deleteOnRemoval) await tx.servers.delete(projectId, instance.id);
      }
      await closeWarmPool(tx, projectId, groupId);
      await tx.policies.deleteOf(projectId, groupId);
      await tx.lifecycleHooks.deleteOfGroup(projectId, groupId);
      await tx.tags.deleteOf(projectId, 'scaling_group_tag', groupId);
      await tx.scheduledTasks.deleteOfGroup(projectId, groupId);
      await tx.notifications.deleteTopicsOf(projectId, groupId);
      await tx.groups.delete(projectId, groupId);
    });
  }

  /**
   * Resumes or pauses a group; one already so is left as it is. An execution under way is not
   * stopped. A resumed group's instances are brought to its desired number (a DIFF activity).
   */
  async act(projectId: string, groupId: string, action: GroupAction): Promise<void> {
    await this.#store.resourceSession(async (tx) => {
      const group = await tx.groups.lock(projectId, groupId);
      if (group === undefined) throw apiErrors.groupNotFound(groupId);
      const status: GroupStatus = action === 'resume' ? 'INSERVICE' : 'PAUSED';
      if (group.status === status) return;
      const changed: ScalingGroup = { ...group, status };
      await tx.groups.update(status === 'INSERVICE' ? await this.#follow(tx, changed) : changed);
    });
  }

  /**
   * An INSERVICE group's instances brought to its desired number (a DIFF activity, told from
   * the instances it has to the number it desires); a paused group as it is.
   */
  async #follow(tx: ResourceTransaction, group: ScalingGroup): Promise<ScalingGroup> {
    if (group.status !== 'INSERVICE') return group;
    const outcome = await followDesired(
      tx,
      group,
      this.#now(),
      { type: 'DIFF', reason: { changeReason: 'DIFF' } },
      this.#settings,
    );
    return outcome.group;
  }
}

/** The id of the scaling configuration a group uses, if it has one. */
function configurationId(group: ScalingGroup): string | undefined {
  const id = group.attributes['scaling_configuration_id'];
  return typeof id === 'string' ? id : undefined;
}

/**
 * Holds the configuration a group is to use until the group's session ends: 400 AS.1004 when
 * the project has none of that id. A configuration being deleted at the same time is either
 * gone by then (AS.1004) or waits for the group to commit, and then sees it (AS.1006).
 */
async function lockConfiguration(
  tx: ResourceTransaction,
  projectId: string,
  group: ScalingGroup,
): Promise<void> {
  const id = configurationId(group);
  if (id !== undefined && (await tx.configurations.lock(projectId, id)) === undefined) {
    throw apiErrors.configurationNotFound(id);
  }
}

/**
 * The groups as shown at `nowMs`: their current instance numbers and the current names of
 * their configurations, each read in one query for the whole page.
 */
async function groupViews(
  tx: ResourceTransaction,
  projectId: string,
  groups: readonly ScalingGroup[],
  nowMs: number,
): Promise<GroupView[]> {
  const ids = groups.map(configurationId).filter((id) => id !== undefined);
  const names = await tx.configurations.names(projectId, ids);
  const counts = await tx.instances.currentCounts(
    projectId,
    groups.map((g) => g.id),
    nowMs,
  );
  return groups.map((group) => {
    const id = configurationId(group);
    const configurationName = id === undefined ? undefined : names.get(id);
    const currentInstances = counts.get(group.id) ?? 0;
    return configurationName === undefined
      ? { group, currentInstances }
      : { group, currentInstances, configurationName };
  });
}

/**
 * The tags a group is created with, which the tag API then serves: the rules of its create
 * (AS.7046, AS.7047, AS.7050, AS.7062, AS.7063).
 */
function createdTags(sent: unknown): ResourceTag[] {
  if (!Array.isArray(sent)) return [];
  const tags = readTags(sent);
  if (!Array.isArray(tags)) throw tagFaultError(tags, 'tags');
  return tags;
}
