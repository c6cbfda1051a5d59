import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/store.js';
import type { CredentialStore, LockoutPolicy } from '../../src/store/credential-store.js';
import { testBackends } from '../support/backends.js';
import type { TestBackend } from '../support/backends.js';

const policy: LockoutPolicy = {
  maxConsecutiveFailures: 5,
  lockMs: 300_000,
  maxLockMs: 1_200_000,
  forgetAfterMs: 3_600_000,
  maxClientsPerAk: 3,
};
const t0 = 1_700_000_000_000;

const credential = (ak: string, projectId = 'proj-a', createdAt = t0) => ({
  ak,
  projectId,
  skCiphertext: `v1:sealed-${ak}`,
  createdAt,
});

const hash = (n: number): string => n.toString(16).padStart(64, '0');

/**
 * A way to tell whether a statement wrote to the signature_lockouts table, from outside the
 * store: SQLite's data_version (changed by another connection's commit), PostgreSQL's row
 * versions of the table.
 */
async function writeProbe(
  backend: TestBackend,
  url: string,
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
      const { rows } = await client.query<{ v: string | null }>(
        "select string_agg(ak || ' ' || client || ' ' || xmin::text, ',' order by ak, client) as v from signature_lockouts",
      );
      return rows[0]?.v ?? 'none';
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

    describe('signature failures, per AK and client', () => {
      const a = '192.0.2.1';
      const b = '2001:db8:1:2::/64';

      beforeEach(async () => {
        await store.insertCredential(credential('AK1'));
        await store.insertCredential(credential('AK2'));
      });

      it('locks the AK for a client at the failure that exceeds the limit, for lockMs from then, and for that client only', async () => {
        for (let i = 1; i <= policy.maxConsecutiveFailures; i += 1) {
          expect(await store.recordSignatureFailure('AK1', a, t0 + i, policy)).toEqual({
            ak: 'AK1',
            client: a,
            failures: i,
            lockMs: 0,
            forgetAt: t0 + i + policy.forgetAfterMs,
          });
        }
        expect((await store.getSignatureLockout('AK1', a, t0 + 10))?.lockedUntil).toBeUndefined();
        const locked = {
          ak: 'AK1',
          client: a,
          failures: 6,
          lockMs: policy.lockMs,
          lockedUntil: t0 + 100 + policy.lockMs,
          forgetAt: t0 + 100 + policy.lockMs + policy.forgetAfterMs,
        };
        expect(await store.recordSignatureFailure('AK1', a, t0 + 100, policy)).toEqual(locked);
        expect(await store.getSignatureLockout('AK1', a, t0 + 100)).toEqual(locked);
        // Neither another client of the AK nor the same client with another AK.
        expect(await store.getSignatureLockout('AK1', b, t0 + 100)).toBeUndefined();
        expect(await store.getSignatureLockout('AK2', a, t0 + 100)).toBeUndefined();
        // The AK itself carries no lock.
        expect(await store.getCredential('AK1')).toEqual({
          ak: 'AK1',
          projectId: 'proj-a',
          skCiphertext: 'v1:sealed-AK1',
          createdAt: t0,
        });
      });

      it('locks again after each lock ends, twice as long each time up to maxLockMs; a failure while locked changes nothing', async () => {
        let now = t0;
        for (let i = 0; i < 6; i += 1) await store.recordSignatureFailure('AK1', a, now, policy);
        const lengths: number[] = [];
        for (let round = 0; round < 4; round += 1) {
          const current = await store.getSignatureLockout('AK1', a, now);
          const until = current?.lockedUntil ?? 0;
          lengths.push(current?.lockMs ?? 0);
          // While locked (a server that has not seen the lock yet): counted, lock unchanged.
          const during = await store.recordSignatureFailure('AK1', a, until - 1, policy);
          expect(during).toMatchObject({ lockedUntil: until, lockMs: current?.lockMs });
          now = until;
          // The lock has ended: the next failure locks again at once, for longer.
          const next = await store.recordSignatureFailure('AK1', a, now, policy);
          expect(next?.lockedUntil).toBe(now + (next?.lockMs ?? 0));
        }
        lengths.push((await store.getSignatureLockout('AK1', a, now))?.lockMs ?? 0);
        expect(lengths).toEqual([300_000, 600_000, 1_200_000, 1_200_000, 1_200_000]);
      });

      it('forgets a client after forgetAfterMs of quiet past its last failure or lock, and deletes its row', async () => {
        for (let i = 0; i < 6; i += 1) await store.recordSignatureFailure('AK1', a, t0, policy);
        await store.recordSignatureFailure('AK2', b, t0, policy);
        const forgetAt = t0 + policy.lockMs + policy.forgetAfterMs;
        expect((await store.getSignatureLockout('AK1', a, forgetAt - 1))?.forgetAt).toBe(forgetAt);
        expect(await store.getSignatureLockout('AK1', a, forgetAt)).toBeUndefined();
        expect(await store.listSignatureLockouts(forgetAt)).toEqual([]);
        // Still stored until a failure prunes it; a failure starts from nothing again.
        expect(await store.recordSignatureFailure('AK1', a, forgetAt, policy)).toMatchObject({
          failures: 1,
          lockMs: 0,
        });
        for (let i = 0; i < 5; i += 1)
          await store.recordSignatureFailure('AK1', a, forgetAt, policy);
        expect(await store.getSignatureLockout('AK1', a, forgetAt)).toMatchObject({
          failures: 6,
          lockMs: policy.lockMs,
        });
        // The failure pruned the forgotten row of the other AK: it is gone, not just hidden.
        expect(await store.listSignatureLockouts(0)).toEqual([
          expect.objectContaining({ ak: 'AK1', client: a }),
        ]);
      });

      it('keeps at most maxClientsPerAk clients of an AK, dropping those forgotten soonest', async () => {
        const clients = ['192.0.2.10', '192.0.2.11', '192.0.2.12', '192.0.2.13', '192.0.2.14'];
        await store.recordSignatureFailure('AK2', a, t0, policy);
        for (const [i, client] of clients.entries()) {
          await store.recordSignatureFailure('AK1', client, t0 + i, policy);
        }
        // A locked client is forgotten later than one with a single failure: it stays.
        for (let i = 0; i < 6; i += 1) {
          await store.recordSignatureFailure('AK1', '192.0.2.12', t0 + 10, policy);
        }
        await store.recordSignatureFailure('AK1', '192.0.2.15', t0 + 11, policy);
        const kept = await store.listSignatureLockouts(t0 + 11, 'AK1');
        expect(kept.map((l) => l.client)).toEqual(['192.0.2.12', '192.0.2.14', '192.0.2.15']);
        expect(kept[0]?.lockedUntil).toBe(t0 + 10 + policy.lockMs);
        // Other AKs keep theirs.
        expect(await store.listSignatureLockouts(t0 + 11, 'AK2')).toHaveLength(1);
        expect((await store.listSignatureLockouts(t0 + 11)).map((l) => [l.ak, l.client])).toEqual([
          ['AK1', '192.0.2.12'],
          ['AK1', '192.0.2.14'],
          ['AK1', '192.0.2.15'],
          ['AK2', a],
        ]);
      });

      it("forgets a client's count and lock on its success, and only that client's", async () => {
        for (let i = 0; i < 6; i += 1) await store.recordSignatureFailure('AK1', a, t0, policy);
        await store.recordSignatureFailure('AK1', b, t0, policy);
        await store.recordSignatureSuccess('AK1', a);
        expect(await store.getSignatureLockout('AK1', a, t0)).toBeUndefined();
        expect(await store.getSignatureLockout('AK1', b, t0)).toMatchObject({ failures: 1 });
        for (let i = 0; i < 5; i += 1) await store.recordSignatureFailure('AK1', a, t0, policy);
        expect((await store.getSignatureLockout('AK1', a, t0))?.lockedUntil).toBeUndefined();
        // The doubling starts again too.
        await store.recordSignatureFailure('AK1', a, t0, policy);
        expect((await store.getSignatureLockout('AK1', a, t0))?.lockMs).toBe(policy.lockMs);
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
              (racers[i % racers.length] ?? store).recordSignatureFailure('AK1', a, t0, policy),
            ),
          );
        } finally {
          for (const racer of racers) if (racer !== store) await racer.close();
        }
        expect(await store.getSignatureLockout('AK1', a, t0)).toMatchObject({
          failures: 40,
          lockMs: policy.lockMs,
          lockedUntil: t0 + policy.lockMs,
        });
      });

      it('writes nothing for a success when nothing is remembered of the client', async () => {
        await store.recordSignatureFailure('AK2', b, t0, policy);
        const probe = await writeProbe(backend, url);
        try {
          const before = await probe.version();
          await store.recordSignatureSuccess('AK1', a);
          await store.recordSignatureSuccess('AK1', a);
          expect(await probe.version()).toBe(before);
          // The probe does see a write: the check above can fail.
          await store.recordSignatureFailure('AK1', a, t0, policy);
          const failed = await probe.version();
          expect(failed).not.toBe(before);
          await store.recordSignatureSuccess('AK1', a);
          expect(await probe.version()).not.toBe(failed);
        } finally {
          await probe.close();
        }
      });

      it('ignores an unknown AK, and forgets the failures of a deleted one', async () => {
        expect(await store.recordSignatureFailure('NOPE', a, t0, policy)).toBeUndefined();
        await store.recordSignatureSuccess('NOPE', a);
        expect(await store.getSignatureLockout('NOPE', a, t0)).toBeUndefined();
        expect(await store.getCredential('NOPE')).toBeUndefined();
        expect(await store.countCredentials()).toBe(2);
        expect(await store.listSignatureLockouts(t0)).toEqual([]);

        for (let i = 0; i < 6; i += 1) await store.recordSignatureFailure('AK1', a, t0, policy);
        expect(await store.deleteCredential('AK1')).toBe(true);
        await store.insertCredential(credential('AK1'));
        expect(await store.getSignatureLockout('AK1', a, t0)).toBeUndefined();
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
