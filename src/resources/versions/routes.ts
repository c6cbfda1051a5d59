import type { FastifyPluginCallback, FastifyReply, FastifyRequest } from 'fastify';
import Negotiator from 'negotiator';
import { docsPrefix } from '../../http/register-docs.js';
import { errorResponses } from '../../http/error-schemas.js';
import { versionSchemas } from './schemas.js';

/** The AS API's versions, as the cloud lists them: v1 the current one, v2 supported. */
const apiVersions = [
  { id: 'v1', status: 'CURRENT', updated: '2016-06-30T00:00:00Z' },
  { id: 'v2', status: 'SUPPORTED', updated: '2018-03-30T00:00:00Z' },
] as const;

type ApiVersion = (typeof apiVersions)[number];

/** The paths these routes answer; no credentials are asked there (see {@link versionRoutes}). */
export const versionPaths = ['/', ...apiVersions.map((v) => `/${v.id}`)] as const;

/** One version document, its link on the server the client reached. */
function versionToWire(request: FastifyRequest, v: ApiVersion) {
  return {
    id: v.id,
    links: [
      { href: `${request.protocol}://${request.host}/autoscaling-api/${v.id}/`, rel: 'self' },
    ],
    min_version: '',
    status: v.status,
    updated: v.updated,
    version: '',
  };
}

/** Whether the client prefers an HTML page (a browser) to the JSON document. */
const prefersHtml = (accept: string | undefined): boolean =>
  accept !== undefined &&
  new Negotiator({ headers: { accept } }).mediaType(['application/json', 'text/html']) ===
    'text/html';

async function listVersions(request: FastifyRequest, reply: FastifyReply) {
  // A browser opening the server's address is sent on to the API's documentation.
  if (prefersHtml(request.headers.accept)) return reply.redirect(docsPrefix, 302);
  return { versions: apiVersions.map((v) => versionToWire(request, v)) };
}

/**
 * `GET /` (Querying API Versions) and `GET /v1`, `GET /v2` (Querying an API Version), as the
 * cloud answers them. They describe the API, nothing of a project, so they are answered
 * without credentials, like the probes and the docs; a signed request (the SDK signs every
 * call) is answered the same. Another version is 404 APIGW.0101, as any unknown path.
 */
export function versionRoutes(): FastifyPluginCallback {
  return (app, _options, done) => {
    app.get(
      '/',
      {
        schema: {
          summary: 'Query API versions',
          description:
            'v1 (CURRENT) and v2 (SUPPORTED). No credentials needed. A browser (Accept preferring text/html) is redirected to the docs.',
          tags: ['api versions'],
          security: [],
          response: {
            200: versionSchemas.versions,
            302: { type: 'null', description: 'To the docs, for a browser.' },
            ...errorResponses([406, 500]),
          },
        },
      },
      listVersions,
    );
    for (const v of apiVersions) {
      app.get(
        `/${v.id}`,
        {
          schema: {
            summary: `Query API version ${v.id}`,
            description: 'No credentials needed.',
            tags: ['api versions'],
            security: [],
            response: { 200: versionSchemas.version, ...errorResponses([406, 500]) },
          },
        },
        (request) => ({ version: versionToWire(request, v) }),
      );
    }
    done();
  };
}
