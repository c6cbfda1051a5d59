import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SecretKeyError, keyCheckSetting, openSecretKey } from '../../src/auth/open-secret-key.js';
import { keyCheckValue } from '../../src/auth/sk-cipher.js';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/store.js';
import type { CredentialStore } from '../../src/store/credential-store.js';
import { testBackends } from '../support/backends.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'scalelog-key-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const fileSource = (path: string) => ({ secretKey: undefined, secretKeyFile: path });
const keySource = (key: Buffer) => ({
  secretKey: key.toString('base64'),
  secretKeyFile: join(dir, 'unused', 'scalelog.key'),
});

/** The message of what `promise` rejects with, checking it is a SecretKeyError. */
async function refusal(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SecretKeyError);
  return (error as Error).message;
}

for (const backend of testBackends) {
  describe.skipIf(!backend.available)(`openSecretKey: ${backend.name}`, () => {
    let store: Store & CredentialStore;
    let cleanup: () => Promise<void>;
    beforeEach(async () => {
      const fresh = await backend.fresh();
      cleanup = fresh.cleanup;
      store = await openStore(fresh.url);
    });
    afterEach(async () => {
      await store.close();
      await cleanup();
    });

    it('creates an owner-only key file on first use, records its check, and reuses it', async () => {
      const path = join(dir, 'new', 'dir', 'scalelog.key');
      const first = await openSecretKey(fileSource(path), store);
      expect(first.createdKeyFile).toBe(path);
      expect((await stat(path)).mode & 0o777).toBe(0o600);
      expect((await stat(join(dir, 'new', 'dir'))).mode & 0o777).toBe(0o700);
      const text = await readFile(path, 'utf8');
      expect(text).toMatch(/^[A-Za-z0-9+/]{43}=\n$/);
      const key = Buffer.from(text, 'base64');
      expect(await store.getSetting(keyCheckSetting)).toBe(keyCheckValue(key));
      expect(JSON.stringify(await store.getSetting(keyCheckSetting))).not.toContain(text.trim());

      const sealed = first.cipher.seal('the sk', 'AK1');
      const again = await openSecretKey(fileSource(path), store);
      expect(again.createdKeyFile).toBeUndefined();
      expect(again.cipher.open(sealed, 'AK1')).toBe('the sk');
      expect(await readFile(path, 'utf8')).toBe(text);
    });

    it('uses a configured key, creating no file, and opens what the same key sealed', async () => {
      const key = randomBytes(32);
      const opened = await openSecretKey(keySource(key), store);
      expect(opened.createdKeyFile).toBeUndefined();
      await expect(stat(join(dir, 'unused'))).rejects.toThrow();
      const sealed = opened.cipher.seal('the sk', 'AK1');
      // The same key in a key file is the same key.
      const path = join(dir, 'copy.key');
      await writeFile(path, `${key.toString('base64')}\n`);
      expect((await openSecretKey(fileSource(path), store)).cipher.open(sealed, 'AK1')).toBe(
        'the sk',
      );
    });

    it('refuses a key the store was not set up with, and never shows a key', async () => {
      const key = randomBytes(32);
      await openSecretKey(keySource(key), store);
      const other = randomBytes(32);
      const message = await refusal(openSecretKey(keySource(other), store));
      expect(message).toContain('SCALELOG_SECRET_KEY');
      expect(message).toContain(`is not the key the store at ${store.location} was set up with`);
      expect(message).toContain('SCALELOG_SECRET_KEY_FILE');
      for (const k of [key, other]) {
        expect(message).not.toContain(k.toString('base64').slice(0, 20));
        expect(message).not.toContain(k.toString('hex').slice(0, 20));
      }
      const path = join(dir, 'other.key');
      await writeFile(path, other.toString('base64'));
      expect(await refusal(openSecretKey(fileSource(path), store))).toContain(
        `the secret key file ${path} is not the key`,
      );
    });

    it('does not make a new key file when the store already has a key', async () => {
      await openSecretKey(keySource(randomBytes(32)), store);
      const path = join(dir, 'missing', 'scalelog.key');
      const message = await refusal(openSecretKey(fileSource(path), store));
      expect(message).toBe(
        `there is no secret key file at ${path}, but the store at ${store.location} was set up with a secret key: ` +
          'give that key through SCALELOG_SECRET_KEY (setting secretKey), or give its key file through ' +
          'SCALELOG_SECRET_KEY_FILE (setting secretKeyFile).',
      );
      await expect(stat(path)).rejects.toThrow();
    });

    it('refuses a key file that holds no key', async () => {
      const path = join(dir, 'bad.key');
      await writeFile(path, 'not a key\n');
      expect(await refusal(openSecretKey(fileSource(path), store))).toContain(
        `the secret key file ${path} does not hold a secret key`,
      );
      expect(await store.getSetting(keyCheckSetting)).toBeUndefined();
    });

    it('reports a key file it may not read as a failure, not a wrong key', async () => {
      const path = join(dir, 'a-directory.key');
      await mkdir(path);
      const error = await openSecretKey(fileSource(path), store).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(Error);
      expect(error).not.toBeInstanceOf(SecretKeyError);
      expect((error as Error).message).toContain(`cannot read the secret key file ${path}`);
    });
  });
}

describe('openSecretKey: two first starts at once', () => {
  it('ends with one key file, which both use', async () => {
    const sqlite = testBackends.find((b) => b.name === 'sqlite');
    if (sqlite === undefined) throw new Error('no sqlite backend');
    const fresh = await sqlite.fresh();
    const store = await openStore(fresh.url);
    try {
      const path = join(dir, 'scalelog.key');
      const [a, b] = await Promise.all([
        openSecretKey(fileSource(path), store),
        openSecretKey(fileSource(path), store),
      ]);
      expect([a.createdKeyFile, b.createdKeyFile].filter((p) => p !== undefined)).toEqual([path]);
      expect(b.cipher.open(a.cipher.seal('shared', 'AK'), 'AK')).toBe('shared');
    } finally {
      await store.close();
      await fresh.cleanup();
    }
  });
});

describe('openSecretKey for an in-memory store', () => {
  it('seals with a key kept in memory, reading and writing no key file', async () => {
    const store = await openStore('sqlite::memory:');
    try {
      const path = join(dir, 'data', 'scalelog.key');
      const opened = await openSecretKey({ ...fileSource(path), ephemeral: true }, store);
      expect(opened.createdKeyFile).toBeUndefined();
      expect(existsSync(join(dir, 'data'))).toBe(false);
      const sealed = opened.cipher.seal('a-secret-key', 'AK1');
      expect(opened.cipher.open(sealed, 'AK1')).toBe('a-secret-key');
      // The store records the check of that key, as for any other.
      expect(await store.getSetting(keyCheckSetting)).toBeDefined();
    } finally {
      await store.close();
    }
  });

  it('still takes secretKey when it is given', async () => {
    const store = await openStore('sqlite::memory:');
    try {
      const key = randomBytes(32);
      await openSecretKey({ ...keySource(key), ephemeral: true }, store);
      expect(await store.getSetting(keyCheckSetting)).toBe(keyCheckValue(key));
    } finally {
      await store.close();
    }
  });
});
