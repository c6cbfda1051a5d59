import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { describe, expect, it } from 'vitest';
import { removeStaleSpools, spoolBody } from '../../src/http/spool-body.js';

const chunks = (...parts: string[]): Readable =>
  Readable.from(
    parts.map((p) => Buffer.from(p)),
    { objectMode: false },
  );

async function spoolFolders(): Promise<string[]> {
  return (await readdir(tmpdir())).filter((name) => name.startsWith('scalelog-body-'));
}

describe('spoolBody', () => {
  it('writes the body to an owner-only file, hashing and counting it, and removes it', async () => {
    const seen: string[] = [];
    const spooled = await spoolBody(chunks('{"a":', '1}\n', '{"b":2}\n'), {
      limitBytes: 100,
      onChunk: (c) => seen.push(c.toString()),
    });
    try {
      const body = '{"a":1}\n{"b":2}\n';
      expect(spooled.bytes).toBe(body.length);
      expect(spooled.sha256Hex).toBe(createHash('sha256').update(body).digest('hex'));
      expect(seen).toEqual(['{"a":', '1}\n', '{"b":2}\n']);
      expect(await text(spooled.read())).toBe(body);
      const folders = await spoolFolders();
      const modes = await Promise.all(
        folders.map(
          async (f) => (await stat(`${tmpdir()}/${f}/body`).catch(() => undefined))?.mode,
        ),
      );
      // Some folder holds it, readable by its owner only.
      expect(modes.flatMap((m) => (m === undefined ? [] : [m & 0o777]))).toContain(0o600);
    } finally {
      await spooled.remove();
      await spooled.remove();
    }
    await expect(text(spooled.read())).rejects.toThrow(/ENOENT/);
  });

  it('refuses a body past the limit with the 413 error and leaves no file', async () => {
    const before = (await spoolFolders()).length;
    await expect(
      spoolBody(chunks('12345', '67890', 'x'), { limitBytes: 10 }),
    ).rejects.toMatchObject({ code: 'FST_ERR_CTP_BODY_TOO_LARGE' });
    expect((await spoolFolders()).length).toBeLessThanOrEqual(before);
  });

  it('refuses a body shorter or longer than its Content-Length', async () => {
    for (const contentLength of [4, 6]) {
      await expect(
        spoolBody(chunks('12345'), { limitBytes: 10, contentLength }),
      ).rejects.toMatchObject({ code: 'FST_ERR_CTP_INVALID_CONTENT_LENGTH' });
    }
    const exact = await spoolBody(chunks('12345'), { limitBytes: 5, contentLength: 5 });
    expect(exact.bytes).toBe(5);
    await exact.remove();
  });

  it('takes an empty body', async () => {
    const empty = await spoolBody(chunks(), { limitBytes: 10 });
    expect(empty.bytes).toBe(0);
    expect(empty.sha256Hex).toBe(createHash('sha256').digest('hex'));
    await empty.remove();
  });
});

describe('removeStaleSpools', () => {
  it('removes spool folders older than the limit, and nothing else', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'scalelog-spools-'));
    try {
      const day = 24 * 60 * 60 * 1000;
      const now = Date.now();
      const make = async (name: string, ageMs: number, file = true): Promise<string> => {
        const path = join(folder, name);
        if (file) {
          await mkdir(path);
          await writeFile(join(path, 'body'), 'x');
        } else {
          await writeFile(path, 'x');
        }
        const at = new Date(now - ageMs);
        await utimes(path, at, at);
        return path;
      };
      await make('scalelog-body-old', 2 * day);
      await make('scalelog-body-young', 60_000);
      // Not ours: another prefix, or a file with our prefix.
      await make('other-old', 2 * day);
      await make('scalelog-body-file', 2 * day, false);

      expect(await removeStaleSpools({ folder, now })).toBe(1);
      expect((await readdir(folder)).sort()).toStrictEqual([
        'other-old',
        'scalelog-body-file',
        'scalelog-body-young',
      ]);
      // A shorter limit takes the young one too; a folder that is not there is no failure.
      expect(await removeStaleSpools({ folder, now, olderThanMs: 1000 })).toBe(1);
      expect(await removeStaleSpools({ folder: join(folder, 'missing'), now })).toBe(0);
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });
});
