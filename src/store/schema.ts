import type { Generated } from 'kysely';

/**
 * Table and column names, known only to the store. Times are integers: `execute_time` in
 * Unix seconds (the wire's precision), `recorded_at` in Unix milliseconds.
 */
export interface ExecutionLogsTable {
  id: string;
  project_id: string;
  policy_id: string;
  status: string;
  failed_reason: string | null;
  execute_type: string;
  execute_time: number;
  resource_type: string;
  resource_id: string;
  old_value: string | null;
  desire_value: string | null;
  limit_value: string | null;
  operation: string | null;
  /** JSON array of job records, kept as text so every byte round-trips on both backends. */
  job_records: string;
  /** JSON object, or null when the log has no metadata. */
  meta_data: string | null;
  /** When this row was last written. */
  recorded_at: number;
}

/**
 * How many logs each policy has, per resource and execute type. It answers `total_number`
 * without scanning a busy policy's history whenever no time window is given, and whether a
 * policy is known at all (a row exists, even at count 0).
 */
export interface PolicyLogCountsTable {
  project_id: string;
  policy_id: string;
  resource_type: string;
  resource_id: string;
  execute_type: string;
  log_count: Generated<number>;
}

/**
 * How many logs each policy has per UTC day (Unix seconds / 86,400, floored) and execute type.
 * It answers `total_number` for a time window over a busy policy by summing whole days, so
 * that only the part of a day at each end of the window is counted from the logs.
 */
export interface PolicyLogDaysTable {
  project_id: string;
  policy_id: string;
  day: number;
  execute_type: string;
  log_count: Generated<number>;
}

/**
 * AK/SK credentials. The secret key is kept only as the ciphertext the auth layer hands
 * over (sealed with a key that is not in the database). Times in Unix milliseconds.
 */
export interface CredentialsTable {
  ak: string;
  project_id: string;
  sk_ciphertext: string;
  created_at: number;
  /** Signature failures since the last good signature. */
  consecutive_failures: Generated<number>;
  /** Until when the AK is locked after too many failures; null when it never was. */
  locked_until: number | null;
}

/**
 * Issued tokens, by the hex SHA-256 of the token: a copy of the database reveals no usable
 * token. Times in Unix milliseconds.
 */
export interface TokensTable {
  token_hash: string;
  project_id: string;
  created_at: number;
  expires_at: number;
  revoked_at: number | null;
}

/** Small named values that belong to the store as a whole, such as the secret key's check value. */
export interface StoreSettingsTable {
  name: string;
  value: string;
}

export interface Database {
  execution_logs: ExecutionLogsTable;
  policy_log_counts: PolicyLogCountsTable;
  policy_log_days: PolicyLogDaysTable;
  credentials: CredentialsTable;
  tokens: TokensTable;
  store_settings: StoreSettingsTable;
}
