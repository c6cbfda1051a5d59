import { describe, expect, it } from 'vitest';
import { testBackends } from '../../support/backends.js';
import { expectAsError, openTestApi, sqliteBackend } from '../../support/api-harness.js';
import type { TestApi } from '../../support/api-harness.js';
import { groupTags, names, send, v1 } from './tag-support.js';

/** Tags given when a group is created are the group's tags in the tag API. */

const groupBody = (tags: unknown) => ({
  scaling_group_name: 'web',
  vpc_id: 'vpc-1',
  networks: [{ id: 'net-1' }],
  tags,
});

async function createWith(api: TestApi, tags: unknown): Promise<string> {
  const res = await send(api, 'POST', `${v1()}/scaling_group`, groupBody(tags));
  expect(res.statusCode, res.body).toBe(200);
  return res.json<{ scaling_group_id: string }>().scaling_group_id;
}

for (const backend of testBackends) {
  describe.skipIf(!backend.available)(`tags given at group create: ${backend.name}`, () => {
    it('are served by the tag API and found by the resource query', async () => {
      const api = await openTestApi(backend);
      const id = await createWith(api, [{ key: 'env', value: 'prod' }, { key: 'blank' }]);
      expect((await groupTags(api, id)).tags).toEqual([
        { key: 'env', value: 'prod' },
        { key: 'blank', value: '' },
      ]);
      expect(await names(api, { tags: [{ key: 'env', values: ['prod'] }] })).toEqual(['web']);
      // The group shows them as they were sent.
      const shown = await send(api, 'GET', `${v1()}/scaling_group/${id}`);
      expect(shown.json<{ scaling_group: { tags: unknown } }>().scaling_group.tags).toEqual([
        { key: 'env', value: 'prod' },
        { key: 'blank' },
      ]);
    });
  });
}

describe('tags given at group create: refusals', () => {
  const cases: [string, unknown, string][] = [
    ['an empty key', [{ key: '' }], 'AS.7062'],
    ['no key', [{ value: 'v' }], 'AS.7062'],
    ['a key of 37', [{ key: 'k'.repeat(37) }], 'AS.7063'],
    ['a value of 44', [{ key: 'k', value: 'v'.repeat(44) }], 'AS.7047'],
    ['a key with a space', [{ key: 'a b' }], 'AS.7046'],
    ['a value with a slash', [{ key: 'k', value: 'a/b' }], 'AS.7046'],
    ['a tag with another field', [{ key: 'k', other: 1 }], 'AS.7046'],
    ['a key twice', [{ key: 'k' }, { key: 'k', value: 'v' }], 'AS.7050'],
  ];

  it.each(cases)('%s is refused and no group is created', async (_what, tags, code) => {
    const api = await openTestApi(sqliteBackend);
    expectAsError(await send(api, 'POST', `${v1()}/scaling_group`, groupBody(tags)), 400, code);
    const list = await send(api, 'GET', `${v1()}/scaling_group`);
    expect(list.json<{ total_number: number }>().total_number).toBe(0);
  });
});
