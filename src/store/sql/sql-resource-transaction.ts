import type { Bandwidth } from '../../domain/bandwidth.js';
import type { ExecutionLog, ResourceType } from '../../domain/execution-log.js';
import type { ScalingGroup } from '../../domain/scaling-group.js';
import type { ScalingPolicy } from '../../domain/scaling-policy.js';
import type { UnixMs } from '../../domain/unix-time.js';
import type {
  ResourceTransaction,
  GroupFilter,
  Paging,
  PendingExecution,
  PolicyFilter,
  PolicyOrder,
} from '../resource-store.js';
import type { LogWriter, WriteResult } from '../log-store.js';
import * as bandwidths from './bandwidth-repository.js';
import { bandwidthStatements } from './bandwidth-repository.js';
import * as executions from './execution-repository.js';
import * as groups from './group-repository.js';
import { groupStatements } from './group-repository.js';
import * as policies from './policy-repository.js';
import { policyStatements } from './policy-repository.js';
import type { ResourceDb } from './resource-table.js';

/**
 * The engine's reads and writes on one connection, each the repository function of its
 * resource. `resources.db` has a transaction open (or, for read-only use, is the pool).
 */
export class SqlResourceTransaction implements ResourceTransaction {
  readonly #r: ResourceDb;
  readonly #writer: LogWriter | undefined;
  readonly #readLog: (projectId: string, logId: string) => Promise<ExecutionLog | undefined>;

  constructor(
    resources: ResourceDb,
    options: {
      writer?: LogWriter;
      readLog: (projectId: string, logId: string) => Promise<ExecutionLog | undefined>;
    },
  ) {
    this.#r = resources;
    this.#writer = options.writer;
    this.#readLog = options.readLog;
  }

  insertGroup(group: ScalingGroup): Promise<void> {
    return groupStatements.insert(this.#r, group);
  }

  getGroup(projectId: string, id: string): Promise<ScalingGroup | undefined> {
    return groupStatements.find(this.#r, projectId, id, false);
  }

  lockGroup(projectId: string, id: string): Promise<ScalingGroup | undefined> {
    return groupStatements.find(this.#r, projectId, id, true);
  }

  updateGroup(group: ScalingGroup): Promise<void> {
    return groupStatements.update(this.#r, group);
  }

  deleteGroup(projectId: string, id: string): Promise<boolean> {
    return groupStatements.delete(this.#r, projectId, id);
  }

  listGroups(
    projectId: string,
    filter: GroupFilter,
    paging: Paging,
  ): Promise<{ total: number; groups: ScalingGroup[] }> {
    return groups.listGroups(this.#r, projectId, filter, paging);
  }

  insertBandwidth(bandwidth: Bandwidth): Promise<void> {
    return bandwidthStatements.insert(this.#r, bandwidth);
  }

  getBandwidth(projectId: string, id: string): Promise<Bandwidth | undefined> {
    return bandwidthStatements.find(this.#r, projectId, id, false);
  }

  lockBandwidth(projectId: string, id: string): Promise<Bandwidth | undefined> {
    return bandwidthStatements.find(this.#r, projectId, id, true);
  }

  updateBandwidth(bandwidth: Bandwidth): Promise<void> {
    return bandwidthStatements.update(this.#r, bandwidth);
  }

  deleteBandwidth(projectId: string, id: string): Promise<boolean> {
    return bandwidthStatements.delete(this.#r, projectId, id);
  }

  listBandwidths(
    projectId: string,
    paging: Paging,
  ): Promise<{ total: number; bandwidths: Bandwidth[] }> {
    return bandwidths.listBandwidths(this.#r, projectId, paging);
  }

  insertPolicy(policy: ScalingPolicy): Promise<void> {
    return policyStatements.insert(this.#r, policy);
  }

  getPolicy(projectId: string, id: string): Promise<ScalingPolicy | undefined> {
    return policyStatements.find(this.#r, projectId, id, false);
  }

  lockPolicy(projectId: string, id: string): Promise<ScalingPolicy | undefined> {
    return policyStatements.find(this.#r, projectId, id, true);
  }

  updatePolicy(policy: ScalingPolicy): Promise<void> {
    return policyStatements.update(this.#r, policy);
  }

  deletePolicy(projectId: string, id: string): Promise<boolean> {
    return policyStatements.delete(this.#r, projectId, id);
  }

  listPolicies(
    projectId: string,
    filter: PolicyFilter,
    paging: Paging,
    order?: PolicyOrder,
  ): Promise<{ total: number; policies: ScalingPolicy[] }> {
    return policies.listPolicies(this.#r, projectId, filter, paging, order);
  }

  countPolicies(projectId: string, resourceId: string): Promise<number> {
    return policies.countPolicies(this.#r, projectId, resourceId);
  }

  deletePoliciesOf(projectId: string, resourceId: string): Promise<number> {
    return policies.deletePoliciesOf(this.#r, projectId, resourceId);
  }

  policiesForAlarm(projectId: string, alarmId: string): Promise<ScalingPolicy[]> {
    return policies.policiesForAlarm(this.#r, projectId, alarmId);
  }

  duePolicies(
    nowMs: UnixMs,
    limit: number,
  ): Promise<{ policyId: string; projectId: string; dueAt: UnixMs }[]> {
    return policies.duePolicies(this.#r, nowMs, limit);
  }

  claimTrigger(policyId: string, dueAt: UnixMs, next: UnixMs | undefined): Promise<boolean> {
    return policies.claimTrigger(this.#r, policyId, dueAt, next);
  }

  insertExecution(execution: PendingExecution): Promise<boolean> {
    return executions.insertExecution(this.#r, execution);
  }

  executionOfResource(
    resourceType: ResourceType,
    resourceId: string,
  ): Promise<PendingExecution | undefined> {
    return executions.executionOfResource(this.#r, resourceType, resourceId);
  }

  executingPolicies(policyIds: readonly string[]): Promise<Set<string>> {
    return executions.executingPolicies(this.#r, policyIds);
  }

  dueExecutions(nowMs: UnixMs, limit: number): Promise<PendingExecution[]> {
    return executions.dueExecutions(this.#r, nowMs, limit);
  }

  takeExecution(logId: string): Promise<boolean> {
    return executions.takeExecution(this.#r, logId);
  }

  getLog(projectId: string, logId: string): Promise<ExecutionLog | undefined> {
    return this.#readLog(projectId, logId);
  }

  async writeLogs(logs: readonly ExecutionLog[]): Promise<WriteResult> {
    if (this.#writer === undefined) {
      throw new Error('writeLogs needs an engine session: this one only reads');
    }
    return this.#writer.write(logs);
  }
}
