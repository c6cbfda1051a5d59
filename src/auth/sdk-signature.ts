import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { utcFromMatch } from '../domain/wire-time.js';

/**
 * The cloud's AK/SK request signature, `SDK-HMAC-SHA256`, as every official SDK computes it
 * (contract §5), rebuilt here from what a server received so it can be checked.
 *
 * Pure: no clock, no store, no logging. The caller supplies the request as received, the
 * parsed `Authorization` header and the secret key, and decides what a mismatch means.
 */

export const sdkSigningAlgorithm = 'SDK-HMAC-SHA256';

/** How far `X-Sdk-Date` may be from server time, either way (contract §5). */
export const sdkDateToleranceMs = 15 * 60_000;

/** What an `Authorization: SDK-HMAC-SHA256 Access=..., SignedHeaders=..., Signature=...` header says. */
export interface SdkAuthorization {
  readonly ak: string;
  /** Lower-case header names, sorted, without repeats. */
  readonly signedHeaders: readonly string[];
  /** 64 lower-case hex digits. */
  readonly signature: string;
}

/** An `Authorization` header that is not a well-formed `SDK-HMAC-SHA256` one; the message says why. */
export class SdkAuthorizationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SdkAuthorizationError';
  }
}

/** A request as the server received it: nothing normalized, nothing decoded. */
export interface ReceivedRequest {
  readonly method: string;
  /** The request target: path and optional query, percent-encoded as received. */
  readonly url: string;
  /** Headers by lower-case name, as Node's HTTP parser gives them. */
  readonly headers: Readonly<Record<string, string | readonly string[] | undefined>>;
  /**
   * The exact body bytes (empty when there was none), or only their SHA-256 when the server
   * streamed the body to disk instead of keeping it (hashed as it arrived).
   */
  readonly body: Uint8Array | BodyDigest;
}

/** The hex SHA-256 of a body whose bytes are not at hand. */
export interface BodyDigest {
  readonly sha256Hex: string;
}

const hexSignature = /^[0-9a-fA-F]{64}$/;
const headerName = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/**
 * Reads an `Authorization` header. Spacing around the algorithm, commas and `=` is tolerated
 * and the three fields may come in any order; anything else (another scheme, a missing,
 * empty or repeated field, a signature that is not 64 hex digits) throws
 * {@link SdkAuthorizationError} naming what is wrong.
 */
export function parseSdkAuthorization(value: string): SdkAuthorization {
  const trimmed = value.trim();
  const scheme = /^(\S+)\s*/.exec(trimmed)?.[1] ?? '';
  if (scheme !== sdkSigningAlgorithm) {
    throw new SdkAuthorizationError(
      `expected the scheme ${sdkSigningAlgorithm}, got ${JSON.stringify(scheme.slice(0, 40))}`,
    );
  }
  const fields = new Map<string, string>();
  const rest = trimmed.slice(scheme.length).trim();
  for (const part of rest === '' ? [] : rest.split(',')) {
    const eq = part.indexOf('=');
    if (eq === -1) {
      throw new SdkAuthorizationError(
        `expected Name=value fields separated by commas, got ${JSON.stringify(part.trim().slice(0, 40))}`,
      );
    }
    const name = part.slice(0, eq).trim();
    const known = ['Access', 'SignedHeaders', 'Signature'].find(
      (f) => f.toLowerCase() === name.toLowerCase(),
    );
    if (known === undefined) {
      throw new SdkAuthorizationError(
        `unknown field ${JSON.stringify(name.slice(0, 40))}; expected Access, SignedHeaders and Signature`,
      );
    }
    if (fields.has(known)) throw new SdkAuthorizationError(`${known} is given more than once`);
    const fieldValue = part.slice(eq + 1).trim();
    if (/\s/.test(fieldValue)) {
      throw new SdkAuthorizationError(
        `${known} holds a space; separate the fields with commas: Access=..., SignedHeaders=..., Signature=...`,
      );
    }
    fields.set(known, fieldValue);
  }
  const field = (name: string): string => {
    const v = fields.get(name);
    if (v === undefined || v === '') throw new SdkAuthorizationError(`${name} is missing or empty`);
    return v;
  };
  const ak = field('Access');
  const signature = field('Signature');
  if (!hexSignature.test(signature)) {
    throw new SdkAuthorizationError('Signature must be 64 hexadecimal digits');
  }
  const names = field('SignedHeaders')
    .split(';')
    .map((n) => n.trim().toLowerCase());
  for (const name of names) {
    if (!headerName.test(name)) {
      throw new SdkAuthorizationError(
        `SignedHeaders holds ${JSON.stringify(name.slice(0, 40))}, which is not a header name`,
      );
    }
  }
  const signedHeaders = [...new Set(names)].sort();
  if (signedHeaders.length !== names.length) {
    throw new SdkAuthorizationError('SignedHeaders names a header more than once');
  }
  return { ak, signedHeaders, signature: signature.toLowerCase() };
}

