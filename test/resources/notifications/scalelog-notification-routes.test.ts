import { describe, expect, it } from 'vitest';
import { expectAsError, openTestApi, project } from '../../support/api-harness.js';
import type { TestApi } from '../../support/api-harness.js';
import { testBackends } from '../../support/backends.js';
import { createGroup, groupsUrl, send } from '../instances/instance-support.js';
import {
  allScenes,
  expectStatus,
  notificationUrl,
  runEngine,
  sentUrl,
  topicUrn,
  webhookUrl,
} from './notification-support.js';
import type { SentPage } from './notification-support.js';

const otherProject = '9b7e35ad379141fc9df3e178bd64f55c';
const wireTime = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

async function sentPage(api: TestApi, query = ''): Promise<SentPage> {
  const res = await send(api, 'GET', `${sentUrl()}${query}`);
  expectStatus(res, 200);
  return res.json<SentPage>();
}

async function subscribe(api: TestApi, groupId: string, name: string, scenes = allScenes) {
  expectStatus(
    await send(api, 'PUT', notificationUrl(groupId), {
      topic_urn: topicUrn(name),
      topic_scene: scenes,
    }),
    200,
  );
}

const setDesire = (api: TestApi, groupId: string, desire: number) =>
  send(api, 'PUT', `${groupsUrl()}/${groupId}`, { desire_instance_number: desire });

