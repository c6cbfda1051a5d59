import type { UnixMs } from './unix-time.js';

/**
 * A scaling group, as far as scaling needs one: bounds, the desired number of instances and
 * when a change of its instances settles. Its instances are rows of their own
 * (`ScalingInstance`), which follow the desired number (`engine/group-scaling.ts`).
 */

export const groupStatuses = ['INSERVICE', 'PAUSED', 'ERROR', 'DELETING', 'FREEZED'] as const;
export type GroupStatus = (typeof groupStatuses)[number];

/** The cloud's bounds on instance numbers. */
export const maxInstanceLimit = 300;
/** Group cooldown, in seconds: the cloud's range and default. */
export const maxGroupCoolDownSeconds = 86_400;
export const defaultGroupCoolDownSeconds = 300;

export interface ScalingGroup {
  readonly id: string;
  readonly projectId: string;
  readonly name: string;
  readonly status: GroupStatus;
  readonly minInstances: number;
  readonly maxInstances: number;
  readonly desireInstances: number;
  /** When the running instances reach the desired number (Unix ms); absent once they have. */
  readonly settlesAt?: UnixMs;
  readonly coolDownSeconds: number;
  /** When the last scaling action completed (Unix ms): the group's cooldown starts there. */
  readonly lastScaledAt?: UnixMs;
  /** Unix ms. */
  readonly createTime: UnixMs;
  /**
   * Every other field the cloud accepts for a group (configuration, networks, load balancers,
   * health check, tags...), kept as the client sent it and returned unchanged.
   */
  readonly attributes: Readonly<Record<string, unknown>>;
}

/** What a client sets on a group, when it creates it and when it updates it. */
export type GroupFields = Pick<
  ScalingGroup,
  'name' | 'minInstances' | 'maxInstances' | 'desireInstances' | 'coolDownSeconds' | 'attributes'
>;

/**
 * `group` with `desire` as its desired number from `nowMs`, scaling until `settleMs` later,
 * when its instances have followed.
 *
 * A desired number equal to the present one is no change, and `group` is returned as it is.
 * `evenIfUnchanged` starts the change all the same,
 * for a policy execution, which acts even when its plan lands where the group already is (an
 * ADD of a percentage of 0 instances): the execution stays EXECUTING until `settleMs` later,
 * and the group says it is scaling for as long.
 */
export function setDesiredInstances(
  group: ScalingGroup,
  desire: number,
  nowMs: number,
  settleMs: number,
  options: { readonly evenIfUnchanged?: boolean } = {},
): ScalingGroup {
  if (desire === group.desireInstances && options.evenIfUnchanged !== true) return group;
  return {
    ...group,
    desireInstances: desire,
    settlesAt: nowMs + settleMs,
  };
}

/** Whether an instance change is still under way at `nowMs`. */
export function isScaling(group: ScalingGroup, nowMs: number): boolean {
  return group.settlesAt !== undefined && nowMs < group.settlesAt;
}

/** When the group's cooldown ends (Unix ms), or undefined when it is not cooling down. */
export function coolDownEndsAt(group: ScalingGroup, nowMs: number): number | undefined {
  if (group.lastScaledAt === undefined) return undefined;
  const ends = group.lastScaledAt + group.coolDownSeconds * 1000;
  return nowMs < ends ? ends : undefined;
}
