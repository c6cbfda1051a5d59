import { describe, expect, it } from 'vitest';
import { testBackends } from '../../support/backends.js';
import { expectGatewayError, openTestApi, uuid } from '../../support/api-harness.js';
import { batchUrl, send, v1Url, v2Url } from './policy-test-helpers.js';
import type { Method } from './policy-test-helpers.js';

/** The policy paths asked with a method they do not serve: 405 with what they do serve. */

for (const backend of testBackends) {
  describe.skipIf(!backend.available)(`scaling policy API, methods: ${backend.name}`, () => {
    it('answers a policy path asked with another method with 405 and an Allow header', async () => {
      const api = await openTestApi(backend);
      const id = uuid(0xbeef);
      const cases: [string, Method, string][] = [
        [v1Url(), 'GET', 'POST'],
        [`${v1Url()}/${id}`, 'POST', 'GET, HEAD, DELETE, PUT'],
        [`${v1Url()}/${id}/action`, 'PUT', 'POST'],
        [`${v1Url()}/${id}/list`, 'DELETE', 'GET, HEAD'],
        [batchUrl(), 'GET', 'POST'],
        [v2Url(), 'DELETE', 'GET, HEAD, POST'],
        [`${v2Url()}/${id}`, 'DELETE', 'GET, HEAD, PUT'],
        [`${v2Url()}/${id}/list`, 'POST', 'GET, HEAD'],
      ];
      for (const [url, method, allow] of cases) {
        const res = await send(api, method, url);
        expect(res.statusCode, `${method} ${url}`).toBe(405);
        expect(res.headers.allow, `${method} ${url}`).toBe(allow);
        expect(expectGatewayError(res, 405, 'APIGW.0201')).toContain(method);
      }
    });
  });
}
