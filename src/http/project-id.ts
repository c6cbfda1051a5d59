import type { FastifyInstance } from 'fastify';

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
