import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import {
  expectAsError,
  expectGatewayError,
  getPage,
  groupId,
  ingestUrl,
  logsPath,
  openTestApi,
  project,
  wireLog,
} from '../support/api-harness.js';
import type { TestApi } from '../support/api-harness.js';
import { maxLineBytes } from '../../src/ingest/import-ndjson.js';
import { testBackends } from '../support/backends.js';
import { signRequest } from '../support/sdk-signing.js';

/**
 * Item: "no tenant, import or stalled database may freeze the server". A large ingest is
 * streamed to disk, authenticated, then imported a batch at a time: other requests are
 * answered while it runs, and a request whose signature is wrong is refused before anything
 * is parsed, written or locked. Over a real socket, on both stores.
 */

interface Answer {
  readonly status: number;
  readonly body: string;
}

/** Sends `body` (or, with `stall`, only its start) over a fresh connection to the app. */
function post(
  port: number,
  path: string,
  headers: Record<string, string>,
  body: Buffer | string,
  events: { onBodySent?: () => void } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: '127.0.0.1', port, method: 'POST', path, headers, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body, () => events.onBodySent?.());
  });
}

function get(port: number, path: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

async function listening(api: TestApi): Promise<number> {
  await api.app.listen({ host: '127.0.0.1', port: 0 });
  return (api.app.server.address() as AddressInfo).port;
}

/** About `bytes` of NDJSON: distinct logs of the harness's policy, padded with a job record. */
function bigNdjson(bytes: number): { body: Buffer; count: number } {
  const lines: string[] = [];
  let size = 0;
  for (let n = 1; size < bytes; n += 1) {
    const line = JSON.stringify(
      wireLog(n, {
        execute_time: '2024-03-01T00:00:00Z',
        job_records: [
          {
            job_name: 'ADJUST_VM_NUMBERS',
            record_type: 'MEG',
            record_time: '2024-03-01T00:00:00Z',
            job_status: 'SUCCESS',
            message: `scaled ${groupId} from 1 to 2 instances (${String(n)})`,
          },
        ],
      }),
    );
    lines.push(line);
    size += Buffer.byteLength(line) + 1;
  }
  return { body: Buffer.from(`${lines.join('\n')}\n`), count: lines.length };
}

/** Headers of an ingest of `body` signed with `key` as the Node SDK signs, at `date`. */
function signedIngest(
  port: number,
  body: Buffer,
  key: { ak: string; sk: string },
  date: number,
): Record<string, string> {
  return signRequest(
    {
      method: 'POST',
      url: ingestUrl(),
      headers: {
        host: `127.0.0.1:${String(port)}`,
        'content-type': 'application/x-ndjson',
        'x-project-id': project,
      },
      body,
    },
    key,
    { date },
  );
}

const tenMegabytes = 10 * 1024 * 1024;

for (const backend of testBackends) {
  describe.skipIf(!backend.available)(`ingest under load on ${backend.name}`, () => {
    it('keeps answering /healthz while a 10 MB signed ingest runs, and imports every log', async () => {
      const api = await openTestApi(backend, { config: { bodyLimitBytes: 12 * 1024 * 1024 } });
      const port = await listening(api);
      const { body, count } = bigNdjson(tenMegabytes);
      const headers = signedIngest(port, body, await api.credentialFor(project), api.clock.now());

      const progress = { bodySent: false, answered: false };
      const whileImporting: number[] = [];
      const all: number[] = [];
      const ingest = post(port, ingestUrl(), headers, body, {
        onBodySent: () => {
          progress.bodySent = true;
        },
      }).finally(() => {
        progress.answered = true;
      });
      // A function: TypeScript would take the flag as still false after an await.
      const answeredYet = (): boolean => progress.answered;
      const poll = (async () => {
        while (!progress.answered) {
          const sentBefore = progress.bodySent;
          const started = performance.now();
          const health = await get(port, '/healthz');
          const ms = performance.now() - started;
          expect(health.status).toBe(200);
          all.push(ms);
          // Sent after the whole body had gone and answered before the ingest was: the
          // server answered it while it was busy with the ingest.
          if (sentBefore && !answeredYet()) whileImporting.push(ms);
          await new Promise((resolve) => setTimeout(resolve, 5));
        }
      })();
      const [result] = await Promise.all([ingest, poll]);

      expect(result.status, result.body).toBe(200);
      expect(JSON.parse(result.body)).toStrictEqual({
        lines: count,
        inserted: count,
        updated: 0,
        unchanged: 0,
        skipped_count: 0,
        skipped: [],
      });
      // Before the ingest was streamed, /healthz waited 14 s or more behind it: one answer.
      expect(whileImporting.length).toBeGreaterThanOrEqual(3);
      expect(Math.max(...all)).toBeLessThan(500);
      const page = await getPage(api.inject, `${logsPath()}?limit=1`);
      expect(page.total_number).toBe(count);
    });

    it('keeps answering log queries while a 10 MB ingest writes, rather than queueing them behind it', async () => {
      const api = await openTestApi(backend, { config: { bodyLimitBytes: 12 * 1024 * 1024 } });
      const port = await listening(api);
      const { body, count } = bigNdjson(tenMegabytes);
      const headers = signedIngest(port, body, await api.credentialFor(project), api.clock.now());
      // Warm: the credential is cached and the query's statements prepared.
      await api.inject({ method: 'GET', url: logsPath() });

      const progress = { bodySent: false, answered: false };
      const answeredYet = (): boolean => progress.answered;
      const whileImporting: number[] = [];
      const ingest = post(port, ingestUrl(), headers, body, {
        onBodySent: () => {
          progress.bodySent = true;
        },
      }).finally(() => {
        progress.answered = true;
      });
      const poll = (async () => {
        while (!progress.answered) {
          const sentBefore = progress.bodySent;
          const started = performance.now();
          const res = await api.inject({ method: 'GET', url: `${logsPath()}?limit=10` });
          const ms = performance.now() - started;
          // Unknown until the import commits (404), then its page (200): never an error.
          expect([200, 404], res.body).toContain(res.statusCode);
          if (sentBefore && !answeredYet()) whileImporting.push(ms);
          await new Promise((resolve) => setTimeout(resolve, 5));
        }
      })();
      const [result] = await Promise.all([ingest, poll]);
      expect(result.status, result.body).toBe(200);
      expect((await getPage(api.inject, `${logsPath()}?limit=1`)).total_number).toBe(count);
      // On one SQLite connection a query waited for the ingest's whole transaction: few
      // answers came in while it ran (3, sent before its transaction began); now about 50
      // on SQLite and 40 on PostgreSQL, each within a few ms.
      expect(whileImporting.length).toBeGreaterThanOrEqual(10);
      expect(Math.max(...whileImporting)).toBeLessThan(500);
    });

    it('writes nothing for an ingest whose signature is wrong, and answers 401', async () => {
      const api = await openTestApi(backend);
      const port = await listening(api);
      const { body } = bigNdjson(256 * 1024);
      const key = await api.credentialFor(project);
      const signed = signedIngest(port, body, key, api.clock.now());
      // One byte of the body changed after signing: the signature covers the body.
      const tampered = Buffer.from(body);
      tampered[10] = tampered[10] === 0x30 ? 0x31 : 0x30;
      const bad = await post(port, ingestUrl(), signed, tampered);
      expect(bad.status, bad.body).toBe(401);
      expect(JSON.parse(bad.body)).toMatchObject({ error_code: 'APIGW.0301' });
      // A wrong secret key, the body as signed.
      const wrongKey = signedIngest(port, body, { ak: key.ak, sk: `${key.sk}x` }, api.clock.now());
      expect((await post(port, ingestUrl(), wrongKey, body)).status).toBe(401);
      // Not one log of the policy: it is unknown.
      expectAsError(await api.inject({ method: 'GET', url: logsPath() }), 404, 'AS.3020');
      // The same body, rightly signed, is imported: what was refused was the signature.
      const good = await post(
        port,
        ingestUrl(),
        signedIngest(port, body, key, api.clock.now()),
        body,
      );
      expect(good.status, good.body).toBe(200);
    });

    it('still takes one pretty-printed log as an application/json body when it is larger than a line may be', async () => {
      const api = await openTestApi(backend);
      const records = Array.from({ length: 1000 }, (_, i) => ({
        job_name: 'ADJUST_VM_NUMBERS',
        record_type: 'MEG',
        record_time: '2024-03-01T00:00:00Z',
        job_status: 'SUCCESS',
        message: `${String(i)} ${'m'.repeat(850)}`,
      }));
      const log = wireLog(1, { job_records: records });
      const pretty = JSON.stringify(log, null, 10);
      // Streamed NDJSON would read its first line, "{", as a bad log; one line it fits.
      expect(Buffer.byteLength(pretty)).toBeGreaterThan(maxLineBytes);
      expect(Buffer.byteLength(JSON.stringify(log))).toBeLessThan(maxLineBytes);
      const res = await api.inject({
        method: 'POST',
        url: ingestUrl(),
        headers: { 'content-type': 'application/json' },
        payload: pretty,
      });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toMatchObject({ lines: 1, inserted: 1 });
      // A large NDJSON body sent as JSON is still streamed line by line, bad lines named.
      const lines = [JSON.stringify(wireLog(2)), '{', JSON.stringify(wireLog(3))];
      const ndjson = `${lines.join('\n')}\n${' '.repeat(maxLineBytes)}\n`;
      const bad = await api.inject({
        method: 'POST',
        url: ingestUrl(),
        headers: { 'content-type': 'application/json' },
        payload: ndjson,
      });
      expect(expectAsError(bad, 400, 'AS.0022')).toMatch(/^line 2: not valid JSON/);
    });

    it('refuses a signed ingest sent without a length once it passes the limit (413), and writes nothing', async () => {
      const api = await openTestApi(backend, { config: { bodyLimitBytes: 4096 } });
      const port = await listening(api);
      const { body } = bigNdjson(16 * 1024);
      const headers = signedIngest(port, body, await api.credentialFor(project), api.clock.now());
      // Sent in pieces with no Content-Length: chunked, so only reading tells the size.
      const answer = await new Promise<Answer>((resolve, reject) => {
        const req = httpRequest(
          { host: '127.0.0.1', port, method: 'POST', path: ingestUrl(), headers, agent: false },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('end', () => {
              resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() });
            });
          },
        );
        req.on('error', reject);
        for (let at = 0; at < body.length; at += 1024) req.write(body.subarray(at, at + 1024));
        req.end();
      });
      expect(answer.status, answer.body).toBe(413);
      expect(JSON.parse(answer.body)).toMatchObject({
        error_code: 'APIGW.0201',
        error_msg: expect.stringContaining('bodyLimitBytes') as unknown,
      });
      expectAsError(await api.inject({ method: 'GET', url: logsPath() }), 404, 'AS.3020');
    });

    it('takes a client that goes away mid-body as its own failure: no 500 logged, nothing written', async () => {
      const lines: string[] = [];
      const logger = pino(
        { level: 'info' },
        new Writable({
          write(chunk: Buffer, _encoding, done) {
            lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
            done();
          },
        }),
      );
      const api = await openTestApi(backend, { logger });
      const port = await listening(api);
      const { body } = bigNdjson(256 * 1024);
      const headers = signedIngest(port, body, await api.credentialFor(project), api.clock.now());
      await new Promise<void>((resolve) => {
        const req = httpRequest({
          host: '127.0.0.1',
          port,
          method: 'POST',
          path: ingestUrl(),
          headers: { ...headers, 'content-length': String(body.length) },
          agent: false,
        });
        req.on('error', () => undefined);
        // Half the body, then the client is gone.
        req.write(body.subarray(0, body.length / 2), () => {
          setTimeout(() => {
            req.destroy();
            resolve();
          }, 100);
        });
      });
      // The server noticed (Node's parser reports the cut request) and goes on answering.
      await expect
        .poll(() => lines.some((l) => l.includes('HPE_INVALID_EOF_STATE')), { timeout: 5000 })
        .toBe(true);
      expect((await get(port, '/healthz')).status).toBe(200);
      const levels = lines.map((l) => (JSON.parse(l) as { level: number }).level);
      expect(
        levels.filter((level) => level >= 50),
        lines.join('\n'),
      ).toStrictEqual([]);
      expectAsError(await api.inject({ method: 'GET', url: logsPath() }), 404, 'AS.3020');
    });

    it('refuses an anonymous ingest at once, without waiting for its body', async () => {
      const api = await openTestApi(backend, { config: { requestTimeoutMs: 20_000 } });
      const port = await listening(api);
      const started = performance.now();
      const answer = await new Promise<Answer>((resolve, reject) => {
        const req = httpRequest(
          {
            host: '127.0.0.1',
            port,
            method: 'POST',
            path: ingestUrl(),
            headers: { 'content-type': 'application/x-ndjson', 'content-length': '1000000' },
            agent: false,
          },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('end', () => {
              resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() });
              req.destroy();
            });
          },
        );
        req.on('error', reject);
        // The start of the body, and then nothing: the rest never comes.
        req.write('{"id":');
      });
      expect(answer.status, answer.body).toBe(401);
      expect(performance.now() - started).toBeLessThan(5000);
    });
  });
}

