/**
 * JSON schemas of the error envelopes (contract §4), and the error answers each route
 * documents in its `schema.response`.
 */

const text = { type: 'string' } as const;

/** The AS error envelope, `{"error":{"code","message"}}` (contract §4). */
export const asError = {
  type: 'object',
  description: 'AS error.',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: { code: { type: 'string', examples: ['AS.0022'] }, message: text },
    },
  },
} as const;

/** The API gateway envelope, `{"error_code","error_msg","request_id"}` (contract §4). */
export const gatewayError = {
  type: 'object',
  description: 'API gateway error.',
  required: ['error_code', 'error_msg', 'request_id'],
  properties: {
    error_code: { type: 'string', examples: ['APIGW.0101'] },
    error_msg: text,
    request_id: text,
  },
} as const;

/** The AS envelope whose `code` is one of `codes` (the first is the example). */
export function asErrorOf(codes: readonly [string, ...string[]], description: string) {
  return {
    ...asError,
    description,
    properties: {
      error: {
        ...asError.properties.error,
        properties: {
          code: { type: 'string', enum: codes },
          message: text,
        },
      },
    },
  } as const;
}

/** The gateway envelope whose `error_code` is `code`. */
function gatewayErrorOf(code: string, description: string) {
  return {
    ...gatewayError,
    description,
    properties: { ...gatewayError.properties, error_code: { type: 'string', enum: [code] } },
  } as const;
}

/**
 * Each error status as documented: its envelope and the codes it carries. 400 has many codes,
 * named in each operation's description; the others one each (404 per route).
 */
const errorResponse = {
  400: {
    ...asError,
    description:
      "A bad parameter or body (AS): the code names the rule, as the operation's description and the cloud's error codes say; the message says what was wrong.",
  },
  401: gatewayErrorOf(
    'APIGW.0301',
    'Missing, malformed, expired or wrong credentials: APIGW.0301 "Incorrect IAM authentication information: <reason>" (gateway).',
  ),
  403: asErrorOf(['AS.0011'], 'The credential belongs to another project than the path names.'),
  404: asErrorOf(['AS.3020'], 'The policy does not exist.'),
  406: gatewayErrorOf('APIGW.0201', 'The Accept header rules out application/json (gateway).'),
  409: asErrorOf(['AS.0003'], 'The request conflicts with the current state.'),
  413: gatewayErrorOf(
    'APIGW.0201',
    'The body is larger than the limit: jsonBodyLimitBytes, bodyLimitBytes for ingest (gateway).',
  ),
  415: gatewayErrorOf('APIGW.0201', 'The Content-Type is not accepted (gateway).'),
  500: asErrorOf(['AS.0001'], 'Anything unexpected: AS.0001 "System error.", no details.'),
  503: asErrorOf(
    ['AS.0001'],
    'The store cannot be reached, or is busy with another write; see Retry-After.',
  ),
  504: asErrorOf(
    ['AS.0001'],
    "A query ran past its time limit (a write that did is rolled back), or the store did not confirm a write's commit within it: the write may or may not have been applied (an ingest may be resent as it is; read anything else back first).",
  ),
} as const;

type ErrorStatus = keyof typeof errorResponse;

/** Response schemas of the error statuses a route can answer, for its `schema.response`. */
export function errorResponses<const S extends ErrorStatus>(
  statuses: readonly S[],
): { [K in S]: (typeof errorResponse)[K] } {
  return Object.fromEntries(statuses.map((s) => [s, errorResponse[s]])) as {
    [K in S]: (typeof errorResponse)[K];
  };
}
