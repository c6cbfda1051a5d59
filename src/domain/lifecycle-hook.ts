import type { UnixMs } from './unix-time.js';

/**
 * A group's lifecycle hooks and the instances they hold. A hook of type INSTANCE_LAUNCHING
 * holds each instance a scale-out builds in PENDING_WAIT, one of type INSTANCE_TERMINATING
 * each instance a scale-in picks in REMOVING_WAIT, until a callback or the hook's timeout
 * moves it on. Each hold is a {@link HookWait} with its own action key and deadline, stored,
 * so that any server on the store can apply the timeout once.
 */

export const hookTypes = ['INSTANCE_TERMINATING', 'INSTANCE_LAUNCHING'] as const;
export type HookType = (typeof hookTypes)[number];

/** What a hook does at its timeout (`default_result`). */
export const hookDefaultResults = ['ABANDON', 'CONTINUE'] as const;
export type HookDefaultResult = (typeof hookDefaultResults)[number];

/** What a callback may ask (`lifecycle_action_result`). */
export const callbackResults = ['ABANDON', 'CONTINUE', 'EXTEND'] as const;
export type CallbackResult = (typeof callbackResults)[number];

/** A hold's status as the hook instance list shows it (`lifecycle_hook_status`). */
export const hookWaitStatuses = ['HANGING', 'CONTINUE', 'ABANDON'] as const;
export type HookWaitStatus = (typeof hookWaitStatuses)[number];

/** The reference: up to five hooks per group. */
export const maxHooksPerGroup = 5;
/** Letters, digits, underscores and hyphens, at most 32. */
export const hookNamePattern = /^[A-Za-z0-9_-]{1,32}$/;
export const minHookTimeoutSeconds = 60;
export const maxHookTimeoutSeconds = 86_400;
export const defaultHookTimeoutSeconds = 3600;
export const defaultHookResult: HookDefaultResult = 'ABANDON';
export const maxHookMetadataLength = 256;
/** Characters `notification_metadata` may not hold. */
export const hookMetadataForbidden = /[<>&'()]/;
/** How long one EXTEND callback prolongs a hold: one hour, as the reference says. */
export const hookExtendMs = 3_600_000;

export interface LifecycleHook {
  readonly projectId: string;
  readonly groupId: string;
  /** Unique within its group. */
  readonly name: string;
  readonly type: HookType;
  readonly defaultResult: HookDefaultResult;
  readonly defaultTimeoutSeconds: number;
  readonly topicUrn: string;
  readonly metadata?: string;
  /** Unix ms; also the order in which a group's hooks hold an instance. */
  readonly createTime: UnixMs;
}

/** The topic's name in its URN: the text after the last colon (`urn:smn:region:project:name`). */
export function topicNameOf(urn: string): string {
  const at = urn.lastIndexOf(':');
  return at < 0 ? urn : urn.slice(at + 1);
}

/** One hook holding one instance. */
export interface HookWait {
  /** The lifecycle action key a callback names it by. */
  readonly actionKey: string;
  readonly projectId: string;
  readonly groupId: string;
  readonly instanceId: string;
  readonly hookName: string;
  readonly hookType: HookType;
  /** The hook's default result when the hold began. */
  readonly defaultResult: HookDefaultResult;
  /** When the default result applies (Unix ms), unless a callback comes first. */
  readonly timeoutAt: UnixMs;
  readonly status: HookWaitStatus;
  /** The scaling activity that added or removed the instance: DOING while it is held. */
  readonly activityId: string;
  /** Unix ms. */
  readonly createTime: UnixMs;
}