for (const backend of testBackends) {
  describe.skipIf(!backend.available)(`Scalelog's notification endpoints: ${backend.name}`, () => {
    it('records a scale-out when its activity settles and a scale-in, once each, to the topics told of them', async () => {
      const api = await openTestApi(backend, { config: { instanceSettleMs: 60_000 } });
      const id = await createGroup(api, { min: 0, max: 5, desire: 0 });
      await subscribe(api, id, 'all');
      await subscribe(api, id, 'downs', ['SCALING_DOWN']);
      const startedAt = api.clock.now();
      expectStatus(await setDesire(api, id, 2), 200);
      // Nothing while the instances are being built, though the engine runs.
      await runEngine(api);
      expect((await sentPage(api)).total_number).toBe(0);
      api.clock.advance(60_000);
      await runEngine(api);
      await runEngine(api);
      const up = await sentPage(api);
      expect(up).toMatchObject({ total_number: 1, start_number: 0, limit: 20 });
      const entry = up.notifications[0] ?? {};
      expect(Object.keys(entry).sort()).toEqual(
        [
          'attempts',
          'delivery_status',
          'event_time',
          'id',
          'message',
          'scaling_activity_id',
          'scaling_group_id',
          'topic_scene',
          'topic_urn',
        ].sort(),
      );
      expect(entry).toMatchObject({
        scaling_group_id: id,
        topic_urn: topicUrn('all'),
        topic_scene: 'SCALING_UP',
        event_time: wireTime(startedAt + 60_000),
        delivery_status: 'NONE',
        attempts: 0,
      });
      const message = JSON.parse(String(entry['message'])) as Record<string, unknown>;
      expect(message).toMatchObject({
        notification_id: entry['id'],
        project_id: project,
        scaling_group_id: id,
        scaling_group_name: 'web',
        topic_name: 'all',
        topic_scene: 'SCALING_UP',
        scaling_activity: { id: entry['scaling_activity_id'], status: 'SUCCESS', scaling_value: 2 },
      });
      // The activity the notification names is the one the activity log shows.
      const log = await send(
        api,
        'GET',
        `/autoscaling-api/v2/${project}/scaling_activity_log/${id}`,
      );
      const logged = log.json<{ scaling_activity_log: { id: string }[] }>().scaling_activity_log;
      expect(logged.map((a) => a.id)).toContain(entry['scaling_activity_id']);

      api.clock.advance(600_000);
      expectStatus(await setDesire(api, id, 1), 200);
      api.clock.advance(60_000);
      await runEngine(api);
      const all = await sentPage(api);
      expect(all.total_number).toBe(3);
      expect(all.notifications.map((n) => [n['topic_urn'], n['topic_scene']])).toEqual(
        expect.arrayContaining([
          [topicUrn('all'), 'SCALING_DOWN'],
          [topicUrn('downs'), 'SCALING_DOWN'],
          [topicUrn('all'), 'SCALING_UP'],
        ]),
      );
      // Newest first.
      expect(all.notifications[2]?.['topic_scene']).toBe('SCALING_UP');
      // Filters.
      expect((await sentPage(api, '?topic_scene=SCALING_UP')).total_number).toBe(1);
      expect(
        (await sentPage(api, `?topic_urn=${encodeURIComponent(topicUrn('downs'))}`)).total_number,
      ).toBe(1);
      expect((await sentPage(api, `?scaling_group_id=${id}`)).total_number).toBe(3);
      expect((await sentPage(api, '?scaling_group_id=other')).total_number).toBe(0);
      expect(await sentPage(api, '?delivery_status=NONE&limit=1&start_number=1')).toMatchObject({
        total_number: 3,
        start_number: 1,
        limit: 1,
      });
      // Another project sees none of them.
      const theirs = await api.credentialFor(otherProject);
      const other = await api.inject({ url: sentUrl(otherProject) }, { credential: theirs });
      expect(other.json<SentPage>().total_number).toBe(0);
    });

    it('records a failed scale-out at once', async () => {
      const api = await openTestApi(backend);
      // A group with no configuration cannot build the instances it desires.
      const created = await send(api, 'POST', groupsUrl(), {
        scaling_group_name: 'bare',
        vpc_id: 'vpc-1',
        networks: [{ id: 'net-1' }],
        min_instance_number: 0,
        max_instance_number: 5,
        desire_instance_number: 0,
      });
      expectStatus(created, 200);
      const id = created.json<{ scaling_group_id: string }>().scaling_group_id;
      expectStatus(
        await send(api, 'POST', `${groupsUrl()}/${id}/action`, { action: 'resume' }),
        204,
      );
      await subscribe(api, id, 'fails', ['SCALING_UP_FAIL']);
      expectStatus(await setDesire(api, id, 1), 200);
      const page = await sentPage(api);
      expect(page.total_number).toBe(1);
      expect(page.notifications[0]).toMatchObject({
        topic_scene: 'SCALING_UP_FAIL',
        scaling_group_id: id,
      });
      const message = JSON.parse(String(page.notifications[0]?.['message'])) as {
        scaling_activity: { status: string };
      };
      expect(message.scaling_activity.status).toBe('FAIL');
    });

    it.each([
      ['?topic_scene=UP', /topic_scene/],
      ['?delivery_status=SENT', /delivery_status/],
      ['?topic_scene=SCALING_UP&topic_scene=SCALING_DOWN', /topic_scene/],
    ])('refuses the filter %s: 400 AS.0022', async (query, message) => {
      const api = await openTestApi(backend);
      expect(expectAsError(await send(api, 'GET', `${sentUrl()}${query}`), 400, 'AS.0022')).toMatch(
        message,
      );
    });

    it('refuses a bad page: AS.1001 and AS.1002', async () => {
      const api = await openTestApi(backend);
      expectAsError(await send(api, 'GET', `${sentUrl()}?start_number=-1`), 400, 'AS.1001');
      expectAsError(await send(api, 'GET', `${sentUrl()}?limit=101`), 400, 'AS.1002');
    });

    it("sets, shows, lists and deletes a topic's webhook, never showing its secret", async () => {
      const api = await openTestApi(backend);
      const urn = topicUrn('hooked');
      const secret = 'a-very-long-secret-WXYZ';
      const created = await send(api, 'PUT', webhookUrl(urn), {
        url: 'https://user:pw@hooks.example.test/in?x=1',
        secret,
      });
      expectStatus(created, 201);
      expect(created.body).not.toContain('a-very-long');
      const shown = created.json<{ topic: Record<string, unknown> }>().topic;
      expect(shown).toEqual({
        topic_urn: urn,
        url: 'https://user:***@hooks.example.test/in?x=1',
        secret_hint: '****WXYZ',
        create_time: wireTime(api.clock.now()),
        update_time: wireTime(api.clock.now()),
      });
      api.clock.advance(5000);
      const replaced = await send(api, 'PUT', webhookUrl(urn), {
        url: 'http://127.0.0.1:9/x',
        secret: 'another-secret-abcd',
      });
      expectStatus(replaced, 200);
      expect(replaced.json<{ topic: Record<string, unknown> }>().topic).toMatchObject({
        url: 'http://127.0.0.1:9/x',
        secret_hint: '****abcd',
        update_time: wireTime(api.clock.now()),
      });
      const show = await send(api, 'GET', webhookUrl(urn));
      expectStatus(show, 200);
      expect(show.body).not.toContain('another-secret');
      const list = await send(api, 'GET', `/scalelog/v1/${project}/notification-topics`);
      expect(list.json<{ topics: unknown[] }>().topics).toHaveLength(1);
      // Another project cannot see it.
      const theirs = await api.credentialFor(otherProject);
      const theirShow = await api.inject(
        { url: webhookUrl(topicUrn('hooked', otherProject), otherProject) },
        { credential: theirs },
      );
      expectAsError(theirShow, 404, 'AS.0007');
      expectStatus(await send(api, 'DELETE', webhookUrl(urn)), 204);
      expectAsError(await send(api, 'GET', webhookUrl(urn)), 404, 'AS.0007');
      expectAsError(await send(api, 'DELETE', webhookUrl(urn)), 404, 'AS.0007');
    });

    it.each([
      ['no url', { secret: 'sixteen-chars-ok' }, 'AS.0022', /Give url/],
      ['a url not absolute', { url: '/in', secret: 'sixteen-chars-ok' }, 'AS.0022', /absolute/],
      ['an ftp url', { url: 'ftp://h/x', secret: 'sixteen-chars-ok' }, 'AS.0022', /"ftp"/],
      ['a short secret', { url: 'http://h/x', secret: 'short' }, 'AS.0022', /16 to 256/],
      ['no secret', { url: 'http://h/x' }, 'AS.0022', /Give secret/],
      [
        'a field it does not take',
        { url: 'http://h/x', secret: 'sixteen-chars-ok', x: 1 },
        'AS.0022',
        /"x"/,
      ],
    ])('refuses a webhook with %s', async (_what, body, code, message) => {
      const api = await openTestApi(backend);
      const res = await send(api, 'PUT', webhookUrl(topicUrn('t')), body);
      const text = expectAsError(res, 400, code);
      expect(text).toMatch(message);
      expect(text).not.toContain('short"');
    });

    it("refuses a webhook for a malformed or another project's topic: AS.2034", async () => {
      const api = await openTestApi(backend);
      const body = { url: 'http://h/x', secret: 'sixteen-chars-ok' };
      expectAsError(await send(api, 'PUT', webhookUrl('urn:smn:r:x'), body), 400, 'AS.2034');
      expectAsError(
        await send(api, 'PUT', webhookUrl(topicUrn('t', otherProject)), body),
        400,
        'AS.2034',
      );
    });

    it('records PENDING delivery for a topic with a webhook', async () => {
      const api = await openTestApi(backend);
      const id = await createGroup(api);
      await subscribe(api, id, 'hooked');
      expectStatus(
        await send(api, 'PUT', webhookUrl(topicUrn('hooked')), {
          url: 'http://127.0.0.1:9/x',
          secret: 'sixteen-chars-ok',
        }),
        201,
      );
      expectStatus(await setDesire(api, id, 1), 200);
      await runEngine(api);
      const page = await sentPage(api);
      expect(page.notifications[0]).toMatchObject({
        delivery_status: 'PENDING',
        attempts: 0,
        next_attempt_time: wireTime(api.clock.now()),
      });
    });
  });
}
