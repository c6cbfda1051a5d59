import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { errorCodes } from 'fastify';
import type { FastifyPluginCallback, FastifyReply, FastifyRequest } from 'fastify';
import { apiErrors } from '../../errors/api-error.js';
import { projectIdPattern } from '../../domain/ids.js';
import { ImportAbortedError, importNdjson, maxLineBytes } from '../../ingest/import-ndjson.js';
import type { LogStore } from '../../store/log-store.js';
import { acceptAsIs } from '../../http/accept-as-is.js';
import { finishAuthentication } from '../../http/authenticate.js';
import { onceInQuery } from '../../http/raw-query.js';
import { spoolBody } from '../../http/spool-body.js';
import { errorResponses } from '../../http/error-schemas.js';
import { logSchemas } from '../../log-format/log-schemas.js';
import { logApiSchemas } from './schemas.js';
import {
  blankBodyWatcher,
  declaredLength,
  jsonBodyAsNdjson,
  readsAsNdjson,
  UnreadBody,
} from './ingest-body.js';

export interface IngestRoutesDeps {
  readonly store: LogStore;
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

/**
 * The refusal of a request without a body, after the check of the query (the path's project
 * was checked by authentication).
 */
function noLine(url: string): Error {
  parseSkipInvalid(url);
  return apiErrors.ingestBodyEmpty();
}

/** Where the ingest route is registered: Scalelog's own API of a project. */
export const ingestPrefix = '/scalelog/v1/:project_id';

/** The route's path under {@link ingestPrefix}. */
const ingestPath = '/execution_logs';

/** What the ingest endpoint reads, for the 415 message and the docs. */
export const ingestTypes = ['application/x-ndjson', 'application/json'] as const;

function parseSkipInvalid(url: string): boolean {
  const value = onceInQuery(url, 'skip_invalid');
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
 * path's project. Register it with the prefix `/scalelog/v1/:project_id`.
 */
export function ingestRoutes(deps: IngestRoutesDeps): FastifyPluginCallback {
  async function ingestExecutionLogs(
    request: FastifyRequest<{ Params: { project_id: string } }>,
    reply: FastifyReply,
  ): Promise<ImportReportBody> {
    const body: unknown = request.body;
    // Fastify skips body parsing for a request with neither body nor Content-Type.
    if (!(body instanceof UnreadBody)) {
      await finishAuthentication(request, new Uint8Array());
      throw noLine(request.url);
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
  }

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
    // skip_invalid is read from the raw query (repeats are refused) and the body by the
    // import, which names the bad line; the schemas only document.
    app.setValidatorCompiler(acceptAsIs);
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
      },
      ingestExecutionLogs,
    );
    done();
  };
}
