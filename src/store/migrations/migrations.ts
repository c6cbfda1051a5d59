import { sql } from 'kysely';
import type { ColumnDefinitionBuilder, Kysely } from 'kysely';
import { instancesAndActivities } from './instances-and-activities.js';
import { lifecycleHooks } from './lifecycle-hooks.js';
import type { Migration } from './migration.js';
import { resourceTags } from './resource-tags.js';
import { scheduledTasks } from './scheduled-tasks.js';
import { notifications } from './notifications.js';
import { warmPools } from './warm-pools.js';

/**
 * Every schema change, in name order, written once for both backends. Never edit a
 * migration that has shipped: add a new one.
 */
export const migrations: Readonly<Record<string, Migration>> = {
  '0001_execution_logs': {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('execution_logs')
        .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
        .addColumn('project_id', 'varchar(64)', (c) => c.notNull())
        .addColumn('policy_id', 'varchar(64)', (c) => c.notNull())
        .addColumn('status', 'varchar(16)', (c) => c.notNull())
        .addColumn('failed_reason', 'text')
        .addColumn('execute_type', 'varchar(32)', (c) => c.notNull())
        .addColumn('execute_time', 'bigint', (c) => c.notNull())
        .addColumn('resource_type', 'varchar(32)', (c) => c.notNull())
        .addColumn('resource_id', 'varchar(64)', (c) => c.notNull())
        .addColumn('old_value', 'text')
        .addColumn('desire_value', 'text')
        .addColumn('limit_value', 'text')
        .addColumn('operation', 'varchar(16)')
        .addColumn('job_records', 'text', (c) => c.notNull())
        .addColumn('meta_data', 'text')
        .addColumn('recorded_at', 'bigint', (c) => c.notNull())
        .execute();
      // Each index leads with the policy and ends with the API's order (execute_time, id),
      // so a filter and the newest-first order are served by one index range, read backwards.
      // No index serves scaling_resource_type or scaling_resource_id: a policy acts on one
      // resource, so within a policy those filters match all of its logs or none, and
      // policy_log_counts answers "none" before any log is read. Every index costs import speed.
      await db.schema
        .createIndex('execution_logs_policy_time')
        .on('execution_logs')
        .columns(['project_id', 'policy_id', 'execute_time', 'id'])
        .execute();
      await db.schema
        .createIndex('execution_logs_policy_type_time')
        .on('execution_logs')
        .columns(['project_id', 'policy_id', 'execute_type', 'execute_time', 'id'])
        .execute();
      await db.schema
        .createTable('policy_log_counts')
        .addColumn('project_id', 'varchar(64)', (c) => c.notNull())
        .addColumn('policy_id', 'varchar(64)', (c) => c.notNull())
        .addColumn('resource_type', 'varchar(32)', (c) => c.notNull())
        .addColumn('resource_id', 'varchar(64)', (c) => c.notNull())
        .addColumn('execute_type', 'varchar(32)', (c) => c.notNull())
        .addColumn('log_count', 'bigint', (c) => c.notNull().defaultTo(sql`0`))
        .addPrimaryKeyConstraint('policy_log_counts_pk', [
          'project_id',
          'policy_id',
          'resource_type',
          'resource_id',
          'execute_type',
        ])
        .execute();
    },
  },
  '0002_credentials': {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('credentials')
        .addColumn('ak', 'varchar(64)', (c) => c.primaryKey())
        .addColumn('project_id', 'varchar(64)', (c) => c.notNull())
        .addColumn('sk_ciphertext', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('consecutive_failures', 'integer', (c) => c.notNull().defaultTo(sql`0`))
        .addColumn('locked_until', 'bigint')
        .execute();
      // `credentials list --project` reads one project's credentials in AK order.
      await db.schema
        .createIndex('credentials_project')
        .on('credentials')
        .columns(['project_id', 'ak'])
        .execute();
      await db.schema
        .createTable('tokens')
        .addColumn('token_hash', 'char(64)', (c) => c.primaryKey())
        .addColumn('project_id', 'varchar(64)', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .addColumn('revoked_at', 'bigint')
        .execute();
      await db.schema
        .createTable('store_settings')
        .addColumn('name', 'varchar(64)', (c) => c.primaryKey())
        .addColumn('value', 'text', (c) => c.notNull())
        .execute();
    },
  },
  '0003_policy_log_days': {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('policy_log_days')
        .addColumn('project_id', 'varchar(64)', (c) => c.notNull())
        .addColumn('policy_id', 'varchar(64)', (c) => c.notNull())
        .addColumn('day', 'bigint', (c) => c.notNull())
        .addColumn('execute_type', 'varchar(32)', (c) => c.notNull())
        .addColumn('log_count', 'bigint', (c) => c.notNull().defaultTo(sql`0`))
        .addPrimaryKeyConstraint('policy_log_days_pk', [
          'project_id',
          'policy_id',
          'day',
          'execute_type',
        ])
        .execute();
      // The logs already stored. The day is floored for times before 1970 too: both engines
      // truncate % and / towards zero.
      await sql`
        insert into policy_log_days (project_id, policy_id, day, execute_type, log_count)
        select project_id, policy_id,
               (execute_time - ((execute_time % 86400) + 86400) % 86400) / 86400,
               execute_type, count(*)
        from execution_logs
        group by 1, 2, 3, 4`.execute(db);
    },
  },
  '0004_project_policy_statistics': {
    async up(db: Kysely<unknown>, backend: 'sqlite' | 'postgres'): Promise<void> {
      // PostgreSQL multiplies the selectivities of project_id and policy_id as if they were
      // independent, while a policy belongs to one project: at 100,000 logs it expected 20
      // logs of a 1,000-log policy and read and sorted all of them instead of reading one
      // page of the index (1.6x slower). Declaring the dependency fixes the estimate.
      // SQLite's planner picks the index here anyway.
      if (backend !== 'postgres') return;
      await sql`create statistics execution_logs_project_policy (dependencies, ndistinct)
        on project_id, policy_id from execution_logs`.execute(db);
      await sql`analyze execution_logs`.execute(db);
    },
  },
  '0005_policy_engine': {
    async up(db: Kysely<unknown>): Promise<void> {
      // Times in Unix milliseconds. Fields the engine never looks at (a group's networks, a
      // policy's schedule as the client wrote it) are JSON text, returned as they came.
      await db.schema
        .createTable('scaling_groups')
        .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
        .addColumn('project_id', 'varchar(64)', (c) => c.notNull())
        .addColumn('name', 'varchar(64)', (c) => c.notNull())
        .addColumn('status', 'varchar(16)', (c) => c.notNull())
        .addColumn('min_instances', 'integer', (c) => c.notNull())
        .addColumn('max_instances', 'integer', (c) => c.notNull())
        .addColumn('desire_instances', 'integer', (c) => c.notNull())
        .addColumn('previous_instances', 'integer', (c) => c.notNull())
        .addColumn('settles_at', 'bigint')
        .addColumn('cool_down_seconds', 'integer', (c) => c.notNull())
        .addColumn('last_scaled_at', 'bigint')
        .addColumn('create_time', 'bigint', (c) => c.notNull())
        .addColumn('attributes', 'text', (c) => c.notNull())
        .execute();
      // The list API pages a project's groups newest first.
      await db.schema
        .createIndex('scaling_groups_project')
        .on('scaling_groups')
        .columns(['project_id', 'create_time', 'id'])
        .execute();
      await db.schema
        .createTable('bandwidths')
        .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
        .addColumn('project_id', 'varchar(64)', (c) => c.notNull())
        .addColumn('name', 'varchar(64)', (c) => c.notNull())
        .addColumn('size', 'integer', (c) => c.notNull())
        .addColumn('min_size', 'integer', (c) => c.notNull())
        .addColumn('max_size', 'integer', (c) => c.notNull())
        .addColumn('share_type', 'varchar(16)', (c) => c.notNull())
        .addColumn('eip_id', 'varchar(64)')
        .addColumn('eip_address', 'varchar(64)')
        .addColumn('create_time', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('bandwidths_project')
        .on('bandwidths')
        .columns(['project_id', 'create_time', 'id'])
        .execute();
      await db.schema
        .createTable('scaling_policies')
        .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
        .addColumn('project_id', 'varchar(64)', (c) => c.notNull())
        .addColumn('name', 'varchar(64)', (c) => c.notNull())
        .addColumn('resource_type', 'varchar(32)', (c) => c.notNull())
        .addColumn('resource_id', 'varchar(64)', (c) => c.notNull())
        .addColumn('policy_type', 'varchar(32)', (c) => c.notNull())
        .addColumn('alarm_id', 'varchar(64)')
        .addColumn('scheduled_policy', 'text')
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('interval_alarm_actions', 'text')
        .addColumn('cool_down_seconds', 'integer', (c) => c.notNull())
        .addColumn('status', 'varchar(16)', (c) => c.notNull())
        .addColumn('create_time', 'bigint', (c) => c.notNull())
        .addColumn('description', 'text')
        .addColumn('meta_data', 'text')
        // When the policy's schedule next falls due; null when it has none pending. Servers
        // claim a trigger by moving this on in one conditional update (exactly once).
        .addColumn('next_fire_at', 'bigint')
        .execute();
      await db.schema
        .createIndex('scaling_policies_resource')
        .on('scaling_policies')
        .columns(['project_id', 'resource_id', 'create_time', 'id'])
        .execute();
      await db.schema
        .createIndex('scaling_policies_project')
        .on('scaling_policies')
        .columns(['project_id', 'create_time', 'id'])
        .execute();
      await db.schema
        .createIndex('scaling_policies_alarm')
        .on('scaling_policies')
        .columns(['project_id', 'alarm_id'])
        .where(sql.ref('alarm_id'), 'is not', null)
        .execute();
      await db.schema
        .createIndex('scaling_policies_due')
        .on('scaling_policies')
        .columns(['next_fire_at'])
        .where(sql.ref('next_fire_at'), 'is not', null)
        .execute();
      // Executions started and not yet finished. One per resource at a time (the unique
      // index); a row left by a crash is finished by whichever server looks next.
      await db.schema
        .createTable('engine_executions')
        .addColumn('log_id', 'varchar(64)', (c) => c.primaryKey())
        .addColumn('project_id', 'varchar(64)', (c) => c.notNull())
        .addColumn('policy_id', 'varchar(64)', (c) => c.notNull())
        .addColumn('resource_type', 'varchar(32)', (c) => c.notNull())
        .addColumn('resource_id', 'varchar(64)', (c) => c.notNull())
        .addColumn('settles_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('engine_executions_resource')
        .on('engine_executions')
        .columns(['resource_type', 'resource_id'])
        .unique()
        .execute();
      await db.schema
        .createIndex('engine_executions_policy')
        .on('engine_executions')
        .columns(['policy_id'])
        .execute();
      await db.schema
        .createIndex('engine_executions_settles')
        .on('engine_executions')
        .columns(['settles_at'])
        .execute();
    },
  },
  '0006_byte_order_keys': {
    /**
     * Every key and name column (all the `varchar` ones) takes the collation "C" on
     * PostgreSQL, so that text orders by its bytes, as on SQLite, whatever the database's
     * collation: under ICU's en-US an export listed `a-1` before `A.1` before `B-1`, and two
     * stores no longer exported the same bytes. On the column, not in each ORDER BY: an
     * index orders by its column's collation, and a query asking for another one sorts
     * instead of reading the index (a whole-table sort for an export). Equality is the same
     * under both collations, so no lookup changes. PostgreSQL rebuilds the indexes on these
     * columns; the rows themselves are not rewritten. Tables added later declare
     * `collate "C"` on their own text keys.
     */
    async up(db: Kysely<unknown>, backend: 'sqlite' | 'postgres'): Promise<void> {
      if (backend !== 'postgres') return;
      const tables = [
        'execution_logs',
        'policy_log_counts',
        'policy_log_days',
        'credentials',
        'tokens',
        'store_settings',
        'scaling_groups',
        'bandwidths',
        'scaling_policies',
        'engine_executions',
      ];
      const { rows } = await sql<{
        table_name: string;
        column_name: string;
        character_maximum_length: number;
      }>`select table_name, column_name, character_maximum_length
           from information_schema.columns
          where table_schema = current_schema()
            and data_type = 'character varying'
            and table_name in (${sql.join(tables)})
          order by table_name, ordinal_position`.execute(db);
      const byTable = new Map<string, string[]>();
      for (const row of rows) {
        const alters = byTable.get(row.table_name) ?? [];
        // The names are this schema's own (snake_case), safe to quote as they are.
        alters.push(
          `alter column "${row.column_name}" type varchar(${String(row.character_maximum_length)}) collate "C"`,
        );
        byTable.set(row.table_name, alters);
      }
      // One ALTER TABLE per table: its indexes are rebuilt once, not once per column.
      for (const [table, alters] of byTable) {
        await sql.raw(`alter table "${table}" ${alters.join(', ')}`).execute(db);
      }
    },
  },
  '0007_signature_lockouts': {
    async up(db: Kysely<unknown>, backend: 'sqlite' | 'postgres'): Promise<void> {
      // Lockouts per AK and client address, so that whoever knows an AK can lock out only
      // their own address, not the AK's owner. The old per-AK columns of `credentials` stay
      // (unused) for servers of the version before during a rolling upgrade. Existing locks
      // are not carried over: at most 5 minutes of them are lost.
      // Text keys order by their bytes on PostgreSQL too (see 0006_byte_order_keys).
      const key = (c: ColumnDefinitionBuilder): ColumnDefinitionBuilder =>
        (backend === 'postgres' ? c.modifyFront(sql`collate "C"`) : c).notNull();
      await db.schema
        .createTable('signature_lockouts')
        .addColumn('ak', 'varchar(64)', key)
        .addColumn('client', 'varchar(64)', key)
        .addColumn('failures', 'integer', (c) => c.notNull())
        .addColumn('lock_ms', 'bigint', (c) => c.notNull())
        .addColumn('locked_until', 'bigint')
        .addColumn('forget_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('signature_lockouts_pk', ['ak', 'client'])
        .execute();
      // Pruning deletes the rows whose quiet period has passed, and the cap per AK drops the
      // ones forgotten soonest first.
      await db.schema
        .createIndex('signature_lockouts_forget')
        .on('signature_lockouts')
        .columns(['forget_at'])
        .execute();
      await db.schema
        .createIndex('signature_lockouts_ak_forget')
        .on('signature_lockouts')
        .columns(['ak', 'forget_at'])
        .execute();
    },
  },
  '0008_scaling_configurations': {
    async up(db: Kysely<unknown>, backend: 'sqlite' | 'postgres'): Promise<void> {
      // Text keys order by their bytes on PostgreSQL too (see 0006_byte_order_keys).
      const text = (c: ColumnDefinitionBuilder): ColumnDefinitionBuilder =>
        backend === 'postgres' ? c.modifyFront(sql`collate "C"`) : c;
      await db.schema
        .createTable('scaling_configurations')
        .addColumn('id', 'varchar(64)', (c) => text(c).primaryKey())
        .addColumn('project_id', 'varchar(64)', (c) => text(c).notNull())
        .addColumn('name', 'varchar(64)', (c) => text(c).notNull())
        .addColumn('image_id', 'varchar(255)', text)
        .addColumn('instance_config', 'text', (c) => c.notNull())
        .addColumn('create_time', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('scaling_configurations_project')
        .on('scaling_configurations')
        .columns(['project_id', 'create_time', 'id'])
        .execute();
    },
  },
  '0009_instances_and_activities': instancesAndActivities,
  '0010_tags': resourceTags,
  '0011_notifications': notifications,
  '0012_scheduled_tasks': scheduledTasks,
  '0013_lifecycle_hooks': lifecycleHooks,
  '0014_warm_pools': warmPools,
};
