import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { defaultConfig } from '../config/config.js';
import type { Config } from '../config/config.js';
import { parseStoreUrl } from '../store/parse-store-url.js';
import type { CliContext } from './cli-context.js';

/**
 * What a command does with an SQLite database that does not exist. `serve` and `import`
 * `create` it, in a folder that exists or in the default `data/` folder (created `0700`).
 * Every other command must `refuse` it: opening would create an empty database, and a token
 * or credential made there, or an empty answer read from it, would look like success.
 * `meaning` says what a missing database means for the command: `nothing to export`.
 */
export type MissingStore =
  { readonly missing: 'create' } | { readonly missing: 'refuse'; readonly meaning: string };

/**
 * What a missing database means for a command that makes a token or a credential: `what`
 * made in a new, empty database would work with no server.
 */
export const noServerKnows = (what: string, context: CliContext): string =>
  `a ${what} made there would be known to no server: give --db the database your server ` +
  `uses (\`${context.commandName ?? 'scalelog'} serve\` creates it on its first start)`;

export type CommandStore = Awaited<ReturnType<CliContext['openStore']>>;

/**
 * Opens the store a command works on, after checking that an SQLite database exists (or
 * that this command may create it, see {@link MissingStore}), and says on stderr
 * which store it used, one line: `store: /srv/scalelog/data/scalelog.db (SQLite)`. The path is
 * absolute, so a command run from another directory shows it at once; a PostgreSQL location
 * never shows its password. stdout stays the command's own, for `$(...)` and `--json`.
 */
export async function openCommandStore(
  config: Config,
  context: CliContext,
  options: MissingStore,
): Promise<CommandStore> {
  const target = parseStoreUrl(config.db);
  let isNew = false;
  if (target.backend === 'sqlite' && target.path !== ':memory:') {
    // Absolute in every message: a relative path does not show that the command ran in
    // another directory than the server.
    const path = resolve(target.path);
    if (!existsSync(path)) {
      if (options.missing === 'refuse') {
        throw new Error(`there is no SQLite database at ${path}; ${options.meaning}.`);
      }
      const folder = dirname(path);
      const defaultFolder = dirname(defaultConfig.db);
      if (!existsSync(folder) && folder !== resolve(defaultFolder)) {
        throw new Error(
          `there is no folder ${folder} for the SQLite database ${path}: ` +
            `create the folder first, or give --db a path in a folder that exists ` +
            `(only the default folder ${defaultFolder}/ is created when missing).`,
        );
      }
      isNew = true;
    }
  }
  const store = await context.openStore(config.db, {
    queryTimeoutMs: config.queryTimeoutMs,
    busyTimeoutMs: config.busyTimeoutMs,
  });
  context.stderr.write(`store: ${describeStore(target, store.location, isNew)}\n`);
  return store;
}

function describeStore(
  target: ReturnType<typeof parseStoreUrl>,
  location: string,
  isNew: boolean,
): string {
  if (target.backend === 'postgres') return `${location} (PostgreSQL)`;
  if (target.path === ':memory:') return ':memory: (SQLite in memory, gone when the command ends)';
  return `${resolve(target.path)} (SQLite${isNew ? ', new database' : ''})`;
}

/**
 * Runs `work` on the store a command works on, opened as {@link openCommandStore} opens it,
 * and closes the store however `work` ends.
 */
export async function withCommandStore<T>(
  config: Config,
  context: CliContext,
  options: MissingStore,
  work: (store: CommandStore) => Promise<T>,
): Promise<T> {
  const store = await openCommandStore(config, context, options);
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}
