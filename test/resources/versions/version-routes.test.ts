import { describe, expect, it } from 'vitest';
import { openTestApi, sqliteBackend } from '../../support/api-harness.js';
import { listen, sdkClient } from '../../support/node-sdk.js';

/** The API version documents: `GET /`, `GET /v1`, `GET /v2`, as the cloud's pages show them. */

const host = 'as.example.test';
const documented = (id: 'v1' | 'v2') => ({
  id,
  links: [{ href: `http://${host}/autoscaling-api/${id}/`, rel: 'self' }],
  min_version: '',
  status: id === 'v1' ? 'CURRENT' : 'SUPPORTED',
  updated: id === 'v1' ? '2016-06-30T00:00:00Z' : '2018-03-30T00:00:00Z',
  version: '',
});

describe('API versions', () => {
  it('lists v1 and v2 without credentials, in the shape and key order of the cloud', async () => {
    const { app } = await openTestApi(sqliteBackend);
    const res = await app.inject({ method: 'GET', url: '/', headers: { host } });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(res.json()).toEqual({ versions: [documented('v1'), documented('v2')] });
    expect(res.body).toBe(JSON.stringify({ versions: [documented('v1'), documented('v2')] }));
  });

  it('shows each version without credentials', async () => {
    const { app } = await openTestApi(sqliteBackend);
    for (const id of ['v1', 'v2'] as const) {
      const res = await app.inject({ method: 'GET', url: `/${id}`, headers: { host } });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.body).toBe(JSON.stringify({ version: documented(id) }));
    }
  });

  it('answers a signed or token request the same: the credentials are not looked at', async () => {
    const { app } = await openTestApi(sqliteBackend);
    for (const headers of [
      { host, authorization: 'SDK-HMAC-SHA256 Access=NOPE, SignedHeaders=host, Signature=00' },
      { host, 'x-auth-token': 'not-a-token', 'content-type': 'application/json' },
    ]) {
      const res = await app.inject({ method: 'GET', url: '/v1', headers });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toEqual({ version: documented('v1') });
    }
  });

  it("answers the official SDK's showApiVersion call, signed as it sends it", async () => {
    const api = await openTestApi(sqliteBackend);
    const address = await listen(api.app);
    const client = sdkClient(address, await api.credentialFor('p1'));
    const shown = await client.sendRequest<{ version: unknown; httpStatusCode: number }>({
      method: 'GET',
      url: '/{api_version}',
      contentType: 'application/json',
      queryParams: {},
      pathParams: { api_version: 'v2' },
      headers: {},
    });
    expect(shown.httpStatusCode).toBe(200);
    expect(shown.version).toEqual({
      ...documented('v2'),
      links: [{ href: `http://${address}/autoscaling-api/v2/`, rel: 'self' }],
    });
  });

  it('answers another version as any unknown path, and another method with 405', async () => {
    const { app } = await openTestApi(sqliteBackend);
    const unknown = await app.inject({ method: 'GET', url: '/v3' });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toMatchObject({ error_code: 'APIGW.0101' });
    const post = await app.inject({ method: 'POST', url: '/v1', payload: {} });
    expect(post.statusCode).toBe(405);
    expect(post.headers.allow).toContain('GET');
  });

  it('sends a browser on to the docs, and answers JSON to every other client', async () => {
    const { app } = await openTestApi(sqliteBackend);
    const browser = await app.inject({
      method: 'GET',
      url: '/',
      headers: { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' },
    });
    expect(browser.statusCode).toBe(302);
    expect(browser.headers.location).toBe('/docs');
    for (const accept of ['application/json', '*/*', 'application/json, text/html;q=0.5']) {
      const res = await app.inject({ method: 'GET', url: '/', headers: { accept } });
      expect(res.statusCode, accept).toBe(200);
      expect(Object.keys(res.json<object>())).toEqual(['versions']);
    }
    const plain = await app.inject({ method: 'GET', url: '/', headers: { accept: 'text/plain' } });
    expect(plain.statusCode).toBe(406);
  });

  it('describes the version routes in the OpenAPI document', async () => {
    const { app } = await openTestApi(sqliteBackend);
    const doc = (await app.inject({ method: 'GET', url: '/openapi.json' })).json<{
      paths: Record<string, Record<string, { security?: unknown[] }>>;
    }>();
    for (const path of ['/', '/v1', '/v2']) {
      expect(doc.paths[path]?.get, path).toBeDefined();
      expect(doc.paths[path]?.get?.security, path).toEqual([]);
    }
  });
});
