import { randomUUID } from 'node:crypto';
import type { Bandwidth } from '../domain/bandwidth.js';
import type { ExecuteType, ExecutionLog } from '../domain/execution-log.js';
import { planAction } from '../domain/scaling-action.js';
import type { ActionPlan } from '../domain/scaling-action.js';
import { coolDownEndsAt, setDesiredInstances } from '../domain/scaling-group.js';
import type { ScalingGroup } from '../domain/scaling-group.js';
import type { ScalingPolicy } from '../domain/scaling-policy.js';
import { formatWireTimeMs } from '../domain/wire-time.js';
import type { ResourceTransaction, PendingExecution } from '../store/resource-store.js';
import { failedReason } from './execution-rules.js';
import { followDesired, groupConfiguration, groupInstances } from './group-scaling.js';
import type { KnownState } from './group-scaling.js';
import type { Refusal } from './execution-rules.js';

/** How executions behave; frozen by the engine's owner. */
export interface ExecutorOptions {
  /**
   * How long a group's instances take to follow a new desired number (ms): its execution log
   * stays EXECUTING that long. 0 settles at the engine's next step.
   */
  readonly instanceSettleMs: number;
  /** New log, activity and server ids; random UUIDs by default. */
  readonly newId?: () => string;
  /** Numbers in [0, 1) for instance names; Math.random by default. */
  readonly random?: () => number;
  /** The VPC service's answer to a resize, as the bandwidth log's API job record keeps it. */
  readonly bandwidthResponse: (bandwidth: Bandwidth) => string;
}

/** What became of one execution. */
export type ExecutionOutcome =
  | {
      readonly status: 'EXECUTING';
      readonly log: ExecutionLog;
      /** The pending execution recorded with it, which settles at `pending.settlesAt`. */
      readonly pending: PendingExecution;
    }
  | { readonly status: 'FAIL'; readonly log: ExecutionLog; readonly refusal: Refusal };

const seconds = (ms: number): number => Math.floor(ms / 1000);

/**
 * Starts one execution of `policy`, triggered by `executeType` at `nowMs`, inside `tx`: either
 * it acts (the resource changes, the log is written EXECUTING and a pending execution is
 * recorded until it settles) or a rule stops it and the log is written FAIL with the reason.
 * The caller has locked the policy; this locks the resource.
 */
export async function startExecution(
  tx: ResourceTransaction,
  policy: ScalingPolicy,
  executeType: ExecuteType,
  nowMs: number,
  options: ExecutorOptions,
): Promise<ExecutionOutcome> {
  const base = logBase(policy, executeType, nowMs, options);
  const fail: Fail = (refusal, values = {}) => recordRefusal(tx, base, refusal, values);

  if (policy.status !== 'INSERVICE') {
    return fail({
      rule: 'policy-not-in-service',
      message: `The policy ${policy.id} is ${policy.status}: only an INSERVICE policy executes. Resume it first.`,
    });
  }
  if (policy.resourceType === 'SCALING_GROUP') {
    const group = await tx.groups.lock(policy.projectId, policy.resourceId);
    if (group === undefined) {
      return fail({
        rule: 'resource-missing',
        message: `The scaling group ${policy.resourceId} does not exist.`,
      });
    }
    return startGroupExecution(tx, policy, group, executeType, nowMs, options, base, fail);
  }
  const bandwidth = await tx.bandwidths.lock(policy.projectId, policy.resourceId);
  if (bandwidth === undefined) {
    return fail({
      rule: 'resource-missing',
      message: `The bandwidth ${policy.resourceId} does not exist.`,
    });
  }
  return startBandwidthExecution(tx, policy, bandwidth, nowMs, options, base, fail);
}

type LogBase = Pick<
  ExecutionLog,
  | 'id'
  | 'projectId'
  | 'policyId'
  | 'executeType'
  | 'executeTime'
  | 'resourceType'
  | 'resourceId'
  | 'type'
>;
type Fail = (refusal: Refusal, values?: Partial<ExecutionLog>) => Promise<ExecutionOutcome>;

/** The fields every log of an execution of `policy` at `atMs` has, with a new log id. */
export function logBase(
  policy: ScalingPolicy,
  executeType: ExecuteType,
  atMs: number,
  options: Pick<ExecutorOptions, 'newId'>,
): LogBase {
  return {
    id: (options.newId ?? randomUUID)(),
    projectId: policy.projectId,
    policyId: policy.id,
    executeType,
    executeTime: seconds(atMs),
    resourceType: policy.resourceType,
    resourceId: policy.resourceId,
    type: policy.action.operation,
  };
}

