import { describe, expect, it } from 'vitest';
import {
  SdkAuthorizationError,
  canonicalQueryString,
  canonicalRequest,
  canonicalUri,
  checkSdkSignature,
  formatSdkDate,
  hmacSha256Hex,
  parseSdkAuthorization,
  parseSdkDate,
  sha256Hex,
  stringToSign,
} from '../../src/auth/sdk-signature.js';
import type { ReceivedRequest } from '../../src/auth/sdk-signature.js';

const emptySha256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

function request(
  method: string,
  url: string,
  headers: Record<string, string>,
  body = '',
): ReceivedRequest {
  return { method, url, headers, body: Buffer.from(body, 'utf8') };
}

/** The Authorization header a client would send for `req`, signed with `sk`. */
function authorize(req: ReceivedRequest, signed: readonly string[], sk = 'SecretKey'): string {
  const date = String(req.headers['x-sdk-date']);
  const signature = hmacSha256Hex(sk, stringToSign(date, canonicalRequest(req, signed)));
  return `SDK-HMAC-SHA256 Access=AccessKey, SignedHeaders=${signed.join(';')}, Signature=${signature}`;
}

function verify(req: ReceivedRequest, authorization: string, sk = 'SecretKey'): boolean {
  return checkSdkSignature(req, parseSdkAuthorization(authorization), sk).valid;
}

describe('the contract test vectors (§5)', () => {
  const goHeaders = { host: 'example.huaweicloud.com', 'x-sdk-date': '20060102T150405Z' };

  it('Go SDK: GET /path?limit=1, no body, signed x-sdk-date', () => {
    const req = request('GET', '/path?limit=1', goHeaders);
    expect(canonicalRequest(req, ['x-sdk-date'])).toBe(
      ['GET', '/path/', 'limit=1', 'x-sdk-date:20060102T150405Z\n', 'x-sdk-date', emptySha256].join(
        '\n',
      ),
    );
    const authorization = `SDK-HMAC-SHA256 Access=AccessKey, SignedHeaders=x-sdk-date, Signature=5a2ce64c865e0e6046321c6f3d5a77ba8413eeaf355c3166c03d58d02ac79624`;
    expect(authorize(req, ['x-sdk-date'])).toBe(authorization);
    expect(verify(req, authorization)).toBe(true);
    expect(verify(req, authorization, 'SecretKey2')).toBe(false);
  });

  it('Go SDK: POST /path?key=value with a JSON body and one newline, signed x-sdk-date', () => {
    const req = request('POST', '/path?key=value', goHeaders, '{"Name":"test","Id":1}\n');
    const authorization = `SDK-HMAC-SHA256 Access=AccessKey, SignedHeaders=x-sdk-date, Signature=cecc2af119b18ab70b4d094c0750f3b42c02f254903179a0fc2cc72fc9db4f59`;
    expect(verify(req, authorization)).toBe(true);
    // A body streamed to disk is checked by its hash alone, with the same result.
    const digest = (text: string): ReceivedRequest => ({
      ...req,
      body: { sha256Hex: sha256Hex(text) },
    });
    expect(verify(digest('{"Name":"test","Id":1}\n'), authorization)).toBe(true);
    expect(verify(digest('{"Name":"test","Id":1}'), authorization)).toBe(false);
    // Without the newline it is another body.
    expect(
      verify(
        request('POST', '/path?key=value', goHeaders, '{"Name":"test","Id":1}'),
        authorization,
      ),
    ).toBe(false);
  });

  it('Node SDK: the log query with %3A in the query, signed content-type;host;x-project-id;x-sdk-date', () => {
    const project = '0513757bb3b0d5eb2f08cb93ef4f0f00';
    const req = request(
      'GET',
      `/autoscaling-api/v1/${project}/scaling_policy_execute_log/05545d3d-ccf9-4bca-ae4f-1e5e73ca0bf6?log_id=b86e4175-30cb-4b1e-a332-83f9ee472c58&execute_type=MANUAL&start_time=2024-01-01T00%3A00%3A00Z&start_number=0&limit=10`,
      {
        host: '127.0.0.1:18080',
        'x-sdk-date': '20240102T030405Z',
        'content-type': 'application/json',
        'x-project-id': project,
      },
    );
    const authorization = `SDK-HMAC-SHA256 Access=AccessKey, SignedHeaders=content-type;host;x-project-id;x-sdk-date, Signature=1bee493ce2c4e2d9542681488a4ac143be44bad0a585b24b9aacecc19a3c6618`;
    expect(verify(req, authorization)).toBe(true);
  });
});

