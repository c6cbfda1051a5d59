import { sql } from 'kysely';
import type { ColumnDefinitionBuilder, Kysely } from 'kysely';
import type { Migration } from './migration.js';

/**
 * 0009: the instances of scaling groups, the stand-in servers they are, and the scaling
 * activities (the activity log). In a file of its own, as each migration from here on.
 */
export const instancesAndActivities: Migration = {
  async up(db: Kysely<unknown>, backend: 'sqlite' | 'postgres'): Promise<void> {
    // Text keys order by their bytes on PostgreSQL too (see 0006_byte_order_keys).
    const text = (c: ColumnDefinitionBuilder): ColumnDefinitionBuilder =>
      backend === 'postgres' ? c.modifyFront(sql`collate "C"`) : c;
    const key = (c: ColumnDefinitionBuilder): ColumnDefinitionBuilder => text(c).notNull();
    await db.schema
      .createTable('servers')
      .addColumn('id', 'varchar(64)', (c) => text(c).primaryKey())
      .addColumn('project_id', 'varchar(64)', key)
      .addColumn('name', 'varchar(255)', key)
      .addColumn('configuration_id', 'varchar(64)', text)
      .addColumn('create_time', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('servers_project')
      .on('servers')
      .columns(['project_id', 'create_time', 'id'])
      .execute();
    // The primary key on the server's id keeps a server in one group at most, across
    // every server on the store.
    await db.schema
      .createTable('scaling_instances')
      .addColumn('id', 'varchar(64)', (c) => text(c).primaryKey())
      .addColumn('project_id', 'varchar(64)', key)
      .addColumn('group_id', 'varchar(64)', key)
      .addColumn('name', 'varchar(255)', key)
      .addColumn('configuration_id', 'varchar(64)', text)
      .addColumn('configuration_name', 'varchar(64)', text)
      .addColumn('life_cycle_state', 'varchar(16)', key)
      .addColumn('settles_at', 'bigint')
      .addColumn('protected', 'integer', (c) => c.notNull())
      .addColumn('delete_on_removal', 'integer', (c) => c.notNull())
      .addColumn('create_time', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('scaling_instances_group')
      .on('scaling_instances')
      .columns(['project_id', 'group_id', 'create_time', 'id'])
      .execute();
    // The engine finds the instances whose change is due by this.
    await db.schema
      .createIndex('scaling_instances_settles')
      .on('scaling_instances')
      .columns(['settles_at'])
      .execute();
    await db.schema
      .createTable('scaling_activities')
      .addColumn('id', 'varchar(64)', (c) => text(c).primaryKey())
      .addColumn('project_id', 'varchar(64)', key)
      .addColumn('group_id', 'varchar(64)', key)
      .addColumn('status', 'varchar(16)', key)
      .addColumn('type', 'varchar(32)', key)
      .addColumn('start_time', 'bigint', (c) => c.notNull())
      .addColumn('end_time', 'bigint')
      .addColumn('settles_at', 'bigint')
      .addColumn('description', 'text', (c) => c.notNull())
      .addColumn('instance_value', 'integer', (c) => c.notNull())
      .addColumn('desire_value', 'integer', (c) => c.notNull())
      .addColumn('scaling_value', 'integer', (c) => c.notNull())
      .addColumn('instances', 'text', (c) => c.notNull())
      .execute();
    // A group's log, newest first: a page is a range of this index, whatever the store holds.
    await db.schema
      .createIndex('scaling_activities_group')
      .on('scaling_activities')
      .columns(['project_id', 'group_id', 'start_time', 'id'])
      .execute();
    await db.schema
      .createIndex('scaling_activities_settles')
      .on('scaling_activities')
      .columns(['settles_at'])
      .execute();
  },
};
