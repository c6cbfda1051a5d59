import { readFile } from 'node:fs/promises';
import { isIPv4, isIPv6 } from 'node:net';
import { dirname, join } from 'node:path';
import { decodeSecretKey } from '../auth/sk-cipher.js';
import { parseStoreUrl, StoreUrlError } from '../store/parse-store-url.js';
import type { StoreUrlProblem } from '../store/parse-store-url.js';
import { defaultConfig } from './config.js';
import type { Config, LogLevel, RequestLog } from './config.js';
import { ConfigError } from './config-error.js';
import { redactUrl } from '../shared/redact-url.js';
import { shownJson } from '../shared/shown.js';

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

export interface LoadConfigOptions {
  /** The environment to read `SCALELOG_*` variables from; `main.ts` passes `process.env`. */
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly flags?: ConfigFlags;
}

/** One value offered for a setting, and where it came from (for error messages). */
interface Candidate {
  readonly value: unknown;
  /** `--listen`, `SCALELOG_LISTEN` or `"listen" in settings.json`. */
  readonly source: string;
  /** True for flags and environment variables, where every value is text. */
  readonly fromText: boolean;
}

/** Why a value was refused; parsers return it rather than throw so every problem is collected. */
class Invalid {
  constructor(readonly reason: string) {}
}

interface Setting<T> {
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
};

/** The environment variable that names the settings file when `--config` is not given. */
export const configFileEnv = 'SCALELOG_CONFIG';

type SettingKey = keyof Config;
const settingKeys = Object.keys(configSettings) as SettingKey[];

/**
 * Builds Scalelog's settings from, lowest to highest precedence: {@link defaultConfig}, an
 * optional JSON file (`--config FILE` or `SCALELOG_CONFIG`; its keys are the names of
 * {@link Config}), `SCALELOG_*` environment variables, and command-line flags.
 *
 * Only the value that wins for each setting is validated, so a bad variable overridden by a
 * flag does no harm. Every problem is collected and thrown together in one
 * {@link ConfigError}. An empty environment variable counts as unset. The result is
 * deeply frozen.
 */
export async function loadConfig(options: LoadConfigOptions): Promise<Config> {
  const { env } = options;
  const flags = options.flags ?? {};
  const problems: string[] = [];

  const fromEnv = (name: string): string | undefined => {
    const value = env[name];
    return value === undefined || value === '' ? undefined : value;
  };

  const filePath = flags.config ?? fromEnv(configFileEnv);
  const file =
    filePath === undefined
      ? {}
      : await readConfigFile(
          filePath,
          flags.config === undefined ? configFileEnv : '--config',
          problems,
        );

  /** Where each setting that was given came from, for problems spanning two settings. */
  const sources = new Map<SettingKey, string>();
  const resolve = <K extends SettingKey>(key: K): Config[K] | undefined => {
    const setting: Setting<Config[K]> = configSettings[key];
    const candidate = pickCandidate(key, setting, flags, fromEnv, file, filePath);
    if (candidate === undefined) return undefined;
    sources.set(key, candidate.source);
    const parsed = setting.parse(candidate);
    if (!(parsed instanceof Invalid)) return parsed;
    const shown = (setting.show ?? showValue)(candidate.value);
    problems.push(`${candidate.source} = ${shown}: ${parsed.reason}`);
    return undefined;
  };
  const merged: { -readonly [K in SettingKey]: Config[K] } = { ...defaultConfig };
  const set = <K extends SettingKey>(key: K, value: Config[K] | undefined): void => {
    if (value !== undefined) merged[key] = value;
  };
  for (const key of settingKeys) set(key, resolve(key));
  // The key file belongs with the database whose secret keys it unlocks.
  if (!sources.has('secretKeyFile')) merged.secretKeyFile = defaultSecretKeyFile(merged.db);
  // Development mode serves the developer endpoints unless they were set either way.
  if (merged.dev && !sources.has('devTriggers')) merged.devTriggers = true;

  // The development credential is public, so a dev server must not be reachable from elsewhere.
  if (merged.dev && !isLoopback(merged.listen.host)) {
    problems.push(
      `${sources.get('dev') ?? 'dev'} serves the public development credential, so it listens only on ` +
        `this machine, but ${sources.get('listen') ?? 'listen'} is ${merged.listen.host}: use ` +
        '127.0.0.1 (or any 127.x.x.x), ::1 or localhost, or drop --dev and use real credentials',
    );
  }

  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze({ ...merged, listen: Object.freeze({ ...merged.listen }) });
}

/** The file name of the secret key file beside an SQLite database. */
const secretKeyFileName = 'scalelog.key';

/**
 * Where the secret key file is when `secretKeyFile` is not set: `scalelog.key` in the folder
 * of an SQLite database (so `data/scalelog.key` for the default `data/scalelog.db`), whatever
 * the working directory; with PostgreSQL or an in-memory database, which have no folder,
 * `data/scalelog.key` in the working directory.
 */
