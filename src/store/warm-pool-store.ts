import type { PooledInstance, WarmPool } from '../domain/warm-pool.js';
import type { UnixMs } from '../domain/unix-time.js';

/**
 * Groups' warm pools and their instances: the resource transaction's `warmPools`. A pool is
 * addressed by its group; the caller holds the group's row while it changes the pool.
 */
export interface WarmPoolRepository {
  get(projectId: string, groupId: string): Promise<WarmPool | undefined>;
  /** Creates the group's pool or replaces its settings (its instances stay). */
  put(pool: WarmPool): Promise<void>;
  /** Deletes the pool row (not its instances); true when there was one. */
  delete(projectId: string, groupId: string): Promise<boolean>;
  /** The pool's instances, oldest first. */
  instances(projectId: string, groupId: string): Promise<PooledInstance[]>;
  /**
   * A page of the pool's instances, oldest first, after the one whose id is `marker` (from
   * the first when absent), and whether more follow. Undefined when `marker` is not one of
   * the pool's instances.
   */
  page(
    projectId: string,
    groupId: string,
    marker: string | undefined,
    limit: number,
  ): Promise<{ instances: PooledInstance[]; more: boolean } | undefined>;
  insertInstances(instances: readonly PooledInstance[]): Promise<void>;
  /** Deletes these pool instances of the project (their servers are the caller's). */
  deleteInstances(projectId: string, ids: readonly string[]): Promise<void>;
  /** Sets when the group's pool is due to be refilled, when it has one. */
  markDue(projectId: string, groupId: string, at: UnixMs): Promise<void>;
  /** The pools due to be refilled at `nowMs`, earliest first. */
  due(
    nowMs: UnixMs,
    limit: number,
  ): Promise<{ projectId: string; groupId: string; dueAt: UnixMs }[]>;
  /**
   * Clears a pool's refill time, only if it is still `dueAt`. True for exactly one of the
   * transactions that try: the one that refills the pool.
   */
  claimRefill(projectId: string, groupId: string, dueAt: UnixMs): Promise<boolean>;
}