describe('the canonical request', () => {
  it('reads a raw : and %3A (either case) in the query alike, and a space as %20', () => {
    expect(canonicalQueryString('start_time=2024-01-01T00:00:00Z')).toBe(
      'start_time=2024-01-01T00%3A00%3A00Z',
    );
    expect(canonicalQueryString('start_time=2024-01-01T00%3a00%3A00Z')).toBe(
      'start_time=2024-01-01T00%3A00%3A00Z',
    );
    expect(canonicalQueryString('q=a b')).toBe('q=a%20b');
    expect(canonicalQueryString('q=a+b')).toBe('q=a%20b');
    expect(canonicalQueryString('q=a%20b')).toBe('q=a%20b');
    expect(canonicalQueryString('q=a%2Bb')).toBe('q=a%2Bb');
    expect(canonicalQueryString('k%2Dx=~v_.')).toBe('k-x=~v_.');
    expect(canonicalQueryString('name=%C3%BC')).toBe('name=%C3%BC');
    expect(canonicalQueryString('name=ü')).toBe('name=%C3%BC');
  });

  it('sorts keys, and the values of a repeated key; drops empty pairs; keeps a bare key', () => {
    expect(canonicalQueryString('limit=10&end_time=x&b=2&a=1')).toBe('a=1&b=2&end_time=x&limit=10');
    expect(canonicalQueryString('k=b&a=0&k=a&k=c')).toBe('a=0&k=a&k=b&k=c');
    expect(canonicalQueryString('a=1&&b=2&')).toBe('a=1&b=2');
    expect(canonicalQueryString('flag&a=1')).toBe('a=1&flag=');
    expect(canonicalQueryString('')).toBe('');
  });

  it('signs a raw-query request and its %3A spelling alike', () => {
    const headers = { host: 'h', 'x-sdk-date': '20240102T030405Z' };
    const raw = request('GET', '/p?start_time=2024-01-01T00:00:00Z&limit=1', headers);
    const encoded = request('GET', '/p?limit=1&start_time=2024-01-01T00%3A00%3A00Z', headers);
    expect(canonicalRequest(raw, ['x-sdk-date'])).toBe(canonicalRequest(encoded, ['x-sdk-date']));
    expect(verify(encoded, authorize(raw, ['x-sdk-date']))).toBe(true);
  });

  it('adds a trailing slash to the path when missing, and not twice', () => {
    expect(canonicalUri('/path')).toBe('/path/');
    expect(canonicalUri('/path/')).toBe('/path/');
    expect(canonicalUri('/')).toBe('/');
    const headers = { 'x-sdk-date': '20240102T030405Z' };
    expect(
      verify(
        request('GET', '/path/', headers),
        authorize(request('GET', '/path', headers), ['x-sdk-date']),
      ),
    ).toBe(true);
  });

  it('encodes each path segment, decoding first so raw and encoded spellings agree', () => {
    expect(canonicalUri('/a:b/c d')).toBe('/a%3Ab/c%20d/');
    expect(canonicalUri('/a%3Ab/c%20d')).toBe('/a%3Ab/c%20d/');
    expect(canonicalUri('/a+b')).toBe('/a%2Bb/');
    // An encoded slash stays inside its segment; a stray % stands for itself.
    expect(canonicalUri('/a%2Fb')).toBe('/a%2Fb/');
    expect(canonicalUri('/100%')).toBe('/100%25/');
  });

  it('trims header values, keeps inner spaces, and lower-cases and sorts names', () => {
    const req = request('GET', '/', {
      'x-sdk-date': '20240102T030405Z',
      'x-b': '  two  words ',
      'x-a': '\tone',
    });
    expect(canonicalRequest(req, ['x-sdk-date', 'x-b', 'x-a'])).toBe(
      [
        'GET',
        '/',
        '',
        'x-a:one\nx-b:two  words\nx-sdk-date:20240102T030405Z\n',
        'x-a;x-b;x-sdk-date',
        emptySha256,
      ].join('\n'),
    );
    const spaced = request('GET', '/', { ...req.headers, 'x-b': 'two  words' });
    expect(verify(spaced, authorize(req, ['x-a', 'x-b', 'x-sdk-date']))).toBe(true);
    const changed = request('GET', '/', { ...req.headers, 'x-b': 'two words' });
    expect(verify(changed, authorize(req, ['x-a', 'x-b', 'x-sdk-date']))).toBe(false);
  });

  it('hashes the exact body bytes, or takes a signed X-Sdk-Content-Sha256 as it is', () => {
    const headers = { 'x-sdk-date': '20240102T030405Z' };
    const body = '{"a": 1}';
    expect(
      canonicalRequest(request('POST', '/', headers, body), ['x-sdk-date'])
        .split('\n')
        .at(-1),
    ).toBe(sha256Hex(body));
    const unsigned = request(
      'POST',
      '/',
      { ...headers, 'x-sdk-content-sha256': 'UNSIGNED-PAYLOAD' },
      body,
    );
    expect(
      canonicalRequest(unsigned, ['x-sdk-content-sha256', 'x-sdk-date']).split('\n').at(-1),
    ).toBe('UNSIGNED-PAYLOAD');
    // Not signed: ignored, so a relay cannot swap the body and name the old body's hash.
    expect(canonicalRequest(unsigned, ['x-sdk-date']).split('\n').at(-1)).toBe(sha256Hex(body));
  });

  it('fails when one byte of the path, query, a signed header or the body changes', () => {
    const base = request(
      'POST',
      '/v1/p/items?b=2&a=1',
      { host: 'h:1', 'x-sdk-date': '20240102T030405Z', 'x-project-id': 'p' },
      'body',
    );
    const signed = ['host', 'x-project-id', 'x-sdk-date'];
    const authorization = authorize(base, signed);
    expect(verify(base, authorization)).toBe(true);
    const variants: ReceivedRequest[] = [
      { ...base, method: 'PUT' },
      { ...base, url: '/v1/p/itemz?b=2&a=1' },
      { ...base, url: '/v1/p/items?b=3&a=1' },
      { ...base, headers: { ...base.headers, host: 'h:2' } },
      { ...base, headers: { ...base.headers, 'x-project-id': 'q' } },
      { ...base, headers: { ...base.headers, 'x-sdk-date': '20240102T030406Z' } },
      { ...base, body: Buffer.from('bodY') },
    ];
    for (const variant of variants) expect(verify(variant, authorization)).toBe(false);
    // An unsigned header may change.
    expect(
      verify({ ...base, headers: { ...base.headers, 'user-agent': 'x' } }, authorization),
    ).toBe(true);
  });
});

