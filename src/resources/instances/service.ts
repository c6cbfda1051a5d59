import { randomUUID } from 'node:crypto';
import { apiErrors } from '../../errors/api-error.js';
import { followDesired, groupInstances, toActivityInstance } from '../../engine/group-scaling.js';
import type { GroupInstances, ScalingOptions } from '../../engine/group-scaling.js';
import { changeDescription } from '../../domain/scaling-activity.js';
import type { ActivityType, ScalingActivity } from '../../domain/scaling-activity.js';
import { isScaling } from '../../domain/scaling-group.js';
import type { ScalingGroup } from '../../domain/scaling-group.js';
import { instanceAt } from '../../domain/scaling-instance.js';
import type { InstanceView, ScalingInstance } from '../../domain/scaling-instance.js';
import type {
  InstanceFilter,
  Paging,
  ResourceStore,
  ResourceTransaction,
} from '../../store/resource-store.js';

/** The batch actions on a group's instances. */
export const instanceActions = [
  'ADD',
  'REMOVE',
  'PROTECT',
  'UNPROTECT',
  'ENTER_STANDBY',
  'EXIT_STANDBY',
] as const;
export type InstanceAction = (typeof instanceActions)[number];

/** A batch action as read from its body. */
export interface InstanceBatch {
  readonly action: InstanceAction;
  /** Distinct server ids, 1 to 10. */
  readonly instanceIds: readonly string[];
  /** REMOVE: delete the servers a group built (never those added by hand). */
  readonly deleteInstances: boolean;
  /** ENTER_STANDBY: keep the desired number, so that new instances replace them. */
  readonly append: boolean;
}

/** An instance as listed: what it is at the moment read, and its group's name. */
export interface ListedInstance {
  readonly view: InstanceView;
  readonly groupName: string;
}

/**
 * The rules of a group's instances (the cloud's instance API): list them, remove one, and the
 * batch actions. Every change runs in one transaction holding the group's row, with the
 * activity it records; one that cannot be done as a whole is refused as a whole, with the
 * cloud's code naming the instance and why.
 */
export class InstanceService {
  readonly #store: ResourceStore;
  readonly #now: () => number;
  readonly #options: ScalingOptions;

  constructor(store: ResourceStore, now: () => number, options: ScalingOptions) {
    this.#store = store;
    this.#now = now;
    this.#options = options;
  }

