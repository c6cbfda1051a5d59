import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { errorCodes } from 'fastify';
import type { FastifyPluginCallback, FastifyRequest } from 'fastify';
import { apiErrors } from '../../errors/api-error.js';
import { projectIdPattern } from '../../domain/project-id.js';
import { ImportAbortedError, importNdjson, maxLineBytes } from '../../ingest/import-ndjson.js';
import type { Store } from '../../store/store.js';
import { acceptAsIs } from '../../http/accept-as-is.js';
import { finishAuthentication } from '../../http/authenticate.js';
import { parseProjectId } from '../../http/parse-project-id.js';
import { rawQuery } from '../../http/raw-query.js';
import { spoolBody } from '../../http/spool-body.js';
import { errorResponses } from '../../http/error-schemas.js';
import { logSchemas } from '../../log-format/log-schemas.js';
import { logApiSchemas } from './log-schemas.js';

export interface IngestRoutesDeps {
  readonly store: Store;
  /** The largest body accepted (413 past it), the setting `bodyLimitBytes`. */
  readonly bodyLimitBytes: number;
}

interface ImportReportBody {
  lines: number;
  inserted: number;
  updated: number;
  unchanged: number;
  skipped_count: number;
  skipped: { line: number; message: string }[];
}

/**
 * Logs per batch of an HTTP ingest. A batch is written synchronously on SQLite: 200 logs
 * kept the event loop's longest pause at about 4-11 ms where 500 reached 5-35 ms (first,
 * unoptimised batches) and up to 67 ms for updates, for the same total time.
 */
const ingestBatchSize = 200;

/** The `Content-Length` a client declared, if it declared one that is a number. */
function declaredLength(request: FastifyRequest): number | undefined {
  const value = request.headers['content-length'];
  if (value === undefined || !/^\d+$/.test(value)) return undefined;
  return Number(value);
}

/** The refusal of a request without a body, after the checks of the path and query. */
function noLine(projectId: string, url: string): Error {
  parseProjectId(projectId);
  parseSkipInvalid(url);
  return apiErrors.ingestBodyEmpty();
}

export const ingestPath = '/scalelog/v1/:project_id/execution_logs';

/** What the ingest endpoint reads, for the 415 message and the docs. */
export const ingestTypes = ['application/x-ndjson', 'application/json'] as const;

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * An `application/json` body is either NDJSON or one log object laid out in any way (an
 * autoscaler posting a single execution may pretty-print it). A body that parses as one
 * object becomes one line; anything else is read as NDJSON, so the import reports each bad
 * line by number.
 */
