import { describe, expect, it } from 'vitest';
import { testBackends } from '../support/backends.js';
import { openTestApi, sqliteBackend } from './api-harness.js';

interface OpenApiParameter {
  name: string;
  in: string;
  required?: boolean;
  schema?: Record<string, unknown>;
}
interface OpenApiOperation {
  parameters?: OpenApiParameter[];
  responses: Record<
    string,
    { description?: string; content?: Record<string, { schema: Record<string, unknown> }> }
  >;
  requestBody?: { content: Record<string, unknown> };
}
interface OpenApiDocument {
  openapi: string;
  info: { title: string; description?: string; version: string };
  paths: Record<string, Record<string, OpenApiOperation>>;
  tags?: { name: string; description?: string }[];
}

const methods = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']);

/**
 * The OpenAPI 3.0 rules a client generator trips over: version and info present, each
 * operation with described responses, parameters unique per location, every path template
 * variable declared as a required path parameter and no path parameter without one.
 */
function expectValidOpenApi3(doc: OpenApiDocument): void {
  expect(doc.openapi).toMatch(/^3\.\d+\.\d+$/);
  expect(typeof doc.info.title).toBe('string');
  expect(typeof doc.info.version).toBe('string');
  for (const [path, item] of Object.entries(doc.paths)) {
    expect(path.startsWith('/'), path).toBe(true);
    const templated = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
    for (const [method, operation] of Object.entries(item)) {
      expect(methods.has(method), `${method} ${path}`).toBe(true);
      const where = `${method} ${path}`;
      expect(Object.keys(operation.responses).length, where).toBeGreaterThan(0);
      for (const [status, response] of Object.entries(operation.responses)) {
        expect(status, where).toMatch(/^([1-5]\d\d|[1-5]XX|default)$/);
        expect(typeof response.description, `${where} ${status}`).toBe('string');
      }
      const parameters = operation.parameters ?? [];
      const keys = parameters.map((p) => `${p.in}:${p.name}`);
      expect(new Set(keys).size, where).toBe(keys.length);
      for (const p of parameters) {
        expect(['query', 'header', 'path', 'cookie'], where).toContain(p.in);
        expect(p.schema, `${where} ${p.name}`).toBeTypeOf('object');
      }
      const pathParameters = parameters.filter((p) => p.in === 'path');
      expect(pathParameters.map((p) => p.name).sort(), where).toEqual([...templated].sort());
      for (const p of pathParameters) expect(p.required, `${where} ${p.name}`).toBe(true);
    }
  }
}

