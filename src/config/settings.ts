import { maxQuotaSetting, quotaCeilings } from '../domain/quotas.js';
import type { QuotaLimits } from '../domain/quotas.js';
import type { Config, LogLevel, RequestLog } from './config.js';
import type { Candidate, Invalid } from './setting-values.js';
import {
  integer,
  oneOf,
  parseBoolean,
  parseDb,
  parseListen,
  parsePath,
  parseSecretKey,
  parseTrustProxy,
  showDb,
} from './setting-values.js';

/** Settings given on the command line, as typed (strings); `undefined` when not given. */
export interface ConfigFlags {
  /** `--config FILE`: the JSON settings file; wins over `SCALELOG_CONFIG`. */
  readonly config?: string | undefined;
  readonly listen?: string | undefined;
  readonly db?: string | undefined;
  readonly logLevel?: string | undefined;
  /** `--dev` (serve): true when given. */
  readonly dev?: boolean | undefined;
}

export interface Setting<T> {
  readonly env: string;
  readonly flag?: keyof Omit<ConfigFlags, 'config'>;
  readonly flagName?: string;
  readonly parse: (candidate: Candidate) => T | Invalid;
  /** How a bad value is shown back to the user; the database URL hides its password. */
  readonly show?: (value: unknown) => string;
  /** What it is, in one line of `serve --help`; the README's settings table says more. */
  readonly summary: string;
  /** The default as `serve --help` shows it, when it is not simply the default value. */
  readonly defaultText?: string;
}

/** Every log level, most severe first; `--log-level` offers these. */
export const logLevels: readonly LogLevel[] = [
  'fatal',
  'error',
  'warn',
  'info',
  'debug',
  'trace',
  'silent',
];

/** The values of `requestLog`. */
const requestLogs: readonly RequestLog[] = ['all', 'errors', 'off'];

/** Longest delay `setTimeout` honours; larger values would fire at once. */
const maxTimerMs = 2_147_483_647;

/**
 * Longest credential cache lifetime: it is how long a deletion, revocation or lockout made
 * on another server or by a CLI command may go unnoticed, so it stays short.
 */
const maxCredentialCacheTtlMs = 60_000;

/**
 * A quota setting: from 0 (nothing may be created) up, past the most the cloud grants if
 * need be (the quota answers then give it as their `max`).
 */
const quota = (key: keyof QuotaLimits, env: string, summary: string): Setting<number> => ({
  env,
  parse: (c) => integer(c, 0, maxQuotaSetting, 'resources'),
  summary: `${summary} (the cloud grants up to ${String(quotaCeilings[key])})`,
});

/**
 * Every setting: its environment variable, its flag if any, its parser and a one-line
 * summary. `serve --help` lists them from here; the README's settings table is checked
 * against this list by a test.
 */
