import { randomBytes } from 'node:crypto';
import type { CredentialStore } from '../store/credential-store.js';
import {
  checkAk,
  checkProjectId,
  checkSk,
  checkTokenTtl,
  generateAk,
  generateSk,
  generateToken,
  akPattern,
  hashToken,
  mayBeToken,
} from './credential-format.js';
import type { RandomBytes } from './credential-format.js';
import { signatureLockout } from './credential-service.js';
import type {
  AccessKey,
  ClientLockout,
  ClientLockoutListing,
  CreatedCredential,
  CredentialService,
  CredentialSummary,
  IssuedToken,
} from './credential-service.js';
import { expiringCache } from './expiring-cache.js';
import type { SkCipher } from './sk-cipher.js';

/** An AK given explicitly that is taken already. Nothing was written. */
export class DuplicateAccessKeyError extends Error {
  constructor(ak: string) {
    super(`a credential with AK ${ak} exists already; delete it first or choose another AK.`);
    this.name = 'DuplicateAccessKeyError';
  }
}

export interface StoreCredentialServiceOptions {
  readonly store: CredentialStore;
  /**
   * The cipher for secret keys, asked for only when a secret key is sealed or opened: listing,
   * deleting and tokens never need the secret key (nor create a key file).
   */
  readonly skCipher: () => Promise<SkCipher>;
  /** Unix milliseconds, for creation and revocation times and the cache; `Date.now` by default. */
  readonly now?: () => number;
  readonly randomBytes?: RandomBytes;
  /**
   * Keeps what `lookupAccessKey`, `lookupClientLockout` and `lookupToken` found for `ttlMs`
   * (0 or absent: no cache; every lookup reads the store). Only AKs and tokens that exist are
   * kept, at most `maxEntries` AKs, as many client standings and as many tokens (10,000 by
   * default; past it the oldest goes). For servers: a change made through this service shows
   * at once, one made elsewhere (another server, a CLI command) within `ttlMs`.
   */
  readonly cache?: { readonly ttlMs: number; readonly maxEntries?: number };
}

/** Credential lookups kept by default, per kind (AKs, client standings, tokens). */
export const defaultCredentialCacheEntries = 10_000;

/** Generated AKs are 36^20 apart; a collision is retried this many times before giving up. */
const generatedAkAttempts = 3;

/**
 * The {@link CredentialService} over a {@link CredentialStore}: SKs sealed with the secret
 * key before they reach the store, tokens kept only as their SHA-256.
 *
 * Inputs are checked here as everywhere else (throws `InvalidCredentialInputError`); an AK
 * or token that cannot exist is answered as unknown without asking the store.
 *
 * With `cache`, a known AK (its secret key decrypted) and a known token are served from
 * memory for `cache.ttlMs`, so a good signed request costs neither a store read nor a
 * decryption, and a client's standing with the AK (most often: nothing remembered) is kept
 * the same way. This service's own changes keep the cache true at once: deleting an AK or
 * revoking a token forgets it, a signature failure forgets the client's standing (its next
 * lookup reads the new count and lock from the store), and a signature success keeps
 * "nothing remembered" for it, so the next good request needs no store statement either.
 */
