import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/open-store.js';
import type { CredentialStore, LockoutPolicy, Store } from '../../src/store/store.js';
import { testBackends } from '../support/backends.js';
import type { TestBackend } from '../support/backends.js';

const policy: LockoutPolicy = { maxConsecutiveFailures: 5, lockMs: 300_000 };
const t0 = 1_700_000_000_000;

const credential = (ak: string, projectId = 'proj-a', createdAt = t0) => ({
  ak,
  projectId,
  skCiphertext: `v1:sealed-${ak}`,
  createdAt,
});

const hash = (n: number): string => n.toString(16).padStart(64, '0');

/**
 * A way to tell whether a statement wrote to the credentials table, from outside the store:
 * SQLite's data_version (changed by another connection's commit), PostgreSQL's row version.
 */
async function writeProbe(
  backend: TestBackend,
  url: string,
  ak: string,
): Promise<{ version: () => Promise<string>; close: () => Promise<void> }> {
  if (backend.name === 'sqlite') {
    const db = new BetterSqlite3(url.slice('sqlite:'.length));
    return {
      version: () => Promise.resolve(String(db.pragma('data_version', { simple: true }) as number)),
      close: () => {
        db.close();
        return Promise.resolve();
      },
    };
  }
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return {
    version: async () => {
      const { rows } = await client.query<{ xmin: string }>(
        'select xmin::text as xmin from credentials where ak = $1',
        [ak],
      );
      return rows[0]?.xmin ?? 'none';
    },
    close: () => client.end(),
  };
}

