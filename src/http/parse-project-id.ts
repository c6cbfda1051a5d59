import { apiErrors } from '../errors/api-error.js';
import { projectIdPattern } from '../domain/ids.js';

/** The path's project id, or 400 AS.0022 unless it is 1 to 64 letters, digits, `-` or `_`. */
export function parseProjectId(value: string): string {
  if (!projectIdPattern.test(value)) throw apiErrors.invalidProjectId(value);
  return value;
}
