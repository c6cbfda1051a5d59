import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { InvalidCredentialInputError, hashToken } from '../../src/auth/credential-format.js';
import type { CredentialService } from '../../src/auth/credential-service.js';
import { signatureLockout } from '../../src/auth/credential-service.js';
import { skCipher } from '../../src/auth/sk-cipher.js';
import type { SkCipher } from '../../src/auth/sk-cipher.js';
import {
  DuplicateAccessKeyError,
  storeCredentialService,
} from '../../src/auth/store-credential-service.js';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/store.js';
import type { CredentialStore } from '../../src/store/credential-store.js';
import { testBackends } from '../support/backends.js';
import { countingCredentialStore } from './counting-credential-store.js';
import type { CountingCredentialStore } from './counting-credential-store.js';

const t0 = 1_700_000_000_000;

for (const backend of testBackends) {
  describe.skipIf(!backend.available)(`storeCredentialService: ${backend.name}`, () => {
    let store: Store & CredentialStore;
    let cleanup: () => Promise<void>;
    let service: CredentialService;
    let cipherRequests: number;
    let clock: number;
    const key = randomBytes(32);

    beforeEach(async () => {
      const fresh = await backend.fresh();
      cleanup = fresh.cleanup;
      store = await openStore(fresh.url);
      cipherRequests = 0;
      clock = t0;
      service = storeCredentialService({
        store,
        skCipher: () => {
          cipherRequests += 1;
          return Promise.resolve(skCipher(key));
        },
        now: () => clock,
      });
    });
    afterEach(async () => {
      await store.close();
      await cleanup();
    });

    describe('credentials', () => {
      it('generates an AK and SK, keeps the SK only encrypted, and gives it back for verifying', async () => {
        const created = await service.createCredential({ projectId: 'proj-a' });
        expect(created.ak).toMatch(/^[A-Z0-9]{20}$/);
        expect(created.sk).toMatch(/^[A-Za-z0-9]{40}$/);
        expect(created.projectId).toBe('proj-a');

        const stored = await store.getCredential(created.ak);
        expect(stored?.skCiphertext).toMatch(/^v1:/);
        expect(stored?.skCiphertext).not.toContain(created.sk);
        expect(stored?.createdAt).toBe(t0);

        expect(await service.lookupAccessKey(created.ak)).toEqual({
          ak: created.ak,
          projectId: 'proj-a',
          sk: created.sk,
        });
      });

      it('takes an explicit AK and SK, and refuses an AK that exists', async () => {
        const input = { projectId: 'proj-a', ak: 'my-ak', sk: 'my-secret!' };
        expect(await service.createCredential(input)).toEqual(input);
        expect((await service.lookupAccessKey('my-ak'))?.sk).toBe('my-secret!');
        await expect(
          service.createCredential({ projectId: 'proj-b', ak: 'my-ak', sk: 'other-secret' }),
        ).rejects.toThrow(DuplicateAccessKeyError);
        expect(await service.lookupAccessKey('my-ak')).toMatchObject({
          projectId: 'proj-a',
          sk: 'my-secret!',
        });
        // One given, the other generated.
        expect((await service.createCredential({ projectId: 'p', ak: 'only-ak' })).sk).toMatch(
          /^[A-Za-z0-9]{40}$/,
        );
        const onlySk = await service.createCredential({ projectId: 'p', sk: 'only-the-sk' });
        expect(onlySk.ak).toMatch(/^[A-Z0-9]{20}$/);
        expect(onlySk.sk).toBe('only-the-sk');
      });

      it.each([
        [{ projectId: 'a b' }, 'project id "a b" is not valid'],
        [{ projectId: 'p', ak: 'a/b' }, 'AK "a/b" is not valid'],
        [{ projectId: 'p', sk: 'short' }, 'the SK is not valid'],
      ])('refuses %j before writing anything', async (input, message) => {
        await expect(service.createCredential(input)).rejects.toThrow(InvalidCredentialInputError);
        await expect(service.createCredential(input)).rejects.toThrow(message);
        expect(await service.countCredentials()).toBe(0);
      });

      it('lists, counts and deletes credentials, never showing a secret key', async () => {
        const a = await service.createCredential({ projectId: 'proj-a', ak: 'A' });
        clock += 1000;
        await service.createCredential({ projectId: 'proj-b', ak: 'B' });
        expect(await service.countCredentials()).toBe(2);
        const all = await service.listCredentials();
        expect(all).toEqual([
          { ak: 'A', projectId: 'proj-a', createdAt: t0 },
          { ak: 'B', projectId: 'proj-b', createdAt: t0 + 1000 },
        ]);
        expect(JSON.stringify(all)).not.toContain(a.sk);
        expect(await service.listCredentials('proj-b')).toEqual([
          { ak: 'B', projectId: 'proj-b', createdAt: t0 + 1000 },
        ]);
        await expect(service.listCredentials('bad project')).rejects.toThrow(
          InvalidCredentialInputError,
        );

        expect(await service.deleteCredential('A')).toBe(true);
        expect(await service.deleteCredential('A')).toBe(false);
        expect(await service.deleteCredential('not/an/ak')).toBe(false);
        expect(await service.lookupAccessKey('A')).toBeUndefined();
        expect(await service.countCredentials()).toBe(1);
      });

      it('answers an AK that cannot exist as unknown', async () => {
        expect(await service.lookupAccessKey('')).toBeUndefined();
        expect(await service.lookupAccessKey('x'.repeat(1000))).toBeUndefined();
        expect(await service.lookupAccessKey('NOSUCHAK')).toBeUndefined();
      });

      it('fails loudly when a stored secret key does not open with this key', async () => {
        const other = storeCredentialService({
          store,
          skCipher: () => Promise.resolve(skCipher(randomBytes(32))),
        });
        await other.createCredential({ projectId: 'p', ak: 'FOREIGN' });
        await expect(service.lookupAccessKey('FOREIGN')).rejects.toThrow('cannot be decrypted');
      });

      it('locks an AK for one client after more than 5 consecutive failures of that client, and its success unlocks it', async () => {
        const { ak } = await service.createCredential({ projectId: 'p' });
        for (let i = 0; i < signatureLockout.maxConsecutiveFailures; i += 1) {
          await service.recordSignatureFailure(ak, '192.0.2.1', t0 + i);
        }
        expect(await service.lookupClientLockout(ak, '192.0.2.1', t0 + 10)).toEqual({
          failures: signatureLockout.maxConsecutiveFailures,
        });
        await service.recordSignatureFailure(ak, '192.0.2.1', t0 + 60_000);
        expect(await service.lookupClientLockout(ak, '192.0.2.1', t0 + 60_000)).toEqual({
          failures: signatureLockout.maxConsecutiveFailures + 1,
          lockedUntil: t0 + 60_000 + signatureLockout.lockMs,
        });
        // Another client of the same AK is not locked, nor counted.
        expect(await service.lookupClientLockout(ak, '192.0.2.2', t0 + 60_000)).toEqual({
          failures: 0,
        });
        expect(await service.listClientLockouts(t0 + 60_000)).toEqual([
          {
            ak,
            client: '192.0.2.1',
            failures: signatureLockout.maxConsecutiveFailures + 1,
            lockedUntil: t0 + 60_000 + signatureLockout.lockMs,
          },
        ]);
        await service.recordSignatureSuccess(ak, '192.0.2.1');
        expect(await service.lookupClientLockout(ak, '192.0.2.1', t0 + 60_000)).toEqual({
          failures: 0,
        });
        expect(await store.getSignatureLockout(ak, '192.0.2.1', t0 + 60_000)).toBeUndefined();
        expect(await service.listClientLockouts(t0 + 60_000, ak)).toEqual([]);
      });

      it('needs the secret key only to create or verify, never to list, delete or for tokens', async () => {
        await service.listCredentials();
        await service.countCredentials();
        await service.deleteCredential('NOPE');
        const { token } = await service.createToken({ projectId: 'p', ttlMs: 60_000, nowMs: t0 });
        await service.lookupToken(token);
        await service.revokeToken(token);
        expect(cipherRequests).toBe(0);
        await service.createCredential({ projectId: 'p', ak: 'A' });
        await service.lookupAccessKey('A');
        // Asked for once, then kept.
        expect(cipherRequests).toBe(1);
      });

      it('asks for the secret key again after a failure to open it', async () => {
        let attempts = 0;
        const flaky = storeCredentialService({
          store,
          skCipher: (): Promise<SkCipher> => {
            attempts += 1;
            return attempts === 1
              ? Promise.reject(new Error('key file unreadable'))
              : Promise.resolve(skCipher(key));
          },
        });
        await expect(flaky.createCredential({ projectId: 'p' })).rejects.toThrow(
          'key file unreadable',
        );
        await expect(flaky.createCredential({ projectId: 'p' })).resolves.toMatchObject({
          projectId: 'p',
        });
      });
    });

    describe('tokens', () => {
      it('issues a recognizable token, stored only as its SHA-256', async () => {
        const issued = await service.createToken({
          projectId: 'proj-a',
          ttlMs: 24 * 3_600_000,
          nowMs: t0 + 456,
        });
        expect(issued.token).toMatch(/^scalelog_[A-Za-z0-9_-]{43}$/);
        expect(issued.projectId).toBe('proj-a');
        // Whole seconds: the expiry printed is the exact one.
        expect(issued.expiresAt).toBe(t0 + 24 * 3_600_000);
        expect(await store.getToken(hashToken(issued.token))).toEqual({
          tokenHash: hashToken(issued.token),
          projectId: 'proj-a',
          createdAt: t0 + 456,
          expiresAt: t0 + 24 * 3_600_000,
        });
        expect(await store.getToken(issued.token)).toBeUndefined();
        expect(await service.lookupToken(issued.token)).toEqual({
          projectId: 'proj-a',
          expiresAt: t0 + 24 * 3_600_000,
        });
      });

      it('returns an expired token with its expiry, so the caller can say it expired', async () => {
        const { token } = await service.createToken({ projectId: 'p', ttlMs: 1000, nowMs: t0 });
        clock = t0 + 10_000;
        expect(await service.lookupToken(token)).toEqual({ projectId: 'p', expiresAt: t0 + 1000 });
      });

      it('answers a revoked or unknown token as unknown', async () => {
        const { token } = await service.createToken({ projectId: 'p', ttlMs: 60_000, nowMs: t0 });
        const kept = await service.createToken({ projectId: 'p', ttlMs: 60_000, nowMs: t0 });
        expect(await service.revokeToken(token)).toBe(true);
        expect(await service.lookupToken(token)).toBeUndefined();
        expect(await service.lookupToken(kept.token)).toBeDefined();
        expect(await service.revokeToken('scalelog_never-issued')).toBe(false);
        expect(await service.lookupToken('scalelog_never-issued')).toBeUndefined();
        expect(await service.lookupToken('')).toBeUndefined();
        expect(await service.lookupToken('x'.repeat(10_000))).toBeUndefined();
      });

      it('refuses a bad project or lifetime', async () => {
        await expect(
          service.createToken({ projectId: 'a b', ttlMs: 60_000, nowMs: t0 }),
        ).rejects.toThrow(InvalidCredentialInputError);
        await expect(service.createToken({ projectId: 'p', ttlMs: 0, nowMs: t0 })).rejects.toThrow(
          'expected from 1 second to 365 days',
        );
      });
    });

    describe('cache', () => {
      const ttlMs = 2000;
      /** The real store, every call counted. */
      let counting: CountingCredentialStore;
      /** Secret keys decrypted by the cached service. */
      let opens: number;
      let cached: CredentialService;
      // `service` plays another server on the same database: it has no cache.

      const cachedService = (cache: { ttlMs: number; maxEntries?: number }): CredentialService => {
        const cipher = skCipher(key);
        return storeCredentialService({
          store: counting.store,
          skCipher: () =>
            Promise.resolve({
              seal: (sk: string, ak: string) => cipher.seal(sk, ak),
              open: (sealed: string, ak: string) => {
                opens += 1;
                return cipher.open(sealed, ak);
              },
            }),
          now: () => clock,
          cache,
        });
      };

      beforeEach(() => {
        counting = countingCredentialStore(store);
        opens = 0;
        cached = cachedService({ ttlMs });
      });

      it('serves a known AK from memory within the TTL: no store read, no decryption', async () => {
        const created = await cached.createCredential({ projectId: 'p', ak: 'A' });
        const first = await cached.lookupAccessKey('A');
        expect(first).toEqual({ ak: 'A', projectId: 'p', sk: created.sk });
        clock += ttlMs - 1;
        expect(await cached.lookupAccessKey('A')).toEqual(first);
        expect(await cached.lookupAccessKey('A')).toEqual(first);
        expect(counting.count('getCredential')).toBe(1);
        expect(opens).toBe(1);
      });

      it('shares one store read among concurrent lookups of an AK', async () => {
        await cached.createCredential({ projectId: 'p', ak: 'A' });
        const found = await Promise.all([1, 2, 3].map(() => cached.lookupAccessKey('A')));
        expect(found.map((k) => k?.ak)).toEqual(['A', 'A', 'A']);
        expect(counting.count('getCredential')).toBe(1);
        expect(opens).toBe(1);
      });

      it('reads the store again once the TTL has passed, seeing changes made elsewhere then', async () => {
        await cached.createCredential({ projectId: 'p', ak: 'A' });
        await cached.lookupAccessKey('A');
        // Another server deletes it: this one learns of it within the TTL, not before.
        expect(await service.deleteCredential('A')).toBe(true);
        clock += ttlMs - 1;
        expect(await cached.lookupAccessKey('A')).toMatchObject({ ak: 'A' });
        expect(counting.count('getCredential')).toBe(1);
        clock += 1;
        expect(await cached.lookupAccessKey('A')).toBeUndefined();
        expect(counting.count('getCredential')).toBe(2);
      });

      it('never keeps an unknown AK, so one created elsewhere works at once', async () => {
        for (let i = 0; i < 3; i += 1)
          expect(await cached.lookupAccessKey('LATER')).toBeUndefined();
        expect(counting.count('getCredential')).toBe(3);
        await service.createCredential({ projectId: 'p', ak: 'LATER' });
        expect(await cached.lookupAccessKey('LATER')).toMatchObject({ ak: 'LATER' });
        // An AK that cannot exist does not even reach the store.
        expect(await cached.lookupAccessKey('not/an/ak')).toBeUndefined();
        expect(counting.count('getCredential')).toBe(4);
      });

      it('forgets an AK deleted through it at once', async () => {
        await cached.createCredential({ projectId: 'p', ak: 'A' });
        await cached.lookupAccessKey('A');
        expect(await cached.deleteCredential('A')).toBe(true);
        expect(await cached.lookupAccessKey('A')).toBeUndefined();
        // Created again with another secret: the new one, not the one kept before.
        const again = await cached.createCredential({ projectId: 'q', ak: 'A' });
        expect(await cached.lookupAccessKey('A')).toMatchObject({ projectId: 'q', sk: again.sk });
      });

      it('does not keep a lookup that read the AK before it was deleted', async () => {
        await cached.createCredential({ projectId: 'p', ak: 'A' });
        const held = counting.holdNext('getCredential');
        const racing = cached.lookupAccessKey('A');
        // The store has answered the lookup's read; the answer is still on its way.
        await vi.waitFor(() => {
          expect(counting.count('getCredential')).toBe(1);
        });
        expect(await cached.deleteCredential('A')).toBe(true);
        held.release();
        // Concurrent with the deletion, that lookup may see the key; nothing after it does.
        expect(await racing).toMatchObject({ ak: 'A' });
        expect(await cached.lookupAccessKey('A')).toBeUndefined();
        expect(counting.count('getCredential')).toBe(2);
      });

      it("forgets a client's standing on its signature failure, so the next lookup reads the count and the lock", async () => {
        const { ak } = await cached.createCredential({ projectId: 'p' });
        const client = '192.0.2.1';
        expect(await cached.lookupClientLockout(ak, client, t0)).toEqual({ failures: 0 });
        // "Nothing remembered" is kept: a good client costs no read within the TTL.
        expect(await cached.lookupClientLockout(ak, client, t0)).toEqual({ failures: 0 });
        expect(counting.count('getSignatureLockout')).toBe(1);
        for (let i = 1; i <= signatureLockout.maxConsecutiveFailures + 1; i += 1) {
          await cached.recordSignatureFailure(ak, client, t0 + i);
          expect((await cached.lookupClientLockout(ak, client, t0 + i)).failures).toBe(i);
        }
        const lockedUntil =
          t0 + signatureLockout.maxConsecutiveFailures + 1 + signatureLockout.lockMs;
        expect((await cached.lookupClientLockout(ak, client, t0 + 10)).lockedUntil).toBe(
          lockedUntil,
        );
        // One read for the first lookup and one after each failure; the locked standing is kept.
        expect(counting.count('getSignatureLockout')).toBe(
          signatureLockout.maxConsecutiveFailures + 2,
        );
        expect(counting.count('recordSignatureFailure')).toBe(
          signatureLockout.maxConsecutiveFailures + 1,
        );
        // The AK itself stays kept: failures cost no AK read or decryption.
        expect(counting.count('getCredential')).toBe(0);
        await cached.lookupAccessKey(ak);
        await cached.lookupAccessKey(ak);
        expect(counting.count('getCredential')).toBe(1);
      });

      it('resets the kept count and lock of a client on its signature success, with no store read after it', async () => {
        const { ak } = await cached.createCredential({ projectId: 'p' });
        const client = '2001:db8::/64';
        for (let i = 0; i <= signatureLockout.maxConsecutiveFailures; i += 1) {
          await cached.recordSignatureFailure(ak, client, t0);
        }
        expect((await cached.lookupClientLockout(ak, client, t0)).lockedUntil).toBe(
          t0 + signatureLockout.lockMs,
        );
        const reads = counting.count('getSignatureLockout');

        await cached.recordSignatureSuccess(ak, client);
        expect(counting.count('recordSignatureSuccess')).toBe(1);
        expect(await cached.lookupClientLockout(ak, client, t0)).toEqual({ failures: 0 });
        expect(counting.count('getSignatureLockout')).toBe(reads);
        // The store agrees with what is kept.
        expect(await store.getSignatureLockout(ak, client, t0)).toBeUndefined();
        // The reset does not make the kept standing live longer than the read it came from.
        clock += ttlMs;
        await cached.lookupClientLockout(ak, client, t0);
        expect(counting.count('getSignatureLockout')).toBe(reads + 1);
      });

      it('keeps at most maxEntries AKs, pushing out the oldest', async () => {
        cached = cachedService({ ttlMs, maxEntries: 2 });
        for (const ak of ['A', 'B', 'C']) {
          await cached.createCredential({ projectId: 'p', ak });
          await cached.lookupAccessKey(ak);
        }
        expect(counting.count('getCredential')).toBe(3);
        await cached.lookupAccessKey('B');
        await cached.lookupAccessKey('C');
        expect(counting.count('getCredential')).toBe(3);
        await cached.lookupAccessKey('A');
        expect(counting.count('getCredential')).toBe(4);
      });

      it('keeps a known token within the TTL and forgets it when revoked through it', async () => {
        const { token } = await cached.createToken({ projectId: 'p', ttlMs: 60_000, nowMs: t0 });
        const found = { projectId: 'p', expiresAt: t0 + 60_000 };
        expect(await cached.lookupToken(token)).toEqual(found);
        clock += ttlMs - 1;
        expect(await cached.lookupToken(token)).toEqual(found);
        expect(counting.count('getToken')).toBe(1);
        expect(await cached.revokeToken(token)).toBe(true);
        expect(await cached.lookupToken(token)).toBeUndefined();
        expect(counting.count('getToken')).toBe(2);
      });

      it('sees a token revoked elsewhere once the TTL has passed, and never keeps an unknown token', async () => {
        const { token } = await cached.createToken({ projectId: 'p', ttlMs: 60_000, nowMs: t0 });
        await cached.lookupToken(token);
        expect(await service.revokeToken(token)).toBe(true);
        expect(await cached.lookupToken(token)).toBeDefined();
        clock += ttlMs;
        expect(await cached.lookupToken(token)).toBeUndefined();
        expect(await cached.lookupToken(token)).toBeUndefined();
        expect(counting.count('getToken')).toBe(3);

        const unknown = 'scalelog_never-issued';
        await cached.lookupToken(unknown);
        await cached.lookupToken(unknown);
        expect(counting.count('getToken')).toBe(5);
      });

      it('keeps nothing with a TTL of 0, as without the cache option', async () => {
        await service.createCredential({ projectId: 'p', ak: 'A' });
        const { token } = await service.createToken({ projectId: 'p', ttlMs: 60_000, nowMs: t0 });
        const uncached = storeCredentialService({
          store: counting.store,
          skCipher: () => Promise.resolve(skCipher(key)),
          now: () => clock,
        });
        for (const off of [cachedService({ ttlMs: 0 }), uncached]) {
          const reads = counting.count('getCredential');
          const tokenReads = counting.count('getToken');
          for (let i = 0; i < 3; i += 1) {
            expect(await off.lookupAccessKey('A')).toMatchObject({ ak: 'A' });
            expect(await off.lookupToken(token)).toEqual({
              projectId: 'p',
              expiresAt: t0 + 60_000,
            });
          }
          expect(counting.count('getCredential')).toBe(reads + 3);
          expect(counting.count('getToken')).toBe(tokenReads + 3);
        }
      });
    });
  });
}
