/**
 * Scalelog's settings: one frozen object, built once by the loader from defaults < an
 * optional JSON file < `SCALELOG_*` environment variables < command-line flags, and passed
 * explicitly to whatever needs it.
 */
import { defaultQuotaLimits } from '../domain/quotas.js';
import type { QuotaLimits } from '../domain/quotas.js';

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

/** Which requests `serve` logs, one short line each: every one, only refusals (4xx, 5xx), none. */
export type RequestLog = 'all' | 'errors' | 'off';

/**
 * The AS quotas (`groupQuota`, `configurationQuota`, `groupPolicyQuota`,
 * `groupInstanceQuota`, `bandwidthPolicyQuota`): the cloud's defaults, settable up to the
 * most the cloud grants.
 */
export interface Config extends QuotaLimits {
  /** Where `serve` listens: any address (every request is authenticated); loopback with `dev`. */
  readonly listen: { readonly host: string; readonly port: number };
  /** A file path, `sqlite:PATH` or `postgres://...`. */
  readonly db: string;
  readonly logLevel: LogLevel;
  /** How a SCHEDULED execution's `execute_type` is spelled on output (contract §3). */
  readonly executeTypeOutput: 'SCHEDULED' | 'SCHEDULE';
  /**
   * Largest ingest body (`POST /scalelog/v1/{project_id}/execution_logs`) accepted, in bytes
   * (413 past it). The body is streamed to disk, so memory does not grow with it.
   */
  readonly bodyLimitBytes: number;
  /** Largest body of every other route (the JSON API), in bytes (413 past it). */
  readonly jsonBodyLimitBytes: number;
  /** Time a client has to send its whole request (408 past it). */
  readonly requestTimeoutMs: number;
  /** Time limit of one store query (504 past it). */
  readonly queryTimeoutMs: number;
  /**
   * How long a write waits for another process's write lock on a SQLite store (a running
   * import), on a timer, before it is answered 503 busy.
   */
  readonly busyTimeoutMs: number;
  /** Seconds a client is told to wait in `Retry-After` when the store is down (503). */
  readonly retryAfterSeconds: number;
  /** How long shutdown waits for requests in flight. */
  readonly shutdownTimeoutMs: number;
  /**
   * Time a client has to send its request's headers (408 past it), so a client that trickles
   * them (slowloris) does not hold a connection for long; at most `requestTimeoutMs`.
   */
  readonly headersTimeoutMs: number;
  /** How long an idle kept-alive connection stays open between requests. */
  readonly keepAliveTimeoutMs: number;
  /**
   * Most connections open at once; past it a small reserve answers only the probes, and past
   * that a new connection is closed at once. 0: derived from the process's open-file limit,
   * with a margin for the store and log files.
   */
  readonly maxConnections: number;
  /**
   * Most API requests handled at once; past it a request is answered 503 at once instead of
   * waiting. The probes do not count and are never refused. 0: no limit.
   */
  readonly maxInFlightRequests: number;
  /**
   * Most requests waiting for a store connection (PostgreSQL's pool); past it an API request
   * is answered 503 at once instead of queueing. 0: no limit.
   */
  readonly maxStoreQueue: number;
  /**
   * Mean event-loop delay, over the last sample, past which API requests are answered 503
   * (the probes excepted). 0: off.
   */
  readonly maxEventLoopDelayMs: number;
  /** Which requests are logged, one short line each. */
  readonly requestLog: RequestLog;
  /**
   * The 32-byte key that encrypts secret keys at rest, in base64; when absent, the key file
   * holds it. A secret: never log it.
   */
  readonly secretKey: string | undefined;
  /**
   * The file holding the secret key, created (0600) on first use. When not set, the loader
   * puts it beside an SQLite database (`scalelog.key` in its folder); this default,
   * `data/scalelog.key` in the working directory, is for PostgreSQL.
   */
  readonly secretKeyFile: string;
  /**
   * How long `serve` keeps a looked-up AK (its secret key decrypted) or token in memory; 0
   * reads the store on every request. A deletion, revocation or lockout made elsewhere
   * (another server, a CLI command) takes effect within this time.
   */
  readonly credentialCacheTtlMs: number;
  /**
   * Whose word `serve` takes for the client's address (signature lockouts are counted per
   * AK and client address): `false`, the peer of the connection; `true`, the first address
   * of `X-Forwarded-For`, which any client can write; or a comma-separated list of the
   * reverse proxies' addresses and CIDRs (`10.0.0.0/8, 192.0.2.7`), whose entries in
   * `X-Forwarded-For` are skipped from the right to the first address not in the list.
   */
  readonly trustProxy: boolean | string;
  /**
   * How long a scaling group's instances take to follow a new desired number; a policy
   * execution's log stays EXECUTING that long. 0 settles at once.
   */
  readonly instanceSettleMs: number;
  /**
   * How late a scheduled or recurring trigger may still fire, e.g. after the service was
   * down when it fell due. A later one is recorded as a FAIL log and does not act.
   */
  readonly misfireGraceMs: number;
  /** How often `serve` looks for due triggers and executions to settle. */
  readonly schedulerIntervalMs: number;
  /** How long a notification webhook has to answer one delivery. */
  readonly webhookTimeoutMs: number;
  /** Delivery attempts of a notification before it is given up as FAILED. */
  readonly webhookMaxAttempts: number;
  /**
   * Whether Scalelog's developer endpoint that fires a scheduled or recurring policy's trigger
   * now is served. Off by default; on with `dev` unless set.
   */
  readonly devTriggers: boolean;
  /**
   * Development mode of `serve`: the well-known development credential exists, and only
   * loopback addresses are served.
   */
  readonly dev: boolean;
}

export const defaultConfig: Config = Object.freeze({
  listen: Object.freeze({ host: '127.0.0.1', port: 8080 }),
  db: 'data/scalelog.db',
  logLevel: 'info',
  executeTypeOutput: 'SCHEDULED',
  bodyLimitBytes: 10 * 1024 * 1024,
  // The largest legitimate bodies are a few KB (a group with 5 networks and its listeners,
  // a batch action on 20 policy ids): 64 KiB leaves a wide margin.
  jsonBodyLimitBytes: 64 * 1024,
  requestTimeoutMs: 30_000,
  queryTimeoutMs: 10_000,
  busyTimeoutMs: 5_000,
  retryAfterSeconds: 5,
  shutdownTimeoutMs: 10_000,
  headersTimeoutMs: 10_000,
  keepAliveTimeoutMs: 5_000,
  maxConnections: 0,
  maxInFlightRequests: 1_000,
  maxStoreQueue: 100,
  maxEventLoopDelayMs: 1_000,
  requestLog: 'all',
  secretKey: undefined,
  secretKeyFile: 'data/scalelog.key',
  credentialCacheTtlMs: 2_000,
  trustProxy: false,
  instanceSettleMs: 0,
  misfireGraceMs: 300_000,
  schedulerIntervalMs: 1_000,
  webhookTimeoutMs: 10_000,
  webhookMaxAttempts: 10,
  devTriggers: false,
  dev: false,
  ...defaultQuotaLimits,
});