/** `X-Sdk-Date` as Unix milliseconds, or `undefined` unless it is a real UTC `YYYYMMDDTHHMMSSZ`. */
export function parseSdkDate(value: string): number | undefined {
  return utcFromMatch(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value.trim()));
}

/** Unix milliseconds as `X-Sdk-Date` writes them, `YYYYMMDDTHHMMSSZ`. */
export function formatSdkDate(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}Z$/, 'Z');
}

// ---------------------------------------------------------------- canonical request

const hexDigit = (b: number): boolean =>
  (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x46) || (b >= 0x61 && b <= 0x66);

/** `A-Za-z0-9-_.~`: the bytes every SDK leaves as they are. */
const unreserved = (b: number): boolean =>
  (b >= 0x30 && b <= 0x39) ||
  (b >= 0x41 && b <= 0x5a) ||
  (b >= 0x61 && b <= 0x7a) ||
  b === 0x2d ||
  b === 0x5f ||
  b === 0x2e ||
  b === 0x7e;

/**
 * The bytes a percent-encoded URL component stands for. A `%` not followed by two hex
 * digits stands for itself, so no input fails; with `plusIsSpace` (query strings) `+` is
 * a space, as Go's `url.ParseQuery` and the WHATWG parser read it.
 */
function percentDecode(text: string, plusIsSpace: boolean): Buffer {
  const bytes = Buffer.from(text, 'utf8');
  const out = Buffer.alloc(bytes.length);
  let n = 0;
  for (let i = 0; i < bytes.length; i += 1) {
    const b = bytes[i] ?? 0;
    if (b === 0x25 && hexDigit(bytes[i + 1] ?? 0) && hexDigit(bytes[i + 2] ?? 0)) {
      out[n] = Number.parseInt(bytes.toString('latin1', i + 1, i + 3), 16);
      i += 2;
    } else {
      out[n] = plusIsSpace && b === 0x2b ? 0x20 : b;
    }
    n += 1;
  }
  return out.subarray(0, n);
}

