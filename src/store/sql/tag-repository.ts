import type { ResourceTag, TagResourceType, TagToDelete } from '../../domain/resource-tag.js';
import type { UnixMs } from '../../domain/unix-time.js';
import type { StoredTag, TagRepository } from '../resource-store.js';
import type { ResourceDb } from './resource-table.js';

// Tags on resources: the resource transaction's `tags` (see `TagRepository`).

function ofResourceQuery(
  r: ResourceDb,
  projectId: string,
  resourceType: TagResourceType,
  resourceId: string,
) {
  return r.db
    .selectFrom('resource_tags')
    .where('project_id', '=', projectId)
    .where('resource_type', '=', resourceType)
    .where('resource_id', '=', resourceId);
}

async function ofResource(
  r: ResourceDb,
  projectId: string,
  resourceType: TagResourceType,
  resourceId: string,
): Promise<ResourceTag[]> {
  const rows = await ofResourceQuery(r, projectId, resourceType, resourceId)
    .select(['tag_key', 'tag_value'])
    .orderBy('position')
    .execute();
  return rows.map((row) => ({ key: row.tag_key, value: row.tag_value }));
}

async function ofProject(
  r: ResourceDb,
  projectId: string,
  resourceType: TagResourceType,
): Promise<StoredTag[]> {
  const rows = await r.db
    .selectFrom('resource_tags')
    .select(['resource_id', 'tag_key', 'tag_value'])
    .where('project_id', '=', projectId)
    .where('resource_type', '=', resourceType)
    .orderBy('create_time')
    .orderBy('resource_id')
    .orderBy('position')
    .execute();
  return rows.map((row) => ({
    resourceId: row.resource_id,
    key: row.tag_key,
    value: row.tag_value,
  }));
}

async function put(
  r: ResourceDb,
  projectId: string,
  resourceType: TagResourceType,
  resourceId: string,
  tags: readonly ResourceTag[],
  nowMs: UnixMs,
): Promise<void> {
  const stored = await ofResourceQuery(r, projectId, resourceType, resourceId)
    .select(['tag_key', 'position'])
    .execute();
  const have = new Set(stored.map((row) => row.tag_key));
  let last = Math.max(0, ...stored.map((row) => row.position));
  const added = [];
  for (const tag of tags) {
    if (have.has(tag.key)) {
      await r.db
        .updateTable('resource_tags')
        .set({ tag_value: tag.value })
        .where('project_id', '=', projectId)
        .where('resource_type', '=', resourceType)
        .where('resource_id', '=', resourceId)
        .where('tag_key', '=', tag.key)
        .execute();
      continue;
    }
    last += 1;
    added.push({
      project_id: projectId,
      resource_type: resourceType,
      resource_id: resourceId,
      tag_key: tag.key,
      tag_value: tag.value,
      position: last,
      create_time: nowMs,
    });
  }
  if (added.length > 0) await r.db.insertInto('resource_tags').values(added).execute();
}

async function remove(
  r: ResourceDb,
  projectId: string,
  resourceType: TagResourceType,
  resourceId: string,
  tags: readonly TagToDelete[],
): Promise<number> {
  let deleted = 0n;
  for (const tag of tags) {
    let query = r.db
      .deleteFrom('resource_tags')
      .where('project_id', '=', projectId)
      .where('resource_type', '=', resourceType)
      .where('resource_id', '=', resourceId)
      .where('tag_key', '=', tag.key);
    if (tag.value !== undefined) query = query.where('tag_value', '=', tag.value);
    const result = await query.executeTakeFirst();
    deleted += result.numDeletedRows;
  }
  return Number(deleted);
}

async function deleteOf(
  r: ResourceDb,
  projectId: string,
  resourceType: TagResourceType,
  resourceId: string,
): Promise<number> {
  const result = await r.db
    .deleteFrom('resource_tags')
    .where('project_id', '=', projectId)
    .where('resource_type', '=', resourceType)
    .where('resource_id', '=', resourceId)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

export function tagRepository(r: ResourceDb): TagRepository {
  return {
    ofResource: (projectId, resourceType, resourceId) =>
      ofResource(r, projectId, resourceType, resourceId),
    ofProject: (projectId, resourceType) => ofProject(r, projectId, resourceType),
    put: (projectId, resourceType, resourceId, tags, nowMs) =>
      put(r, projectId, resourceType, resourceId, tags, nowMs),
    remove: (projectId, resourceType, resourceId, tags) =>
      remove(r, projectId, resourceType, resourceId, tags),
    deleteOf: (projectId, resourceType, resourceId) =>
      deleteOf(r, projectId, resourceType, resourceId),
  };
}