for (const backend of testBackends) {
  describe.skipIf(!backend.available)(`credential store contract: ${backend.name}`, () => {
    let url: string;
    let store: Store & CredentialStore;
    let cleanup: () => Promise<void>;

    beforeEach(async () => {
      const fresh = await backend.fresh();
      url = fresh.url;
      cleanup = fresh.cleanup;
      store = await openStore(fresh.url, { queryTimeoutMs: 5000 });
    });
    afterEach(async () => {
      await store.close();
      await cleanup();
    });

    describe('credentials', () => {
      it('inserts a credential once and reads it back by AK, ciphertext untouched', async () => {
        expect(await store.insertCredential(credential('AK1'))).toBe(true);
        expect(await store.getCredential('AK1')).toEqual({
          ak: 'AK1',
          projectId: 'proj-a',
          skCiphertext: 'v1:sealed-AK1',
          createdAt: t0,
          consecutiveFailures: 0,
        });
        expect(await store.getCredential('ak1')).toBeUndefined();
        expect(await store.getCredential('NOPE')).toBeUndefined();
      });

      it('refuses an AK that exists, leaving the stored credential as it was', async () => {
        await store.insertCredential(credential('AK1', 'proj-a'));
        expect(
          await store.insertCredential({ ...credential('AK1', 'proj-b'), skCiphertext: 'other' }),
        ).toBe(false);
        expect(await store.getCredential('AK1')).toMatchObject({
          projectId: 'proj-a',
          skCiphertext: 'v1:sealed-AK1',
        });
        expect(await store.countCredentials()).toBe(1);
      });

      it('lists every credential or one project, by project then AK, without ciphertext', async () => {
        await store.insertCredential(credential('B', 'proj-b', t0 + 1));
        await store.insertCredential(credential('Z', 'proj-a', t0 + 2));
        await store.insertCredential(credential('A', 'proj-a', t0 + 3));
        const all = await store.listCredentials();
        expect(all.map((c) => [c.projectId, c.ak])).toEqual([
          ['proj-a', 'A'],
          ['proj-a', 'Z'],
          ['proj-b', 'B'],
        ]);
        expect(all[0]).toEqual({
          ak: 'A',
          projectId: 'proj-a',
          createdAt: t0 + 3,
          consecutiveFailures: 0,
        });
        expect(JSON.stringify(all)).not.toContain('sealed');
        expect((await store.listCredentials('proj-b')).map((c) => c.ak)).toEqual(['B']);
        expect(await store.listCredentials('nobody')).toEqual([]);
      });

      it('deletes by AK and counts what is left', async () => {
        expect(await store.countCredentials()).toBe(0);
        await store.insertCredential(credential('A'));
        await store.insertCredential(credential('B'));
        expect(await store.countCredentials()).toBe(2);
        expect(await store.deleteCredential('A')).toBe(true);
        expect(await store.deleteCredential('A')).toBe(false);
        expect(await store.getCredential('A')).toBeUndefined();
        expect(await store.countCredentials()).toBe(1);
      });
    });

    describe('signature failures', () => {
      beforeEach(async () => {
        await store.insertCredential(credential('AK1'));
        await store.insertCredential(credential('AK2'));
      });

      it('locks the AK at the failure that exceeds the limit, for lockMs from then', async () => {
        for (let i = 1; i <= policy.maxConsecutiveFailures; i += 1) {
          await store.recordSignatureFailure('AK1', t0 + i, policy);
        }
        expect(await store.getCredential('AK1')).toMatchObject({ consecutiveFailures: 5 });
        expect((await store.getCredential('AK1'))?.lockedUntil).toBeUndefined();
        await store.recordSignatureFailure('AK1', t0 + 100, policy);
        expect(await store.getCredential('AK1')).toMatchObject({
          consecutiveFailures: 6,
          lockedUntil: t0 + 100 + policy.lockMs,
        });
        // The count goes on until a success: a failure after the lock ran out locks again.
        await store.recordSignatureFailure('AK1', t0 + 999_000, policy);
        expect(await store.getCredential('AK1')).toMatchObject({
          consecutiveFailures: 7,
          lockedUntil: t0 + 999_000 + policy.lockMs,
        });
        expect(await store.getCredential('AK2')).toMatchObject({ consecutiveFailures: 0 });
      });

      it('resets the count and lifts the lock on a success', async () => {
        for (let i = 0; i < 6; i += 1) await store.recordSignatureFailure('AK1', t0, policy);
        await store.recordSignatureSuccess('AK1');
        const after = await store.getCredential('AK1');
        expect(after?.consecutiveFailures).toBe(0);
        expect(after?.lockedUntil).toBeUndefined();
        for (let i = 0; i < 5; i += 1) await store.recordSignatureFailure('AK1', t0, policy);
        expect((await store.getCredential('AK1'))?.lockedUntil).toBeUndefined();
      });

      it('keeps every failure counted when they arrive at once', async () => {
        // PostgreSQL: separate stores, so separate connections race for the row. SQLite
        // serialises its writers; one store's statements interleave in the same way.
        const racers =
          backend.name === 'postgres'
            ? await Promise.all([1, 2, 3, 4].map(() => openStore(url)))
            : [store];
        try {
          await Promise.all(
            Array.from({ length: 40 }, (_, i) =>
              (racers[i % racers.length] ?? store).recordSignatureFailure('AK1', t0, policy),
            ),
          );
        } finally {
          for (const racer of racers) if (racer !== store) await racer.close();
        }
        expect(await store.getCredential('AK1')).toMatchObject({
          consecutiveFailures: 40,
          lockedUntil: t0 + policy.lockMs,
        });
      });

      it('writes nothing for a success when there are no failures to forget', async () => {
        const probe = await writeProbe(backend, url, 'AK1');
        try {
          const before = await probe.version();
          await store.recordSignatureSuccess('AK1');
          await store.recordSignatureSuccess('AK1');
          expect(await probe.version()).toBe(before);
          // The probe does see a write: the check above can fail.
          await store.recordSignatureFailure('AK1', t0, policy);
          const failed = await probe.version();
          expect(failed).not.toBe(before);
          await store.recordSignatureSuccess('AK1');
          expect(await probe.version()).not.toBe(failed);
        } finally {
          await probe.close();
        }
      });

      it('ignores an unknown AK', async () => {
        await store.recordSignatureFailure('NOPE', t0, policy);
        await store.recordSignatureSuccess('NOPE');
        expect(await store.getCredential('NOPE')).toBeUndefined();
        expect(await store.countCredentials()).toBe(2);
      });
    });

    describe('tokens', () => {
      const token = {
        tokenHash: hash(1),
        projectId: 'proj-a',
        createdAt: t0,
        expiresAt: t0 + 60_000,
      };

      it('stores a token by its hash and reads it back', async () => {
        await store.insertToken(token);
        expect(await store.getToken(hash(1))).toEqual(token);
        expect(await store.getToken(hash(2))).toBeUndefined();
      });

      it('keeps an expired token, so its expiry can be reported', async () => {
        await store.insertToken({ ...token, expiresAt: t0 - 1 });
        expect((await store.getToken(hash(1)))?.expiresAt).toBe(t0 - 1);
      });

      it('revokes a token once, keeping the first revocation time', async () => {
        await store.insertToken(token);
        await store.insertToken({ ...token, tokenHash: hash(2) });
        expect(await store.revokeToken(hash(1), t0 + 10)).toBe(true);
        expect(await store.revokeToken(hash(1), t0 + 20)).toBe(true);
        expect(await store.getToken(hash(1))).toEqual({ ...token, revokedAt: t0 + 10 });
        expect((await store.getToken(hash(2)))?.revokedAt).toBeUndefined();
        expect(await store.revokeToken(hash(3), t0)).toBe(false);
        expect(await store.getToken(hash(3))).toBeUndefined();
      });
    });

    describe('store settings', () => {
      it('sets a value only once, and every later setter gets the first value', async () => {
        expect(await store.getSetting('check')).toBeUndefined();
        expect(await store.putSettingIfAbsent('check', 'first')).toBe('first');
        expect(await store.putSettingIfAbsent('check', 'second')).toBe('first');
        expect(await store.getSetting('check')).toBe('first');
        expect(await store.getSetting('other')).toBeUndefined();
      });

      it('lets exactly one of several racing setters win', async () => {
        const racers =
          backend.name === 'postgres'
            ? await Promise.all([1, 2, 3, 4].map(() => openStore(url)))
            : [store];
        try {
          const got = await Promise.all(
            Array.from({ length: 8 }, (_, i) =>
              (racers[i % racers.length] ?? store).putSettingIfAbsent('check', `value-${i}`),
            ),
          );
          expect(new Set(got).size).toBe(1);
          expect(await store.getSetting('check')).toBe(got[0]);
        } finally {
          for (const racer of racers) if (racer !== store) await racer.close();
        }
      });
    });
  });
}
