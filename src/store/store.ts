import type { LogStore } from './log-store.js';
import type { ResourceStore } from './resource-store.js';

export type Backend = 'sqlite' | 'postgres';

/**
 * The store the server answers from: the execution logs and the scaling resources, over one
 * connection (or pool) with one life. One SQL implementation serves both backends; a
 * backend only builds the connection. Every behaviour here runs in the contract suites
 * against both. The same implementation is a `CredentialStore` too, kept apart so that the
 * API reaches credentials only through the auth layer.
 */
export interface Store extends LogStore, ResourceStore {
  readonly backend: Backend;
  /** Where the store lives, with any password removed: safe to log. */
  readonly location: string;

  /** Resolves when the store answers a trivial query. */
  ping(): Promise<void>;

  /**
   * How many operations wait for a connection right now (PostgreSQL's pool); 0, or absent,
   * for a store without a queue (SQLite answers on the calling thread). The server sheds requests past a
   * bound on it rather than let them queue until they time out.
   */
  queuedWork?(): number;

  close(): Promise<void>;
}

/** The store cannot be reached (connection refused, database gone). The API answers 503. */
export class StoreUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreUnavailableError';
  }
}

/**
 * Another process held the store's write lock for longer than a write waits for it (SQLite:
 * one writer at a time, such as a long `scalelog import`). The store is up and reads go on;
 * the API answers 503 saying so, with `Retry-After`.
 */
export class StoreBusyError extends StoreUnavailableError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreBusyError';
  }
}

/** A query ran past its time limit. The API answers 504. */
export class StoreTimeoutError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreTimeoutError';
  }
}

/**
 * A write's commit got no answer within the time limit: the store may have applied it or
 * not, and cannot say which. The API answers 504 saying so; resending is safe where the
 * write is idempotent (logs are keyed by id).
 */
export class StoreCommitInDoubtError extends StoreTimeoutError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreCommitInDoubtError';
  }
}
