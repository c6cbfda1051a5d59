import { createHmac } from 'node:crypto';
import { Writable } from 'node:stream';
import { ClientRequestException } from '@huaweicloud/huaweicloud-sdk-core/exception/ClientRequestException.js';
import type { LightMyRequestResponse } from 'fastify';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { signatureLockout } from '../../src/auth/credential-service.js';
import { testBackends } from '../support/backends.js';
import { signRequest } from '../support/sdk-signing.js';
import {
  expectAsError,
  expectGatewayError,
  getPage,
  ingestUrl,
  logsPath,
  openTestApi,
  pageIds,
  policy,
  project,
  sendTo,
  sqliteBackend,
  uuid,
  uuidPattern,
  wireLog,
  withCredentials,
} from '../support/api-harness.js';
import type { LogPageBody, TestApi, TestRequest } from '../support/api-harness.js';
import { listen, sdkClient, sdkSign, send } from '../support/node-sdk.js';
import type { RawResponse, SdkSignedRequest } from '../support/node-sdk.js';

const otherProject = 'a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5';
const minute = 60_000;

/** Asserts a 401 APIGW.0301 whose message is the gateway's prefix and then `reason`. */
function expectIamError(res: LightMyRequestResponse, reason: string): string {
  const message = expectGatewayError(res, 401, 'APIGW.0301');
  expect(message.startsWith(`Incorrect IAM authentication information: ${reason}`), message).toBe(
    true,
  );
  return message;
}

/** The same for a response read off a real socket. */
function expectRawIamError(res: RawResponse, reason: string): void {
  expect(res.status, res.body).toBe(401);
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  const body = JSON.parse(res.body) as Record<string, unknown>;
  expect(body).toStrictEqual({
    error_code: 'APIGW.0301',
    error_msg: expect.stringMatching(
      new RegExp(`^Incorrect IAM authentication information: ${reason}`),
    ) as unknown,
    request_id: res.headers['x-request-id'],
  });
}

const ndjson = (...logs: Record<string, unknown>[]): string =>
  logs.map((l) => JSON.stringify(l)).join('\n');

const ingest = (payload: string, projectId = project): TestRequest => ({
  method: 'POST',
  url: ingestUrl(projectId),
  headers: { 'content-type': 'application/x-ndjson' },
  payload,
});

async function seededApi(backend = sqliteBackend): Promise<TestApi> {
  const api = await openTestApi(backend);
  await api.seed([wireLog(1), wireLog(2, { tenant_id: otherProject })]);
  return api;
}

