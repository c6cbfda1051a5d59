import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
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
import type { CredentialStore, Store } from '../../src/store/store.js';
import { testBackends } from '../support/backends.js';

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
          consecutiveFailures: 0,
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

      it('locks an AK after more than 5 consecutive failures, and a success unlocks it', async () => {
        const { ak } = await service.createCredential({ projectId: 'p' });
        for (let i = 0; i < signatureLockout.maxConsecutiveFailures; i += 1) {
          await service.recordSignatureFailure(ak, t0 + i);
        }
        expect((await service.lookupAccessKey(ak))?.lockedUntil).toBeUndefined();
        expect((await service.lookupAccessKey(ak))?.consecutiveFailures).toBe(
          signatureLockout.maxConsecutiveFailures,
        );
        await service.recordSignatureFailure(ak, t0 + 60_000);
        expect((await service.lookupAccessKey(ak))?.lockedUntil).toBe(
          t0 + 60_000 + signatureLockout.lockMs,
        );
        await service.recordSignatureSuccess(ak);
        expect((await service.lookupAccessKey(ak))?.lockedUntil).toBeUndefined();
        expect((await service.lookupAccessKey(ak))?.consecutiveFailures).toBe(0);
        expect((await store.getCredential(ak))?.consecutiveFailures).toBe(0);
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
  });
}
