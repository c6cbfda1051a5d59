import { isObject } from '../shared/is-object.js';

/**
 * Tags on AS resources and the query of resources by tag ("Creating or Deleting a Tag",
 * "Querying Resources by Tag"): the resource types that carry tags, their limits, and the
 * match rules of the query. Pure: no I/O.
 */

/** The resource types the tag API names: `scaling_group_tag`, the AS groups. */
export const tagResourceTypes = ['scaling_group_tag'] as const;
export type TagResourceType = (typeof tagResourceTypes)[number];

export const isTagResourceType = (value: string): value is TagResourceType =>
  (tagResourceTypes as readonly string[]).includes(value);

/** At most this many tags on one resource (AS.7045). */
export const maxTagsPerResource = 10;
/** A key: 1 to 36 Unicode characters (AS.7062 empty, AS.7063 longer). */
export const maxTagKeyLength = 36;
/** A value: 0 to 43 Unicode characters (AS.7047 longer). */
export const maxTagValueLength = 43;
/** Digits, letters, hyphens, underscores and at signs, in any script (AS.7046 otherwise). */
export const tagTextPattern = '^[\\p{L}\\p{Nd}_@-]*$';
/** A query names at most this many keys in each of its lists, each with this many values. */
export const maxQueryKeys = 10;
export const maxQueryValues = 10;
/** The value of a `matches` entry: at most 255 Unicode characters. */
export const maxMatchValueLength = 255;

/** One tag of a resource. A tag without a value has the value `''`. */
export interface ResourceTag {
  readonly key: string;
  readonly value: string;
}

/** A tag to delete: by key alone, or only when it has this value. */
export interface TagToDelete {
  readonly key: string;
  readonly value?: string;
}

/**
 * A condition of the query: the resource has the key, with one of `values`. No values means
 * any value; a value starting with `*` matches every value containing what follows it.
 */
export interface TagCondition {
  readonly key: string;
  readonly values: readonly string[];
}

/** What the resource query keeps; empty lists keep every resource. */
export interface TagQuery {
  /** Every condition holds. */
  readonly tags: readonly TagCondition[];
  /** At least one condition holds. */
  readonly tagsAny: readonly TagCondition[];
  /** Not every condition holds. */
  readonly notTags: readonly TagCondition[];
  /** No condition holds. */
  readonly notTagsAny: readonly TagCondition[];
  /** Only resources without tags; the four lists are then ignored. */
  readonly withoutAnyTag: boolean;
  /** `matches` on `resource_name`: names containing it; `''` matches only the empty name. */
  readonly name?: string;
}

/** Whether a stored value meets a value of a condition (`*text` is "contains text"). */
export function valueMatches(stored: string, wanted: string): boolean {
  return wanted.startsWith('*') ? stored.includes(wanted.slice(1)) : stored === wanted;
}

function holds(tags: readonly ResourceTag[], condition: TagCondition): boolean {
  return tags.some(
    (tag) =>
      tag.key === condition.key &&
      (condition.values.length === 0 || condition.values.some((v) => valueMatches(tag.value, v))),
  );
}

/** Whether a resource with these tags and this name is one the query keeps. */
export function matchesTagQuery(
  resource: { readonly name: string; readonly tags: readonly ResourceTag[] },
  query: TagQuery,
): boolean {
  const { name, tags } = resource;
  if (query.name !== undefined) {
    const nameMatches = query.name === '' ? name === '' : name.includes(query.name);
    if (!nameMatches) return false;
  }
  if (query.withoutAnyTag) return tags.length === 0;
  const holdsFor = (c: TagCondition): boolean => holds(tags, c);
  return (
    query.tags.every(holdsFor) &&
    (query.tagsAny.length === 0 || query.tagsAny.some(holdsFor)) &&
    (query.notTags.length === 0 || !query.notTags.every(holdsFor)) &&
    !query.notTagsAny.some(holdsFor)
  );
}

/**
 * The project's tags of one resource type as the tenant list shows them: each key once, with
 * its distinct values, keys and values in the order first seen in `tags`.
 */
export function tagsByKey(tags: readonly ResourceTag[]): { key: string; values: string[] }[] {
  const byKey = new Map<string, string[]>();
  for (const { key, value } of tags) {
    const values = byKey.get(key);
    if (values === undefined) byKey.set(key, [value]);
    else if (!values.includes(value)) values.push(value);
  }
  return [...byKey].map(([key, values]) => ({ key, values }));
}

/** Why a list of tags as sent is refused (see {@link readTags}). */
export type TagFault =
  | { readonly kind: 'notTag'; readonly value: unknown }
  | { readonly kind: 'keyEmpty' }
  | { readonly kind: 'keyTooLong'; readonly key: string }
  | { readonly kind: 'valueTooLong'; readonly value: string }
  | { readonly kind: 'characters'; readonly text: string }
  | { readonly kind: 'duplicateKey'; readonly key: string };

const tagText = new RegExp(tagTextPattern, 'u');
const length = (text: string): number => Array.from(text).length;

function readTag(item: unknown): ResourceTag | TagFault {
  if (!isObject(item) || Object.keys(item).some((k) => k !== 'key' && k !== 'value')) {
    return { kind: 'notTag', value: item };
  }
  const { key, value = '' } = item;
  if (key === undefined || key === null || key === '') return { kind: 'keyEmpty' };
  if (typeof key !== 'string') return { kind: 'notTag', value: item };
  if (length(key) > maxTagKeyLength) return { kind: 'keyTooLong', key };
  if (!tagText.test(key)) return { kind: 'characters', text: key };
  const text = value ?? '';
  if (typeof text !== 'string') return { kind: 'notTag', value: item };
  if (length(text) > maxTagValueLength) return { kind: 'valueTooLong', value: text };
  if (!tagText.test(text)) return { kind: 'characters', text };
  return { key, value: text };
}

/**
 * The tags of a list as sent (`{"key", "value"}` objects; no value is the empty value), or
 * the first fault: the rules of the tag API's create.
 */
export function readTags(items: readonly unknown[]): ResourceTag[] | TagFault {
  const tags: ResourceTag[] = [];
  for (const item of items) {
    const tag = readTag(item);
    if ('kind' in tag) return tag;
    if (tags.some((t) => t.key === tag.key)) return { kind: 'duplicateKey', key: tag.key };
    tags.push(tag);
  }
  return tags;
}
