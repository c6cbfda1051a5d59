import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SentNotification } from '../../../src/domain/notification.js';
import { NotificationDelivery } from '../../../src/engine/notification-delivery.js';
import type { NotificationDeliveryOptions } from '../../../src/engine/notification-delivery.js';
import { verifyNotification, webhookHeaders } from '../../../src/engine/notification-signature.js';
import { openStore } from '../../../src/store/open-store.js';
import type { Store } from '../../../src/store/store.js';
import { testBackends } from '../../support/backends.js';

/**
 * Webhook delivery against a real HTTP receiver on a local port: signed, retried with
 * backoff after a failure, in order per group, given up after the last attempt, and one
 * server at a time.
 */

const t0 = 1_700_000_000_000;
const secret = 'receiver-secret-0001';
const urn = 'urn:smn:region-1:proj-a:hooked';

interface Received {
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** A receiver that answers each request with the next status of `plan` (200 once it runs out). */
async function receiver(plan: number[], delayMs = 0) {
  const received: Received[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      const status = plan.shift() ?? 200;
      setTimeout(() => {
        res.writeHead(status).end('ok');
      }, delayMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${String(port)}/hook`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
}

const pending = (id: string, over: Partial<SentNotification> = {}): SentNotification => ({
  id,
  projectId: 'proj-a',
  groupId: 'group-1',
  topicUrn: urn,
  scene: 'SCALING_UP',
  eventKey: `event-${id}`,
  eventTime: t0,
  message: JSON.stringify({ notification_id: id }),
  deliveryStatus: 'PENDING',
  attempts: 0,
  nextAttemptAt: t0,
  ...over,
});

for (const backend of testBackends) {
  describe.skipIf(!backend.available)(`notification delivery: ${backend.name}`, () => {
    let store: Store;
    let cleanup: () => Promise<void>;
    let now = t0;
    const closers: (() => Promise<void>)[] = [];

    beforeEach(async () => {
      const fresh = await backend.fresh();
      cleanup = fresh.cleanup;
      store = await openStore(fresh.url, { queryTimeoutMs: 5000 });
      now = t0;
    });
    afterEach(async () => {
      for (const close of closers.splice(0)) await close();
      await store.close();
      await cleanup();
    });

    const deliverer = (over: Partial<NotificationDeliveryOptions> = {}) =>
      new NotificationDelivery(store, () => now, {
        intervalMs: 1000,
        timeoutMs: 2000,
        maxAttempts: 3,
        backoffMs: 1000,
        maxBackoffMs: 60_000,
        onError: (e: unknown) => {
          throw e;
        },
        ...over,
      });

    async function hooked(url: string, notifications: SentNotification[]) {
      await store.resourceSession(async (tx) => {
        await tx.notifications.putWebhook({
          projectId: 'proj-a',
          topicUrn: urn,
          url,
          secret,
          createTime: t0,
          updateTime: t0,
        });
        await tx.notifications.record(notifications);
      });
    }

    const get = (id: string) => store.resourceRead((tx) => tx.notifications.get('proj-a', id));

    it('POSTs a signed notification; after a failure it waits, holds the group, then retries', async () => {
      const hook = await receiver([500]);
      closers.push(hook.close);
      await hooked(hook.url, [
        pending('first', { eventTime: t0 }),
        pending('second', { eventTime: t0 + 1 }),
        pending('other-group', { groupId: 'group-2', eventTime: t0 + 2 }),
      ]);
      const d = deliverer();
      // The first of group-1 fails; group-2's goes; group-1's second waits behind the first.
      expect(await d.deliverDue()).toBe(2);
      expect(hook.received.map((r) => r.headers[webhookHeaders.id])).toEqual(
        expect.arrayContaining(['first', 'other-group']),
      );
      expect(hook.received).toHaveLength(2);
      expect(await get('first')).toMatchObject({
        deliveryStatus: 'PENDING',
        attempts: 1,
        lastError: 'The webhook answered HTTP 500.',
        nextAttemptAt: t0 + 1000,
      });
      expect(await get('second')).toMatchObject({ deliveryStatus: 'PENDING', attempts: 0 });
      // Not before the backoff.
      now = t0 + 999;
      expect(await d.deliverDue()).toBe(0);
      now = t0 + 1000;
      expect(await d.deliverDue()).toBe(2);
      const ids = hook.received.map((r) => r.headers[webhookHeaders.id]);
      expect(ids.slice(2)).toEqual(['first', 'second']);
      expect(await get('first')).toMatchObject({
        deliveryStatus: 'DELIVERED',
        attempts: 2,
        deliveredAt: t0 + 1000,
      });
      expect(await get('second')).toMatchObject({ deliveryStatus: 'DELIVERED', attempts: 1 });
      // Every POST is signed over its timestamp and exact body, and says which attempt it is.
      for (const r of hook.received) {
        const timestamp = String(r.headers[webhookHeaders.timestamp]);
        const signature = String(r.headers[webhookHeaders.signature]);
        expect(signature).toMatch(/^sha256=[0-9a-f]{64}$/);
        expect(verifyNotification(secret, timestamp, r.body, signature)).toBe(true);
        expect(verifyNotification('another-secret-xx', timestamp, r.body, signature)).toBe(false);
        expect(r.headers['content-type']).toBe('application/json');
      }
      expect(hook.received[2]?.headers[webhookHeaders.attempt]).toBe('2');
      expect(hook.received[2]?.body).toBe(JSON.stringify({ notification_id: 'first' }));
      expect(await d.deliverDue()).toBe(0);
    });

    it('gives up after the last attempt, and the group moves on', async () => {
      const hook = await receiver([503, 503, 503]);
      closers.push(hook.close);
      await hooked(hook.url, [pending('doomed'), pending('next', { eventTime: t0 + 1 })]);
      const d = deliverer({ maxAttempts: 3, backoffMs: 10 });
      await d.deliverDue();
      now += 10;
      await d.deliverDue();
      now += 20;
      await d.deliverDue();
      expect(await get('doomed')).toMatchObject({
        deliveryStatus: 'FAILED',
        attempts: 3,
        lastError: 'The webhook answered HTTP 503. Gave up after 3 attempts.',
      });
      expect(await get('next')).toMatchObject({ deliveryStatus: 'DELIVERED', attempts: 1 });
    });

    it('times a slow receiver out, and gives up on a topic whose webhook was removed', async () => {
      const hook = await receiver([], 1500);
      closers.push(hook.close);
      await hooked(hook.url, [pending('slow')]);
      await deliverer({ timeoutMs: 200 }).deliverDue();
      expect(await get('slow')).toMatchObject({
        deliveryStatus: 'PENDING',
        attempts: 1,
        lastError: 'The webhook did not answer within 200 ms.',
      });
      await store.resourceSession((tx) => tx.notifications.deleteWebhook('proj-a', urn));
      now += 1000;
      await deliverer().deliverDue();
      expect(await get('slow')).toMatchObject({
        deliveryStatus: 'FAILED',
        attempts: 2,
        lastError: 'The topic has no webhook any more: the notification is not delivered.',
      });
    });

    it('reports a receiver it cannot reach as a failed attempt', async () => {
      const hook = await receiver([]);
      await hook.close();
      await hooked(hook.url, [pending('unreachable')]);
      await deliverer().deliverDue();
      const n = await get('unreachable');
      expect(n).toMatchObject({ deliveryStatus: 'PENDING', attempts: 1 });
      expect(n?.lastError).toMatch(/^The webhook could not be reached/);
    });

    it('delivers each notification once with several deliverers at work', async () => {
      const hook = await receiver([], 50);
      closers.push(hook.close);
      await hooked(
        hook.url,
        Array.from({ length: 12 }, (_, n) =>
          pending(`n${String(n)}`, { groupId: `g${String(n % 3)}`, eventTime: t0 + n }),
        ),
      );
      const left = async () =>
        (
          await store.resourceRead((tx) =>
            tx.notifications.list(
              'proj-a',
              { deliveryStatus: 'PENDING' },
              { startNumber: 0, limit: 0 },
            ),
          )
        ).total;
      // Each keeps passing, as the loop would, until nothing is left to deliver.
      await Promise.all(
        [deliverer(), deliverer(), deliverer()].map(async (d) => {
          while ((await left()) > 0) {
            await d.deliverDue();
            await new Promise((resolve) => setTimeout(resolve, 5));
          }
        }),
      );
      const ids = hook.received.map((r) => String(r.headers[webhookHeaders.id]));
      expect([...ids].sort()).toEqual(Array.from({ length: 12 }, (_, n) => `n${String(n)}`).sort());
      // In order within each group.
      for (const g of [0, 1, 2]) {
        const ofGroup = ids.filter((id) => Number(id.slice(1)) % 3 === g);
        expect(ofGroup).toEqual(
          [...ofGroup].sort((a, b) => Number(a.slice(1)) - Number(b.slice(1))),
        );
      }
    });
  });
}
