import { sql } from 'kysely';
import type { ColumnDefinitionBuilder, Kysely } from 'kysely';
import type { Migration } from './migration.js';

/**
 * 0014: groups' warm pools and the instances in them (each a stand-in server of `servers`,
 * which it shares its id with once it joins the group).
 */
export const warmPools: Migration = {
  async up(db: Kysely<unknown>, backend: 'sqlite' | 'postgres'): Promise<void> {
    // Text keys order by their bytes on PostgreSQL too (see 0006_byte_order_keys).
    const text = (c: ColumnDefinitionBuilder): ColumnDefinitionBuilder =>
      backend === 'postgres' ? c.modifyFront(sql`collate "C"`) : c;
    const key = (c: ColumnDefinitionBuilder): ColumnDefinitionBuilder => text(c).notNull();
    await db.schema
      .createTable('warm_pools')
      .addColumn('project_id', 'varchar(64)', key)
      .addColumn('group_id', 'varchar(64)', key)
      .addColumn('capacity', 'integer')
      .addColumn('instance_init_wait_seconds', 'integer', (c) => c.notNull())
      .addColumn('status', 'varchar(16)', key)
      .addColumn('create_time', 'bigint', (c) => c.notNull())
      .addColumn('refill_at', 'bigint')
      .addPrimaryKeyConstraint('warm_pools_pk', ['project_id', 'group_id'])
      .execute();
    // The engine finds the pools due to be refilled by this.
    await db.schema
      .createIndex('warm_pools_refill')
      .on('warm_pools')
      .columns(['refill_at'])
      .execute();
    await db.schema
      .createTable('warm_pool_instances')
      .addColumn('id', 'varchar(64)', (c) => text(c).primaryKey())
      .addColumn('server_id', 'varchar(64)', (c) => text(c).notNull().unique())
      .addColumn('project_id', 'varchar(64)', key)
      .addColumn('group_id', 'varchar(64)', key)
      .addColumn('name', 'varchar(255)', key)
      .addColumn('configuration_id', 'varchar(64)', key)
      .addColumn('configuration_name', 'varchar(64)', key)
      .addColumn('create_time', 'bigint', (c) => c.notNull())
      .addColumn('ready_at', 'bigint', (c) => c.notNull())
      .execute();
    // A pool's instances in list order (the marker is a position in it).
    await db.schema
      .createIndex('warm_pool_instances_group')
      .on('warm_pool_instances')
      .columns(['project_id', 'group_id', 'create_time', 'id'])
      .execute();
  },
};
