import { apiErrors } from '../../errors/api-error.js';
import type { ScalingActivity } from '../../domain/scaling-activity.js';
import type { ActivityFilter, Paging, ResourceStore } from '../../store/resource-store.js';

/** A page of a group's activity log. */
export interface ActivityPage {
  readonly total: number;
  readonly activities: readonly ScalingActivity[];
}

/**
 * The scaling activity log of a group (AS v1 and v2): what the group's instances went
 * through, newest first, each activity as it is now (a DOING one has succeeded from its
 * `settlesAt`, whether or not the engine has written that down yet). The group must exist in
 * the caller's project: otherwise 400 AS.2007, as every group operation answers it, so
 * another project's group is not told apart from no group.
 */
export class ActivityService {
  readonly #store: ResourceStore;
  readonly #now: () => number;

  constructor(store: ResourceStore, now: () => number) {
    this.#store = store;
    this.#now = now;
  }

  list(
    projectId: string,
    groupId: string,
    filter: ActivityFilter,
    paging: Paging,
  ): Promise<ActivityPage> {
    return this.#store.resourceRead(async (tx) => {
      if ((await tx.groups.get(projectId, groupId)) === undefined) {
        throw apiErrors.groupNotFound(groupId);
      }
      return tx.activities.list(projectId, groupId, filter, paging, this.#now());
    });
  }
}
