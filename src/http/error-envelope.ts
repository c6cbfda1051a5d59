import type { ApiError } from '../errors/api-error.js';

/** The AS envelope (contract §4). */
export interface AsErrorBody {
  readonly error: { readonly code: string; readonly message: string };
}

/** The API gateway envelope (contract §4); it repeats the `X-Request-Id` header's value. */
export interface GatewayErrorBody {
  readonly error_code: string;
  readonly error_msg: string;
  readonly request_id: string;
}

/**
 * The body of an error response, in the envelope its {@link ApiError} names. The official
 * SDKs parse both envelopes, so which one a status uses follows what the cloud sends for it.
 */
export function errorEnvelope(error: ApiError, requestId: string): AsErrorBody | GatewayErrorBody {
  if (error.envelope === 'gateway') {
    return { error_code: error.code, error_msg: error.message, request_id: requestId };
  }
  return { error: { code: error.code, message: error.message } };
}
