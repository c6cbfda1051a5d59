import { describe, expect, it } from 'vitest';
import { testBackends } from '../../support/backends.js';
import { expectAsError, logsPath, openTestApi, project } from '../../support/api-harness.js';
import type { SendAs } from '../../support/api-harness.js';
import {
  otherProject,
  v1Url,
  v2Url,
  batchUrl,
  alarmId,
  send,
  createGroup,
  create,
  show,
} from './policy-test-helpers.js';
import type { ListBody } from './policy-test-helpers.js';

/** Every policy path keeps projects apart. */

for (const backend of testBackends) {
  describe.skipIf(!backend.available)(`scaling policy API, projects: ${backend.name}`, () => {
    it("keeps projects apart: another project's credential and paths see nothing", async () => {
      const api = await openTestApi(backend);
      const groupId = await createGroup(api);
      const id = await create(api, v1Url(), {
        scaling_policy_name: 'p1',
        scaling_group_id: groupId,
        scaling_policy_type: 'ALARM',
        alarm_id: alarmId,
      });
      const other: SendAs = { credential: await api.credentialFor(otherProject) };
      // As the SDKs send it, X-Project-Id names the credential's project: not the path's.
      expectAsError(await send(api, 'GET', `${v1Url()}/${id}`, undefined, other), 400, 'AS.0008');
      const otherNoHeader: SendAs = { ...other, projectHeader: false };

      // Project B's credential on project A's paths.
      for (const [method, url, body] of [
        ['GET', `${v1Url()}/${id}`, undefined],
        ['GET', `${v2Url()}/${id}`, undefined],
        ['PUT', `${v1Url()}/${id}`, { cool_down_time: 1 }],
        ['DELETE', `${v1Url()}/${id}`, undefined],
        ['POST', `${v1Url()}/${id}/action`, { action: 'pause' }],
        ['POST', batchUrl(), { scaling_policy_id: [id], action: 'delete' }],
        ['GET', v2Url(), undefined],
      ] as const) {
        expectAsError(await send(api, method, url, body, otherNoHeader), 403, 'AS.0011');
      }
      // Project B's own paths do not find project A's policy or group.
      for (const [method, url, body] of [
        ['GET', `${v1Url(otherProject)}/${id}`, undefined],
        ['GET', `${v2Url(otherProject)}/${id}`, undefined],
        ['PUT', `${v1Url(otherProject)}/${id}`, { cool_down_time: 1 }],
        ['PUT', `${v2Url(otherProject)}/${id}`, { cool_down_time: 1 }],
        ['DELETE', `${v1Url(otherProject)}/${id}`, undefined],
        ['POST', `${v1Url(otherProject)}/${id}/action`, { action: 'execute' }],
        ['POST', `${v1Url(otherProject)}/${id}/action`, { action: 'pause' }],
      ] as const) {
        expectAsError(await send(api, method, url, body, other), 404, 'AS.3020');
      }
      expectAsError(
        await send(
          api,
          'POST',
          batchUrl(otherProject),
          { scaling_policy_id: [id], action: 'delete' },
          other,
        ),
        400,
        'AS.3045',
      );
      expectAsError(
        await send(api, 'GET', `${v1Url(otherProject)}/${groupId}/list`, undefined, other),
        400,
        'AS.2007',
      );
      expectAsError(
        await send(
          api,
          'POST',
          v1Url(otherProject),
          {
            scaling_policy_name: 'p',
            scaling_group_id: groupId,
            scaling_policy_type: 'ALARM',
            alarm_id: alarmId,
          },
          other,
        ),
        400,
        'AS.2007',
      );
      const theirs = await send(api, 'GET', v2Url(otherProject), undefined, other);
      expect(theirs.json<ListBody>().total_number).toBe(0);
      // Untouched.
      expect(await show(api, 'v1', id)).toMatchObject({
        policy_status: 'INSERVICE',
        cool_down_time: 300,
      });
      expect((await send(api, 'GET', logsPath(project, id))).json<ListBody>().total_number).toBe(0);
    });
  });
}
