import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import type { LightMyRequestResponse } from 'fastify';
import { describe, expect, it, onTestFinished } from 'vitest';
import { buildApp } from '../../src/app.js';
import type { CredentialService } from '../../src/auth/credential-service.js';
import { signatureLockout } from '../../src/auth/credential-service.js';
import { secretKeyBytes, skCipher } from '../../src/auth/sk-cipher.js';
import { storeCredentialService } from '../../src/auth/store-credential-service.js';
import { importNdjson } from '../../src/ingest/import-ndjson.js';
import { openStore } from '../../src/store/open-store.js';
import {
  expectGatewayError,
  logsPath,
  project,
  sendTo,
  testClock,
  testConfig,
  wireLog,
  withCredentials,
} from '../support/api-harness.js';
import type { SendAs, TestClock, TestCredential } from '../support/api-harness.js';
import type { TestBackend } from '../support/backends.js';
import { testBackends } from '../support/backends.js';
import { countingCredentialStore } from './counting-credential-store.js';
import type { CountingCredentialStore } from './counting-credential-store.js';

const ttlMs = 2000;

interface CachedApi {
  /** The store calls of the app's credential service. */
  readonly counting: CountingCredentialStore;
  readonly clock: TestClock;
  /** The app's credential service, cached as `serve` builds it. */
  readonly credentials: CredentialService;
  /** Another server on the same database. */
  readonly elsewhere: CredentialService;
  readonly credential: TestCredential;
  /** GETs the credential's project's logs as `as`. */
  readonly get: (as: Exclude<SendAs, 'anonymous'>) => Promise<LightMyRequestResponse>;
  /** The same from a client at `remoteAddress`. */
  readonly getFrom: (
    remoteAddress: string,
    as: Exclude<SendAs, 'anonymous'>,
  ) => Promise<LightMyRequestResponse>;
}

/**
 * An app whose credential service keeps lookups for {@link ttlMs}, with one credential and
 * one log to read.
 */
async function cachedApi(backend: TestBackend): Promise<CachedApi> {
  const fresh = await backend.fresh();
  const store = await openStore(fresh.url);
  onTestFinished(async () => {
    await store.close();
    await fresh.cleanup();
  });
  await importNdjson(store, Readable.from([JSON.stringify(wireLog(1))]), { skipInvalid: false });
  const counting = countingCredentialStore(store);
  const clock = testClock();
  const cipher = skCipher(randomBytes(secretKeyBytes));
  const credentials = storeCredentialService({
    store: counting.store,
    skCipher: () => Promise.resolve(cipher),
    now: clock.now,
    cache: { ttlMs },
  });
  const elsewhere = storeCredentialService({
    store,
    skCipher: () => Promise.resolve(cipher),
    now: clock.now,
  });
  const app = buildApp({ store, config: testConfig(), credentials, now: clock.now, logger: false });
  onTestFinished(() => app.close());
  await app.ready();
  const credential = await credentials.createCredential({ projectId: project });
  return {
    counting,
    clock,
    credentials,
    elsewhere,
    credential,
    get: (as) => sendTo(app, withCredentials({ method: 'GET', url: logsPath() }, as, clock)),
    getFrom: (remoteAddress, as) => {
      const signed = withCredentials({ method: 'GET', url: logsPath() }, as, clock);
      return app.inject({
        method: 'GET',
        url: signed.url,
        headers: { ...signed.headers },
        remoteAddress,
      });
    },
  };
}

/** Asserts a 401 APIGW.0301 whose reason starts with `reason`. */
function expectIamError(res: LightMyRequestResponse, reason: string): void {
  const message = expectGatewayError(res, 401, 'APIGW.0301');
  expect(message).toMatch(new RegExp(`^Incorrect IAM authentication information: ${reason}`));
}

