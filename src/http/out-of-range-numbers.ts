/**
 * A JSON number too large for a double as the client wrote it (`1e309`, which `JSON.parse`
 * reads as `Infinity` and `JSON.stringify` writes back as `null`). It is a function, not an
 * object, on purpose: no field check takes it for a JSON object, array, string or number,
 * so every check refuses it as it refused `Infinity`; and a message that shows a refused
 * value (`JSON.stringify`, else `String`) shows the client's own digits.
 */
export type OutOfRangeNumber = (() => undefined) & { readonly toString: () => string };

function outOfRangeNumber(literal: string): OutOfRangeNumber {
  return Object.assign(() => undefined, { toString: () => literal });
}

/** Number tokens and, to skip them, strings: a digit inside a string is not a number. */
const tokenPattern = /"(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/g;

/** Only a number with 309 digits or more, or a three-digit exponent, can overflow. */
const mayOverflow = /\d{309}|[eE]\+?\d{3}/;

/**
 * `value` (`text` parsed) with each number too large for a double replaced by an
 * {@link OutOfRangeNumber} holding its literal, or `value` itself when there is none.
 */
export function keepOutOfRangeNumbers(text: string, value: unknown): unknown {
  if (!mayOverflow.test(text)) return value;
  const literals: string[] = [];
  for (const [token] of text.matchAll(tokenPattern)) {
    if (!token.startsWith('"') && !Number.isFinite(Number(token))) literals.push(token);
  }
  if (literals.length === 0) return value;
  // The reviver meets the values in document order (keys that look like array indexes,
  // which JavaScript orders first, and repeated keys aside: no field of this API is either).
  let next = 0;
  return JSON.parse(text, (_key, v: unknown) =>
    typeof v === 'number' && !Number.isFinite(v)
      ? outOfRangeNumber(literals[next++] ?? String(v))
      : v,
  ) as unknown;
}
