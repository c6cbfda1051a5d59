import { describe, expect, it } from 'vitest';
import { testBackends } from '../../support/backends.js';
import {
  expectAsError,
  getPage,
  ingestUrl,
  logsPath,
  openTestApi,
  pageIds,
  project,
  uuid,
  wireLog,
} from '../../support/api-harness.js';
import type { WireLogInput } from '../../support/api-harness.js';

const ndjson = (logs: readonly WireLogInput[]): string =>
  `${logs.map((l) => JSON.stringify(l)).join('\n')}\n`;

const threeLogs = [
  wireLog(1, { execute_time: '2024-03-01T00:00:00Z' }),
  wireLog(2, { execute_time: '2024-03-01T00:01:00Z' }),
  wireLog(3, { execute_time: '2024-03-01T00:02:00Z' }),
];

const post = (
  payload: string,
  contentType = 'application/x-ndjson',
  query = '',
  projectId = project,
) => ({
  method: 'POST' as const,
  url: ingestUrl(projectId, query),
  headers: { 'content-type': contentType },
  payload,
});

for (const backend of testBackends) {
  describe.skipIf(!backend.available)(`the ingest endpoint on ${backend.name}`, () => {
    it('imports NDJSON and reports what it did; the logs are then queryable', async () => {
      const { inject } = await openTestApi(backend);
      const res = await inject(post(ndjson(threeLogs)));
      expect(res.statusCode, res.body).toBe(200);
      expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(res.json()).toStrictEqual({
        lines: 3,
        inserted: 3,
        updated: 0,
        unchanged: 0,
        skipped_count: 0,
        skipped: [],
      });
      const page = await getPage(inject, logsPath());
      expect(pageIds(page)).toEqual([uuid(3), uuid(2), uuid(1)]);
      expect(page.scaling_policy_execute_log[0]).toStrictEqual(threeLogs[2]);
    });

    it('refuses a body with no log in it, saying it was empty, and writes nothing', async () => {
      const { inject } = await openTestApi(backend);
      const bodies: [string, Record<string, string>, string | undefined][] = [
        ['empty NDJSON', { 'content-type': 'application/x-ndjson' }, ''],
        ['empty JSON', { 'content-type': 'application/json' }, ''],
        ['blank lines and a BOM', { 'content-type': 'application/x-ndjson' }, '\uFEFF\n \r\n\t\n'],
        ['no body, no content type', {}, undefined],
      ];
      for (const [what, headers, payload] of bodies) {
        const res = await inject({
          method: 'POST',
          url: ingestUrl(),
          headers,
          ...(payload === undefined ? {} : { payload }),
        });
        expect(expectAsError(res, 400, 'AS.0002'), what).toBe(
          'Request body is null. The request body is empty: send NDJSON, one execution log per line (curl --data-binary @FILE sends nothing when FILE is missing).',
        );
      }
      // Nothing was written: the policy's first log is the next one.
      expect((await inject(post(ndjson([threeLogs[0] ?? {}])))).statusCode).toBe(200);
      expect(pageIds(await getPage(inject, logsPath()))).toEqual([uuid(1)]);
    });

    it('is idempotent: the same body twice changes nothing the second time', async () => {
      const { inject } = await openTestApi(backend);
      expect((await inject(post(ndjson(threeLogs)))).statusCode).toBe(200);
      const before = await getPage(inject, logsPath());
      const again = await inject(post(ndjson(threeLogs)));
      expect(again.json()).toStrictEqual({
        lines: 3,
        inserted: 0,
        updated: 0,
        unchanged: 3,
        skipped_count: 0,
        skipped: [],
      });
      expect(await getPage(inject, logsPath())).toStrictEqual(before);
    });

    it('updates a log reported EXECUTING once it is reported SUCCESS, and not back', async () => {
      const { inject } = await openTestApi(backend);
      const executing = wireLog(9, { status: 'EXECUTING', desire_value: undefined });
      const settled = wireLog(9, { status: 'SUCCESS', desire_value: '3' });
      expect((await inject(post(ndjson([executing])))).json()).toMatchObject({ inserted: 1 });
      expect((await inject(post(ndjson([settled])))).json()).toMatchObject({
        inserted: 0,
        updated: 1,
        unchanged: 0,
      });
      // A stale EXECUTING copy arriving late does not undo the outcome.
      expect((await inject(post(ndjson([executing])))).json()).toMatchObject({
        inserted: 0,
        updated: 0,
      });
      const page = await getPage(inject, logsPath());
      expect(page.total_number).toBe(1);
      expect(page.scaling_policy_execute_log[0]).toMatchObject({
        status: 'SUCCESS',
        desire_value: '3',
      });
    });

    it('aborts on a bad line by default: 400 AS.0022 naming the line and the fault, nothing written', async () => {
      const { inject } = await openTestApi(backend);
      const body = [
        JSON.stringify(threeLogs[0]),
        JSON.stringify(wireLog(2, { status: 'DONE' })),
        JSON.stringify(threeLogs[2]),
      ].join('\n');
      const res = await inject(post(body));
      const message = expectAsError(res, 400, 'AS.0022');
      expect(message).toContain('line 2');
      expect(message).toContain('status');
      expect(message).toContain('Nothing was imported');
      // The good first line was not kept: the policy is still unknown.
      expectAsError(await inject({ method: 'GET', url: logsPath() }), 404, 'AS.3020');
    });

    it('with skip_invalid=true imports the good lines and reports the bad ones', async () => {
      const { inject } = await openTestApi(backend);
      const body = [
        JSON.stringify(threeLogs[0]),
        '{not json',
        '',
        JSON.stringify(threeLogs[1]),
        JSON.stringify(wireLog(4, { limit_value: [] })),
      ].join('\n');
      const res = await inject(post(body, 'application/x-ndjson', '?skip_invalid=true'));
      expect(res.statusCode, res.body).toBe(200);
      const report = res.json<{ skipped: { line: number; message: string }[] }>();
      expect(report).toMatchObject({
        lines: 4,
        inserted: 2,
        updated: 0,
        unchanged: 0,
        skipped_count: 2,
      });
      expect(report.skipped.map((s) => s.line)).toEqual([2, 5]);
      expect(report.skipped[0]?.message).toContain('JSON');
      expect(report.skipped[1]?.message).toContain('limit_value');
      expect(pageIds(await getPage(inject, logsPath()))).toEqual([uuid(2), uuid(1)]);
    });

    it('refuses a log of another project: 400 by default, skipped with skip_invalid', async () => {
      const { inject } = await openTestApi(backend);
      const foreign = wireLog(5, { tenant_id: 'another-project' });
      const strict = await inject(post(ndjson([threeLogs[0] as WireLogInput, foreign])));
      const message = expectAsError(strict, 400, 'AS.0022');
      expect(message).toContain('line 2');
      expect(message).toContain('tenant_id');
      expectAsError(
        await inject({ method: 'GET', url: logsPath('another-project') }),
        404,
        'AS.3020',
      );

      const lenient = await inject(
        post(
          ndjson([threeLogs[0] as WireLogInput, foreign]),
          'application/x-ndjson',
          '?skip_invalid=true',
        ),
      );
      expect(lenient.json()).toMatchObject({
        inserted: 1,
        skipped_count: 1,
        skipped: [{ line: 2 }],
      });
      expectAsError(
        await inject({ method: 'GET', url: logsPath('another-project') }),
        404,
        'AS.3020',
      );
    });

    it('takes application/json holding one log object, however it is laid out, or NDJSON lines', async () => {
      const { inject } = await openTestApi(backend);
      const single = await inject(post(JSON.stringify(threeLogs[0], null, 2), 'application/json'));
      expect(single.json()).toStrictEqual({
        lines: 1,
        inserted: 1,
        updated: 0,
        unchanged: 0,
        skipped_count: 0,
        skipped: [],
      });
      const lines = await inject(post(ndjson(threeLogs), 'application/json; charset=utf-8'));
      expect(lines.json()).toMatchObject({ lines: 3, inserted: 2, unchanged: 1 });
      expect((await getPage(inject, logsPath())).total_number).toBe(3);
    });

    it('answers 400 AS.0022 for a bad skip_invalid or project id', async () => {
      const { inject } = await openTestApi(backend);
      expect(
        expectAsError(
          await inject(post(ndjson(threeLogs), 'application/x-ndjson', '?skip_invalid=yes')),
          400,
          'AS.0022',
        ),
      ).toContain('skip_invalid');
      expect(
        expectAsError(
          await inject(
            post(ndjson(threeLogs), 'application/x-ndjson', '?skip_invalid=true&skip_invalid=true'),
          ),
          400,
          'AS.0022',
        ),
      ).toContain('skip_invalid');
      expect(
        expectAsError(
          await inject(post(ndjson(threeLogs), 'application/x-ndjson', '', 'bad.project')),
          400,
          'AS.0022',
        ),
      ).toContain('project id');
    });
  });
}