/** Percent-encodes every byte but the unreserved ones, with upper-case hex, as the SDKs do. */
function percentEncode(bytes: Buffer): string {
  let out = '';
  for (const b of bytes) {
    out += unreserved(b)
      ? String.fromCharCode(b)
      : `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** Decodes then re-encodes, so raw and percent-encoded spellings of one value agree. */
const recode = (text: string, plusIsSpace: boolean): string =>
  percentEncode(percentDecode(text, plusIsSpace));

/**
 * The canonical URI: each `/`-separated segment of the received path percent-encoded (an
 * encoded `%2F` stays inside its segment), and a trailing `/` added when missing, since
 * every SDK adds one to what it signs but not to what it sends.
 */
export function canonicalUri(path: string): string {
  const uri = path
    .split('/')
    .map((segment) => recode(segment, false))
    .join('/');
  return uri.endsWith('/') ? uri : `${uri}/`;
}

/**
 * The canonical query string of a received query (without the `?`): pairs sorted by key,
 * then by value for a repeated key, comparing the decoded bytes as the Go SDK does; keys
 * and values encoded alike (`:` as `%3A`, a space as `%20`), so `2024-01-01T00:00:00Z` and
 * `2024-01-01T00%3A00%3A00Z` sign alike. A key without `=` has an empty value.
 */
export function canonicalQueryString(query: string): string {
  const pairs: [Buffer, Buffer][] = [];
  for (const part of query.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const key = eq === -1 ? part : part.slice(0, eq);
    const value = eq === -1 ? '' : part.slice(eq + 1);
    pairs.push([percentDecode(key, true), percentDecode(value, true)]);
  }
  pairs.sort(([ka, va], [kb, vb]) => Buffer.compare(ka, kb) || Buffer.compare(va, vb));
  return pairs.map(([k, v]) => `${percentEncode(k)}=${percentEncode(v)}`).join('&');
}

function headerValue(value: string | readonly string[] | undefined): string {
  if (value === undefined) return '';
  return (typeof value === 'string' ? value : value.join(',')).trim();
}

/** Hex SHA-256 of `data`. */
export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/**
 * The hash that ends the canonical request: the `X-Sdk-Content-Sha256` header's value when
 * the client signed that header (the Node SDK sends `UNSIGNED-PAYLOAD` for a body that is
 * not JSON), otherwise the SHA-256 of the exact body bytes. An unsigned
 * `X-Sdk-Content-Sha256` is ignored: honouring it would let whoever relays a signed request
 * swap its body and name the old body's hash.
 */
export function payloadHash(request: ReceivedRequest, signedHeaders: readonly string[]): string {
  const declared = request.headers['x-sdk-content-sha256'];
  if (declared !== undefined && signedHeaders.includes('x-sdk-content-sha256')) {
    return headerValue(declared);
  }
  return request.body instanceof Uint8Array ? sha256Hex(request.body) : request.body.sha256Hex;
}

/**
 * The canonical request, lines joined by `\n`: method; canonical URI; canonical query; one
 * `name:value\n` line per signed header, sorted, with the received (trimmed) value, an
 * absent header counting as empty; the signed header names joined by `;`; the payload hash.
 */
export function canonicalRequest(
  request: ReceivedRequest,
  signedHeaders: readonly string[],
): string {
  const q = request.url.indexOf('?');
  const path = q === -1 ? request.url : request.url.slice(0, q);
  const query = q === -1 ? '' : request.url.slice(q + 1);
  const names = [...signedHeaders].sort();
  const headers = names.map((name) => `${name}:${headerValue(request.headers[name])}\n`).join('');
  return [
    request.method,
    canonicalUri(path),
    canonicalQueryString(query),
    headers,
    names.join(';'),
    payloadHash(request, names),
  ].join('\n');
}

/** `SDK-HMAC-SHA256\n<X-Sdk-Date>\n<hex SHA-256 of the canonical request>`. */
export function stringToSign(sdkDate: string, canonical: string): string {
  return `${sdkSigningAlgorithm}\n${sdkDate}\n${sha256Hex(canonical)}`;
}

/** Hex HMAC-SHA256 of `text` keyed by the secret key. */
export function hmacSha256Hex(sk: string, text: string): string {
  return createHmac('sha256', sk).update(text).digest('hex');
}

export interface SignatureCheck {
  readonly valid: boolean;
  /** What was signed, for a developer to compare with their client's (no secret in it). */
  readonly canonicalRequest: string;
  readonly stringToSign: string;
}

/**
 * Whether `authorization.signature` is the signature of `request` under `sk`, compared in
 * constant time. The date signed is the received `X-Sdk-Date` as sent; checking that it is
 * recent is the caller's job.
 */
export function checkSdkSignature(
  request: ReceivedRequest,
  authorization: SdkAuthorization,
  sk: string,
): SignatureCheck {
  const canonical = canonicalRequest(request, authorization.signedHeaders);
  const toSign = stringToSign(headerValue(request.headers['x-sdk-date']), canonical);
  const expected = Buffer.from(hmacSha256Hex(sk, toSign), 'hex');
  const given = Buffer.from(authorization.signature, 'hex');
  // Both are 32 bytes (parseSdkAuthorization checked the length); timingSafeEqual insists.
  const valid = expected.length === given.length && timingSafeEqual(expected, given);
  return { valid, canonicalRequest: canonical, stringToSign: toSign };
}
