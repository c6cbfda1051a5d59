import { sql } from 'kysely';
import type { ExecutionLog } from '../domain/execution-log.js';
import type { LogQuery } from '../domain/log-query.js';
import type { UnixMs } from '../domain/unix-time.js';
import type { ResourceTransaction } from './resource-store.js';
import { inTransaction } from './in-transaction.js';
import * as credentials from './sql/credential-repository.js';
import { exportLogs } from './sql/log-export.js';
import { queryLogs } from './sql/log-queries.js';
import { readLog } from './sql/log-rows.js';
import { SqlLogWriter, writeSession } from './sql/log-writer.js';
import type { SqlBackend } from './sql/sql-backend.js';
import { sqlContext } from './sql/sql-context.js';
import type { SqlContext } from './sql/sql-context.js';
import { sqlResourceTransaction } from './sql/sql-resource-transaction.js';
import type { Backend, Store } from './store.js';
import type { ExportFilter, LogPage, LogWriter } from './log-store.js';
import type {
  CredentialListing,
  CredentialStore,
  LockoutPolicy,
  SignatureLockout,
  StoredCredential,
  StoredToken,
} from './credential-store.js';

export type { ErrorKind, SqlBackend } from './sql/sql-backend.js';
// The statements the benchmark's driver-side floor runs, and the plan its tests check.
export {
  countQuery,
  logFilters,
  pageQuery,
  windowCountPlan,
  windowCountQuery,
} from './sql/log-queries.js';
export { rowToLog } from './sql/log-rows.js';

/** Tuning of the store's count paths; the defaults suit every deployment. */
export interface SqlStoreOptions {
  /**
   * From how many logs of a policy (of the filtered execute type) a time window's
   * `total_number` is summed from `policy_log_days` rather than counted log by log. Below it
   * the index range is small enough to count directly.
   */
  readonly dayCountsFromLogs?: number;
}

/**
 * The one SQL implementation of the {@link Store} (its logs and its resources) and
 * {@link CredentialStore} contracts, for SQLite and PostgreSQL alike. It composes one part per
 * concern, all over the same backend: log queries, the log writer, log export, the
 * credential repository and, inside resource sessions, one repository per resource (`sql/`).
 */
export class SqlStore implements Store, CredentialStore {
  readonly #b: SqlBackend;
  readonly #sql: SqlContext;
  readonly #dayCountsFromLogs: number;
  #closed = false;

  constructor(backend: SqlBackend, options: SqlStoreOptions = {}) {
    this.#b = backend;
    this.#sql = sqlContext(backend, () => this.#closed);
    this.#dayCountsFromLogs = options.dayCountsFromLogs ?? 2_000;
  }

  get backend(): Backend {
    return this.#b.backend;
  }

  get location(): string {
    return this.#b.location;
  }

  queuedWork(): number {
    return this.#b.queuedWork?.() ?? 0;
  }

  async queryLogs(q: LogQuery): Promise<LogPage | undefined> {
    return this.#sql.guard(() => queryLogs(this.#sql.reads, q, this.#dayCountsFromLogs));
  }

  async writeSession<T>(work: (writer: LogWriter) => Promise<T>): Promise<T> {
    return writeSession(this.#sql, work);
  }

  exportLogs(filter: ExportFilter): AsyncIterable<ExecutionLog> {
    return exportLogs(this.#sql, filter);
  }

  async resourceSession<T>(work: (tx: ResourceTransaction) => Promise<T>): Promise<T> {
    const b = this.#b;
    return this.#sql.guard(
      () =>
        inTransaction(
          b.db,
          b.engineBeginStatements,
          async (conn) => {
            const writer = new SqlLogWriter(conn, b.insertChunkRows, b.runEach);
            const value = await work(
              sqlResourceTransaction(
                {
                  db: conn,
                  rowLocks: b.rowLocks,
                  byteCollation: b.byteCollation,
                  ...(b.lockKey === undefined ? {} : { lockKey: b.lockKey }),
                },
                { writer, readLog: (projectId, logId) => readLog(conn, projectId, logId) },
              ),
            );
            await writer.flush();
            return value;
          },
          b.lockWait,
        ),
      { retryBusy: false },
    );
  }

  async resourceRead<T>(work: (tx: ResourceTransaction) => Promise<T>): Promise<T> {
    const db = this.#sql.reads;
    return this.#sql.guard(() =>
      work(
        sqlResourceTransaction(
          { db, rowLocks: false, byteCollation: this.#b.byteCollation },
          { readLog: (projectId, logId) => readLog(db, projectId, logId) },
        ),
      ),
    );
  }

  insertCredential(credential: StoredCredential): Promise<boolean> {
    return credentials.insertCredential(this.#sql, credential);
  }

  getCredential(ak: string): Promise<StoredCredential | undefined> {
    return credentials.getCredential(this.#sql, ak);
  }

  listCredentials(projectId?: string): Promise<CredentialListing[]> {
    return credentials.listCredentials(this.#sql, projectId);
  }

  deleteCredential(ak: string): Promise<boolean> {
    return credentials.deleteCredential(this.#sql, ak);
  }

  countCredentials(): Promise<number> {
    return credentials.countCredentials(this.#sql);
  }

  getSignatureLockout(
    ak: string,
    client: string,
    nowMs: UnixMs,
  ): Promise<SignatureLockout | undefined> {
    return credentials.getSignatureLockout(this.#sql, ak, client, nowMs);
  }

  listSignatureLockouts(nowMs: UnixMs, ak?: string): Promise<SignatureLockout[]> {
    return credentials.listSignatureLockouts(this.#sql, nowMs, ak);
  }

  recordSignatureFailure(
    ak: string,
    client: string,
    nowMs: UnixMs,
    policy: LockoutPolicy,
  ): Promise<SignatureLockout | undefined> {
    return credentials.recordSignatureFailure(this.#sql, ak, client, nowMs, policy);
  }

  recordSignatureSuccess(ak: string, client: string): Promise<void> {
    return credentials.recordSignatureSuccess(this.#sql, ak, client);
  }

  insertToken(token: Omit<StoredToken, 'revokedAt'>): Promise<void> {
    return credentials.insertToken(this.#sql, token);
  }

  getToken(tokenHash: string): Promise<StoredToken | undefined> {
    return credentials.getToken(this.#sql, tokenHash);
  }

  revokeToken(tokenHash: string, nowMs: UnixMs): Promise<boolean> {
    return credentials.revokeToken(this.#sql, tokenHash, nowMs);
  }

  getSetting(name: string): Promise<string | undefined> {
    return credentials.getSetting(this.#sql, name);
  }

  putSettingIfAbsent(name: string, value: string): Promise<string> {
    return credentials.putSettingIfAbsent(this.#sql, name, value);
  }

  async ping(): Promise<void> {
    await this.#sql.guard(() => sql`select 1`.execute(this.#sql.reads));
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#b.db.destroy();
    await this.#b.close?.();
  }
}
