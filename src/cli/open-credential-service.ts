import { openSecretKey } from '../auth/open-secret-key.js';
import type { SecretKeySource } from '../auth/open-secret-key.js';
import type { CredentialService } from '../auth/credential-service.js';
import { storeCredentialService } from '../auth/store-credential-service.js';
import { defaultConfig } from '../config/config.js';
import type { Config } from '../config/config.js';
import { isInMemoryStore } from '../store/parse-store-url.js';
import type { CredentialStore } from '../store/credential-store.js';

/**
 * The credential service of a store, for the commands. The secret key is opened (and its key
 * file created) only when a secret key is sealed or opened; `onKeyFileCreated` hears of a new
 * key file, which the user must keep.
 */
export function openCredentialService(
  config: Config,
  store: CredentialStore & { readonly location: string },
  onKeyFileCreated: (path: string) => void,
): CredentialService {
  return storeCredentialService({
    store,
    skCipher: async () => {
      const opened = await openSecretKey(secretKeySourceOf(config), store);
      if (opened.createdKeyFile !== undefined) onKeyFileCreated(opened.createdKeyFile);
      return opened.cipher;
    },
  });
}

/**
 * When a deletion or revocation reaches servers already running: each keeps what it looked
 * up in memory for its `credentialCacheTtlMs`.
 */
export const cacheDelay = `within their credentialCacheTtlMs (${defaultConfig.credentialCacheTtlMs / 1000} s by default)`;

/**
 * Where a command's secret key comes from: the settings, and for an in-memory store (which
 * dies with the process) a key that is never written.
 */
export const secretKeySourceOf = (config: Config): SecretKeySource => ({
  secretKey: config.secretKey,
  secretKeyFile: config.secretKeyFile,
  ephemeral: isInMemoryStore(config.db),
});

/** What to tell a user whose command just created the key file. */
export const keyFileCreatedNotice = (path: string): string =>
  `Created the secret key file ${path} (owner-only). It encrypts the secret keys in the store: ` +
  'keep a copy, and give every server of this store the same key.';