describe('the Authorization header', () => {
  const signature = 'A'.repeat(64);

  it('tolerates spacing and field order, lower-cases and sorts the signed headers', () => {
    expect(
      parseSdkAuthorization(
        `  SDK-HMAC-SHA256   Signature = ${signature} ,SignedHeaders=X-Sdk-Date;Host ,  Access=AK1  `,
      ),
    ).toStrictEqual({
      ak: 'AK1',
      signedHeaders: ['host', 'x-sdk-date'],
      signature: 'a'.repeat(64),
    });
    expect(
      parseSdkAuthorization(
        `SDK-HMAC-SHA256 Access=AK1,SignedHeaders=x-sdk-date,Signature=${signature}`,
      ),
    ).toMatchObject({ ak: 'AK1' });
  });

  it.each([
    ['Bearer abc', 'scheme'],
    ['SDK-HMAC-SHA1 Access=a, SignedHeaders=x, Signature=' + signature, 'scheme'],
    ['SDK-HMAC-SHA256', 'Access'],
    [`SDK-HMAC-SHA256 SignedHeaders=x-sdk-date, Signature=${signature}`, 'Access'],
    [`SDK-HMAC-SHA256 Access=, SignedHeaders=x-sdk-date, Signature=${signature}`, 'Access'],
    [`SDK-HMAC-SHA256 Access=a, Signature=${signature}`, 'SignedHeaders'],
    ['SDK-HMAC-SHA256 Access=a, SignedHeaders=x-sdk-date, Signature=abc', 'Signature'],
    [
      `SDK-HMAC-SHA256 Access=a, Access=b, SignedHeaders=x, Signature=${signature}`,
      'more than once',
    ],
    [`SDK-HMAC-SHA256 Access=a, SignedHeaders=x;;y, Signature=${signature}`, 'SignedHeaders'],
    [`SDK-HMAC-SHA256 Access=a, SignedHeaders=x;X, Signature=${signature}`, 'more than once'],
    [`SDK-HMAC-SHA256 Access=a SignedHeaders=x Signature=${signature}`, 'commas'],
    [`SDK-HMAC-SHA256 Access=a, Region=x, SignedHeaders=x, Signature=${signature}`, 'Region'],
  ])('refuses %j, saying what is wrong', (header, mention) => {
    expect(() => parseSdkAuthorization(header)).toThrow(SdkAuthorizationError);
    expect(() => parseSdkAuthorization(header)).toThrow(mention);
  });
});

describe('X-Sdk-Date', () => {
  it('reads YYYYMMDDTHHMMSSZ as UTC and writes it back', () => {
    expect(parseSdkDate('20060102T150405Z')).toBe(Date.UTC(2006, 0, 2, 15, 4, 5));
    expect(formatSdkDate(Date.UTC(2006, 0, 2, 15, 4, 5, 999))).toBe('20060102T150405Z');
  });

  it.each([
    '2006-01-02T15:04:05Z',
    '20060102T150405',
    '20060230T000000Z',
    '20061301T000000Z',
    '20060102T250000Z',
    '',
  ])('refuses %j', (value) => {
    expect(parseSdkDate(value)).toBeUndefined();
  });
});
