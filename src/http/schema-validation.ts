import { Ajv } from 'ajv';
import type { ErrorObject, ValidateFunction } from 'ajv';
import type { FromSchema, JSONSchema } from 'json-schema-to-ts';
import { apiErrors } from '../errors/api-error.js';
import type { ApiError } from '../errors/api-error.js';
import { isObject } from '../shared/is-object.js';
import { bodyObject } from './body-fields.js';

/**
 * Request bodies checked against their operation's JSON schema, the same schema that types
 * the handler (`FromSchema`) and describes the operation in the OpenAPI document. The cloud
 * answers each refused field with its own code and a message naming the field, and checks
 * fields in a fixed order, so a schema comes with an error table: for each object in the
 * body, its fields in the order they are checked, each with the error it answers when it
 * is missing or invalid, and the cross-field rules a schema cannot say (such as
 * `min_size <= size`) between them, where they are checked. The schema decides whether the
 * body is valid; the table only decides which error is told.
 *
 * `null` counts as absent, as the cloud's typed models read it (see {@link CheckOptions} for
 * an operation that reads only its own fields so). Defaults in the schema are filled in.
 * Numbers are not coerced: a field that takes a string or a number says so in its schema.
 *
 * A rule may depend on more than the body (an update's rules on the resource it changes):
 * the check is then called with that context, which each rule is given.
 */

/** An error answer for a field, given the value sent and what the schema found wrong. */
export type InvalidField = (value: unknown, errors: readonly SchemaError[]) => ApiError;

/** An error answer for a field that also depends on where it is (see {@link Place}). */
export type PlacedInvalidField<C = void> = (
  value: unknown,
  errors: readonly SchemaError[],
  place: Place<C>,
) => ApiError;

/**
 * Where an answer is given, for the answers that depend on more than one value: the object
 * being checked (its fields as validated: nulls removed, defaults filled in), its JSON pointer
 * in the body (`''` for the body, `/actions/2` for an item), the whole body, and what the
 * caller passed to the check (such as the time it runs at).
 */
export interface Place<C = void> {
  readonly object: Readonly<Record<string, unknown>>;
  readonly path: string;
  readonly root: Readonly<Record<string, unknown>>;
  readonly context: C;
}

/** One schema violation, as the error table reads it. */
export interface SchemaError {
  /** The JSON Schema keyword that failed: `type`, `pattern`, `maxLength`, `enum`... */
  readonly keyword: string;
  /** Where, below the field: `''` for the field itself, `/0` for its first item... */
  readonly path: string;
}

/** A field of an object, in the order the operation checks it. */
export interface FieldEntry<C = void> {
  readonly field: string;
  /** The answer when the field is required and absent (or null). */
  readonly missing?: (place: Place<C>) => ApiError;
  /** The answer when the field's value breaks its schema. */
  readonly invalid?: PlacedInvalidField<C>;
  /** For an object field: its own table, checked in place. */
  readonly object?: ObjectTable<C>;
  /** For an array of objects: each item's table, checked in order after the array itself. */
  readonly items?: ObjectTable<C>;
}

/** A rule the schema cannot state, checked once the entries before it passed. */
export interface RuleEntry<C = void> {
  readonly rule: (
    object: Readonly<Record<string, unknown>>,
    place: Place<C>,
  ) => ApiError | undefined;
}

/** How one object of a body is checked and what each refusal answers. */
export interface ObjectTable<C = void> {
  /** The object is present but not an object; `place.path` is the value's own pointer. */
  readonly notObject?: (value: unknown, place: Place<C>) => ApiError;
  /** Fields the operation does not take: every one sent, and the accepted ones. */
  readonly unknown: (
    sent: readonly string[],
    accepted: readonly string[],
    place: Place<C>,
  ) => ApiError;
  /** The object has none of its fields (`minProperties: 1`). */
  readonly empty?: () => ApiError;
  readonly entries: readonly (FieldEntry<C> | RuleEntry<C>)[];
}

/** How a body is read before it is checked. */
export interface CheckOptions {
  /**
   * Where `null` counts as absent. `'everywhere'` (the default): a field its schema lists, set
   * to null, in any object of the body; a field the schema does not list is refused even
   * when null. `'bodyFields'`: only the body's own fields that its schema lists; a
   * field the schema does not list is refused even when null, and the values of the fields
   * are checked and returned as sent, nulls inside them included. `'nowhere'`: null is a
   * value like any other, which the schema refuses where it does not allow it.
   */
  readonly nullAbsent?: 'everywhere' | 'bodyFields' | 'nowhere';
}

const ajv = new Ajv({
  allErrors: true,
  useDefaults: true,
  coerceTypes: false,
  allowUnionTypes: true,
  strict: true,
  strictRequired: false,
});
// Dotted IPv4, each octet 0-255 without leading zeros.
const octet = '(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
ajv.addFormat('ipv4', new RegExp(`^${octet}(?:\\.${octet}){3}$`));

