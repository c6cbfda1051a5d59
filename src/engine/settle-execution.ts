import type { ExecutionLog } from '../domain/execution-log.js';
import type { ResourceTransaction, PendingExecution } from '../store/resource-store.js';
import { failedReason } from './execution-rules.js';

/**
 * Finishes a pending execution that is due, inside `tx`: the log becomes SUCCESS (or FAIL when
 * its resource was deleted meanwhile), and a group's cooldown starts at the time the action
 * completed (`settlesAt`). False when another session finished it first.
 */
export async function settleExecution(
  tx: ResourceTransaction,
  execution: PendingExecution,
): Promise<boolean> {
  if (!(await tx.executions.take(execution.logId))) return false;
  const log = await tx.logs.get(execution.projectId, execution.logId);
  // The log is written in the same transaction as the pending row; it can only be gone if
  // someone deleted it by hand. Nothing is left to settle then.
  if (log === undefined || log.status !== 'EXECUTING') return true;
  if (execution.resourceType === 'SCALING_GROUP') {
    const group = await tx.groups.lock(execution.projectId, execution.resourceId);
    if (group === undefined) {
      await tx.logs.write([
        {
          ...log,
          status: 'FAIL',
          failedReason: failedReason(
            {
              rule: 'resource-deleted',
              message: `The scaling group ${execution.resourceId} was deleted before its instances reached ${log.desireValue ?? '?'}.`,
            },
            { type: 'SCALING_GROUP', id: execution.resourceId },
          ),
        },
      ]);
      return true;
    }
    // The cooldown starts when the scaling action completes. The running instances need no
    // update: currentInstances derives them from settlesAt.
    await tx.groups.update({ ...group, lastScaledAt: execution.settlesAt });
  }
  const settled: ExecutionLog = { ...log, status: 'SUCCESS' };
  await tx.logs.write([settled]);
  return true;
}