export function storeCredentialService(options: StoreCredentialServiceOptions): CredentialService {
  const { store } = options;
  const now = options.now ?? Date.now;
  const random = options.randomBytes ?? randomBytes;
  const cacheOptions = {
    ttlMs: options.cache?.ttlMs ?? 0,
    maxEntries: options.cache?.maxEntries ?? defaultCredentialCacheEntries,
    now,
  };
  const accessKeys = expiringCache<AccessKey>(cacheOptions);
  // Keyed by AK and client; "nothing remembered" is kept too, as the usual answer.
  const clientLockouts = expiringCache<ClientLockout>(cacheOptions);
  const pairKey = (ak: string, client: string): string => `${ak} ${client}`;
  // Keyed by the token's hash, as in the store: no usable token sits in memory longer.
  const tokens = expiringCache<TokenFound>(cacheOptions);
  let cipher: Promise<SkCipher> | undefined;
  const getCipher = (): Promise<SkCipher> => {
    cipher ??= options.skCipher().catch((e: unknown) => {
      cipher = undefined;
      throw e;
    });
    return cipher;
  };

  return {
    async createCredential(input): Promise<CreatedCredential> {
      const projectId = checkProjectId(input.projectId);
      const givenAk = input.ak === undefined ? undefined : checkAk(input.ak);
      const sk = input.sk === undefined ? generateSk(random) : checkSk(input.sk);
      const sealer = await getCipher();
      for (let attempt = 1; ; attempt += 1) {
        const ak = givenAk ?? generateAk(random);
        const inserted = await store.insertCredential({
          ak,
          projectId,
          skCiphertext: sealer.seal(sk, ak),
          createdAt: now(),
        });
        if (inserted) {
          // Whatever was kept under this AK (deleted elsewhere since) is not this credential.
          accessKeys.invalidate(ak);
          return { ak, sk, projectId };
        }
        if (givenAk !== undefined) throw new DuplicateAccessKeyError(ak);
        if (attempt >= generatedAkAttempts) {
          throw new Error('could not generate an AK that is not taken; try again.');
        }
      }
    },

    async listCredentials(projectId): Promise<CredentialSummary[]> {
      const rows = await store.listCredentials(
        projectId === undefined ? undefined : checkProjectId(projectId),
      );
      return rows.map((row) => ({
        ak: row.ak,
        projectId: row.projectId,
        createdAt: row.createdAt,
      }));
    },

    async deleteCredential(ak): Promise<boolean> {
      if (!akPattern.test(ak)) return false;
      // Forgotten after the write (even a failed one), so no lookup read before it stays kept.
      // Kept client standings of the AK expire with their TTL (the store forgets them now): an
      // AK created again at once may find a client still locked for up to that long.
      try {
        return await store.deleteCredential(ak);
      } finally {
        accessKeys.invalidate(ak);
      }
    },

    countCredentials: () => store.countCredentials(),

    async lookupAccessKey(ak): Promise<AccessKey | undefined> {
      if (!akPattern.test(ak)) return undefined;
      return accessKeys.get(ak, async () => {
        const stored = await store.getCredential(ak);
        if (stored === undefined) return undefined;
        const sk = (await getCipher()).open(stored.skCiphertext, stored.ak);
        // Frozen: a kept key is handed to every caller.
        return Object.freeze({
          ak: stored.ak,
          projectId: stored.projectId,
          sk,
        });
      });
    },

    async lookupClientLockout(ak, client, nowMs): Promise<ClientLockout> {
      if (!akPattern.test(ak)) return noFailures;
      const found = await clientLockouts.get(pairKey(ak, client), async () => {
        const stored = await store.getSignatureLockout(ak, client, nowMs);
        if (stored === undefined) return noFailures;
        return Object.freeze({
          failures: stored.failures,
          ...(stored.lockedUntil === undefined ? {} : { lockedUntil: stored.lockedUntil }),
        });
      });
      return found ?? noFailures;
    },

    async recordSignatureFailure(ak, client, nowMs): Promise<void> {
      if (!akPattern.test(ak)) return;
      const key = pairKey(ak, client);
      // The store counts (atomically, with other servers) and may lock: read that back next time.
      try {
        await store.recordSignatureFailure(ak, client, nowMs, signatureLockout);
      } finally {
        clientLockouts.invalidate(key);
      }
    },

    async recordSignatureSuccess(ak, client): Promise<void> {
      if (!akPattern.test(ak)) return;
      const key = pairKey(ak, client);
      const seen = clientLockouts.peek(key);
      try {
        await store.recordSignatureSuccess(ak, client);
      } catch (e: unknown) {
        clientLockouts.invalidate(key);
        throw e;
      }
      // The store now remembers nothing of this client. Replaced only if nothing (a failure,
      // a fresh read) changed the kept standing meanwhile; else forgotten, to be read again.
      if (seen === undefined || !clientLockouts.replace(key, seen, noFailures)) {
        clientLockouts.invalidate(key);
      }
    },

    async listClientLockouts(nowMs, ak): Promise<ClientLockoutListing[]> {
      if (ak !== undefined && !akPattern.test(ak)) return [];
      const rows = await store.listSignatureLockouts(nowMs, ak);
      return rows.map((row) => ({
        ak: row.ak,
        client: row.client,
        failures: row.failures,
        ...(row.lockedUntil === undefined ? {} : { lockedUntil: row.lockedUntil }),
      }));
    },

    async createToken(input): Promise<IssuedToken> {
      const projectId = checkProjectId(input.projectId);
      const ttlMs = checkTokenTtl(input.ttlMs);
      const token = generateToken(random);
      // Whole seconds, so the expiry printed in the wire's time format is the exact one.
      const expiresAt = Math.floor((input.nowMs + ttlMs) / 1000) * 1000;
      await store.insertToken({
        tokenHash: hashToken(token),
        projectId,
        createdAt: input.nowMs,
        expiresAt,
      });
      return { token, projectId, expiresAt };
    },

    async lookupToken(token) {
      if (!mayBeToken(token)) return undefined;
      const tokenHash = hashToken(token);
      return tokens.get(tokenHash, async () => {
        const stored = await store.getToken(tokenHash);
        if (stored === undefined || stored.revokedAt !== undefined) return undefined;
        // Expired tokens are returned: the caller compares with its clock and says "token expired".
        return Object.freeze({ projectId: stored.projectId, expiresAt: stored.expiresAt });
      });
    },

    async revokeToken(token): Promise<boolean> {
      if (!mayBeToken(token)) return false;
      const tokenHash = hashToken(token);
      try {
        return await store.revokeToken(tokenHash, now());
      } finally {
        tokens.invalidate(tokenHash);
      }
    },
  };
}

interface TokenFound {
  readonly projectId: string;
  readonly expiresAt: number;
}

/** A client with nothing remembered: no failures, no lock. */
const noFailures: ClientLockout = Object.freeze({ failures: 0 });