function jsonBodyAsNdjson(body: Buffer): Buffer {
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
function blankBodyWatcher(): {
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
function readsAsNdjson(head: Buffer): boolean {
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
class UnreadBody {
  constructor(
    readonly stream: Readable,
    /** Sent as `application/json`: perhaps one pretty-printed object (see jsonBodyAsNdjson). */
    readonly json: boolean,
  ) {}
}

function parseSkipInvalid(url: string): boolean {
  const values = rawQuery(url)
    .filter(([key]) => key === 'skip_invalid')
    .map(([, value]) => value);
  if (values.length > 1) {
    throw apiErrors.badRequestBody(
      'Parameter skip_invalid is given more than once; give it at most once.',
    );
  }
  const value = values[0];
  if (value === undefined || value === 'false') return false;
  if (value === 'true') return true;
  throw apiErrors.badRequestBody(
    `Invalid skip_invalid ${JSON.stringify(value)}: expected true or false.`,
  );
}

/**
 * `POST /scalelog/v1/{project_id}/execution_logs`: Scalelog's own endpoint (not the cloud's)
 * for autoscalers that report executions remotely. The same rules as `scalelog import`,
 * through the same code: idempotent by id, a newer record updates an older one, a bad line
 * aborts the whole request unless `skip_invalid=true`, and every log must belong to the
 * path's project.
 */
export function ingestRoutes(deps: IngestRoutesDeps): FastifyPluginCallback {
  return (app, _options, done) => {
    // This plugin is its own encapsulation context, so these parsers replace the app's for
    // the ingest route only. They read nothing: the handler streams the body to a file after
    // every check that does not need it (see authenticate's streamedBody), so memory holds a
    // chunk whatever the body's size. Fastify counts the body limit only for bodies it reads
    // itself: a declared length past it is refused here, before authentication as for the
    // JSON routes, and a body that turns out longer while read is refused by spoolBody.
    const unread =
      (json: boolean) =>
      (
        request: FastifyRequest,
        payload: Readable,
        done: (error: Error | null, body?: unknown) => void,
      ): void => {
        const declared = declaredLength(request);
        if (declared !== undefined && declared > deps.bodyLimitBytes) {
          done(new errorCodes.FST_ERR_CTP_BODY_TOO_LARGE(), undefined);
          return;
        }
        done(null, new UnreadBody(payload, json));
      };
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('application/x-ndjson', unread(false));
    app.addContentTypeParser('application/json', unread(true));

    app.post<{ Params: { project_id: string }; Reply: ImportReportBody }>(
      ingestPath,
      {
        config: {
          acceptedTypes: ingestTypes,
          streamedBody: true,
          bodyLimitSetting: 'bodyLimitBytes',
          resendIsSafe: true,
        },
        bodyLimit: deps.bodyLimitBytes,
        schema: {
          summary: 'Report execution logs (NDJSON)',
          description:
            'One log per line in the wire shape of a log; tenant_id must be the path project. Idempotent by id; a newer record (EXECUTING that became SUCCESS) updates the stored one. By default the first bad line aborts the request with 400 AS.0022 naming the line, and nothing is written; with skip_invalid=true the good lines are written and the bad ones reported.',
          tags: ['ingest'],
          params: {
            type: 'object',
            required: ['project_id'],
            properties: { project_id: { type: 'string', pattern: projectIdPattern.source } },
          },
          querystring: {
            type: 'object',
            properties: {
              skip_invalid: {
                type: 'string',
                enum: ['true', 'false'],
                default: 'false',
                description: 'Write the good lines and report the bad ones instead of aborting.',
              },
            },
          },
          body: {
            content: {
              'application/x-ndjson': {
                schema: { type: 'string', description: 'One log object per line.' },
              },
              'application/json': {
                schema: {
                  ...logSchemas.executeLog,
                  description: 'NDJSON lines, or one log object.',
                },
              },
            },
          },
          response: {
            200: { ...logApiSchemas.importReport, description: 'What the import did.' },
            ...errorResponses([400, 401, 403, 406, 413, 415, 500, 503, 504]),
          },
        },
        // skip_invalid is read from the raw query (repeats are refused) and the body by the
        // import, which names the bad line; the schema only documents.
        validatorCompiler: acceptAsIs,
      },
      async (request, reply) => {
        const body: unknown = request.body;
        // Fastify skips body parsing for a request with neither body nor Content-Type.
        if (!(body instanceof UnreadBody)) {
          await finishAuthentication(request, new Uint8Array());
          throw noLine(request.params.project_id, request.url);
        }
        // Answered before the whole body was read (413, a signature refused...): discard the
        // rest, so a keep-alive connection can carry the next request.
        reply.raw.once('finish', () => {
          if (!body.stream.readableEnded) body.stream.resume();
        });
        const watcher = blankBodyWatcher();
        const spooled = await spoolBody(body.stream, {
          limitBytes: deps.bodyLimitBytes,
          contentLength: declaredLength(request),
          onChunk: watcher.see,
        });
        try {
          // Nothing is parsed or written before the signature over these bytes is checked.
          await finishAuthentication(request, spooled);
          const { projectId } = request;
          const skipInvalid = parseSkipInvalid(request.url);
          // Nothing to import is a mistake, not an import of nothing: `curl --data-binary
          // @FILE` sends an empty body when FILE is missing.
          if (watcher.blank()) throw apiErrors.ingestBodyEmpty();
          // A JSON body that may be one pretty-printed log is read whole, as it always was
          // (see jsonBodyAsNdjson): a small one, or a large one whose first line is no JSON
          // by itself. Any other body is NDJSON, streamed from the file.
          const whole =
            body.json &&
            (spooled.bytes <= maxLineBytes ||
              !readsAsNdjson(await buffer(spooled.read({ end: maxLineBytes }))));
          const input = whole
            ? Readable.from([jsonBodyAsNdjson(await buffer(spooled.read()))])
            : spooled.read();
          const report = await importNdjson(deps.store, input, {
            skipInvalid,
            projectId,
            batchSize: ingestBatchSize,
          });
          return {
            lines: report.lines,
            inserted: report.inserted,
            updated: report.updated,
            unchanged: report.unchanged,
            skipped_count: report.skippedCount,
            skipped: report.skipped.map((s) => ({ line: s.line, message: s.message })),
          };
        } catch (e: unknown) {
          if (e instanceof ImportAbortedError) throw apiErrors.badRequestBody(e.message);
          throw e;
        } finally {
          await spooled.remove();
        }
      },
    );
    done();
  };
}
