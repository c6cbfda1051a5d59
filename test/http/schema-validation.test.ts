import { describe, expect, expectTypeOf, it } from 'vitest';
import { ApiError, apiErrors } from '../../src/errors/api-error.js';
import { bodyCheck, failed } from '../../src/http/schema-validation.js';
import type { ObjectTable } from '../../src/http/schema-validation.js';

/**
 * The schema check every request body goes through: the schema decides what is valid, the
 * error table which refusal is told, in the order the fields are checked.
 */

const refusal = (run: () => unknown): { status: number; code: string; message: string } => {
  try {
    run();
  } catch (e) {
    if (!(e instanceof ApiError)) throw e;
    return { status: e.status, code: e.code, message: e.message };
  }
  throw new Error('expected a refusal');
};

const said = (text: string) => () => apiErrors.badRequestBody(text);

const itemSchema = {
  type: 'object',
  required: ['id'],
  additionalProperties: false,
  properties: { id: { type: 'string', pattern: '^[a-z]+$' } },
} as const;

const schema = {
  type: 'object',
  required: ['name', 'size'],
  additionalProperties: false,
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 5 },
    size: { type: 'integer', minimum: 1, maximum: 10 },
    kind: { type: 'string', enum: ['A', 'B'], default: 'A' },
    limit: { type: 'integer', minimum: 1, maximum: 10, default: 10 },
    items: { type: 'array', maxItems: 2, items: itemSchema },
    inner: {
      type: 'object',
      additionalProperties: false,
      minProperties: 1,
      properties: { flag: { type: 'boolean' } },
    },
  },
} as const;

const itemTable: ObjectTable = {
  notObject: (v) => apiErrors.badRequestBody(`item ${JSON.stringify(v)} is not an object`),
  unknown: (sent) => apiErrors.badRequestBody(`item takes only id, not ${sent.join(',')}`),
  entries: [{ field: 'id', missing: said('give id'), invalid: said('bad id') }],
};

const table: ObjectTable = {
  unknown: (sent, accepted) =>
    apiErrors.badRequestBody(`unknown ${sent.join(',')}; accepted ${accepted.join(',')}`),
  entries: [
    { field: 'size', missing: said('give size'), invalid: said('bad size') },
    {
      field: 'name',
      missing: said('give name'),
      invalid: (value, errors) =>
        apiErrors.badRequestBody(
          failed(errors, 'maxLength')
            ? `name ${JSON.stringify(value)} too long`
            : `name ${JSON.stringify(value)} too short`,
        ),
    },
    { field: 'kind', invalid: said('bad kind') },
    { field: 'limit', invalid: said('bad limit') },
    {
      rule: (b) =>
        (b.size as number) > (b.limit as number)
          ? apiErrors.badRequestBody('size over limit')
          : undefined,
    },
    { field: 'items', invalid: said('bad items'), items: itemTable },
    {
      field: 'inner',
      object: {
        notObject: said('inner is not an object'),
        unknown: (sent) => apiErrors.badRequestBody(`inner: unknown ${sent.join(',')}`),
        empty: said('inner is empty'),
        entries: [{ field: 'flag', invalid: said('bad flag') }],
      },
    },
  ],
};

const check = bodyCheck(schema, table);

