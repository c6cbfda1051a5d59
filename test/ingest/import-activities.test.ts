import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ScalingActivity } from '../../src/domain/scaling-activity.js';
import { importActivities } from '../../src/ingest/import-activities.js';
import type { ActivityImportOptions } from '../../src/ingest/import-activities.js';
import { ImportAbortedError } from '../../src/ingest/import-ndjson.js';
import { activityFromLine, activityToLine } from '../../src/log-format/activity-wire.js';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/store.js';
import { testBackends } from '../support/backends.js';

const project = '0428982a1b8039f42f01c005edde7c0d';
const otherProject = '1528982a1b8039f42f01c005edde7c0e';
const group = 'e5d27f5c-dd76-4a61-b4bc-a67c5686719a';
const t0 = Date.UTC(2024, 0, 10, 12, 0, 0);

const activityId = (n: number): string =>
  `${n.toString(16).padStart(8, '0')}-c4ac-4b52-9d5c-f93ba217aa5f`;

/** An export line's object, as `export --activities` writes it. */
function line(n: number, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    project_id: project,
    scaling_group_id: group,
    id: activityId(n),
    instance_value: 0,
    desire_value: 1,
    scaling_value: 1,
    start_time: '2024-01-10T12:00:00Z',
    end_time: '2024-01-10T12:01:00Z',
    instance_added_list: [
      { instance_id: 'srv-1', instance_name: 'web-1', instance_config: 'cfg-1' },
    ],
    instance_deleted_list: [],
    instance_removed_list: [],
    instance_failed_list: [],
    instance_standby_list: [],
    status: 'SUCCESS',
    description: '{"reason":[{"change_reason":"DIFF","old_value":0,"new_value":1}]}',
    lb_bind_success_list: [],
    lb_bind_failed_list: [],
    lb_unbind_success_list: [],
    lb_unbind_failed_list: [],
    type: 'NORMAL',
    ...overrides,
  };
}

const ndjson = (lines: readonly Record<string, unknown>[]): string =>
  lines.map((l) => `${JSON.stringify(l)}\n`).join('');

/** Feeds the text in chunks of `size` bytes, as a file stream would. */
async function* chunks(text: string, size = 1000): AsyncGenerator<Buffer> {
  const bytes = Buffer.from(text, 'utf8');
  for (let i = 0; i < bytes.length; i += size) {
    await Promise.resolve();
    yield bytes.subarray(i, i + size);
  }
}

