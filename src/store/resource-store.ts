import type { Bandwidth } from '../domain/bandwidth.js';
import type { ExecutionLog, ResourceType } from '../domain/execution-log.js';
import type { GroupStatus, ScalingGroup } from '../domain/scaling-group.js';
import type { ScalingConfiguration } from '../domain/scaling-configuration.js';
import type { ActivityStatus, ActivityType, ScalingActivity } from '../domain/scaling-activity.js';
import type { HealthStatus, LifeCycleState, ScalingInstance } from '../domain/scaling-instance.js';
import type { StandInServer } from '../domain/stand-in-server.js';
import type { PolicyType, ScalingPolicy, StoredPolicyStatus } from '../domain/scaling-policy.js';
import type { UnixMs } from '../domain/unix-time.js';
import type { LifecycleHookRepository } from './lifecycle-hook-repository.js';
import type { ResourceTag, TagResourceType, TagToDelete } from '../domain/resource-tag.js';
import type { WriteResult } from './log-store.js';
import type { WarmPoolRepository } from './warm-pool-store.js';
import type { ScheduledTaskRepository } from './scheduled-task-store.js';
import type { NotificationRepository } from './notification-repository.js';

/** An execution that has started and not finished: its log is EXECUTING until it settles. */
export interface PendingExecution {
  readonly logId: string;
  readonly projectId: string;
  readonly policyId: string;
  readonly resourceType: ResourceType;
  readonly resourceId: string;
  /** When the action completes (Unix ms). */
  readonly settlesAt: UnixMs;
}

export interface Paging {
  readonly startNumber: number;
  readonly limit: number;
}

export interface GroupFilter {
  /** Exact name. */
  readonly name?: string;
  readonly status?: GroupStatus;
  /** Attributes (as the client sent them) that must equal these string values. */
  readonly attributes?: readonly (readonly [string, string])[];
}

export interface ConfigurationFilter {
  /** Configurations whose name contains this, case counting (the cloud's fuzzy name search). */
  readonly nameContains?: string;
  /** Exact image id (`imageRef`). */
  readonly imageId?: string;
}

export interface PolicyFilter {
  /** Only the policies of this group or bandwidth. */
  readonly resourceId?: string;
  readonly resourceType?: ResourceType;
  readonly policyId?: string;
  /** Policies whose name contains this, case counting (the cloud's list filters by fuzzy name). */
  readonly nameContains?: string;
  readonly policyType?: PolicyType;
  readonly alarmId?: string;
  /** Stored status; EXECUTING is derived from pending executions. */
  readonly status?: StoredPolicyStatus;
}

/** List orders: newest first, or by name, type or create time as the v2 list allows. */
export interface PolicyOrder {
  readonly by: 'createTime' | 'name' | 'policyType';
  readonly direction: 'asc' | 'desc';
}

/**
 * What every resource addressed by project and id has. Not found is `undefined` or `false`.
 * `lock` is `get` holding the row (on PostgreSQL) until the session ends.
 */
export interface ResourceCrud<R> {
  insert(resource: R): Promise<void>;
  get(projectId: string, id: string): Promise<R | undefined>;
  lock(projectId: string, id: string): Promise<R | undefined>;
  update(resource: R): Promise<void>;
  delete(projectId: string, id: string): Promise<boolean>;
}

export interface GroupRepository extends ResourceCrud<ScalingGroup> {
  /** A page of the project's groups, newest first, and how many match. */
  list(
    projectId: string,
    filter: GroupFilter,
    paging: Paging,
  ): Promise<{ total: number; groups: ScalingGroup[] }>;
  /**
   * The scaling configurations the project's groups use (`scaling_configuration_id` in
   * their attributes), each with the id of the earliest created group that uses it.
   */
  configurationUsers(projectId: string): Promise<ReadonlyMap<string, string>>;
  /** How many groups the project has. */
  count(projectId: string): Promise<number>;
  /**
   * Holds the project's groups until the session ends, so that a count and the insert it
   * allows are not raced by another server's (the quota).
   */
  lockProject(projectId: string): Promise<void>;
}

export interface ConfigurationRepository extends ResourceCrud<ScalingConfiguration> {
  /** A page of the project's configurations, newest first, and how many match. */
  list(
    projectId: string,
    filter: ConfigurationFilter,
    paging: Paging,
  ): Promise<{ total: number; configurations: ScalingConfiguration[] }>;
  /** How many configurations the project has. */
  count(projectId: string): Promise<number>;
  /** The names of those of these configurations the project has, by id: one query. */
  names(projectId: string, ids: readonly string[]): Promise<Map<string, string>>;
  /**
   * Holds the project's configurations until the session ends, so that a count and the
   * insert it allows are not raced by another server's (the quota).
   */
  lockProject(projectId: string): Promise<void>;
}

export interface BandwidthRepository extends ResourceCrud<Bandwidth> {
  list(projectId: string, paging: Paging): Promise<{ total: number; bandwidths: Bandwidth[] }>;
}

