import { errorCodes } from 'fastify';
import type { FastifyInstance, preHandlerHookHandler } from 'fastify';
import { keepOutOfRangeNumbers } from './out-of-range-numbers.js';

/** A JSON body as received: parsed by the hook {@link jsonBodyParsers} returns, once authenticated. */
class UnparsedJson {
  constructor(readonly text: string) {}
}

/**
 * The content-type parsers of the JSON API, set on the root so every route inherits them
 * (a plugin with bodies of its own, like ingest, replaces them in its context).
 *
 * An empty body means "no body", whatever the content type. The official SDKs send
 * `Content-Type: application/json` on every request, a bodiless DELETE included, and curl
 * sends a form content type with `-X POST`: Fastify's own parsers refuse the first (400 empty
 * JSON body) and the second (415) before authentication and the route's own answer. So:
 *
 * - `application/json`: an empty or all-white-space body is `undefined`, as if none was sent;
 *   anything else is kept as text and parsed by Fastify's own JSON parser (prototype
 *   poisoning refused as before) in the `preHandler` this function returns, which the app
 *   runs after authentication: a request that is not authenticated costs the body limit's
 *   worth of reading and a hash, never a parse (nor the memory a parsed body takes). A
 *   number too large for a double keeps its literal for the messages that refuse it
 *   (`keepOutOfRangeNumbers`). A route that needs a body says so itself (400 AS.0002,
 *   `bodyObject`).
 * - any other type without a parser of its own: an empty body is `undefined`; a body is
 *   refused at its first byte rather than after reading all of it, with the error Fastify
 *   gives an unknown type, which the error handler answers 415 naming the route's types.
 */
export function jsonBodyParsers(app: FastifyInstance): preHandlerHookHandler {
  const defaultJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    const text = body as string;
    done(null, text.trim() === '' ? undefined : new UnparsedJson(text));
  });
  app.addContentTypeParser('*', (_request, payload, done) => {
    let settled = false;
    const settle = (error: Error | null): void => {
      if (settled) return;
      settled = true;
      done(error, undefined);
    };
    payload.once('data', () => {
      settle(new errorCodes.FST_ERR_CTP_INVALID_MEDIA_TYPE());
    });
    payload.once('end', () => {
      settle(null);
    });
    payload.once('error', (e: Error) => {
      settle(e);
    });
  });
  return (request, _reply, done) => {
    const body: unknown = request.body;
    if (!(body instanceof UnparsedJson)) {
      done();
      return;
    }
    void defaultJson(request, body.text, (error, value) => {
      if (error === null) request.body = keepOutOfRangeNumbers(body.text, value);
      done(error ?? undefined);
    });
  };
}
