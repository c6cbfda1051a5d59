import { apiErrors } from '../../errors/api-error.js';
import type { ScalingOptions } from '../../engine/group-scaling.js';
import { closeWarmPool, fillWarmPool } from '../../engine/warm-pool.js';
import { pooledInstanceStatus, warmPoolTarget } from '../../domain/warm-pool.js';
import type { PooledInstanceStatus, WarmPool } from '../../domain/warm-pool.js';
import type { PooledInstance } from '../../domain/warm-pool.js';
import type { ResourceStore } from '../../store/resource-store.js';

/** A put's settings, as read from its body. */
export interface WarmPoolSettings {
  /** The pool's size; absent: the group's maximum less its desired number. */
  readonly capacity?: number;
  readonly instanceInitWaitSeconds: number;
}

/** A pool as shown: its settings and the size it keeps now. */
export interface WarmPoolView {
  readonly pool: WarmPool;
  readonly size: number;
}

/** A pool instance as listed: what it is at the moment read. */
export interface ListedPoolInstance {
  readonly instance: PooledInstance;
  readonly status: PooledInstanceStatus;
}

/**
 * The rules of a group's warm pool (the cloud's warm pool API, old and new paths alike): put
 * (create or replace its settings, and bring it to its size at once), show, close (its
 * instances and their servers go) and list its instances. Every change holds the group's row.
 */
export class WarmPoolService {
  readonly #store: ResourceStore;
  readonly #now: () => number;
  readonly #options: ScalingOptions;

  constructor(store: ResourceStore, now: () => number, options: ScalingOptions) {
    this.#store = store;
    this.#now = now;
    this.#options = options;
  }

  /**
   * Enables the group's pool or changes its settings, and fills or trims it to its size now.
   * A size above the group's maximum is 400 AS.0022; an unknown group 400 AS.2007.
   */
  async put(projectId: string, groupId: string, settings: WarmPoolSettings): Promise<void> {
    const nowMs = this.#now();
    await this.#store.resourceSession(async (tx) => {
      const group = await tx.groups.lock(projectId, groupId);
      if (group === undefined) throw apiErrors.groupNotFound(groupId);
      if (settings.capacity !== undefined && settings.capacity > group.maxInstances) {
        throw apiErrors.badRequestBody(
          `The warm pool's capacity ${String(settings.capacity)} is above the group's max_instance_number ${String(group.maxInstances)}.`,
        );
      }
      const existing = await tx.warmPools.get(projectId, groupId);
      const pool: WarmPool = {
        projectId,
        groupId,
        ...(settings.capacity === undefined ? {} : { capacity: settings.capacity }),
        instanceInitWaitSeconds: settings.instanceInitWaitSeconds,
        status: 'ACTIVE',
        createTime: existing?.createTime ?? nowMs,
      };
      await tx.warmPools.put(pool);
      await fillWarmPool(tx, group, pool, nowMs, this.#options);
    });
  }

  /** The group's pool, undefined when it has none; an unknown group is 400 AS.2007. */
  async show(projectId: string, groupId: string): Promise<WarmPoolView | undefined> {
    return this.#store.resourceRead(async (tx) => {
      const group = await tx.groups.get(projectId, groupId);
      if (group === undefined) throw apiErrors.groupNotFound(groupId);
      const pool = await tx.warmPools.get(projectId, groupId);
      return pool === undefined ? undefined : { pool, size: warmPoolTarget(pool, group) };
    });
  }

  /** Closes the group's pool, deleting its instances' servers; none is no change. */
  async close(projectId: string, groupId: string): Promise<void> {
    await this.#store.resourceSession(async (tx) => {
      const group = await tx.groups.lock(projectId, groupId);
      if (group === undefined) throw apiErrors.groupNotFound(groupId);
      await closeWarmPool(tx, projectId, groupId);
    });
  }

  /**
   * A page of the pool's instances as they are now, oldest first, after `marker` (a pool
   * instance id; unknown: 400 AS.0022), and the marker of the next page when one follows.
   */
  async listInstances(
    projectId: string,
    groupId: string,
    marker: string | undefined,
    limit: number,
  ): Promise<{ instances: ListedPoolInstance[]; nextMarker?: string }> {
    const nowMs = this.#now();
    return this.#store.resourceRead(async (tx) => {
      const group = await tx.groups.get(projectId, groupId);
      if (group === undefined) throw apiErrors.groupNotFound(groupId);
      const page = await tx.warmPools.page(projectId, groupId, marker, limit);
      if (page === undefined) {
        throw apiErrors.badRequestBody(
          `Invalid marker ${JSON.stringify(marker)}: no instance of this group's warm pool has that id.`,
        );
      }
      const instances = page.instances.map((instance) => ({
        instance,
        status: pooledInstanceStatus(instance, nowMs),
      }));
      const last = page.instances.at(-1);
      return page.more && last !== undefined ? { instances, nextMarker: last.id } : { instances };
    });
  }
}