describe('probes and docs', () => {
  for (const backend of testBackends) {
    describe.skipIf(!backend.available)(backend.name, () => {
      it('/healthz and /readyz answer 200 while the store answers', async () => {
        const { app } = await openTestApi(backend);
        const live = await app.inject({ method: 'GET', url: '/healthz' });
        expect(live.statusCode).toBe(200);
        expect(live.json()).toStrictEqual({ status: 'ok' });
        const ready = await app.inject({ method: 'GET', url: '/readyz' });
        expect(ready.statusCode).toBe(200);
        expect(ready.json()).toStrictEqual({ status: 'ok' });
      });
    });
  }

  it('/openapi.json is an OpenAPI 3 description generated from the route schemas', async () => {
    const { app } = await openTestApi(sqliteBackend);
    const res = await app.inject({ method: 'GET', url: '/openapi.json' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    const doc = res.json<OpenApiDocument>();
    expectValidOpenApi3(doc);
    expect(doc.info.title).toBe('Scalelog');
    expect(doc.info.description).toContain('execution log');

    const query =
      doc.paths['/autoscaling-api/v1/{project_id}/scaling_policy_execute_log/{scaling_policy_id}']
        ?.get;
    expect(query).toBeDefined();
    const parameters = query?.parameters ?? [];
    expect(
      parameters
        .filter((p) => p.in === 'query')
        .map((p) => p.name)
        .sort(),
    ).toEqual([
      'end_time',
      'execute_type',
      'limit',
      'log_id',
      'scaling_resource_id',
      'scaling_resource_type',
      'start_number',
      'start_time',
    ]);
    expect(parameters.find((p) => p.name === 'limit')?.schema).toMatchObject({
      type: 'integer',
      minimum: 0,
      maximum: 100,
      default: 20,
    });

    const page = query?.responses['200']?.content?.['application/json']?.schema as {
      properties: Record<
        string,
        {
          type: string;
          items?: {
            properties: Record<
              string,
              { type: string; additionalProperties?: unknown; properties?: Record<string, unknown> }
            >;
          };
        }
      >;
    };
    expect(page.properties.total_number?.type).toBe('integer');
    const log = page.properties.scaling_policy_execute_log?.items?.properties ?? {};
    for (const field of ['old_value', 'desire_value', 'limit_value'])
      expect(log[field]?.type, field).toBe('string');
    expect(log.job_records?.type).toBe('array');
    expect(log.meta_data?.additionalProperties).toEqual({ type: 'string' });
    expect(Object.keys(log.meta_data?.properties ?? {}).sort()).toEqual([
      'metadata_bandwidth_share_type',
      'metadata_eip_id',
      'metadataeip_address',
    ]);
    expect(Object.keys(query?.responses ?? {})).toEqual(
      expect.arrayContaining(['200', '400', '404', '406', '500', '503', '504']),
    );

    const ingest = doc.paths['/scalelog/v1/{project_id}/execution_logs']?.post;
    expect(Object.keys(ingest?.requestBody?.content ?? {}).sort()).toEqual([
      'application/json',
      'application/x-ndjson',
    ]);
    expect(Object.keys(doc.paths).sort()).toEqual([
      '/autoscaling-api/v1/{project_id}/scaling_group',
      '/autoscaling-api/v1/{project_id}/scaling_group/{scaling_group_id}',
      '/autoscaling-api/v1/{project_id}/scaling_group/{scaling_group_id}/action',
      '/autoscaling-api/v1/{project_id}/scaling_policies/action',
      '/autoscaling-api/v1/{project_id}/scaling_policy',
      '/autoscaling-api/v1/{project_id}/scaling_policy/{scaling_group_id}/list',
      '/autoscaling-api/v1/{project_id}/scaling_policy/{scaling_policy_id}',
      '/autoscaling-api/v1/{project_id}/scaling_policy/{scaling_policy_id}/action',
      '/autoscaling-api/v1/{project_id}/scaling_policy_execute_log/{scaling_policy_id}',
      '/autoscaling-api/v2/{project_id}/scaling_policy',
      '/autoscaling-api/v2/{project_id}/scaling_policy/{scaling_policy_id}',
      '/autoscaling-api/v2/{project_id}/scaling_policy/{scaling_resource_id}/list',
      '/healthz',
      '/readyz',
      '/scalelog/v1/{project_id}/alarms/{alarm_id}/fire',
      '/scalelog/v1/{project_id}/bandwidths',
      '/scalelog/v1/{project_id}/bandwidths/{bandwidth_id}',
      '/scalelog/v1/{project_id}/execution_logs',
      '/scalelog/v1/{project_id}/scaling_policy/{scaling_policy_id}/trigger',
      '/v1/{project_id}/bandwidths/{bandwidth_id}',
    ]);
    // Every tag a route uses is declared, with its description.
    const declared = new Set((doc.tags ?? []).map((t) => t.name));
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const operation of Object.values(item)) {
        for (const tag of (operation as { tags?: string[] }).tags ?? []) {
          expect(declared.has(tag), `${path}: tag ${tag}`).toBe(true);
        }
      }
    }
    // The 405 fallbacks document nothing.
    expect(Object.keys(doc.paths['/healthz'] ?? {})).toEqual(['get']);
  });

  it('/docs serves a browsable HTML page and its assets', async () => {
    const { app } = await openTestApi(sqliteBackend);
    const page = await app.inject({ method: 'GET', url: '/docs' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.body).toContain('swagger-ui');
    const script = await app.inject({ method: 'GET', url: '/docs/static/swagger-initializer.js' });
    expect(script.statusCode).toBe(200);
    const spec = await app.inject({ method: 'GET', url: '/docs/json' });
    expect(spec.json<OpenApiDocument>().info.title).toBe('Scalelog');
  });
});
