import { describe, expect, it } from 'vitest';
import { resourceTypes } from '../../src/domain/execution-log.js';
import { failedReason, failRules, refusalError } from '../../src/engine/execution-rules.js';

const id = '3fa5b383-5a73-4dcb-a314-c6128546d855';

describe('execution rules', () => {
  it.each(failRules.filter((rule) => rule !== 'missed-trigger'))(
    '%s: the FAIL log carries the code of the API answer, for a group and a bandwidth alike',
    (rule) => {
      for (const type of resourceTypes) {
        const refusal = { rule, message: 'Why.' };
        const error = refusalError(refusal, { type, id });
        expect(error.status).toBe(400);
        expect(failedReason(refusal, { type, id })).toBe(`${error.code}: Why.`);
      }
    },
  );

  it.each([
    ['resource-missing', 'SCALING_GROUP', 'AS.2007'],
    ['resource-missing', 'BANDWIDTH', 'AS.3042'],
    ['resource-deleted', 'SCALING_GROUP', 'AS.2007'],
    ['resource-deleted', 'BANDWIDTH', 'AS.3042'],
  ] as const)('%s on a %s is %s', (rule, type, code) => {
    expect(refusalError({ rule, message: 'Gone.' }, { type, id }).code).toBe(code);
    expect(failedReason({ rule, message: 'Gone.' }, { type, id })).toBe(`${code}: Gone.`);
  });

  it('records a missed trigger under a code of its own: no API request meets it', () => {
    const refusal = { rule: 'missed-trigger', message: 'Late.' } as const;
    expect(failedReason(refusal, { type: 'SCALING_GROUP', id })).toBe('SCALELOG.1001: Late.');
  });
});
