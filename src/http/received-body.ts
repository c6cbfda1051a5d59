import { Transform, pipeline } from 'node:stream';
import type { FastifyRequest, preParsingHookHandler } from 'fastify';

const bodies = new WeakMap<FastifyRequest, Buffer[]>();

/** Methods whose body Fastify never reads: their signature covers an empty body. */
const bodyless = new Set(['GET', 'HEAD']);

/**
 * A `preParsing` hook that keeps a copy of the body bytes as they arrive, before any
 * content-type parser turns them into something else, for {@link receivedBody}. An AK/SK
 * signature covers the exact bytes, and the parsers do not keep them (the JSON parser keeps
 * text, which is not bytes for a body that is not valid UTF-8). Not for a route that reads
 * its own body as a stream (`streamedBody`, the ingest route): it hashes the body itself,
 * and a copy here would hold all of it in memory.
 *
 * Done once here rather than in each content-type parser so that a route added later, with
 * parsers of its own, is covered without knowing about it. Fastify's body limit still
 * applies: it counts what this stream passes on.
 */
export const captureReceivedBody: preParsingHookHandler = (request, reply, payload, done) => {
  // A route that streams its body (ingest) hashes it itself: a copy would hold it all.
  if (bodyless.has(request.method) || request.routeOptions.config.streamedBody === true) {
    done(null, payload);
    return;
  }
  const chunks: Buffer[] = [];
  bodies.set(request, chunks);
  const copy = new Transform({
    transform(chunk: Buffer | string, _encoding, next) {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      chunks.push(bytes);
      next(null, bytes);
    },
  });
  // When Fastify has stopped reading (413) and the client goes away, the pipeline destroys
  // the copy with an error nobody else listens for any more: it must not crash the process.
  copy.on('error', () => undefined);
  pipeline(payload, copy, () => undefined);
  // A request answered before its body was read (415) would otherwise keep its connection
  // stalled, since the pipe has taken over reading it from Node, which would have discarded
  // the rest: discard it here, so a keep-alive connection can carry the next request.
  reply.raw.once('finish', () => {
    if (payload.readableEnded) return;
    payload.unpipe(copy);
    payload.resume();
  });
  done(null, copy);
};

/**
 * The exact bytes of the request's body as received, empty when there was none or it was
 * never read (`GET`, `HEAD`, or a request refused before its body was parsed).
 */
export function receivedBody(request: FastifyRequest): Buffer {
  const chunks = bodies.get(request);
  return chunks === undefined ? Buffer.alloc(0) : Buffer.concat(chunks);
}