export function defaultSecretKeyFile(db: string): string {
  let target;
  try {
    target = parseStoreUrl(db);
  } catch {
    return defaultConfig.secretKeyFile;
  }
  return target.backend === 'sqlite' && target.path !== ':memory:'
    ? join(dirname(target.path), secretKeyFileName)
    : defaultConfig.secretKeyFile;
}

function pickCandidate(
  key: SettingKey,
  setting: Setting<unknown>,
  flags: ConfigFlags,
  fromEnv: (name: string) => string | undefined,
  file: Readonly<Record<string, unknown>>,
  filePath: string | undefined,
): Candidate | undefined {
  const flagValue = setting.flag === undefined ? undefined : flags[setting.flag];
  if (flagValue !== undefined) {
    return { value: flagValue, source: setting.flagName ?? key, fromText: true };
  }
  const envValue = fromEnv(setting.env);
  if (envValue !== undefined) return { value: envValue, source: setting.env, fromText: true };
  if (Object.hasOwn(file, key)) {
    return {
      value: file[key],
      source: `"${key}" in ${filePath ?? 'the config file'}`,
      fromText: false,
    };
  }
  return undefined;
}

async function readConfigFile(
  path: string,
  namedBy: string,
  problems: string[],
): Promise<Readonly<Record<string, unknown>>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e: unknown) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : e instanceof Error ? e.message : String(e);
    problems.push(`config file ${path} (from ${namedBy}) cannot be read: ${why}`);
    return {};
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e: unknown) {
    problems.push(
      `config file ${path} is not valid JSON: ${e instanceof Error ? e.message : String(e)}`,
    );
    return {};
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    problems.push(
      `config file ${path} must hold a JSON object of settings such as {"db": "data/scalelog.db"}`,
    );
    return {};
  }
  const known = new Set<string>(settingKeys);
  for (const key of Object.keys(value)) {
    if (!known.has(key)) {
      problems.push(
        `config file ${path} has an unknown setting "${key}"; known: ${settingKeys.join(', ')}`,
      );
    }
  }
  return value as Record<string, unknown>;
}

const showValue = (value: unknown): string => shownJson(value, 80);

function oneOf<T extends string>(c: Candidate, allowed: readonly T[]): T | Invalid {
  return typeof c.value === 'string' && (allowed as readonly string[]).includes(c.value)
    ? (c.value as T)
    : new Invalid(`expected one of ${allowed.join(', ')}`);
}

function integer(c: Candidate, min: number, max: number, unit: string): number | Invalid {
  const expected = new Invalid(`expected a whole number of ${unit} from ${min} to ${max}`);
  let n: number;
  if (c.fromText) {
    if (typeof c.value !== 'string' || !/^\d{1,16}$/.test(c.value)) return expected;
    n = Number(c.value);
  } else {
    if (typeof c.value !== 'number' || !Number.isInteger(c.value)) return expected;
    n = c.value;
  }
  return n >= min && n <= max ? n : expected;
}

const listenHint = 'expected HOST:PORT such as 127.0.0.1:8080 (IPv6 in brackets: [::1]:8080)';

/**
 * `HOST:PORT` (flag, variable or file) or `{"host": ..., "port": ...}` (file). Port 0 asks
 * the system for a free port. Any host: every request is authenticated (only `dev`, whose
 * credential is public, is held to loopback; see {@link loadConfig}).
 */
function parseListen(c: Candidate): Config['listen'] | Invalid {
  let host: string;
  let port: number;
  if (typeof c.value === 'string') {
    const m = /^(?:\[([^\]]*)\]|([^:[\]]*)):(\d{1,5})$/.exec(c.value);
    if (m === null) return new Invalid(listenHint);
    host = m[1] ?? m[2] ?? '';
    port = Number(m[3]);
  } else if (
    !c.fromText &&
    typeof c.value === 'object' &&
    c.value !== null &&
    typeof (c.value as { host?: unknown }).host === 'string' &&
    Number.isInteger((c.value as { port?: unknown }).port) &&
    Object.keys(c.value).every((k) => k === 'host' || k === 'port')
  ) {
    ({ host, port } = c.value as { host: string; port: number });
  } else {
    return new Invalid(`${listenHint}, or in the file {"host": "127.0.0.1", "port": 8080}`);
  }
  if (host === '') return new Invalid(`the host is missing; ${listenHint}`);
  if (port < 0 || port > 65_535)
    return new Invalid('the port must be from 0 to 65535 (0: any free port)');
  return { host, port };
}

