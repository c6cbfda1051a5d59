/** The backend and the place a store URL names. */
export type StoreTarget =
  | { readonly backend: 'sqlite'; readonly path: string }
  | { readonly backend: 'postgres'; readonly url: string };

/**
 * Reads a store URL: `postgres://...` or `postgresql://...` for PostgreSQL; `sqlite:PATH`
 * (`sqlite::memory:` for a throw-away database) or a plain file path for SQLite.
 */
export function parseStoreUrl(url: string): StoreTarget {
  if (/^postgres(ql)?:\/\//i.test(url)) return { backend: 'postgres', url };
  if (/^sqlite:/i.test(url)) {
    const path = url.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
    if (path === '') throw new Error('the store URL "sqlite:" names no file; give sqlite:PATH.');
    return { backend: 'sqlite', path };
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) {
    throw new Error(
      `unsupported store URL ${JSON.stringify(url.replace(/\/\/[^@/]*@/, '//***@'))}: use a file path, sqlite:PATH or postgres://...`,
    );
  }
  if (url === '')
    throw new Error('the store URL is empty; give a file path, sqlite:PATH or postgres://....');
  return { backend: 'sqlite', path: url };
}

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
