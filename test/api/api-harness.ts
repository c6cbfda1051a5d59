import { Readable } from 'node:stream';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import type { Logger } from 'pino';
import { expect, onTestFinished } from 'vitest';
import { buildApp } from '../../src/app.js';
import { defaultConfig } from '../../src/config/config.js';
import type { Config } from '../../src/config/config.js';
import { importNdjson } from '../../src/ingest/import-ndjson.js';
import type { ImportReport } from '../../src/ingest/import-ndjson.js';
import { openStore } from '../../src/store/open-store.js';
import type { OpenStoreOptions } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/store.js';
import type { TestBackend } from '../support/backends.js';
import { testBackends } from '../support/backends.js';

/** A log in the wire (and NDJSON) shape, as a test writes it. */
export type WireLogInput = Record<string, unknown>;

export interface TestApi {
  readonly app: FastifyInstance;
  readonly store: Store;
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

export function testConfig(overrides: Partial<Config> = {}): Config {
  return Object.freeze({ ...defaultConfig, ...overrides });
}

/**
 * An app on a real store in a fresh database of `backend`, closed when the test finishes.
 * Each test gets its own database.
 */
export async function openTestApi(
  backend: TestBackend,
  options: TestApiOptions = {},
): Promise<TestApi> {
  const fresh = await backend.fresh();
  const url = options.url === undefined ? fresh.url : await options.url(fresh.url);
  let store: Store;
  try {
    store = await openStore(url, options.store);
  } catch (e: unknown) {
    await fresh.cleanup();
    throw e;
  }
  const app = buildApp({
    store,
    config: testConfig(options.config),
    logger: options.logger ?? false,
  });
  onTestFinished(async () => {
    await app.close();
    await store.close().catch(() => undefined);
    await fresh.cleanup();
  });
  await app.ready();
  return {
    app,
    store,
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

/** GETs a page of logs and asserts it is a 200. */
export async function getPage(app: FastifyInstance, url: string): Promise<LogPageBody> {
  const res = await app.inject({ method: 'GET', url });
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
