import { sql } from 'kysely';
import type { Selectable } from 'kysely';
import type { ScalingConfiguration } from '../../domain/scaling-configuration.js';
import type { ConfigurationFilter, ConfigurationRepository, Paging } from '../resource-store.js';
import type { ScalingConfigurationsTable } from '../schema.js';
import { listResources, resourceCrud } from './resource-table.js';
import type { Mutable, ResourceDb, ResourceQuery } from './resource-table.js';

// Scaling configurations: the resource transaction's `configurations` (see
// `ConfigurationRepository`).

function rowToConfiguration(row: Selectable<ScalingConfigurationsTable>): ScalingConfiguration {
  const c: Mutable<ScalingConfiguration> = {
    id: row.id,
    projectId: row.project_id,
    name: row.name,
    instanceConfig: JSON.parse(row.instance_config) as Record<string, unknown>,
    createTime: row.create_time,
  };
  if (row.image_id !== null) c.imageId = row.image_id;
  return c;
}

function configurationToRow(c: ScalingConfiguration): ScalingConfigurationsTable {
  return {
    id: c.id,
    project_id: c.projectId,
    name: c.name,
    image_id: c.imageId ?? null,
    instance_config: JSON.stringify(c.instanceConfig),
    create_time: c.createTime,
  };
}

const configurationCrud = resourceCrud(
  'scaling_configurations',
  configurationToRow,
  rowToConfiguration,
);

async function listConfigurations(
  r: ResourceDb,
  projectId: string,
  filter: ConfigurationFilter,
  paging: Paging,
): Promise<{ total: number; configurations: ScalingConfiguration[] }> {
  const where = (query: ResourceQuery): ResourceQuery => {
    let q = query;
    if (filter.nameContains !== undefined && filter.nameContains !== '') {
      // replace() compares exactly on both engines, where LIKE ignores case on SQLite only.
      q = q.where(sql<boolean>`replace(name, ${filter.nameContains}, '') <> name`);
    }
    if (filter.imageId !== undefined) q = q.where('image_id', '=', filter.imageId);
    return q;
  };
  const { total, rows } = await listResources(
    r,
    'scaling_configurations',
    projectId,
    where,
    paging,
  );
  return { total, configurations: rows.map(rowToConfiguration) };
}

async function countConfigurations(r: ResourceDb, projectId: string): Promise<number> {
  const { total } = await r.db
    .selectFrom('scaling_configurations')
    .where('project_id', '=', projectId)
    .select((eb) => eb.fn.countAll<number>().as('total'))
    .executeTakeFirstOrThrow();
  return total;
}

async function configurationNames(
  r: ResourceDb,
  projectId: string,
  ids: readonly string[],
): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await r.db
    .selectFrom('scaling_configurations')
    .where('project_id', '=', projectId)
    .where('id', 'in', [...new Set(ids)])
    .select(['id', 'name'])
    .execute();
  return new Map(rows.map((row) => [row.id, row.name]));
}

async function lockProject(r: ResourceDb, projectId: string): Promise<void> {
  // Without a key lock, the write transaction already excludes every other writer.
  await r.lockKey?.(r.db, `scaling_configurations/${projectId}`);
}

/** The configuration repository of a session's connection. */
export const configurationRepository = (r: ResourceDb): ConfigurationRepository => ({
  ...configurationCrud(r),
  list: (projectId, filter, paging) => listConfigurations(r, projectId, filter, paging),
  count: (projectId) => countConfigurations(r, projectId),
  names: (projectId, ids) => configurationNames(r, projectId, ids),
  lockProject: (projectId) => lockProject(r, projectId),
});
