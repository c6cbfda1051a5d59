import { randomBytes, timingSafeEqual } from 'node:crypto';
import { chmod, link, mkdir, readFile, unlink, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { CredentialStore } from '../store/credential-store.js';
import { decodeSecretKey, keyCheckValue, secretKeyBytes, skCipher } from './sk-cipher.js';
import type { SkCipher } from './sk-cipher.js';

/** Where the secret key comes from: the settings `secretKey` and `secretKeyFile`. */
export interface SecretKeySource {
  /** The key itself, base64 (already checked by the config loader); wins over the file. */
  readonly secretKey: string | undefined;
  /** The key file, created on first use when the store has no key yet. */
  readonly secretKeyFile: string;
  /**
   * The store lives only as long as this process (an in-memory database): without
   * `secretKey`, a random key kept in memory seals its secrets, and no key file is read or
   * written, since nothing it seals outlives the process.
   */
  readonly ephemeral?: boolean;
}

export interface OpenedSecretKey {
  readonly cipher: SkCipher;
  /** The absolute path of the key file when this call created it: a new key to back up. */
  readonly createdKeyFile?: string;
}

/**
 * The secret key cannot be used with this store: another key set the store up, or the key
 * file is missing or malformed. A configuration problem; the message never shows the key.
 */
export class SecretKeyError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SecretKeyError';
  }
}

/** The store setting that holds {@link keyCheckValue} of the key the store was set up with. */
export const keyCheckSetting = 'secret_key_check';

const useTheKey =
  'give that key through SCALELOG_SECRET_KEY (setting secretKey), or give its key file ' +
  'through SCALELOG_SECRET_KEY_FILE (setting secretKeyFile)';

async function readKeyFile(path: string): Promise<Buffer | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e: unknown) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    const why =
      code === 'EACCES' ? 'permission denied' : e instanceof Error ? e.message : String(e);
    throw new Error(`cannot read the secret key file ${path}: ${why}.`, { cause: e });
  }
  const key = decodeSecretKey(text);
  if (key === undefined) {
    throw new SecretKeyError(
      `the secret key file ${path} does not hold a secret key: expected one line of 32 bytes in base64, as Scalelog writes it.`,
    );
  }
  return key;
}

/**
 * Writes a new random key to `path` with owner-only permissions (its directory too, when
 * created). Written aside and linked into place, so a racing process never reads half a
 * file: if another process created the file first, its key is the one returned.
 */
async function createKeyFile(path: string): Promise<{ key: Buffer; created: boolean }> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const key = randomBytes(secretKeyBytes);
  const aside = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  await writeFile(aside, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  try {
    await chmod(aside, 0o600);
    await link(aside, path);
    return { key, created: true };
  } catch (e: unknown) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    const existing = await readKeyFile(path);
    if (existing === undefined) throw e;
    return { key: existing, created: false };
  } finally {
    await unlink(aside).catch(() => undefined);
  }
}

/**
 * The cipher for secret keys, with the key this store was set up with.
 *
 * The key is `source.secretKey` when set, else (for a store that lives in memory) a random
 * key that is never written, else the key file. The first key used with a store
 * is recorded in it as a check value (never the key); afterwards a different key is refused
 * with a {@link SecretKeyError}, before any secret is written with it. A missing key file is
 * created (0600, directory 0700) only while the store has no key yet; when the store has
 * one, a missing file is an error, not a reason to make a useless new key.
 */
export async function openSecretKey(
  source: SecretKeySource,
  store: CredentialStore & { readonly location: string },
): Promise<OpenedSecretKey> {
  const recorded = await store.getSetting(keyCheckSetting);
  let key: Buffer;
  let where: string;
  let createdKeyFile: string | undefined;
  if (source.secretKey !== undefined) {
    const decoded = decodeSecretKey(source.secretKey);
    if (decoded === undefined) {
      throw new SecretKeyError(
        'the secret key (secretKey, SCALELOG_SECRET_KEY) is not 32 bytes in base64.',
      );
    }
    key = decoded;
    where = 'the secret key from SCALELOG_SECRET_KEY (setting secretKey)';
  } else if (source.ephemeral === true) {
    key = randomBytes(secretKeyBytes);
    where = 'the in-memory key of this in-memory store';
  } else {
    const path = resolve(source.secretKeyFile);
    where = `the secret key file ${path}`;
    const existing = await readKeyFile(path);
    if (existing !== undefined) {
      key = existing;
    } else if (recorded !== undefined) {
      throw new SecretKeyError(
        `there is no secret key file at ${path}, but the store at ${store.location} was set up with a secret key: ${useTheKey}.`,
      );
    } else {
      const made = await createKeyFile(path);
      key = made.key;
      if (made.created) createdKeyFile = path;
    }
  }

  const check = keyCheckValue(key);
  const expected = recorded ?? (await store.putSettingIfAbsent(keyCheckSetting, check));
  if (
    expected.length !== check.length ||
    !timingSafeEqual(Buffer.from(expected), Buffer.from(check))
  ) {
    // Another process set the store up with its key between our read and our write.
    if (createdKeyFile !== undefined) await unlink(createdKeyFile).catch(() => undefined);
    throw new SecretKeyError(
      `${where} is not the key the store at ${store.location} was set up with, so the secret keys it holds cannot be read: ${useTheKey}.`,
    );
  }
  return { cipher: skCipher(key), ...(createdKeyFile === undefined ? {} : { createdKeyFile }) };
}
