import { Readable } from 'node:stream';
import type { FastifyPluginCallback } from 'fastify';
import { apiErrors } from '../domain/api-error.js';
import { projectIdPattern } from '../domain/project-id.js';
import { ImportAbortedError, importNdjson } from '../ingest/import-ndjson.js';
import type { Store } from '../store/store.js';
import { acceptAsIs } from './accept-as-is.js';
import { parseProjectId } from './parse-project-id.js';
import { rawQuery } from './raw-query.js';
import { errorResponses, wireSchemas } from './wire-schemas.js';

export interface IngestRoutesDeps {
  readonly store: Store;
}

interface ImportReportBody {
  lines: number;
  inserted: number;
  updated: number;
  unchanged: number;
  skipped_count: number;
  skipped: { line: number; message: string }[];
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

/** Whether `body` is empty or only a byte order mark and white space: no line to import. */
function holdsNoLine(body: Buffer): boolean {
  const start = body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf ? 3 : 0;
  for (let i = start; i < body.length; i += 1) {
    const byte = body[i];
    if (byte !== 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0d) return false;
  }
  return true;
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
    // This plugin is its own encapsulation context, so these parsers replace Fastify's
    // defaults (JSON, text) for the ingest route only. Bodies stay raw bytes: the import
    // splits and parses lines itself, and Fastify's bodyLimit still applies.
    app.removeAllContentTypeParsers();
    app.addContentTypeParser(
      'application/x-ndjson',
      { parseAs: 'buffer' },
      (_request, body, parsed) => {
        parsed(null, body);
      },
    );
    app.addContentTypeParser(
      'application/json',
      { parseAs: 'buffer' },
      (_request, body, parsed) => {
        parsed(null, jsonBodyAsNdjson(body as Buffer));
      },
    );

    app.post<{ Params: { project_id: string }; Reply: ImportReportBody }>(
      ingestPath,
      {
        config: { acceptedTypes: ingestTypes },
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
                  ...wireSchemas.executeLog,
                  description: 'NDJSON lines, or one log object.',
                },
              },
            },
          },
          response: {
            200: { ...wireSchemas.importReport, description: 'What the import did.' },
            ...errorResponses([400, 401, 403, 406, 413, 415, 500, 503, 504]),
          },
        },
        // skip_invalid is read from the raw query (repeats are refused) and the body by the
        // import, which names the bad line; the schema only documents.
        validatorCompiler: acceptAsIs,
      },
      async (request) => {
        const projectId = parseProjectId(request.params.project_id);
        const skipInvalid = parseSkipInvalid(request.url);
        // Fastify skips body parsing for a request with neither body nor Content-Type.
        const body: unknown = request.body;
        // Nothing to import is a mistake, not an import of nothing: `curl --data-binary @FILE`
        // sends an empty body when FILE is missing.
        if (!Buffer.isBuffer(body) || holdsNoLine(body)) {
          throw apiErrors.ingestBodyEmpty();
        }
        try {
          const report = await importNdjson(deps.store, Readable.from([body]), {
            skipInvalid,
            projectId,
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
        }
      },
    );
    done();
  };
}
