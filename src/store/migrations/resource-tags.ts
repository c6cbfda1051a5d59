import { sql } from 'kysely';
import type { ColumnDefinitionBuilder, Kysely } from 'kysely';
import type { Migration } from './migration.js';

/** 0010: the tags of resources (the tag API: AS groups' tags). */
export const resourceTags: Migration = {
  async up(db: Kysely<unknown>, backend: 'sqlite' | 'postgres'): Promise<void> {
    // Text keys order by their bytes on PostgreSQL too (see 0006_byte_order_keys).
    const key = (c: ColumnDefinitionBuilder): ColumnDefinitionBuilder =>
      (backend === 'postgres' ? c.modifyFront(sql`collate "C"`) : c).notNull();
    // One row per tag; the primary key keeps a key once per resource, and its prefix
    // (project, resource type) serves the project's tag list and the resource query.
    await db.schema
      .createTable('resource_tags')
      .addColumn('project_id', 'varchar(64)', key)
      .addColumn('resource_type', 'varchar(32)', key)
      .addColumn('resource_id', 'varchar(64)', key)
      .addColumn('tag_key', 'varchar(64)', key)
      .addColumn('tag_value', 'varchar(64)', key)
      .addColumn('position', 'integer', (c) => c.notNull())
      .addColumn('create_time', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('resource_tags_pk', [
        'project_id',
        'resource_type',
        'resource_id',
        'tag_key',
      ])
      .execute();
  },
};
