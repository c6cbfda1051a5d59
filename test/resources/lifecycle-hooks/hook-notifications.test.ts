import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it, onTestFinished } from 'vitest';
import { NotificationDelivery } from '../../../src/engine/notification-delivery.js';
import { verifyNotification, webhookHeaders } from '../../../src/engine/notification-signature.js';
import { testBackends } from '../../support/backends.js';
import { expectAsError, openTestApi, project } from '../../support/api-harness.js';
import type { TestApi } from '../../support/api-harness.js';
import { createGroup, listInstances, send } from '../instances/instance-support.js';
import { notificationUrl, sentUrl, webhookUrl } from '../notifications/notification-support.js';
import type { SentPage } from '../notifications/notification-support.js';
import { addHook, callback, holds, runEngine, setDesire } from './hook-support.js';

/**
 * A hold records the notification the cloud publishes to the hook's topic (the action key
 * a callback names), once per hold, delivered signed to the topic's webhook.
 */

const settle = 10_000;
const secret = 'hook-receiver-secret-01';
const urn = `urn:smn:region-1:${project}:hook-events`;
const wireTime = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

interface Received {
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** A real HTTP receiver on a local port that answers every POST 200. */
async function receiver() {
  const received: Received[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onTestFinished(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  );
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${String(port)}/hook`, received };
}

const deliverer = (api: TestApi) =>
  new NotificationDelivery(api.store, api.clock.now, {
    intervalMs: 1000,
    timeoutMs: 2000,
    maxAttempts: 3,
    backoffMs: 1000,
    maxBackoffMs: 60_000,
    onError: (e: unknown) => {
      throw e;
    },
  });

async function sent(api: TestApi, query = ''): Promise<SentPage> {
  const res = await send(api, 'GET', `${sentUrl()}${query}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json<SentPage>();
}

const messageOf = (n: Record<string, unknown> | undefined): Record<string, unknown> =>
  JSON.parse(String(n?.['message'])) as Record<string, unknown>;

for (const backend of testBackends) {
  describe.skipIf(!backend.available)(`lifecycle hook notifications: ${backend.name}`, () => {
    const open = () => openTestApi(backend, { config: { instanceSettleMs: settle } });

    it('records the hold to the hook topic, delivers it signed, and its key releases the instance', async () => {
      const api = await open();
      const hook = await receiver();
      const put = await send(api, 'PUT', webhookUrl(urn), { url: hook.url, secret });
      expect(put.statusCode, put.body).toBe(201);
      const group = await createGroup(api, { max: 3 });
      await addHook(api, group, {
        lifecycle_hook_name: 'boot',
        default_timeout: 600,
        notification_topic_urn: urn,
        notification_metadata: 'role=web',
      });
      const heldAt = api.clock.now();
      await setDesire(api, group, 1);
      await runEngine(api, settle);
      await runEngine(api, settle);
      const [hold] = await holds(api, group);
      const key = hold?.lifecycle_action_key;
      expect(key).toMatch(/^[0-9a-f-]{36}$/);
      const [instance] = (await listInstances(api, group)).scaling_group_instances;

      const page = await sent(api);
      expect(page.total_number).toBe(1);
      const [recorded] = page.notifications;
      expect(recorded).toMatchObject({
        scaling_group_id: group,
        topic_urn: urn,
        topic_scene: 'INSTANCE_LAUNCHING',
        delivery_status: 'PENDING',
        attempts: 0,
      });
      expect(messageOf(recorded)).toEqual({
        notification_id: recorded?.['id'],
        project_id: project,
        scaling_group_id: group,
        scaling_group_name: 'web',
        topic_urn: urn,
        topic_name: 'hook-events',
        topic_scene: 'INSTANCE_LAUNCHING',
        event_time: expect.any(String) as unknown,
        lifecycle_action_key: key,
        instance_id: instance?.instance_id,
        lifecycle_hook_name: 'boot',
        lifecycle_hook_type: 'INSTANCE_LAUNCHING',
        default_result: 'ABANDON',
        timeout: wireTime(heldAt + 600_000),
        notification_metadata: 'role=web',
        scaling_activity_id: recorded?.['scaling_activity_id'],
      });
      expect(recorded?.['scaling_activity_id']).toEqual(expect.any(String));
      // The scene filter takes the hold's scene.
      expect((await sent(api, '?topic_scene=INSTANCE_LAUNCHING')).total_number).toBe(1);
      expect((await sent(api, '?topic_scene=INSTANCE_TERMINATING')).total_number).toBe(0);

      expect(await deliverer(api).deliverDue()).toBe(1);
      const [got, ...again] = hook.received;
      expect(again).toEqual([]);
      expect(got?.body).toBe(recorded?.['message']);
      expect(got?.headers[webhookHeaders.id]).toBe(recorded?.['id']);
      expect(
        verifyNotification(
          secret,
          String(got?.headers[webhookHeaders.timestamp]),
          got?.body ?? '',
          String(got?.headers[webhookHeaders.signature]),
        ),
      ).toBe(true);
      expect((await sent(api)).notifications[0]).toMatchObject({ delivery_status: 'DELIVERED' });

      // The code behind the topic calls back with the key it was told.
      const body = JSON.parse(got?.body ?? '{}') as { lifecycle_action_key?: string };
      const res = await callback(api, group, {
        lifecycle_action_key: body.lifecycle_action_key,
        lifecycle_action_result: 'CONTINUE',
      });
      expect(res.statusCode, res.body).toBe(204);
      const after = (await listInstances(api, group)).scaling_group_instances;
      expect(after.map((i) => i.life_cycle_state)).toEqual(['INSERVICE']);
      // Passing again records nothing more for the hold.
      api.clock.advance(settle);
      await runEngine(api, settle);
      expect((await sent(api, '?topic_scene=INSTANCE_LAUNCHING')).total_number).toBe(1);
    });

    it("records the next hook's hold with its own key, and a scale-in's to its hook topic", async () => {
      const api = await open();
      const group = await createGroup(api, { max: 3 });
      const other = `urn:smn:region-1:${project}:drain-events`;
      await addHook(api, group, { lifecycle_hook_name: 'first', notification_topic_urn: urn });
      api.clock.advance(1000);
      await addHook(api, group, { lifecycle_hook_name: 'second', notification_topic_urn: urn });
      api.clock.advance(1000);
      await addHook(api, group, {
        lifecycle_hook_name: 'drain',
        lifecycle_hook_type: 'INSTANCE_TERMINATING',
        notification_topic_urn: other,
      });
      await setDesire(api, group, 1);
      await runEngine(api, settle);
      const [first] = await holds(api, group);
      expect((await sent(api)).notifications.map((n) => n['delivery_status'])).toEqual(['NONE']);
      const res = await callback(api, group, {
        lifecycle_action_key: first?.lifecycle_action_key,
        lifecycle_action_result: 'CONTINUE',
      });
      expect(res.statusCode, res.body).toBe(204);
      const second = (await holds(api, group)).find((h) => h.lifecycle_hook_name === 'second');
      expect(second?.lifecycle_hook_status).toBe('HANGING');
      const launching = await sent(api, `?topic_scene=INSTANCE_LAUNCHING&topic_urn=${urn}`);
      expect(launching.total_number).toBe(2);
      // Newest first: the second hook's hold, with its own key.
      expect(launching.notifications.map((n) => messageOf(n)['lifecycle_hook_name'])).toEqual([
        'second',
        'first',
      ]);
      expect(launching.notifications.map((n) => messageOf(n)['lifecycle_action_key'])).toEqual([
        second?.lifecycle_action_key,
        first?.lifecycle_action_key,
      ]);
      expect(
        (
          await callback(api, group, {
            lifecycle_action_key: second?.lifecycle_action_key,
            lifecycle_action_result: 'CONTINUE',
          })
        ).statusCode,
      ).toBe(204);

      api.clock.advance(settle);
      await runEngine(api, settle);
      await setDesire(api, group, 0);
      await runEngine(api, settle);
      const drain = (await holds(api, group)).find((h) => h.lifecycle_hook_name === 'drain');
      expect(drain?.lifecycle_hook_status).toBe('HANGING');
      const terminating = await sent(api, '?topic_scene=INSTANCE_TERMINATING');
      expect(terminating.total_number).toBe(1);
      expect(terminating.notifications[0]).toMatchObject({ topic_urn: other });
      expect(messageOf(terminating.notifications[0])).toMatchObject({
        lifecycle_action_key: drain?.lifecycle_action_key,
        lifecycle_hook_type: 'INSTANCE_TERMINATING',
        notification_metadata: null,
      });
    });

    it("keeps a group's topic scenes to the cloud's: a hold's scene is refused there", async () => {
      const api = await open();
      const group = await createGroup(api);
      expectAsError(
        await send(api, 'PUT', notificationUrl(group), {
          topic_urn: urn,
          topic_scene: ['INSTANCE_LAUNCHING'],
        }),
        400,
        'AS.2034',
      );
      expectAsError(
        await send(api, 'GET', `${sentUrl()}?topic_scene=INSTANCE_PENDING`),
        400,
        'AS.0022',
      );
    });
  });
}
