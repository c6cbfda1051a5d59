import { apiErrors } from '../../errors/api-error.js';
import { endHold } from '../../engine/lifecycle-hooks.js';
import type { ScalingOptions } from '../../engine/group-scaling.js';
import { withNote } from '../../engine/lifecycle-hold.js';
import {
  defaultHookResult,
  defaultHookTimeoutSeconds,
  hookExtendMs,
  maxHooksPerGroup,
} from '../../domain/lifecycle-hook.js';
import type {
  CallbackResult,
  HookDefaultResult,
  HookType,
  HookWait,
  LifecycleHook,
} from '../../domain/lifecycle-hook.js';
import { isScaling } from '../../domain/scaling-group.js';
import type { ScalingGroup } from '../../domain/scaling-group.js';
import { formatWireTimeMs } from '../../domain/wire-time.js';
import type { ResourceStore, ResourceTransaction } from '../../store/resource-store.js';

/** What a create sets; the defaults filled in by the service. */
export interface HookFields {
  readonly name: string;
  readonly type: HookType;
  readonly defaultResult?: HookDefaultResult;
  readonly defaultTimeoutSeconds?: number;
  readonly topicUrn: string;
  readonly metadata?: string;
}

/** What an update may change: any of these, the others kept. */
export type HookChanges = Partial<Omit<HookFields, 'name'>>;

/** A callback as read from its body: the hold by its key, or by instance and hook name. */
export interface HookCallback {
  readonly actionKey?: string;
  readonly instanceId?: string;
  readonly hookName?: string;
  readonly result: CallbackResult;
}

/**
 * The rules of a group's lifecycle hooks (the cloud's `scaling_lifecycle_hook` and
 * `scaling_instance_hook` APIs): at most five per group, names unique in a group; a hook is
 * not deleted while it or another holds an instance of the group (the reference: not while a
 * scaling action is under way); callbacks end or extend a HANGING hold. What a hold does to
 * its instance is the engine's (`engine/lifecycle-hooks.ts`).
 */
export class LifecycleHookService {
  readonly #store: ResourceStore;
  readonly #now: () => number;
  readonly #options: ScalingOptions;

  constructor(store: ResourceStore, now: () => number, options: ScalingOptions) {
    this.#store = store;
    this.#now = now;
    this.#options = options;
  }

