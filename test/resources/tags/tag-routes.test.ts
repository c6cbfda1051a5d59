import { describe, expect, it } from 'vitest';
import { testBackends } from '../../support/backends.js';
import { expectAsError, openTestApi, project, sqliteBackend } from '../../support/api-harness.js';
import type { TestApi } from '../../support/api-harness.js';
import {
  actionUrl,
  createGroup,
  groupTags,
  projectTagsUrl,
  queryUrl,
  resourceTagsUrl,
  send,
  tagGroup,
  v1,
} from './tag-support.js';

const otherProject = '9b7e35ad379141fc9df3e178bd64f55c';
const unknownGroup = '0b7c2bd4-59a8-4ee2-bd41-1e4a3c4a6f47';

for (const backend of testBackends) {
  describe.skipIf(!backend.available)(`tags: ${backend.name}`, () => {
    it("creates a group's tags, overwrites a key in place, and lists them as created", async () => {
      const api = await openTestApi(backend);
      const id = await createGroup(api, 'web');
      expect(await groupTags(api, id)).toEqual({ tags: [], sys_tags: null });
      await tagGroup(api, id, [
        { key: 'ENV15', value: 'ENV15' },
        { key: 'ENV151', value: 'ENV151' },
      ]);
      await tagGroup(api, id, [{ key: 'owner' }, { key: 'ENV15', value: 'prod' }]);
      const listed = await groupTags(api, id);
      expect(Object.keys(listed)).toEqual(['tags', 'sys_tags']);
      expect(listed).toEqual({
        tags: [
          { key: 'ENV15', value: 'prod' },
          { key: 'ENV151', value: 'ENV151' },
          { key: 'owner', value: '' },
        ],
        sys_tags: null,
      });
    });

    it("lists the project's keys once each with their distinct values; other projects apart", async () => {
      const api = await openTestApi(backend);
      const a = await createGroup(api, 'a');
      const b = await createGroup(api, 'b');
      await tagGroup(api, a, [
        { key: 'env', value: 'dev' },
        { key: 'team', value: 'x' },
      ]);
      // Tags created at one moment may list either way: b's come a second later.
      api.clock.advance(1000);
      await tagGroup(api, b, [
        { key: 'env', value: 'prod' },
        { key: 'team', value: 'x' },
        { key: 'blank' },
      ]);
      const theirs = await createGroup(api, 'theirs', otherProject);
      const res = await send(api, 'POST', actionUrl(theirs, otherProject), {
        action: 'create',
        tags: [{ key: 'secret', value: 'theirs' }],
      });
      expect(res.statusCode, res.body).toBe(204);
      const listed = await send(api, 'GET', projectTagsUrl());
      expect(listed.statusCode, listed.body).toBe(200);
      expect(listed.json()).toEqual({
        tags: [
          { key: 'env', values: ['dev', 'prod'] },
          { key: 'team', values: ['x'] },
          { key: 'blank', values: [''] },
        ],
      });
      const empty = await send(api, 'GET', projectTagsUrl('5c3b1f2e9d8a4b7c6e5f4a3b2c1d0e9f'));
      expect(empty.json()).toEqual({ tags: [] });
    });

    it('deletes by key, or by key and value only when the value matches; unknown keys pass', async () => {
      const api = await openTestApi(backend);
      const id = await createGroup(api, 'web');
      await tagGroup(api, id, [
        { key: 'a', value: '1' },
        { key: 'b', value: '2' },
        { key: 'c', value: '3' },
      ]);
      await tagGroup(
        api,
        id,
        [{ key: 'a' }, { key: 'b', value: 'not-2' }, { key: 'c', value: '3' }, { key: 'zz' }],
        'delete',
      );
      expect((await groupTags(api, id)).tags).toEqual([{ key: 'b', value: '2' }]);
    });

    it('deleting a group deletes its tags', async () => {
      const api = await openTestApi(backend);
      const id = await createGroup(api, 'web');
      await tagGroup(api, id, [{ key: 'env', value: 'dev' }]);
      const deleted = await send(api, 'DELETE', `${v1()}/scaling_group/${id}`);
      expect(deleted.statusCode, deleted.body).toBe(204);
      expect((await send(api, 'GET', projectTagsUrl())).json()).toEqual({ tags: [] });
      const rows = await api.store.resourceRead((tx) =>
        tx.tags.ofResource(project, 'scaling_group_tag', id),
      );
      expect(rows).toEqual([]);
      expectAsError(await send(api, 'GET', resourceTagsUrl(id)), 400, 'AS.2007');
    });

    it("answers AS.2007 for an unknown group and for another project's group", async () => {
      const api = await openTestApi(backend);
      const theirs = await createGroup(api, 'theirs', otherProject);
      for (const id of [unknownGroup, theirs]) {
        const body = { action: 'create', tags: [{ key: 'k', value: 'v' }] };
        expectAsError(await send(api, 'POST', actionUrl(id), body), 400, 'AS.2007');
        expectAsError(
          await send(api, 'POST', actionUrl(id), { ...body, action: 'delete' }),
          400,
          'AS.2007',
        );
        expectAsError(await send(api, 'GET', resourceTagsUrl(id)), 400, 'AS.2007');
      }
      // The other project, in its own path, does not see our group either.
      const ours = await createGroup(api, 'ours');
      await tagGroup(api, ours, [{ key: 'k', value: 'v' }]);
      const asOther = { credential: await api.credentialFor(otherProject) };
      const res = await send(api, 'GET', resourceTagsUrl(ours, otherProject), undefined, asOther);
      expectAsError(res, 400, 'AS.2007');
      const tagged = await send(
        api,
        'POST',
        actionUrl(ours, otherProject),
        { action: 'delete', tags: [{ key: 'k' }] },
        asOther,
      );
      expectAsError(tagged, 400, 'AS.2007');
      expect((await groupTags(api, ours)).tags).toEqual([{ key: 'k', value: 'v' }]);
    });

    it('keeps at most 10 tags on a group (AS.7045), counting keys it has once', async () => {
      const api = await openTestApi(backend);
      const id = await createGroup(api, 'web');
      const tags = (from: number, n: number) =>
        Array.from({ length: n }, (_, i) => ({ key: `k${String(from + i)}`, value: 'v' }));
      const eleven = await send(api, 'POST', actionUrl(id), {
        action: 'create',
        tags: tags(0, 11),
      });
      expect(expectAsError(eleven, 400, 'AS.7045')).toMatch(/at most 10/);
      await tagGroup(api, id, tags(0, 8));
      expectAsError(
        await send(api, 'POST', actionUrl(id), { action: 'create', tags: tags(6, 5) }),
        400,
        'AS.7045',
      );
      expect((await groupTags(api, id)).tags).toHaveLength(8);
      await tagGroup(api, id, tags(6, 4));
      await tagGroup(api, id, [{ key: 'k0', value: 'again' }]);
      expect((await groupTags(api, id)).tags).toHaveLength(10);
    });
  });
}

