import { describe, expect, it } from 'vitest';
import { testBackends } from '../../support/backends.js';
import { expectAsError, logsPath, openTestApi, project } from '../../support/api-harness.js';
import { v1Url, alarmId, send, createGroup, create, action } from './policy-test-helpers.js';

/** Deleting scaling policies. */

for (const backend of testBackends) {
  describe.skipIf(!backend.available)(`scaling policy API, delete: ${backend.name}`, () => {
    it('deletes a policy once; its execution logs stay', async () => {
      const api = await openTestApi(backend);
      const groupId = await createGroup(api, { desire: 1 });
      const id = await create(api, v1Url(), {
        scaling_policy_name: 'p1',
        scaling_group_id: groupId,
        scaling_policy_type: 'ALARM',
        alarm_id: alarmId,
      });
      expect((await action(api, id, 'execute')).statusCode).toBe(204);
      const del = await send(api, 'DELETE', `${v1Url()}/${id}`);
      expect(del.statusCode, del.body).toBe(204);
      expect(del.body).toBe('');
      expectAsError(await send(api, 'GET', `${v1Url()}/${id}`), 404, 'AS.3020');
      expectAsError(await send(api, 'DELETE', `${v1Url()}/${id}`), 404, 'AS.3020');
      const logs = await send(api, 'GET', logsPath(project, id));
      expect(logs.json<{ total_number: number }>().total_number).toBe(1);
    });
  });
}
