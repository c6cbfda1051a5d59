import type { UnixMs } from './unix-time.js';

/**
 * An instance of a scaling group. Scalelog runs no servers: an instance is a stand-in server
 * (see `StandInServer`) that belongs to a group and goes through the cloud's life-cycle states
 * on the settle delay. States that change with time are stored with the time they change at
 * (`settlesAt`), and {@link instanceAt} reads what the instance is at any moment, so every
 * read agrees whether or not the engine has written the change down yet.
 */

/** The life-cycle states of the cloud, and Scalelog's standby state. */
export const lifeCycleStates = [
  'INSERVICE',
  'PENDING',
  'REMOVING',
  'PENDING_WAIT',
  'REMOVING_WAIT',
  'STANDBY',
] as const;
export type LifeCycleState = (typeof lifeCycleStates)[number];

export const healthStatuses = ['INITIALIZING', 'NORMAL', 'ERROR'] as const;
export type HealthStatus = (typeof healthStatuses)[number];

/** How a group picks the instances a scale-in removes (`instance_terminate_policy`). */
export const terminatePolicies = [
  'OLD_CONFIG_OLD_INSTANCE',
  'OLD_CONFIG_NEW_INSTANCE',
  'OLD_INSTANCE',
  'NEW_INSTANCE',
] as const;
export type TerminatePolicy = (typeof terminatePolicies)[number];
export const defaultTerminatePolicy: TerminatePolicy = 'OLD_CONFIG_OLD_INSTANCE';

export interface ScalingInstance {
  /** The stand-in server's id: an instance is in at most one group. */
  readonly id: string;
  readonly projectId: string;
  readonly groupId: string;
  readonly name: string;
  /** The configuration it was built from; absent for an instance added by hand. */
  readonly configurationId?: string;
  readonly configurationName?: string;
  /** The state as stored; {@link instanceAt} gives the state at a moment. */
  readonly state: LifeCycleState;
  /** When a PENDING instance comes into service, or a REMOVING one is gone (Unix ms). */
  readonly settlesAt?: UnixMs;
  readonly protectedFromScaleIn: boolean;
  /** Whether its server is deleted when it leaves the group (never for one added by hand). */
  readonly deleteOnRemoval: boolean;
  /** When it joined the group (Unix ms). */
  readonly createTime: UnixMs;
}

/** An instance as it is at a moment: its state and health. */
export interface InstanceView {
  readonly instance: ScalingInstance;
  readonly state: LifeCycleState;
  readonly health: HealthStatus;
}

/**
 * What `instance` is at `nowMs`: a PENDING instance is INSERVICE from `settlesAt`, and a
 * REMOVING one is gone (undefined).
 */
export function instanceAt(instance: ScalingInstance, nowMs: number): InstanceView | undefined {
  const settled = instance.settlesAt === undefined || nowMs >= instance.settlesAt;
  if (instance.state === 'REMOVING' && settled) return undefined;
  const state: LifeCycleState =
    instance.state === 'PENDING' && settled ? 'INSERVICE' : instance.state;
  const health: HealthStatus =
    state === 'PENDING' || state === 'PENDING_WAIT' ? 'INITIALIZING' : 'NORMAL';
  return { instance: { ...instance, state }, state, health };
}

/**
 * Whether an instance in `state` counts in the group's `current_instance_number`: the ones in
 * service and the ones still being removed, as the number of instances running before a
 * change is the number until it settles; not the ones being added, nor those in standby.
 */
export const countsAsCurrent = (state: LifeCycleState): boolean =>
  state === 'INSERVICE' || state === 'REMOVING' || state === 'REMOVING_WAIT';

/**
 * Whether an instance in `state` counts toward the group's desired number: every instance a
 * change has not taken out (standby instances are out of it, as the cloud lowers the desired
 * number when it puts instances in standby).
 */
export const countsTowardDesired = (state: LifeCycleState): boolean =>
  state === 'INSERVICE' || state === 'PENDING' || state === 'PENDING_WAIT';

/**
 * The order in which a scale-in removes instances under `policy`: first the ones built from
 * a configuration other than `configurationId` (for the OLD_CONFIG policies), then the oldest
 * or the newest; instances added by hand go last, as at the cloud. Ties break by id.
 */
export function removalOrder(
  instances: readonly ScalingInstance[],
  policy: TerminatePolicy,
  configurationId: string | undefined,
): ScalingInstance[] {
  const oldConfig = (i: ScalingInstance): number =>
    i.configurationId !== undefined && i.configurationId !== configurationId ? 0 : 1;
  const manual = (i: ScalingInstance): number => (i.configurationId === undefined ? 1 : 0);
  const newestFirst = policy === 'NEW_INSTANCE' || policy === 'OLD_CONFIG_NEW_INSTANCE';
  const byConfig = policy === 'OLD_CONFIG_OLD_INSTANCE' || policy === 'OLD_CONFIG_NEW_INSTANCE';
  return [...instances].sort(
    (a, b) =>
      manual(a) - manual(b) ||
      (byConfig ? oldConfig(a) - oldConfig(b) : 0) ||
      (newestFirst ? b.createTime - a.createTime : a.createTime - b.createTime) ||
      (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
}

const nameAlphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/**
 * The name of an instance built from the configuration named `configurationName`: the
 * cloud's pattern, that name, a dash and 8 capitals or digits (`as-config-bblh-ONQE551S`).
 * `random` gives numbers in [0, 1).
 */
export function instanceName(configurationName: string, random: () => number): string {
  let suffix = '';
  for (let i = 0; i < 8; i += 1) {
    suffix += nameAlphabet[Math.floor(random() * nameAlphabet.length)] ?? 'A';
  }
  return `${configurationName}-${suffix}`;
}

/** The most instances one batch action takes. */
export const maxBatchInstances = 10;
