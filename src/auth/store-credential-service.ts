import { randomBytes } from 'node:crypto';
import type { CredentialStore } from '../store/store.js';
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
  CreatedCredential,
  CredentialService,
  CredentialSummary,
  IssuedToken,
} from './credential-service.js';
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
  /** Unix milliseconds, for creation and revocation times; `Date.now` by default. */
  readonly now?: () => number;
  readonly randomBytes?: RandomBytes;
}

/** Generated AKs are 36^20 apart; a collision is retried this many times before giving up. */
const generatedAkAttempts = 3;

/**
 * The {@link CredentialService} over a {@link CredentialStore}: SKs sealed with the secret
 * key before they reach the store, tokens kept only as their SHA-256.
 *
 * Inputs are checked here as everywhere else (throws `InvalidCredentialInputError`); an AK
 * or token that cannot exist is answered as unknown without asking the store.
 */
export function storeCredentialService(options: StoreCredentialServiceOptions): CredentialService {
  const { store } = options;
  const now = options.now ?? Date.now;
  const random = options.randomBytes ?? randomBytes;
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
        if (inserted) return { ak, sk, projectId };
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
      return akPattern.test(ak) ? store.deleteCredential(ak) : false;
    },

    countCredentials: () => store.countCredentials(),

    async lookupAccessKey(ak): Promise<AccessKey | undefined> {
      if (!akPattern.test(ak)) return undefined;
      const stored = await store.getCredential(ak);
      if (stored === undefined) return undefined;
      const sk = (await getCipher()).open(stored.skCiphertext, stored.ak);
      return {
        ak: stored.ak,
        projectId: stored.projectId,
        sk,
        consecutiveFailures: stored.consecutiveFailures,
        ...(stored.lockedUntil === undefined ? {} : { lockedUntil: stored.lockedUntil }),
      };
    },

    async recordSignatureFailure(ak, nowMs): Promise<void> {
      if (akPattern.test(ak)) await store.recordSignatureFailure(ak, nowMs, signatureLockout);
    },

    async recordSignatureSuccess(ak): Promise<void> {
      if (akPattern.test(ak)) await store.recordSignatureSuccess(ak);
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
      const stored = await store.getToken(hashToken(token));
      if (stored === undefined || stored.revokedAt !== undefined) return undefined;
      // Expired tokens are returned: the caller compares with its clock and says "token expired".
      return { projectId: stored.projectId, expiresAt: stored.expiresAt };
    },

    async revokeToken(token): Promise<boolean> {
      return mayBeToken(token) ? store.revokeToken(hashToken(token), now()) : false;
    },
  };
}
