import { apiErrors } from '../../errors/api-error.js';
import type { PolicyEngine } from '../../engine/policy-engine.js';
import type { ExecutionOutcome } from '../../engine/policy-executor.js';
import type { TaskOutcome } from '../../engine/scheduled-tasks.js';

/**
 * What sets policies off from outside the scheduler: an alarm, as the monitoring service
 * would raise it, and a pending scheduled or recurring trigger fired ahead of its time. The
 * engine decides and records each execution; this says what a caller is refused.
 */
export class TriggerService {
  readonly #engine: PolicyEngine;

  constructor(engine: PolicyEngine) {
    this.#engine = engine;
  }

  /**
   * Every INSERVICE ALARM or INTERVAL_ALARM policy of the project bound to `alarmId`
   * executes, oldest first; the group's cooldown applies, as in the cloud. None is no error.
   */
  fireAlarm(projectId: string, alarmId: string): Promise<ExecutionOutcome[]> {
    return this.#engine.fireAlarm(projectId, alarmId);
  }

  /**
   * Fires a scheduled or recurring policy's pending trigger now, as if its time had come: 404
   * AS.3020 for a policy the project does not have, 409 SCALELOG.0409 when nothing is pending.
   */
  async fireTriggerNow(projectId: string, policyId: string): Promise<ExecutionOutcome> {
    const outcome = await this.#engine.fireTriggerNow(projectId, policyId);
    if (outcome === undefined) throw apiErrors.policyNotFound();
    if (outcome === 'no-trigger') {
      throw apiErrors.noPendingTrigger(
        'Only an INSERVICE SCHEDULED or RECURRENCE policy whose schedule has an occurrence to come has one.',
      );
    }
    return outcome;
  }

  /**
   * Fires a scheduled task's pending occurrence now, as if its time had come: 404 AS.0007 for a
   * task the group does not have, 409 SCALELOG.0409 when nothing is pending.
   */
  async fireTaskNow(projectId: string, groupId: string, taskId: string): Promise<TaskOutcome> {
    const outcome = await this.#engine.tasks.fireNow(projectId, groupId, taskId);
    if (outcome === undefined) throw apiErrors.resourceMissing('scheduled task', taskId);
    if (outcome === 'no-trigger') throw apiErrors.noPendingTask(taskId);
    return outcome;
  }
}
