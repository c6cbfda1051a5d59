import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { writeLines } from '../../src/cli/write-lines.js';

/** A reader that takes one chunk per turn of the event loop, like a slow pipe. */
class SlowReader extends Writable {
  readonly received: string[] = [];
  constructor(readonly failAfter?: { readonly chunks: number; readonly code: string }) {
    super({ highWaterMark: 64, decodeStrings: false });
  }
  override _write(
    chunk: string,
    _encoding: BufferEncoding,
    callback: (error?: Error | null) => void,
  ): void {
    setImmediate(() => {
      if (this.failAfter !== undefined && this.received.length >= this.failAfter.chunks) {
        callback(
          Object.assign(new Error(`write ${this.failAfter.code}`), { code: this.failAfter.code }),
        );
        return;
      }
      if (chunk !== '') this.received.push(chunk);
      callback();
    });
  }
}

/** Lines `0\n`..`n-1\n`, recording how far ahead of the reader the producer ever got. */
function producer(count: number, reader: SlowReader) {
  const state = { produced: 0, maxAhead: 0, finished: false };
  async function* lines(): AsyncGenerator<string> {
    try {
      for (let i = 0; i < count; i += 1) {
        // Like a store cursor, each line is produced asynchronously.
        await Promise.resolve();
        state.produced += 1;
        state.maxAhead = Math.max(state.maxAhead, state.produced - reader.received.length);
        yield `${'x'.repeat(20)} ${i}\n`;
      }
    } finally {
      state.finished = true;
    }
  }
  return { lines: lines(), state };
}

describe('writeLines', () => {
  it('writes every line in order and waits for the reader instead of buffering', async () => {
    const reader = new SlowReader();
    const { lines, state } = producer(500, reader);
    expect(await writeLines(reader, lines)).toBe('complete');
    expect(reader.received).toHaveLength(500);
    expect(reader.received[0]).toBe(`${'x'.repeat(20)} 0\n`);
    expect(reader.received[499]).toBe(`${'x'.repeat(20)} 499\n`);
    // 64 bytes of buffer hold at most three 25-byte lines (plus the one being written).
    expect(state.maxAhead).toBeLessThanOrEqual(5);
  });

  it('stops quietly, and stops the producer, when the reader goes away (EPIPE)', async () => {
    const reader = new SlowReader({ chunks: 10, code: 'EPIPE' });
    const { lines, state } = producer(100_000, reader);
    expect(await writeLines(reader, lines)).toBe('reader-gone');
    expect(reader.received).toHaveLength(10);
    expect(state.produced).toBeLessThan(100);
    expect(state.finished).toBe(true);
    // A late broken-pipe report must not crash the process.
    expect(() =>
      reader.emit('error', Object.assign(new Error('late'), { code: 'EPIPE' })),
    ).not.toThrow();
  });

  it('rejects on any other write error', async () => {
    const reader = new SlowReader({ chunks: 3, code: 'ENOSPC' });
    const { lines, state } = producer(1000, reader);
    await expect(writeLines(reader, lines)).rejects.toThrow('write ENOSPC');
    expect(state.finished).toBe(true);
  });

  it('completes with nothing to write', async () => {
    const reader = new SlowReader();
    expect(await writeLines(reader, producer(0, reader).lines)).toBe('complete');
    expect(reader.received).toEqual([]);
  });
});
