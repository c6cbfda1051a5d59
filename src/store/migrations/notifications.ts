import { sql } from 'kysely';
import type { ColumnDefinitionBuilder, Kysely } from 'kysely';
import type { Migration } from './migration.js';

/**
 * 0011: the topics groups notify, the notifications that would have been sent (with their
 * webhook delivery), and the webhooks of topics.
 */
export const notifications: Migration = {
  async up(db: Kysely<unknown>, backend: 'sqlite' | 'postgres'): Promise<void> {
    // Text keys order by their bytes on PostgreSQL too (see 0006_byte_order_keys).
    const text = (c: ColumnDefinitionBuilder): ColumnDefinitionBuilder =>
      backend === 'postgres' ? c.modifyFront(sql`collate "C"`) : c;
    const key = (c: ColumnDefinitionBuilder): ColumnDefinitionBuilder => text(c).notNull();
    await db.schema
      .createTable('scaling_notifications')
      .addColumn('project_id', 'varchar(64)', key)
      .addColumn('group_id', 'varchar(64)', key)
      .addColumn('topic_urn', 'varchar(400)', key)
      .addColumn('topic_scenes', 'text', (c) => c.notNull())
      .addColumn('create_time', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('scaling_notifications_pk', ['project_id', 'group_id', 'topic_urn'])
      .execute();
    await db.schema
      .createTable('sent_notifications')
      .addColumn('id', 'varchar(64)', (c) => text(c).primaryKey())
      .addColumn('project_id', 'varchar(64)', key)
      .addColumn('group_id', 'varchar(64)', key)
      .addColumn('topic_urn', 'varchar(400)', key)
      .addColumn('scene', 'varchar(32)', key)
      .addColumn('activity_id', 'varchar(64)', text)
      .addColumn('event_key', 'varchar(200)', key)
      .addColumn('event_time', 'bigint', (c) => c.notNull())
      .addColumn('message', 'text', (c) => c.notNull())
      .addColumn('delivery_status', 'varchar(16)', key)
      .addColumn('attempts', 'integer', (c) => c.notNull())
      .addColumn('last_error', 'text')
      .addColumn('last_attempt_at', 'bigint')
      .addColumn('next_attempt_at', 'bigint')
      .addColumn('delivered_at', 'bigint')
      .addColumn('lease_owner', 'varchar(64)', text)
      .addColumn('lease_until', 'bigint')
      .execute();
    // One notification per event and topic, whichever server records it and however often.
    await db.schema
      .createIndex('sent_notifications_event')
      .on('sent_notifications')
      .columns(['event_key', 'topic_urn'])
      .unique()
      .execute();
    // The project's list, newest first, and a group's in its delivery order.
    await db.schema
      .createIndex('sent_notifications_group')
      .on('sent_notifications')
      .columns(['project_id', 'group_id', 'event_time', 'id'])
      .execute();
    await db.schema
      .createIndex('sent_notifications_project')
      .on('sent_notifications')
      .columns(['project_id', 'event_time', 'id'])
      .execute();
    // The deliverer looks only at the notifications still to deliver.
    await db.schema
      .createIndex('sent_notifications_pending')
      .on('sent_notifications')
      .columns(['delivery_status', 'project_id', 'group_id', 'event_time', 'id'])
      .execute();
    await db.schema
      .createTable('notification_topics')
      .addColumn('project_id', 'varchar(64)', key)
      .addColumn('topic_urn', 'varchar(400)', key)
      .addColumn('url', 'text', (c) => c.notNull())
      .addColumn('secret', 'text', (c) => c.notNull())
      .addColumn('create_time', 'bigint', (c) => c.notNull())
      .addColumn('update_time', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('notification_topics_pk', ['project_id', 'topic_urn'])
      .execute();
  },
};