describe('requests made by the official Node SDK (@huaweicloud/huaweicloud-sdk-core)', () => {
  it('pass: a query with : in the query string and an ingest with a JSON body, over a real socket', async () => {
    const api = await seededApi();
    const host = await listen(api.app);
    const credential = await api.credentialFor(project);
    const client = sdkClient(host, credential);

    const page = await client.sendRequest<LogPageBody & { httpStatusCode: number }>({
      method: 'GET',
      url: '/autoscaling-api/v1/{project_id}/scaling_policy_execute_log/{scaling_policy_id}',
      contentType: 'application/json',
      queryParams: { start_time: '2023-12-31T00:00:00Z', execute_type: 'RECURRENCE', limit: 10 },
      pathParams: { scaling_policy_id: policy },
      headers: {},
    });
    expect(page.httpStatusCode).toBe(200);
    expect(page.total_number).toBe(1);
    expect(pageIds(page)).toEqual([uuid(1)]);

    const report = await client.sendRequest<{ inserted: number; httpStatusCode: number }>({
      method: 'POST',
      url: '/scalelog/v1/{project_id}/execution_logs',
      contentType: 'application/json',
      queryParams: {},
      pathParams: {},
      headers: {},
      data: wireLog(3, { execute_time: '2024-01-01T00:00:01Z' }),
    });
    expect(report.httpStatusCode).toBe(200);
    expect(report.inserted).toBe(1);
    expect(pageIds(await getPage(api.inject, logsPath()))).toEqual([uuid(3), uuid(1)]);
  });

  it("fail with the SDK's own exception carrying APIGW.0301 when the SK is wrong", async () => {
    const api = await seededApi();
    const host = await listen(api.app);
    const credential = await api.credentialFor(project);
    const client = sdkClient(host, { ...credential, sk: `${credential.sk}x` });
    const error: unknown = await client
      .sendRequest({
        method: 'GET',
        url: '/autoscaling-api/v1/{project_id}/scaling_policy_execute_log/{scaling_policy_id}',
        contentType: 'application/json',
        queryParams: {},
        pathParams: { scaling_policy_id: policy },
        headers: {},
      })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(ClientRequestException);
    expect(error).toMatchObject({
      httpStatusCode: 401,
      errorCode: 'APIGW.0301',
      errorMsg: expect.stringContaining('verify aksk signature fail') as unknown,
    });
  });

  it('fail when one byte of the path, the query, a signed header or the body changes', async () => {
    const api = await seededApi();
    const host = await listen(api.app);
    const credential = await api.credentialFor(project);
    const query = sdkSign(host, credential, {
      method: 'GET',
      path: logsPath(),
      query: { start_time: '2023-12-31T00:00:00Z', limit: 10 },
    });
    const post = sdkSign(host, credential, {
      method: 'POST',
      path: ingestUrl(),
      data: wireLog(4),
    });
    // Unchanged, both pass: the alterations below are the only reason for a 401.
    expect((await send(host, query)).status).toBe(200);
    expect((await send(host, post)).status).toBe(200);

    const changed: [string, SdkSignedRequest][] = [
      // Another policy id of the same project: the path names a real, readable policy.
      ['path', { ...query, path: query.path.replace(policy, `${policy.slice(0, -1)}7`) }],
      ['query value', { ...query, path: query.path.replace('limit=10', 'limit=11') }],
      ['query added', { ...query, path: `${query.path}&start_number=0` }],
      [
        'signed header',
        { ...query, headers: { ...query.headers, 'content-type': 'application/jsoN' } },
      ],
      [
        'signed host',
        { ...query, headers: { ...query.headers, host: host.replace('127.0.0.1', 'localhost') } },
      ],
      // Still a valid log: unverified, it would update log 4.
      ['body', { ...post, body: post.body.replace('"desire_value":"2"', '"desire_value":"3"') }],
    ];
    for (const [what, request] of changed) {
      const res = await send(host, request);
      expect(res.status, what).toBe(401);
      expectRawIamError(res, 'verify aksk signature fail');
    }
    // Nothing of the altered body was written (asked with another AK: six failures locked this one).
    expect(post.body).toContain('"desire_value":"2"');
    const other = await api.credentials.createCredential({ projectId: project });
    const page = await api.inject(
      { method: 'GET', url: `${logsPath()}?log_id=${uuid(4)}` },
      { credential: other },
    );
    expect(page.json<LogPageBody>().scaling_policy_execute_log).toMatchObject([
      { id: uuid(4), desire_value: '2' },
    ]);
  });
});

