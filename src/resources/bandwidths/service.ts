import { randomUUID } from 'node:crypto';
import { apiErrors } from '../../errors/api-error.js';
import type { ApiError } from '../../errors/api-error.js';
import type { Bandwidth, BandwidthUpdate, NewBandwidth } from '../../domain/bandwidth.js';
import type { ResourceStore, Paging } from '../../store/resource-store.js';

/**
 * The rules of bandwidths, for bandwidth scaling policies: Scalelog stands in for the VPC
 * service. A resize stays within the bounds the bandwidth was created with; a bandwidth that
 * a policy still targets, or that an execution is under way on, is not deleted (409 AS.0003).
 * An unknown bandwidth is 404 AS.0007 ("The requested resource [...] could not be found.").
 */
export class BandwidthService {
  readonly #store: ResourceStore;
  readonly #now: () => number;

  constructor(store: ResourceStore, now: () => number) {
    this.#store = store;
    this.#now = now;
  }

  async create(projectId: string, fields: NewBandwidth): Promise<Bandwidth> {
    const bandwidth: Bandwidth = {
      ...fields,
      id: randomUUID(),
      projectId,
      createTime: this.#now(),
    };
    await this.#store.resourceSession((tx) => tx.bandwidths.insert(bandwidth));
    return bandwidth;
  }

  /** A page of the project's bandwidths, newest first, and how many there are. */
  async list(
    projectId: string,
    paging: Paging,
  ): Promise<{ total: number; bandwidths: Bandwidth[] }> {
    return this.#store.resourceRead((tx) => tx.bandwidths.list(projectId, paging));
  }

  async show(projectId: string, id: string): Promise<Bandwidth> {
    const bandwidth = await this.#store.resourceRead((tx) => tx.bandwidths.get(projectId, id));
    if (bandwidth === undefined) throw missing(id);
    return bandwidth;
  }

  /**
   * Renames or resizes a bandwidth; a new size must stay within its bounds. It reads, checks
   * and writes under the bandwidth's lock: an execution resizing it at the same time goes
   * before or after this, never in between.
   */
  async update(projectId: string, id: string, update: BandwidthUpdate): Promise<Bandwidth> {
    return this.#store.resourceSession(async (tx) => {
      const bandwidth = await tx.bandwidths.lock(projectId, id);
      if (bandwidth === undefined) throw missing(id);
      const next = applyUpdate(bandwidth, update);
      if (next.name !== bandwidth.name || next.size !== bandwidth.size) {
        await tx.bandwidths.update(next);
      }
      return next;
    });
  }

  /** Deletes a bandwidth that no policy targets and no execution is under way on. */
  async delete(projectId: string, id: string): Promise<void> {
    await this.#store.resourceSession(async (tx) => {
      // Locked, so that an execution cannot start on it between the checks and the delete.
      const bandwidth = await tx.bandwidths.lock(projectId, id);
      if (bandwidth === undefined) throw missing(id);
      const policies = await tx.policies.countOf(projectId, id);
      if (policies > 0) {
        throw apiErrors.resourceInUse(
          'bandwidth',
          id,
          `${String(policies)} scaling ${policies === 1 ? 'policy targets' : 'policies target'} it. Delete ${policies === 1 ? 'that policy' : 'those policies'} first.`,
        );
      }
      const running = await tx.executions.ofResource('BANDWIDTH', id);
      if (running !== undefined) {
        throw apiErrors.resourceInUse(
          'bandwidth',
          id,
          `an execution of policy ${running.policyId} is under way on it. Wait for it to finish.`,
        );
      }
      await tx.bandwidths.delete(projectId, id);
    });
  }
}

const missing = (id: string): ApiError => apiErrors.resourceMissing('bandwidth', id);

/** `bandwidth` with `update` applied: a new size must stay within the bandwidth's bounds. */
function applyUpdate(bandwidth: Bandwidth, update: BandwidthUpdate): Bandwidth {
  const { size } = update;
  if (size !== undefined && (size < bandwidth.minSize || size > bandwidth.maxSize)) {
    throw apiErrors.badRequestBody(
      `bandwidth.size ${String(size)} is outside this bandwidth's range [${String(bandwidth.minSize)}, ${String(bandwidth.maxSize)}] Mbit/s (its min_size and max_size, set when it was created).`,
    );
  }
  return {
    ...bandwidth,
    ...(update.name === undefined ? {} : { name: update.name }),
    ...(size === undefined ? {} : { size }),
  };
}
