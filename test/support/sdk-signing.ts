import { createHash, createHmac } from 'node:crypto';

/**
 * Request signing for tests, written from the contract (§5) and the way the Go SDK's signer
 * is written, independently of `src/auth/sdk-signature.ts`: a bug there does not hide
 * itself by being repeated here. The official Node signer is exercised separately, against
 * a real server (test/http/authentication.test.ts).
 */

export interface SigningKey {
  readonly ak: string;
  readonly sk: string;
}

/**
 * Which headers a client signs (contract §5):
 * - `node`: every header it sends, `host` included (`content-type;host;x-project-id;x-sdk-date`);
 * - `go`: `user-agent;x-project-id;x-sdk-date`, neither `host` nor `content-type`;
 * - `python`: `host` added and signed, with `x-project-id`, `x-sdk-date` and `user-agent`.
 */
export type SigningStyle = 'node' | 'go' | 'python';

export interface RequestToSign {
  readonly method: string;
  /** Path and query as they will be sent. */
  readonly url: string;
  /** Headers that will be sent, by lower-case name; `host` must be among them. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string | Buffer;
}

/** `X-Sdk-Date` for Unix milliseconds: `YYYYMMDDTHHMMSSZ`. */
export function sdkDate(ms: number): string {
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}T${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}Z`;
}

/** The SDKs' escape: everything but `A-Za-z0-9-_.~`, upper-case hex. */
function escape(text: string): string {
  return encodeURIComponent(text).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function canonicalUri(path: string): string {
  const uri = path
    .split('/')
    .map((s) => escape(decodeSegment(s)))
    .join('/');
  return uri.endsWith('/') ? uri : `${uri}/`;
}

function canonicalQuery(query: string): string {
  const byKey = new Map<string, string[]>();
  for (const [k, v] of new URLSearchParams(query)) byKey.set(k, [...(byKey.get(k) ?? []), v]);
  return [...byKey.keys()]
    .sort()
    .flatMap((k) => (byKey.get(k) ?? []).sort().map((v) => `${escape(k)}=${escape(v)}`))
    .join('&');
}

const hex = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');

/** The header names `style` signs among `headers` (which must already hold every header sent). */
export function signedHeaderNames(
  style: SigningStyle,
  headers: Readonly<Record<string, string>>,
): string[] {
  const names = Object.keys(headers).map((n) => n.toLowerCase());
  const chosen =
    style === 'node'
      ? names
      : style === 'go'
        ? names.filter((n) => n !== 'host' && n !== 'content-type')
        : names.filter((n) => n !== 'content-type');
  return chosen.filter((n) => n !== 'authorization').sort();
}

/** The headers of a signed request. */
export type SignedHeaders = Record<string, string> & {
  readonly authorization: string;
  readonly 'x-sdk-date': string;
};

/**
 * Signs `request` as `key` at `date` and returns the headers to send: the request's own
 * plus `X-Sdk-Date`, a `User-Agent` for the Go and Python styles (which sign it) and
 * `Authorization`. `signedHeaders` overrides the style's choice.
 */
export function signRequest(
  request: RequestToSign,
  key: SigningKey,
  options: {
    readonly date: number;
    readonly style?: SigningStyle;
    readonly signedHeaders?: readonly string[];
  },
): SignedHeaders {
  const style = options.style ?? 'node';
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(request.headers)) headers[k.toLowerCase()] = v;
  headers['x-sdk-date'] = sdkDate(options.date);
  if (style !== 'node' && headers['user-agent'] === undefined) {
    headers['user-agent'] =
      style === 'go' ? 'huaweicloud-usdk-go/3.0' : 'huaweicloud-sdk-python/3.0';
  }
  const signed = [...(options.signedHeaders ?? signedHeaderNames(style, headers))].sort();
  const q = request.url.indexOf('?');
  const canonical = [
    request.method,
    canonicalUri(q === -1 ? request.url : request.url.slice(0, q)),
    canonicalQuery(q === -1 ? '' : request.url.slice(q + 1)),
    signed.map((n) => `${n}:${(headers[n] ?? '').trim()}\n`).join(''),
    signed.join(';'),
    headers['x-sdk-content-sha256'] ?? hex(request.body ?? ''),
  ].join('\n');
  const stringToSign = ['SDK-HMAC-SHA256', headers['x-sdk-date'], hex(canonical)].join('\n');
  const signature = createHmac('sha256', key.sk).update(stringToSign).digest('hex');
  const authorization = `SDK-HMAC-SHA256 Access=${key.ak}, SignedHeaders=${signed.join(';')}, Signature=${signature}`;
  return { ...headers, 'x-sdk-date': sdkDate(options.date), authorization };
}