export const configSettings: { readonly [K in keyof Config]: Setting<Config[K]> } = {
  listen: {
    env: 'SCALELOG_LISTEN',
    flag: 'listen',
    flagName: '--listen',
    parse: parseListen,
    summary: 'HOST:PORT to listen on ([::1]:8080 for IPv6, port 0: any free port)',
  },
  db: {
    env: 'SCALELOG_DB',
    flag: 'db',
    flagName: '--db',
    parse: parseDb,
    show: showDb,
    summary:
      'the store: a file path or sqlite:PATH, or postgres://USER:PASSWORD@HOST:PORT/DATABASE',
  },
  logLevel: {
    env: 'SCALELOG_LOG_LEVEL',
    flag: 'logLevel',
    flagName: '--log-level',
    parse: (c) => oneOf(c, logLevels),
    summary: logLevels.join(', '),
  },
  executeTypeOutput: {
    env: 'SCALELOG_EXECUTE_TYPE_OUTPUT',
    parse: (c) => oneOf(c, ['SCHEDULED', 'SCHEDULE'] as const),
    summary: 'how responses spell a scheduled execution: SCHEDULED, or SCHEDULE as the SDK models',
  },
  bodyLimitBytes: {
    env: 'SCALELOG_BODY_LIMIT_BYTES',
    parse: (c) => integer(c, 1, 1024 ** 3, 'bytes'),
    summary: 'largest ingest body (POST .../execution_logs), bytes (413 past it)',
  },
  jsonBodyLimitBytes: {
    env: 'SCALELOG_JSON_BODY_LIMIT_BYTES',
    parse: (c) => integer(c, 1, 1024 ** 3, 'bytes'),
    summary: 'largest body of every other route (the JSON API), bytes (413 past it)',
  },
  requestTimeoutMs: {
    env: 'SCALELOG_REQUEST_TIMEOUT_MS',
    parse: (c) => integer(c, 1, maxTimerMs, 'milliseconds'),
    summary: 'time a client has to send its whole request, ms (408 past it)',
  },
  queryTimeoutMs: {
    env: 'SCALELOG_QUERY_TIMEOUT_MS',
    parse: (c) => integer(c, 1, maxTimerMs, 'milliseconds'),
    summary: 'time limit of one store query, ms (504 past it; PostgreSQL only)',
  },
  busyTimeoutMs: {
    env: 'SCALELOG_BUSY_TIMEOUT_MS',
    parse: (c) => integer(c, 0, maxTimerMs, 'milliseconds'),
    summary:
      "how long a write waits for another process's write lock, ms (SQLite only; 503 busy past it)",
  },
  retryAfterSeconds: {
    env: 'SCALELOG_RETRY_AFTER_SECONDS',
    parse: (c) => integer(c, 1, 86_400, 'seconds'),
    summary:
      'Retry-After sent with 503 when the store cannot be reached or is busy with another write, seconds',
  },
  shutdownTimeoutMs: {
    env: 'SCALELOG_SHUTDOWN_TIMEOUT_MS',
    parse: (c) => integer(c, 0, maxTimerMs, 'milliseconds'),
    summary: 'how long a stopping server waits for requests in flight, ms',
  },
  headersTimeoutMs: {
    env: 'SCALELOG_HEADERS_TIMEOUT_MS',
    parse: (c) => integer(c, 1, maxTimerMs, 'milliseconds'),
    summary:
      "time a client has to send its request's headers, ms (408 past it; at most requestTimeoutMs)",
  },
  keepAliveTimeoutMs: {
    env: 'SCALELOG_KEEP_ALIVE_TIMEOUT_MS',
    parse: (c) => integer(c, 1, maxTimerMs, 'milliseconds'),
    summary: 'how long an idle kept-alive connection stays open, ms',
  },
  maxConnections: {
    env: 'SCALELOG_MAX_CONNECTIONS',
    parse: (c) => integer(c, 0, 1_000_000, 'connections'),
    summary:
      'most connections open at once; past it a small reserve answers only the probes, then a new one is closed at once (0: from the open-file limit)',
    defaultText: '0 (the open-file limit less a margin)',
  },
  maxInFlightRequests: {
    env: 'SCALELOG_MAX_IN_FLIGHT_REQUESTS',
    parse: (c) => integer(c, 0, 1_000_000, 'requests'),
    summary: 'most API requests handled at once; past it 503 at once (0: no limit)',
  },
  maxStoreQueue: {
    env: 'SCALELOG_MAX_STORE_QUEUE',
    parse: (c) => integer(c, 0, 1_000_000, 'requests'),
    summary:
      'most requests waiting for a store connection (PostgreSQL); past it 503 at once (0: no limit)',
  },
  maxEventLoopDelayMs: {
    env: 'SCALELOG_MAX_EVENT_LOOP_DELAY_MS',
    parse: (c) => integer(c, 0, maxTimerMs, 'milliseconds'),
    summary: 'mean event-loop delay past which API requests are answered 503, ms (0: off)',
  },
  requestLog: {
    env: 'SCALELOG_REQUEST_LOG',
    parse: (c) => oneOf<RequestLog>(c, requestLogs),
    summary: 'which requests are logged, one line each: all, errors (4xx and 5xx) or off',
  },
  secretKey: {
    env: 'SCALELOG_SECRET_KEY',
    parse: parseSecretKey,
    show: () => '(not shown)',
    summary:
      'the key that encrypts secret keys at rest, 32 bytes in base64; wins over secretKeyFile',
    defaultText: 'none',
  },
  secretKeyFile: {
    env: 'SCALELOG_SECRET_KEY_FILE',
    parse: parsePath,
    summary:
      'the file that holds that key, created owner-only on first use (data/scalelog.key in ' +
      'the working directory with PostgreSQL)',
    defaultText: 'scalelog.key beside the SQLite database',
  },
  credentialCacheTtlMs: {
    env: 'SCALELOG_CREDENTIAL_CACHE_TTL_MS',
    parse: (c) => integer(c, 0, maxCredentialCacheTtlMs, 'milliseconds'),
    summary:
      'how long a looked-up AK or token stays in memory, ms (0 to 60000): a revocation or ' +
      'deletion made elsewhere takes effect within it',
  },
  trustProxy: {
    env: 'SCALELOG_TRUST_PROXY',
    parse: parseTrustProxy,
    summary:
      'take the client address from X-Forwarded-For: false, true (any client can forge it) or ' +
      "the proxies' addresses/CIDRs, comma-separated",
  },
  instanceSettleMs: {
    env: 'SCALELOG_INSTANCE_SETTLE_MS',
    parse: (c) => integer(c, 0, maxTimerMs, 'milliseconds'),
    summary: "how long a scaling group's instances take to follow a new desired number, ms",
  },
  misfireGraceMs: {
    env: 'SCALELOG_MISFIRE_GRACE_MS',
    parse: (c) => integer(c, 0, maxTimerMs, 'milliseconds'),
    summary: 'how late a scheduled or recurring trigger may still fire, ms',
  },
  schedulerIntervalMs: {
    env: 'SCALELOG_SCHEDULER_INTERVAL_MS',
    parse: (c) => integer(c, 10, 3_600_000, 'milliseconds'),
    summary: 'how often serve looks for due triggers and executions to finish, ms',
  },
  webhookTimeoutMs: {
    env: 'SCALELOG_WEBHOOK_TIMEOUT_MS',
    parse: (c) => integer(c, 100, 600_000, 'milliseconds'),
    summary: 'how long a notification webhook has to answer one delivery, ms',
  },
  webhookMaxAttempts: {
    env: 'SCALELOG_WEBHOOK_MAX_ATTEMPTS',
    parse: (c) => integer(c, 1, 1_000, 'attempts'),
    summary: 'delivery attempts of a notification before it is given up as FAILED',
  },
  devTriggers: {
    env: 'SCALELOG_DEV_TRIGGERS',
    parse: parseBoolean,
    summary: "serve the developer endpoint that fires a policy's pending trigger now; on with dev",
  },
  dev: {
    env: 'SCALELOG_DEV',
    flag: 'dev',
    flagName: '--dev',
    parse: parseBoolean,
    summary: 'development mode: the public development credential, loopback only',
  },
  groupQuota: quota('groupQuota', 'SCALELOG_GROUP_QUOTA', 'scaling groups per project'),
  configurationQuota: quota(
    'configurationQuota',
    'SCALELOG_CONFIGURATION_QUOTA',
    'scaling configurations per project',
  ),
  groupPolicyQuota: quota('groupPolicyQuota', 'SCALELOG_GROUP_POLICY_QUOTA', 'policies per group'),
  groupInstanceQuota: quota(
    'groupInstanceQuota',
    'SCALELOG_GROUP_INSTANCE_QUOTA',
    "instances per group: the most a group's max_instance_number may be",
  ),
  bandwidthPolicyQuota: quota(
    'bandwidthPolicyQuota',
    'SCALELOG_BANDWIDTH_POLICY_QUOTA',
    'policies per bandwidth',
  ),
};
