import { describe, expect, it } from 'vitest';
import { expectAsError, openTestApi, project } from '../../support/api-harness.js';
import type { TestApi } from '../../support/api-harness.js';
import { testBackends } from '../../support/backends.js';
import { createGroup, groupsUrl, send } from '../instances/instance-support.js';
import { allScenes, expectStatus, notificationUrl, topicUrn } from './notification-support.js';

const otherProject = '9b7e35ad379141fc9df3e178bd64f55c';

async function put(api: TestApi, groupId: string, body: unknown) {
  return send(api, 'PUT', notificationUrl(groupId), body);
}

for (const backend of testBackends) {
  describe.skipIf(!backend.available)(`notification API: ${backend.name}`, () => {
    it('adds topics, answers their names, lists them in order, sets scenes again and deletes', async () => {
      const api = await openTestApi(backend);
      const id = await createGroup(api);
      const created = await put(api, id, { topic_urn: topicUrn('gsh'), topic_scene: allScenes });
      expectStatus(created, 200);
      expect(created.json()).toEqual({
        topic_urn: topicUrn('gsh'),
        topic_scene: allScenes,
        topic_name: 'gsh',
      });
      api.clock.advance(1000);
      expectStatus(
        await put(api, id, { topic_urn: topicUrn('asdf'), topic_scene: ['SCALING_DOWN'] }),
        200,
      );
      // The same topic again: its scenes are replaced (repeats kept once), not a new topic.
      const again = await put(api, id, {
        topic_urn: topicUrn('gsh'),
        topic_scene: ['SCALING_UP', 'SCALING_UP'],
      });
      expect(again.json()).toEqual({
        topic_urn: topicUrn('gsh'),
        topic_scene: ['SCALING_UP'],
        topic_name: 'gsh',
      });
      const list = await send(api, 'GET', notificationUrl(id));
      expectStatus(list, 200);
      expect(list.json()).toEqual({
        topics: [
          { topic_urn: topicUrn('gsh'), topic_scene: ['SCALING_UP'], topic_name: 'gsh' },
          { topic_urn: topicUrn('asdf'), topic_scene: ['SCALING_DOWN'], topic_name: 'asdf' },
        ],
      });
      const deleted = await send(api, 'DELETE', `${notificationUrl(id)}/${topicUrn('gsh')}`);
      expectStatus(deleted, 204);
      expect(deleted.body).toBe('');
      expect((await send(api, 'GET', notificationUrl(id))).json()).toEqual({
        topics: [
          { topic_urn: topicUrn('asdf'), topic_scene: ['SCALING_DOWN'], topic_name: 'asdf' },
        ],
      });
    });

    it('takes five topics per group at most: the sixth is AS.2034, a known one still updates', async () => {
      const api = await openTestApi(backend);
      const id = await createGroup(api);
      for (let n = 0; n < 5; n += 1) {
        expectStatus(
          await put(api, id, { topic_urn: topicUrn(`t${String(n)}`), topic_scene: ['SCALING_UP'] }),
          200,
        );
      }
      const sixth = await put(api, id, { topic_urn: topicUrn('t5'), topic_scene: ['SCALING_UP'] });
      expect(expectAsError(sixth, 400, 'AS.2034')).toMatch(/5 topics already/);
      expectStatus(
        await put(api, id, { topic_urn: topicUrn('t0'), topic_scene: ['SCALING_DOWN'] }),
        200,
      );
      // Another group has its own five.
      const other = await createGroup(api);
      expectStatus(
        await put(api, other, { topic_urn: topicUrn('t5'), topic_scene: ['SCALING_UP'] }),
        200,
      );
    });

    it.each([
      [
        'a URN of another shape',
        { topic_urn: 'arn:aws:sns:x', topic_scene: ['SCALING_UP'] },
        /urn:smn/,
      ],
      [
        "another project's topic",
        { topic_urn: topicUrn('t', otherProject), topic_scene: ['SCALING_UP'] },
        /belongs to project/,
      ],
      [
        'a topic name that starts with a dash',
        { topic_urn: topicUrn('-bad'), topic_scene: ['SCALING_UP'] },
        /topic name/,
      ],
      ['no topic_urn', { topic_scene: ['SCALING_UP'] }, /Give topic_urn/],
      [
        'a topic_urn not a string',
        { topic_urn: 5, topic_scene: ['SCALING_UP'] },
        /must be a string/,
      ],
      ['an empty topic_urn', { topic_urn: '', topic_scene: ['SCALING_UP'] }, /1 to 400/],
      ['no topic_scene', { topic_urn: topicUrn('t') }, /Give topic_scene/],
      ['an empty topic_scene', { topic_urn: topicUrn('t'), topic_scene: [] }, /one or more/],
      [
        'an unknown scene',
        { topic_urn: topicUrn('t'), topic_scene: ['SCALING_OUT'] },
        /one or more of SCALING_UP/,
      ],
      [
        'a scene list that is a string',
        { topic_urn: topicUrn('t'), topic_scene: 'SCALING_UP' },
        /must be a list/,
      ],
    ])('refuses %s: 400 AS.2034', async (_what, body, message) => {
      const api = await openTestApi(backend);
      const id = await createGroup(api);
      expect(expectAsError(await put(api, id, body), 400, 'AS.2034')).toMatch(message);
      expect((await send(api, 'GET', notificationUrl(id))).json()).toEqual({ topics: [] });
    });

    it('refuses a field it does not take (AS.0022) and a body that is not an object (AS.0022, AS.0002)', async () => {
      const api = await openTestApi(backend);
      const id = await createGroup(api);
      const extra = await put(api, id, {
        topic_urn: topicUrn('t'),
        topic_scene: ['SCALING_UP'],
        topic_name: 'x',
      });
      expect(expectAsError(extra, 400, 'AS.0022')).toMatch(/"topic_name"/);
      expectAsError(await put(api, id, [1]), 400, 'AS.0022');
      const empty = await api.inject({ method: 'PUT', url: notificationUrl(id) });
      expectAsError(empty, 400, 'AS.0002');
    });

    it("answers AS.2007 for a group it does not know, or another project's", async () => {
      const api = await openTestApi(backend);
      const id = await createGroup(api);
      const unknown = 'e5d27f5c-dd76-4a61-b4bc-a67c5686719a';
      const body = { topic_urn: topicUrn('t'), topic_scene: ['SCALING_UP'] };
      expectAsError(await put(api, unknown, body), 400, 'AS.2007');
      expectAsError(await send(api, 'GET', notificationUrl(unknown)), 400, 'AS.2007');
      expectAsError(
        await send(api, 'DELETE', `${notificationUrl(unknown)}/${topicUrn('t')}`),
        400,
        'AS.2007',
      );
      // The other project sees none of this project's group.
      const theirs = await api.credentialFor(otherProject);
      const asThem = { credential: theirs };
      const listed = await api.inject({ url: notificationUrl(id, otherProject) }, asThem);
      expectAsError(listed, 400, 'AS.2007');
      const put2 = await api.inject(
        {
          method: 'PUT',
          url: notificationUrl(id, otherProject),
          headers: { 'content-type': 'application/json' },
          payload: JSON.stringify({
            topic_urn: topicUrn('t', otherProject),
            topic_scene: ['SCALING_UP'],
          }),
        },
        asThem,
      );
      expectAsError(put2, 400, 'AS.2007');
    });

    it('answers AS.2034 to delete a topic the group does not notify', async () => {
      const api = await openTestApi(backend);
      const id = await createGroup(api);
      expectStatus(
        await put(api, id, { topic_urn: topicUrn('a'), topic_scene: ['SCALING_UP'] }),
        200,
      );
      const res = await send(api, 'DELETE', `${notificationUrl(id)}/${topicUrn('b')}`);
      expect(expectAsError(res, 400, 'AS.2034')).toMatch(/no notification with topic_urn/);
    });

    it("forgets a group's topics with the group", async () => {
      const api = await openTestApi(backend);
      const id = await createGroup(api);
      expectStatus(
        await put(api, id, { topic_urn: topicUrn('a'), topic_scene: ['SCALING_UP'] }),
        200,
      );
      expectStatus(await send(api, 'DELETE', `${groupsUrl()}/${id}`), 204);
      const left = await api.store.resourceRead((tx) => tx.notifications.topicsOf(project, id));
      expect(left).toEqual([]);
    });
  });
}
