import { describe, expect, it } from 'vitest';
import { testBackends } from '../../support/backends.js';
import { expectAsError, openTestApi, uuid } from '../../support/api-harness.js';
import {
  v1Url,
  batchUrl,
  alarmId,
  send,
  createGroup,
  create,
  stored,
  caseRows,
  caseNamed,
  expectRefused,
} from './policy-test-helpers.js';
import type { Body, ErrorCase } from './policy-test-helpers.js';

/** Batch actions on scaling policies: delete, resume, pause, all or nothing. */

/** What the batch error table is built over: an existing policy. */
interface BatchContext {
  readonly b: string;
}

/** Every refused batch request, with its documented code and what the message says. */
function batchCases({ b }: BatchContext): ErrorCase[] {
  const tooMany = Array.from({ length: 21 }, (_, i) => uuid(i + 1));
  return [
    {
      name: 'no ids',
      body: { action: 'pause' },
      code: 'AS.3049',
      message: '1 to 20 policy ids',
    },
    {
      name: 'empty ids',
      body: { scaling_policy_id: [], action: 'pause' },
      code: 'AS.3049',
      message: 'scaling_policy_id',
    },
    {
      name: '21 ids',
      body: { scaling_policy_id: tooMany, action: 'pause' },
      code: 'AS.0022',
      message: 'has 21 ids: at most 20',
    },
    {
      name: 'number ids',
      body: { scaling_policy_id: [1, 2], action: 'pause' },
      code: 'AS.0022',
      message: 'array of 1 to 20 policy ids (strings)',
    },
    {
      name: 'one id',
      body: { scaling_policy_id: b, action: 'pause' },
      code: 'AS.0022',
      message: 'array',
    },
    {
      name: 'bad action',
      body: { scaling_policy_id: [b], action: 'execute' },
      code: 'AS.3022',
      message: '"execute": expected delete, resume or pause',
    },
    {
      name: 'bad force',
      body: { scaling_policy_id: [b], action: 'delete', force_delete: 'true' },
      code: 'AS.3048',
      message: '"true": expected yes or no',
    },
    {
      name: 'bad delete_alarm',
      body: { scaling_policy_id: [b], action: 'delete', delete_alarm: true },
      code: 'AS.3056',
      message: 'expected yes or no',
    },
    {
      name: 'unknown field',
      body: { scaling_policy_id: [b], action: 'pause', all: true },
      code: 'AS.0022',
      message: '"all"',
    },
  ];
}

for (const backend of testBackends) {
  describe.skipIf(!backend.available)(`scaling policy API, batch: ${backend.name}`, () => {
    it('pauses, resumes and deletes a batch, all or nothing', async () => {
      const api = await openTestApi(backend);
      const groupId = await createGroup(api);
      const ids: string[] = [];
      for (const name of ['a', 'b', 'c']) {
        ids.push(
          await create(api, v1Url(), {
            scaling_policy_name: name,
            scaling_group_id: groupId,
            scaling_policy_type: 'ALARM',
            alarm_id: alarmId,
          }),
        );
      }
      const [a, b, c] = ids as [string, string, string];
      const statuses = async (): Promise<unknown[]> =>
        Promise.all(ids.map(async (id) => (await stored(api, id))?.status));
      const batch = (body: Body) => send(api, 'POST', batchUrl(), body);

      const paused = await batch({ scaling_policy_id: [a, b], action: 'pause' });
      expect(paused.statusCode, paused.body).toBe(204);
      expect(await statuses()).toEqual(['PAUSED', 'PAUSED', 'INSERVICE']);

      // One unknown id: nothing is resumed, and the answer names it.
      const unknown = uuid(0xbad);
      const failed = await batch({ scaling_policy_id: [a, unknown, b], action: 'resume' });
      expect(expectAsError(failed, 400, 'AS.3046')).toBe(
        `Failed to resume policies in a batch. Nothing was changed. ${unknown}: the policy does not exist.`,
      );
      expect(await statuses()).toEqual(['PAUSED', 'PAUSED', 'INSERVICE']);
      expectAsError(await batch({ scaling_policy_id: [unknown], action: 'pause' }), 400, 'AS.3047');
      expectAsError(
        await batch({ scaling_policy_id: [unknown], action: 'delete' }),
        400,
        'AS.3045',
      );

      // Already in service: resuming it too is no error.
      expect((await batch({ scaling_policy_id: [a, b, c, a], action: 'resume' })).statusCode).toBe(
        204,
      );
      expect(await statuses()).toEqual(['INSERVICE', 'INSERVICE', 'INSERVICE']);

      const deleted = await batch({
        scaling_policy_id: [a, c],
        action: 'delete',
        force_delete: 'no',
      });
      expect(deleted.statusCode, deleted.body).toBe(204);
      expect(await statuses()).toEqual([undefined, 'INSERVICE', undefined]);
    });

    describe('refuses each bad batch request with its documented code, changing nothing', () => {
      it.each(caseRows(batchCases, { b: uuid(0) }))('%s: %s', async (name) => {
        const api = await openTestApi(backend);
        const groupId = await createGroup(api);
        const b = await create(api, v1Url(), {
          scaling_policy_name: 'b',
          scaling_group_id: groupId,
          scaling_policy_type: 'ALARM',
          alarm_id: alarmId,
        });
        await expectRefused(api, batchUrl(), caseNamed(batchCases, { b }, name));
        expect((await stored(api, b))?.status).toBe('INSERVICE');
      });
    });
  });
}
