import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { GroupNotification, SentNotification } from '../../src/domain/notification.js';
import type { ScalingActivity } from '../../src/domain/scaling-activity.js';
import type { ScalingGroup } from '../../src/domain/scaling-group.js';
import { settleActivities } from '../../src/engine/record-notifications.js';
import type { SentNotificationFilter } from '../../src/store/notification-repository.js';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/store.js';
import { testBackends } from '../support/backends.js';

/**
 * The notification repository, on every backend: a group's topics, the notifications
 * recorded once per event and topic however many servers record them, the webhooks, the
 * delivery's claims (one server at a time, in order per group), export and import.
 */

const t0 = 1_700_000_000_000;
const minute = 60_000;
const urn = (name: string, project = 'proj-a') => `urn:smn:region-1:${project}:${name}`;

const group = (id: string, projectId = 'proj-a'): ScalingGroup => ({
  id,
  projectId,
  name: `g-${id}`,
  status: 'INSERVICE',
  minInstances: 0,
  maxInstances: 10,
  desireInstances: 1,
  coolDownSeconds: 300,
  createTime: t0,
  attributes: {},
});

const topic = (name: string, over: Partial<GroupNotification> = {}): GroupNotification => ({
  projectId: 'proj-a',
  groupId: 'group-1',
  topicUrn: urn(name),
  scenes: ['SCALING_UP'],
  createTime: t0,
  ...over,
});

const sent = (id: string, over: Partial<SentNotification> = {}): SentNotification => ({
  id,
  projectId: 'proj-a',
  groupId: 'group-1',
  topicUrn: urn('t1'),
  scene: 'SCALING_UP',
  eventKey: `event-${id}`,
  eventTime: t0,
  message: `{"n":"${id}"}`,
  deliveryStatus: 'PENDING',
  attempts: 0,
  nextAttemptAt: t0,
  ...over,
});

const doing = (id: string, over: Partial<ScalingActivity> = {}): ScalingActivity => ({
  id,
  projectId: 'proj-a',
  groupId: 'group-1',
  status: 'DOING',
  type: 'NORMAL',
  startTime: t0,
  settlesAt: t0 + 1,
  description: '',
  instanceValue: 0,
  desireValue: 1,
  scalingValue: 1,
  added: [{ id: `srv-${id}`, name: `n-${id}` }],
  removed: [],
  deleted: [],
  failed: [],
  standby: [],
  ...over,
});

