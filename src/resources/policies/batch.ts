import { apiErrors } from '../../errors/api-error.js';
import type { ScalingPolicy } from '../../domain/scaling-policy.js';
import type { ResourceTransaction } from '../../store/resource-store.js';
import { withStatus } from './changes.js';

export const batchActions = ['delete', 'resume', 'pause'] as const;
export type BatchAction = (typeof batchActions)[number];

/** One batch request, parsed: the ids (each once), the action, and whether delete forces. */
export interface PolicyBatch {
  readonly ids: readonly string[];
  readonly action: BatchAction;
  /** Delete policies with an execution under way too (`force_delete=yes`). */
  readonly force: boolean;
}

/**
 * One batch, all or nothing: every policy is locked (in id order, so two batches cannot
 * deadlock), every problem is collected, and the session is rolled back by the error that
 * names them all.
 */
export async function runBatch(
  tx: ResourceTransaction,
  projectId: string,
  batch: PolicyBatch,
  nowMs: number,
): Promise<void> {
  const { ids, action, force } = batch;
  const policies = new Map<string, ScalingPolicy>();
  for (const id of [...ids].sort()) {
    const policy = await tx.policies.lock(projectId, id);
    if (policy !== undefined) policies.set(id, policy);
  }
  const executing =
    action === 'delete' && !force
      ? await tx.executions.executingPolicies([...policies.keys()])
      : new Set();
  const problems = ids.flatMap((id) =>
    !policies.has(id)
      ? [`${id}: the policy does not exist`]
      : executing.has(id)
        ? [
            `${id}: an execution of the policy is under way (wait for it, or set force_delete to yes)`,
          ]
        : [],
  );
  if (problems.length > 0) {
    throw apiErrors.batchFailed(action, `Nothing was changed. ${problems.join('; ')}.`);
  }
  for (const policy of policies.values()) {
    if (action === 'delete') {
      await tx.policies.delete(projectId, policy.id);
    } else {
      const changed = withStatus(policy, action === 'resume' ? 'INSERVICE' : 'PAUSED', nowMs);
      if (changed !== policy) await tx.policies.update(changed);
    }
  }
}
