import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  InvalidCredentialInputError,
  checkAk,
  checkProjectId,
  checkSk,
  checkTokenTtl,
  generateAk,
  generateProjectId,
  generateSk,
  generateToken,
  hashToken,
  mayBeToken,
  randomString,
} from '../../src/auth/credential-format.js';

/** A random source that hands out `bytes` in order, then zeros. */
function scripted(bytes: readonly number[]): (size: number) => Buffer {
  let at = 0;
  return (size) => {
    const out = Buffer.alloc(size);
    for (let i = 0; i < size; i += 1) out[i] = bytes[at++] ?? 0;
    return out;
  };
}

describe('generated credentials', () => {
  it('makes AKs of 20 upper-case letters and digits, and SKs of 40 letters and digits', () => {
    for (let i = 0; i < 200; i += 1) {
      expect(generateAk()).toMatch(/^[A-Z0-9]{20}$/);
      expect(generateSk()).toMatch(/^[A-Za-z0-9]{40}$/);
    }
    expect(new Set(Array.from({ length: 100 }, () => generateAk())).size).toBe(100);
  });

  it('skips the bytes that would bias the choice (modulo bias)', () => {
    // 36 symbols: bytes from 252 up would favour the first four; they are dropped, not folded.
    expect(
      randomString('ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789', 4, scripted([252, 255, 0, 35, 36, 251])),
    ).toBe('A9A9');
    // 62 symbols: bytes from 248 up are dropped.
    expect(generateSk(scripted([248, 249, 61, ...Array<number>(39).fill(0)]))).toBe(
      `9${'A'.repeat(39)}`,
    );
  });

  it('draws every symbol about equally often', () => {
    const counts = new Map<string, number>();
    for (let i = 0; i < 2000; i += 1) {
      for (const c of generateAk()) counts.set(c, (counts.get(c) ?? 0) + 1);
    }
    expect(counts.size).toBe(36);
    // 40000 draws over 36 symbols: about 1111 each; a biased or broken draw strays far.
    for (const n of counts.values()) expect(n).toBeGreaterThan(900);
  });

  it('makes project ids of 32 lower-case hex characters', () => {
    expect(generateProjectId()).toMatch(/^[0-9a-f]{32}$/);
  });

  it('makes recognizable tokens of 32 random bytes, and hashes them with SHA-256', () => {
    const token = generateToken();
    expect(token).toMatch(/^scalelog_[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(token.slice('scalelog_'.length), 'base64url')).toHaveLength(32);
    expect(generateToken()).not.toBe(token);
    expect(hashToken(token)).toBe(createHash('sha256').update(token).digest('hex'));
    expect(hashToken(token)).toMatch(/^[0-9a-f]{64}$/);
    expect(mayBeToken(token)).toBe(true);
    expect(mayBeToken('')).toBe(false);
    expect(mayBeToken('x'.repeat(257))).toBe(false);
  });
});

describe('checks of given values', () => {
  it.each(['A', 'my-ak_01', 'x'.repeat(64), 'SCALELOGDEVACCESSKEY'])('accepts the AK %s', (ak) => {
    expect(checkAk(ak)).toBe(ak);
  });

  it.each(['', 'a b', 'x'.repeat(65), 'ak/1', 'ä'])(
    'refuses the AK %j and says what is accepted',
    (ak) => {
      expect(() => checkAk(ak)).toThrow(InvalidCredentialInputError);
      expect(() => checkAk(ak)).toThrow("expected 1 to 64 letters, digits, '-' or '_'");
    },
  );

  it.each(['abcdefgh', '!"#$%&\'()*+,-./~', 'x'.repeat(128)])('accepts the SK %j', (sk) => {
    expect(checkSk(sk)).toBe(sk);
  });

  it.each([
    ['short12', 'it has 7 characters'],
    ['x'.repeat(129), 'it has 129 characters'],
    ['has a space', 'contains a space or a character that is not printable ASCII'],
    ['tab\there!', 'contains a space'],
    ['naïve-secret', 'not printable ASCII'],
  ])('refuses the SK %j without repeating it', (sk, why) => {
    let message = '';
    try {
      checkSk(sk);
    } catch (e: unknown) {
      expect(e).toBeInstanceOf(InvalidCredentialInputError);
      message = (e as Error).message;
    }
    expect(message).toContain(why);
    expect(message).toContain('expected 8 to 128 printable ASCII characters without spaces');
    expect(message).not.toContain(sk);
  });

  it('checks project ids as everywhere else', () => {
    expect(checkProjectId('0513757bb3b0d5eb2f08cb93ef4f0f00')).toBe(
      '0513757bb3b0d5eb2f08cb93ef4f0f00',
    );
    expect(() => checkProjectId('a b')).toThrow(
      `project id "a b" is not valid: expected 1 to 64 letters, digits, '-' or '_'.`,
    );
    expect(() => checkProjectId('p'.repeat(65))).toThrow(InvalidCredentialInputError);
  });

  it('bounds token lifetimes from 1 second to 365 days', () => {
    expect(checkTokenTtl(1000)).toBe(1000);
    expect(checkTokenTtl(365 * 86_400_000)).toBe(365 * 86_400_000);
    for (const bad of [999, 0, -1, 1.5, 365 * 86_400_000 + 1, Number.NaN]) {
      expect(() => checkTokenTtl(bad)).toThrow('expected from 1 second to 365 days');
    }
  });
});
