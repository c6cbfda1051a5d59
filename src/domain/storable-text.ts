/**
 * Why `text` cannot be stored unchanged, or undefined when it can: PostgreSQL refuses
 * U+0000 in text, and a lone UTF-16 surrogate (valid as a JSON escape) has no UTF-8 form,
 * so either store would alter it.
 */
export function unstorableReason(text: string): string | undefined {
  if (text.includes('\u0000')) return 'contains a NUL character (U+0000), which cannot be stored';
  if (/[\uD800-\uDFFF]/u.test(text)) {
    return 'contains an unpaired UTF-16 surrogate; send valid Unicode text';
  }
  return undefined;
}
