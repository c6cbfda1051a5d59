/**
 * Every error a client can see, in one place (contract §4). Handlers throw only these; one
 * error handler renders them in the cloud's exact envelopes.
 *
 * - `as` envelope: `{"error":{"code":"AS.xxxx","message":"..."}}`
 * - `gateway` envelope: `{"error_code":"APIGW.xxxx","error_msg":"...","request_id":"..."}`
 */

export type ErrorEnvelope = 'as' | 'gateway';

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly envelope: ErrorEnvelope;
  readonly headers: Readonly<Record<string, string>>;

  constructor(
    status: number,
    code: string,
    message: string,
    options: { envelope?: ErrorEnvelope; headers?: Record<string, string>; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.envelope = options.envelope ?? 'as';
    this.headers = Object.freeze({ ...options.headers });
  }
}

const show = (value: string): string =>
  JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value);

function gateway(status: number, message: string, headers?: Record<string, string>): ApiError {
  return new ApiError(
    status,
    'APIGW.0201',
    message,
    headers === undefined ? { envelope: 'gateway' } : { envelope: 'gateway', headers },
  );
}

/**
 * 401 in the gateway's words: "Incorrect IAM authentication information: <reason>", each
 * reason starting with the phrase the cloud's API gateway uses (clients and scripts match
 * on it) and going on to say what to do. Never a secret, never the expected signature.
 */
function iam(reason: string): ApiError {
  return new ApiError(401, 'APIGW.0301', `Incorrect IAM authentication information: ${reason}`, {
    envelope: 'gateway',
  });
}

const authorizationForm =
  'SDK-HMAC-SHA256 Access=<AK>, SignedHeaders=<header names joined by ;>, Signature=<64 hex digits>';

