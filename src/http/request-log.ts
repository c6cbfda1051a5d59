import type { FastifyReply, FastifyRequest } from 'fastify';
import type { RequestLog } from '../config/config.js';

/** What a refused request's log line says: the error code and, briefly, why. */
interface Refusal {
  readonly code: string;
  readonly reason: string;
}

const refusals = new WeakMap<FastifyRequest, Refusal>();

/** Longest reason or URL a log line carries: a line stays short whatever the client sent. */
const maxFieldLength = 200;

const shorten = (text: string): string =>
  text.length > maxFieldLength ? `${text.slice(0, maxFieldLength)}…` : text;

/** Notes why `request` was refused, for its one log line ({@link requestLogHook}). */
export function noteRefusal(request: FastifyRequest, code: string, reason: string): void {
  refusals.set(request, { code, reason: shorten(reason) });
}

/**
 * The `onResponse` hook that writes one short line per request (Fastify's own two lines per
 * request, with the client's address and port, are off): request id (the logger's `reqId`),
 * method, URL, status, duration, and for a refusal its code and a short reason. Never a
 * header, so never `Authorization` or `X-Auth-Token`. `errors` logs only 4xx and 5xx, `off`
 * none; an unexpected error's stack is logged by the error handler whatever this says.
 *
 * Level: info, warn for 5xx (expected ones: the store down or busy, a query past its limit,
 * load shed), error for 500.
 */
export function requestLogHook(
  mode: RequestLog,
): (request: FastifyRequest, reply: FastifyReply, done: () => void) => void {
  return (request, reply, done) => {
    const status = reply.statusCode;
    if (mode === 'off' || (mode === 'errors' && status < 400)) {
      done();
      return;
    }
    const refusal = refusals.get(request);
    const line = {
      method: request.method,
      url: shorten(request.url),
      status,
      ms: Math.round(reply.elapsedTime * 10) / 10,
      ...refusal,
    };
    const message =
      refusal === undefined ? `answered ${status}` : `answered ${status} ${refusal.code}`;
    if (status === 500) request.log.error(line, message);
    else if (status >= 500) request.log.warn(line, message);
    else request.log.info(line, message);
    done();
  };
}
