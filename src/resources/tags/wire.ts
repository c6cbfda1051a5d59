import { apiErrors } from '../../errors/api-error.js';
import type { ApiError } from '../../errors/api-error.js';
import {
  isTagResourceType,
  maxMatchValueLength,
  maxQueryKeys,
  maxQueryValues,
  maxTagKeyLength,
  maxTagValueLength,
  tagResourceTypes,
} from '../../domain/resource-tag.js';
import type {
  ResourceTag,
  TagCondition,
  TagQuery,
  TagResourceType,
  TagToDelete,
} from '../../domain/resource-tag.js';
import { showValue, unsupportedFields } from '../../http/body-fields.js';
import { bodyCheck, failed } from '../../http/schema-validation.js';
import type {
  FieldEntry,
  ObjectTable,
  RuleEntry,
  SchemaError,
} from '../../http/schema-validation.js';
import { resourceQueryBody, tagActionBody } from './schemas.js';
import type { TagQueryPage, TaggedResource } from './service.js';

/** The path's `resource_type`: one the tag API names, else 400 AS.7048. */
export function parseTagResourceType(value: string): TagResourceType {
  if (!isTagResourceType(value)) throw apiErrors.tagResourceTypeInvalid(value, tagResourceTypes);
  return value;
}

const allowedText = 'letters, digits, hyphens (-), underscores (_) and at signs (@)';

/** A key's refusal: empty AS.7062, too long AS.7063, anything else AS.7046. */
function keyFault(where: string, checkCharacters: boolean) {
  return (value: unknown, errors: readonly SchemaError[]): ApiError => {
    if (typeof value !== 'string') {
      return apiErrors.tagInvalid(`The key of ${where} must be a string, not ${showValue(value)}.`);
    }
    if (failed(errors, 'minLength')) return apiErrors.tagKeyNull(`A key in ${where} is empty.`);
    if (failed(errors, 'maxLength')) {
      return apiErrors.tagKeyTooLong(
        `Key ${showValue(value)} in ${where} is longer than ${String(maxTagKeyLength)} characters.`,
      );
    }
    return apiErrors.tagInvalid(
      checkCharacters
        ? `Key ${showValue(value)} in ${where} may hold only ${allowedText}.`
        : `Key ${showValue(value)} in ${where} is refused.`,
    );
  };
}

const keyMissing = (where: string) => () =>
  apiErrors.tagKeyNull(`Each tag of ${where} needs a key.`);

const notATag = (where: string) => (value: unknown) =>
  apiErrors.tagInvalid(`Each item of ${where} is an object with a key, not ${showValue(value)}.`);

const unknownTagFields =
  (where: string) => (sent: readonly string[], accepted: readonly string[]) =>
    apiErrors.tagInvalid(
      `Unsupported field${sent.length > 1 ? 's' : ''} ${sent.map((k) => JSON.stringify(k)).join(', ')} in a tag of ${where}; accepted: ${accepted.join(', ')}.`,
    );

/** A rule refusing a key given twice in the array `field` of the object checked. */
function distinctKeys<C>(field: string, where: string): RuleEntry<C> {
  return {
    rule: (object) => {
      const items = object[field];
      if (!Array.isArray(items)) return undefined;
      const seen = new Set<string>();
      for (const item of items as { key: string }[]) {
        if (seen.has(item.key)) return apiErrors.tagKeyDuplicate(item.key, where);
        seen.add(item.key);
      }
      return undefined;
    },
  };
}

const tagItemTable: ObjectTable = {
  notObject: notATag('tags'),
  unknown: unknownTagFields('tags'),
  entries: [
    { field: 'key', missing: keyMissing('tags'), invalid: keyFault('tags', true) },
    {
      field: 'value',
      invalid: (value, errors) => {
        if (typeof value !== 'string') {
          return apiErrors.tagInvalid(`A tag value must be a string, not ${showValue(value)}.`);
        }
        if (failed(errors, 'maxLength')) {
          return apiErrors.tagValueTooLong(
            `Value ${showValue(value)} is longer than ${String(maxTagValueLength)} characters.`,
          );
        }
        return apiErrors.tagInvalid(`Value ${showValue(value)} may hold only ${allowedText}.`);
      },
    },
  ],
};

