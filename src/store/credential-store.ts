import type { DurationMs, UnixMs } from '../domain/unix-time.js';

/** An AK/SK credential as stored: the secret key only as ciphertext. Times in Unix milliseconds. */
export interface StoredCredential {
  readonly ak: string;
  readonly projectId: string;
  /** The secret key as sealed by the auth layer; the store never sees it in plaintext. */
  readonly skCiphertext: string;
  readonly createdAt: UnixMs;
}

/** A credential as listed: everything but the secret key. */
export type CredentialListing = Omit<StoredCredential, 'skCiphertext'>;

/** A token as stored: only its hash. Times in Unix milliseconds. */
export interface StoredToken {
  /** Lower-case hex SHA-256 of the token. */
  readonly tokenHash: string;
  readonly projectId: string;
  readonly createdAt: UnixMs;
  readonly expiresAt: UnixMs;
  /** When it was revoked; absent while it is not. */
  readonly revokedAt?: UnixMs;
}

/**
 * When repeated signature failures from one client lock an AK for that client, for how long,
 * and how long the store remembers. Every duration in milliseconds.
 */
export interface LockoutPolicy {
  /** The failure that makes a client's count exceed this (1 or more) locks the AK for it. */
  readonly maxConsecutiveFailures: number;
  /** How long the first lock lasts; each further lock of the same client lasts twice as long. */
  readonly lockMs: DurationMs;
  /** The longest a lock lasts, however often the client was locked (at least `lockMs`). */
  readonly maxLockMs: DurationMs;
  /**
   * A client without failures for this long after its last failure or the end of its last
   * lock is forgotten: its count and its lock doubling start again from nothing.
   */
  readonly forgetAfterMs: DurationMs;
  /**
   * The most clients remembered per AK. Past it, the ones that would be forgotten soonest
   * are forgotten now, so an attacker with many addresses cannot grow the store without bound.
   */
  readonly maxClientsPerAk: number;
}

/** What the store remembers of one client's signature failures with one AK. */
export interface SignatureLockout {
  readonly ak: string;
  /** The client address as the auth layer names it (an IPv4 address or an IPv6 /64). */
  readonly client: string;
  /** Failures since the client's last good signature or quiet period. */
  readonly failures: number;
  /** How long the last lock lasted; 0 when the client was not locked. */
  readonly lockMs: DurationMs;
  /** Until when the AK is refused to this client; absent when it is not locked. */
  readonly lockedUntil?: UnixMs;
  /** When the store forgets this client (see {@link LockoutPolicy.forgetAfterMs}). */
  readonly forgetAt: UnixMs;
}

/**
 * Credentials, tokens and store-wide settings, as plain repository methods. The store deals
 * in ciphertext and hashes only, never in a plaintext secret; what they mean is decided by
 * the auth layer (`src/auth/`), the only caller. Not found is `undefined` or `false`.
 *
 * The API reaches credentials only through the auth layer's `CredentialService`.
 */
export interface CredentialStore {
  /** Adds a credential with no failures; false, and nothing written, when the AK exists. */
  insertCredential(credential: {
    readonly ak: string;
    readonly projectId: string;
    readonly skCiphertext: string;
    readonly createdAt: UnixMs;
  }): Promise<boolean>;
  getCredential(ak: string): Promise<StoredCredential | undefined>;
  /** Every credential, or one project's, ordered by project then AK. */
  listCredentials(projectId?: string): Promise<CredentialListing[]>;
  /** False when there was no such AK. Forgets the AK's signature failures too. */
  deleteCredential(ak: string): Promise<boolean>;
  countCredentials(): Promise<number>;
  /**
   * What is remembered of `client`'s failures with `ak` at `nowMs`; `undefined` when nothing
   * is (no failure, or forgotten: `forgetAt` has passed).
   */
  getSignatureLockout(
    ak: string,
    client: string,
    nowMs: UnixMs,
  ): Promise<SignatureLockout | undefined>;
  /** What is remembered at `nowMs` of every client (of one AK when given), by AK then client. */
  listSignatureLockouts(nowMs: UnixMs, ak?: string): Promise<SignatureLockout[]>;
  /**
   * Counts one more signature failure of `client` with `ak` in a single atomic statement, so
   * concurrent servers never lose a count, and returns what is remembered now. When the new
   * count exceeds `policy.maxConsecutiveFailures` and the client is not locked already, it
   * is locked for `policy.lockMs`, or twice its last lock, at most `policy.maxLockMs`. The
   * count keeps growing until a success (or `forgetAfterMs` of quiet) resets it, so once
   * past the limit every further failure after a lock ends locks again, for longer. A
   * failure while locked changes neither the lock nor its length.
   *
   * Also deletes what is forgotten (of every AK), and the clients of `ak` past
   * `policy.maxClientsPerAk` that would be forgotten soonest (never `client`). An unknown
   * AK changes nothing and gives `undefined`.
   */
  recordSignatureFailure(
    ak: string,
    client: string,
    nowMs: UnixMs,
    policy: LockoutPolicy,
  ): Promise<SignatureLockout | undefined>;
  /**
   * Forgets `client`'s failures with `ak`: count, lock and lock doubling. Writes only when
   * something is remembered, so a good request costs no write.
   */
  recordSignatureSuccess(ak: string, client: string): Promise<void>;

  insertToken(token: {
    readonly tokenHash: string;
    readonly projectId: string;
    readonly createdAt: UnixMs;
    readonly expiresAt: UnixMs;
  }): Promise<void>;
  /** The token with this hash, revoked or not. */
  getToken(tokenHash: string): Promise<StoredToken | undefined>;
  /** Marks the token revoked (keeping the first revocation time); false when there is no such token. */
  revokeToken(tokenHash: string, nowMs: UnixMs): Promise<boolean>;

  getSetting(name: string): Promise<string | undefined>;
  /**
   * Stores `value` under `name` unless a value is stored there already, and returns the
   * value that is stored now: `value`, or the earlier one. Atomic: of servers racing to set
   * it, one wins and all get its value. A setting is never changed once set.
   */
  putSettingIfAbsent(name: string, value: string): Promise<string>;
}
