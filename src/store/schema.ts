import type { Generated } from 'kysely';
import type { DurationMs, UnixMs, UnixSeconds } from '../domain/unix-time.js';

/**
 * Whole UTC days since the Unix epoch (Unix seconds / 86,400, floored), as `policy_log_days`
 * keys them.
 */
export type UnixDay = number;

/**
 * Table and column names, known only to the store. Times are integers: `execute_time` in
 * Unix seconds (the wire's precision), `recorded_at` in Unix milliseconds.
 */
export interface ExecutionLogsTable {
  id: string;
  project_id: string;
  policy_id: string;
  status: string;
  failed_reason: string | null;
  execute_type: string;
  execute_time: UnixSeconds;
  resource_type: string;
  resource_id: string;
  old_value: string | null;
  desire_value: string | null;
  limit_value: string | null;
  operation: string | null;
  /** JSON array of job records, kept as text so every byte round-trips on both backends. */
  job_records: string;
  /** JSON object, or null when the log has no metadata. */
  meta_data: string | null;
  /** When this row was last written. */
  recorded_at: UnixMs;
}

/**
 * How many logs each policy has, per resource and execute type. It answers `total_number`
 * without scanning a busy policy's history whenever no time window is given, and whether a
 * policy is known at all (a row exists, even at count 0).
 */
export interface PolicyLogCountsTable {
  project_id: string;
  policy_id: string;
  resource_type: string;
  resource_id: string;
  execute_type: string;
  log_count: Generated<number>;
}

/**
 * How many logs each policy has per UTC day (Unix seconds / 86,400, floored) and execute type.
 * It answers `total_number` for a time window over a busy policy by summing whole days, so
 * that only the part of a day at each end of the window is counted from the logs.
 */
export interface PolicyLogDaysTable {
  project_id: string;
  policy_id: string;
  day: UnixDay;
  execute_type: string;
  log_count: Generated<number>;
}

/**
 * AK/SK credentials. The secret key is kept only as the ciphertext the auth layer hands
 * over (sealed with a key that is not in the database). Times in Unix milliseconds.
 */
export interface CredentialsTable {
  ak: string;
  project_id: string;
  sk_ciphertext: string;
  created_at: UnixMs;
  /**
   * Unused since migration 0006 (lockouts are per AK and client address, in
   * `signature_lockouts`); kept so servers of the version before, still running during a
   * rolling upgrade over one PostgreSQL, go on working.
   */
  consecutive_failures: Generated<number>;
  /** Unused since migration 0006, as `consecutive_failures`. */
  locked_until: UnixMs | null;
}

/**
 * Signature failures per AK and client address (an IPv4 address or an IPv6 /64, as the auth
 * layer names it), shared by every server of the store. Times in Unix milliseconds. A row is
 * deleted once `forget_at` has passed, and at most a bounded number are kept per AK.
 */
export interface SignatureLockoutsTable {
  ak: string;
  client: string;
  /** Signature failures from this client since its last good signature (or quiet period). */
  failures: number;
  /** How long the last lock lasted; 0 when there was none. The next one lasts twice as long. */
  lock_ms: DurationMs;
  /** Until when requests from this client with this AK are refused; null when not locked. */
  locked_until: UnixMs | null;
  /** When the row is forgotten: a quiet period after the last failure or lock. */
  forget_at: UnixMs;
}

/**
 * Issued tokens, by the hex SHA-256 of the token: a copy of the database reveals no usable
 * token. Times in Unix milliseconds.
 */
export interface TokensTable {
  token_hash: string;
  project_id: string;
  created_at: UnixMs;
  expires_at: UnixMs;
  revoked_at: UnixMs | null;
}

/** Small named values that belong to the store as a whole, such as the secret key's check value. */
export interface StoreSettingsTable {
  name: string;
  value: string;
}

