import { describe, expect, it } from 'vitest';
import { testBackends } from '../support/backends.js';
import { expectAsError, expectGatewayError, openTestApi, project } from '../support/api-harness.js';

const json = { 'content-type': 'application/json' };
const groupsUrl = `/autoscaling-api/v1/${project}/scaling_group`;

/**
 * Text no store can keep (U+0000; a lone surrogate) is refused before any handler reads
 * it. PostgreSQL used to fail such a lookup with a 500, and SQLite kept a surrogate altered.
 */
for (const backend of testBackends) {
  describe.skipIf(!backend.available)(`unstorable text: ${backend.name}`, () => {
    it('refuses %00 anywhere in the URL with 400 APIGW.0201, after authentication', async () => {
      const api = await openTestApi(backend);
      for (const url of [
        `/autoscaling-api/v1/${project}/scaling_policy_execute_log/%00`,
        `/autoscaling-api/v1/${project}/scaling_policy_execute_log/p1?execute_type=%00`,
        `${groupsUrl}?scaling_group_name=a%00`,
        `/autoscaling-api/v2/${project}/scaling_policy?alarm_id=%00`,
        `/v1/${project}/bandwidths/%00`,
      ]) {
        const res = await api.inject({ method: 'GET', url });
        expect(expectGatewayError(res, 400, 'APIGW.0201')).toContain('%00 (U+0000)');
      }
      const anonymous = await api.inject({ method: 'GET', url: `${groupsUrl}/%00` }, 'anonymous');
      expectGatewayError(anonymous, 401, 'APIGW.0301');
      const unknownApi = await api.inject({ method: 'GET', url: `/nothing/%00` });
      expect(unknownApi.statusCode).toBe(404);
    });

    it('refuses U+0000 or a lone surrogate in a JSON body with 400 AS.0022 naming the field, and stores nothing', async () => {
      const api = await openTestApi(backend);
      const group = {
        scaling_group_name: 'web',
        vpc_id: 'a8327883-6b07-4497-9c61-68d03ee193a1',
        networks: [{ id: '3cd35bca-5a10-416f-8994-f79169559870' }],
      };
      const cases: [Record<string, unknown>, string][] = [
        [{ ...group, vpc_id: 'vpc\u0000' }, 'vpc_id contains a NUL character (U+0000)'],
        [{ ...group, networks: [{ id: '\u0000' }] }, 'networks[0].id contains a NUL character'],
        [{ ...group, vpc_id: 'vpc-\ud800' }, 'vpc_id contains an unpaired UTF-16 surrogate'],
        [{ ...group, ['x\u0000']: 1 }, 'The field name "x\\u0000" contains a NUL character'],
      ];
      for (const [body, message] of cases) {
        const res = await api.inject({
          method: 'POST',
          url: groupsUrl,
          headers: json,
          payload: JSON.stringify(body),
        });
        expect(expectAsError(res, 400, 'AS.0022')).toContain(message);
      }
      const list = await api.inject({ method: 'GET', url: groupsUrl });
      expect(list.json<{ total_number: number }>().total_number).toBe(0);
      // The same body without the bad text is taken.
      const ok = await api.inject({
        method: 'POST',
        url: groupsUrl,
        headers: json,
        payload: JSON.stringify(group),
      });
      expect(ok.statusCode, ok.body).toBe(200);
    });

    it('refuses a JSON body nested past the limit with 400 AS.0022, where quoting it used to overflow (500)', async () => {
      // These bodies (2 MB) are far past the JSON API's default body limit (413): raised
      // here, to show that the depth check holds whatever an operator sets it to.
      const api = await openTestApi(backend, { config: { jsonBodyLimitBytes: 4 * 1024 * 1024 } });
      const deep = `${'['.repeat(1_000_000)}${']'.repeat(1_000_000)}`;
      for (const [url, payload] of [
        [groupsUrl, `{"scaling_group_name":"web","vpc_id":"v","networks":${deep}}`],
        [`/scalelog/v1/${project}/bandwidths`, `{"bandwidth":${deep}}`],
        [
          `/autoscaling-api/v1/${project}/scaling_policies/action`,
          `{"action":"pause","scaling_policy_id":${deep}}`,
        ],
      ] as const) {
        const res = await api.inject({ method: 'POST', url, headers: json, payload });
        expect(expectAsError(res, 400, 'AS.0022')).toContain('more than 32 levels deep');
      }
      // Wide is not deep: a long array gets the route's own answer.
      const wide = await api.inject({
        method: 'POST',
        url: groupsUrl,
        headers: json,
        payload: `{"scaling_group_name":"web","vpc_id":"v","networks":[${'{"id":"n"},'.repeat(100_000)}{"id":"n"}]}`,
      });
      expectAsError(wide, 400, 'AS.2024');
    });
  });
}
