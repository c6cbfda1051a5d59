import { describe, expect, it } from 'vitest';
import {
  expectAsError,
  expectGatewayError,
  ingestUrl,
  logsPath,
  openTestApi,
  sqliteBackend,
  uuidPattern,
  wireLog,
} from '../support/api-harness.js';
import type { Inject, TestRequest } from '../support/api-harness.js';

/** A seeded app's `inject`, which sends each request signed with the path project's AK/SK. */
async function seededApi(config = {}): Promise<Inject> {
  const api = await openTestApi(sqliteBackend, { config });
  await api.seed([wireLog(1)]);
  return api.inject;
}

describe('the HTTP protocol around the API', () => {
  it('puts a fresh UUID X-Request-Id on every kind of response', async () => {
    const inject = await seededApi({ bodyLimitBytes: 64 });
    const requests: Record<string, TestRequest> = {
      ok: { method: 'GET', url: logsPath() },
      head: { method: 'HEAD', url: logsPath() },
      badParameter: { method: 'GET', url: `${logsPath()}?limit=1000` },
      unknownPolicy: { method: 'GET', url: logsPath(undefined, 'nope') },
      unknownPath: { method: 'GET', url: '/nope' },
      wrongMethod: { method: 'DELETE', url: logsPath() },
      notAcceptable: { method: 'GET', url: logsPath(), headers: { accept: 'text/html' } },
      tooLarge: {
        method: 'POST',
        url: ingestUrl(),
        headers: { 'content-type': 'application/x-ndjson' },
        payload: 'x'.repeat(65),
      },
      unsupportedType: {
        method: 'POST',
        url: ingestUrl(),
        headers: { 'content-type': 'text/plain' },
        payload: 'x',
      },
      badUrl: { method: 'GET', url: '/autoscaling-api/v1/p/scaling_policy_execute_log/%zz' },
      health: { method: 'GET', url: '/healthz' },
      openapi: { method: 'GET', url: '/openapi.json' },
      docs: { method: 'GET', url: '/docs' },
    };
    const ids = new Set<string>();
    for (const [kind, request] of Object.entries(requests)) {
      const res = await inject(request);
      const id = res.headers['x-request-id'];
      expect(id, kind).toMatch(uuidPattern);
      ids.add(String(id));
    }
    expect(ids.size).toBe(Object.keys(requests).length);
  });

  it('ignores a client-supplied X-Request-Id', async () => {
    const inject = await seededApi();
    const res = await inject({
      method: 'GET',
      url: '/healthz',
      headers: { 'x-request-id': 'forged' },
    });
    expect(res.headers['x-request-id']).toMatch(uuidPattern);
  });

  it('answers a known path under another method with 405 and an Allow header', async () => {
    const inject = await seededApi();
    const cases: [string, 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', string][] = [
      [logsPath(), 'POST', 'GET, HEAD'],
      [logsPath(), 'DELETE', 'GET, HEAD'],
      [logsPath(), 'PUT', 'GET, HEAD'],
      [ingestUrl(), 'GET', 'POST'],
      [ingestUrl(), 'HEAD', 'POST'],
      ['/healthz', 'POST', 'GET, HEAD'],
      ['/openapi.json', 'PATCH', 'GET, HEAD'],
    ];
    for (const [url, method, allow] of cases) {
      // A body and a content type that would fail parsing: the method is refused first.
      const bodyless = method === 'GET' || method === 'HEAD';
      const res = await inject({
        method,
        url,
        headers: { 'content-type': 'text/plain' },
        ...(bodyless ? {} : { payload: 'x' }),
      });
      expect(res.statusCode, `${method} ${url}`).toBe(405);
      expect(res.headers.allow, `${method} ${url}`).toBe(allow);
      if (method !== 'HEAD') expect(expectGatewayError(res, 405, 'APIGW.0201')).toContain(method);
    }
  });

  it('answers HEAD wherever GET is served', async () => {
    const inject = await seededApi();
    const res = await inject({ method: 'HEAD', url: logsPath() });
    expect(res.statusCode).toBe(200);
    expect(res.body).toBe('');
  });

  it('answers an unknown path with the gateway 404 envelope APIGW.0101', async () => {
    const inject = await seededApi();
    for (const url of [
      // `/`, `/v1` and `/v2` are the API version documents; another version is unknown.
      '/v3',
      '/nope',
      // A resource the AS API does not have.
      '/autoscaling-api/v1/p/scaling_unknown_resource/x',
      '/autoscaling-api/v2/p/scaling_policy_execute_log/x',
    ]) {
      const message = expectGatewayError(await inject({ method: 'GET', url }), 404, 'APIGW.0101');
      expect(message).toBe('The API does not exist or has not been published in the environment.');
    }
  });

  it('answers 406 when Accept rules out application/json, and serves any Accept that allows it', async () => {
    const inject = await seededApi();
    for (const accept of [
      'text/html',
      'application/xml',
      'application/json;q=0',
      'application/json;q=0, text/*',
    ]) {
      for (const url of [logsPath(), '/healthz', ingestUrl()]) {
        const res = await inject({
          method: url === ingestUrl() ? 'POST' : 'GET',
          url,
          headers: { accept },
        });
        expect(expectGatewayError(res, 406, 'APIGW.0201'), `${accept} ${url}`).toContain(
          'application/json',
        );
      }
    }
    for (const accept of [
      undefined,
      '',
      '*/*',
      'application/*',
      'application/json',
      'text/html, application/json;q=0.1',
      'application/json; charset=utf-8',
    ]) {
      const res = await inject({
        method: 'GET',
        url: logsPath(),
        headers: accept === undefined ? {} : { accept },
      });
      expect(res.statusCode, String(accept)).toBe(200);
    }
  });

  it('serves the docs page as HTML whatever the Accept header', async () => {
    const inject = await seededApi();
    const res = await inject({ method: 'GET', url: '/docs', headers: { accept: 'text/html' } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
  });

  it('answers a body over the limit with 413 in the gateway envelope, and writes nothing', async () => {
    const inject = await seededApi({ bodyLimitBytes: 1024 });
    const lines = Array.from({ length: 20 }, (_, n) => JSON.stringify(wireLog(100 + n))).join('\n');
    expect(Buffer.byteLength(lines)).toBeGreaterThan(1024);
    const res = await inject({
      method: 'POST',
      url: ingestUrl(),
      headers: { 'content-type': 'application/x-ndjson' },
      payload: lines,
    });
    expect(expectGatewayError(res, 413, 'APIGW.0201')).toBe(
      "Request entity too large: the limit is 1024 bytes. Send less per request, or raise the server's limit with the setting bodyLimitBytes (SCALELOG_BODY_LIMIT_BYTES).",
    );
    const page = await inject({ method: 'GET', url: logsPath() });
    expect(page.json<{ total_number: number }>().total_number).toBe(1);
  });

  it('answers a content type other than NDJSON or JSON with 415 naming what is accepted', async () => {
    const inject = await seededApi();
    const body = JSON.stringify(wireLog(2));
    for (const headers of [
      { 'content-type': 'text/plain' },
      { 'content-type': 'application/xml' },
      { 'content-type': 'multipart/form-data; boundary=x' },
      {},
    ]) {
      const res = await inject({ method: 'POST', url: ingestUrl(), headers, payload: body });
      const message = expectGatewayError(res, 415, 'APIGW.0201');
      expect(message).toContain('application/x-ndjson');
      expect(message).toContain('application/json');
    }
    const withCharset = await inject({
      method: 'POST',
      url: ingestUrl(),
      headers: { 'content-type': 'application/x-ndjson; charset=utf-8' },
      payload: body,
    });
    expect(withCharset.statusCode, withCharset.body).toBe(200);
  });

  it('answers a malformed path escape with a 400 gateway envelope', async () => {
    const inject = await seededApi();
    expectGatewayError(
      await inject({
        method: 'GET',
        url: '/autoscaling-api/v1/p/scaling_policy_execute_log/%zz',
      }),
      400,
      'APIGW.0201',
    );
  });

  it('answers an over-long policy id as an unknown policy, not a bare 414', async () => {
    const inject = await seededApi();
    expectAsError(
      await inject({ method: 'GET', url: logsPath(undefined, 'p'.repeat(300)) }),
      404,
      'AS.3020',
    );
  });
});
