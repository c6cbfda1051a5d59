import { BasicCredentials } from '@huaweicloud/huaweicloud-sdk-core';
import { signRequest } from '../support/sdk-signing.js';

/** An AK/SK and the project it belongs to, as `credentials create --json` prints them. */
export interface ClientCredential {
  readonly ak: string;
  readonly sk: string;
  readonly projectId: string;
}

export interface ClientRequest {
  readonly method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Path only; the query goes in `query`. */
  readonly path: string;
  readonly query?: Readonly<Record<string, string>>;
  readonly body?: string;
  readonly contentType?: string;
}

/** The SDKs' escape: everything but `A-Za-z0-9-_.~`. */
const escape = (text: string): string =>
  encodeURIComponent(text).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );

const queryString = (query: Readonly<Record<string, string>> = {}): string => {
  const pairs = Object.entries(query).map(([k, v]) => `${escape(k)}=${escape(v)}`);
  return pairs.length === 0 ? '' : `?${pairs.join('&')}`;
};

/**
 * A request signed by the official Node signer (`@huaweicloud/huaweicloud-sdk-core`'s
 * `BasicCredentials`, as its HTTP client calls it), sent with fetch: what an SDK user's
 * request looks like to the server.
 */
export async function sdkFetch(
  baseUrl: string,
  credential: ClientCredential,
  request: ClientRequest,
): Promise<Response> {
  const method = request.method ?? 'GET';
  const contentType = request.contentType ?? 'application/json';
  const signer = new BasicCredentials()
    .withAk(credential.ak)
    .withSk(credential.sk)
    .withProjectId(credential.projectId);
  const isJson = contentType.startsWith('application/json');
  const signed = (await signer.processAuthRequest(undefined as never, {
    endpoint: baseUrl,
    url: request.path,
    method,
    headers: { 'Content-Type': contentType },
    queryParams: request.query ?? {},
    // The signer hashes JSON bodies as JSON.stringify(data); other bodies go unsigned
    // (X-Sdk-Content-Sha256: UNSIGNED-PAYLOAD), as the SDK sends them.
    ...(request.body !== undefined && isJson ? { data: JSON.parse(request.body) as unknown } : {}),
  })) as { headers: Record<string, string> };
  const headers: Record<string, string> = {};
  // fetch sets Host itself, to the same value the signer signed.
  for (const [name, value] of Object.entries(signed.headers)) {
    if (name.toLowerCase() !== 'host') headers[name] = value;
  }
  return fetch(`${baseUrl}${request.path}${queryString(request.query)}`, {
    method,
    headers,
    ...(request.body === undefined ? {} : { body: request.body }),
  });
}

/** A request signed with the test suite's own signer (test/support/sdk-signing.ts), Node style. */
export async function signedFetch(
  baseUrl: string,
  credential: ClientCredential,
  request: ClientRequest,
  date: number = Date.now(),
): Promise<Response> {
  const method = request.method ?? 'GET';
  const url = `${request.path}${queryString(request.query)}`;
  const headers = signRequest(
    {
      method,
      url,
      headers: {
        host: new URL(baseUrl).host,
        'content-type': request.contentType ?? 'application/json',
        'x-project-id': credential.projectId,
      },
      ...(request.body === undefined ? {} : { body: request.body }),
    },
    credential,
    { date },
  );
  delete headers.host;
  return fetch(`${baseUrl}${url}`, {
    method,
    headers,
    ...(request.body === undefined ? {} : { body: request.body }),
  });
}

/** A request that carries a token in `X-Auth-Token`, as curl or Terraform would send it. */
export function tokenFetch(
  baseUrl: string,
  token: string,
  request: ClientRequest,
): Promise<Response> {
  return fetch(`${baseUrl}${request.path}${queryString(request.query)}`, {
    method: request.method ?? 'GET',
    headers: { 'x-auth-token': token, 'content-type': request.contentType ?? 'application/json' },
    ...(request.body === undefined ? {} : { body: request.body }),
  });
}
