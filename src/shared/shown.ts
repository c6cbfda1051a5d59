/**
 * Values as error messages show them: whole when short, cut with `…` past a length, so a
 * message stays readable and a client's megabyte of input is never echoed back whole.
 */

/** `text`, cut to `max` characters and `…` when longer. */
export const clip = (text: string, max: number): string =>
  text.length > max ? `${text.slice(0, max)}…` : text;

/** A string quoted as JSON quotes it, cut past `max` characters (before quoting). */
export const quoted = (value: string, max: number): string => JSON.stringify(clip(value, max));

/**
 * A JSON value as the client sent it (a number bare, a string quoted), cut past `max`
 * characters (after quoting). `undefined` and functions, which JSON cannot write, as
 * `String` writes them.
 */
export function shownJson(value: unknown, max: number): string {
  // JSON.stringify gives undefined for undefined and functions, whatever its declared type.
  const text = JSON.stringify(value) as string | undefined;
  return clip(text ?? String(value), max);
}
