import { describe, expect, it } from 'vitest';
import { testBackends } from '../../support/backends.js';
import { expectAsError, openTestApi, sqliteBackend } from '../../support/api-harness.js';
import type { TestApi } from '../../support/api-harness.js';
import { createGroup, names, query, queryUrl, send, tagGroup } from './tag-support.js';

const otherProject = '9b7e35ad379141fc9df3e178bd64f55c';

/** Four groups, created a second apart, so newest first is plain, db-prod, web-dev, web-prod. */
async function fourGroups(api: TestApi): Promise<Record<string, string>> {
  const ids: Record<string, string> = {};
  ids['web-prod'] = await createGroup(api, 'web-prod');
  await tagGroup(api, ids['web-prod'], [
    { key: 'env', value: 'prod' },
    { key: 'team', value: 'a' },
  ]);
  ids['web-dev'] = await createGroup(api, 'web-dev');
  await tagGroup(api, ids['web-dev'], [
    { key: 'env', value: 'dev' },
    { key: 'team', value: 'b' },
  ]);
  ids['db-prod'] = await createGroup(api, 'db-prod');
  await tagGroup(api, ids['db-prod'], [
    { key: 'env', value: 'prod' },
    { key: 'tier', value: 'db' },
  ]);
  ids['plain'] = await createGroup(api, 'plain');
  // Another project's groups never show.
  const theirs = await createGroup(api, 'web-prod', otherProject);
  const res = await send(
    api,
    'POST',
    `/autoscaling-api/v1/${otherProject}/scaling_group_tag/${theirs}/tags/action`,
    { action: 'create', tags: [{ key: 'env', value: 'prod' }] },
  );
  expect(res.statusCode, res.body).toBe(204);
  return ids;
}

for (const backend of testBackends) {
  describe.skipIf(!backend.available)(`resource query by tag: ${backend.name}`, () => {
    it('filters with every match operator, newest first', async () => {
      const api = await openTestApi(backend);
      await fourGroups(api);
      const env = (...values: string[]) => ({ key: 'env', values });
      expect(await names(api, {})).toEqual(['plain', 'db-prod', 'web-dev', 'web-prod']);
      expect(await names(api, { tags: [env('prod')] })).toEqual(['db-prod', 'web-prod']);
      expect(await names(api, { tags: [env('prod'), { key: 'team', values: ['a'] }] })).toEqual([
        'web-prod',
      ]);
      expect(await names(api, { tags: [env('prod', 'dev')] })).toEqual([
        'db-prod',
        'web-dev',
        'web-prod',
      ]);
      // No values, or none given: any value of the key.
      expect(await names(api, { tags: [{ key: 'team', values: [] }] })).toEqual([
        'web-dev',
        'web-prod',
      ]);
      expect(await names(api, { tags: [{ key: 'tier' }] })).toEqual(['db-prod']);
      expect(
        await names(api, {
          tags_any: [
            { key: 'team', values: ['a'] },
            { key: 'tier', values: ['db'] },
          ],
        }),
      ).toEqual(['db-prod', 'web-prod']);
      expect(await names(api, { not_tags: [env('prod'), { key: 'team', values: ['a'] }] })).toEqual(
        ['plain', 'db-prod', 'web-dev'],
      );
      expect(
        await names(api, { not_tags_any: [env('prod'), { key: 'team', values: ['a'] }] }),
      ).toEqual(['plain', 'web-dev']);
      // *text: values containing text.
      expect(await names(api, { tags: [env('*ro')] })).toEqual(['db-prod', 'web-prod']);
      expect(await names(api, { tags: [env('ro')] })).toEqual([]);
      expect(await names(api, { matches: [{ key: 'resource_name', value: 'web' }] })).toEqual([
        'web-dev',
        'web-prod',
      ]);
      expect(
        await names(api, {
          matches: [{ key: 'resource_name', value: 'prod' }],
          tags: [{ key: 'tier', values: ['db'] }],
        }),
      ).toEqual(['db-prod']);
      // The four lists are ignored when without_any_tag is true.
      expect(await names(api, { without_any_tag: true, tags: [env('prod')] })).toEqual(['plain']);
      expect(await names(api, { without_any_tag: false, tags: [env('dev')] })).toEqual(['web-dev']);
    });

    it('answers each resource with its id, name, detail and tags (newest first)', async () => {
      const api = await openTestApi(backend);
      const ids = await fourGroups(api);
      const answer = await query(api, {
        action: 'filter',
        matches: [{ key: 'resource_name', value: 'web-prod' }],
      });
      expect(Object.keys(answer)).toEqual(['resources', 'marker', 'total_count']);
      expect(answer).toEqual({
        resources: [
          {
            resource_id: ids['web-prod'],
            resource_detail: 'SCALING_GROUP_TAG',
            tags: [
              { key: 'team', value: 'a' },
              { key: 'env', value: 'prod' },
            ],
            resource_name: 'web-prod',
          },
        ],
        marker: '1',
        total_count: 1,
      });
      const plain = await query(api, { action: 'filter', without_any_tag: true });
      expect(plain.resources?.[0]?.tags).toEqual([]);
    });

    it('counts, and pages with offset (or marker) and limit', async () => {
      const api = await openTestApi(backend);
      await fourGroups(api);
      const counted = await query(api, {
        action: 'count',
        tags: [{ key: 'env', values: ['prod'] }],
        limit: '0',
      });
      expect(counted).toEqual({ total_count: 2 });
      expect(await query(api, { action: 'count' })).toEqual({ total_count: 4 });
      const first = await query(api, { action: 'filter', limit: '2' });
      expect(first.resources?.map((r) => r.resource_name)).toEqual(['plain', 'db-prod']);
      expect(first).toMatchObject({ marker: '2', total_count: 4 });
      const second = await query(api, { action: 'filter', limit: '1', offset: first.marker });
      expect(second.resources?.map((r) => r.resource_name)).toEqual(['web-dev']);
      expect(second).toMatchObject({ marker: '3', total_count: 4 });
      const byMarker = await query(api, { action: 'filter', marker: '3' });
      expect(byMarker.resources?.map((r) => r.resource_name)).toEqual(['web-prod']);
      const numbers = await query(api, { action: 'filter', offset: 1, limit: 1000 });
      expect(numbers.resources).toHaveLength(3);
      expect(await query(api, { action: 'filter', offset: '10' })).toEqual({
        resources: [],
        marker: '10',
        total_count: 4,
      });
    });
  });
}