for (const backend of testBackends) {
  describe.skipIf(!backend.available)(`notification store contract: ${backend.name}`, () => {
    let url: string;
    let store: Store;
    let cleanup: () => Promise<void>;

    beforeEach(async () => {
      const fresh = await backend.fresh();
      url = fresh.url;
      cleanup = fresh.cleanup;
      store = await openStore(fresh.url, { queryTimeoutMs: 5000 });
    });
    afterEach(async () => {
      await store.close();
      await cleanup();
    });

    it("keeps a group's topics: added in order, scenes replaced, deleted one or all", async () => {
      await store.resourceSession(async (tx) => {
        await tx.notifications.putTopic(topic('b', { createTime: t0 + 1 }));
        await tx.notifications.putTopic(topic('a', { createTime: t0 + 2 }));
        await tx.notifications.putTopic(topic('other', { groupId: 'group-2' }));
        await tx.notifications.putTopic(
          topic('x', { projectId: 'proj-b', topicUrn: urn('x', 'proj-b') }),
        );
      });
      await store.resourceSession((tx) =>
        tx.notifications.putTopic(
          topic('b', { createTime: t0 + 1, scenes: ['SCALING_DOWN', 'SCALING_UP_FAIL'] }),
        ),
      );
      const topics = await store.resourceRead((tx) =>
        tx.notifications.topicsOf('proj-a', 'group-1'),
      );
      expect(topics).toEqual([
        topic('b', { createTime: t0 + 1, scenes: ['SCALING_DOWN', 'SCALING_UP_FAIL'] }),
        topic('a', { createTime: t0 + 2 }),
      ]);
      expect(
        await store.resourceSession((tx) =>
          tx.notifications.deleteTopic('proj-a', 'group-1', urn('a')),
        ),
      ).toBe(true);
      expect(
        await store.resourceSession((tx) =>
          tx.notifications.deleteTopic('proj-a', 'group-1', urn('a')),
        ),
      ).toBe(false);
      // Another project's group of the same id keeps its own.
      expect(
        await store.resourceSession((tx) => tx.notifications.deleteTopicsOf('proj-a', 'group-1')),
      ).toBe(1);
      expect(
        await store.resourceRead((tx) => tx.notifications.topicsOf('proj-a', 'group-2')),
      ).toHaveLength(1);
    });

    it('records a notification once per event and topic, and lists newest first with filters', async () => {
      const first = await store.resourceSession((tx) =>
        tx.notifications.record([
          sent('n1', { eventTime: t0 }),
          sent('n2', { eventTime: t0 + 2, topicUrn: urn('t2'), scene: 'SCALING_DOWN' }),
          sent('n3', { eventTime: t0 + 1, groupId: 'group-2', deliveryStatus: 'NONE' }),
          sent('p1', { projectId: 'proj-b', topicUrn: urn('t1', 'proj-b') }),
        ]),
      );
      expect(first.map((n) => n.id)).toEqual(['n1', 'n2', 'n3', 'p1']);
      // The same event and topic again, under a new id: not recorded.
      const again = await store.resourceSession((tx) =>
        tx.notifications.record([sent('n1-again', { eventKey: 'event-n1' }), sent('n4')]),
      );
      expect(again.map((n) => n.id)).toEqual(['n4']);
      const all = await store.resourceRead((tx) =>
        tx.notifications.list('proj-a', {}, { startNumber: 0, limit: 20 }),
      );
      expect(all.total).toBe(4);
      expect(all.notifications.map((n) => n.id)).toEqual(['n2', 'n3', 'n4', 'n1']);
      expect(all.notifications[0]).toEqual(
        sent('n2', { eventTime: t0 + 2, topicUrn: urn('t2'), scene: 'SCALING_DOWN' }),
      );
      const list = (filter: SentNotificationFilter) =>
        store.resourceRead((tx) =>
          tx.notifications.list('proj-a', filter, { startNumber: 0, limit: 20 }),
        );
      expect((await list({ groupId: 'group-2' })).notifications.map((n) => n.id)).toEqual(['n3']);
      expect((await list({ topicUrn: urn('t2') })).notifications.map((n) => n.id)).toEqual(['n2']);
      expect((await list({ scene: 'SCALING_UP' })).total).toBe(3);
      expect((await list({ deliveryStatus: 'NONE' })).notifications.map((n) => n.id)).toEqual([
        'n3',
      ]);
      const page = await store.resourceRead((tx) =>
        tx.notifications.list('proj-a', {}, { startNumber: 1, limit: 2 }),
      );
      expect(page).toMatchObject({ total: 4 });
      expect(page.notifications.map((n) => n.id)).toEqual(['n3', 'n4']);
      expect(
        await store.resourceRead((tx) => tx.notifications.get('proj-b', 'n1')),
      ).toBeUndefined();
      expect((await store.resourceRead((tx) => tx.notifications.get('proj-b', 'p1')))?.id).toBe(
        'p1',
      );
    });

    it('keeps webhooks per project and topic', async () => {
      const hook = {
        projectId: 'proj-a',
        topicUrn: urn('t1'),
        url: 'http://127.0.0.1:1/hook',
        secret: 'secret-secret-1234',
        createTime: t0,
        updateTime: t0,
      };
      await store.resourceSession((tx) => tx.notifications.putWebhook(hook));
      await store.resourceSession((tx) =>
        tx.notifications.putWebhook({ ...hook, url: 'https://example.test/h', updateTime: t0 + 5 }),
      );
      expect(
        await store.resourceRead((tx) => tx.notifications.getWebhook('proj-a', urn('t1'))),
      ).toEqual({ ...hook, url: 'https://example.test/h', updateTime: t0 + 5 });
      expect(
        await store.resourceRead((tx) => tx.notifications.getWebhook('proj-b', urn('t1'))),
      ).toBeUndefined();
      expect(
        await store.resourceRead((tx) => tx.notifications.listWebhooks('proj-a')),
      ).toHaveLength(1);
      expect(
        await store.resourceSession((tx) => tx.notifications.deleteWebhook('proj-a', urn('t1'))),
      ).toBe(true);
      expect(
        await store.resourceSession((tx) => tx.notifications.deleteWebhook('proj-a', urn('t1'))),
      ).toBe(false);
    });

    it('offers the earliest PENDING notification of each group, due and unheld', async () => {
      await store.resourceSession((tx) =>
        tx.notifications.record([
          sent('a2', { eventTime: t0 + 2 }),
          sent('a1', { eventTime: t0 + 1 }),
          sent('a0', { eventTime: t0, deliveryStatus: 'DELIVERED', deliveredAt: t0 }),
          sent('b1', { groupId: 'group-2', eventTime: t0 + 5, nextAttemptAt: t0 + minute }),
          sent('c1', { groupId: 'group-3', eventTime: t0, deliveryStatus: 'NONE' }),
        ]),
      );
      const heads = (at: number) =>
        store.resourceRead(async (tx) =>
          (await tx.notifications.deliveryHeads(at, 10)).map((n) => n.id),
        );
      expect(await heads(t0 + 10)).toEqual(['a1']);
      expect(await heads(t0 + minute)).toEqual(['a1', 'b1']);
      // A claim holds it: no other server is offered it until the lease ends.
      const claim = (owner: string, at: number) =>
        store.resourceSession((tx) => tx.notifications.claim('a1', owner, at, at + 1000));
      expect(await claim('s1', t0 + 10)).toBe(true);
      expect(await claim('s2', t0 + 20)).toBe(false);
      expect(await heads(t0 + 20)).toEqual([]);
      // A retry later: the group's next one still waits behind it.
      expect(
        await store.resourceSession((tx) =>
          tx.notifications.finishAttempt('a1', 's2', {
            result: 'retry',
            at: t0 + 30,
            error: 'x',
            nextAttemptAt: t0 + 100,
          }),
        ),
      ).toBe(false);
      expect(
        await store.resourceSession((tx) =>
          tx.notifications.finishAttempt('a1', 's1', {
            result: 'retry',
            at: t0 + 30,
            error: 'HTTP 500',
            nextAttemptAt: t0 + 100,
          }),
        ),
      ).toBe(true);
      expect(await heads(t0 + 99)).toEqual([]);
      expect(await claim('s2', t0 + 99)).toBe(false);
      expect(await heads(t0 + 100)).toEqual(['a1']);
      expect(await claim('s2', t0 + 100)).toBe(true);
      expect(
        await store.resourceSession((tx) =>
          tx.notifications.finishAttempt('a1', 's2', { result: 'delivered', at: t0 + 110 }),
        ),
      ).toBe(true);
      const a1 = await store.resourceRead((tx) => tx.notifications.get('proj-a', 'a1'));
      expect(a1).toMatchObject({
        deliveryStatus: 'DELIVERED',
        attempts: 2,
        lastError: 'HTTP 500',
        lastAttemptAt: t0 + 100,
        deliveredAt: t0 + 110,
      });
      expect(await heads(t0 + 110)).toEqual(['a2']);
    });

    it('gives one of several racing servers each claim', async () => {
      await store.resourceSession((tx) =>
        tx.notifications.record(
          Array.from({ length: 10 }, (_, n) =>
            sent(`r${String(n)}`, { groupId: `g-${String(n)}` }),
          ),
        ),
      );
      const servers = await Promise.all([1, 2, 3].map(() => openStore(url)));
      const won: string[] = [];
      try {
        await Promise.all(
          servers.map(async (s, k) => {
            for (let n = 0; n < 10; n += 1) {
              const id = `r${String(n)}`;
              if (
                await s.resourceSession((tx) =>
                  tx.notifications.claim(id, `s${String(k)}`, t0, t0 + 1000),
                )
              ) {
                won.push(id);
              }
            }
          }),
        );
      } finally {
        for (const s of servers) await s.close();
      }
      expect(won.sort()).toEqual(Array.from({ length: 10 }, (_, n) => `r${String(n)}`).sort());
    });

    it('records the notifications of settled activities once, however many servers settle them', async () => {
      await store.resourceSession(async (tx) => {
        await tx.groups.insert(group('group-1'));
        await tx.notifications.putTopic(topic('t1', { scenes: ['SCALING_UP', 'SCALING_DOWN'] }));
        await tx.notifications.putTopic(topic('t2', { scenes: ['SCALING_DOWN'] }));
        await tx.notifications.putWebhook({
          projectId: 'proj-a',
          topicUrn: urn('t1'),
          url: 'http://127.0.0.1:1/',
          secret: 'secret-secret-1234',
          createTime: t0,
          updateTime: t0,
        });
        const ups = Array.from({ length: 12 }, (_, n) =>
          doing(`up-${String(n)}`, { settlesAt: t0 + n }),
        );
        const downs = Array.from({ length: 6 }, (_, n) =>
          doing(`down-${String(n)}`, {
            added: [],
            deleted: [{ id: `d-${String(n)}`, name: 'd' }],
            instanceValue: 2,
            desireValue: 1,
          }),
        );
        // One not yet settled, and a standby change that tells of no scene.
        const later = doing('later', { settlesAt: t0 + 10 * minute });
        const standby = doing('standby', { added: [], standby: [{ id: 's', name: 's' }] });
        for (const a of [...ups, ...downs, later, standby]) await tx.activities.insert(a);
      });
      const servers = await Promise.all([1, 2, 3].map(() => openStore(url)));
      let settled = 0;
      try {
        await Promise.all(
          servers.map(async (s) => {
            for (;;) {
              const n = await s.resourceSession((tx) => settleActivities(tx, t0 + minute, 4));
              settled += n;
              if (n === 0) return;
            }
          }),
        );
      } finally {
        for (const s of servers) await s.close();
      }
      expect(settled).toBe(19);
      const all = await store.resourceRead((tx) =>
        tx.notifications.list('proj-a', {}, { startNumber: 0, limit: 100 }),
      );
      // 12 scale-outs to t1; 6 scale-ins to t1 and t2.
      expect(all.total).toBe(24);
      const ups = all.notifications.filter((n) => n.scene === 'SCALING_UP');
      expect(ups).toHaveLength(12);
      expect(ups.every((n) => n.topicUrn === urn('t1') && n.deliveryStatus === 'PENDING')).toBe(
        true,
      );
      const up0 = ups.find((n) => n.activityId === 'up-0');
      expect(up0).toMatchObject({ eventTime: t0, eventKey: 'activity:up-0:SCALING_UP' });
      expect(JSON.parse(up0?.message ?? '{}')).toMatchObject({
        notification_id: up0?.id,
        scaling_group_id: 'group-1',
        scaling_group_name: 'g-group-1',
        topic_name: 't1',
        topic_scene: 'SCALING_UP',
        scaling_activity: { id: 'up-0', status: 'SUCCESS', instances_added: ['srv-up-0'] },
      });
      const downsToT2 = all.notifications.filter((n) => n.topicUrn === urn('t2'));
      expect(downsToT2).toHaveLength(6);
      expect(
        downsToT2.every((n) => n.scene === 'SCALING_DOWN' && n.deliveryStatus === 'NONE'),
      ).toBe(true);
    });

    it('exports in order by keyset pages and imports by upsert', async () => {
      await store.resourceSession((tx) =>
        tx.notifications.record([
          sent('e3', { groupId: 'group-2' }),
          sent('e2', { eventTime: t0 + 1 }),
          sent('e1', { eventTime: t0 }),
          sent('e4', { projectId: 'proj-b', topicUrn: urn('t1', 'proj-b') }),
        ]),
      );
      const page1 = await store.resourceRead((tx) => tx.notifications.exportPage({}, undefined, 2));
      expect(page1.map((n) => n.id)).toEqual(['e1', 'e2']);
      const last = page1[1];
      if (last === undefined) throw new Error('no page');
      const page2 = await store.resourceRead((tx) => tx.notifications.exportPage({}, last, 10));
      expect(page2.map((n) => n.id)).toEqual(['e3', 'e4']);
      const ofGroup = await store.resourceRead((tx) =>
        tx.notifications.exportPage({ projectId: 'proj-a', groupId: 'group-2' }, undefined, 10),
      );
      expect(ofGroup.map((n) => n.id)).toEqual(['e3']);
      expect(
        (await store.resourceRead((tx) => tx.notifications.byIds(['e1', 'e4', 'zz'])))
          .map((n) => n.id)
          .sort(),
      ).toEqual(['e1', 'e4']);
      await store.resourceSession((tx) =>
        tx.notifications.upsertMany([
          sent('e1', { deliveryStatus: 'DELIVERED', deliveredAt: t0 + 9, attempts: 1 }),
          sent('e5', { eventKey: 'event-e5' }),
        ]),
      );
      expect(await store.resourceRead((tx) => tx.notifications.get('proj-a', 'e1'))).toEqual(
        sent('e1', { deliveryStatus: 'DELIVERED', deliveredAt: t0 + 9, attempts: 1 }),
      );
      expect((await store.resourceRead((tx) => tx.notifications.get('proj-a', 'e5')))?.id).toBe(
        'e5',
      );
    });
  });
}