describe('header sets other SDKs sign', () => {
  for (const backend of testBackends) {
    describe.skipIf(!backend.available)(backend.name, () => {
      it.each(['go', 'python', 'node'] as const)(
        '%s-style signatures pass on a query and an ingest',
        async (style) => {
          const api = await seededApi(backend);
          const credential = await api.credentialFor(project);
          const as = { credential, style };
          const page = await api.inject(
            { method: 'GET', url: `${logsPath()}?start_time=2023-12-31T00:00:00Z&limit=5` },
            as,
          );
          expect(page.statusCode, page.body).toBe(200);
          expect(pageIds(page.json<LogPageBody>())).toEqual([uuid(1)]);
          const posted = await api.inject(ingest(ndjson(wireLog(5))), as);
          expect(posted.statusCode, posted.body).toBe(200);
          expect(posted.json()).toMatchObject({ inserted: 1 });
        },
      );
    });
  }

  it('signs exactly the headers each style names', () => {
    const request = {
      method: 'GET',
      url: '/p',
      headers: { host: 'h', 'content-type': 'application/json', 'x-project-id': project },
    };
    const key = { ak: 'AK', sk: 'SK' };
    const signedHeaders = (style: 'go' | 'python' | 'node') =>
      /SignedHeaders=([^,]+)/.exec(
        signRequest(request, key, { date: 0, style }).authorization,
      )?.[1];
    expect(signedHeaders('go')).toBe('user-agent;x-project-id;x-sdk-date');
    expect(signedHeaders('python')).toBe('host;user-agent;x-project-id;x-sdk-date');
    expect(signedHeaders('node')).toBe('content-type;host;x-project-id;x-sdk-date');
  });
});

describe('AK/SK failures: 401 APIGW.0301 with a reason to act on', () => {
  it('answers "signature expired" outside 15 minutes of server time either way, naming the window', async () => {
    const api = await seededApi();
    const credential = await api.credentialFor(project);
    const now = api.clock.now();
    for (const skew of [-16 * minute, 16 * minute, -24 * 60 * minute]) {
      const res = await api.inject(
        { method: 'GET', url: logsPath() },
        { credential, date: now + skew },
      );
      const message = expectIamError(res, 'signature expired');
      expect(message).toContain('15 minutes');
      expect(message).toMatch(/accepts \d{8}T\d{6}Z to \d{8}T\d{6}Z/);
    }
    for (const skew of [-14 * minute, 14 * minute]) {
      const res = await api.inject(
        { method: 'GET', url: logsPath() },
        { credential, date: now + skew },
      );
      expect(res.statusCode, res.body).toBe(200);
    }
    // A request replayed later than that is refused.
    const signedNow = await api.inject(
      { method: 'GET', url: logsPath() },
      { credential, date: now },
    );
    expect(signedNow.statusCode).toBe(200);
    api.clock.advance(15 * minute + 1000);
    expectIamError(
      await api.inject({ method: 'GET', url: logsPath() }, { credential, date: now }),
      'signature expired',
    );
  });

  it('answers "verify aksk signature fail" for a wrong SK, and never shows the expected signature', async () => {
    const api = await seededApi();
    const credential = await api.credentialFor(project);
    const wrong = { ...credential, sk: 'not-the-secret' };
    const request = { method: 'GET' as const, url: logsPath() };
    const res = await api.inject(request, { credential: wrong });
    expectIamError(res, 'verify aksk signature fail');
    // The signature a right SK makes is nowhere in the answer.
    const right = signRequest(
      { ...request, headers: { host: 'scalelog.test', 'x-project-id': project } },
      credential,
      { date: api.clock.now() },
    );
    const expected = /Signature=([0-9a-f]{64})/.exec(right.authorization)?.[1] ?? '';
    expect(expected).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(res.headers) + res.body).not.toContain(expected);
    expect(res.body).not.toContain(credential.sk);
  });

  it('answers "x-auth-token not found" with neither Authorization nor X-Auth-Token', async () => {
    const api = await seededApi();
    for (const request of [
      { method: 'GET' as const, url: logsPath() },
      { method: 'HEAD' as const, url: logsPath() },
      ingest(ndjson(wireLog(6))),
      {
        method: 'GET' as const,
        url: logsPath(),
        headers: { authorization: '', 'x-auth-token': ' ' },
      },
    ]) {
      const res = await api.inject(request, 'anonymous');
      if (request.method === 'HEAD') {
        expect(res.statusCode).toBe(401);
        continue;
      }
      const message = expectIamError(res, 'x-auth-token not found');
      expect(message).toContain('SDK-HMAC-SHA256');
      expect(message).toContain('X-Auth-Token');
    }
    // Nothing was written by the refused ingest.
    expect((await getPage(api.inject, logsPath())).total_number).toBe(1);
  });

  it('answers "unsupported Authorization header" for a malformed one, saying what is expected', async () => {
    const api = await seededApi();
    const credential = await api.credentialFor(project);
    const good = signRequest(
      { method: 'GET', url: logsPath(), headers: { host: 'scalelog.test' } },
      credential,
      { date: api.clock.now() },
    );
    const malformed = [
      'Basic dXNlcjpwYXNz',
      `SDK-HMAC-SHA256 Access=${credential.ak}, SignedHeaders=host;x-sdk-date`,
      `SDK-HMAC-SHA256 Access=${credential.ak}, SignedHeaders=host;x-sdk-date, Signature=xyz`,
      good.authorization.replace(/, /g, ' '),
    ];
    for (const authorization of malformed) {
      const res = await sendTo(api.app, {
        method: 'GET',
        url: logsPath(),
        headers: { ...good, authorization },
      });
      expect(expectIamError(res, 'unsupported Authorization header'), authorization).toContain(
        'SDK-HMAC-SHA256 Access=<AK>, SignedHeaders=',
      );
    }
    // Tolerated: other spacing around the fields.
    const spaced = good.authorization
      .replace('SDK-HMAC-SHA256 ', 'SDK-HMAC-SHA256   ')
      .replace(/, /g, ' ,  ');
    const ok = await sendTo(api.app, {
      method: 'GET',
      url: logsPath(),
      headers: { ...good, authorization: spaced },
    });
    expect(ok.statusCode, ok.body).toBe(200);
  });

  it('answers 401 naming X-Sdk-Date when it is missing or not YYYYMMDDTHHMMSSZ', async () => {
    const api = await seededApi();
    const credential = await api.credentialFor(project);
    const good = signRequest(
      { method: 'GET', url: logsPath(), headers: { host: 'scalelog.test' } },
      credential,
      { date: api.clock.now() },
    );
    const withoutDate = Object.fromEntries(
      Object.entries(good).filter(([name]) => name !== 'x-sdk-date'),
    );
    expectIamError(
      await sendTo(api.app, { method: 'GET', url: logsPath(), headers: withoutDate }),
      'x-sdk-date not found',
    );
    const iso = new Date(api.clock.now()).toISOString();
    expect(
      expectIamError(
        await sendTo(api.app, {
          method: 'GET',
          url: logsPath(),
          headers: { ...good, 'x-sdk-date': iso },
        }),
        'x-sdk-date',
      ),
    ).toContain('YYYYMMDDTHHMMSSZ');
  });
});

