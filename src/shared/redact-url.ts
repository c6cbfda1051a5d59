/**
 * A URL as it may be shown in a message or a log: its password, in the user part or as a
 * `password` query parameter (which libpq also reads), becomes `***`. Undefined for text
 * that does not parse as a URL: the caller says so its own way, never showing the text.
 */
export function redactUrl(text: string): string | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return undefined;
  }
  if (url.password !== '') url.password = '***';
  if (url.searchParams.has('password')) url.searchParams.set('password', '***');
  return url.toString();
}
