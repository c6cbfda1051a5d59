import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SentNotification } from '../../src/domain/notification.js';
import { openStore } from '../../src/store/open-store.js';
import { testBackends } from '../support/backends.js';
import { runScalelog } from './cli-harness.js';

const projectA = '0428982a1b8039f42f01c005edde7c0d';
const projectB = '1528982a1b8039f42f01c005edde7c0e';
const group1 = 'e5d27f5c-dd76-4a61-b4bc-a67c5686719a';
const t0 = Date.UTC(2024, 0, 10, 12, 0, 0);
const urn = (project: string) => `urn:smn:region-1:${project}:ops`;

function samples(): SentNotification[] {
  const base = {
    topicUrn: urn(projectA),
    scene: 'SCALING_UP',
    message: '{"topic_scene":"SCALING_UP","note":"雲"}',
    attempts: 0,
  } as const;
  return [
    {
      ...base,
      id: 'n-1',
      projectId: projectA,
      groupId: group1,
      activityId: 'act-1',
      eventKey: 'activity:act-1:SCALING_UP',
      eventTime: t0 + 123,
      deliveryStatus: 'DELIVERED',
      attempts: 2,
      lastError: 'The webhook answered HTTP 500.',
      lastAttemptAt: t0 + 2_345,
      deliveredAt: t0 + 2_400,
    },
    {
      ...base,
      id: 'n-2',
      projectId: projectA,
      groupId: group1,
      // A lifecycle hook's hold: its scene is the hook's type.
      scene: 'INSTANCE_LAUNCHING',
      activityId: 'act-2',
      message: '{"topic_scene":"INSTANCE_LAUNCHING","lifecycle_action_key":"key-2"}',
      eventKey: 'hook:key-2',
      eventTime: t0 + 5_000,
      deliveryStatus: 'PENDING',
      nextAttemptAt: t0 + 6_000,
    },
    {
      ...base,
      id: 'n-3',
      projectId: projectB,
      groupId: 'group-b',
      topicUrn: urn(projectB),
      eventKey: 'activity:act-3:SCALING_UP',
      eventTime: t0,
      deliveryStatus: 'NONE',
    },
  ];
}

const lastLine = (text: string): string => text.trimEnd().split('\n').pop() ?? '';

