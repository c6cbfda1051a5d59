import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { errorCodes } from 'fastify';

/** The name every spool folder starts with, under the system's temporary folder. */
export const spoolPrefix = 'scalelog-body-';

/** A spool folder this old belongs to no request: they last as long as one ingest. */
export const staleSpoolAgeMs = 24 * 60 * 60 * 1000;

/**
 * Removes the spool folders (see {@link spoolBody}) last changed more than `olderThanMs`
 * ago: what a server killed mid-ingest left behind, since nothing else removes them. Best
 * effort: a folder that cannot be read or removed is left, and the number removed returned.
 * Other servers on the machine share the folder; theirs are young.
 */
export async function removeStaleSpools(
  options: { readonly folder?: string; readonly olderThanMs?: number; readonly now?: number } = {},
): Promise<number> {
  const folder = options.folder ?? tmpdir();
  const cutoff = (options.now ?? Date.now()) - (options.olderThanMs ?? staleSpoolAgeMs);
  let names: string[];
  try {
    names = (await readdir(folder)).filter((name) => name.startsWith(spoolPrefix));
  } catch {
    return 0;
  }
  let removed = 0;
  for (const name of names) {
    const path = join(folder, name);
    try {
      const info = await stat(path);
      if (!info.isDirectory() || info.mtimeMs > cutoff) continue;
      await rm(path, { recursive: true, force: true });
      removed += 1;
    } catch {
      // Gone in the meantime, or not ours to remove.
    }
  }
  return removed;
}

/** A request body written to a private temporary file, with what was learnt on the way. */
export interface SpooledBody {
  /** Bytes received. */
  readonly bytes: number;
  /** Hex SHA-256 of the bytes, as an AK/SK signature covers them. */
  readonly sha256Hex: string;
  /** The bytes again (up to and including byte `end`, if given), read a chunk at a time. */
  read(options?: { readonly end?: number }): Readable;
  /** Deletes the file (and its folder); safe to call more than once. */
  remove(): Promise<void>;
}

export interface SpoolOptions {
  /** More bytes than this is a 413 (Fastify's body-too-large error), the file deleted. */
  readonly limitBytes: number;
  /** The `Content-Length` the client sent, if any: a body of another length is a 400. */
  readonly contentLength?: number | undefined;
  /** Sees every chunk as it arrives (before it is written). */
  readonly onChunk?: (chunk: Buffer) => void;
}

/**
 * Writes `payload` to a file only the server's user can read, in a folder of its own under
 * the system's temporary folder, hashing it on the way: memory holds a chunk at a time
 * whatever the body's size, and nothing is parsed or stored until the caller has checked
 * the hash. The caller must `remove()` the file when done; on any failure here (413, a
 * short body, a client gone, a full disk) it is already removed and the error thrown.
 */
export async function spoolBody(payload: Readable, options: SpoolOptions): Promise<SpooledBody> {
  const folder = await mkdtemp(join(tmpdir(), spoolPrefix));
  const path = join(folder, 'body');
  let removed = false;
  const remove = async (): Promise<void> => {
    if (removed) return;
    removed = true;
    await rm(folder, { recursive: true, force: true });
  };
  const hash = createHash('sha256');
  let bytes = 0;
  const file = createWriteStream(path, { flags: 'wx', mode: 0o600 });
  let fileError: Error | undefined;
  file.on('error', (e: Error) => {
    fileError ??= e;
  });
  try {
    // Not destroyed when this loop stops early (413): that would close the connection before
    // the answer is sent. The route discards the rest once it has answered.
    for await (const chunk of payload.iterator({ destroyOnReturn: false })) {
      if (fileError !== undefined) throw fileError;
      const buf = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
      bytes += buf.length;
      if (bytes > options.limitBytes) throw new errorCodes.FST_ERR_CTP_BODY_TOO_LARGE();
      options.onChunk?.(buf);
      hash.update(buf);
      // Wait for the disk when it is slower than the network: memory stays one chunk.
      if (!file.write(buf)) await once(file, 'drain');
    }
    if (options.contentLength !== undefined && bytes !== options.contentLength) {
      throw new errorCodes.FST_ERR_CTP_INVALID_CONTENT_LENGTH();
    }
    file.end();
    await finished(file);
  } catch (e: unknown) {
    file.destroy();
    await remove();
    // A client that went away mid-body ("aborted", ECONNRESET) is the client's failure, as
    // Fastify treats it for the bodies it reads: a 4xx, answered to nobody, logged in a line.
    if (
      e instanceof Error &&
      e !== fileError &&
      (e as { statusCode?: unknown }).statusCode === undefined
    ) {
      Object.assign(e, { statusCode: 400 });
    }
    throw e;
  }
  return {
    bytes,
    sha256Hex: hash.digest('hex'),
    read: (options) =>
      createReadStream(path, options?.end === undefined ? {} : { end: options.end }),
    remove,
  };
}
