import type { FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import type { AccessKey, ClientLockout, CredentialService } from '../auth/credential-service.js';
import { devCredentials } from '../auth/dev-credentials.js';
import { apiErrors } from '../errors/api-error.js';
import { lockoutClient } from '../auth/lockout-client.js';
import type { BodyDigest, SdkAuthorization } from '../auth/sdk-signature.js';
import {
  SdkAuthorizationError,
  checkSdkSignature,
  formatSdkDate,
  parseSdkAuthorization,
  parseSdkDate,
  sdkDateToleranceMs,
} from '../auth/sdk-signature.js';
import { authorizeProject } from './authorize-project.js';
import type { Principal } from './authorize-project.js';
import { receivedBody } from './received-body.js';

export interface AuthenticateDeps {
  readonly credentials: CredentialService;
  /** The server clock, Unix milliseconds. */
  readonly now: () => number;
  /** Whether the route answers without credentials (probes and docs). */
  readonly isOpenRoute: (routeUrl: string | undefined) => boolean;
}

/** Signed headers whose values are secrets: shown as `<redacted>` in the debug log. */
const secretHeaders = new Set(['authorization', 'x-auth-token', 'x-security-token', 'cookie']);

const single = (value: string | string[] | undefined): string | undefined =>
  Array.isArray(value) ? value.join(',') : value;

/** An AK/SK request that passed every check but its signature, which needs the body. */
interface UnsignedAkSk {
  readonly authorization: SdkAuthorization;
  readonly key: AccessKey;
  readonly now: number;
  /** The address failures are counted against, and its standing with the AK. */
  readonly client: string;
  readonly standing: ClientLockout;
}

/** Every check of an AK/SK request that does not need its body: header, key, lockout, date. */
async function checkAkSkWithoutBody(
  request: FastifyRequest,
  authorizationHeader: string,
  deps: AuthenticateDeps,
): Promise<UnsignedAkSk> {
  let authorization: SdkAuthorization;
  try {
    authorization = parseSdkAuthorization(authorizationHeader);
  } catch (e: unknown) {
    if (e instanceof SdkAuthorizationError) throw apiErrors.authorizationMalformed(e.message);
    throw e;
  }
  const key = await deps.credentials.lookupAccessKey(authorization.ak);
  if (key === undefined) {
    // Outside development mode the development AK does not exist; say why it is refused.
    throw authorization.ak === devCredentials.ak
      ? apiErrors.devAccessKeyNotServed(authorization.ak)
      : apiErrors.accessKeyUnknown(authorization.ak);
  }
  const now = deps.now();
  const client = clientOf(request);
  // Refused without looking at the signature: a locked key is no oracle for guesses. Only
  // this client's standing is read, so the answer says nothing about other addresses.
  const standing = await deps.credentials.lookupClientLockout(key.ak, client, now);
  if (standing.lockedUntil !== undefined && standing.lockedUntil > now) {
    throw apiErrors.accessKeyLocked(client, standing.lockedUntil, now);
  }

  const sdkDate = single(request.headers['x-sdk-date'])?.trim();
  if (sdkDate === undefined || sdkDate === '') throw apiErrors.sdkDateMissing();
  const signedAt = parseSdkDate(sdkDate);
  if (signedAt === undefined) throw apiErrors.sdkDateMalformed(sdkDate);
  if (Math.abs(signedAt - now) > sdkDateToleranceMs) {
    throw apiErrors.signatureExpired(
      sdkDate,
      formatSdkDate(now - sdkDateToleranceMs),
      formatSdkDate(now + sdkDateToleranceMs),
    );
  }
  return { authorization, key, now, client, standing };
}

/** The signature of a request that passed {@link checkAkSkWithoutBody}, over `body`. */
async function checkAkSkSignature(
  request: FastifyRequest,
  { authorization, key, now, client, standing }: UnsignedAkSk,
  body: Uint8Array | BodyDigest,
  deps: AuthenticateDeps,
): Promise<Principal> {
  const check = checkSdkSignature(
    // The request target exactly as received: Fastify's request.url is the raw one.
    { method: request.method, url: request.url, headers: request.headers, body },
    authorization,
    key.sk,
  );
  if (!check.valid) {
    await deps.credentials.recordSignatureFailure(key.ak, client, now);
    // What was computed, so a developer can compare it with what their client signed. Never
    // the secret key or the expected signature.
    request.log.debug(
      {
        ak: key.ak,
        client,
        signedHeaders: authorization.signedHeaders,
        canonicalRequest: redactSecrets(check.canonicalRequest, authorization.signedHeaders),
        stringToSign: check.stringToSign,
      },
      'AK/SK signature does not match the canonical request computed here',
    );
    throw apiErrors.signatureMismatch();
  }
  // Only a client with failures to forget costs a write: the common good request reads only.
  if (standing.failures > 0) await deps.credentials.recordSignatureSuccess(key.ak, client);
  return { projectId: key.projectId, via: 'aksk' };
}

/**
 * The client that signature failures are counted against (see {@link lockoutClient}): the
 * address Fastify reports, which is the peer's, or with `trustProxy` the one the trusted
 * proxies forwarded. A forwarded value that is no IP address counts as the peer's.
 */
function clientOf(request: FastifyRequest): string {
  return lockoutClient(request.ip) ?? lockoutClient(request.socket.remoteAddress) ?? 'unknown';
}

/**
 * The canonical request with the values of secret headers (a token a client chose to sign)
 * replaced. Header lines are the ones after the query line, one per signed header, sorted.
 */
function redactSecrets(canonical: string, signedHeaders: readonly string[]): string {
  const lines = canonical.split('\n');
  signedHeaders.forEach((name, i) => {
    if (secretHeaders.has(name)) lines[3 + i] = `${name}:<redacted>`;
  });
  return lines.join('\n');
}

async function verifyToken(token: string, deps: AuthenticateDeps): Promise<Principal> {
  const found = await deps.credentials.lookupToken(token);
  if (found === undefined) throw apiErrors.tokenUnknown();
  if (found.expiresAt <= deps.now()) throw apiErrors.tokenExpired();
  return { projectId: found.projectId, via: 'token' };
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * The route reads its body itself, as a stream, after authentication
     * (`ingestRoutes`): an AK/SK signature, which covers the body, is then checked by
     * {@link finishAuthentication} once the route has the body's hash.
     */
    streamedBody?: boolean;
  }
}

