import type { Kysely } from 'kysely';
import { retryWhileBusy } from '../lock-wait.js';
import type { Database } from '../schema.js';
import {
  StoreBusyError,
  StoreCommitInDoubtError,
  StoreTimeoutError,
  StoreUnavailableError,
} from '../store.js';
import type { SqlBackend } from './sql-backend.js';

/**
 * What every part of one SQL store works through: the backend, where reads outside a
 * transaction go, and the guard that turns driver errors into the contract's.
 */
export interface SqlContext {
  readonly backend: SqlBackend;
  /** The connection for reads outside a transaction (see {@link SqlBackend.readDb}). */
  readonly reads: Kysely<Database>;
  /**
   * Runs `op`, mapping driver errors to the contract's errors; anything else passes through
   * unchanged. An `op` that meets another connection's lock is run again, off the event loop,
   * until the backend's lock wait is over (see {@link SqlBackend.lockWait}): every `op` given
   * here reads, or writes in one statement that failed whole, so running it again is safe. A
   * transaction (`retryBusy: false`) retries only its begin, in `inTransaction`. Throws
   * {@link StoreUnavailableError} once the store is closed.
   */
  guard<T>(op: () => Promise<T>, options?: { readonly retryBusy?: boolean }): Promise<T>;
}

/** The context of the store over `backend`, closed when `isClosed` says so. */
export function sqlContext(backend: SqlBackend, isClosed: () => boolean): SqlContext {
  const location = backend.location;
  return {
    backend,
    reads: backend.readDb ?? backend.db,
    async guard<T>(op: () => Promise<T>, { retryBusy = true } = {}): Promise<T> {
      if (isClosed()) throw new StoreUnavailableError(`the store at ${location} is closed`);
      try {
        return await (retryBusy ? retryWhileBusy(backend.lockWait, op) : op());
      } catch (e: unknown) {
        const kind = backend.classifyError(e);
        if (kind === 'busy') {
          throw new StoreBusyError(
            `the store at ${location} is busy: another process holds its write lock`,
            { cause: e },
          );
        }
        if (kind === 'unavailable') {
          throw new StoreUnavailableError(`the store at ${location} cannot be reached`, {
            cause: e,
          });
        }
        if (kind === 'in-doubt') {
          throw new StoreCommitInDoubtError(
            `a commit on ${location} got no answer within its time limit: it may or may not have been applied`,
            { cause: e },
          );
        }
        if (kind === 'timeout') {
          throw new StoreTimeoutError(`a query on ${location} ran past its time limit`, {
            cause: e,
          });
        }
        throw e;
      }
    },
  };
}
