import type { preHandlerHookHandler } from 'fastify';
import { apiErrors } from '../errors/api-error.js';
import { unstorableReason } from '../domain/storable-text.js';

/** Objects and arrays nested deeper than this in a JSON body are refused; the APIs use 4. */
export const maxBodyDepth = 32;

/**
 * What is wrong with `body`, or undefined: the first string (field names included) that no
 * store can keep, with its path and why, or nesting past {@link maxBodyDepth}. Iterative:
 * JSON.parse takes bodies nested millions deep, which recursion here (and JSON.stringify in
 * an error message) would not.
 */
function bodyProblem(body: object): string | undefined {
  const pending: [unknown, string, number][] = [[body, '', 1]];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const [value, path, depth] = next;
    if (typeof value === 'string') {
      const reason = unstorableReason(value);
      if (reason !== undefined) return `${path} ${reason}`;
    } else if (typeof value === 'object' && value !== null) {
      if (depth > maxBodyDepth) {
        return `The body nests objects and arrays more than ${String(maxBodyDepth)} levels deep (at ${path})`;
      }
      const children: [unknown, string, number][] = [];
      if (Array.isArray(value)) {
        value.forEach((item: unknown, i) =>
          children.push([item, `${path}[${String(i)}]`, depth + 1]),
        );
      } else {
        for (const [key, item] of Object.entries(value)) {
          const at = path === '' ? key : `${path}.${key}`;
          const reason = unstorableReason(key);
          if (reason !== undefined) return `The field name ${JSON.stringify(at)} ${reason}`;
          children.push([item, at, depth + 1]);
        }
      }
      // Reversed onto the stack, so fields are looked at in the order they were sent (one at
      // a time: spreading a million-item array into push() would overflow the stack).
      for (let i = children.length - 1; i >= 0; i -= 1)
        pending.push(children[i] as [unknown, string, number]);
    }
  }
  return undefined;
}

const isJsonValue = (body: unknown): body is object =>
  Array.isArray(body) ||
  (typeof body === 'object' && body !== null && Object.getPrototypeOf(body) === Object.prototype);

/**
 * Refuses, before any handler reads it, text that no store can hold: `%00` anywhere in the
 * URL (400 `APIGW.0201`), and U+0000 or a lone surrogate anywhere in a JSON body (400
 * `AS.0022`, naming the field). No id, name or filter value can hold either, and
 * PostgreSQL would fail the statement rather than match nothing. A JSON body nested past
 * {@link maxBodyDepth} is 400 `AS.0022` too: handlers quote bad values with JSON.stringify,
 * which overflows the stack on such a body. Runs after authentication, so an
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
  // Only what JSON.parse builds: plain objects and arrays. A route's own body (the ingest
  // stream) is checked by its own parser; walking a Buffer here would visit every byte.
  const found = isJsonValue(body) ? bodyProblem(body) : undefined;
  done(found === undefined ? undefined : apiErrors.badRequestBody(`${found}.`));
};
