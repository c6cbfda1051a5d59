import type { preHandlerHookHandler } from 'fastify';
import { apiErrors } from '../domain/api-error.js';
import { unstorableReason } from '../domain/storable-text.js';

/** The first string in `value` (keys included) that no store can keep, with its path and why. */
function firstUnstorable(value: unknown, path: string): string | undefined {
  if (typeof value === 'string') {
    const reason = unstorableReason(value);
    return reason === undefined ? undefined : `${path === '' ? 'The body' : path} ${reason}`;
  }
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) {
      const found = firstUnstorable(item, `${path}[${String(i)}]`);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      const at = path === '' ? key : `${path}.${key}`;
      const reason = unstorableReason(key);
      if (reason !== undefined) return `The field name ${JSON.stringify(at)} ${reason}`;
      const found = firstUnstorable(item, at);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

/**
 * Refuses, before any handler reads it, text that no store can hold: `%00` anywhere in the
 * URL (400 `APIGW.0201`), and U+0000 or a lone surrogate anywhere in a JSON body (400
 * `AS.0022`, naming the field). No id, name or filter value can hold either, and PostgreSQL
 * would fail the statement rather than match nothing. Runs after authentication, so an
 * unauthenticated request is still 401 first. Bodies that are not JSON (NDJSON ingest) are
 * checked line by line by their own parser.
 */
export const refuseUnstorableText: preHandlerHookHandler = (request, _reply, done) => {
  // An unknown API stays 404 whoever asks, as authentication leaves it.
  if (request.is404) {
    done();
    return;
  }
  if (/%00/i.test(request.url)) {
    done(apiErrors.urlHasNul());
    return;
  }
  const body: unknown = request.body;
  const found = typeof body === 'object' && body !== null ? firstUnstorable(body, '') : undefined;
  done(found === undefined ? undefined : apiErrors.badRequestBody(`${found}.`));
};
