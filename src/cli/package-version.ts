import { readFileSync } from 'node:fs';

/**
 * The version in the project's package.json, read when the command line is built, so it is
 * never written twice. The file is two folders up from this module both in `src/cli/` and in
 * the compiled `dist/cli/`.
 */
export function packageVersion(): string {
  const text = readFileSync(new URL('../../package.json', import.meta.url), 'utf8');
  const version = (JSON.parse(text) as { version?: unknown }).version;
  if (typeof version !== 'string' || version === '') {
    throw new Error('package.json holds no version');
  }
  return version;
}