  /** A page of the group's instances as they are now, oldest first, and how many match. */
  async list(
    projectId: string,
    groupId: string,
    filter: InstanceFilter,
    paging: Paging,
  ): Promise<{ total: number; instances: ListedInstance[] }> {
    const nowMs = this.#now();
    return this.#store.resourceRead(async (tx) => {
      const group = await tx.groups.get(projectId, groupId);
      if (group === undefined) throw apiErrors.instanceGroupNotFound(groupId);
      const { views } = await groupInstances(tx, group, nowMs);
      const matching = views.filter(
        (v) =>
          (filter.state === undefined || v.state === filter.state) &&
          (filter.health === undefined || v.health === filter.health) &&
          (filter.protectedFromScaleIn === undefined ||
            v.instance.protectedFromScaleIn === filter.protectedFromScaleIn),
      );
      return {
        total: matching.length,
        instances: matching
          .slice(paging.startNumber, paging.startNumber + paging.limit)
          .map((view) => ({ view, groupName: group.name })),
      };
    });
  }

  /**
   * Removes one instance from its group (`DELETE scaling_group_instance/{id}`): an INSERVICE
   * one, when no scaling action is under way and the group keeps its minimum; the desired
   * number drops by one. `deleteInstance` deletes the server too, unless it was added by hand.
   */
  async remove(projectId: string, instanceId: string, deleteInstance: boolean): Promise<void> {
    await this.#store.resourceSession(async (tx) => {
      const found = await tx.instances.get(projectId, instanceId);
      const nowMs = this.#now();
      if (found === undefined || instanceAt(found, nowMs) === undefined) {
        throw apiErrors.instanceNotFound(instanceId);
      }
      const group = await this.#lockGroup(tx, projectId, found.groupId);
      await this.#removeInstances(tx, group, [instanceId], deleteInstance, nowMs);
    });
  }

  /** One of the batch actions on the group's instances; all of them or none. */
  async batch(projectId: string, groupId: string, batch: InstanceBatch): Promise<void> {
    await this.#store.resourceSession(async (tx) => {
      const group = await this.#lockGroup(tx, projectId, groupId);
      const nowMs = this.#now();
      switch (batch.action) {
        case 'ADD':
          return this.#add(tx, group, batch.instanceIds, nowMs);
        case 'REMOVE':
          return this.#removeInstances(tx, group, batch.instanceIds, batch.deleteInstances, nowMs);
        case 'PROTECT':
        case 'UNPROTECT':
          return this.#protect(tx, group, batch.instanceIds, batch.action === 'PROTECT', nowMs);
        case 'ENTER_STANDBY':
          return this.#enterStandby(tx, group, batch.instanceIds, batch.append, nowMs);
        case 'EXIT_STANDBY':
          return this.#exitStandby(tx, group, batch.instanceIds, nowMs);
      }
    });
  }

  async #lockGroup(
    tx: ResourceTransaction,
    projectId: string,
    groupId: string,
  ): Promise<ScalingGroup> {
    const group = await tx.groups.lock(projectId, groupId);
    if (group === undefined) throw apiErrors.instanceGroupNotFound(groupId);
    return group;
  }

  /** The group's instances named by `ids`, each in `state`; refused as a whole otherwise. */
  #members(
    group: ScalingGroup,
    present: GroupInstances,
    ids: readonly string[],
    state: 'INSERVICE' | 'STANDBY',
  ): InstanceView[] {
    return ids.map((id) => {
      const view = present.views.find((v) => v.instance.id === id);
      if (view === undefined) throw apiErrors.instanceNotInGroup(id, group.id);
      if (view.state !== state) throw apiErrors.instanceNotInState(id, view.state, state);
      return view;
    });
  }

  /** Manual changes wait for a scaling action under way to end, as the cloud's do. */
  #refuseWhileScaling(group: ScalingGroup, nowMs: number): void {
    if (isScaling(group, nowMs)) throw apiErrors.groupStatusForbids(group.id, 'scaling');
  }

  async #add(
    tx: ResourceTransaction,
    group: ScalingGroup,
    ids: readonly string[],
    nowMs: number,
  ): Promise<void> {
    if (group.status !== 'INSERVICE') throw apiErrors.groupStatusForbids(group.id, group.status);
    this.#refuseWhileScaling(group, nowMs);
    const present = await groupInstances(tx, group, nowMs);
    const added: ScalingInstance[] = [];
    for (const id of ids) {
      const server = await tx.servers.get(group.projectId, id, nowMs);
      if (server === undefined) throw apiErrors.instanceNotFound(id);
      const member = await tx.instances.get(group.projectId, id);
      if (member !== undefined && instanceAt(member, nowMs) !== undefined) {
        throw member.groupId === group.id
          ? apiErrors.instanceAlreadyInGroup(id)
          : apiErrors.instanceInOtherGroup(id, member.groupId);
      }
      // A server whose removal has settled but not been written down yet leaves now.
      if (member !== undefined) await tx.instances.delete(group.projectId, [id]);
      added.push({
        id,
        projectId: group.projectId,
        groupId: group.id,
        name: server.name,
        state: 'PENDING',
        settlesAt: nowMs + this.#options.instanceSettleMs,
        protectedFromScaleIn: false,
        deleteOnRemoval: false,
        createTime: nowMs,
      });
    }
    const desire = group.desireInstances + added.length;
    if (desire > group.maxInstances) {
      throw apiErrors.manualAddOverMax(present.active.length, added.length, group.maxInstances);
    }
    await tx.instances.insert(added);
    await this.#record(tx, group, desire, present, nowMs, 'MANUAL_ADD', {
      scalingValue: added.length,
      added: added.map(toActivityInstance),
    });
  }

  async #removeInstances(
    tx: ResourceTransaction,
    group: ScalingGroup,
    ids: readonly string[],
    deleteInstances: boolean,
    nowMs: number,
  ): Promise<void> {
    this.#refuseWhileScaling(group, nowMs);
    const present = await groupInstances(tx, group, nowMs);
    const members = this.#members(group, present, ids, 'INSERVICE');
    const desire = group.desireInstances - members.length;
    if (desire < group.minInstances) {
      throw apiErrors.manualRemoveUnderMin(
        present.active.length,
        members.length,
        group.minInstances,
      );
    }
    const settlesAt = nowMs + this.#options.instanceSettleMs;
    const removing = members.map((v): ScalingInstance => ({
      ...v.instance,
      state: 'REMOVING',
      settlesAt,
      // Servers added by hand are never deleted, as at the cloud.
      deleteOnRemoval: deleteInstances && v.instance.configurationId !== undefined,
    }));
    await tx.instances.update(removing);
    await this.#record(
      tx,
      group,
      desire,
      present,
      nowMs,
      deleteInstances ? 'MANUAL_DELETE' : 'MANUAL_REMOVE',
      {
        scalingValue: removing.length,
        removed: removing.filter((i) => !i.deleteOnRemoval).map(toActivityInstance),
        deleted: removing.filter((i) => i.deleteOnRemoval).map(toActivityInstance),
      },
    );
  }

  async #protect(
    tx: ResourceTransaction,
    group: ScalingGroup,
    ids: readonly string[],
    protect: boolean,
    nowMs: number,
  ): Promise<void> {
    const present = await groupInstances(tx, group, nowMs);
    const members = this.#members(group, present, ids, 'INSERVICE');
    await tx.instances.update(
      members.map((v) => ({ ...v.instance, protectedFromScaleIn: protect })),
    );
  }

  async #enterStandby(
    tx: ResourceTransaction,
    group: ScalingGroup,
    ids: readonly string[],
    append: boolean,
    nowMs: number,
  ): Promise<void> {
    this.#refuseWhileScaling(group, nowMs);
    const present = await groupInstances(tx, group, nowMs);
    const members = this.#members(group, present, ids, 'INSERVICE');
    const desire = append ? group.desireInstances : group.desireInstances - members.length;
    if (desire < group.minInstances) {
      throw apiErrors.manualRemoveUnderMin(
        present.active.length,
        members.length,
        group.minInstances,
      );
    }
    const standby = members.map((v): ScalingInstance => ({ ...v.instance, state: 'STANDBY' }));
    await tx.instances.update(standby);
    const recorded = await this.#record(tx, group, desire, present, nowMs, 'ENTER_STANDBY', {
      scalingValue: standby.length,
      standby: standby.map(toActivityInstance),
    });
    // With instance_append, new instances take the place of those put in standby.
    if (append) {
      const { group: followed } = await followDesired(
        tx,
        recorded,
        nowMs,
        { type: 'NORMAL', reason: { changeReason: 'DIFF' } },
        this.#options,
      );
      await tx.groups.update(followed);
    }
  }

  async #exitStandby(
    tx: ResourceTransaction,
    group: ScalingGroup,
    ids: readonly string[],
    nowMs: number,
  ): Promise<void> {
    this.#refuseWhileScaling(group, nowMs);
    const present = await groupInstances(tx, group, nowMs);
    const members = this.#members(group, present, ids, 'STANDBY');
    const desire = group.desireInstances + members.length;
    if (desire > group.maxInstances) {
      throw apiErrors.manualAddOverMax(present.active.length, members.length, group.maxInstances);
    }
    const back = members.map((v): ScalingInstance => ({ ...v.instance, state: 'INSERVICE' }));
    await tx.instances.update(back);
    await this.#record(tx, group, desire, present, nowMs, 'EXIT_STANDBY', {
      scalingValue: back.length,
      standby: back.map(toActivityInstance),
    });
  }

  /**
   * Records a manual change: the group's new desired number, scaling until the change settles,
   * and its activity. Returns the group as written.
   */
  async #record(
    tx: ResourceTransaction,
    group: ScalingGroup,
    desire: number,
    present: GroupInstances,
    nowMs: number,
    type: ActivityType,
    lists: Partial<Pick<ScalingActivity, 'added' | 'removed' | 'deleted' | 'standby'>> & {
      readonly scalingValue: number;
    },
  ): Promise<ScalingGroup> {
    const settlesAt = nowMs + this.#options.instanceSettleMs;
    const activity: ScalingActivity = {
      id: (this.#options.newId ?? randomUUID)(),
      projectId: group.projectId,
      groupId: group.id,
      status: 'DOING',
      type,
      startTime: nowMs,
      settlesAt,
      description: changeDescription([
        {
          changeReason: type,
          oldValue: group.desireInstances,
          newValue: desire,
          changeTime: nowMs,
        },
      ]),
      instanceValue: present.current,
      desireValue: desire,
      added: [],
      removed: [],
      deleted: [],
      failed: [],
      standby: [],
      ...lists,
    };
    await tx.activities.insert(activity);
    const changed: ScalingGroup = { ...group, desireInstances: desire, settlesAt };
    await tx.groups.update(changed);
    return changed;
  }
}
