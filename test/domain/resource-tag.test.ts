import { describe, expect, it } from 'vitest';
import {
  matchesTagQuery,
  readTags,
  tagsByKey,
  valueMatches,
} from '../../src/domain/resource-tag.js';
import type { TagQuery } from '../../src/domain/resource-tag.js';

const none: TagQuery = { tags: [], tagsAny: [], notTags: [], notTagsAny: [], withoutAnyTag: false };

describe('tags', () => {
  it('reads tags as sent: no value or null is the empty value; keys and values in any script', () => {
    expect(
      readTags([{ key: 'a' }, { key: 'b', value: null }, { key: '环境', value: 'é-_@1' }]),
    ).toEqual([
      { key: 'a', value: '' },
      { key: 'b', value: '' },
      { key: '环境', value: 'é-_@1' },
    ]);
    // Lengths count characters, not UTF-16 units: 36 astral letters are a key of 36.
    expect(readTags([{ key: '𝒜'.repeat(36) }])).toHaveLength(1);
    expect(readTags([{ key: '𝒜'.repeat(37) }])).toMatchObject({ kind: 'keyTooLong' });
  });

  it('names the first fault of a list', () => {
    expect(readTags([{ key: '' }])).toEqual({ kind: 'keyEmpty' });
    expect(readTags([{ key: null }])).toEqual({ kind: 'keyEmpty' });
    expect(readTags(['k'])).toMatchObject({ kind: 'notTag' });
    expect(readTags([{ key: 'k', value: 2 }])).toMatchObject({ kind: 'notTag' });
    expect(readTags([{ key: 'k', extra: 1 }])).toMatchObject({ kind: 'notTag' });
    expect(readTags([{ key: 'a.b' }])).toEqual({ kind: 'characters', text: 'a.b' });
    expect(readTags([{ key: 'k', value: 'v'.repeat(44) }])).toMatchObject({ kind: 'valueTooLong' });
    expect(readTags([{ key: 'k' }, { key: 'k', value: 'x' }])).toEqual({
      kind: 'duplicateKey',
      key: 'k',
    });
  });

  it('matches values exactly, or containing what follows a leading *', () => {
    expect(valueMatches('prod', 'prod')).toBe(true);
    expect(valueMatches('prod', 'Prod')).toBe(false);
    expect(valueMatches('preprod-1', '*prod')).toBe(true);
    expect(valueMatches('dev', '*prod')).toBe(false);
  });

  it('applies each list of the query as its operator says', () => {
    const g = {
      name: 'web-1',
      tags: [
        { key: 'env', value: 'prod' },
        { key: 'team', value: 'a' },
      ],
    };
    const env = { key: 'env', values: ['prod'] };
    const other = { key: 'tier', values: [] };
    expect(matchesTagQuery(g, none)).toBe(true);
    expect(matchesTagQuery(g, { ...none, tags: [env, other] })).toBe(false);
    expect(matchesTagQuery(g, { ...none, tagsAny: [env, other] })).toBe(true);
    expect(matchesTagQuery(g, { ...none, notTags: [env, other] })).toBe(true);
    expect(matchesTagQuery(g, { ...none, notTags: [env] })).toBe(false);
    expect(matchesTagQuery(g, { ...none, notTagsAny: [other, env] })).toBe(false);
    expect(matchesTagQuery(g, { ...none, name: 'eb-' })).toBe(true);
    expect(matchesTagQuery(g, { ...none, name: '' })).toBe(false);
    expect(matchesTagQuery(g, { ...none, withoutAnyTag: true })).toBe(false);
    expect(
      matchesTagQuery({ name: 'x', tags: [] }, { ...none, withoutAnyTag: true, tags: [env] }),
    ).toBe(true);
  });

  it("lists a project's keys once, with distinct values in the order first seen", () => {
    expect(
      tagsByKey([
        { key: 'b', value: '1' },
        { key: 'a', value: '' },
        { key: 'b', value: '2' },
        { key: 'b', value: '1' },
      ]),
    ).toEqual([
      { key: 'b', values: ['1', '2'] },
      { key: 'a', values: [''] },
    ]);
  });
});