const checkTagAction = bodyCheck(tagActionBody, {
  unknown: (sent, accepted) => unsupportedFields(sent, accepted, 'a tag action'),
  entries: [
    {
      field: 'action',
      missing: () => apiErrors.tagActionInvalid('The body needs an action: create or delete.'),
      invalid: (value) =>
        apiErrors.tagActionInvalid(`Got action ${showValue(value)}: expected create or delete.`),
    },
    {
      field: 'tags',
      missing: () => apiErrors.tagsNull('The body needs tags: a list of {"key", "value"}.'),
      invalid: (value, errors) =>
        failed(errors, 'minItems')
          ? apiErrors.tagsNull('The list of tags is empty: give one tag at least.')
          : apiErrors.tagInvalid(
              `tags must be a list of {"key", "value"}, not ${showValue(value)}.`,
            ),
      items: tagItemTable,
    },
    distinctKeys('tags', 'tags'),
  ],
});

/** A tag create or delete, as read from its body. */
export type TagAction =
  | { readonly action: 'create'; readonly tags: readonly ResourceTag[] }
  | { readonly action: 'delete'; readonly tags: readonly TagToDelete[] };

/** `POST .../{resource_type}/{resource_id}/tags/action`. */
export function parseTagAction(raw: unknown): TagAction {
  const body = checkTagAction(raw, undefined);
  if (body.action === 'create') {
    return {
      action: 'create',
      tags: body.tags.map(({ key, value }) => ({ key, value: value ?? '' })),
    };
  }
  return {
    action: 'delete',
    tags: body.tags.map(({ key, value }) => (value === undefined ? { key } : { key, value })),
  };
}

function valuesFault(value: unknown, errors: readonly SchemaError[]): ApiError {
  if (!Array.isArray(value)) {
    return apiErrors.tagInvalid(`values must be a list of strings, not ${showValue(value)}.`);
  }
  const own = errors.filter((e) => e.path === '');
  if (failed(own, 'maxItems')) {
    return apiErrors.tagsTooMany(
      `A key is given ${String(value.length)} values: at most ${String(maxQueryValues)}.`,
    );
  }
  const items: readonly unknown[] = value;
  const bad = items.find((v) => typeof v !== 'string');
  if (bad !== undefined) {
    return apiErrors.tagInvalid(`Each of values is a string, not ${showValue(bad)}.`);
  }
  const long = errors.find((e) => e.keyword === 'maxLength');
  if (long !== undefined) {
    return apiErrors.tagValueTooLong(
      `Value ${showValue(items[Number(long.path.slice(1))])} is longer than ${String(maxTagValueLength)} characters.`,
    );
  }
  return apiErrors.tagInvalid(
    'A value may not be only asterisks: * is reserved, and *text matches values containing text.',
  );
}

const conditionTable = (where: string): ObjectTable => ({
  notObject: notATag(where),
  unknown: unknownTagFields(where),
  entries: [
    { field: 'key', missing: keyMissing(where), invalid: keyFault(where, false) },
    { field: 'values', invalid: valuesFault },
    {
      rule: (object) => {
        const values = (object['values'] ?? []) as string[];
        const twice = values.find((v, i) => values.indexOf(v) !== i);
        return twice === undefined
          ? undefined
          : apiErrors.tagValueDuplicate(object['key'] as string, twice);
      },
    },
  ],
});

function conditionEntries(field: string): (FieldEntry | RuleEntry)[] {
  return [
    {
      field,
      invalid: (value, errors) =>
        Array.isArray(value) && failed(errors, 'maxItems')
          ? apiErrors.tagsTooMany(
              `${field} names ${String(value.length)} keys: at most ${String(maxQueryKeys)}.`,
            )
          : apiErrors.tagInvalid(
              `${field} must be a list of {"key", "values"}, not ${showValue(value)}.`,
            ),
      items: conditionTable(field),
    },
    distinctKeys(field, field),
  ];
}

const badNumber = (field: string) => (value: unknown) =>
  apiErrors.badRequestBody(
    `Invalid ${field} ${showValue(value)}: expected a whole number of 0 or more, as a string such as "100".`,
  );

/** The most resources one page of the query gives, and what it gives by default. */
const maxQueryLimit = 1000;

