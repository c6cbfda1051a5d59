import { apiErrors } from '../../errors/api-error.js';
import { matchesTagQuery, maxTagsPerResource, tagsByKey } from '../../domain/resource-tag.js';
import type {
  ResourceTag,
  TagQuery,
  TagResourceType,
  TagToDelete,
} from '../../domain/resource-tag.js';
import type { ScalingGroup } from '../../domain/scaling-group.js';
import type { ResourceStore, ResourceTransaction } from '../../store/resource-store.js';

/** A resource the query found: its id, name and tags (newest first). */
export interface TaggedResource {
  readonly id: string;
  readonly name: string;
  readonly tags: readonly ResourceTag[];
}

/** Where a page of the query starts and how long it is. */
export interface TagQueryPage {
  readonly offset: number;
  readonly limit: number;
}

/**
 * The rules of tags on resources (the cloud's tag API): create (a key the resource has takes
 * the new value), delete, the lists of a resource's and of a project's tags, and the query
 * of resources by tag. Tags are on resources that exist in the project: each change holds
 * the resource's row, so a resource deleted at the same time takes its tags with it.
 */
export class TagService {
  readonly #store: ResourceStore;
  readonly #now: () => number;

  constructor(store: ResourceStore, now: () => number) {
    this.#store = store;
    this.#now = now;
  }

  /** Adds tags (keys distinct) to the resource: at most 10 keys on it afterwards (AS.7045). */
  async create(
    projectId: string,
    resourceType: TagResourceType,
    resourceId: string,
    tags: readonly ResourceTag[],
  ): Promise<void> {
    await this.#store.resourceSession(async (tx) => {
      await lockResource(tx, projectId, resourceType, resourceId);
      const stored = await tx.tags.ofResource(projectId, resourceType, resourceId);
      const keys = new Set([...stored.map((t) => t.key), ...tags.map((t) => t.key)]);
      if (keys.size > maxTagsPerResource) {
        throw apiErrors.tagsTooMany(
          `The resource would have ${String(keys.size)} tags (it has ${String(stored.length)}): at most ${String(maxTagsPerResource)}.`,
        );
      }
      await tx.tags.put(projectId, resourceType, resourceId, tags, this.#now());
    });
  }

  /** Deletes tags of the resource by key (and value, where given); others are passed over. */
  async delete(
    projectId: string,
    resourceType: TagResourceType,
    resourceId: string,
    tags: readonly TagToDelete[],
  ): Promise<void> {
    await this.#store.resourceSession(async (tx) => {
      await lockResource(tx, projectId, resourceType, resourceId);
      await tx.tags.remove(projectId, resourceType, resourceId, tags);
    });
  }

  /** The resource's tags, in the order first created. */
  async ofResource(
    projectId: string,
    resourceType: TagResourceType,
    resourceId: string,
  ): Promise<ResourceTag[]> {
    return this.#store.resourceRead(async (tx) => {
      const found = await tx.groups.get(projectId, resourceId);
      if (found === undefined) throw apiErrors.groupNotFound(resourceId);
      return tx.tags.ofResource(projectId, resourceType, resourceId);
    });
  }

  /** The project's tags of the resource type: each key once, with its distinct values. */
  async ofProject(
    projectId: string,
    resourceType: TagResourceType,
  ): Promise<{ key: string; values: string[] }[]> {
    const tags = await this.#store.resourceRead((tx) => tx.tags.ofProject(projectId, resourceType));
    return tagsByKey(tags);
  }

  /**
   * The project's resources of the type that the query keeps, newest first, with their tags
   * newest first: how many in all, and the page asked for.
   */
  async query(
    projectId: string,
    resourceType: TagResourceType,
    query: TagQuery,
    page: TagQueryPage,
  ): Promise<{ total: number; resources: TaggedResource[] }> {
    const matching = await this.#store.resourceRead(async (tx) => {
      const groups = await allGroups(tx, projectId);
      const tags = await tx.tags.ofProject(projectId, resourceType);
      const byResource = new Map<string, ResourceTag[]>();
      for (const { resourceId, key, value } of tags) {
        const list = byResource.get(resourceId) ?? [];
        list.push({ key, value });
        byResource.set(resourceId, list);
      }
      return groups
        .map((g) => ({ id: g.id, name: g.name, tags: (byResource.get(g.id) ?? []).reverse() }))
        .filter((resource) => matchesTagQuery(resource, query));
    });
    return {
      total: matching.length,
      resources: matching.slice(page.offset, page.offset + page.limit),
    };
  }
}

/** The resource the tags are on, held until the session ends: 400 AS.2007 when unknown. */
async function lockResource(
  tx: ResourceTransaction,
  projectId: string,
  resourceType: TagResourceType,
  resourceId: string,
): Promise<ScalingGroup> {
  // The one resource type with tags is the scaling group.
  resourceType satisfies 'scaling_group_tag';
  const group = await tx.groups.lock(projectId, resourceId);
  if (group === undefined) throw apiErrors.groupNotFound(resourceId);
  return group;
}

/** Every group of the project, newest first. */
async function allGroups(tx: ResourceTransaction, projectId: string): Promise<ScalingGroup[]> {
  const count = await tx.groups.count(projectId);
  if (count === 0) return [];
  const { groups } = await tx.groups.list(projectId, {}, { startNumber: 0, limit: count });
  return groups;
}
