import { isObject } from '../shared/is-object.js';

type Json = unknown;

const isRecord: (v: Json) => v is Record<string, Json> = isObject;

/** JSON text with object keys sorted, so two equal schemas compare equal however built. */
function canonical(value: Json): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (isRecord(value)) {
    const keys = Object.keys(value)
      .filter((k) => value[k] !== undefined)
      .sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * Moves every schema with a `title` in an OpenAPI 3 document to `components.schemas` under
 * that title and puts a `$ref` where it was, so generated clients get named models
 * (`ScalingGroups`, `ScalingPolicyExecuteLogList`: the official SDK's names) instead of one
 * anonymous type per operation.
 *
 * The route schemas are plain objects shared by reference, which @fastify/swagger copies
 * into each operation; the title is what says they are one model. A use whose description
 * differs from the model's keeps it beside the reference (`allOf`, since OpenAPI 3.0 ignores
 * the siblings of a `$ref`). Two different schemas under one title are a mistake in the route
 * schemas, and throw.
 */
export function hoistNamedSchemas<T extends Record<string, Json>>(document: T): T {
  const named = new Map<string, { readonly schema: Record<string, Json>; readonly key: string }>();

  const visit = (node: Json): Json => {
    if (Array.isArray(node)) return node.map(visit);
    if (!isRecord(node)) return node;
    const copy: Record<string, Json> = {};
    for (const [key, value] of Object.entries(node)) copy[key] = visit(value);
    const title = copy.title;
    if (typeof title !== 'string' || typeof copy.type !== 'string') return copy;

    const { description, ...shape } = copy;
    const key = canonical(shape);
    const found = named.get(title);
    if (found === undefined) {
      named.set(title, { schema: copy, key });
    } else if (found.key !== key) {
      throw new Error(`two different schemas are titled ${JSON.stringify(title)}`);
    }
    const ref = { $ref: `#/components/schemas/${title}` };
    const modelDescription = (found?.schema ?? copy).description;
    return description === undefined || description === modelDescription
      ? ref
      : { allOf: [ref], description };
  };

  const out: Record<string, Json> = {};
  for (const [key, value] of Object.entries(document)) {
    if (key !== 'components') out[key] = visit(value);
  }
  const existing = isRecord(document.components) ? document.components : {};
  const schemas = isRecord(existing.schemas) ? { ...existing.schemas } : {};
  for (const [title, { schema }] of [...named].sort(([a], [b]) => a.localeCompare(b))) {
    schemas[title] = schema;
  }
  return { ...out, components: { ...existing, schemas } } as unknown as T;
}
