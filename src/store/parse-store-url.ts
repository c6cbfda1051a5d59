/** The backend and the place a store URL names. */
export type StoreTarget =
  | { readonly backend: 'sqlite'; readonly path: string }
  | { readonly backend: 'postgres'; readonly url: string };

/** Why a store URL names no store: each caller words it for its own reader. */
export type StoreUrlProblem = 'empty' | 'no-file' | 'invalid-url' | 'unsupported';

/** A store URL that names no store; `problem` says why. */
export class StoreUrlError extends Error {
  readonly problem: StoreUrlProblem;

  constructor(problem: StoreUrlProblem, message: string) {
    super(message);
    this.name = 'StoreUrlError';
    this.problem = problem;
  }
}

// Schemes are matched in any case, as URL schemes are (RFC 3986, 3.1): the config check and
// the store that opens the URL read it with these same rules, so neither accepts what the
// other refuses.
const postgresScheme = /^postgres(?:ql)?:\/\//i;
const sqliteScheme = /^sqlite:/i;
const anyScheme = /^[a-z][a-z0-9+.-]*:\/\//i;

/**
 * Reads a store URL: `postgres://...` or `postgresql://...` for PostgreSQL; `sqlite:PATH`
 * (`sqlite::memory:` for a throw-away database) or a plain file path for SQLite. Schemes
 * count in any case (`SQLITE:x.db` is the file `x.db`). Throws {@link StoreUrlError} for an
 * empty URL, `sqlite:` without a file, a PostgreSQL URL that does not parse, or another scheme.
 */
export function parseStoreUrl(url: string): StoreTarget {
  if (url.trim() === '') {
    throw new StoreUrlError(
      'empty',
      'the store URL is empty; give a file path, sqlite:PATH or postgres://....',
    );
  }
  if (postgresScheme.test(url)) {
    if (!URL.canParse(url)) {
      throw new StoreUrlError(
        'invalid-url',
        `the store URL ${redact(url)} is not a valid URL; give postgres://USER@HOST:PORT/DATABASE.`,
      );
    }
    return { backend: 'postgres', url };
  }
  if (sqliteScheme.test(url)) {
    const path = url.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
    if (path.trim() === '') {
      throw new StoreUrlError(
        'no-file',
        'the store URL "sqlite:" names no file; give sqlite:PATH.',
      );
    }
    return { backend: 'sqlite', path };
  }
  if (anyScheme.test(url)) {
    throw new StoreUrlError(
      'unsupported',
      `unsupported store URL ${redact(url)}: use a file path, sqlite:PATH or postgres://...`,
    );
  }
  return { backend: 'sqlite', path: url };
}

/** The URL, quoted, without the user and password. */
const redact = (url: string): string => JSON.stringify(url.replace(/\/\/[^@/]*@/, '//***@'));

/**
 * Whether the store URL names an in-memory SQLite database: one that lives as long as the
 * process that opens it, which no other process (a CLI command) can reach.
 */
export function isInMemoryStore(url: string): boolean {
  try {
    const target = parseStoreUrl(url);
    return target.backend === 'sqlite' && target.path === ':memory:';
  } catch {
    return false;
  }
}
