import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ScalingActivity } from '../../src/domain/scaling-activity.js';
import { changeDescription } from '../../src/domain/scaling-activity.js';
import { openStore } from '../../src/store/open-store.js';
import { testBackends } from '../support/backends.js';
import { runScalelog } from './cli-harness.js';

const projectA = '0428982a1b8039f42f01c005edde7c0d';
const projectB = '1528982a1b8039f42f01c005edde7c0e';
const group1 = 'e5d27f5c-dd76-4a61-b4bc-a67c5686719a';
const group2 = 'group-2';
const t0 = Date.UTC(2024, 0, 10, 12, 0, 0);

const activityId = (n: number): string =>
  `${n.toString(16).padStart(8, '0')}-c4ac-4b52-9d5c-f93ba217aa5f`;

/** Activities as the engine would write them: times to the millisecond, every list used. */
function sampleActivities(): ScalingActivity[] {
  const base = {
    status: 'SUCCESS',
    type: 'NORMAL',
    description: changeDescription([
      {
        changeReason: 'SCHEDULED',
        oldValue: 1,
        newValue: 3,
        changeTime: t0,
        policyId: '05545d3d-ccf9-4bca-ae4f-1e5e73ca0bf6',
        policyName: 'as-policy-"雲"',
      },
    ]),
    instanceValue: 1,
    desireValue: 3,
    scalingValue: 2,
    added: [],
    removed: [],
    deleted: [],
    failed: [],
    standby: [],
  } as const;
  return [
    {
      ...base,
      id: activityId(1),
      projectId: projectA,
      groupId: group1,
      startTime: t0 + 123,
      endTime: t0 + 60_456,
      added: [
        { id: 'srv-1', name: 'web-1', configurationId: 'cfg-1' },
        { id: 'srv-2', name: 'web-2', configurationId: 'cfg-1' },
      ],
    },
    {
      ...base,
      id: activityId(2),
      projectId: projectA,
      groupId: group1,
      status: 'DOING',
      type: 'MANUAL_DELETE',
      startTime: t0 + 120_000,
      settlesAt: t0 + 180_000,
      removed: [{ id: 'srv-1', name: 'web-1' }],
      deleted: [{ id: 'srv-2', name: 'web-2' }],
    },
    {
      ...base,
      id: activityId(3),
      projectId: projectA,
      groupId: group2,
      status: 'FAIL',
      type: 'MANUAL_ADD',
      startTime: t0,
      endTime: t0 + 1000,
      failed: [{ id: 'srv-9', name: 'ecs-9', failedReason: 'AS.4024', failedDetails: 'off' }],
      standby: [{ id: 'srv-8', name: 'ecs-8' }],
    },
    {
      ...base,
      id: activityId(4),
      projectId: projectB,
      groupId: group1,
      startTime: t0,
      endTime: t0 + 1000,
    },
  ];
}

const lastLine = (text: string): string => text.trimEnd().split('\n').pop() ?? '';