export interface PolicyRepository extends ResourceCrud<ScalingPolicy> {
  list(
    projectId: string,
    filter: PolicyFilter,
    paging: Paging,
    order?: PolicyOrder,
  ): Promise<{ total: number; policies: ScalingPolicy[] }>;
  /** How many policies a group or bandwidth has. */
  countOf(projectId: string, resourceId: string): Promise<number>;
  /** Deletes every policy of a group or bandwidth; returns how many. */
  deleteOf(projectId: string, resourceId: string): Promise<number>;
  /** The project's policies bound to an alarm, oldest first. */
  forAlarm(projectId: string, alarmId: string): Promise<ScalingPolicy[]>;
  /** Policies whose trigger is due at `nowMs`, earliest first. */
  due(
    nowMs: UnixMs,
    limit: number,
  ): Promise<{ policyId: string; projectId: string; dueAt: UnixMs }[]>;
  /**
   * Moves a policy's due trigger from `dueAt` to `next` (or clears it), only if it is still
   * `dueAt`. True for exactly one of the sessions that try: the one that fires the trigger.
   */
  claimTrigger(policyId: string, dueAt: UnixMs, next: UnixMs | undefined): Promise<boolean>;
}

export interface ExecutionRepository {
  /** Records a started execution; false, and nothing written, when its resource has one. */
  insert(execution: PendingExecution): Promise<boolean>;
  ofResource(resourceType: ResourceType, resourceId: string): Promise<PendingExecution | undefined>;
  /** Which of these policies have an execution running. */
  executingPolicies(policyIds: readonly string[]): Promise<Set<string>>;
  /** Executions that settle at or before `nowMs`, earliest first. */
  due(nowMs: UnixMs, limit: number): Promise<PendingExecution[]>;
  /** Removes a pending execution; true for exactly one of the sessions that try. */
  take(logId: string): Promise<boolean>;
}

/**
 * Stand-in servers. Reads take the moment they read at: a server whose instance's removal
 * with deletion has settled by then is gone, whether or not the engine has written it down.
 */
export interface ServerRepository {
  insert(server: StandInServer): Promise<void>;
  get(projectId: string, id: string, nowMs: UnixMs): Promise<StandInServer | undefined>;
  /** A page of the project's servers at `nowMs`, newest first, and how many it has. */
  list(
    projectId: string,
    paging: Paging,
    nowMs: UnixMs,
  ): Promise<{ total: number; servers: StandInServer[] }>;
  delete(projectId: string, id: string): Promise<boolean>;
}

/** What an instance list is filtered by, at a moment; absent filters match every instance. */
export interface InstanceFilter {
  readonly state?: LifeCycleState;
  readonly health?: HealthStatus;
  readonly protectedFromScaleIn?: boolean;
}

export interface InstanceRepository {
  insert(instances: readonly ScalingInstance[]): Promise<void>;
  /** The instance with this (server) id in the project, whatever its group. */
  get(projectId: string, id: string): Promise<ScalingInstance | undefined>;
  /** Every instance of the group as stored (gone ones included until settled), oldest first. */
  ofGroup(projectId: string, groupId: string): Promise<ScalingInstance[]>;
  update(instances: readonly ScalingInstance[]): Promise<void>;
  delete(projectId: string, ids: readonly string[]): Promise<void>;
  /** Each group's `current_instance_number` at `nowMs` (see `countsAsCurrent`). */
  currentCounts(
    projectId: string,
    groupIds: readonly string[],
    nowMs: UnixMs,
  ): Promise<Map<string, number>>;
  /** How many instances the project's groups have at `nowMs`, standby ones included. */
  countProject(projectId: string, nowMs: UnixMs): Promise<number>;
  /**
   * Writes down the changes due at `nowMs`: PENDING instances come into service, REMOVING
   * ones leave their group (their servers deleted when they were to be). Idempotent: every
   * server on the store may run it. Returns how many instances this call changed.
   */
  settleDue(nowMs: UnixMs, limit: number): Promise<number>;
  /** Whether any instance change is due at `nowMs`. */
  anyDue(nowMs: UnixMs): Promise<boolean>;
}

/** What an activity list is filtered by; absent filters match every activity. */
export interface ActivityFilter {
  /** Activities that started at or after this (Unix ms). */
  readonly from?: UnixMs;
  /** Activities that started at or before this (Unix ms). */
  readonly to?: UnixMs;
  readonly id?: string;
  readonly types?: readonly ActivityType[];
  /** The status at the list's moment. */
  readonly status?: ActivityStatus;
}