describe('bodyCheck', () => {
  it('answers a valid body with its defaults filled in, typed from the schema', () => {
    const value = check({ name: 'ab', size: 3 });
    expect(value).toEqual({ name: 'ab', size: 3, kind: 'A', limit: 10 });
    expectTypeOf(value.name).toEqualTypeOf<string>();
    expectTypeOf(value.kind).toEqualTypeOf<'A' | 'B'>();
    expectTypeOf(value.items).toEqualTypeOf<{ id: string }[] | undefined>();
  });

  it('does not change the body it was given', () => {
    const body = { name: 'ab', size: 3, kind: null };
    check(body);
    expect(body).toEqual({ name: 'ab', size: 3, kind: null });
  });

  it('refuses an absent or null body with AS.0002 and any other non-object with AS.0022', () => {
    expect(refusal(() => check(undefined))).toMatchObject({ status: 400, code: 'AS.0002' });
    expect(refusal(() => check(null))).toMatchObject({ status: 400, code: 'AS.0002' });
    expect(refusal(() => check([1]))).toMatchObject({ status: 400, code: 'AS.0022' });
    expect(refusal(() => check('x'))).toMatchObject({ status: 400, code: 'AS.0022' });
  });

  it('tells the first fault in the order of the table, not of the schema', () => {
    // Both are wrong; the table checks size before name.
    expect(refusal(() => check({ name: '', size: 0 })).message).toBe('bad size');
    expect(refusal(() => check({ name: '' })).message).toBe('give size');
    expect(refusal(() => check({ size: 1 })).message).toBe('give name');
  });

  it('lets the message depend on the keyword that failed', () => {
    expect(refusal(() => check({ name: 'abcdef', size: 1 })).message).toBe(
      'name "abcdef" too long',
    );
    expect(refusal(() => check({ name: '', size: 1 })).message).toBe('name "" too short');
  });

  it('names every unknown field, in the order sent, and the accepted ones from the schema', () => {
    expect(refusal(() => check({ zz: 1, name: 'a', size: 1, aa: 2 })).message).toBe(
      'unknown zz,aa; accepted name,size,kind,limit,items,inner',
    );
  });

  it('reads null as absent: a required field is missing, an optional one takes its default', () => {
    expect(refusal(() => check({ name: null, size: 1 })).message).toBe('give name');
    expect(check({ name: 'a', size: 1, kind: null, limit: null })).toEqual({
      name: 'a',
      size: 1,
      kind: 'A',
      limit: 10,
    });
  });

  it('refuses a field the schema does not list even when it is null, at every level', () => {
    expect(refusal(() => check({ name: 'a', size: 1, zz: null })).message).toBe(
      'unknown zz; accepted name,size,kind,limit,items,inner',
    );
    expect(refusal(() => check({ name: 'a', size: 1, inner: { q: null } })).message).toBe(
      'inner: unknown q',
    );
    expect(
      refusal(() => check({ name: 'a', size: 1, items: [{ id: 'a', x: null }] })).message,
    ).toBe('item takes only id, not x');
  });

  it('checks a rule where the table places it: after the fields before it, before the rest', () => {
    expect(refusal(() => check({ name: 'a', size: 5, limit: 4 })).message).toBe('size over limit');
    // A fault before the rule wins over it; the rule wins over a fault after it.
    expect(refusal(() => check({ name: 'a', size: 5, limit: 0 })).message).toBe('bad limit');
    expect(refusal(() => check({ name: 'a', size: 5, limit: 4, items: 'x' })).message).toBe(
      'size over limit',
    );
  });

  it('checks an array, then each of its items with their own table', () => {
    expect(refusal(() => check({ name: 'a', size: 1, items: 'x' })).message).toBe('bad items');
    expect(
      refusal(() => check({ name: 'a', size: 1, items: [{ id: 'a' }, { id: 'a' }, { id: 'a' }] }))
        .message,
    ).toBe('bad items');
    expect(refusal(() => check({ name: 'a', size: 1, items: [{ id: 'a' }, 7] })).message).toBe(
      'item 7 is not an object',
    );
    expect(refusal(() => check({ name: 'a', size: 1, items: [{ id: 'a' }, {}] })).message).toBe(
      'give id',
    );
    expect(
      refusal(() => check({ name: 'a', size: 1, items: [{ id: 'A' }, { id: 'b', x: 1 }] })).message,
    ).toBe('bad id');
    expect(refusal(() => check({ name: 'a', size: 1, items: [{ id: 'b', x: 1 }] })).message).toBe(
      'item takes only id, not x',
    );
  });

  it('checks a nested object with its own table: not an object, unknown, empty, fields', () => {
    const base = { name: 'a', size: 1 };
    expect(refusal(() => check({ ...base, inner: [] })).message).toBe('inner is not an object');
    expect(refusal(() => check({ ...base, inner: { q: 1 } })).message).toBe('inner: unknown q');
    expect(refusal(() => check({ ...base, inner: {} })).message).toBe('inner is empty');
    expect(refusal(() => check({ ...base, inner: { flag: 'yes' } })).message).toBe('bad flag');
    expect(check({ ...base, inner: { flag: true } }).inner).toEqual({ flag: true });
  });

  it('still refuses, naming the place, what the schema refuses and the table does not say', () => {
    const loose = bodyCheck(
      {
        type: 'object',
        additionalProperties: false,
        properties: { a: { type: 'integer' }, b: { type: 'integer' } },
        anyOf: [{ required: ['a'] }, { required: ['b'] }],
      } as const,
      {
        unknown: said('unknown'),
        entries: [
          { field: 'a', invalid: said('bad a') },
          { field: 'b', invalid: said('bad b') },
        ],
      },
    );
    expect(refusal(() => loose({}))).toMatchObject({
      status: 400,
      code: 'AS.0022',
      message: expect.stringMatching(/^Invalid request body at \/: .+\.$/) as unknown,
    });
    expect(loose({ b: 2 })).toEqual({ b: 2 });
  });

  it('refuses to build a check whose table and schema disagree', () => {
    // Built inside a function without a value, so `expect` need not hold the body's type.
    const build =
      (t: ObjectTable): (() => void) =>
      () => {
        bodyCheck(schema, t);
      };
    const entries = table.entries.filter((e) => !('field' in e) || e.field !== 'kind');
    expect(build({ ...table, entries })).toThrow(/only in the schema kind/);
    expect(
      build({ ...table, entries: [...table.entries, { field: 'extra', invalid: said('x') }] }),
    ).toThrow(/only in the table extra/);
    const noMissing = table.entries.map((e) =>
      'field' in e && e.field === 'name' ? { field: 'name', invalid: said('x') } : e,
    );
    expect(build({ ...table, entries: noMissing })).toThrow(
      /name is required but its table entry has no missing answer/,
    );
    const noItemTable = table.entries.map((e) =>
      'field' in e && e.field === 'items' ? { ...e, items: { ...itemTable, entries: [] } } : e,
    );
    expect(build({ ...table, entries: noItemTable })).toThrow(/the body\.items disagree/);
  });

  it('refuses to build a check from a schema Ajv rejects in strict mode', () => {
    const unknownKeyword: object = { type: 'object', properties: {}, frobnicate: true };
    expect(() => {
      bodyCheck(unknownKeyword as { type: 'object' }, { unknown: said('unknown'), entries: [] });
    }).toThrow(/frobnicate/);
  });
});
