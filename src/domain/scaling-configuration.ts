import type { UnixMs } from './unix-time.js';

/**
 * A scaling configuration: the template of the instances a scaling group adds. Scalelog runs
 * no instances, so the instance configuration is kept as the client sent it (in the cloud's
 * field names), checked only in form, and returned as it was kept.
 */
export interface ScalingConfiguration {
  readonly id: string;
  readonly projectId: string;
  readonly name: string;
  /** The image the instances boot from (`imageRef`), which the list filters on. */
  readonly imageId?: string;
  /** `instance_config` as checked: the cloud's field names, nulls left out. */
  readonly instanceConfig: Readonly<Record<string, unknown>>;
  /** Unix ms. */
  readonly createTime: UnixMs;
}

/** The configuration a create request describes, before it has an id, a project and a time. */
export type NewScalingConfiguration = Omit<ScalingConfiguration, 'id' | 'projectId' | 'createTime'>;

/** The most configurations one batch delete takes. */
export const maxBatchDeleteConfigurations = 50;