for (const backend of testBackends) {
  describe.skipIf(!backend.available)(`activity export and import on ${backend.name}`, () => {
    const cleanups: (() => Promise<void>)[] = [];
    let source: string;
    beforeEach(async () => {
      const fresh = await backend.fresh();
      cleanups.push(fresh.cleanup);
      source = fresh.url;
      const store = await openStore(source);
      try {
        await store.resourceSession((tx) => tx.activities.insertMany(sampleActivities()));
      } finally {
        await store.close();
      }
    });
    afterEach(async () => {
      for (const cleanup of cleanups.splice(0)) await cleanup();
    });

    const exportText = async (db: string, ...args: string[]): Promise<string> => {
      const run = await runScalelog(['export', '--activities', '--db', db, ...args]);
      expect(run.code, run.stderr.text).toBe(0);
      expect(run.storesClosed).toBe(1);
      return run.stdout.text;
    };

    it('round trips export, import, export byte for byte, into either store', async () => {
      const first = await exportText(source);
      const lines = first.trimEnd().split('\n');
      expect(lines).toHaveLength(4);
      // Export order: project, group, start time, id.
      expect(lines.map((l) => (JSON.parse(l) as { id: string }).id)).toEqual([
        activityId(1),
        activityId(2),
        activityId(3),
        activityId(4),
      ]);
      expect(JSON.parse(lines[1] ?? '')).toStrictEqual({
        project_id: projectA,
        scaling_group_id: group1,
        id: activityId(2),
        instance_value: 1,
        desire_value: 3,
        scaling_value: 2,
        start_time: '2024-01-10T12:02:00Z',
        instance_added_list: [],
        instance_deleted_list: [{ instance_id: 'srv-2', instance_name: 'web-2' }],
        instance_removed_list: [{ instance_id: 'srv-1', instance_name: 'web-1' }],
        instance_failed_list: [],
        instance_standby_list: [],
        status: 'DOING',
        description: sampleActivities()[1]?.description,
        lb_bind_success_list: [],
        lb_bind_failed_list: [],
        lb_unbind_success_list: [],
        lb_unbind_failed_list: [],
        type: 'MANUAL_DELETE',
        settles_at: '2024-01-10T12:03:00Z',
      });
      for (const target of testBackends.filter((b) => b.available)) {
        const fresh = await target.fresh();
        cleanups.push(fresh.cleanup);
        const imported = await runScalelog(['import', '--activities', '--db', fresh.url, '-'], {
          stdin: first,
        });
        expect(imported.code, imported.stderr.text).toBe(0);
        expect(lastLine(imported.stderr.text)).toBe(
          'imported standard input: 4 read, 4 inserted, 0 updated, 0 unchanged, 0 skipped',
        );
        expect(await exportText(fresh.url), `into ${target.name}`).toBe(first);
        // Again: nothing changes.
        const again = await runScalelog(['import', '--activities', '--db', fresh.url, '-'], {
          stdin: first,
        });
        expect(lastLine(again.stderr.text)).toBe(
          'imported standard input: 4 read, 0 inserted, 0 updated, 4 unchanged, 0 skipped',
        );
      }
      // The source's own export imported into it changes nothing, milliseconds and all.
      const self = await runScalelog(['import', '--activities', '--db', source, '-'], {
        stdin: first,
      });
      expect(lastLine(self.stderr.text)).toMatch(/ 0 inserted, 0 updated, 4 unchanged, 0 skipped$/);
    });

    it('filters by project, and by a project group', async () => {
      const ids = async (...args: string[]) =>
        (await exportText(source, ...args))
          .trimEnd()
          .split('\n')
          .filter((l) => l !== '')
          .map((l) => (JSON.parse(l) as { id: string }).id);
      expect(await ids('--project', projectA)).toEqual([1, 2, 3].map(activityId));
      expect(await ids('--project', projectB)).toEqual([activityId(4)]);
      expect(await ids('--project', projectA, '--group', group2)).toEqual([activityId(3)]);
      expect(await ids('--project', projectB, '--group', group2)).toEqual([]);
      const none = await runScalelog([
        'export',
        '--activities',
        '--db',
        source,
        '--project',
        projectB,
        '--group',
        group2,
      ]);
      expect(lastLine(none.stderr.text)).toBe(
        `No activities to export: group ${group2} of project ${projectB} has none.`,
      );
    });

    it('keeps execution logs and activities apart', async () => {
      // The execution-log export is as before: this store holds no log.
      const logs = await runScalelog(['export', '--db', source]);
      expect(logs.stdout.text).toBe('');
      expect(lastLine(logs.stderr.text)).toBe('No logs to export: the store holds none.');
      // An activity file is no log file: the first line is refused, nothing written.
      const activities = await exportText(source);
      const fresh = await backend.fresh();
      cleanups.push(fresh.cleanup);
      const wrong = await runScalelog(['import', '--db', fresh.url, '-'], { stdin: activities });
      expect(wrong.code).toBe(1);
      expect(wrong.stderr.text).toMatch(/line 1: unknown field "project_id"/);
    });

    it.each([
      [['--group', group1], '--group selects scaling activities: give it with --activities.'],
      [
        ['--activities', '--policy', 'p-1'],
        '--policy selects execution logs: --activities takes --project and --group.',
      ],
      [
        ['--activities', '--group', group1],
        '--group needs --project: group ids are unique only within a project.',
      ],
    ])('exits 2 on %j', async (args, message) => {
      const run = await runScalelog(['export', '--db', source, ...args]);
      expect(run.code).toBe(2);
      expect(run.stdout.text).toBe('');
      expect(run.stderr.text).toContain(message);
    });
  });
}