// What depends on the stored credentials, run against each store.
for (const backend of testBackends) {
  describe.skipIf(!backend.available)(`stored credentials on ${backend.name}`, () => {
    it('answers "ak not exist" for an unknown AK and for a deleted credential', async () => {
      const api = await seededApi(backend);
      const unknown = { ak: 'NO0SUCH0AK', sk: 'whatever', projectId: project };
      expect(
        expectIamError(
          await api.inject({ method: 'GET', url: logsPath() }, { credential: unknown }),
          'ak not exist',
        ),
      ).toContain('NO0SUCH0AK');

      const credential = await api.credentialFor(project);
      expect(
        (await api.inject({ method: 'GET', url: logsPath() }, { credential })).statusCode,
      ).toBe(200);
      expect(await api.credentials.deleteCredential(credential.ak)).toBe(true);
      expectIamError(
        await api.inject({ method: 'GET', url: logsPath() }, { credential }),
        'ak not exist',
      );
    });

    describe('lockout after repeated signature failures', () => {
      const { maxConsecutiveFailures, lockMs } = signatureLockout;

      it(`locks an AK for 5 minutes for the client after more than ${maxConsecutiveFailures} consecutive failures from it, even against its good signature, then recovers`, async () => {
        expect(maxConsecutiveFailures).toBe(5);
        expect(lockMs).toBe(5 * minute);
        const api = await seededApi(backend);
        const credential = await api.credentialFor(project);
        const wrong = { credential: { ...credential, sk: 'wrong' } };
        // app.inject's client is 127.0.0.1 unless told otherwise.
        const good = () => api.inject({ method: 'GET', url: logsPath() }, { credential });
        const goodFrom = (remoteAddress: string) => {
          const signed = withCredentials(
            { method: 'GET', url: logsPath() },
            { credential },
            api.clock,
          );
          return api.app.inject({
            method: 'GET',
            url: signed.url,
            headers: { ...signed.headers },
            remoteAddress,
          });
        };
        for (let i = 0; i < maxConsecutiveFailures + 1; i += 1) {
          expectIamError(
            await api.inject({ method: 'GET', url: logsPath() }, wrong),
            'verify aksk signature fail',
          );
        }
        const locked = expectIamError(
          await good(),
          'the access key is locked for 300 more seconds for requests from 127.0.0.1',
        );
        expect(locked).toContain('repeated signature failures');
        // The same client is locked out, the owner's good signature from elsewhere is not.
        expect((await goodFrom('192.0.2.1')).statusCode).toBe(200);

        api.clock.advance(lockMs - 61_000);
        expectIamError(await good(), 'the access key is locked for 61 more seconds');
        // Another AK of the same project is not locked.
        const other = await api.credentials.createCredential({ projectId: project });
        expect(
          (await api.inject({ method: 'GET', url: logsPath() }, { credential: other })).statusCode,
        ).toBe(200);

        api.clock.advance(61_000);
        expect((await good()).statusCode).toBe(200);
        // The good signature reset the count: it takes more than five failures again to lock.
        for (let i = 0; i < maxConsecutiveFailures; i += 1) {
          expectIamError(
            await api.inject({ method: 'GET', url: logsPath() }, wrong),
            'verify aksk signature fail',
          );
        }
        expect((await good()).statusCode).toBe(200);
      });

      it(`does not lock after ${maxConsecutiveFailures} failures; a good signature resets the count`, async () => {
        const api = await seededApi(backend);
        const credential = await api.credentialFor(project);
        const wrong = { credential: { ...credential, sk: 'wrong' } };
        for (let round = 0; round < 3; round += 1) {
          for (let i = 0; i < maxConsecutiveFailures; i += 1) {
            expectIamError(
              await api.inject({ method: 'GET', url: logsPath() }, wrong),
              'verify aksk signature fail',
            );
          }
          expect(
            (await api.inject({ method: 'GET', url: logsPath() }, { credential })).statusCode,
          ).toBe(200);
        }
      });
    });

    describe('tokens (X-Auth-Token)', () => {
      it('pass while valid; "token expired" after expiry; "token not exist" when revoked or unknown', async () => {
        const api = await seededApi(backend);
        const issued = await api.credentials.createToken({
          projectId: project,
          ttlMs: 60 * minute,
          nowMs: api.clock.now(),
        });
        const asToken = { token: issued.token };
        const page = await api.inject({ method: 'GET', url: logsPath() }, asToken);
        expect(page.statusCode, page.body).toBe(200);
        expect(pageIds(page.json<LogPageBody>())).toEqual([uuid(1)]);
        const posted = await api.inject(ingest(ndjson(wireLog(7))), asToken);
        expect(posted.json()).toMatchObject({ inserted: 1 });

        expectIamError(
          await api.inject({ method: 'GET', url: logsPath() }, { token: `${issued.token}x` }),
          'token not exist',
        );

        api.clock.advance(60 * minute);
        expectIamError(
          await api.inject({ method: 'GET', url: logsPath() }, asToken),
          'token expired',
        );

        const second = await api.credentials.createToken({
          projectId: project,
          ttlMs: 60 * minute,
          nowMs: api.clock.now(),
        });
        expect(
          (await api.inject({ method: 'GET', url: logsPath() }, { token: second.token }))
            .statusCode,
        ).toBe(200);
        expect(await api.credentials.revokeToken(second.token)).toBe(true);
        const revoked = await api.inject(
          { method: 'GET', url: logsPath() },
          { token: second.token },
        );
        expect(expectIamError(revoked, 'token not exist')).toContain('revoked');
        expect(revoked.body).not.toContain(second.token);
      });
    });
  });
}

