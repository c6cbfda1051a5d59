import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import type { Logger } from 'pino';
import { expect, onTestFinished } from 'vitest';
import { buildApp } from '../../src/app.js';
import type { CredentialService } from '../../src/auth/credential-service.js';
import { secretKeyBytes, skCipher } from '../../src/auth/sk-cipher.js';
import { storeCredentialService } from '../../src/auth/store-credential-service.js';
import { defaultConfig } from '../../src/config/config.js';
import type { Config } from '../../src/config/config.js';
import { importNdjson } from '../../src/ingest/import-ndjson.js';
import type { ImportReport } from '../../src/ingest/import-ndjson.js';
import { openStore } from '../../src/store/open-store.js';
import type { OpenStoreOptions } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/store.js';
import type { CredentialStore } from '../../src/store/credential-store.js';
import type { TestBackend } from './backends.js';
import { testBackends } from './backends.js';
import { signRequest } from './sdk-signing.js';
import type { SigningStyle } from './sdk-signing.js';

/** A log in the wire (and NDJSON) shape, as a test writes it. */
export type WireLogInput = Record<string, unknown>;

/** An AK/SK as a test holds it. */
export interface TestCredential {
  readonly ak: string;
  readonly sk: string;
  readonly projectId: string;
}

/**
 * Whom a test request is sent as. By default, an AK/SK credential of the project the path
 * names (of {@link project} when it names none or a malformed one), signed as the Node SDK
 * signs, at the test clock's time, with `X-Project-Id` set to the credential's project as
 * the SDKs set it (unless the request sets it itself).
 */
export type SendAs =
  | {
      readonly credential: TestCredential;
      readonly style?: SigningStyle;
      /** When the request was signed (Unix ms); the test clock's time by default. */
      readonly date?: number;
      /** Send `X-Project-Id` (the credential's project) unless the request sets it; default true. */
      readonly projectHeader?: boolean;
    }
  | { readonly token: string }
  | 'anonymous';

/** A request as tests send it: a string URL and, if any, a string or Buffer body. */
export interface TestRequest {
  readonly method?: InjectOptions['method'];
  readonly url: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly payload?: string | Buffer;
}

export type Inject = (request: TestRequest, as?: SendAs) => Promise<LightMyRequestResponse>;

/** The server clock of a test app: starts at the real time (whole seconds) and moves only when told. */
export interface TestClock {
  readonly now: () => number;
  readonly advance: (ms: number) => void;
}

export interface TestApi {
  /** The app itself: `app.inject` sends a request exactly as given, with no credentials. */
  readonly app: FastifyInstance;
  readonly store: Store;
  readonly credentials: CredentialService;
  readonly clock: TestClock;
  /** Sends a request with credentials (see {@link SendAs}). */
  readonly inject: Inject;
  /** The credential of a project, created through the CredentialService on first use. */
  readonly credentialFor: (projectId: string) => Promise<TestCredential>;
  /** Seeds logs through the shared import path, as `scalelog import` would. */
  readonly seed: (logs: readonly WireLogInput[]) => Promise<ImportReport>;
}

export interface TestApiOptions {
  readonly config?: Partial<Config>;
  readonly store?: OpenStoreOptions;
  readonly logger?: Logger;
  /** A store URL to open instead of the backend's fresh one (the backend still cleans up). */
  readonly url?: (freshUrl: string) => string | Promise<string>;
}

/** The SQLite backend, for behaviour that does not depend on the store. */
export const sqliteBackend: TestBackend =
  testBackends.find((b) => b.name === 'sqlite') ??
  (() => {
    throw new Error('the test backends list no sqlite');
  })();

/**
 * The defaults, but no shedding on the event loop's delay: test files share a loaded machine
 * and some build large bodies synchronously, so a lagging loop would refuse an unrelated
 * test's request. test/faults/overload.test.ts sets it where it is the subject.
 */
export function testConfig(overrides: Partial<Config> = {}): Config {
  return Object.freeze({ ...defaultConfig, maxEventLoopDelayMs: 0, ...overrides });
}

export function testClock(): TestClock {
  let now = Math.floor(Date.now() / 1000) * 1000;
  return {
    now: () => now,
    advance: (ms) => {
      now += ms;
    },
  };
}

/**
 * The real, store-backed credentials of a test app: secret keys sealed with a random key of
 * the test's own (no key file), creation and revocation times from `now`.
 */
export function credentialsOver(
  store: CredentialStore,
  now: () => number = Date.now,
): CredentialService {
  const cipher = skCipher(randomBytes(secretKeyBytes));
  return storeCredentialService({ store, skCipher: () => Promise.resolve(cipher), now });
}

const projectInPath = /^\/(?:autoscaling-api|scalelog)\/v\d+\/([A-Za-z0-9_-]{1,64})(?:[/?]|$)/;

/** Sends `request` to `app` exactly as it is. */
export function sendTo(
  app: FastifyInstance,
  request: TestRequest,
): Promise<LightMyRequestResponse> {
  return app.inject({
    method: request.method ?? 'GET',
    url: request.url,
    ...(request.headers === undefined ? {} : { headers: { ...request.headers } }),
    ...(request.payload === undefined ? {} : { payload: request.payload }),
  });
}

