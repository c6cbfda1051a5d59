/**
 * The AS API's version documents (Querying API Versions, Querying an API Version), in the
 * shape and key order of the cloud's examples. The SDK models the release date as `update`;
 * the cloud's pages, and so Scalelog, send `updated`.
 */

const link = {
  type: 'object',
  required: ['href', 'rel'],
  properties: {
    href: { type: 'string', description: "The version's URL on this server." },
    rel: { type: 'string', enum: ['self'] },
  },
} as const;

const version = {
  title: 'VersionInfo',
  type: 'object',
  required: ['id', 'links', 'min_version', 'status', 'updated', 'version'],
  properties: {
    id: { type: 'string', enum: ['v1', 'v2'] },
    links: { type: 'array', items: link },
    min_version: { type: 'string', description: 'Empty: AS has no micro-versions.' },
    status: {
      type: 'string',
      enum: ['CURRENT', 'SUPPORTED', 'DEPRECATED'],
      description: 'CURRENT for v1, SUPPORTED for v2, as the cloud answers.',
    },
    updated: { type: 'string', description: "The version's release date, UTC." },
    version: { type: 'string', description: 'Empty: AS has no micro-versions.' },
  },
} as const;

export const versionSchemas = {
  versions: {
    title: 'ListApiVersionsResponse',
    type: 'object',
    required: ['versions'],
    properties: { versions: { type: 'array', items: version } },
  },
  version: {
    title: 'ShowApiVersionResponse',
    type: 'object',
    required: ['version'],
    properties: { version },
  },
} as const;
