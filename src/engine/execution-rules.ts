/**
 * Why an execution did not act. Each rule is recorded as a FAIL log whose `failed_reason`
 * names it, so the history answers "why didn't it scale?"; a manual execution refused by a
 * rule is also answered with the rule's documented error code (contract §4).
 */
export const failRules = [
  'policy-not-in-service',
  'resource-missing',
  'group-not-in-service',
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

/**
 * The cloud's code for each rule (contract §4), as the FAIL reason and the API error carry
 * it. A missed trigger has no counterpart in the cloud (no request was refused: nothing ran
 * in time), so it carries a code of Scalelog's own, in the `SCALELOG.` namespace of
 * `SCALELOG.0409`: 0xxx codes follow the HTTP status of an API answer, 1xxx name what the
 * engine records in a FAIL log (spec/DEVIATIONS.md).
 */
export const failRuleCodes: Readonly<Record<FailRule, string>> = {
  'policy-not-in-service': 'AS.3027',
  'resource-missing': 'AS.2007',
  'group-not-in-service': 'AS.3027',
  'resource-busy': 'AS.0034',
  'policy-executing': 'AS.3038',
  cooldown: 'AS.0026',
  'at-max': 'AS.3040',
  'at-min': 'AS.3040',
  unchanged: 'AS.2028',
  'missed-trigger': 'SCALELOG.1001',
  'resource-deleted': 'AS.2007',
};

/** A refused execution: the rule and a sentence that explains it with the values involved. */
export interface Refusal {
  readonly rule: FailRule;
  readonly message: string;
}

/** The FAIL log's `failed_reason`: the code, then the explanation. */
export function failedReason(refusal: Refusal): string {
  return `${failRuleCodes[refusal.rule]}: ${refusal.message}`;
}
