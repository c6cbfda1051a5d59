import type { UnixMs } from './unix-time.js';

/**
 * A stand-in for a cloud server (ECS). Scalelog runs no servers; these are what instances
 * are: the ones a group builds from its configuration, and the ones a client creates through
 * Scalelog's own endpoint to add to a group by hand (batch ADD needs servers that exist).
 */
export interface StandInServer {
  readonly id: string;
  readonly projectId: string;
  readonly name: string;
  /** The configuration a group built it from; absent for one created by a client. */
  readonly configurationId?: string;
  /** Unix ms. */
  readonly createTime: UnixMs;
}
