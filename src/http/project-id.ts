import type { FastifyInstance } from 'fastify';
import { projectIdPattern } from '../domain/ids.js';
import { apiErrors } from '../errors/api-error.js';

declare module 'fastify' {
  interface FastifyRequest {
    /**
     * The project the request was authenticated for: the path's `{project_id}`, checked
     * against the credential by `authenticate` before any handler runs. Empty on routes
     * without a project in their path.
     */
    projectId: string;
  }
}

/** Gives every request the `projectId` that authentication fills in. */
export function decorateProjectId(app: FastifyInstance): void {
  app.decorateRequest('projectId', '');
}

/** The path's project id, or 400 AS.0022 unless it is 1 to 64 letters, digits, `-` or `_`. */
export function parseProjectId(value: string): string {
  if (!projectIdPattern.test(value)) throw apiErrors.invalidProjectId(value);
  return value;
}
