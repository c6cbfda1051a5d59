import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LightMyRequestResponse } from 'fastify';
import { describe, expect, it } from 'vitest';
import {
  expectGatewayError,
  logsPath,
  openTestApi,
  project,
  wireLog,
  withCredentials,
} from '../support/api-harness.js';
import type { TestApi, TestApiOptions, TestCredential } from '../support/api-harness.js';
import { testBackends } from '../support/backends.js';
import type { TestBackend } from '../support/backends.js';

const minute = 60_000;
const attacker = '203.0.113.9';
const owner = '198.51.100.7';

/** An app with one log of the policy, so a request that passes authentication gets 200. */
async function seededApi(backend: TestBackend, options: TestApiOptions = {}): Promise<TestApi> {
  const api = await openTestApi(backend, options);
  await api.seed([wireLog(1)]);
  return api;
}

/** A signed GET of the logs, sent by `app.inject` as if from `remoteAddress`. */
function getFrom(
  api: TestApi,
  remoteAddress: string,
  credential: TestCredential,
  headers: Record<string, string> = {},
): Promise<LightMyRequestResponse> {
  const signed = withCredentials(
    { method: 'GET', url: logsPath(), headers },
    { credential },
    api.clock,
  );
  return api.app.inject({
    method: 'GET',
    url: signed.url,
    headers: { ...signed.headers },
    remoteAddress,
  });
}

function expectIam(res: LightMyRequestResponse, reason: string): string {
  const message = expectGatewayError(res, 401, 'APIGW.0301');
  expect(message.startsWith(`Incorrect IAM authentication information: ${reason}`), message).toBe(
    true,
  );
  return message;
}

const lockedSeconds = (res: LightMyRequestResponse): number => {
  const message = expectIam(res, 'the access key is locked for ');
  return Number(/locked for (\d+) more seconds/.exec(message)?.[1]);
};

