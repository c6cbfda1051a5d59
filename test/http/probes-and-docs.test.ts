import { describe, expect, it } from 'vitest';
import { testBackends } from '../support/backends.js';
import { openTestApi, sqliteBackend } from '../support/api-harness.js';

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
  components?: {
    schemas?: Record<string, Record<string, unknown>>;
    securitySchemes?: Record<string, { type: string; in?: string; name?: string }>;
  };
  security?: Record<string, unknown[]>[];
}

/** Every `$ref` in `node`. */
function refsIn(node: unknown): string[] {
  if (Array.isArray(node)) return node.flatMap(refsIn);
  if (typeof node !== 'object' || node === null) return [];
  return Object.entries(node).flatMap(([key, value]) =>
    key === '$ref' && typeof value === 'string' ? [value] : refsIn(value),
  );
}

/** `schema` with a `$ref` (or an `allOf` of one) replaced by the named schema it points to. */
function resolved(doc: OpenApiDocument, schema: unknown): Record<string, unknown> {
  const node = schema as { $ref?: string; allOf?: { $ref?: string }[] } | undefined;
  const ref = node?.$ref ?? node?.allOf?.[0]?.$ref;
  if (ref === undefined) return (schema ?? {}) as Record<string, unknown>;
  const name = ref.replace('#/components/schemas/', '');
  const target = doc.components?.schemas?.[name];
  expect(target, ref).toBeDefined();
  return target ?? {};
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

    type Properties = Record<string, { type?: string; items?: unknown; $ref?: string }>;
    const page = resolved(doc, query?.responses['200']?.content?.['application/json']?.schema);
    expect(page.title).toBe('ListScalingPolicyExecuteLogsResponse');
    const pageProperties = page.properties as Properties;
    expect(pageProperties.total_number?.type).toBe('integer');
    const logModel = resolved(doc, pageProperties.scaling_policy_execute_log?.items);
    expect(logModel.title).toBe('ScalingPolicyExecuteLogList');
    const log = logModel.properties as Properties;
    for (const field of ['old_value', 'desire_value', 'limit_value'])
      expect(log[field]?.type, field).toBe('string');
    expect(log.job_records?.type).toBe('array');
    expect(resolved(doc, log.job_records?.items).title).toBe('JobRecords');
    const metaData = resolved(doc, log.meta_data);
    expect(metaData.additionalProperties).toEqual({ type: 'string' });
    expect(Object.keys(metaData.properties ?? {}).sort()).toEqual([
      'metadata_bandwidth_share_type',
      'metadata_eip_id',
      'metadataeip_address',
    ]);

    // Named models under components.schemas, by the official SDK's names, and every
    // reference resolves.
    expect(Object.keys(doc.components?.schemas ?? {})).toEqual(
      expect.arrayContaining([
        'ScalingGroups',
        'ScalingV1PolicyDetail',
        'ScalingV2PolicyDetail',
        'ScheduledPolicy',
        'ScalingPolicyActionV1',
        'ScalingPolicyActionV2',
        'BandwidthResp',
        'ScalingConfiguration',
      ]),
    );
    for (const ref of refsIn(doc)) {
      expect(ref).toMatch(/^#\/components\/schemas\/\w+$/);
      expect(doc.components?.schemas?.[ref.split('/').at(-1) ?? ''], ref).toBeDefined();
    }
    const groupShow = resolved(
      doc,
      doc.paths['/autoscaling-api/v1/{project_id}/scaling_group/{scaling_group_id}']?.get
        ?.responses['200']?.content?.['application/json']?.schema,
    );
    expect(resolved(doc, (groupShow.properties as Properties).scaling_group).title).toBe(
      'ScalingGroups',
    );

    // Try it out fills in no time window: no example values on the time filters.
    for (const name of ['start_time', 'end_time']) {
      const parameter = parameters.find((p) => p.name === name);
      expect(parameter, name).toBeDefined();
      expect(JSON.stringify(parameter), name).not.toMatch(/"examples?"/);
    }

    // Each error status with its own code and envelope.
    const codeOf = (status: string): unknown => {
      const schema = query?.responses[status]?.content?.['application/json']?.schema as {
        properties: {
          error_code?: { enum?: string[] };
          error?: { properties: { code: { enum?: string[] } } };
        };
      };
      return schema.properties.error_code?.enum ?? schema.properties.error?.properties.code.enum;
    };
    expect(codeOf('401')).toEqual(['APIGW.0301']);
    expect(codeOf('403')).toEqual(['AS.0011']);
    expect(codeOf('404')).toEqual(['AS.3020']);
    expect(codeOf('406')).toEqual(['APIGW.0201']);
    expect(codeOf('503')).toEqual(['AS.0001']);
    expect(doc.info.description).toContain('404 `APIGW.0101`');

    // The token is how a browser authorizes: the only security scheme offered.
    expect(Object.keys(doc.components?.securitySchemes ?? {})).toEqual(['token']);
    expect(doc.components?.securitySchemes?.token).toMatchObject({
      type: 'apiKey',
      in: 'header',
      name: 'X-Auth-Token',
    });
    expect(doc.security).toEqual([{ token: [] }]);
    expect(Object.keys(query?.responses ?? {})).toEqual(
      expect.arrayContaining(['200', '400', '404', '406', '500', '503', '504']),
    );

    const ingest = doc.paths['/scalelog/v1/{project_id}/execution_logs']?.post;
    expect(Object.keys(ingest?.requestBody?.content ?? {}).sort()).toEqual([
      'application/json',
      'application/x-ndjson',
    ]);
    expect(Object.keys(doc.paths).sort()).toEqual([
      '/',
      '/autoscaling-api/v1/{project_id}/quotas',
      '/autoscaling-api/v1/{project_id}/quotas/{scaling_group_id}',
      '/autoscaling-api/v1/{project_id}/scaling-groups/{scaling_group_id}/scheduled-tasks',
      '/autoscaling-api/v1/{project_id}/scaling-groups/{scaling_group_id}/scheduled-tasks/{scheduled_task_id}',
      '/autoscaling-api/v1/{project_id}/scaling_activity_log/{scaling_group_id}',
      '/autoscaling-api/v1/{project_id}/scaling_configuration',
      '/autoscaling-api/v1/{project_id}/scaling_configuration/{scaling_configuration_id}',
      '/autoscaling-api/v1/{project_id}/scaling_configurations',
      '/autoscaling-api/v1/{project_id}/scaling_group',
      '/autoscaling-api/v1/{project_id}/scaling_group/{scaling_group_id}',
      '/autoscaling-api/v1/{project_id}/scaling_group/{scaling_group_id}/action',
      '/autoscaling-api/v1/{project_id}/scaling_group_instance/{instance_id}',
      '/autoscaling-api/v1/{project_id}/scaling_group_instance/{scaling_group_id}/action',
      '/autoscaling-api/v1/{project_id}/scaling_group_instance/{scaling_group_id}/list',
      '/autoscaling-api/v1/{project_id}/scaling_instance_hook/{scaling_group_id}/callback',
      '/autoscaling-api/v1/{project_id}/scaling_instance_hook/{scaling_group_id}/list',
      '/autoscaling-api/v1/{project_id}/scaling_lifecycle_hook/{scaling_group_id}',
      '/autoscaling-api/v1/{project_id}/scaling_lifecycle_hook/{scaling_group_id}/list',
      '/autoscaling-api/v1/{project_id}/scaling_lifecycle_hook/{scaling_group_id}/{lifecycle_hook_name}',
      '/autoscaling-api/v1/{project_id}/scaling_notification/{scaling_group_id}',
      '/autoscaling-api/v1/{project_id}/scaling_notification/{scaling_group_id}/{topic_urn}',
      '/autoscaling-api/v1/{project_id}/scaling_policies/action',
      '/autoscaling-api/v1/{project_id}/scaling_policy',
      '/autoscaling-api/v1/{project_id}/scaling_policy/{scaling_group_id}/list',
      '/autoscaling-api/v1/{project_id}/scaling_policy/{scaling_policy_id}',
      '/autoscaling-api/v1/{project_id}/scaling_policy/{scaling_policy_id}/action',
      '/autoscaling-api/v1/{project_id}/scaling_policy_execute_log/{scaling_policy_id}',
      '/autoscaling-api/v1/{project_id}/{resource_type}/resource_instances/action',
      '/autoscaling-api/v1/{project_id}/{resource_type}/tags',
      '/autoscaling-api/v1/{project_id}/{resource_type}/{resource_id}/tags',
      '/autoscaling-api/v1/{project_id}/{resource_type}/{resource_id}/tags/action',
      '/autoscaling-api/v2/{project_id}/scaling_activity_log/{scaling_group_id}',
      '/autoscaling-api/v2/{project_id}/scaling_policy',
      '/autoscaling-api/v2/{project_id}/scaling_policy/{scaling_policy_id}',
      '/autoscaling-api/v2/{project_id}/scaling_policy/{scaling_resource_id}/list',
      '/autoscaling-api/{project_id}/scaling-groups/{scaling_group_id}/warm-pool',
      '/autoscaling-api/{project_id}/scaling-groups/{scaling_group_id}/warm-pool-instances',
      '/healthz',
      '/readyz',
      '/scalelog/v1/{project_id}/alarms/{alarm_id}/fire',
      '/scalelog/v1/{project_id}/bandwidths',
      '/scalelog/v1/{project_id}/bandwidths/{bandwidth_id}',
      '/scalelog/v1/{project_id}/execution_logs',
      '/scalelog/v1/{project_id}/notification-topics',
      '/scalelog/v1/{project_id}/notification-topics/{topic_urn}',
      '/scalelog/v1/{project_id}/notifications',
      '/scalelog/v1/{project_id}/scaling-groups/{scaling_group_id}/scheduled-tasks/{scheduled_task_id}/trigger',
      '/scalelog/v1/{project_id}/scaling_policy/{scaling_policy_id}/trigger',
      '/scalelog/v1/{project_id}/servers',
      '/scalelog/v1/{project_id}/servers/{server_id}',
      '/v1',
      '/v1/{project_id}/bandwidths/{bandwidth_id}',
      '/v2',
      '/v2/{project_id}/scaling-groups/{scaling_group_id}/warm-pool',
      '/v2/{project_id}/scaling-groups/{scaling_group_id}/warm-pool-instances',
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
    expect(page.body).toContain('<title>Scalelog API</title>');
    const script = await app.inject({ method: 'GET', url: '/docs/static/swagger-initializer.js' });
    expect(script.statusCode).toBe(200);
    const spec = await app.inject({ method: 'GET', url: '/docs/json' });
    expect(spec.json<OpenApiDocument>().info.title).toBe('Scalelog');
  });
});
