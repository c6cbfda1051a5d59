import type { UnixMs } from './unix-time.js';

/**
 * A bandwidth that bandwidth policies resize. Scalelog stands in for the VPC service here: a
 * bandwidth is created through Scalelog's own API and read and resized at the cloud's VPC
 * paths (`/v1/{project_id}/bandwidths/{bandwidth_id}`).
 */

export const bandwidthShareTypes = ['PER', 'WHOLE'] as const;
export type BandwidthShareType = (typeof bandwidthShareTypes)[number];

/** The VPC service's size range for a bandwidth, in Mbit/s. */
export const minBandwidthSize = 1;
export const maxBandwidthSize = 2000;

export interface Bandwidth {
  readonly id: string;
  readonly projectId: string;
  readonly name: string;
  /** Mbit/s. */
  readonly size: number;
  /** The bounds a resize must stay within, in Mbit/s. */
  readonly minSize: number;
  readonly maxSize: number;
  /** PER: dedicated to one EIP; WHOLE: shared. */
  readonly shareType: BandwidthShareType;
  /** The EIP it serves, when dedicated; bandwidth logs carry both in `meta_data`. */
  readonly eipId?: string;
  readonly eipAddress?: string;
  /** Unix ms. */
  readonly createTime: UnixMs;
}

/** The bandwidth a create request describes, before it has an id, a project and a time. */
export type NewBandwidth = Omit<Bandwidth, 'id' | 'projectId' | 'createTime'>;

/** What an update changes; absent fields stay as they are. */
export interface BandwidthUpdate {
  readonly name?: string;
  readonly size?: number;
}
