import { createHash, randomBytes } from 'node:crypto';
import { projectIdPattern } from '../domain/ids.js';
import { quoted } from '../shared/shown.js';
import { plainIdPattern } from '../domain/ids.js';

/**
 * What access keys, secret keys, project ids and tokens look like: the rules every way in
 * (command line, first run, API) checks, and the generators. Generated values come from
 * `crypto.randomBytes` without modulo bias.
 */

/** A source of random bytes; `crypto.randomBytes` outside tests. */
export type RandomBytes = (size: number) => Buffer;

/** Explicit AKs: 1 to 64 letters, digits, `-` or `_`. */
export const akPattern = plainIdPattern;
/** Explicit SKs: 8 to 128 printable ASCII characters, no spaces. */
export const skPattern = /^[\x21-\x7e]{8,128}$/;

/** Every token starts with this, so a leaked one is recognizable (by secret scanners too). */
export const tokenPrefix = 'scalelog_';
/** Longest text looked up as a token: anything longer cannot be one of ours. */
const maxTokenLength = 256;

/** Bounds of a token's lifetime. */
export const tokenTtlLimits = Object.freeze({ minMs: 1000, maxMs: 365 * 86_400_000 });

const upperAlphanumeric = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const alphanumeric = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Thrown for a value a user gave that breaks the rules above; the message says what is accepted. */
export class InvalidCredentialInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidCredentialInputError';
  }
}

/**
 * `length` characters drawn uniformly from `alphabet`. A byte is used only below the largest
 * multiple of the alphabet's size that fits in a byte, so every character is equally likely.
 */
export function randomString(
  alphabet: string,
  length: number,
  random: RandomBytes = randomBytes,
): string {
  const limit = 256 - (256 % alphabet.length);
  let out = '';
  while (out.length < length) {
    for (const byte of random(length - out.length + 8)) {
      if (byte >= limit) continue;
      out += alphabet.charAt(byte % alphabet.length);
      if (out.length === length) break;
    }
  }
  return out;
}

/** 20 upper-case letters and digits, as the cloud's AKs look. */
export const generateAk = (random?: RandomBytes): string =>
  randomString(upperAlphanumeric, 20, random);

/** 40 letters and digits, as the cloud's SKs look. */
export const generateSk = (random?: RandomBytes): string => randomString(alphanumeric, 40, random);

/** A project id as the cloud's look: 32 lower-case hex characters. */
export const generateProjectId = (random: RandomBytes = randomBytes): string =>
  random(16).toString('hex');

/** {@link tokenPrefix} and 32 random bytes in base64url. */
export const generateToken = (random: RandomBytes = randomBytes): string =>
  `${tokenPrefix}${random(32).toString('base64url')}`;

/** What the store keeps of a token: its hex SHA-256. */
export const hashToken = (token: string): string =>
  createHash('sha256').update(token, 'utf8').digest('hex');

/** True when `text` could be a token at all (not absurdly long), before hashing it. */
export const mayBeToken = (text: string): boolean =>
  text.length > 0 && text.length <= maxTokenLength;

const shown = (value: string): string => quoted(value, 70);

export function checkProjectId(projectId: string): string {
  if (!projectIdPattern.test(projectId)) {
    throw new InvalidCredentialInputError(
      `project id ${shown(projectId)} is not valid: expected 1 to 64 letters, digits, '-' or '_'.`,
    );
  }
  return projectId;
}

export function checkAk(ak: string): string {
  if (!akPattern.test(ak)) {
    throw new InvalidCredentialInputError(
      `AK ${shown(ak)} is not valid: expected 1 to 64 letters, digits, '-' or '_'.`,
    );
  }
  return ak;
}

/** Checks an explicit SK; the message never repeats it. */
export function checkSk(sk: string): string {
  if (!skPattern.test(sk)) {
    const why =
      sk.length < 8 || sk.length > 128
        ? `it has ${sk.length} characters`
        : 'it contains a space or a character that is not printable ASCII';
    throw new InvalidCredentialInputError(
      `the SK is not valid (${why}): expected 8 to 128 printable ASCII characters without spaces.`,
    );
  }
  return sk;
}

export function checkTokenTtl(ttlMs: number): number {
  if (!Number.isInteger(ttlMs) || ttlMs < tokenTtlLimits.minMs || ttlMs > tokenTtlLimits.maxMs) {
    throw new InvalidCredentialInputError(
      `a token lifetime of ${ttlMs} ms is not valid: expected from 1 second to 365 days.`,
    );
  }
  return ttlMs;
}