/** What is left to check of a streamed-body request: its signature, then its project. */
const pendingChecks = new WeakMap<
  FastifyRequest,
  (body: Uint8Array | BodyDigest) => Promise<void>
>();

/**
 * For a route with `streamedBody`: checks what {@link authenticate} left for when the body
 * is in, given the body as received (its bytes, or only their SHA-256), and throws the same
 * errors it would have (401 for a wrong signature, then 400/403 for the project). Nothing
 * to do for a request that authentication already settled (a token, or no body-covering
 * signature).
 */
export async function finishAuthentication(
  request: FastifyRequest,
  body: Uint8Array | BodyDigest,
): Promise<void> {
  const pending = pendingChecks.get(request);
  if (pending === undefined) return;
  pendingChecks.delete(request);
  await pending(body);
}

/**
 * The `preHandler` that lets a request through only with valid credentials (contract §5):
 * an `Authorization: SDK-HMAC-SHA256 ...` signature, checked against the request as
 * received, body bytes included; or else an `X-Auth-Token`. Then the credential's project
 * must be the one the route's path names (see {@link authorizeProject}).
 *
 * Open routes and the not-found handler pass untouched: an unknown API is 404 whoever asks,
 * as at the cloud's gateway. Every failure is a 401 `APIGW.0301` whose reason says what to
 * fix. A wrong signature counts towards the lockout of the AK for the client's address
 * (never for other addresses) and a right one resets it; an AK locked for the client's
 * address is refused to it before its signature is checked, even a correct one.
 *
 * A route with `streamedBody` has not read its body yet: everything that does not need it
 * (header, key, lock, date) is checked here, before a byte of the body is read, and the
 * signature and the project are left to {@link finishAuthentication}, which the route must
 * call before it uses the body.
 */
export function authenticate(deps: AuthenticateDeps): preHandlerAsyncHookHandler {
  return async (request) => {
    if (request.is404 || deps.isOpenRoute(request.routeOptions.url)) return;
    const authorization = single(request.headers.authorization);
    const token = single(request.headers['x-auth-token'])?.trim();
    let principal: Principal;
    if (authorization !== undefined && authorization.trim() !== '') {
      const unsigned = await checkAkSkWithoutBody(request, authorization, deps);
      if (request.routeOptions.config.streamedBody === true) {
        pendingChecks.set(request, async (body) => {
          const signed = await checkAkSkSignature(request, unsigned, body, deps);
          request.projectId = authorizeProject(request.params, request.headers, signed);
        });
        return;
      }
      principal = await checkAkSkSignature(request, unsigned, receivedBody(request), deps);
    } else if (token !== undefined && token !== '') {
      principal = await verifyToken(token, deps);
    } else {
      throw apiErrors.credentialsMissing();
    }
    request.projectId = authorizeProject(request.params, request.headers, principal);
  };
}