/**
 * Records an execution that did not act: its FAIL log, with the refusal as `failed_reason` and
 * whatever `values` (old and desired values...) the rule had come to know.
 */
export async function recordRefusal(
  tx: ResourceTransaction,
  base: LogBase,
  refusal: Refusal,
  values: Partial<ExecutionLog> = {},
): Promise<ExecutionOutcome> {
  const log: ExecutionLog = {
    ...base,
    ...values,
    status: 'FAIL',
    failedReason: failedReason(refusal, { type: base.resourceType, id: base.resourceId }),
    jobRecords: values.jobRecords ?? [],
  };
  await tx.logs.write([log]);
  return { status: 'FAIL', log, refusal };
}

/** A pending execution on the resource: the same policy's, or another's. */
async function busyRefusal(
  tx: ResourceTransaction,
  policy: ScalingPolicy,
  what: string,
): Promise<Refusal | undefined> {
  const running = await tx.executions.ofResource(policy.resourceType, policy.resourceId);
  if (running === undefined) return undefined;
  return running.policyId === policy.id
    ? {
        rule: 'policy-executing',
        message: `The policy ${policy.id} is still executing (log ${running.logId}): one execution at a time.`,
      }
    : {
        rule: 'resource-busy',
        message: `The ${what} ${policy.resourceId} is busy with an execution of policy ${running.policyId} (log ${running.logId}): one execution per ${what} at a time.`,
      };
}

function planRefusal(
  plan: Extract<ActionPlan, { kind: 'refused' }>,
  what: string,
  unit: string,
): Refusal {
  switch (plan.rule) {
    case 'at-max':
      return {
        rule: 'at-max',
        message: `The ${what} is already at its upper bound (${String(plan.limit)} ${unit}): the adjustment reached the limit.`,
      };
    case 'at-min':
      return {
        rule: 'at-min',
        message: `The ${what} is already at its lower bound (${String(plan.limit)} ${unit}): the adjustment reached the limit.`,
      };
    case 'unchanged':
      return {
        rule: 'unchanged',
        message: `The ${what} already has ${String(plan.from)} ${unit}: the target is unchanged.`,
      };
  }
}

async function startGroupExecution(
  tx: ResourceTransaction,
  policy: ScalingPolicy,
  group: ScalingGroup,
  executeType: ExecuteType,
  nowMs: number,
  options: ExecutorOptions,
  base: LogBase,
  fail: Fail,
): Promise<ExecutionOutcome> {
  const before = { oldValue: String(group.desireInstances) };
  if (group.status !== 'INSERVICE') {
    return fail(
      {
        rule: 'group-not-in-service',
        message: `The scaling group ${group.id} is ${group.status}: policies execute only on an INSERVICE group.`,
      },
      before,
    );
  }
  const busy = await busyRefusal(tx, policy, 'scaling group');
  if (busy !== undefined) return fail(busy, before);
  // The cloud's cooldown holds back alarm-triggered executions only.
  if (executeType === 'ALARM' || executeType === 'INTERVAL_ALARM') {
    const ends = coolDownEndsAt(group, nowMs);
    if (ends !== undefined) {
      return fail(
        {
          rule: 'cooldown',
          message: `The scaling group ${group.id} is cooling down until ${formatWireTimeMs(ends)} (cool_down_time ${String(group.coolDownSeconds)} s after the last scaling action): alarm-triggered executions wait for it.`,
        },
        before,
      );
    }
  }
  const plan = planAction(group.desireInstances, policy.action, {
    min: group.minInstances,
    max: group.maxInstances,
  });
  if (plan.kind === 'refused') {
    return fail(planRefusal(plan, `scaling group ${group.id}`, 'instances'), {
      ...before,
      desireValue: String(plan.from),
      limitValue: String(plan.limit),
    });
  }
  // A group builds instances from its configuration: without one it cannot scale out.
  const present = await groupInstances(tx, group, nowMs);
  let known: KnownState = { instances: present };
  if (plan.to > present.active.length) {
    const configuration = await groupConfiguration(tx, group);
    if (configuration === undefined) {
      return fail(
        {
          rule: 'no-configuration',
          message: `The scaling group ${group.id} has no scaling configuration${typeof group.attributes['scaling_configuration_id'] === 'string' ? ' that exists' : ''}: it cannot add instances. Give it one (scaling_configuration_id) first.`,
        },
        { ...before, desireValue: String(plan.to), limitValue: String(plan.limit) },
      );
    }
    known = { instances: present, configuration };
  }
  // Started even when the plan lands where the group already is: the execution acts, and
  // the group is scaling until it settles.
  const desired = setDesiredInstances(group, plan.to, nowMs, options.instanceSettleMs, {
    evenIfUnchanged: true,
  });
  // Its instances follow in this transaction: added or picked for removal, with the activity.
  const { group: scaled } = await followDesired(
    tx,
    desired,
    nowMs,
    {
      type: 'NORMAL',
      reason: { changeReason: executeType, policyId: policy.id, policyName: policy.name },
    },
    options,
    plan.from,
    known,
  );
  await tx.groups.update(scaled);
  const log: ExecutionLog = {
    ...base,
    status: 'EXECUTING',
    oldValue: String(plan.from),
    desireValue: String(plan.to),
    limitValue: String(plan.limit),
    jobRecords: [
      {
        jobName: 'ADJUST_VM_NUMBERS',
        recordType: 'MEG',
        recordTime: formatWireTimeMs(nowMs),
        message: 'modify desire number of scaling group',
        jobStatus: 'SUCCESS',
      },
    ],
  };
  // The execution settles when the group's instances reach the desired number (always set
  // here, as the change was started whatever the plan).
  return record(tx, log, scaled.settlesAt ?? nowMs);
}

