import type { ScalingGroup } from './scaling-group.js';
import type { UnixMs } from './unix-time.js';

/**
 * A group's warm pool: stand-in servers built from the group's configuration ahead of need,
 * kept beside the group, that a scale-out takes before it builds any. A pool instance is
 * INITIALIZING until its server is built and its initialization wait has passed, then READY.
 * Pool instances are not the group's: they count in none of its numbers.
 */

/** The pool's own status: a pool that exists is ACTIVE (closing it deletes it at once). */
export const warmPoolStatuses = ['ACTIVE'] as const;
export type WarmPoolStatus = (typeof warmPoolStatuses)[number];

/** The states of a pool instance. */
export const pooledInstanceStatuses = ['INITIALIZING', 'READY'] as const;
export type PooledInstanceStatus = (typeof pooledInstanceStatuses)[number];

/** The largest `instance_init_wait_time` (seconds): one day. */
export const maxInstanceInitWaitSeconds = 86_400;
/** `instance_init_wait_time` when the request leaves it out. */
export const defaultInstanceInitWaitSeconds = 0;

export interface WarmPool {
  readonly projectId: string;
  readonly groupId: string;
  /**
   * The pool's size when the client set it (`min_capacity`, equal to `max_capacity`);
   * absent: the group's maximum less its desired number.
   */
  readonly capacity?: number;
  /** Seconds a pool instance waits, once built, before it is READY. */
  readonly instanceInitWaitSeconds: number;
  readonly status: WarmPoolStatus;
  readonly createTime: UnixMs;
  /** When the pool is due to be brought back to its size (Unix ms); absent: not due. */
  readonly refillAt?: UnixMs;
}

export interface PooledInstance {
  /** The pool instance's own id. */
  readonly id: string;
  /** The stand-in server's id: the instance id it keeps when it joins the group. */
  readonly serverId: string;
  readonly projectId: string;
  readonly groupId: string;
  readonly name: string;
  readonly configurationId: string;
  readonly configurationName: string;
  readonly createTime: UnixMs;
  /** From when it is READY (Unix ms). */
  readonly readyAt: UnixMs;
}

/** What a pool instance is at `nowMs`. */
export const pooledInstanceStatus = (i: PooledInstance, nowMs: number): PooledInstanceStatus =>
  nowMs >= i.readyAt ? 'READY' : 'INITIALIZING';

/**
 * How many instances the pool keeps for `group`: the size the client set (at most the group's
 * maximum, which may have been lowered since), else the group's maximum less its desired
 * number (never below 0).
 */
export const warmPoolTarget = (pool: WarmPool, group: ScalingGroup): number =>
  pool.capacity === undefined
    ? Math.max(0, group.maxInstances - group.desireInstances)
    : Math.min(pool.capacity, group.maxInstances);

/**
 * The order in which a scale-out takes pool instances: READY ones first, then those ready
 * soonest; ties by age, then id.
 */
export function takeOrder(instances: readonly PooledInstance[], nowMs: number): PooledInstance[] {
  const rank = (i: PooledInstance): number => (pooledInstanceStatus(i, nowMs) === 'READY' ? 0 : 1);
  return [...instances].sort(
    (a, b) =>
      rank(a) - rank(b) ||
      a.readyAt - b.readyAt ||
      a.createTime - b.createTime ||
      (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
}

/**
 * The activity description of a scale-out that took `fromPool` instances from the warm pool:
 * the cloud's JSON reasons with `warm_pool_instance_number` added, or the sentence with one
 * more saying so. Unchanged when none came from the pool.
 */
export function withWarmPoolNote(description: string, fromPool: number): string {
  if (fromPool === 0) return description;
  try {
    const parsed: unknown = JSON.parse(description);
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) {
      return JSON.stringify({ ...parsed, warm_pool_instance_number: fromPool });
    }
  } catch {
    // A sentence, not JSON: the note is another sentence.
  }
  const note = `${String(fromPool)} instance${fromPool === 1 ? '' : 's'} came from the warm pool.`;
  return description === '' ? note : `${description} ${note}`;
}