/** One factory per documented code. Messages say what was wrong and what is accepted. */
export const apiErrors = {
  // 400: query parameters (contract §1)
  invalidLogId: (value: string) =>
    new ApiError(
      400,
      'AS.9010',
      `Invalid log_id ${show(value)}: expected a UUID such as b86e4175-30cb-4b1e-a332-83f9ee472c58 (lower-case letters and digits).`,
    ),
  invalidResourceType: (value: string) =>
    new ApiError(
      400,
      'AS.0022',
      `Invalid scaling_resource_type ${show(value)}: expected SCALING_GROUP or BANDWIDTH.`,
    ),
  invalidResourceId: (value: string) =>
    new ApiError(
      400,
      'AS.9011',
      `Invalid scaling_resource_id ${show(value)}: expected a UUID such as 1f2d3e73-7ef6-40b3-a8fa-514b68eccaa7 (lower-case letters and digits).`,
    ),
  invalidExecuteType: (value: string) =>
    new ApiError(
      400,
      'AS.0022',
      `Invalid execute_type ${show(value)}: expected SCHEDULED (or SCHEDULE), RECURRENCE, ALARM, MANUAL or INTERVAL_ALARM.`,
    ),
  invalidTime: (param: 'start_time' | 'end_time', value: string) =>
    new ApiError(
      400,
      'AS.9007',
      `Invalid ${param} ${show(value)}: expected a UTC time yyyy-MM-ddThh:mm:ssZ such as 2019-03-18T16:00:11Z.`,
    ),
  timeRangeReversed: (start: string, end: string) =>
    new ApiError(
      400,
      'AS.9007',
      `Invalid time range: start_time ${start} is later than end_time ${end}.`,
    ),
  invalidStartNumber: (value: string) =>
    new ApiError(
      400,
      'AS.9008',
      `Invalid start_number ${show(value)}: expected an integer of 0 or more.`,
    ),
  invalidLimit: (value: string) =>
    new ApiError(
      400,
      'AS.9009',
      `Invalid limit ${show(value)}: expected an integer from 0 to 100.`,
    ),
  repeatedParameter: (param: string, error: ApiError) =>
    new ApiError(
      error.status,
      error.code,
      `Parameter ${param} is given more than once; give it at most once.`,
    ),
  projectMismatch: (header: string, path: string) =>
    new ApiError(
      400,
      'AS.0008',
      `The X-Project-Id header ${show(header)} differs from the project ${show(path)} in the path.`,
    ),
  invalidProjectId: (value: string) =>
    new ApiError(
      400,
      'AS.0022',
      `Invalid project id ${show(value)}: expected 1 to 64 letters, digits, '-' or '_'.`,
    ),
  badRequestBody: (message: string) => new ApiError(400, 'AS.0022', message),

  // 401: authentication (contract §4, §5)
  credentialsMissing: () =>
    iam(
      `x-auth-token not found: sign the request with an AK/SK (Authorization: ${authorizationForm}) or send X-Auth-Token.`,
    ),
  authorizationMalformed: (why: string) =>
    iam(`unsupported Authorization header: ${why}. Expected ${authorizationForm}.`),
  sdkDateMissing: () =>
    iam(
      'x-sdk-date not found: a request signed with an AK/SK must send X-Sdk-Date, the UTC time it was signed as YYYYMMDDTHHMMSSZ.',
    ),
  sdkDateMalformed: (value: string) =>
    iam(`x-sdk-date ${show(value)} is not a UTC time YYYYMMDDTHHMMSSZ such as 20240102T030405Z.`),
  signatureExpired: (sdkDate: string, earliest: string, latest: string) =>
    iam(
      `signature expired: X-Sdk-Date ${sdkDate} is more than 15 minutes from the server time; the server accepts ${earliest} to ${latest} now. Sign with the current UTC time and check the client's clock.`,
    ),
  accessKeyUnknown: (ak: string) =>
    iam(`ak not exist: no credential has the access key ${show(ak)}.`),
  accessKeyLocked: (seconds: number) =>
    iam(
      `the access key is locked for ${seconds} more seconds after repeated signature failures; wait, then retry with a correct signature.`,
    ),
  signatureMismatch: () =>
    iam(
      'verify aksk signature fail: the signature does not match the request. Check the SK, and that the method, path, query, signed headers and body are sent exactly as they were signed.',
    ),
  tokenUnknown: () => iam('token not exist: the X-Auth-Token is unknown or has been revoked.'),
  tokenExpired: () => iam('token expired: the X-Auth-Token is past its expiry; create a new one.'),

  // 403
  projectForbidden: (projectId: string) =>
    new ApiError(
      403,
      'AS.0011',
      `The credential has no access to project ${show(projectId)}: it belongs to another project. Use an AK/SK or token of project ${show(projectId)}.`,
    ),

  // 404
  policyNotFound: () => new ApiError(404, 'AS.3020', 'The AS policy does not exist.'),
  apiNotFound: () =>
    new ApiError(
      404,
      'APIGW.0101',
      'The API does not exist or has not been published in the environment.',
      {
        envelope: 'gateway',
      },
    ),

  // 405, 406, 408, 413, 415: protocol-level refusals, answered as the gateway answers them.
  // The gateway's APIGW.0201 covers bad requests of this kind ("Request entity too large" etc.).
  /** A request the HTTP layer could not make sense of (malformed request line, bad escape). */
  malformedRequest: (message: string) => gateway(400, message),
  methodNotAllowed: (method: string, allow: readonly string[]) =>
    gateway(405, `Method ${method} is not allowed on this path; allowed: ${allow.join(', ')}.`, {
      allow: allow.join(', '),
    }),
  notAcceptable: () =>
    gateway(406, 'The Accept header rules out application/json, the only type this API returns.'),
  requestTimeout: () => gateway(408, 'The request was not received in time.'),
  bodyTooLarge: (limitBytes: number) =>
    gateway(413, `Request entity too large: the limit is ${limitBytes} bytes.`),
  unsupportedMediaType: (type: string, accepted: readonly string[]) =>
    gateway(415, `Content-Type ${show(type)} is not accepted here; send ${accepted.join(' or ')}.`),

  // 5xx: the cloud's generic system error code, never internals.
  system: () => new ApiError(500, 'AS.0001', 'System error.'),
  storeUnavailable: (retryAfterSeconds: number) =>
    new ApiError(
      503,
      'AS.0001',
      'Service temporarily unavailable: the store cannot be reached. Retry later.',
      {
        headers: { 'retry-after': String(retryAfterSeconds) },
      },
    ),
  queryTimeout: () =>
    new ApiError(
      504,
      'AS.0001',
      'The query ran past its time limit. Narrow the filters or the time window and retry.',
    ),
} as const;
