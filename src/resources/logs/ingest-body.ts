import type { Readable } from 'node:stream';
import type { FastifyRequest } from 'fastify';
import { isObject } from '../../shared/is-object.js';

/**
 * The ingest body as it arrives: not read by a parser but streamed to a file by the handler,
 * and looked at on the way (is it blank? one pretty-printed JSON log, or NDJSON?).
 */

export /** The `Content-Length` a client declared, if it declared one that is a number. */
function declaredLength(request: FastifyRequest): number | undefined {
  const value = request.headers['content-length'];
  if (value === undefined || !/^\d+$/.test(value)) return undefined;
  return Number(value);
}

/**
 * An `application/json` body is either NDJSON or one log object laid out in any way (an
 * autoscaler posting a single execution may pretty-print it). A body that parses as one
 * object becomes one line; anything else is read as NDJSON, so the import reports each bad
 * line by number.
 */
export function jsonBodyAsNdjson(body: Buffer): Buffer {
  try {
    const value: unknown = JSON.parse(body.toString('utf8'));
    if (isObject(value)) return Buffer.from(JSON.stringify(value));
  } catch {
    // Not one JSON document: NDJSON lines, checked line by line by the import.
  }
  return body;
}

/** Whether `bytes` from `start` on are only white space. */
function allWhite(bytes: Buffer, start: number): boolean {
  for (let i = start; i < bytes.length; i += 1) {
    const byte = bytes[i];
    if (byte !== 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0d) return false;
  }
  return true;
}

/** Whether the first (up to) 3 bytes of a body are only a byte order mark and white space. */
const blankHead = (head: Buffer): boolean =>
  allWhite(head, head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0);

/**
 * Watches a body go by, chunk by chunk, to tell whether it held no line at all (empty, or
 * only a byte order mark and white space). Stops looking at the first other byte.
 */
export function blankBodyWatcher(): {
  readonly see: (chunk: Buffer) => void;
  readonly blank: () => boolean;
} {
  let head = Buffer.alloc(0);
  let lineSeen = false;
  return {
    see(chunk) {
      if (lineSeen) return;
      let from = 0;
      if (head.length < 3) {
        from = Math.min(3 - head.length, chunk.length);
        head = Buffer.concat([head, chunk.subarray(0, from)]);
        if (head.length === 3 && !blankHead(head)) lineSeen = true;
      }
      if (!lineSeen && !allWhite(chunk, from)) lineSeen = true;
    },
    blank: () => !lineSeen && blankHead(head),
  };
}

/**
 * Whether an `application/json` body whose start is `head` reads the same as NDJSON
 * whatever follows: its first line holding anything is a JSON value by itself, so the body
 * is one JSON document only if nothing but white space follows, which NDJSON reads alike.
 * A first line that is no JSON by itself may open one pretty-printed log. A first line
 * longer than `head` is refused as too long either way.
 */
export function readsAsNdjson(head: Buffer): boolean {
  let start = 0;
  for (let nl = head.indexOf(10); nl !== -1; nl = head.indexOf(10, start)) {
    const line = head.toString('utf8', start, nl);
    if (line.trim() !== '') {
      try {
        JSON.parse(line);
        return true;
      } catch {
        return false;
      }
    }
    start = nl + 1;
  }
  return true;
}

/** The ingest body as its parser hands it on: the request stream, not read yet. */
export class UnreadBody {
  constructor(
    readonly stream: Readable,
    /** Sent as `application/json`: perhaps one pretty-printed object (see jsonBodyAsNdjson). */
    readonly json: boolean,
  ) {}
}