describe('tenant isolation', () => {
  for (const backend of testBackends) {
    describe.skipIf(!backend.available)(backend.name, () => {
      it("answers 403 AS.0011 to a credential or token used on another project's query or ingest, and writes nothing", async () => {
        const api = await seededApi(backend);
        const mine = await api.credentialFor(project);
        const token = await api.credentials.createToken({
          projectId: project,
          ttlMs: 60 * minute,
          nowMs: api.clock.now(),
        });
        const sendAs = [
          // A client that does not send X-Project-Id, such as curl or Terraform.
          { credential: mine, projectHeader: false },
          { credential: mine, projectHeader: false, style: 'go' as const },
          { token: token.token },
        ];
        for (const as of sendAs) {
          const query = await api.inject({ method: 'GET', url: logsPath(otherProject) }, as);
          expect(expectAsError(query, 403, 'AS.0011')).toContain(otherProject);
          const posted = await api.inject(
            ingest(ndjson(wireLog(8, { tenant_id: otherProject })), otherProject),
            as,
          );
          expectAsError(posted, 403, 'AS.0011');
          // Headers naming the other project do not help.
          const claimed = await api.inject(
            {
              method: 'GET',
              url: logsPath(otherProject),
              headers: { 'x-project-id': otherProject },
            },
            as,
          );
          expectAsError(claimed, 403, 'AS.0011');
        }
        // The other project's own credential sees its one log, and nothing new.
        const theirs = await getPage(api.inject, logsPath(otherProject));
        expect(pageIds(theirs)).toEqual([uuid(2)]);
      });

      it('answers 400 AS.0008 when X-Project-Id differs from the path, on the query and the ingest', async () => {
        const api = await seededApi(backend);
        const credential = await api.credentialFor(project);
        for (const request of [
          { method: 'GET' as const, url: logsPath(), headers: { 'x-project-id': otherProject } },
          {
            ...ingest(ndjson(wireLog(9))),
            headers: { 'content-type': 'application/x-ndjson', 'x-project-id': otherProject },
          },
        ]) {
          const res = await api.inject(request, { credential });
          expect(expectAsError(res, 400, 'AS.0008')).toContain('X-Project-Id');
        }
        // An SDK configured for the other project sends its X-Project-Id: the mismatch is named.
        const sdkOfOther = await api.inject(
          { method: 'GET', url: logsPath(otherProject) },
          { credential },
        );
        expectAsError(sdkOfOther, 400, 'AS.0008');
        expect((await getPage(api.inject, logsPath())).total_number).toBe(1);
      });
    });
  }
});

