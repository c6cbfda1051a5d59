import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.js';
import { openStore } from '../../src/store/open-store.js';
import { testBackends } from '../support/backends.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'scalelog-store-url-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** `url` with its scheme spelled another way, the rest unchanged. */
const withScheme = (url: string, scheme: string): string => url.replace(/^[a-z]+:/i, scheme);

describe('store URL schemes, in any case: SQLite', () => {
  it.each([['sqlite:'], ['SQLITE:'], ['Sqlite:'], ['sQlItE:']])(
    '%s through the config opens the file the URL names',
    async (scheme) => {
      const file = join(dir, `${scheme.slice(0, -1)}.db`);
      const config = await loadConfig({ env: { SCALELOG_DB: `${scheme}${file}` } });
      expect(config.db).toBe(`${scheme}${file}`);
      expect(config.secretKeyFile).toBe(join(dir, 'scalelog.key'));
      const store = await openStore(config.db);
      try {
        expect(store.backend).toBe('sqlite');
        expect(store.location).toBe(`sqlite:${file}`);
        expect(existsSync(file)).toBe(true);
        expect(existsSync(join(process.cwd(), `${scheme}${file}`))).toBe(false);
      } finally {
        await store.close();
      }
    },
  );

  it.each([['SQLITE:'], ['Sqlite:']])(
    '%s naming no file is refused by config and store alike',
    async (scheme) => {
      await expect(loadConfig({ env: { SCALELOG_DB: scheme } })).rejects.toThrow(
        'expected a file path, sqlite:PATH or postgres://',
      );
      await expect(openStore(scheme)).rejects.toThrow('names no file');
    },
  );
});

describe('the store refuses what the config refuses', () => {
  it.each([
    ['sqlite:   ', 'names no file'],
    ['SQLITE:  ', 'names no file'],
    ['   ', 'the store URL is empty'],
    ['POSTGRES://user:s3cret@h:notaport/db', 'is not a valid URL'],
    ['MySQL://user:s3cret@h/db', 'unsupported store URL'],
  ])('%j', async (url, why) => {
    await expect(loadConfig({ env: { SCALELOG_DB: url } })).rejects.toThrow(
      'expected a file path, sqlite:PATH or postgres://',
    );
    const opening = openStore(url);
    await expect(opening).rejects.toThrow(why);
    await expect(opening).rejects.not.toThrow('s3cret');
    expect(existsSync(join(process.cwd(), url))).toBe(false);
  });
});

const postgres = testBackends.find((b) => b.name === 'postgres');

describe.skipIf(postgres?.available !== true)('store URL schemes, in any case: PostgreSQL', () => {
  it.each([
    ['postgres:'],
    ['POSTGRES:'],
    ['Postgres:'],
    ['postgresql:'],
    ['POSTGRESQL:'],
    ['PostgreSQL:'],
  ])('%s through the config opens the PostgreSQL store', async (scheme) => {
    if (postgres === undefined) throw new Error('no postgres backend');
    const fresh = await postgres.fresh();
    try {
      const url = withScheme(fresh.url, scheme);
      const config = await loadConfig({ env: { SCALELOG_DB: url } });
      expect(config.db).toBe(url);
      const store = await openStore(config.db);
      try {
        expect(store.backend).toBe('postgres');
        await store.ping();
      } finally {
        await store.close();
      }
    } finally {
      await fresh.cleanup();
    }
  });
});