describe('tags: refusals', () => {
  const long = (n: number, c = 'a') => c.repeat(n);
  const ok = { key: 'env', value: 'dev' };
  const cases: [string, unknown, string][] = [
    ['no action', { tags: [ok] }, 'AS.7049'],
    ['an action in the wrong case', { action: 'Create', tags: [ok] }, 'AS.7049'],
    ['action filter', { action: 'filter', tags: [ok] }, 'AS.7049'],
    ['no tags', { action: 'create' }, 'AS.7044'],
    ['tags null', { action: 'create', tags: null }, 'AS.7044'],
    ['no tags to delete', { action: 'delete', tags: [] }, 'AS.7044'],
    ['empty tags', { action: 'create', tags: [] }, 'AS.7044'],
    ['tags not a list', { action: 'create', tags: 'env' }, 'AS.7046'],
    ['a tag not an object', { action: 'create', tags: ['env'] }, 'AS.7046'],
    ['a tag without key', { action: 'create', tags: [{ value: 'v' }] }, 'AS.7062'],
    ['an empty key', { action: 'create', tags: [{ key: '', value: 'v' }] }, 'AS.7062'],
    ['an empty key to delete', { action: 'delete', tags: [{ key: '' }] }, 'AS.7062'],
    ['a key of 37', { action: 'create', tags: [{ key: long(37) }] }, 'AS.7063'],
    ['a key with a space', { action: 'create', tags: [{ key: 'a b' }] }, 'AS.7046'],
    ['a key with a dot', { action: 'create', tags: [{ key: 'a.b' }] }, 'AS.7046'],
    ['a key not a string', { action: 'create', tags: [{ key: 7 }] }, 'AS.7046'],
    ['a value of 44', { action: 'create', tags: [{ key: 'k', value: long(44) }] }, 'AS.7047'],
    ['a value with a slash', { action: 'create', tags: [{ key: 'k', value: 'a/b' }] }, 'AS.7046'],
    ['a value not a string', { action: 'create', tags: [{ key: 'k', value: 1 }] }, 'AS.7046'],
    ['a tag with another field', { action: 'create', tags: [{ ...ok, x: 1 }] }, 'AS.7046'],
    ['a key twice', { action: 'create', tags: [ok, { key: 'env', value: 'x' }] }, 'AS.7050'],
    ['a key twice to delete', { action: 'delete', tags: [{ key: 'a' }, { key: 'a' }] }, 'AS.7050'],
    ['another field', { action: 'create', tags: [ok], extra: 1 }, 'AS.0022'],
    ['a list body', [ok], 'AS.0022'],
  ];

  async function withGroup(): Promise<{ api: TestApi; id: string }> {
    const api = await openTestApi(sqliteBackend);
    return { api, id: await createGroup(api, 'web') };
  }

  it.each(cases)('%s: %s', async (_what, body, code) => {
    const { api, id } = await withGroup();
    const message = expectAsError(await send(api, 'POST', actionUrl(id), body), 400, code);
    expect(message.length).toBeGreaterThan(40);
    expect((await groupTags(api, id)).tags).toEqual([]);
  });

  it('an absent body is AS.0002', async () => {
    const { api, id } = await withGroup();
    const res = await api.inject({
      method: 'POST',
      url: actionUrl(id),
      headers: { 'content-type': 'application/json' },
    });
    expectAsError(res, 400, 'AS.0002');
  });

  it('takes keys of 36 and values of 43 characters in any script, and empty values', async () => {
    const { api, id } = await withGroup();
    const key = long(36, '键');
    const value = `${long(40, 'é')}_-@`;
    await tagGroup(api, id, [{ key, value }, { key: 'e', value: '' }, { key: 'A-_@9' }]);
    expect((await groupTags(api, id)).tags).toEqual([
      { key, value },
      { key: 'e', value: '' },
      { key: 'A-_@9', value: '' },
    ]);
  });

  it('a resource type the tag API does not name is AS.7048 on every tag path', async () => {
    const { api, id } = await withGroup();
    const type = 'scaling_policy_tag';
    const body = { action: 'create', tags: [{ key: 'k' }] };
    const message = expectAsError(
      await send(api, 'POST', actionUrl(id, project, type), body),
      400,
      'AS.7048',
    );
    expect(message).toContain('scaling_group_tag');
    expectAsError(await send(api, 'GET', resourceTagsUrl(id, project, type)), 400, 'AS.7048');
    expectAsError(await send(api, 'GET', projectTagsUrl(project, type)), 400, 'AS.7048');
    expectAsError(
      await send(api, 'POST', queryUrl(project, type), { action: 'count' }),
      400,
      'AS.7048',
    );
  });

  it('leaves the other APIs their paths, and refuses other methods with 405', async () => {
    const { api, id } = await withGroup();
    const group = await send(api, 'GET', `${v1()}/scaling_group/${id}`);
    expect(group.statusCode, group.body).toBe(200);
    const instances = await send(api, 'GET', `${v1()}/scaling_group_instance/${id}/list`);
    expect(instances.statusCode, instances.body).toBe(200);
    const wrong = await send(api, 'PUT', resourceTagsUrl(id), {});
    expect(wrong.statusCode).toBe(405);
    expect(wrong.headers['allow']).toContain('GET');
    const unknown = await send(api, 'GET', `${v1()}/scaling_group_tag/${id}/tags/more`);
    expect(unknown.statusCode).toBe(404);
  });

  it('asks for credentials like every other operation', async () => {
    const { api, id } = await withGroup();
    const res = await api.inject({ method: 'GET', url: resourceTagsUrl(id) }, 'anonymous');
    expect(res.statusCode).toBe(401);
  });
});