describe('resource query by tag: refusals', () => {
  const long = (n: number) => 'a'.repeat(n);
  const keys = (n: number) => Array.from({ length: n }, (_, i) => ({ key: `k${String(i)}` }));
  const values = (n: number) => Array.from({ length: n }, (_, i) => `v${String(i)}`);
  const filter = (body: Record<string, unknown>) => ({ action: 'filter', ...body });
  const cases: [string, unknown, string][] = [
    ['no action', { tags: [] }, 'AS.7049'],
    ['action list', { action: 'list' }, 'AS.7049'],
    ['11 keys in tags', filter({ tags: keys(11) }), 'AS.7045'],
    ['11 keys in not_tags_any', filter({ not_tags_any: keys(11) }), 'AS.7045'],
    ['11 values', filter({ tags: [{ key: 'k', values: values(11) }] }), 'AS.7045'],
    ['a key twice', filter({ tags: [{ key: 'k' }, { key: 'k' }] }), 'AS.7050'],
    ['a key twice in tags_any', filter({ tags_any: [{ key: 'k' }, { key: 'k' }] }), 'AS.7050'],
    ['a value twice', filter({ not_tags: [{ key: 'k', values: ['a', 'a'] }] }), 'AS.7054'],
    ['a value of 44', filter({ tags: [{ key: 'k', values: [long(44)] }] }), 'AS.7047'],
    ['a value of asterisks', filter({ tags: [{ key: 'k', values: ['**'] }] }), 'AS.7046'],
    ['a value of one asterisk', filter({ tags: [{ key: 'k', values: ['*'] }] }), 'AS.7046'],
    ['a value not a string', filter({ tags: [{ key: 'k', values: [1] }] }), 'AS.7046'],
    ['values not a list', filter({ tags: [{ key: 'k', values: 'v' }] }), 'AS.7046'],
    ['an empty key', filter({ tags: [{ key: '', values: [] }] }), 'AS.7062'],
    ['no key', filter({ tags_any: [{ values: ['v'] }] }), 'AS.7062'],
    ['a key of 37', filter({ tags: [{ key: long(37) }] }), 'AS.7063'],
    ['tags not a list', filter({ tags: 'env' }), 'AS.7046'],
    ['a condition not an object', filter({ tags: ['env'] }), 'AS.7046'],
    ['a condition with another field', filter({ tags: [{ key: 'k', value: 'v' }] }), 'AS.7046'],
    [
      'matches on resource_id',
      filter({ matches: [{ key: 'resource_id', value: 'x' }] }),
      'AS.7052',
    ],
    [
      'a match of 256',
      filter({ matches: [{ key: 'resource_name', value: long(256) }] }),
      'AS.7052',
    ],
    ['a match without value', filter({ matches: [{ key: 'resource_name' }] }), 'AS.7052'],
    [
      'resource_name twice',
      filter({
        matches: [
          { key: 'resource_name', value: 'a' },
          { key: 'resource_name', value: 'b' },
        ],
      }),
      'AS.7052',
    ],
    ['matches not a list', filter({ matches: { key: 'resource_name' } }), 'AS.7052'],
    ['limit 0', filter({ limit: '0' }), 'AS.0022'],
    ['limit 1001', filter({ limit: '1001' }), 'AS.0022'],
    ['limit abc', filter({ limit: 'abc' }), 'AS.0022'],
    ['limit -1', filter({ limit: -1 }), 'AS.0022'],
    ['offset -1', filter({ offset: '-1' }), 'AS.0022'],
    ['marker x', filter({ marker: 'x' }), 'AS.0022'],
    ['without_any_tag yes', filter({ without_any_tag: 'yes' }), 'AS.0022'],
    ['another field', filter({ sort: 'name' }), 'AS.0022'],
    ['a list body', [], 'AS.0022'],
  ];

  it.each(cases)('%s: %j', async (_what, body, code) => {
    const api = await openTestApi(sqliteBackend);
    const message = expectAsError(await send(api, 'POST', queryUrl(), body), 400, code);
    expect(message.length).toBeGreaterThan(40);
  });

  it('takes ten keys of ten values each', async () => {
    const api = await openTestApi(sqliteBackend);
    const tags = Array.from({ length: 10 }, (_, i) => ({
      key: `k${String(i)}`,
      values: values(10),
    }));
    expect(await query(api, { action: 'count', tags, not_tags: tags })).toEqual({ total_count: 0 });
  });
});
