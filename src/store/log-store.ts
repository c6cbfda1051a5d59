import type { ExecutionLog } from '../domain/execution-log.js';
import type { LogQuery } from '../domain/log-query.js';

/** One page of a policy's logs, newest first, and how many logs match in all. */
export interface LogPage {
  readonly totalNumber: number;
  readonly logs: readonly ExecutionLog[];
}

/** What happened to each log handed to {@link LogWriter.write}. */
export type WriteOutcome = 'inserted' | 'updated' | 'unchanged';

export interface WriteRejection {
  /** Index of the log in the batch that was handed to `write`. */
  readonly index: number;
  readonly reason: string;
}

export interface WriteResult {
  readonly inserted: number;
  readonly updated: number;
  readonly unchanged: number;
  /** Logs refused by the store, such as an id that belongs to another project or policy. */
  readonly rejected: readonly WriteRejection[];
}

/** Writes batches of logs inside one store transaction (see {@link Store.writeSession}). */
export interface LogWriter {
  /**
   * Inserts new logs and updates existing ones by id, following `shouldReplace`. A log whose
   * id already belongs to another project or policy is rejected, never overwritten. Within
   * one batch a later log with the same id is applied after an earlier one.
   */
  write(logs: readonly ExecutionLog[]): Promise<WriteResult>;
}

export interface ExportFilter {
  readonly projectId?: string;
  readonly policyId?: string;
}

/** The execution logs' part of the store: queried, written in sessions, exported. */
export interface LogStore {
  /**
   * One page of logs for `query`, or `undefined` when the policy is unknown in that project
   * (no logs were ever recorded for it). A known policy with nothing matching gives an empty page.
   * Past the time limit given when the store was opened it throws {@link StoreTimeoutError}.
   */
  queryLogs(query: LogQuery): Promise<LogPage | undefined>;

  /**
   * Runs `work` in one transaction: everything it writes commits together when it returns,
   * and nothing is written when it throws.
   */
  writeSession<T>(work: (writer: LogWriter) => Promise<T>): Promise<T>;

  /** Every log of a project or a policy, streamed in a stable order with bounded memory. */
  exportLogs(filter: ExportFilter): AsyncIterable<ExecutionLog>;
}
