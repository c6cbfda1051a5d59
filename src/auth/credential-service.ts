import type { LockoutPolicy } from '../store/credential-store.js';

/**
 * Credentials as the rest of the program sees them: AK/SK pairs and tokens, each bound to
 * one project. Implemented over the store; secret keys are encrypted at rest with a key that
 * is not in the store, tokens are kept only as hashes.
 */

export interface CreatedCredential {
  readonly ak: string;
  /** The plaintext secret key: shown once to whoever created it. */
  readonly sk: string;
  readonly projectId: string;
}

export interface CredentialSummary {
  readonly ak: string;
  readonly projectId: string;
  /** Unix milliseconds. */
  readonly createdAt: number;
}

/** What verifying a signature needs to know about an access key. */
export interface AccessKey {
  readonly ak: string;
  readonly projectId: string;
  /**
   * Plaintext secret key. Never log it. A service with a cache keeps it in memory, decrypted,
   * for the cache's TTL.
   */
  readonly sk: string;
}

/** One client's standing with one AK after signature failures. */
export interface ClientLockout {
  /** Bad signatures from this client since its last good one (0: nothing to forget). */
  readonly failures: number;
  /** Unix milliseconds until which the AK is refused to this client; absent when not locked. */
  readonly lockedUntil?: number;
}

/** What is remembered of one client's failures with one AK, for operators. */
export interface ClientLockoutListing extends ClientLockout {
  readonly ak: string;
  /** The client address as counted: an IPv4 address or an IPv6 /64 (see `lockoutClient`). */
  readonly client: string;
}

export interface IssuedToken {
  readonly token: string;
  readonly projectId: string;
  /** Unix milliseconds. */
  readonly expiresAt: number;
}

/**
 * Brute-force protection that an attacker cannot turn against the AK's owner: failures are
 * counted per AK and client address, so more than 5 consecutive failures lock the AK for
 * that address only (the cloud's 5 minutes, then twice as long at each further lock, at
 * most an hour); a client quiet for a day after its last failure or lock is forgotten, and
 * at most 1,000 addresses are remembered per AK.
 */
export const signatureLockout: LockoutPolicy = Object.freeze({
  maxConsecutiveFailures: 5,
  lockMs: 5 * 60_000,
  maxLockMs: 60 * 60_000,
  forgetAfterMs: 24 * 60 * 60_000,
  maxClientsPerAk: 1_000,
});

export interface CredentialService {
  /** Creates an AK/SK for a project; both are generated when not given. Throws if the AK exists. */
  createCredential(input: {
    readonly projectId: string;
    readonly ak?: string;
    readonly sk?: string;
  }): Promise<CreatedCredential>;
  /** Every credential (of one project when given); never a secret key. */
  listCredentials(projectId?: string): Promise<CredentialSummary[]>;
  /** False when there was no such AK. */
  deleteCredential(ak: string): Promise<boolean>;
  /** How many credentials exist at all (a first start has none). */
  countCredentials(): Promise<number>;

  /** The access key with its decrypted secret, or `undefined` when the AK does not exist. */
  lookupAccessKey(ak: string): Promise<AccessKey | undefined>;
  /**
   * `client`'s standing with `ak` at `nowMs`: `{ failures: 0 }` when nothing is remembered.
   * A service with a cache keeps it like the key.
   */
  lookupClientLockout(ak: string, client: string, nowMs: number): Promise<ClientLockout>;
  /**
   * Counts a failed signature of `client` with `ak`; the failure past the limit locks the AK
   * for that client only (see {@link signatureLockout}).
   */
  recordSignatureFailure(ak: string, client: string, nowMs: number): Promise<void>;
  /**
   * A good signature from `client` forgets its failures with `ak`. Callers skip it when
   * {@link ClientLockout.failures} is 0, so a good request costs no write.
   */
  recordSignatureSuccess(ak: string, client: string): Promise<void>;
  /** Every client remembered at `nowMs` (of one AK when given), by AK then client. */
  listClientLockouts(nowMs: number, ak?: string): Promise<ClientLockoutListing[]>;

  /** Issues a project-scoped token that expires `ttlMs` after `nowMs`. */
  createToken(input: {
    readonly projectId: string;
    readonly ttlMs: number;
    readonly nowMs: number;
  }): Promise<IssuedToken>;
  /** The token's project and expiry, or `undefined` when it is unknown or revoked. */
  lookupToken(
    token: string,
  ): Promise<{ readonly projectId: string; readonly expiresAt: number } | undefined>;
  /** False when there was no such token. */
  revokeToken(token: string): Promise<boolean>;
}