/** The request with the headers `as` adds: a signature, a token, or none. */
export function withCredentials(
  request: TestRequest,
  as: Exclude<SendAs, 'anonymous'>,
  clock: TestClock,
): TestRequest {
  if ('token' in as) {
    return { ...request, headers: { ...request.headers, 'x-auth-token': as.token } };
  }
  const headers: Record<string, string> = { host: 'scalelog.test' };
  if (as.projectHeader !== false) headers['x-project-id'] = as.credential.projectId;
  for (const [k, v] of Object.entries(request.headers ?? {})) headers[k.toLowerCase()] = v;
  const method = request.method ?? 'GET';
  const signed = signRequest(
    {
      method,
      url: request.url,
      headers,
      ...(request.payload === undefined ? {} : { body: request.payload }),
    },
    as.credential,
    { date: as.date ?? clock.now(), ...(as.style === undefined ? {} : { style: as.style }) },
  );
  return { ...request, method, headers: signed };
}

/**
 * An app on a real store in a fresh database of `backend`, closed when the test finishes.
 * Each test gets its own database. The app's clock is a {@link TestClock}.
 */
export async function openTestApi(
  backend: TestBackend,
  options: TestApiOptions = {},
): Promise<TestApi> {
  const fresh = await backend.fresh();
  const url = options.url === undefined ? fresh.url : await options.url(fresh.url);
  let store: Store & CredentialStore;
  try {
    store = await openStore(url, options.store);
  } catch (e: unknown) {
    await fresh.cleanup();
    throw e;
  }
  const clock = testClock();
  const credentials = credentialsOver(store, clock.now);
  const app = buildApp({
    store,
    config: testConfig(options.config),
    credentials,
    now: clock.now,
    logger: options.logger ?? false,
  });
  onTestFinished(async () => {
    await app.close();
    await store.close().catch(() => undefined);
    await fresh.cleanup();
  });
  await app.ready();

  const created = new Map<string, Promise<TestCredential>>();
  const credentialFor = (projectId: string): Promise<TestCredential> => {
    let credential = created.get(projectId);
    if (credential === undefined) {
      credential = credentials.createCredential({ projectId });
      created.set(projectId, credential);
    }
    return credential;
  };
  const send = (request: TestRequest) => sendTo(app, request);
  const inject: Inject = async (request, as) => {
    if (as === 'anonymous') return send(request);
    const sendAs = as ?? {
      credential: await credentialFor(projectInPath.exec(request.url)?.[1] ?? project),
    };
    return send(withCredentials(request, sendAs, clock));
  };
  return {
    app,
    store,
    credentials,
    clock,
    inject,
    credentialFor,
    seed: (logs) =>
      importNdjson(store, Readable.from([logs.map((l) => JSON.stringify(l)).join('\n')]), {
        skipInvalid: false,
      }),
  };
}

export const project = '0428982a1b8039f42f01c005edde7c0d';
export const policy = '05545d3d-ccf9-4bca-ae4f-1e5e73ca0bf6';
export const groupId = '1f2d3e73-7ef6-40b3-a8fa-514b68eccaa7';

/** A distinct UUID-like id per number, ordered as the number is. */
export function uuid(n: number): string {
  return `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
}

/** A complete, valid log; `overrides` replace or (with `undefined`) remove fields. */
export function wireLog(n: number, overrides: WireLogInput = {}): WireLogInput {
  const log: WireLogInput = {
    id: uuid(n),
    status: 'SUCCESS',
    execute_type: 'RECURRENCE',
    execute_time: '2024-01-01T00:00:00Z',
    tenant_id: project,
    scaling_policy_id: policy,
    scaling_resource_type: 'SCALING_GROUP',
    scaling_resource_id: groupId,
    old_value: '1',
    desire_value: '2',
    limit_value: '0',
    type: 'ADD',
    job_records: [],
    ...overrides,
  };
  for (const [k, v] of Object.entries(log)) if (v === undefined) Reflect.deleteProperty(log, k);
  return log;
}

export function logsPath(projectId = project, policyId = policy): string {
  return `/autoscaling-api/v1/${projectId}/scaling_policy_execute_log/${policyId}`;
}

export function ingestUrl(projectId = project, query = ''): string {
  return `/scalelog/v1/${projectId}/execution_logs${query}`;
}

export interface LogPageBody {
  total_number: number;
  start_number: number;
  limit: number;
  scaling_policy_execute_log: WireLogInput[];
}

/** GETs a page of logs (with the default credentials) and asserts it is a 200. */
export async function getPage(inject: Inject, url: string): Promise<LogPageBody> {
  const res = await inject({ method: 'GET', url });
  expect(res.statusCode, res.body).toBe(200);
  return res.json<LogPageBody>();
}

export const pageIds = (page: LogPageBody): unknown[] =>
  page.scaling_policy_execute_log.map((l) => l.id);

export const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Asserts an AS error envelope with `code`, and returns its message. */
export function expectAsError(res: LightMyRequestResponse, status: number, code: string): string {
  expect(res.statusCode, res.body).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  const body = res.json<{ error: { code: string; message: string } }>();
  expect(Object.keys(body)).toEqual(['error']);
  expect(Object.keys(body.error).sort()).toEqual(['code', 'message']);
  expect(body.error.code).toBe(code);
  expect(typeof body.error.message).toBe('string');
  return body.error.message;
}

/** Asserts a gateway error envelope with `code` whose request id is the header's, and returns its message. */
export function expectGatewayError(
  res: LightMyRequestResponse,
  status: number,
  code: string,
): string {
  expect(res.statusCode, res.body).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  const body = res.json<{ error_code: string; error_msg: string; request_id: string }>();
  expect(Object.keys(body).sort()).toEqual(['error_code', 'error_msg', 'request_id']);
  expect(body.error_code).toBe(code);
  expect(body.request_id).toBe(res.headers['x-request-id']);
  expect(body.request_id).toMatch(uuidPattern);
  return body.error_msg;
}
