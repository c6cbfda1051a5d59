import { randomUUID } from 'node:crypto';
import { maxHeaderSize, STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyBaseLogger } from 'fastify';
import { apiErrors } from '../errors/api-error.js';
import type { ApiError } from '../errors/api-error.js';
import { errorEnvelope } from './error-envelope.js';

/** A connection-level error as Node's HTTP server reports it (`clientError`). */
export interface ClientError extends Error {
  readonly code?: string;
}

/**
 * The response to a connection-level error. Node raises these before Fastify has a request
 * (a request not received within `requestTimeout`, a malformed request line or header), so
 * no hook or error handler runs: the response is written to the socket by hand, still in
 * the gateway envelope and still with an `X-Request-Id`, and the connection is closed since
 * the rest of the request can no longer be framed.
 */
export function rawErrorResponse(error: ApiError, requestId: string): string {
  const body = JSON.stringify(errorEnvelope(error, requestId));
  const head = [
    `HTTP/1.1 ${error.status} ${STATUS_CODES[error.status] ?? 'Error'}`,
    'Content-Type: application/json; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(body)}`,
    `X-Request-Id: ${requestId}`,
    'Connection: close',
    ...Object.entries(error.headers).map(([name, value]) => `${name}: ${value}`),
  ];
  return `${head.join('\r\n')}\r\n\r\n${body}`;
}

/**
 * Fastify's `clientErrorHandler`: 408 when the client did not send its request in time,
 * 431 when its request line and headers overflow Node's limit, 400 for anything else
 * malformed, nothing when the client is already gone. Never throws.
 */
export function clientErrorHandler(
  log: () => FastifyBaseLogger,
): (error: ClientError, socket: Socket) => void {
  return (error, socket) => {
    if (error.code === 'ECONNRESET' || socket.destroyed) return;
    const apiError =
      error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? apiErrors.requestTimeout()
        : error.code === 'HPE_HEADER_OVERFLOW'
          ? // Node's parser limit (16 KiB unless --max-http-header-size says otherwise).
            apiErrors.headersTooLarge(maxHeaderSize)
          : apiErrors.malformedRequest('The request is not valid HTTP/1.1.');
    const requestId = randomUUID();
    log().info({ requestId, code: error.code }, `client error; answered ${apiError.status}`);
    // A response already under way cannot be replaced: only close the connection. Node's own
    // handler makes the same check on the socket's in-flight response (`_httpMessage`).
    const inFlight = (socket as { _httpMessage?: { headersSent?: boolean } })._httpMessage;
    if (!socket.writable || inFlight?.headersSent === true) {
      socket.destroy();
      return;
    }
    // Node's HTTP server keeps sockets half-open, so end() alone would leave a stalled
    // client's connection open: destroy once the response has been flushed.
    socket.end(rawErrorResponse(apiError, requestId), () => socket.destroy());
  };
}