interface Schema {
  readonly type?: unknown;
  readonly properties?: Readonly<Record<string, Schema>>;
  readonly required?: readonly string[];
  readonly items?: Schema;
}

/**
 * A copy of a parsed JSON body in which object fields set to `null` are absent. A field its
 * object's schema does not list stays, `null` or not, so that it is refused as unknown.
 */
function withoutNulls(value: unknown, schema?: Schema): unknown {
  if (Array.isArray(value)) return value.map((item) => withoutNulls(item, schema?.items));
  if (!isObject(value)) return value;
  const properties = schema?.properties;
  const copy: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) {
    const known = properties === undefined || Object.hasOwn(properties, key);
    if (field !== null || !known) copy[key] = withoutNulls(field, properties?.[key]);
  }
  return copy;
}

/** A copy of a body without those of `fields` that are set to `null`; values as they are. */
function withoutNullFields(body: Readonly<Record<string, unknown>>, fields: readonly string[]) {
  return Object.fromEntries(
    Object.entries(body).filter(([key, field]) => field !== null || !fields.includes(key)),
  );
}

/** Ajv's errors by the object or value they are about (its JSON pointer). */
type ErrorsByPath = ReadonlyMap<string, readonly ErrorObject[]>;

function byPath(errors: readonly ErrorObject[]): ErrorsByPath {
  const map = new Map<string, ErrorObject[]>();
  for (const error of errors) {
    const list = map.get(error.instancePath);
    if (list === undefined) map.set(error.instancePath, [error]);
    else list.push(error);
  }
  return map;
}

const pointer = (path: string, key: string | number): string =>
  `${path}/${String(key).replaceAll('~', '~0').replaceAll('/', '~1')}`;

/** Errors at `path` and below it, with their paths relative to it. */
function errorsUnder(errors: ErrorsByPath, path: string): SchemaError[] {
  const found: SchemaError[] = [];
  for (const [at, list] of errors) {
    if (at !== path && !at.startsWith(`${path}/`)) continue;
    for (const e of list) found.push({ keyword: e.keyword, path: at.slice(path.length) });
  }
  return found;
}

const isRule = <C>(entry: FieldEntry<C> | RuleEntry<C>): entry is RuleEntry<C> => 'rule' in entry;

/** Walks one object's table in order and answers its first refusal, if any. */
function firstRefusal<C>(
  table: ObjectTable<C>,
  schema: Schema,
  value: Readonly<Record<string, unknown>>,
  path: string,
  errors: ErrorsByPath,
  within: Omit<Place<C>, 'object' | 'path'>,
): ApiError | undefined {
  const place: Place<C> = { ...within, object: value, path };
  const here = errors.get(path) ?? [];
  const accepted = Object.keys(schema.properties ?? {});
  const unknown = here
    .filter((e) => e.keyword === 'additionalProperties')
    .map((e) => (e.params as { additionalProperty: string }).additionalProperty);
  if (unknown.length > 0) return table.unknown(unknown, accepted, place);
  if (table.empty !== undefined && here.some((e) => e.keyword === 'minProperties')) {
    return table.empty();
  }
  const missing = new Set(
    here
      .filter((e) => e.keyword === 'required' && !e.schemaPath.includes('Of/'))
      .map((e) => (e.params as { missingProperty: string }).missingProperty),
  );
  for (const entry of table.entries) {
    if (isRule(entry)) {
      const refusal = entry.rule(value, place);
      if (refusal !== undefined) return refusal;
      continue;
    }
    const { field } = entry;
    if (missing.has(field)) return entry.missing?.(place) ?? tableGap(path, field, 'missing');
    const fieldValue = value[field];
    if (fieldValue === undefined) continue;
    const at = pointer(path, field);
    const fieldSchema = schema.properties?.[field] ?? {};
    if (entry.object !== undefined && isObject(fieldValue)) {
      const refusal = firstRefusal(entry.object, fieldSchema, fieldValue, at, errors, within);
      if (refusal !== undefined) return refusal;
      continue;
    }
    if (entry.items !== undefined && Array.isArray(fieldValue)) {
      const own = (errors.get(at) ?? []).map((e) => ({ keyword: e.keyword, path: '' }));
      if (own.length > 0) return invalidField(entry, fieldValue, own, place);
      for (const [i, item] of fieldValue.entries()) {
        const itemAt = pointer(at, i);
        if (!isObject(item)) {
          const itemErrors = errorsUnder(errors, itemAt);
          if (itemErrors.length > 0) {
            return (
              entry.items.notObject?.(item, { ...place, path: itemAt }) ??
              invalidField(entry, fieldValue, errorsUnder(errors, at), place)
            );
          }
          continue;
        }
        const refusal = firstRefusal(
          entry.items,
          fieldSchema.items ?? {},
          item,
          itemAt,
          errors,
          within,
        );
        if (refusal !== undefined) return refusal;
      }
      continue;
    }
    const found = errorsUnder(errors, at);
    if (found.length > 0) {
      if (entry.object?.notObject !== undefined) {
        return entry.object.notObject(fieldValue, { ...place, path: at });
      }
      return invalidField(entry, fieldValue, found, place);
    }
  }
  return undefined;
}

