import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decodeSecretKey, keyCheckValue, skCipher } from '../../src/auth/sk-cipher.js';

const key = randomBytes(32);

describe('skCipher', () => {
  it('seals an SK so that only the same key and AK open it', () => {
    const cipher = skCipher(key);
    const sealed = cipher.seal('my secret key', 'AK1');
    expect(sealed).toMatch(/^v1:[A-Za-z0-9+/]+=*$/);
    expect(sealed).not.toContain('my secret key');
    expect(Buffer.from(sealed.slice(3), 'base64').toString('latin1')).not.toContain('secret');
    expect(cipher.open(sealed, 'AK1')).toBe('my secret key');
    // The same key loaded again opens it too.
    expect(skCipher(Buffer.from(key)).open(sealed, 'AK1')).toBe('my secret key');

    expect(() => skCipher(randomBytes(32)).open(sealed, 'AK1')).toThrow(
      'cannot be decrypted with this secret key',
    );
    // Moved to another AK's row, it does not open.
    expect(() => cipher.open(sealed, 'AK2')).toThrow('cannot be decrypted');
  });

  it('draws a fresh IV for every seal', () => {
    const cipher = skCipher(key);
    expect(cipher.seal('same', 'AK1')).not.toBe(cipher.seal('same', 'AK1'));
  });

  it('refuses a ciphertext that was altered or is not in its format', () => {
    const cipher = skCipher(key);
    const raw = Buffer.from(cipher.seal('my secret key', 'AK1').slice(3), 'base64');
    raw[raw.length - 1] = (raw[raw.length - 1] ?? 0) ^ 1;
    expect(() => cipher.open(`v1:${raw.toString('base64')}`, 'AK1')).toThrow('cannot be decrypted');
    expect(() => cipher.open('plaintext', 'AK1')).toThrow('not in a format Scalelog knows');
    expect(() => cipher.open('v1:AAAA', 'AK1')).toThrow('not in a format Scalelog knows');
  });

  it('takes only a 32-byte key', () => {
    expect(() => skCipher(randomBytes(16))).toThrow('32 bytes');
  });
});

describe('keyCheckValue', () => {
  it('tells keys apart without revealing them', () => {
    const check = keyCheckValue(key);
    expect(check).toMatch(/^[0-9a-f]{64}$/);
    expect(keyCheckValue(Buffer.from(key))).toBe(check);
    expect(keyCheckValue(randomBytes(32))).not.toBe(check);
    expect(check).not.toContain(key.toString('hex'));
  });
});

describe('decodeSecretKey', () => {
  it('reads 32 bytes in base64 or base64url, padded or not, around whitespace', () => {
    const b64 = key.toString('base64');
    expect(decodeSecretKey(b64)).toEqual(key);
    expect(decodeSecretKey(`${b64}\n`)).toEqual(key);
    expect(decodeSecretKey(b64.replace(/=$/, ''))).toEqual(key);
    expect(decodeSecretKey(key.toString('base64url'))).toEqual(key);
  });

  it.each([
    ['too short', randomBytes(16).toString('base64')],
    ['too long', randomBytes(33).toString('base64')],
    ['not base64', `${'!'.repeat(43)}=`],
    ['empty', ''],
  ])('refuses a key that is %s', (_why, text) => {
    expect(decodeSecretKey(text)).toBeUndefined();
  });
});