const matchFault = (detail: string) => () => apiErrors.tagMatchesInvalid(detail);
const matchShape = `matches is a list of {"key": "resource_name", "value": up to ${String(maxMatchValueLength)} characters}`;

const checkQuery = bodyCheck(resourceQueryBody, {
  unknown: (sent, accepted) => unsupportedFields(sent, accepted, 'a resource query'),
  entries: [
    {
      field: 'action',
      missing: () => apiErrors.tagActionInvalid('The body needs an action: filter or count.'),
      invalid: (value) =>
        apiErrors.tagActionInvalid(`Got action ${showValue(value)}: expected filter or count.`),
    },
    ...conditionEntries('tags'),
    ...conditionEntries('tags_any'),
    ...conditionEntries('not_tags'),
    ...conditionEntries('not_tags_any'),
    {
      field: 'without_any_tag',
      invalid: (value) =>
        apiErrors.badRequestBody(
          `Got without_any_tag ${showValue(value)}: expected true or false.`,
        ),
    },
    {
      field: 'matches',
      invalid: matchFault(`${matchShape}.`),
      items: {
        notObject: matchFault(`${matchShape}.`),
        unknown: matchFault(`${matchShape}: no other fields.`),
        entries: [
          {
            field: 'key',
            missing: matchFault('Each of matches needs a key: resource_name.'),
            invalid: (value) =>
              apiErrors.tagMatchesInvalid(
                `Got key ${showValue(value)} in matches: the only key is resource_name.`,
              ),
          },
          {
            field: 'value',
            missing: matchFault('Each of matches needs a value.'),
            invalid: matchFault(
              `A value of matches is a string of up to ${String(maxMatchValueLength)} characters.`,
            ),
          },
        ],
      },
    },
    {
      rule: (object) => {
        const matches = (object['matches'] ?? []) as unknown[];
        return matches.length > 1
          ? apiErrors.tagMatchesInvalid('resource_name is given more than once in matches.')
          : undefined;
      },
    },
    { field: 'limit', invalid: badNumber('limit') },
    {
      rule: (object) => {
        const limit = object['limit'];
        if (object['action'] !== 'filter' || limit === undefined) return undefined;
        const n = Number(limit);
        return n >= 1 && n <= maxQueryLimit
          ? undefined
          : apiErrors.badRequestBody(
              `Invalid limit ${showValue(limit)}: expected 1 to ${String(maxQueryLimit)} resources per page, as a string such as "100".`,
            );
      },
    },
    { field: 'marker', invalid: badNumber('marker') },
    { field: 'offset', invalid: badNumber('offset') },
  ],
});

/** The resource query, as read from its body. */
export interface ResourceQuery {
  readonly action: 'filter' | 'count';
  readonly query: TagQuery;
  readonly page: TagQueryPage;
}

const toConditions = (list?: readonly { key: string; values?: readonly string[] }[]) =>
  (list ?? []).map((c): TagCondition => ({ key: c.key, values: c.values ?? [] }));

/** `POST .../{resource_type}/resource_instances/action`. */
export function parseResourceQuery(raw: unknown): ResourceQuery {
  const body = checkQuery(raw, undefined);
  const name = body.matches?.[0]?.value;
  const query: TagQuery = {
    tags: toConditions(body.tags),
    tagsAny: toConditions(body.tags_any),
    notTags: toConditions(body.not_tags),
    notTagsAny: toConditions(body.not_tags_any),
    withoutAnyTag: body.without_any_tag === true,
    ...(name === undefined ? {} : { name }),
  };
  const start = body.offset ?? body.marker;
  return {
    action: body.action,
    query,
    page: {
      offset: start === undefined ? 0 : Number(start),
      limit: body.limit === undefined ? maxQueryLimit : Number(body.limit),
    },
  };
}

/** One item of the query's `resources`. */
export function taggedResourceToWire(
  resourceType: TagResourceType,
  resource: TaggedResource,
): Record<string, unknown> {
  return {
    resource_id: resource.id,
    // As the documented example: the resource type, upper-case.
    resource_detail: resourceType.toUpperCase(),
    tags: resource.tags.map(({ key, value }) => ({ key, value })),
    resource_name: resource.name,
  };
}