  async create(projectId: string, groupId: string, fields: HookFields): Promise<LifecycleHook> {
    return this.#store.resourceSession(async (tx) => {
      await this.#lockGroup(tx, projectId, groupId);
      const hooks = await tx.lifecycleHooks.ofGroup(projectId, groupId);
      if (hooks.some((h) => h.name === fields.name)) {
        throw apiErrors.hookNameExists(groupId, fields.name);
      }
      if (hooks.length >= maxHooksPerGroup) throw apiErrors.hooksTooMany(groupId);
      const hook: LifecycleHook = {
        projectId,
        groupId,
        name: fields.name,
        type: fields.type,
        defaultResult: fields.defaultResult ?? defaultHookResult,
        defaultTimeoutSeconds: fields.defaultTimeoutSeconds ?? defaultHookTimeoutSeconds,
        topicUrn: fields.topicUrn,
        ...(fields.metadata === undefined ? {} : { metadata: fields.metadata }),
        // Hooks hold an instance in the order they were created: no two share a moment.
        createTime: Math.max(this.#now(), ...hooks.map((h) => h.createTime + 1)),
      };
      await tx.lifecycleHooks.insert(hook);
      return hook;
    });
  }

  async show(projectId: string, groupId: string, name: string): Promise<LifecycleHook> {
    return this.#store.resourceRead(async (tx) => {
      const group = await tx.groups.get(projectId, groupId);
      if (group === undefined) throw apiErrors.groupNotFound(groupId);
      const hook = await tx.lifecycleHooks.get(projectId, groupId, name);
      if (hook === undefined) throw apiErrors.hookNotFound(groupId, name);
      return hook;
    });
  }

  async list(projectId: string, groupId: string): Promise<LifecycleHook[]> {
    return this.#store.resourceRead(async (tx) => {
      const group = await tx.groups.get(projectId, groupId);
      if (group === undefined) throw apiErrors.groupNotFound(groupId);
      return tx.lifecycleHooks.ofGroup(projectId, groupId);
    });
  }

  /**
   * Changes a hook. Holds it has begun keep the default result and deadline they began with;
   * the next holds take the new ones.
   */
  async update(
    projectId: string,
    groupId: string,
    name: string,
    changes: HookChanges,
  ): Promise<LifecycleHook> {
    return this.#store.resourceSession(async (tx) => {
      await this.#lockGroup(tx, projectId, groupId);
      const hook = await tx.lifecycleHooks.get(projectId, groupId, name);
      if (hook === undefined) throw apiErrors.hookNotFound(groupId, name);
      const updated: LifecycleHook = {
        ...hook,
        ...(changes.type === undefined ? {} : { type: changes.type }),
        ...(changes.defaultResult === undefined ? {} : { defaultResult: changes.defaultResult }),
        ...(changes.defaultTimeoutSeconds === undefined
          ? {}
          : { defaultTimeoutSeconds: changes.defaultTimeoutSeconds }),
        ...(changes.topicUrn === undefined ? {} : { topicUrn: changes.topicUrn }),
        ...(changes.metadata === undefined ? {} : { metadata: changes.metadata }),
      };
      await tx.lifecycleHooks.update(updated);
      return updated;
    });
  }

  /** Deletes a hook; refused (AS.2033) while a scaling action of the group is under way. */
  async delete(projectId: string, groupId: string, name: string): Promise<void> {
    await this.#store.resourceSession(async (tx) => {
      const group = await this.#lockGroup(tx, projectId, groupId);
      const hook = await tx.lifecycleHooks.get(projectId, groupId, name);
      if (hook === undefined) throw apiErrors.hookNotFound(groupId, name);
      const held = await tx.lifecycleHooks.countHanging(projectId, groupId);
      if (held > 0 || isScaling(group, this.#now())) {
        throw apiErrors.groupStatusForbids(groupId, 'scaling');
      }
      await tx.lifecycleHooks.delete(projectId, groupId, name);
    });
  }

  /** The group's holds on its instances (only `instanceId`'s when given), oldest first. */
  async holds(projectId: string, groupId: string, instanceId?: string): Promise<HookWait[]> {
    return this.#store.resourceRead(async (tx) => {
      const group = await tx.groups.get(projectId, groupId);
      if (group === undefined) throw apiErrors.groupNotFound(groupId);
      return tx.lifecycleHooks.waitsOfGroup(projectId, groupId, instanceId);
    });
  }

  /**
   * Ends or extends a HANGING hold (AS.7042 for none). The action key wins when both ways of
   * naming the hold are given. A hold found past its deadline has timed out: its default
   * result applies, and the callback is refused as the hold is no longer HANGING.
   */
  async callback(projectId: string, groupId: string, callback: HookCallback): Promise<void> {
    const outcome = await this.#store.resourceSession(async (tx) => {
      const group = await this.#lockGroup(tx, projectId, groupId);
      const nowMs = this.#now();
      const wait = await this.#findHold(tx, group, callback);
      if (wait === undefined) return 'none' as const;
      if (wait.timeoutAt <= nowMs) {
        await endHold(tx, group, wait, wait.defaultResult, nowMs, 'timeout', this.#options);
        return 'timed-out' as const;
      }
      if (callback.result === 'EXTEND') {
        const timeoutAt = wait.timeoutAt + hookExtendMs;
        if (!(await tx.lifecycleHooks.extendWait(wait.actionKey, wait.timeoutAt, timeoutAt))) {
          return 'none' as const;
        }
        const activity = await tx.activities.get(projectId, wait.activityId);
        if (activity !== undefined) {
          const note = `Lifecycle hook ${wait.hookName}: the hold on instance ${wait.instanceId} extended by callback until ${formatWireTimeMs(timeoutAt)}.`;
          await tx.activities.update({
            ...activity,
            description: withNote(activity.description, note),
          });
        }
        return 'done' as const;
      }
      const ended = await endHold(
        tx,
        group,
        wait,
        callback.result,
        nowMs,
        'callback',
        this.#options,
      );
      return ended ? ('done' as const) : ('none' as const);
    });
    if (outcome === 'none') {
      throw apiErrors.hookCallbackObjectNotFound(
        `No lifecycle hook holds ${describeTarget(callback)} in the scaling group ${groupId} (HANGING).`,
      );
    }
    if (outcome === 'timed-out') {
      throw apiErrors.hookCallbackObjectNotFound(
        `The hold on ${describeTarget(callback)} had reached its timeout: its default result was applied.`,
      );
    }
  }

  async #findHold(
    tx: ResourceTransaction,
    group: ScalingGroup,
    callback: HookCallback,
  ): Promise<HookWait | undefined> {
    if (callback.actionKey !== undefined) {
      const wait = await tx.lifecycleHooks.waitByKey(group.projectId, group.id, callback.actionKey);
      return wait?.status === 'HANGING' ? wait : undefined;
    }
    if (callback.instanceId === undefined || callback.hookName === undefined) return undefined;
    const waits = await tx.lifecycleHooks.waitsOfGroup(
      group.projectId,
      group.id,
      callback.instanceId,
    );
    return waits.find((w) => w.hookName === callback.hookName && w.status === 'HANGING');
  }

  async #lockGroup(
    tx: ResourceTransaction,
    projectId: string,
    groupId: string,
  ): Promise<ScalingGroup> {
    const group = await tx.groups.lock(projectId, groupId);
    if (group === undefined) throw apiErrors.groupNotFound(groupId);
    return group;
  }
}

function describeTarget(callback: HookCallback): string {
  return callback.actionKey !== undefined
    ? `lifecycle_action_key ${callback.actionKey}`
    : `instance ${callback.instanceId ?? ''} by hook ${callback.hookName ?? ''}`;
}
