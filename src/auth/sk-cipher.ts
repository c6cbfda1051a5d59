import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';

/** Seals secret keys for the store and opens them again. */
export interface SkCipher {
  /** The SK encrypted and bound to its AK: `v1:` and base64 of iv | tag | ciphertext. */
  seal(sk: string, ak: string): string;
  /** The plaintext SK; throws when `sealed` was not sealed for `ak` under this key. */
  open(sealed: string, ak: string): string;
}

/** Length of the secret key: AES-256. */
export const secretKeyBytes = 32;

const version = 'v1:';
const ivBytes = 12;
const tagBytes = 16;

/** A subkey per purpose, so the key that encrypts never also signs the check value. */
const subkey = (key: Buffer, purpose: string): Buffer =>
  Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), `scalelog ${purpose}`, 32));

const keyText = /^[A-Za-z0-9+/]{43}=?$|^[A-Za-z0-9_-]{43}$/;

/** Decodes a base64 (or base64url) 32-byte key; `undefined` when `text` is not one. */
export function decodeSecretKey(text: string): Buffer | undefined {
  const trimmed = text.trim();
  if (!keyText.test(trimmed)) return undefined;
  const key = Buffer.from(
    trimmed,
    trimmed.includes('-') || trimmed.includes('_') ? 'base64url' : 'base64',
  );
  return key.length === secretKeyBytes ? key : undefined;
}

/** The additional data of a sealed SK: its AK, so a ciphertext moved to another row fails to open. */
const aadFor = (ak: string): Buffer => Buffer.from(`scalelog-sk:${ak}`, 'utf8');

/**
 * AES-256-GCM under a subkey of `key` (32 bytes). Each seal draws a fresh 96-bit IV; the
 * tag authenticates the ciphertext and the AK it belongs to.
 */
export function skCipher(key: Buffer): SkCipher {
  if (key.length !== secretKeyBytes)
    throw new Error(`the secret key must be ${secretKeyBytes} bytes`);
  const encryptionKey = subkey(key, 'sk encryption v1');
  return {
    seal(sk, ak) {
      const iv = randomBytes(ivBytes);
      const cipher = createCipheriv('aes-256-gcm', encryptionKey, iv);
      cipher.setAAD(aadFor(ak));
      const ciphertext = Buffer.concat([cipher.update(sk, 'utf8'), cipher.final()]);
      return `${version}${Buffer.concat([iv, cipher.getAuthTag(), ciphertext]).toString('base64')}`;
    },
    open(sealed, ak) {
      const raw = sealed.startsWith(version)
        ? Buffer.from(sealed.slice(version.length), 'base64')
        : undefined;
      if (raw === undefined || raw.length < ivBytes + tagBytes) {
        throw new Error(`the stored secret key of AK ${ak} is not in a format Scalelog knows`);
      }
      const decipher = createDecipheriv('aes-256-gcm', encryptionKey, raw.subarray(0, ivBytes));
      decipher.setAAD(aadFor(ak));
      decipher.setAuthTag(raw.subarray(ivBytes, ivBytes + tagBytes));
      try {
        return Buffer.concat([
          decipher.update(raw.subarray(ivBytes + tagBytes)),
          decipher.final(),
        ]).toString('utf8');
      } catch (e: unknown) {
        throw new Error(
          `the stored secret key of AK ${ak} cannot be decrypted with this secret key (altered, or sealed under another key)`,
          { cause: e },
        );
      }
    },
  };
}

/**
 * A value that tells whether a store was set up with `key` without revealing the key: hex
 * HMAC-SHA256 of a fixed label under a subkey of it.
 */
export function keyCheckValue(key: Buffer): string {
  return createHmac('sha256', subkey(key, 'key check v1'))
    .update('scalelog secret key check')
    .digest('hex');
}