describe('authentication before work, on the JSON API', () => {
  const backend = testBackends[0];
  if (backend === undefined) throw new Error('no test backend');
  const groupsUrl = `/autoscaling-api/v1/${project}/scaling_group`;
  const json = { 'content-type': 'application/json' };

  it('answers an unauthenticated body 401 without parsing it: not JSON is not 400', async () => {
    // A limit raised past the body, so the body is read in full and only parsing is saved.
    const api = await openTestApi(backend, { config: { jsonBodyLimitBytes: 12 * 1024 * 1024 } });
    const notJson = `{"scaling_group_name":${'x'.repeat(tenMegabytes)}`;
    const anonymous = await api.inject(
      { method: 'POST', url: groupsUrl, headers: json, payload: notJson },
      'anonymous',
    );
    expectGatewayError(anonymous, 401, 'APIGW.0301');
    const badToken = await api.inject(
      { method: 'POST', url: groupsUrl, headers: json, payload: notJson },
      { token: 'not-a-token' },
    );
    expectGatewayError(badToken, 401, 'APIGW.0301');
    // The same body, authenticated: parsed, and refused for what it is.
    const signed = await api.inject({
      method: 'POST',
      url: groupsUrl,
      headers: json,
      payload: notJson,
    });
    expectAsError(signed, 400, 'AS.0022');
  });

  it('refuses a JSON body past jsonBodyLimitBytes with 413 naming that setting, before authentication', async () => {
    const api = await openTestApi(backend);
    const res = await api.inject(
      { method: 'POST', url: groupsUrl, headers: json, payload: 'x'.repeat(64 * 1024 + 1) },
      'anonymous',
    );
    expect(expectGatewayError(res, 413, 'APIGW.0201')).toBe(
      "Request entity too large: the limit is 65536 bytes. Send less per request, or raise the server's limit with the setting jsonBodyLimitBytes (SCALELOG_JSON_BODY_LIMIT_BYTES).",
    );
    // The ingest route keeps its own, larger limit.
    const ingest = await api.inject({
      method: 'POST',
      url: ingestUrl(),
      headers: { 'content-type': 'application/x-ndjson' },
      payload: `${JSON.stringify(wireLog(1))}\n${' '.repeat(64 * 1024)}`,
    });
    expect(ingest.statusCode, ingest.body).toBe(200);
  });
});
