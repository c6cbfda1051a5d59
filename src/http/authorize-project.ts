import type { IncomingHttpHeaders } from 'node:http';
import { apiErrors } from '../errors/api-error.js';
import { parseProjectId } from './project-id.js';

/** Who a request was authenticated as: every credential belongs to exactly one project. */
export interface Principal {
  readonly projectId: string;
  readonly via: 'aksk' | 'token';
}

/**
 * Tenant isolation, for every route whose path has a `{project_id}` (contract §4): checked
 * here once, after authentication, so no route can forget it.
 *
 * In order: a malformed path project is 400 `AS.0022`; an `X-Project-Id` header (the SDKs
 * send the project twice) that differs from the path is 400 `AS.0008`; a credential of
 * another project is 403 `AS.0011`. Routes without a project in the path pass.
 *
 * Answers the project id, which `authenticate` puts on the request (`request.projectId`).
 */
export function authorizeProject(
  params: unknown,
  headers: IncomingHttpHeaders,
  principal: Principal,
): string {
  const pathProject =
    typeof params === 'object' && params !== null
      ? (params as { project_id?: unknown }).project_id
      : undefined;
  if (typeof pathProject !== 'string') return '';
  const projectId = parseProjectId(pathProject);
  const headerProject = headers['x-project-id'];
  if (typeof headerProject === 'string' && headerProject.trim() !== projectId) {
    throw apiErrors.projectMismatch(headerProject, projectId);
  }
  if (principal.projectId !== projectId) throw apiErrors.projectForbidden(projectId);
  return projectId;
}
