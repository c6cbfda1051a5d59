import type { ResourceType } from '../domain/execution-log.js';
import { apiErrors } from '../errors/api-error.js';
import type { ApiError } from '../errors/api-error.js';

/**
 * Why an execution did not act. Each rule is recorded as a FAIL log whose `failed_reason`
 * names it, so the history answers "why didn't it scale?"; a manual execution refused by a
 * rule is also answered with the rule's documented error code (contract §4).
 */
export const failRules = [
  'policy-not-in-service',
  'resource-missing',
  'group-not-in-service',
  'no-configuration',
  'resource-busy',
  'policy-executing',
  'cooldown',
  'at-max',
  'at-min',
  'unchanged',
  'missed-trigger',
  'resource-deleted',
] as const;
export type FailRule = (typeof failRules)[number];

/** A refused execution: the rule and a sentence that explains it with the values involved. */
export interface Refusal {
  readonly rule: FailRule;
  readonly message: string;
}

/** The resource a refused execution was to act on. */
export interface RefusedResource {
  readonly type: ResourceType;
  readonly id: string;
}

/**
 * A missed trigger has no counterpart in the cloud (no request was refused: nothing ran in
 * time), so it carries a code of Scalelog's own, in the `SCALELOG.` namespace of
 * `SCALELOG.0409`: 0xxx codes follow the HTTP status of an API answer, 1xxx name what the
 * engine records in a FAIL log (spec/DEVIATIONS.md).
 */
const missedTriggerCode = 'SCALELOG.1001';

/** A vanished resource: the cloud names a group AS.2007, any other scaling resource AS.3042. */
const resourceGone = (resource: RefusedResource): ApiError =>
  resource.type === 'SCALING_GROUP'
    ? apiErrors.groupNotFound(resource.id)
    : apiErrors.resourceNotFound('bandwidth', resource.id);

/**
 * Each rule's answer (contract §4), in one table: the API error a refused manual execution is
 * answered with. The FAIL log's `failed_reason` starts with that same error's code, so the
 * log and the answer cannot disagree.
 */
const refusalAnswers: {
  readonly [R in FailRule]: (refusal: Refusal, resource: RefusedResource) => ApiError;
} = {
  'policy-not-in-service': (r) => apiErrors.policyNotInService(r.message),
  'group-not-in-service': (r) => apiErrors.policyNotInService(r.message),
  'resource-missing': (_r, resource) => resourceGone(resource),
  'resource-deleted': (_r, resource) => resourceGone(resource),
  'no-configuration': (r) => apiErrors.groupWithoutConfiguration(r.message),
  'resource-busy': (r) => apiErrors.groupBusy(r.message),
  'policy-executing': (r) => apiErrors.policyExecuting(r.message),
  cooldown: (r) => apiErrors.coolingDown(r.message),
  'at-max': (r) => apiErrors.adjustmentLimit(r.message),
  'at-min': (r) => apiErrors.adjustmentLimit(r.message),
  unchanged: (r) => apiErrors.groupDesireUnchanged(r.message),
  // A manual execution runs now: it cannot miss its time, so no answer carries this rule.
  'missed-trigger': () => apiErrors.system(),
};

/** The documented error a refused manual execution is answered with. */
export function refusalError(refusal: Refusal, resource: RefusedResource): ApiError {
  return refusalAnswers[refusal.rule](refusal, resource);
}

/** The code a FAIL log of `rule` on `resource` carries: the code of the rule's API error. */
function failRuleCode(refusal: Refusal, resource: RefusedResource): string {
  return refusal.rule === 'missed-trigger'
    ? missedTriggerCode
    : refusalError(refusal, resource).code;
}

/** The FAIL log's `failed_reason`: the code, then the explanation. */
export function failedReason(refusal: Refusal, resource: RefusedResource): string {
  return `${failRuleCode(refusal, resource)}: ${refusal.message}`;
}
