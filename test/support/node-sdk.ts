import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { stringify } from 'node:querystring';
import { BasicCredentials } from '@huaweicloud/huaweicloud-sdk-core';
import { AKSKSigner } from '@huaweicloud/huaweicloud-sdk-core/auth/AKSKSigner.js';
import { HcClient } from '@huaweicloud/huaweicloud-sdk-core/HcClient.js';
import { DefaultHttpClient } from '@huaweicloud/huaweicloud-sdk-core/http/DefaultHttpClient.js';
import type { Logger } from '@huaweicloud/huaweicloud-sdk-core/logger/index.js';
import { LogLevel } from '@huaweicloud/huaweicloud-sdk-core/logger/index.js';
import type { FastifyInstance } from 'fastify';
import type { TestCredential } from './api-harness.js';

/**
 * The official Node SDK core (`@huaweicloud/huaweicloud-sdk-core`) against a server that
 * really listens: its HTTP client for whole requests, and its signer alone for requests a
 * test then alters byte by byte.
 */

/** Listens on 127.0.0.1, a free port; the harness closes the app. */
export async function listen(app: FastifyInstance): Promise<string> {
  await app.listen({ host: '127.0.0.1', port: 0 });
  return `127.0.0.1:${(app.server.address() as AddressInfo).port}`;
}

/**
 * A logger for the SDK's HTTP client that keeps quiet. By default the client prints every
 * error answer it gets (a 401 a test asks for included) as a 60-line dump on stdout; the tests
 * assert on the exception the SDK throws instead.
 */
const quietLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  setLevel: () => undefined,
  getLevel: () => LogLevel.ERROR,
  setName: () => undefined,
};

/**
 * The SDK's client for `credential` at `host`, as `ClientBuilder.build` makes it for a
 * generated service client (the SDK's own HTTP client and credentials), but with a quiet
 * logger, which the builder has no option for.
 */
export function sdkClient(host: string, credential: TestCredential): HcClient {
  const endpoints = [`http://${host}`];
  const http = new DefaultHttpClient(
    { disableSslVerification: true, logger: quietLogger },
    endpoints,
  );
  return new HcClient(http)
    .withCredential(
      new BasicCredentials()
        .withAk(credential.ak)
        .withSk(credential.sk)
        .withProjectId(credential.projectId),
    )
    .withEndpoints(endpoints);
}

export interface SdkSignedRequest {
  readonly method: 'GET' | 'POST';
  /** Path and query exactly as the SDK's HTTP client sends them. */
  readonly path: string;
  /** Every header the SDK sends, as the signer returned them. */
  readonly headers: Record<string, string>;
  readonly body: string;
}

/**
 * A request signed by the SDK's own `AKSKSigner`, with the headers the SDK's credentials
 * add first (`X-Project-Id`), the query serialized as the SDK's HTTP client serializes it
 * (`querystring`, so `:` is `%3A`) and a JSON body as the signer hashes it.
 */
export function sdkSign(
  host: string,
  credential: TestCredential,
  request: {
    readonly method: 'GET' | 'POST';
    readonly path: string;
    readonly query?: Record<string, string | number>;
    readonly data?: Record<string, unknown>;
  },
): SdkSignedRequest {
  const headers = AKSKSigner.sign(
    {
      endpoint: `http://${host}${request.path}`,
      method: request.method,
      headers: { 'content-type': 'application/json', 'X-Project-Id': credential.projectId },
      queryParams: request.query ?? {},
      data: request.data,
    },
    new BasicCredentials().withAk(credential.ak).withSk(credential.sk),
  ) as Record<string, string>;
  const query = stringify(request.query ?? {});
  return {
    method: request.method,
    path: query === '' ? request.path : `${request.path}?${query}`,
    headers,
    body: request.data === undefined ? '' : JSON.stringify(request.data),
  };
}

export interface RawResponse {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

/** Sends exactly these bytes of path, headers and body to `host`. */
export function send(host: string, request: SdkSignedRequest): Promise<RawResponse> {
  const [hostname = '', port = ''] = host.split(':');
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        hostname,
        port: Number(port),
        method: request.method,
        path: request.path,
        headers: { ...request.headers, 'content-length': String(Buffer.byteLength(request.body)) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(request.body);
  });
}