/** True for `localhost`, `127.0.0.0/8` and `::1` (in any spelling). */
export function isLoopback(host: string): boolean {
  if (host.toLowerCase() === 'localhost') return true;
  if (isIPv4(host)) return host.startsWith('127.');
  if (isIPv6(host)) {
    // The URL parser normalizes 0:0:0:0:0:0:0:1 and friends to ::1.
    try {
      return new URL(`http://[${host}]/`).hostname === '[::1]';
    } catch {
      return false;
    }
  }
  return false;
}

const dbHint = 'expected a file path, sqlite:PATH or postgres://USER@HOST:PORT/DATABASE';

/** What the config says of each problem {@link parseStoreUrl} finds in a database setting. */
const dbProblems: Readonly<Record<StoreUrlProblem, string>> = {
  empty: dbHint,
  'no-file': `sqlite: names no file; ${dbHint}`,
  'invalid-url': `not a valid URL; ${dbHint}`,
  unsupported: `unsupported database; ${dbHint}`,
};

/**
 * A file path or `sqlite:PATH` (SQLite), or `postgres://` / `postgresql://` (PostgreSQL), read
 * by the store's own parser so that a value accepted here is one the store opens.
 */
function parseDb(c: Candidate): string | Invalid {
  const v = c.value;
  if (typeof v !== 'string') return new Invalid(dbHint);
  try {
    parseStoreUrl(v);
  } catch (e: unknown) {
    if (e instanceof StoreUrlError) return new Invalid(dbProblems[e.problem]);
    throw e;
  }
  return v;
}

/** Shows a database setting without its password, which must never reach a terminal or log. */
function showDb(value: unknown): string {
  if (typeof value === 'string' && /^[a-z][a-z0-9+.-]*:\/\//i.test(value)) {
    const shown = redactUrl(value);
    return shown === undefined ? '(an unparsable URL, not shown)' : showValue(shown);
  }
  return showValue(value);
}

/** 32 random bytes in base64, as `openssl rand -base64 32` prints them. Never shown back. */
function parseSecretKey(c: Candidate): string | Invalid {
  return typeof c.value === 'string' && decodeSecretKey(c.value) !== undefined
    ? c.value.trim()
    : new Invalid(
        'expected 32 random bytes in base64 (44 characters), such as `openssl rand -base64 32` prints',
      );
}

function parsePath(c: Candidate): string | Invalid {
  return typeof c.value === 'string' && c.value.trim() !== ''
    ? c.value
    : new Invalid('expected a file path');
}

/** Names proxy-addr (Fastify's `trustProxy`) gives to address ranges. */
const proxyRangeNames = new Set(['loopback', 'linklocal', 'uniquelocal']);

/**
 * `false`/`true` as {@link parseBoolean}, or the trusted proxies: IP addresses, CIDRs and
 * proxy-addr's range names, comma-separated (an array of them in the file), returned as
 * one comma-separated string, as Fastify takes it.
 */
function parseTrustProxy(c: Candidate): boolean | string | Invalid {
  const asBoolean = parseBoolean(c);
  if (!(asBoolean instanceof Invalid)) return asBoolean;
  const entries =
    typeof c.value === 'string'
      ? c.value.split(',')
      : Array.isArray(c.value) && c.value.every((v) => typeof v === 'string')
        ? c.value
        : undefined;
  const expected =
    "expected false, true, or the reverse proxies' IP addresses or CIDRs, comma-separated " +
    '(such as 10.0.0.0/8, 192.0.2.7)';
  if (entries === undefined) return new Invalid(expected);
  const trimmed = entries.map((e) => e.trim());
  const bad = trimmed.filter((e) => !isProxyRange(e));
  if (bad.length > 0) {
    return new Invalid(
      `${bad.map((b) => JSON.stringify(b)).join(', ')} ${bad.length === 1 ? 'is not an IP address or CIDR' : 'are not IP addresses or CIDRs'}; ${expected}`,
    );
  }
  return trimmed.join(', ');
}

function isProxyRange(entry: string): boolean {
  if (proxyRangeNames.has(entry) || isIPv4(entry) || isIPv6(entry)) return true;
  const slash = entry.indexOf('/');
  if (slash < 0) return false;
  const ip = entry.slice(0, slash);
  const bits = entry.slice(slash + 1);
  if (!/^\d{1,3}$/.test(bits)) return false;
  const max = isIPv4(ip) ? 32 : isIPv6(ip) ? 128 : -1;
  return Number(bits) <= max;
}

/** `true`/`false` in the file; `1`, `true`, `0`, `false` as text; a flag is true when given. */
function parseBoolean(c: Candidate): boolean | Invalid {
  if (typeof c.value === 'boolean') return c.value;
  if (c.fromText && typeof c.value === 'string') {
    const v = c.value.toLowerCase();
    if (v === '1' || v === 'true') return true;
    if (v === '0' || v === 'false') return false;
  }
  return new Invalid(c.fromText ? 'expected 1, true, 0 or false' : 'expected true or false');
}