async function startBandwidthExecution(
  tx: ResourceTransaction,
  policy: ScalingPolicy,
  bandwidth: Bandwidth,
  nowMs: number,
  options: ExecutorOptions,
  base: LogBase,
  fail: Fail,
): Promise<ExecutionOutcome> {
  const metaData = bandwidthMetaData(bandwidth);
  const before = { oldValue: String(bandwidth.size), metaData };
  const busy = await busyRefusal(tx, policy, 'bandwidth');
  if (busy !== undefined) return fail(busy, before);
  const plan = planAction(bandwidth.size, policy.action, {
    min: bandwidth.minSize,
    max: bandwidth.maxSize,
  });
  if (plan.kind === 'refused') {
    return fail(planRefusal(plan, `bandwidth ${bandwidth.id}`, 'Mbit/s'), {
      ...before,
      desireValue: String(plan.from),
      ...(policy.action.operation === 'SET' ? {} : { limitValue: String(plan.limit) }),
    });
  }
  const resized: Bandwidth = { ...bandwidth, size: plan.to };
  await tx.bandwidths.update(resized);
  const log: ExecutionLog = {
    ...base,
    status: 'EXECUTING',
    oldValue: String(plan.from),
    desireValue: String(plan.to),
    // The contract: limit_value only for an ADD or a REDUCE of a bandwidth.
    ...(policy.action.operation === 'SET' ? {} : { limitValue: String(plan.limit) }),
    jobRecords: [
      {
        jobName: 'MODIFY_BANDWIDTH',
        recordType: 'API',
        recordTime: formatWireTimeMs(nowMs),
        request: JSON.stringify({
          method: 'PUT',
          uri: `/v1/${bandwidth.projectId}/bandwidths/${bandwidth.id}`,
          body: { bandwidth: { size: plan.to } },
        }),
        response: options.bandwidthResponse(resized),
        code: '200',
        jobStatus: 'SUCCESS',
      },
    ],
    metaData,
  };
  // A resize answers at once: the execution settles at the engine's next step.
  return record(tx, log, nowMs);
}

function bandwidthMetaData(b: Bandwidth): Record<string, string> {
  return {
    metadata_bandwidth_share_type: b.shareType,
    ...(b.eipId === undefined ? {} : { metadata_eip_id: b.eipId }),
    ...(b.eipAddress === undefined ? {} : { metadataeip_address: b.eipAddress }),
  };
}

async function record(
  tx: ResourceTransaction,
  log: ExecutionLog,
  settlesAt: number,
): Promise<ExecutionOutcome> {
  const pending: PendingExecution = {
    logId: log.id,
    projectId: log.projectId,
    policyId: log.policyId,
    resourceType: log.resourceType,
    resourceId: log.resourceId,
    settlesAt,
  };
  // The resource row is locked, so no other execution can have started since busyRefusal
  // looked; the unique index would refuse it anyway.
  if (!(await tx.executions.insert(pending))) {
    throw new Error(`an execution on ${log.resourceId} started while the resource was locked`);
  }
  await tx.logs.write([log]);
  return { status: 'EXECUTING', log, pending };
}
