import type { ExecuteType } from '../domain/execution-log.js';
import { nextFireTime } from '../domain/recurrence.js';
import { policySchedule } from '../domain/scaling-policy.js';
import type { ScalingPolicy } from '../domain/scaling-policy.js';
import { formatWireTimeMs } from '../domain/wire-time.js';
import type { ResourceStore, ResourceTransaction } from '../store/resource-store.js';
import { StoreTimeoutError, StoreUnavailableError } from '../store/store.js';
import { applyHookTimeouts } from './lifecycle-hooks.js';
import { logBase, recordRefusal, startExecution } from './policy-executor.js';
import { settleExecution } from './settle-execution.js';
import { refillDueWarmPools } from './warm-pool.js';
import { ScheduledTaskEngine } from './scheduled-tasks.js';
import { settleActivities } from './record-notifications.js';
import type { ExecutionOutcome, ExecutorOptions } from './policy-executor.js';

/** Where the engine takes the time from (Unix ms): the wall clock, or a test's. */
export type EngineClock = () => number;

export interface PolicyEngineOptions extends ExecutorOptions {
  /**
   * How late a trigger may still fire (ms). A trigger found later than this (the service was
   * not running when it fell due) does not act: it is recorded as one FAIL log that says so,
   * and the schedule moves on to its first occurrence within the grace.
   */
  readonly misfireGraceMs: number;
  /** Triggers or settlements handled per store transaction batch. */
  readonly batchSize?: number;
}

/** What one pass over the due work did. */
export interface DueWork {
  readonly fired: number;
  readonly settled: number;
}

/** Why passes over the due work failed: the store could not be reached, or did not answer in time. */
type PassFailure = 'unavailable' | 'timeout' | 'error';

/**
 * What an engine remembers of its own passes over the due work, only to say why a trigger
 * was missed: whether this server was running then, and whether it could reach the store.
 */
interface PassHistory {
  /** When this engine's first pass began. */
  firstAt?: number;
  /** When its last pass that completed began. */
  lastCompletedAt?: number;
  /** The passes that failed since the last one that completed: first, last, and why. */
  failing?: { readonly since: number; readonly lastAt: number; readonly cause: PassFailure };
}

const seconds = (ms: number): string => String(Math.round(ms / 1000));

/**
 * Carries out policies: manual executions, alarms, and the schedules kept in the store.
 * Every decision is taken in a store transaction, so any number of engines (one per server)
 * can share a store and each trigger fires exactly once. The only thing an engine keeps in
 * memory is the history of its own passes, to explain a missed trigger.
 */
export class PolicyEngine {
  readonly #store: ResourceStore;
  readonly #clock: EngineClock;
  readonly #options: PolicyEngineOptions;
  readonly #passes: PassHistory = {};
  /** The groups' scheduled tasks, fired in the same passes as the policies' triggers. */
  readonly tasks: ScheduledTaskEngine;

  constructor(store: ResourceStore, clock: EngineClock, options: PolicyEngineOptions) {
    this.#store = store;
    this.#clock = clock;
    this.#options = Object.freeze({ ...options });
    this.tasks = new ScheduledTaskEngine(store, clock, this.#options);
  }

  /**
   * Executes a policy now (the execute action: MANUAL). Undefined when the project has no
   * such policy. A rule that stops it gives a FAIL outcome, its log already recorded.
   */
  async execute(
    projectId: string,
    policyId: string,
    executeType: ExecuteType = 'MANUAL',
  ): Promise<ExecutionOutcome | undefined> {
    const now = this.#clock();
    const outcome = await this.#store.resourceSession(async (tx) => {
      const policy = await tx.policies.lock(projectId, policyId);
      if (policy === undefined) return undefined;
      return startExecution(tx, policy, executeType, now, this.#options);
    });
    return this.#settleAtOnce(outcome);
  }

