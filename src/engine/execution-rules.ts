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
 * it. A missed trigger has none: no request was refused, the service was not running.
 */
export const failRuleCodes: Readonly<Record<FailRule, string | undefined>> = {
  'policy-not-in-service': 'AS.3027',
  'resource-missing': 'AS.2007',
  'group-not-in-service': 'AS.3027',
  'resource-busy': 'AS.0034',
  'policy-executing': 'AS.3038',
  cooldown: 'AS.0026',
  'at-max': 'AS.3040',
  'at-min': 'AS.3040',
  unchanged: 'AS.2028',
  'missed-trigger': undefined,
  'resource-deleted': 'AS.2007',
};

/** A refused execution: the rule and a sentence that explains it with the values involved. */
export interface Refusal {
  readonly rule: FailRule;
  readonly message: string;
}

/** The FAIL log's `failed_reason`: the code, then the explanation. */
export function failedReason(refusal: Refusal): string {
  const code = failRuleCodes[refusal.rule];
  return code === undefined ? refusal.message : `${code}: ${refusal.message}`;
}
