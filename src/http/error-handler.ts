import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiError, apiErrors } from '../errors/api-error.js';
import {
  StoreBusyError,
  StoreCommitInDoubtError,
  StoreTimeoutError,
  StoreUnavailableError,
} from '../store/store.js';
import { configSettings } from '../config/settings.js';
import { errorEnvelope } from './error-envelope.js';
import { noteRefusal } from './request-log.js';

export interface ErrorHandlerOptions {
  /** Seconds a client is told to wait when the store is down (503 `Retry-After`). */
  readonly retryAfterSeconds: number;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Content types the route's body may have, named in its 415 message (default JSON). */
    acceptedTypes?: readonly string[];
    /** The setting that sets the route's body limit, named in its 413 (default the JSON API's). */
    bodyLimitSetting?: 'bodyLimitBytes' | 'jsonBodyLimitBytes';
    /**
     * Sending the same request again changes nothing more (ingest: a log is stored once per
     * id), so a write whose commit is in doubt may simply be resent.
     */
    resendIsSafe?: boolean;
  }
}

function bodyLimitSetting(request: FastifyRequest): { name: string; env: string } {
  const name = request.routeOptions.config.bodyLimitSetting ?? 'jsonBodyLimitBytes';
  return { name, env: configSettings[name].env };
}

const codeOf = (error: unknown): unknown =>
  typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;

const statusOf = (error: unknown): unknown =>
  typeof error === 'object' && error !== null
    ? (error as { statusCode?: unknown }).statusCode
    : undefined;

/**
 * What the client sees for `error`, or `undefined` when the error is unexpected (500).
 * Only the messages written here and in `apiErrors` reach clients: a driver's or Fastify's
 * own text may name tables, files or internals.
 */
export function toApiError(
  error: unknown,
  request: FastifyRequest,
  options: ErrorHandlerOptions,
): ApiError | undefined {
  if (error instanceof ApiError) return error;
  if (error instanceof StoreBusyError) return apiErrors.storeBusy(options.retryAfterSeconds);
  if (error instanceof StoreUnavailableError)
    return apiErrors.storeUnavailable(options.retryAfterSeconds);
  if (error instanceof StoreCommitInDoubtError)
    return apiErrors.writeInDoubt(request.routeOptions.config.resendIsSafe === true);
  if (error instanceof StoreTimeoutError)
    return request.method === 'GET' || request.method === 'HEAD'
      ? apiErrors.queryTimeout()
      : apiErrors.writeTimeout();
  switch (codeOf(error)) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return apiErrors.bodyTooLarge(request.routeOptions.bodyLimit, bodyLimitSetting(request));
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return apiErrors.unsupportedMediaType(
        request.headers['content-type'] ?? '',
        request.routeOptions.config.acceptedTypes ?? ['application/json'],
      );
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return apiErrors.badRequestBody('The request body does not match its Content-Length.');
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return apiErrors.badRequestBody('The request body is not valid JSON.');
    case 'FST_ERR_VALIDATION':
      // Schema validation messages name the field and the rule, never internals.
      return apiErrors.badRequestBody(
        `Invalid request: ${error instanceof Error ? error.message : 'bad value'}.`,
      );
    case 'FST_ERR_BAD_URL':
      return apiErrors.malformedRequest(
        'The request path is not a valid URL: check its percent-encoding.',
      );
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return apiErrors.malformedRequest('A segment of the request path is too long.');
    default:
      break;
  }
  // Body streams that fail mid-read (the client aborted, a bad chunk) carry a 4xx status.
  const status = statusOf(error);
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return apiErrors.badRequestBody('The request body could not be read.');
  }
  return undefined;
}

/** Sends `error` in its envelope with its headers and the request id. */
export function sendApiError(reply: FastifyReply, error: ApiError): FastifyReply {
  const requestId = reply.request.id;
  // Serialized here rather than by a route's response schema: this one function answers for
  // every route, the 404 and 405 fallbacks included, and an envelope must never be reshaped
  // by a schema written for another status.
  return reply
    .code(error.status)
    .headers({ ...error.headers, 'x-request-id': requestId })
    .type('application/json; charset=utf-8')
    .send(JSON.stringify(errorEnvelope(error, requestId)));
}

/** Why `error` was answered with `known`, in a few words for the log: never a stack. */
function reasonOf(error: unknown, known: ApiError): string {
  if (error !== known) {
    if (!(error instanceof Error)) return String(error);
    // A store error's cause says what failed underneath (ECONNREFUSED, "Connection
    // terminated", 57014...): its code, else its message.
    const code = codeOf(error.cause);
    const underneath =
      typeof code === 'string'
        ? code
        : error.cause instanceof Error
          ? error.cause.message
          : undefined;
    return underneath === undefined ? error.message : `${error.message} (${underneath})`;
  }
  // An ApiError's cause says what the client is not told (why load was shed, say).
  const cause: unknown = known.cause;
  if (typeof cause === 'string') return cause;
  if (cause instanceof Error) return cause.message;
  return known.message;
}

/**
 * The one error handler. Renders {@link ApiError}s as they are; maps store outages to 503
 * with `Retry-After`, query time limits to 504, Fastify's body and media-type refusals to
 * 413/415/400; answers anything else with 500 AS.0001 "System error." and logs the real
 * error, so nothing internal leaks.
 *
 * Logging: an expected refusal (any 4xx, a 503 or 504 from the store, load shed) is a
 * failure of the request, not of the server: its code and a short reason go on the request's
 * one log line (`requestLogHook`), with no stack, so an outage answered thousands of times a
 * second does not flood the log. Only the unexpected (500) logs the error with its stack.
 */
export function errorHandler(
  options: ErrorHandlerOptions,
): (error: unknown, request: FastifyRequest, reply: FastifyReply) => FastifyReply {
  return (error, request, reply) => {
    const known = toApiError(error, request, options);
    if (known === undefined) {
      request.log.error({ err: error }, 'unexpected error; answered 500 AS.0001');
      noteRefusal(request, 'AS.0001', 'unexpected error (logged above with its stack)');
      return sendApiError(reply, apiErrors.system());
    }
    noteRefusal(request, known.code, reasonOf(error, known));
    return sendApiError(reply, known);
  };
}