export interface ActivityRepository {
  insert(activity: ScalingActivity): Promise<void>;
  get(projectId: string, id: string): Promise<ScalingActivity | undefined>;
  update(activity: ScalingActivity): Promise<void>;
  /**
   * A page of the group's activities as they are at `nowMs` (see `activityAt`), newest first,
   * and how many match.
   */
  list(
    projectId: string,
    groupId: string,
    filter: ActivityFilter,
    paging: Paging,
    nowMs: UnixMs,
  ): Promise<{ total: number; activities: ScalingActivity[] }>;
  /** Writes down the ends due at `nowMs` (DOING to SUCCESS). Idempotent. Returns how many. */
  settleDue(nowMs: UnixMs, limit: number): Promise<number>;
  /**
   * As `settleDue`, returning the activities this call wrote down (as settled): a second
   * server that races it gets none of them.
   */
  settleDueReturning(nowMs: UnixMs, limit: number): Promise<ScalingActivity[]>;
  /** Whether any activity's end is due at `nowMs`. */
  anyDue(nowMs: UnixMs): Promise<boolean>;
  /** Inserts many at once, in as few statements as the backend allows (import, bench). */
  insertMany(activities: readonly ScalingActivity[]): Promise<void>;
  /** The activities with these ids, whatever their project (import checks ids are free). */
  byIds(ids: readonly string[]): Promise<ScalingActivity[]>;
  /**
   * The next `limit` activities as stored, in export order (project, group, start time, id),
   * after `after` when given: a keyset page, so an export streams any number of them.
   */
  exportPage(
    filter: ActivityExportFilter,
    after: ActivityExportCursor | undefined,
    limit: number,
  ): Promise<ScalingActivity[]>;
}

/** Which activities an export takes: all, a project's, or a project's group's. */
export interface ActivityExportFilter {
  readonly projectId?: string;
  /** Only with `projectId`: group ids are unique within a project. */
  readonly groupId?: string;
}

/** Where an export page starts: just after this activity in export order. */
export type ActivityExportCursor = Pick<
  ScalingActivity,
  'projectId' | 'groupId' | 'startTime' | 'id'
>;

/** A tag with the resource it is on. */
export interface StoredTag extends ResourceTag {
  readonly resourceId: string;
}

/** Tags on resources, by the tag API's resource type and the resource's id. */
export interface TagRepository {
  /** The resource's tags in the order first created. */
  ofResource(
    projectId: string,
    resourceType: TagResourceType,
    resourceId: string,
  ): Promise<ResourceTag[]>;
  /**
   * Every tag on the project's resources of the type: oldest first, and the tags of one
   * resource in the order first created.
   */
  ofProject(projectId: string, resourceType: TagResourceType): Promise<StoredTag[]>;
  /**
   * Sets tags (keys distinct): a key the resource has takes the new value and keeps its
   * place, a new key comes after the others.
   */
  put(
    projectId: string,
    resourceType: TagResourceType,
    resourceId: string,
    tags: readonly ResourceTag[],
    nowMs: UnixMs,
  ): Promise<void>;
  /**
   * Deletes tags by key; one given with a value only when it has that value. Keys the
   * resource does not have are passed over. Returns how many were deleted.
   */
  remove(
    projectId: string,
    resourceType: TagResourceType,
    resourceId: string,
    tags: readonly TagToDelete[],
  ): Promise<number>;
  /** Deletes every tag of the resource (when the resource goes); returns how many. */
  deleteOf(projectId: string, resourceType: TagResourceType, resourceId: string): Promise<number>;
}

/** The execution logs as the engine reads and writes them inside its session. */
export interface SessionLogs {
  get(projectId: string, logId: string): Promise<ExecutionLog | undefined>;
  /** Writes logs as {@link LogWriter.write} does, in this session's transaction. */
  write(logs: readonly ExecutionLog[]): Promise<WriteResult>;
}

/**
 * What the engine and the resource APIs read and write, inside one transaction of
 * {@link ResourceStore.resourceSession}: one repository per resource. On PostgreSQL the
 * `lock` reads take the row's lock until the session ends, so concurrent servers act on one
 * resource one after the other; SQLite sessions are serialized as a whole.
 */
export interface ResourceTransaction {
  readonly groups: GroupRepository;
  readonly bandwidths: BandwidthRepository;
  readonly configurations: ConfigurationRepository;
  readonly policies: PolicyRepository;
  readonly executions: ExecutionRepository;
  readonly servers: ServerRepository;
  readonly instances: InstanceRepository;
  readonly activities: ActivityRepository;
  readonly warmPools: WarmPoolRepository;
  readonly lifecycleHooks: LifecycleHookRepository;
  readonly tags: TagRepository;
  readonly scheduledTasks: ScheduledTaskRepository;
  readonly notifications: NotificationRepository;
  readonly logs: SessionLogs;
}

/**
 * The scaling resources' part of the store (groups, policies, bandwidths, executions), which
 * the services and the engine read and change: one transaction at a time, written once for
 * both backends.
 */
export interface ResourceStore {
  /**
   * Runs `work` in one write transaction: what it writes commits together when it returns,
   * and nothing is written when it throws.
   */
  resourceSession<T>(work: (tx: ResourceTransaction) => Promise<T>): Promise<T>;
  /**
   * Runs `work` outside any transaction, for reads only: each read sees what is committed
   * when it runs, no lock is held, and writes throw (`logs.write` always; the others on
   * SQLite, whose reads run on a connection that cannot write).
   */
  resourceRead<T>(work: (tx: ResourceTransaction) => Promise<T>): Promise<T>;
}