for (const backend of testBackends) {
  describe.skipIf(!backend.available)(`activity import on ${backend.name}`, () => {
    let store: Store;
    let cleanup: () => Promise<void>;
    beforeEach(async () => {
      const fresh = await backend.fresh();
      cleanup = fresh.cleanup;
      store = await openStore(fresh.url);
    });
    afterEach(async () => {
      await store.close();
      await cleanup();
    });

    const run = (text: string, options: Partial<ActivityImportOptions> = {}) =>
      importActivities(store, chunks(text), { skipInvalid: false, ...options });
    const stored = (id: string) => store.resourceRead((tx) => tx.activities.get(project, id));
    const count = async (projectId = project): Promise<number> =>
      (
        await store.resourceRead((tx) =>
          tx.activities.list(projectId, group, {}, { startNumber: 0, limit: 0 }, t0),
        )
      ).total;

    it('restores every field of a line, and is idempotent', async () => {
      const doing = line(2, {
        status: 'DOING',
        end_time: undefined,
        settles_at: '2024-01-10T12:05:00Z',
        instance_added_list: [],
        instance_failed_list: [
          {
            instance_id: 'srv-9',
            instance_name: 'web-9',
            failed_reason: 'AS.4024',
            failed_details: 'not active',
          },
        ],
        instance_standby_list: [{ instance_id: 'srv-8', instance_name: 'web-8' }],
        type: 'MANUAL_ADD',
      });
      const text = ndjson([line(1), doing]);
      expect(await run(text)).toEqual({
        lines: 2,
        inserted: 2,
        updated: 0,
        unchanged: 0,
        skippedCount: 0,
        skipped: [],
      });
      expect(await stored(activityId(1))).toStrictEqual({
        id: activityId(1),
        projectId: project,
        groupId: group,
        status: 'SUCCESS',
        type: 'NORMAL',
        startTime: t0,
        endTime: t0 + 60_000,
        description: '{"reason":[{"change_reason":"DIFF","old_value":0,"new_value":1}]}',
        instanceValue: 0,
        desireValue: 1,
        scalingValue: 1,
        added: [{ id: 'srv-1', name: 'web-1', configurationId: 'cfg-1' }],
        removed: [],
        deleted: [],
        failed: [],
        standby: [],
      } satisfies ScalingActivity);
      const restored = await stored(activityId(2));
      expect(restored).toMatchObject({
        status: 'DOING',
        settlesAt: t0 + 5 * 60_000,
        failed: [
          { id: 'srv-9', name: 'web-9', failedReason: 'AS.4024', failedDetails: 'not active' },
        ],
        standby: [{ id: 'srv-8', name: 'web-8' }],
      });
      expect(restored).not.toHaveProperty('endTime');
      // The line it exports is the line it came from.
      expect(JSON.stringify(activityToLine(restored as ScalingActivity))).toBe(
        JSON.stringify(JSON.parse(JSON.stringify(doing))),
      );

      expect(await run(text)).toMatchObject({ lines: 2, inserted: 0, updated: 0, unchanged: 2 });
      expect(await count()).toBe(2);
    });

    it('keeps an id once within a file, updates one that settled, never moves one back to DOING', async () => {
      const doing = line(1, {
        status: 'DOING',
        end_time: undefined,
        settles_at: '2024-01-10T12:05:00Z',
      });
      expect(await run(ndjson([doing, doing]))).toMatchObject({
        inserted: 1,
        updated: 0,
        unchanged: 1,
      });
      expect(await run(ndjson([line(1)]))).toMatchObject({ inserted: 0, updated: 1, unchanged: 0 });
      expect(await stored(activityId(1))).toMatchObject({
        status: 'SUCCESS',
        endTime: t0 + 60_000,
      });
      expect(await run(ndjson([doing]))).toMatchObject({ updated: 0, unchanged: 1 });
      expect(await stored(activityId(1))).toMatchObject({ status: 'SUCCESS' });
      // A changed line replaces it.
      expect(await run(ndjson([line(1, { description: 'again' })]))).toMatchObject({ updated: 1 });
      expect((await stored(activityId(1)))?.description).toBe('again');
      expect(await count()).toBe(1);
    });

    it('refuses an id that belongs to another project or group, without saying which', async () => {
      await run(ndjson([line(1)]));
      const others: [number, Record<string, unknown>][] = [
        [2, { project_id: otherProject }],
        [3, { scaling_group_id: 'group-2' }],
      ];
      for (const [n, other] of others) {
        const report = await run(ndjson([line(1, other), line(n)]), { skipInvalid: true });
        expect(report).toMatchObject({ inserted: 1, skippedCount: 1 });
        expect(report.skipped).toEqual([
          {
            line: 1,
            message: `activity id ${activityId(1)} already belongs to another group or project.`,
          },
        ]);
      }
      expect(await count(otherProject)).toBe(0);
      await expect(run(ndjson([line(4), line(1, { project_id: otherProject })]))).rejects.toThrow(
        /^line 2: activity id .* already belongs to another group or project\. Nothing was imported\.$/,
      );
      expect(await stored(activityId(4))).toBeUndefined();
    });

    it.each([
      ['not JSON', '{"id":', /^not valid JSON/],
      ['an array', '[]', /^an activity must be a JSON object, got an array\./],
      [
        'an unknown field',
        JSON.stringify(line(1, { tenant_id: project })),
        /^unknown field "tenant_id"; an activity has: project_id, /,
      ],
      [
        'a missing project',
        JSON.stringify(line(1, { project_id: undefined })),
        /^project_id is missing\./,
      ],
      ['a bad id', JSON.stringify(line(1, { id: 'ACT-1' })), /^id "ACT-1" must be a UUID/],
      [
        'a bad group id',
        JSON.stringify(line(1, { scaling_group_id: 'a/b' })),
        /^scaling_group_id "a\/b" must be 1 to 64/,
      ],
      [
        'a bad time',
        JSON.stringify(line(1, { start_time: '2024-01-10 12:00' })),
        /^start_time "2024-01-10 12:00" is not a UTC time/,
      ],
      [
        'a negative count',
        JSON.stringify(line(1, { scaling_value: -1 })),
        /^scaling_value must be a whole number from 0, got number\./,
      ],
      [
        'a count as text',
        JSON.stringify(line(1, { instance_value: '1' })),
        /^instance_value must be a whole number from 0, got "1"\./,
      ],
      [
        'a bad status',
        JSON.stringify(line(1, { status: 'DONE' })),
        /^status "DONE" is not one of SUCCESS, FAIL, DOING\./,
      ],
      [
        'a bad type',
        JSON.stringify(line(1, { type: 'SCALE' })),
        /^type "SCALE" is not one of NORMAL, /,
      ],
      [
        'a list not an array',
        JSON.stringify(line(1, { instance_added_list: 'web-1' })),
        /^instance_added_list must be an array, got "web-1"\./,
      ],
      [
        'an instance without name',
        JSON.stringify(line(1, { instance_removed_list: [{ instance_id: 'x' }] })),
        /^instance_removed_list\[0\]\.instance_name is missing\./,
      ],
      [
        'an instance with an unknown field',
        JSON.stringify(
          line(1, { instance_removed_list: [{ instance_id: 'x', instance_name: 'y', ip: 1 }] }),
        ),
        /^instance_removed_list\[0\] has an unknown field "ip"/,
      ],
      [
        'a load balancer',
        JSON.stringify(line(1, { lb_bind_success_list: [{ listener: 'l' }] })),
        /^lb_bind_success_list must be empty: Scalelog has no load balancers\./,
      ],
      [
        'an end while DOING',
        JSON.stringify(line(1, { status: 'DOING' })),
        /^end_time is given, but a DOING activity has not ended\./,
      ],
      [
        'settles_at once ended',
        JSON.stringify(line(1, { settles_at: '2024-01-10T12:05:00Z' })),
        /^settles_at is given, but a SUCCESS activity has ended\./,
      ],
      [
        'a NUL in text',
        JSON.stringify(line(1, { description: 'a\u0000b' })),
        /^description contains a NUL character/,
      ],
    ])('aborts on %s, naming the line, and writes nothing', async (_what, bad, message) => {
      const text = `${JSON.stringify(line(1))}\n\n${bad}\n${JSON.stringify(line(2))}\n`;
      const error = await run(text).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ImportAbortedError);
      expect((error as ImportAbortedError).line).toBe(3);
      expect((error as ImportAbortedError).reason).toMatch(message);
      expect(await count()).toBe(0);
      // With skipInvalid, the good lines go in and the bad one is listed.
      const report = await run(text, { skipInvalid: true });
      expect(report).toMatchObject({ lines: 3, inserted: 2, skippedCount: 1 });
      expect(report.skipped[0]?.line).toBe(3);
    });

    it('takes absent lists as empty, and a v2 answer entry with the project and group added', async () => {
      const bare = Object.fromEntries(
        Object.entries(line(1)).filter(([key]) => !key.endsWith('_list')),
      );
      await run(ndjson([bare]));
      expect(await stored(activityId(1))).toMatchObject({ added: [], failed: [], standby: [] });
      expect(activityFromLine(line(2)).added).toEqual([
        { id: 'srv-1', name: 'web-1', configurationId: 'cfg-1' },
      ]);
    });

    it('streams many batches in one transaction, a line split across chunks', async () => {
      const many = Array.from({ length: 1234 }, (_, i) =>
        line(i + 1, {
          start_time: new Date(t0 + i * 1000).toISOString().replace('.000Z', 'Z'),
          end_time: undefined,
          status: 'FAIL',
        }),
      );
      const progress: number[] = [];
      const report = await importActivities(store, chunks(ndjson(many), 333), {
        skipInvalid: false,
        batchSize: 100,
        onProgress: (p) => progress.push(p.lines),
      });
      expect(report).toMatchObject({ lines: 1234, inserted: 1234 });
      expect(progress.length).toBeGreaterThan(10);
      expect(progress[progress.length - 1]).toBe(1234);
      expect(await count()).toBe(1234);
      // A bad last line rolls every batch back.
      const ids = many.map((l, i) => ({ ...l, id: activityId(5000 + i) }));
      await expect(run(`${ndjson(ids)}{}\n`, { batchSize: 100 })).rejects.toThrow(/^line 1235: /);
      expect(await count()).toBe(1234);
    });
  });
}