for (const backend of testBackends) {
  describe.skipIf(!backend.available)(
    `authentication with a credential cache: ${backend.name}`,
    () => {
      it('answers a good signed request on a kept AK without a credential statement', async () => {
        const api = await cachedApi(backend);
        const { credential } = api;
        expect((await api.get({ credential })).statusCode).toBe(200);
        expect(api.counting.count('getCredential')).toBe(1);
        const statements = api.counting.count();
        for (let i = 0; i < 3; i += 1) {
          api.clock.advance(500);
          expect((await api.get({ credential })).statusCode).toBe(200);
        }
        expect(api.counting.count()).toBe(statements);
        api.clock.advance(ttlMs);
        expect((await api.get({ credential })).statusCode).toBe(200);
        expect(api.counting.count('getCredential')).toBe(2);
      });

      it('locks and unlocks an AK exactly as without the cache', async () => {
        const { maxConsecutiveFailures, lockMs } = signatureLockout;
        const api = await cachedApi(backend);
        const { credential } = api;
        const wrong = { credential: { ...credential, sk: 'wrong-secret' } };
        const good = () => api.get({ credential });

        // Five failures do not lock, and a good signature resets the count, every time.
        for (let round = 0; round < 2; round += 1) {
          for (let i = 0; i < maxConsecutiveFailures; i += 1) {
            expectIamError(await api.get(wrong), 'verify aksk signature fail');
          }
          expect((await good()).statusCode).toBe(200);
        }
        // One more than five locks, even against a good signature.
        for (let i = 0; i < maxConsecutiveFailures + 1; i += 1) {
          expectIamError(await api.get(wrong), 'verify aksk signature fail');
        }
        expectIamError(await good(), 'the access key is locked for 300 more seconds');
        api.clock.advance(lockMs - 61_000);
        expectIamError(await good(), 'the access key is locked for 61 more seconds');
        api.clock.advance(61_000);
        const writes = api.counting.count('recordSignatureSuccess');
        expect((await good()).statusCode).toBe(200);
        // That good signature reset the count in the store, once; the next ones cost nothing.
        expect(api.counting.count('recordSignatureSuccess')).toBe(writes + 1);
        const statements = api.counting.count();
        expect((await good()).statusCode).toBe(200);
        expect(api.counting.count()).toBe(statements);
        // It takes more than five failures again to lock.
        for (let i = 0; i < maxConsecutiveFailures; i += 1) {
          expectIamError(await api.get(wrong), 'verify aksk signature fail');
        }
        expect((await good()).statusCode).toBe(200);
      });

      it('sees an address locked by another server within the TTL, then refuses it from memory', async () => {
        const api = await cachedApi(backend);
        const { credential } = api;
        const attacker = '203.0.113.9';
        expect((await api.getFrom(attacker, { credential })).statusCode).toBe(200);
        for (let i = 0; i <= signatureLockout.maxConsecutiveFailures; i += 1) {
          await api.elsewhere.recordSignatureFailure(credential.ak, attacker, api.clock.now());
        }
        // Kept: "nothing remembered" of this address, read before the lock, until the TTL ends.
        api.clock.advance(ttlMs - 1000);
        expect((await api.getFrom(attacker, { credential })).statusCode).toBe(200);
        api.clock.advance(1000);
        expectIamError(
          await api.getFrom(attacker, { credential }),
          'the access key is locked for 298 more seconds for requests from 203.0.113.9',
        );
        // Refused again from memory: a locked address hammering the server costs no statement.
        const statements = api.counting.count();
        for (let i = 0; i < 5; i += 1) {
          expectIamError(
            await api.getFrom(attacker, { credential: { ...credential, sk: 'wrong-secret' } }),
            'the access key is locked',
          );
        }
        expect(api.counting.count()).toBe(statements);
        // Another address is served all along.
        expect((await api.getFrom('198.51.100.7', { credential })).statusCode).toBe(200);
      });

      it('refuses a key deleted or a token revoked through this server at once', async () => {
        const api = await cachedApi(backend);
        const { credential } = api;
        const { token } = await api.credentials.createToken({
          projectId: project,
          ttlMs: 3_600_000,
          nowMs: api.clock.now(),
        });
        expect((await api.get({ credential })).statusCode).toBe(200);
        expect((await api.get({ token })).statusCode).toBe(200);
        expect(await api.credentials.revokeToken(token)).toBe(true);
        expectIamError(await api.get({ token }), 'token not exist');
        expect(await api.credentials.deleteCredential(credential.ak)).toBe(true);
        expectIamError(await api.get({ credential }), 'ak not exist');
      });

      it('refuses a key deleted or a token revoked by another server within the TTL', async () => {
        const api = await cachedApi(backend);
        const { credential } = api;
        const { token } = await api.credentials.createToken({
          projectId: project,
          ttlMs: 3_600_000,
          nowMs: api.clock.now(),
        });
        expect((await api.get({ credential })).statusCode).toBe(200);
        expect((await api.get({ token })).statusCode).toBe(200);
        expect(await api.elsewhere.revokeToken(token)).toBe(true);
        expect(await api.elsewhere.deleteCredential(credential.ak)).toBe(true);
        api.clock.advance(ttlMs - 1000);
        expect((await api.get({ credential })).statusCode).toBe(200);
        expect((await api.get({ token })).statusCode).toBe(200);
        api.clock.advance(1000);
        expectIamError(await api.get({ token }), 'token not exist');
        expectIamError(await api.get({ credential }), 'ak not exist');
      });
    },
  );
}
