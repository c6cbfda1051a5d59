import { createHash } from 'node:crypto';
import { readdir, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { describe, expect, it } from 'vitest';
import { spoolBody } from '../../src/api/spool-body.js';

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
