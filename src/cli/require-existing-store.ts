import { existsSync } from 'node:fs';
import { parseStoreUrl } from '../store/parse-store-url.js';

/**
 * Refuses an SQLite file that does not exist, before anything opens it: opening would create
 * an empty database, and a command that reads (export, list, delete, revoke) would then
 * turn a mistyped path into an answer that looks like success.
 */
export function requireExistingStore(db: string, consequence: string): void {
  const target = parseStoreUrl(db);
  if (target.backend === 'sqlite' && target.path !== ':memory:' && !existsSync(target.path)) {
    throw new Error(`there is no SQLite database at ${target.path}; ${consequence}.`);
  }
}
