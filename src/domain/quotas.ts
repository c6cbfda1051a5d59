/**
 * The AS quotas: how many of each resource a project, a group or a bandwidth may have. The
 * cloud grants its defaults and raises them on request up to a ceiling; Scalelog takes the
 * quota from its settings, which may go past that ceiling (a test suite that never cleans up
 * its groups), and then answers the setting as the ceiling too.
 */

/** The quota types of the cloud's quota answers, in the order it lists them. */
export const quotaTypes = [
  'scaling_Group',
  'scaling_Config',
  'scaling_Policy',
  'scaling_Instance',
  'bandwidth_scaling_policy',
] as const;
export type QuotaType = (typeof quotaTypes)[number];

/** The quotas in force: one number per type. */
export interface QuotaLimits {
  /** Groups per project (`scaling_Group`): past it, group create is AS.2023. */
  readonly groupQuota: number;
  /** Configurations per project (`scaling_Config`): AS.1024. */
  readonly configurationQuota: number;
  /** Policies per group (`scaling_Policy`): AS.3032. */
  readonly groupPolicyQuota: number;
  /** Instances per group (`scaling_Instance`): a larger maximum number is AS.2045. */
  readonly groupInstanceQuota: number;
  /** Policies per bandwidth (`bandwidth_scaling_policy`): AS.3032. */
  readonly bandwidthPolicyQuota: number;
}

/** Which setting holds each type's quota. */
export const quotaSettings: { readonly [T in QuotaType]: keyof QuotaLimits } = {
  scaling_Group: 'groupQuota',
  scaling_Config: 'configurationQuota',
  scaling_Policy: 'groupPolicyQuota',
  scaling_Instance: 'groupInstanceQuota',
  bandwidth_scaling_policy: 'bandwidthPolicyQuota',
};

/** The cloud's default quotas (its quota page's example). */
export const defaultQuotaLimits: QuotaLimits = Object.freeze({
  groupQuota: 25,
  configurationQuota: 100,
  groupPolicyQuota: 50,
  groupInstanceQuota: 200,
  bandwidthPolicyQuota: 10,
});

/** The most the cloud grants of each (`max` in its answers); the lower limit is 0. */
export const quotaCeilings: QuotaLimits = Object.freeze({
  groupQuota: 50,
  configurationQuota: 200,
  groupPolicyQuota: 50,
  groupInstanceQuota: 1000,
  bandwidthPolicyQuota: 100,
});

/** One line of a quota answer: `used` is -1 where the cloud does not count (see the service). */
export interface QuotaUsage {
  readonly type: QuotaType;
  readonly used: number;
  readonly quota: number;
  readonly max: number;
  readonly min: number;
}

/**
 * The line of `type` with `used`, at the quota `limits` set: `max` is the cloud's ceiling, or
 * the quota where a setting goes past it, so that a quota is never above its `max`.
 */
export function quotaUsage(type: QuotaType, used: number, limits: QuotaLimits): QuotaUsage {
  const setting = quotaSettings[type];
  const quota = limits[setting];
  return { type, used, quota, max: Math.max(quota, quotaCeilings[setting]), min: 0 };
}

/** The largest value a quota setting takes. */
export const maxQuotaSetting = 1_000_000;