function invalidField<C>(
  entry: FieldEntry<C>,
  value: unknown,
  errors: readonly SchemaError[],
  place: Place<C>,
): ApiError {
  return entry.invalid?.(value, errors, place) ?? tableGap(place.path, entry.field, 'invalid');
}

/** A table without the answer the schema needs: a fault of the code, caught by the tests. */
function tableGap(path: string, field: string, what: string): never {
  throw new Error(`The error table of ${path || 'the body'} has no "${what}" for ${field}.`);
}

/**
 * Checks that a table and its schema agree: the same fields, in both directions, every
 * required field with its missing answer and every nested object or array of objects with a
 * table of its own. Called once per operation when the module loads, so a field added to a
 * schema without its error (or the reverse) stops the server from starting, and the tests.
 */
function checkTable<C>(table: ObjectTable<C>, schema: Schema, where: string): void {
  const properties = schema.properties ?? {};
  const fields = table.entries.filter((e) => !isRule(e)).map((e) => (e as FieldEntry<C>).field);
  const inSchema = Object.keys(properties);
  const onlyInTable = fields.filter((f) => !inSchema.includes(f));
  const onlyInSchema = inSchema.filter((f) => !fields.includes(f));
  if (onlyInTable.length > 0 || onlyInSchema.length > 0) {
    throw new Error(
      `The schema and the error table of ${where} disagree: only in the table ${onlyInTable.join(', ') || '-'}; only in the schema ${onlyInSchema.join(', ') || '-'}.`,
    );
  }
  for (const entry of table.entries) {
    if (isRule(entry)) continue;
    const fieldSchema = properties[entry.field] ?? {};
    const name = `${where}.${entry.field}`;
    if (schema.required?.includes(entry.field) === true && entry.missing === undefined) {
      throw new Error(`${name} is required but its table entry has no missing answer.`);
    }
    if (entry.object !== undefined) checkTable(entry.object, fieldSchema, name);
    else if (entry.items !== undefined) checkTable(entry.items, fieldSchema.items ?? {}, name);
    else if (entry.invalid === undefined) {
      throw new Error(`${name} has no invalid answer in its table entry.`);
    }
  }
}

/**
 * The check of one operation's body: `(body, context) => value`, where `value` is the body
 * with defaults filled in and null fields removed ({@link CheckOptions}), typed from the
 * same schema (`FromSchema<typeof schema>`). A body that is absent or `null` is 400 AS.0002
 * and any other non-object 400 AS.0022, as for every operation; every other refusal is the
 * first the table finds. A table whose answers need more than the body (a clock, a stored
 * resource) takes it as the check's `context`, passed to them in `place`.
 */
export function bodyCheck<const S extends JSONSchema, C = void>(
  schema: S,
  table: ObjectTable<C>,
  options?: CheckOptions,
): (body: unknown, context: C) => FromSchema<S>;
export function bodyCheck<C>(
  schema: JSONSchema,
  table: ObjectTable<C>,
  options: CheckOptions = {},
): (body: unknown, context: C) => unknown {
  checkTable(table, schema as Schema, 'the body');
  const validate: ValidateFunction = ajv.compile(schema as object);
  const fields = Object.keys((schema as Schema).properties ?? {});
  return (body, context) => {
    const sent = bodyObject(body);
    const value =
      options.nullAbsent === 'nowhere'
        ? { ...sent }
        : options.nullAbsent === 'bodyFields'
          ? withoutNullFields(sent, fields)
          : (withoutNulls(sent, schema as Schema) as Record<string, unknown>);
    const valid = validate(value);
    const errors = byPath(valid ? [] : (validate.errors ?? []));
    const within = { root: value, context };
    const refusal = firstRefusal(table, schema as Schema, value, '', errors, within);
    if (refusal !== undefined) throw refusal;
    if (!valid) {
      // The schema refused something the table does not say: still a 400 naming the place.
      const [first] = validate.errors ?? [];
      throw apiErrors.badRequestBody(
        `Invalid request body at ${first?.instancePath || '/'}: ${first?.message ?? 'refused'}.`,
      );
    }
    return value;
  };
}

/** Whether any of the errors is about the keyword (`'maxLength'`, `'pattern'`...). */
export const failed = (errors: readonly SchemaError[], ...keywords: string[]): boolean =>
  errors.some((e) => keywords.includes(e.keyword));
