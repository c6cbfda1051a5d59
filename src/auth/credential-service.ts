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
  /** Bad signatures since the last good one. */
  readonly consecutiveFailures: number;
  /** Unix milliseconds until which the key is locked after repeated signature failures. */
  readonly lockedUntil?: number;
}

export interface IssuedToken {
  readonly token: string;
  readonly projectId: string;
  /** Unix milliseconds. */
  readonly expiresAt: number;
}

/** The cloud locks an AK for 5 minutes after more than 5 consecutive signature failures. */
export const signatureLockout = Object.freeze({ maxConsecutiveFailures: 5, lockMs: 5 * 60_000 });

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
  /** Counts a failed signature; the failure past the limit locks the AK (see {@link signatureLockout}). */
  recordSignatureFailure(ak: string, nowMs: number): Promise<void>;
  /**
   * A good signature resets the count of consecutive failures. Callers skip it when
   * {@link AccessKey.consecutiveFailures} is 0, so a good request costs no write.
   */
  recordSignatureSuccess(ak: string): Promise<void>;

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
