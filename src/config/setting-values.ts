import { isIPv4, isIPv6 } from 'node:net';
import { decodeSecretKey } from '../auth/sk-cipher.js';
import { parseStoreUrl, StoreUrlError } from '../store/parse-store-url.js';
import type { StoreUrlProblem } from '../store/parse-store-url.js';
import { redactUrl } from '../shared/redact-url.js';
import { shownJson } from '../shared/shown.js';
import type { Config } from './config.js';

/**
 * The readers of setting values: each takes a value offered for a setting and returns what
 * it means, or why it is refused, so every problem of a configuration is told at once.
 */

/** One value offered for a setting, and where it came from (for error messages). */
export interface Candidate {
  readonly value: unknown;
  /** `--listen`, `SCALELOG_LISTEN` or `"listen" in settings.json`. */
  readonly source: string;
  /** True for flags and environment variables, where every value is text. */
  readonly fromText: boolean;
}

/** Why a value was refused; parsers return it rather than throw so every problem is collected. */
export class Invalid {
  constructor(readonly reason: string) {}
}

export const showValue = (value: unknown): string => shownJson(value, 80);

export function oneOf<T extends string>(c: Candidate, allowed: readonly T[]): T | Invalid {
  return typeof c.value === 'string' && (allowed as readonly string[]).includes(c.value)
    ? (c.value as T)
    : new Invalid(`expected one of ${allowed.join(', ')}`);
}

export function integer(c: Candidate, min: number, max: number, unit: string): number | Invalid {
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
export function parseListen(c: Candidate): Config['listen'] | Invalid {
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
export function parseDb(c: Candidate): string | Invalid {
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
export function showDb(value: unknown): string {
  if (typeof value === 'string' && /^[a-z][a-z0-9+.-]*:\/\//i.test(value)) {
    const shown = redactUrl(value);
    return shown === undefined ? '(an unparsable URL, not shown)' : showValue(shown);
  }
  return showValue(value);
}

/** 32 random bytes in base64, as `openssl rand -base64 32` prints them. Never shown back. */
export function parseSecretKey(c: Candidate): string | Invalid {
  return typeof c.value === 'string' && decodeSecretKey(c.value) !== undefined
    ? c.value.trim()
    : new Invalid(
        'expected 32 random bytes in base64 (44 characters), such as `openssl rand -base64 32` prints',
      );
}

export function parsePath(c: Candidate): string | Invalid {
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
export function parseTrustProxy(c: Candidate): boolean | string | Invalid {
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
export function parseBoolean(c: Candidate): boolean | Invalid {
  if (typeof c.value === 'boolean') return c.value;
  if (c.fromText && typeof c.value === 'string') {
    const v = c.value.toLowerCase();
    if (v === '1' || v === 'true') return true;
    if (v === '0' || v === 'false') return false;
  }
  return new Invalid(c.fromText ? 'expected 1, true, 0 or false' : 'expected true or false');
}