  /**
   * Fires an alarm, as the monitoring service would: every INSERVICE ALARM or INTERVAL_ALARM
   * policy of the project bound to it executes (execute type ALARM or INTERVAL_ALARM), each in
   * its own transaction, oldest policy first.
   * Paused policies do not react to alarms.
   */
  async fireAlarm(projectId: string, alarmId: string): Promise<ExecutionOutcome[]> {
    const policies = await this.#store.resourceRead((tx) =>
      tx.policies.forAlarm(projectId, alarmId),
    );
    const outcomes: ExecutionOutcome[] = [];
    for (const candidate of policies) {
      const alarmPolicy =
        candidate.policyType === 'ALARM' || candidate.policyType === 'INTERVAL_ALARM';
      if (!alarmPolicy || candidate.status !== 'INSERVICE') continue;
      const now = this.#clock();
      const outcome = await this.#store.resourceSession(async (tx) => {
        const policy = await tx.policies.lock(projectId, candidate.id);
        // Deleted, paused or rebound since the list was read.
        if (policy?.status !== 'INSERVICE' || policy.alarmId !== alarmId) return undefined;
        return startExecution(tx, policy, triggerType(policy), now, this.#options);
      });
      const settled = await this.#settleAtOnce(outcome);
      if (settled !== undefined) outcomes.push(settled);
    }
    return outcomes;
  }

  /**
   * Fires a scheduled or recurring policy's pending trigger now, as if its time had come (the
   * developer endpoint): the schedule moves on to its next occurrence after now. Undefined when
   * the project has no such policy, 'no-trigger' when nothing is pending (not a scheduled or
   * recurring policy, paused, or its schedule has ended).
   */
  async fireTriggerNow(
    projectId: string,
    policyId: string,
  ): Promise<ExecutionOutcome | 'no-trigger' | undefined> {
    const now = this.#clock();
    const outcome = await this.#store.resourceSession(async (tx) => {
      const policy = await tx.policies.lock(projectId, policyId);
      if (policy === undefined) return undefined;
      if (policy.nextFireAt === undefined) return 'no-trigger' as const;
      const schedule = policySchedule(policy);
      const next =
        schedule === undefined
          ? undefined
          : nextFireTime(schedule, Math.max(now, policy.nextFireAt) + 1);
      if (!(await tx.policies.claimTrigger(policy.id, policy.nextFireAt, next)))
        return 'no-trigger' as const;
      return startExecution(tx, policy, triggerType(policy), now, this.#options);
    });
    if (outcome === 'no-trigger' || outcome === undefined) return outcome;
    return this.#settleAtOnce(outcome);
  }

  /**
   * Handles everything due at the clock's time: finishes executions whose action has
   * completed, then fires due triggers, until nothing is left. Safe to run on every server
   * at once.
   */
  async runDue(): Promise<DueWork> {
    const passAt = this.#clock();
    this.#passes.firstAt ??= passAt;
    try {
      const work = await this.#runDue();
      this.#passes.lastCompletedAt = passAt;
      delete this.#passes.failing;
      return work;
    } catch (e: unknown) {
      const cause: PassFailure =
        e instanceof StoreTimeoutError
          ? 'timeout'
          : e instanceof StoreUnavailableError
            ? 'unavailable'
            : 'error';
      this.#passes.failing = {
        since: this.#passes.failing?.since ?? passAt,
        lastAt: passAt,
        cause,
      };
      throw e;
    }
  }

  async #runDue(): Promise<DueWork> {
    let fired = 0;
    let settled = 0;
    const batch = this.#options.batchSize ?? 100;
    for (;;) {
      const now = this.#clock();
      await this.#settleInstances(now, batch);
      await refillDueWarmPools(this.#store, now, batch, this.#options);
      await applyHookTimeouts(this.#store, now, batch, this.#options);
      const executions = await this.#store.resourceRead((tx) => tx.executions.due(now, batch));
      for (const execution of executions) {
        if (await this.#store.resourceSession((tx) => settleExecution(tx, execution))) {
          settled += 1;
        }
      }
      const due = await this.#store.resourceRead((tx) => tx.policies.due(now, batch));
      for (const trigger of due) {
        const outcome = await this.#store.resourceSession((tx) =>
          this.#fireDue(tx, trigger.projectId, trigger.policyId, trigger.dueAt, now),
        );
        if (outcome !== undefined) {
          fired += 1;
          await this.#settleAtOnce(outcome);
        }
      }
      const tasks = await this.tasks.runDue(now, batch);
      fired += tasks.fired;
      // A trigger claimed late may have moved on to an occurrence that is due already (the
      // one within the grace after a missed one): look again until a pass finds nothing.
      if (executions.length === 0 && due.length === 0 && tasks.due === 0) {
        return { fired, settled };
      }
    }
  }

  /**
   * Writes down the instance changes and activities that have settled by `nowMs` (reads see
   * them settled already; this keeps the stored rows in step), a batch per transaction.
   */
  async #settleInstances(nowMs: number, batch: number): Promise<void> {
    for (;;) {
      const due = await this.#store.resourceRead(async (tx) => ({
        instances: await tx.instances.anyDue(nowMs),
        activities: await tx.activities.anyDue(nowMs),
      }));
      if (!due.instances && !due.activities) return;
      const written = await this.#store.resourceSession(
        async (tx) =>
          (await tx.instances.settleDue(nowMs, batch)) + (await settleActivities(tx, nowMs, batch)),
      );
      if (written === 0) return;
    }
  }

  async #fireDue(
    tx: ResourceTransaction,
    projectId: string,
    policyId: string,
    dueAt: number,
    now: number,
  ): Promise<ExecutionOutcome | undefined> {
    const policy = await tx.policies.lock(projectId, policyId);
    if (policy?.nextFireAt !== dueAt) return undefined;
    const schedule = policySchedule(policy);
    const graceStart = now - this.#options.misfireGraceMs;
    // The next occurrence after this one, but none that is already too late to fire.
    const next =
      schedule === undefined ? undefined : nextFireTime(schedule, Math.max(dueAt + 1, graceStart));
    if (!(await tx.policies.claimTrigger(policy.id, dueAt, next))) return undefined;
    if (dueAt >= graceStart) {
      return startExecution(tx, policy, triggerType(policy), now, this.#options);
    }
    // Dated when it was due: the history shows the occurrence that did not run.
    return recordRefusal(tx, logBase(policy, triggerType(policy), dueAt, this.#options), {
      rule: 'missed-trigger',
      message: `The trigger due at ${formatWireTimeMs(dueAt)} was missed: found at ${formatWireTimeMs(now)}, ${seconds(now - dueAt)} s late, past the ${seconds(this.#options.misfireGraceMs)} s grace. ${this.#whyMissed(dueAt)} Occurrences due before ${formatWireTimeMs(graceStart)} were skipped.`,
    });
  }

  /**
   * What this server knows of why a trigger due at `dueAt` was not fired in time. It cannot
   * know for sure (another server may have been running, and failing too): it says what its
   * own passes saw.
   */
  #whyMissed(dueAt: number): string {
    const { firstAt, lastCompletedAt, failing } = this.#passes;
    if (failing !== undefined && failing.lastAt >= dueAt) {
      const what =
        failing.cause === 'unavailable'
          ? 'could not reach the store'
          : failing.cause === 'timeout'
            ? 'got no answer from the store within its time limit'
            : 'failed';
      return `This server's scheduler was running, but its passes ${what} from ${formatWireTimeMs(failing.since)} to ${formatWireTimeMs(failing.lastAt)}, so the trigger could not be fired in time.`;
    }
    if (firstAt === undefined || firstAt >= dueAt) {
      return `No Scalelog server fired it in time: this server first looked for due work at ${formatWireTimeMs(firstAt ?? dueAt)}, after it was due, and no other server fired it (none was running, or none could reach the store).`;
    }
    const previous = Math.max(lastCompletedAt ?? firstAt, failing?.lastAt ?? firstAt);
    return `This server's scheduler was running, but its previous pass was at ${formatWireTimeMs(previous)} (the process or the machine was paused, or the clock moved on).`;
  }

  /** Finishes an execution whose action completes at once (settle delay 0, a bandwidth). */
  async #settleAtOnce<T extends ExecutionOutcome | undefined>(outcome: T): Promise<T> {
    if (outcome?.status !== 'EXECUTING') return outcome;
    const now = this.#clock();
    if (outcome.pending.settlesAt > now) return outcome;
    await this.#store.resourceSession((tx) => settleExecution(tx, outcome.pending));
    return outcome;
  }
}

/** The execute type a policy's own trigger records. */
function triggerType(policy: ScalingPolicy): ExecuteType {
  // Every policy type is also an execute type, spelled the same.
  return policy.policyType;
}