for (const backend of testBackends) {
  describe.skipIf(!backend.available)(`signature lockout under attack: ${backend.name}`, () => {
    it("an attacker's wrong signatures lock only the attacker's address, longer each time, while the owner elsewhere keeps getting 200", async () => {
      const api = await seededApi(backend);
      const credential = await api.credentialFor(project);
      const wrong = { ...credential, sk: 'guessed-secret-key' };
      let ownerAnswers = 0;
      const ownerGets200 = async (): Promise<void> => {
        const res = await getFrom(api, owner, credential);
        expect(res.statusCode, res.body).toBe(200);
        ownerAnswers += 1;
      };

      // Six wrong signatures: five are counted, the sixth locks the AK for the attacker.
      for (let i = 0; i < 6; i += 1) {
        expectIam(await getFrom(api, attacker, wrong), 'verify aksk signature fail');
        await ownerGets200();
      }
      // From the locked address, every request is refused unchecked, a correct one too.
      for (let i = 0; i < 20; i += 1) {
        expect(lockedSeconds(await getFrom(api, attacker, wrong))).toBe(300);
        await ownerGets200();
      }
      const refused = await getFrom(api, attacker, credential);
      expect(lockedSeconds(refused)).toBe(300);
      expect(refused.headers['retry-after']).toBe('300');
      expect(refused.body).toContain(`for requests from ${attacker}`);
      expect(refused.body).toContain(
        `retry after ${new Date(api.clock.now() + 5 * minute).toISOString().replace(/\.\d{3}Z$/, 'Z')}`,
      );

      // Each time the lock ends, the next wrong signature locks again, twice as long, to an hour.
      const locks: number[] = [];
      let lockSeconds = 300;
      for (let round = 0; round < 6; round += 1) {
        api.clock.advance(lockSeconds * 1000);
        expectIam(await getFrom(api, attacker, wrong), 'verify aksk signature fail');
        lockSeconds = lockedSeconds(await getFrom(api, attacker, wrong));
        locks.push(lockSeconds);
        await ownerGets200();
      }
      expect(locks).toEqual([600, 1200, 2400, 3600, 3600, 3600]);
      expect(ownerAnswers).toBe(6 + 20 + 6);

      // After the lock and a quiet day, the address is forgotten: five failures again do not lock.
      api.clock.advance(lockSeconds * 1000 + 24 * 60 * minute);
      for (let i = 0; i < 5; i += 1) {
        expectIam(await getFrom(api, attacker, wrong), 'verify aksk signature fail');
      }
      // A client with the right SK behind the attacker's address got through only after the
      // lock (the documented trade-off), and its good signature forgets the address's failures.
      expect((await getFrom(api, attacker, credential)).statusCode).toBe(200);
      for (let i = 0; i < 5; i += 1) {
        expectIam(await getFrom(api, attacker, wrong), 'verify aksk signature fail');
      }
      expect((await getFrom(api, attacker, credential)).statusCode).toBe(200);
    });

    it('tells a locked address nothing about other addresses', async () => {
      const api = await seededApi(backend);
      const credential = await api.credentialFor(project);
      const wrong = { ...credential, sk: 'guessed-secret-key' };
      const lockOut = async (address: string): Promise<void> => {
        for (let i = 0; i < 6; i += 1) await getFrom(api, address, wrong);
      };
      await lockOut(attacker);
      const alone = await getFrom(api, attacker, wrong);
      expect(lockedSeconds(alone)).toBe(300);
      // Another address is locked too (or not): the first address hears exactly the same.
      await lockOut('192.0.2.50');
      expect(lockedSeconds(await getFrom(api, '192.0.2.50', credential))).toBe(300);
      const another = await getFrom(api, attacker, wrong);
      expect(another.body.replace(/"request_id":"[^"]*"/, '')).toBe(
        alone.body.replace(/"request_id":"[^"]*"/, ''),
      );
      // A fresh address meets an AK locked elsewhere as if nothing happened.
      expectIam(await getFrom(api, '192.0.2.51', wrong), 'verify aksk signature fail');
      expect((await getFrom(api, '192.0.2.52', credential)).statusCode).toBe(200);
    });

    it('counts an IPv6 /64 as one client, and an IPv4-mapped address as its IPv4 address', async () => {
      const api = await seededApi(backend);
      const credential = await api.credentialFor(project);
      const wrong = { ...credential, sk: 'guessed-secret-key' };
      // Six failures, each from another address of one /64: locked for the whole /64.
      for (let i = 1; i <= 6; i += 1) {
        expectIam(await getFrom(api, `2001:db8:1:2::${i}`, wrong), 'verify aksk signature fail');
      }
      const refused = await getFrom(api, '2001:db8:1:2:abcd::77', credential);
      expect(lockedSeconds(refused)).toBe(300);
      expect(refused.body).toContain('for requests from 2001:db8:1:2::/64');
      // The next /64 is another client.
      expect((await getFrom(api, '2001:db8:1:3::1', credential)).statusCode).toBe(200);

      for (let i = 0; i < 6; i += 1) await getFrom(api, '::ffff:192.0.2.9', wrong);
      expect(lockedSeconds(await getFrom(api, '192.0.2.9', credential))).toBe(300);
    });

    it('ignores X-Forwarded-For unless trustProxy says whose word to take', async () => {
      const wrongOf = (c: TestCredential) => ({ ...c, sk: 'guessed-secret-key' });
      const plain = await seededApi(backend);
      const credential = await plain.credentialFor(project);
      // An attacker cannot leave its lock by claiming another address.
      for (let i = 0; i < 6; i += 1) {
        await getFrom(plain, attacker, wrongOf(credential), { 'x-forwarded-for': `192.0.2.${i}` });
      }
      expect(
        lockedSeconds(
          await getFrom(plain, attacker, credential, { 'x-forwarded-for': '192.0.2.200' }),
        ),
      ).toBe(300);

      // Behind a reverse proxy at 10.0.0.5, every client has its address: trust it, and each
      // client is counted by the address the proxy forwarded (appended last).
      const proxied = await seededApi(backend, { config: { trustProxy: '10.0.0.0/8' } });
      const mine = await proxied.credentialFor(project);
      for (let i = 0; i < 6; i += 1) {
        await getFrom(proxied, '10.0.0.5', wrongOf(mine), {
          'x-forwarded-for': `198.51.100.1, ${attacker}`,
        });
      }
      const refused = await getFrom(proxied, '10.0.0.5', mine, { 'x-forwarded-for': attacker });
      expect(lockedSeconds(refused)).toBe(300);
      expect(refused.body).toContain(`for requests from ${attacker}`);
      const ok = await getFrom(proxied, '10.0.0.5', mine, { 'x-forwarded-for': owner });
      expect(ok.statusCode, ok.body).toBe(200);

      // A forwarded value that is no address counts against the peer that sent it: 401s, no 500.
      for (let i = 0; i < 6; i += 1) {
        expectIam(
          await getFrom(proxied, '10.0.0.5', wrongOf(mine), { 'x-forwarded-for': 'not-an-ip' }),
          'verify aksk signature fail',
        );
      }
      const junk = await getFrom(proxied, '10.0.0.5', mine, { 'x-forwarded-for': 'not-an-ip' });
      expect(junk.body).toContain('for requests from 10.0.0.5');
      const stillOk = await getFrom(proxied, '10.0.0.5', mine, { 'x-forwarded-for': owner });
      expect(stillOk.statusCode, stillOk.body).toBe(200);
    });

    it('keeps the owner served over real sockets while 127.0.0.2 is locked out', async () => {
      const api = await seededApi(backend);
      await api.app.listen({ host: '127.0.0.1', port: 0 });
      const { port } = api.app.server.address() as AddressInfo;
      const credential = await api.credentialFor(project);
      const send = (localAddress: string, sk: string): Promise<number> => {
        const signed = withCredentials(
          { method: 'GET', url: logsPath() },
          { credential: { ...credential, sk } },
          api.clock,
        );
        return new Promise((resolve, reject) => {
          const req = httpRequest(
            { host: '127.0.0.1', port, path: signed.url, headers: signed.headers, localAddress },
            (res) => {
              res.resume();
              res.on('end', () => {
                resolve(res.statusCode ?? 0);
              });
            },
          );
          req.on('error', reject);
          req.end();
        });
      };
      const statuses: number[] = [];
      for (let i = 0; i < 10; i += 1) {
        statuses.push(await send('127.0.0.2', 'guessed-secret-key'));
        expect(await send('127.0.0.1', credential.sk)).toBe(200);
      }
      expect(statuses).toEqual(Array<number>(10).fill(401));
      // 127.0.0.2 is locked even with the right SK; 127.0.0.1 is not.
      const locked = await getFrom(api, '127.0.0.2', credential);
      expect(lockedSeconds(locked)).toBe(300);
      expect(await send('127.0.0.2', credential.sk)).toBe(401);
      expect(await send('127.0.0.1', credential.sk)).toBe(200);
    });
  });
}