describe('what is open, and what is logged', () => {
  it('serves /healthz, /readyz, /openapi.json and the docs without credentials', async () => {
    const { app } = await openTestApi(sqliteBackend);
    for (const url of [
      '/healthz',
      '/readyz',
      '/openapi.json',
      '/docs',
      '/docs/json',
      '/docs/static/swagger-initializer.js',
    ]) {
      const res = await app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(200);
    }
    // An unknown path is 404 whoever asks, as at the gateway.
    expectGatewayError(await app.inject({ method: 'GET', url: '/nope' }), 404, 'APIGW.0101');
  });

  // An AK/SK signature covers each request whole, so OpenAPI cannot describe it as a security
  // scheme a client fills in (a box for the Authorization header cannot work from the docs
  // page): the token is the scheme, and the description explains the signature.
  it('describes the token as the security scheme and the AK/SK signature in the OpenAPI document', async () => {
    const { app } = await openTestApi(sqliteBackend);
    const doc = (await app.inject({ method: 'GET', url: '/openapi.json' })).json<{
      info: { description: string };
      components: { securitySchemes: Record<string, { type: string; in: string; name: string }> };
      security: Record<string, unknown>[];
      paths: Record<
        string,
        Record<string, { security?: unknown[]; responses: Record<string, unknown> }>
      >;
    }>();
    expect(Object.keys(doc.components.securitySchemes)).toEqual(['token']);
    expect(doc.components.securitySchemes).toMatchObject({
      token: { type: 'apiKey', in: 'header', name: 'X-Auth-Token' },
    });
    expect(doc.security).toEqual([{ token: [] }]);
    expect(doc.info.description).toContain(
      '`Authorization: SDK-HMAC-SHA256 Access=..., SignedHeaders=..., Signature=...` with\n`X-Sdk-Date`',
    );
    expect(doc.paths['/healthz']?.get?.security).toEqual([]);
    const query =
      doc.paths['/autoscaling-api/v1/{project_id}/scaling_policy_execute_log/{scaling_policy_id}']
        ?.get;
    expect(Object.keys(query?.responses ?? {})).toEqual(expect.arrayContaining(['401', '403']));
  });

  it('logs the canonical request and string to sign of a failed signature at debug level, never a secret', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString('utf8'));
        done();
      },
    });
    const api = await openTestApi(sqliteBackend, { logger: pino({ level: 'debug' }, sink) });
    await api.seed([wireLog(1)]);
    const credential = await api.credentialFor(project);
    const token = 'a-token-value-signed-by-mistake';
    // Signed with a header that holds a secret, then sent with another body.
    const signed = signRequest(
      {
        method: 'POST',
        url: ingestUrl(),
        headers: {
          host: 'scalelog.test',
          'content-type': 'application/x-ndjson',
          'x-auth-token': token,
        },
        body: ndjson(wireLog(3)),
      },
      credential,
      { date: api.clock.now() },
    );
    const res = await sendTo(api.app, {
      method: 'POST',
      url: ingestUrl(),
      headers: signed,
      payload: ndjson(wireLog(4)),
    });
    expectIamError(res, 'verify aksk signature fail');

    const logged = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    const entry = logged.find((l) => typeof l.canonicalRequest === 'string');
    expect(entry).toBeDefined();
    const canonical = String(entry?.canonicalRequest);
    expect(canonical.split('\n').slice(0, 3)).toEqual(['POST', `${ingestUrl()}/`, '']);
    expect(canonical).toContain('x-auth-token:<redacted>\n');
    expect(canonical).toContain('host:scalelog.test\n');
    expect(entry?.stringToSign).toMatch(/^SDK-HMAC-SHA256\n\d{8}T\d{6}Z\n[0-9a-f]{64}$/);
    expect(entry?.reqId).toBe(res.headers['x-request-id']);

    const all = lines.join('');
    const serverExpected = createHmac('sha256', credential.sk)
      .update(String(entry?.stringToSign))
      .digest('hex');
    expect(all).not.toContain(serverExpected);
    expect(all).not.toContain(credential.sk);
    expect(all).not.toContain(token);
  });
});

describe('request ids on 401 and 403', () => {
  it('carries a fresh X-Request-Id, repeated in the gateway envelope', async () => {
    const api = await seededApi();
    const res = await api.inject({ method: 'GET', url: logsPath() }, 'anonymous');
    expect(res.headers['x-request-id']).toMatch(uuidPattern);
    expectGatewayError(res, 401, 'APIGW.0301');
    const forbidden = await api.inject(
      { method: 'GET', url: logsPath(otherProject) },
      { credential: await api.credentialFor(project), projectHeader: false },
    );
    expect(forbidden.headers['x-request-id']).toMatch(uuidPattern);
  });
});