for (const backend of testBackends) {
  describe.skipIf(!backend.available)(`notification export and import on ${backend.name}`, () => {
    const cleanups: (() => Promise<void>)[] = [];
    let source: string;
    beforeEach(async () => {
      const fresh = await backend.fresh();
      cleanups.push(fresh.cleanup);
      source = fresh.url;
      const store = await openStore(source);
      try {
        await store.resourceSession((tx) => tx.notifications.upsertMany(samples()));
      } finally {
        await store.close();
      }
    });
    afterEach(async () => {
      for (const cleanup of cleanups.splice(0)) await cleanup();
    });

    const exportText = async (db: string, ...args: string[]): Promise<string> => {
      const run = await runScalelog(['export', '--notifications', '--db', db, ...args]);
      expect(run.code, run.stderr.text).toBe(0);
      return run.stdout.text;
    };

    it('round trips export, import, export byte for byte, into either store', async () => {
      const first = await exportText(source);
      const lines = first.trimEnd().split('\n');
      expect(lines.map((l) => (JSON.parse(l) as { id: string }).id)).toEqual(['n-1', 'n-2', 'n-3']);
      expect(JSON.parse(lines[0] ?? '')).toStrictEqual({
        id: 'n-1',
        project_id: projectA,
        scaling_group_id: group1,
        topic_urn: urn(projectA),
        topic_scene: 'SCALING_UP',
        scaling_activity_id: 'act-1',
        event_key: 'activity:act-1:SCALING_UP',
        event_time: '2024-01-10T12:00:00.123Z',
        message: '{"topic_scene":"SCALING_UP","note":"雲"}',
        delivery_status: 'DELIVERED',
        attempts: 2,
        last_error: 'The webhook answered HTTP 500.',
        last_attempt_time: '2024-01-10T12:00:02.345Z',
        delivered_time: '2024-01-10T12:00:02.400Z',
      });
      for (const target of testBackends.filter((b) => b.available)) {
        const fresh = await target.fresh();
        cleanups.push(fresh.cleanup);
        const imported = await runScalelog(['import', '--notifications', '--db', fresh.url, '-'], {
          stdin: first,
        });
        expect(imported.code, imported.stderr.text).toBe(0);
        expect(lastLine(imported.stderr.text)).toBe(
          'imported standard input: 3 read, 3 inserted, 0 updated, 0 unchanged, 0 skipped',
        );
        expect(await exportText(fresh.url), `into ${target.name}`).toBe(first);
        const again = await runScalelog(['import', '--notifications', '--db', fresh.url, '-'], {
          stdin: first,
        });
        expect(lastLine(again.stderr.text)).toBe(
          'imported standard input: 3 read, 0 inserted, 0 updated, 3 unchanged, 0 skipped',
        );
      }
    });

    it('filters by project and group, and says when there is nothing', async () => {
      const ids = async (...args: string[]) =>
        (await exportText(source, ...args))
          .trimEnd()
          .split('\n')
          .filter((l) => l !== '')
          .map((l) => (JSON.parse(l) as { id: string }).id);
      expect(await ids('--project', projectB)).toEqual(['n-3']);
      expect(await ids('--project', projectA, '--group', group1)).toEqual(['n-1', 'n-2']);
      const none = await runScalelog([
        'export',
        '--notifications',
        '--db',
        source,
        '--project',
        projectB,
        '--group',
        group1,
      ]);
      expect(lastLine(none.stderr.text)).toBe(
        `No notifications to export: group ${group1} of project ${projectB} has none.`,
      );
    });

    it('keeps an ended delivery, refuses an event recorded under another id and a bad line', async () => {
      const stale = JSON.stringify({
        id: 'n-1',
        project_id: projectA,
        scaling_group_id: group1,
        topic_urn: urn(projectA),
        topic_scene: 'SCALING_UP',
        event_key: 'activity:act-1:SCALING_UP',
        event_time: '2024-01-10T12:00:00.123Z',
        message: '{}',
        delivery_status: 'PENDING',
        attempts: 0,
      });
      const clash = JSON.stringify({
        ...(JSON.parse(stale) as object),
        id: 'n-9',
      });
      const otherProject = JSON.stringify({
        ...(JSON.parse(stale) as object),
        id: 'n-8',
        topic_urn: urn(projectB),
      });
      const run = await runScalelog(
        ['import', '--notifications', '--skip-invalid', '--db', source, '-'],
        { stdin: `${stale}\n${clash}\n${otherProject}\n{"id":1}\n` },
      );
      expect(run.code).toBe(3);
      expect(run.stderr.text).toMatch(
        /line 2: event activity:act-1:SCALING_UP of topic .* is recorded already under another id/,
      );
      expect(run.stderr.text).toMatch(/line 3: topic_urn: the topic belongs to project/);
      expect(run.stderr.text).toMatch(/line 4: /);
      expect(lastLine(run.stderr.text)).toMatch(
        /4 read, 0 inserted, 0 updated, 1 unchanged, 3 skipped$/,
      );
      const store = await openStore(source);
      try {
        expect(
          (await store.resourceRead((tx) => tx.notifications.get(projectA, 'n-1')))?.deliveryStatus,
        ).toBe('DELIVERED');
      } finally {
        await store.close();
      }
    });

    it('refuses --activities with --notifications, and --policy', async () => {
      const both = await runScalelog(['export', '--notifications', '--activities', '--db', source]);
      expect(both.code).toBe(2);
      expect(both.stderr.text).toMatch(/give one/);
      const policy = await runScalelog([
        'export',
        '--notifications',
        '--policy',
        'p',
        '--db',
        source,
      ]);
      expect(policy.code).toBe(2);
      const imp = await runScalelog(
        ['import', '--notifications', '--activities', '--db', source, '-'],
        { stdin: '' },
      );
      expect(imp.code).toBe(2);
    });
  });
}