/** Scaling groups the engine scales. Times in Unix milliseconds. */
export interface ScalingGroupsTable {
  id: string;
  project_id: string;
  name: string;
  status: string;
  min_instances: number;
  max_instances: number;
  desire_instances: number;
  previous_instances: number;
  settles_at: UnixMs | null;
  cool_down_seconds: number;
  last_scaled_at: UnixMs | null;
  create_time: UnixMs;
  /** JSON object: every other field the client sent, returned as it came. */
  attributes: string;
}

/** Bandwidths that bandwidth policies resize. Sizes in Mbit/s, times in Unix milliseconds. */
export interface BandwidthsTable {
  id: string;
  project_id: string;
  name: string;
  size: number;
  min_size: number;
  max_size: number;
  share_type: string;
  eip_id: string | null;
  eip_address: string | null;
  create_time: UnixMs;
}

/** Scaling configurations. Times in Unix milliseconds. */
export interface ScalingConfigurationsTable {
  id: string;
  project_id: string;
  name: string;
  /** The `imageRef` of the instance configuration, which the list filters on. */
  image_id: string | null;
  /** JSON object: the instance configuration as kept. */
  instance_config: string;
  create_time: UnixMs;
}

/** Scaling policies, v1 and v2 alike. Times in Unix milliseconds. */
export interface ScalingPoliciesTable {
  id: string;
  project_id: string;
  name: string;
  resource_type: string;
  resource_id: string;
  policy_type: string;
  alarm_id: string | null;
  /** JSON object: the schedule as the client wrote it. */
  scheduled_policy: string | null;
  /** JSON object: operation, number or percentage, limits. */
  action: string;
  /** JSON array: an INTERVAL_ALARM policy's actions per metric interval. */
  interval_alarm_actions: string | null;
  cool_down_seconds: number;
  status: string;
  create_time: UnixMs;
  description: string | null;
  /** JSON object of string values. */
  meta_data: string | null;
  next_fire_at: UnixMs | null;
}

/** Executions started and not yet finished: at most one per resource. */
export interface EngineExecutionsTable {
  log_id: string;
  project_id: string;
  policy_id: string;
  resource_type: string;
  resource_id: string;
  settles_at: UnixMs;
}

/** Stand-in servers: what instances are (see `StandInServer`). Times in Unix milliseconds. */
export interface ServersTable {
  id: string;
  project_id: string;
  name: string;
  configuration_id: string | null;
  create_time: UnixMs;
}

/** The instances of scaling groups: a server in a group. Times in Unix milliseconds. */
export interface ScalingInstancesTable {
  /** The server's id: a server is in at most one group. */
  id: string;
  project_id: string;
  group_id: string;
  name: string;
  configuration_id: string | null;
  configuration_name: string | null;
  life_cycle_state: string;
  settles_at: UnixMs | null;
  /** 1 or 0. */
  protected: number;
  /** 1 or 0. */
  delete_on_removal: number;
  create_time: UnixMs;
}

/** Scaling activities (the activity log). Times in Unix milliseconds. */
export interface ScalingActivitiesTable {
  id: string;
  project_id: string;
  group_id: string;
  status: string;
  type: string;
  start_time: UnixMs;
  end_time: UnixMs | null;
  settles_at: UnixMs | null;
  description: string;
  instance_value: number;
  desire_value: number;
  scaling_value: number;
  /** JSON object: the added, removed, deleted, failed and standby instance lists. */
  instances: string;
}

/** Groups' warm pools, one per group at most. Times in Unix milliseconds. */
export interface WarmPoolsTable {
  project_id: string;
  group_id: string;
  /** The size the client set; null: the group's maximum less its desired number. */
  capacity: number | null;
  instance_init_wait_seconds: number;
  status: string;
  create_time: UnixMs;
  /** When the pool is due to be refilled; null when it is not. */
  refill_at: UnixMs | null;
}

/** The instances in warm pools, each a stand-in server. Times in Unix milliseconds. */
export interface WarmPoolInstancesTable {
  id: string;
  server_id: string;
  project_id: string;
  group_id: string;
  name: string;
  configuration_id: string;
  configuration_name: string;
  create_time: UnixMs;
  ready_at: UnixMs;
}

