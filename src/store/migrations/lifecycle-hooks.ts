import { sql } from 'kysely';
import type { ColumnDefinitionBuilder, Kysely } from 'kysely';
import type { Migration } from './migration.js';

/**
 * 0013: the lifecycle hooks of scaling groups, and the holds they place on instances, each
 * with its stored deadline, so that a timeout survives a restart and any server applies it.
 */
export const lifecycleHooks: Migration = {
  async up(db: Kysely<unknown>, backend: 'sqlite' | 'postgres'): Promise<void> {
    // Text keys order by their bytes on PostgreSQL too (see 0006_byte_order_keys).
    const text = (c: ColumnDefinitionBuilder): ColumnDefinitionBuilder =>
      backend === 'postgres' ? c.modifyFront(sql`collate "C"`) : c;
    const key = (c: ColumnDefinitionBuilder): ColumnDefinitionBuilder => text(c).notNull();
    await db.schema
      .createTable('lifecycle_hooks')
      .addColumn('project_id', 'varchar(64)', key)
      .addColumn('group_id', 'varchar(64)', key)
      .addColumn('name', 'varchar(32)', key)
      .addColumn('type', 'varchar(32)', key)
      .addColumn('default_result', 'varchar(16)', key)
      .addColumn('default_timeout', 'integer', (c) => c.notNull())
      .addColumn('topic_urn', 'varchar(255)', key)
      .addColumn('metadata', 'varchar(256)', text)
      .addColumn('create_time', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('lifecycle_hooks_pk', ['project_id', 'group_id', 'name'])
      .execute();
    await db.schema
      .createTable('lifecycle_hook_waits')
      .addColumn('action_key', 'varchar(64)', (c) => text(c).primaryKey())
      .addColumn('project_id', 'varchar(64)', key)
      .addColumn('group_id', 'varchar(64)', key)
      .addColumn('instance_id', 'varchar(64)', key)
      .addColumn('hook_name', 'varchar(32)', key)
      .addColumn('hook_type', 'varchar(32)', key)
      .addColumn('default_result', 'varchar(16)', key)
      .addColumn('timeout_at', 'bigint', (c) => c.notNull())
      .addColumn('status', 'varchar(16)', key)
      .addColumn('activity_id', 'varchar(64)', key)
      .addColumn('create_time', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('lifecycle_hook_waits_group')
      .on('lifecycle_hook_waits')
      .columns(['project_id', 'group_id', 'instance_id'])
      .execute();
    // The engine finds the holds whose deadline has come by this.
    await db.schema
      .createIndex('lifecycle_hook_waits_due')
      .on('lifecycle_hook_waits')
      .columns(['status', 'timeout_at'])
      .execute();
  },
};
