import { describe, expect, it } from 'vitest';
import { hoistNamedSchemas } from '../../src/http/named-schemas.js';

const job = { title: 'Job', type: 'object', properties: { name: { type: 'string' } } };
const page = {
  title: 'Page',
  type: 'object',
  description: 'A page.',
  properties: { jobs: { type: 'array', items: job } },
};

describe('hoistNamedSchemas', () => {
  it('moves titled schemas to components.schemas and refers to them, nested ones too', () => {
    const doc = hoistNamedSchemas({
      openapi: '3.0.3',
      paths: { '/a': { get: { responses: { 200: { schema: page } } } } },
      components: { securitySchemes: { token: { type: 'apiKey' } } },
    });
    expect(doc).toStrictEqual({
      openapi: '3.0.3',
      paths: {
        '/a': { get: { responses: { 200: { schema: { $ref: '#/components/schemas/Page' } } } } },
      },
      components: {
        securitySchemes: { token: { type: 'apiKey' } },
        schemas: {
          Job: job,
          Page: {
            ...page,
            properties: { jobs: { type: 'array', items: { $ref: '#/components/schemas/Job' } } },
          },
        },
      },
    });
  });

  it("keeps a use's own description beside the reference", () => {
    const doc = hoistNamedSchemas({
      paths: { first: page, second: { ...page, description: 'One page of jobs.' } },
    });
    expect(doc.paths).toStrictEqual({
      first: { $ref: '#/components/schemas/Page' },
      second: { allOf: [{ $ref: '#/components/schemas/Page' }], description: 'One page of jobs.' },
    });
  });

  it('refuses two different schemas under one title', () => {
    expect(() =>
      hoistNamedSchemas({ paths: { first: job, second: { ...job, required: ['name'] } } }),
    ).toThrow('two different schemas are titled "Job"');
  });
});