/** A group's lifecycle hooks. Times in Unix milliseconds. */
export interface LifecycleHooksTable {
  project_id: string;
  group_id: string;
  name: string;
  type: string;
  default_result: string;
  /** Seconds. */
  default_timeout: number;
  topic_urn: string;
  metadata: string | null;
  create_time: UnixMs;
}

/** The holds of lifecycle hooks on instances. Times in Unix milliseconds. */
export interface LifecycleHookWaitsTable {
  action_key: string;
  project_id: string;
  group_id: string;
  instance_id: string;
  hook_name: string;
  hook_type: string;
  default_result: string;
  timeout_at: UnixMs;
  status: string;
  activity_id: string;
  create_time: UnixMs;
}

/**
 * Tags on resources, by the tag API's resource type (`scaling_group_tag`). `position` keeps a
 * resource's tags in the order first created. Times in Unix milliseconds.
 */
export interface ResourceTagsTable {
  project_id: string;
  resource_type: string;
  resource_id: string;
  tag_key: string;
  tag_value: string;
  position: number;
  create_time: UnixMs;
}

/** Scheduled tasks of scaling groups. Times in Unix milliseconds. */
export interface ScheduledTasksTable {
  id: string;
  project_id: string;
  group_id: string;
  name: string;
  /** JSON object: the schedule as the client wrote it. */
  scheduled_policy: string;
  /** JSON object: the min, max and desire numbers it sets. */
  instance_number: string;
  create_time: UnixMs;
  update_time: UnixMs;
  next_fire_at: UnixMs | null;
}

/** A topic a group notifies (`createScalingNotification`). */
export interface ScalingNotificationsTable {
  project_id: string;
  group_id: string;
  topic_urn: string;
  /** JSON array of the scenes, in the order given. */
  topic_scenes: string;
  create_time: UnixMs;
}

/** A notification that would have been sent, and its webhook delivery. */
export interface SentNotificationsTable {
  id: string;
  project_id: string;
  group_id: string;
  topic_urn: string;
  scene: string;
  activity_id: string | null;
  event_key: string;
  event_time: UnixMs;
  message: string;
  delivery_status: string;
  attempts: number;
  last_error: string | null;
  last_attempt_at: UnixMs | null;
  next_attempt_at: UnixMs | null;
  delivered_at: UnixMs | null;
  /** Which server holds the delivery, until when (the claim that makes one deliver). */
  lease_owner: string | null;
  lease_until: UnixMs | null;
}

/** A topic's webhook. */
export interface NotificationTopicsTable {
  project_id: string;
  topic_urn: string;
  url: string;
  secret: string;
  create_time: UnixMs;
  update_time: UnixMs;
}

export interface Database {
  execution_logs: ExecutionLogsTable;
  policy_log_counts: PolicyLogCountsTable;
  policy_log_days: PolicyLogDaysTable;
  credentials: CredentialsTable;
  signature_lockouts: SignatureLockoutsTable;
  tokens: TokensTable;
  store_settings: StoreSettingsTable;
  scaling_groups: ScalingGroupsTable;
  bandwidths: BandwidthsTable;
  scaling_policies: ScalingPoliciesTable;
  engine_executions: EngineExecutionsTable;
  scaling_configurations: ScalingConfigurationsTable;
  servers: ServersTable;
  scaling_instances: ScalingInstancesTable;
  scaling_activities: ScalingActivitiesTable;
  warm_pools: WarmPoolsTable;
  warm_pool_instances: WarmPoolInstancesTable;
  lifecycle_hooks: LifecycleHooksTable;
  lifecycle_hook_waits: LifecycleHookWaitsTable;
  resource_tags: ResourceTagsTable;
  scheduled_tasks: ScheduledTasksTable;
  scaling_notifications: ScalingNotificationsTable;
  sent_notifications: SentNotificationsTable;
  notification_topics: NotificationTopicsTable;
}
