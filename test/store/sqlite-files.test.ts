import { chmod, mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/open-store.js';
import { manyLogs } from '../cli/wire-log-fixtures.js';
import { importNdjson } from '../../src/ingest/import-ndjson.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'scalelog-files-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const modeOf = async (path: string): Promise<string> =>
  ((await stat(path)).mode & 0o777).toString(8);

/**
 * Writes to the store at `dir/data/scalelog.db`, and checks the modes of the -wal and -shm
 * files while it is open (they exist until its last connection closes).
 */
async function write(url: string, walMode: string): Promise<void> {
  const store = await openStore(url);
  try {
    const lines = manyLogs(50)
      .map((log) => JSON.stringify(log))
      .join('\n');
    const report = await importNdjson(store, Readable.from([Buffer.from(lines)]), {
      skipInvalid: false,
    });
    expect(report.inserted).toBe(50);
    expect(await modeOf(join(dir, 'data', 'scalelog.db-wal'))).toBe(walMode);
    expect(await modeOf(join(dir, 'data', 'scalelog.db-shm'))).toBe(walMode);
  } finally {
    await store.close();
  }
}

describe('an SQLite store on disk', () => {
  it('creates its folder 0700 and its database, -wal and -shm files 0600', async () => {
    await write(`sqlite:${join(dir, 'data', 'scalelog.db')}`, '600');
    expect(await modeOf(join(dir, 'data'))).toBe('700');
    expect(await modeOf(join(dir, 'data', 'scalelog.db'))).toBe('600');
  });

  it('leaves the mode of a folder and a database that exist already', async () => {
    await mkdir(join(dir, 'data'), { mode: 0o750 });
    await chmod(join(dir, 'data'), 0o750);
    const db = join(dir, 'data', 'scalelog.db');
    await (await openStore(db)).close();
    await chmod(db, 0o640);
    // SQLite gives the -wal and -shm files the database's mode.
    await write(db, '640');
    expect(await modeOf(join(dir, 'data'))).toBe('750');
    expect(await modeOf(db)).toBe('640');
  });

  it('names a file that is not a database, and leaves it as it was', async () => {
    const readme = join(dir, 'README.md');
    await writeFile(readme, '# Not a database\n\nJust text, long enough to fill a header.\n');
    await expect(openStore(readme)).rejects.toThrow(
      `cannot open the store: ${readme} is not a SQLite database (SQLite: "file is not a database")`,
    );
    expect(await readFile(readme, 'utf8')).toBe(
      '# Not a database\n\nJust text, long enough to fill a header.\n',
    );
    expect(await readdir(dir)).toEqual(['README.md']);
  });

  it('names a folder given as the database', async () => {
    await expect(openStore(dir)).rejects.toThrow(
      `cannot open the store: ${dir} is a folder, not a SQLite database file`,
    );
  });
});
