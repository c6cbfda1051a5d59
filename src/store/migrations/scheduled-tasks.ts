import { sql } from 'kysely';
import type { ColumnDefinitionBuilder, Kysely } from 'kysely';
import type { Migration } from './migration.js';

/** 0012: the scheduled tasks of scaling groups, with the time each fires next. */
export const scheduledTasks: Migration = {
  async up(db: Kysely<unknown>, backend: 'sqlite' | 'postgres'): Promise<void> {
    // Text keys order by their bytes on PostgreSQL too (see 0006_byte_order_keys).
    const text = (c: ColumnDefinitionBuilder): ColumnDefinitionBuilder =>
      backend === 'postgres' ? c.modifyFront(sql`collate "C"`) : c;
    const key = (c: ColumnDefinitionBuilder): ColumnDefinitionBuilder => text(c).notNull();
    await db.schema
      .createTable('scheduled_tasks')
      .addColumn('id', 'varchar(64)', (c) => text(c).primaryKey())
      .addColumn('project_id', 'varchar(64)', key)
      .addColumn('group_id', 'varchar(64)', key)
      .addColumn('name', 'varchar(255)', key)
      .addColumn('scheduled_policy', 'text', (c) => c.notNull())
      .addColumn('instance_number', 'text', (c) => c.notNull())
      .addColumn('create_time', 'bigint', (c) => c.notNull())
      .addColumn('update_time', 'bigint', (c) => c.notNull())
      .addColumn('next_fire_at', 'bigint')
      .execute();
    // A group's tasks in list order: a page is a range of this index.
    await db.schema
      .createIndex('scheduled_tasks_group')
      .on('scheduled_tasks')
      .columns(['project_id', 'group_id', 'create_time', 'id'])
      .execute();
    // The engine finds the due tasks by this.
    await db.schema
      .createIndex('scheduled_tasks_due')
      .on('scheduled_tasks')
      .columns(['next_fire_at'])
      .execute();
  },
};
