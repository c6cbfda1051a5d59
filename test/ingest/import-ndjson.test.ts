import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { WireLog } from '../../src/log-format/log-wire.js';
import type { ExecutionLog } from '../../src/domain/execution-log.js';
import type { LogQuery } from '../../src/domain/log-query.js';
import {
  ImportAbortedError,
  importNdjson,
  maxLineBytes,
  maxSkippedDetails,
} from '../../src/ingest/import-ndjson.js';
import type { ImportOptions, ImportReport } from '../../src/ingest/import-ndjson.js';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/store.js';
import { testBackends } from '../support/backends.js';

const project = '0428982a1b8039f42f01c005edde7c0d';
const otherProject = '1528982a1b8039f42f01c005edde7c0e';
const policy = '05545d3d-ccf9-4bca-ae4f-1e5e73ca0bf6';
const groupId = '1f2d3e73-7ef6-40b3-a8fa-514b68eccaa7';

let seq = 0;
/** A valid wire log with a fresh id; ids sort in creation order. */
function wireLog(overrides: Partial<WireLog> = {}): WireLog {
  seq += 1;
  return {
    id: `${seq.toString(16).padStart(8, '0')}-30cb-4b1e-a332-83f9ee472c58`,
    status: 'SUCCESS',
    type: 'REMOVE',
    tenant_id: project,
    scaling_resource_type: 'SCALING_GROUP',
    scaling_resource_id: groupId,
    scaling_policy_id: policy,
    old_value: '1',
    desire_value: '0',
    limit_value: '0',
    execute_time: '2019-03-18T16:00:00Z',
    execute_type: 'RECURRENCE',
    job_records: [
      {
        message: 'modify desire number of scaling group',
        job_name: 'ADJUST_VM_NUMBERS',
        record_type: 'MEG',
        record_time: '2019-03-18T16:00:00Z',
        job_status: 'SUCCESS',
      },
    ],
    ...overrides,
  };
}

const line = (log: WireLog): string => JSON.stringify(log);
const ndjson = (logs: readonly WireLog[]): string => logs.map((l) => `${line(l)}\n`).join('');

/** Feeds the parts as Buffers, one chunk each, asynchronously like a real stream. */
async function* chunks(...parts: readonly (string | Buffer)[]): AsyncGenerator<Buffer> {
  for (const part of parts) {
    await Promise.resolve();
    yield typeof part === 'string' ? Buffer.from(part, 'utf8') : part;
  }
}

/** Splits bytes into chunks of `size` bytes, regardless of line or character boundaries. */
function splitEvery(bytes: Buffer, size: number): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) out.push(Buffer.from(bytes.subarray(i, i + size)));
  return out;
}

const q = (overrides: Partial<LogQuery> = {}): LogQuery => ({
  projectId: project,
  policyId: policy,
  startNumber: 0,
  limit: 100,
  ...overrides,
});

const strict: ImportOptions = { skipInvalid: false };
const lenient: ImportOptions = { skipInvalid: true };

for (const backend of testBackends) {
  describe.skipIf(!backend.available)(`importNdjson: ${backend.name}`, () => {
    let store: Store;
    let cleanup: () => Promise<void>;

    beforeEach(async () => {
      const fresh = await backend.fresh();
      cleanup = fresh.cleanup;
      store = await openStore(fresh.url, { queryTimeoutMs: 10_000 });
    });
    afterEach(async () => {
      try {
        await store.close();
      } finally {
        await cleanup();
      }
    });

    const run = (input: AsyncIterable<Buffer | string>, options: ImportOptions = strict) =>
      importNdjson(store, input, options);

    async function storedIds(query: Partial<LogQuery> = {}): Promise<string[] | undefined> {
      const page = await store.queryLogs(q(query));
      return page?.logs.map((l) => l.id).sort();
    }

    async function exported(): Promise<ExecutionLog[]> {
      const out: ExecutionLog[] = [];
      for await (const log of store.exportLogs({})) out.push(log);
      return out;
    }

    async function expectAborted(
      promise: Promise<ImportReport>,
      lineNumber: number,
      reason: RegExp,
    ): Promise<ImportAbortedError> {
      const error: unknown = await promise.then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(ImportAbortedError);
      const aborted = error as ImportAbortedError;
      expect(aborted.line).toBe(lineNumber);
      expect(aborted.reason).toMatch(reason);
      expect(aborted.message).toContain(`line ${lineNumber}`);
      return aborted;
    }

    it('imports every field of the documented log, exactly', async () => {
      const log = wireLog({
        status: 'FAIL',
        failed_reason: 'no quota',
        meta_data: { metadataeip_address: '192.0.2.1', __proto__x: 'y' },
      });
      const report = await run(chunks(ndjson([log])));
      expect(report).toEqual({
        lines: 1,
        inserted: 1,
        updated: 0,
        unchanged: 0,
        skippedCount: 0,
        skipped: [],
      });
      const page = await store.queryLogs(q());
      expect(page?.totalNumber).toBe(1);
      expect(page?.logs[0]).toMatchObject({
        id: log.id,
        projectId: project,
        status: 'FAIL',
        failedReason: 'no quota',
        metaData: { metadataeip_address: '192.0.2.1', __proto__x: 'y' },
        executeTime: 1_552_924_800,
      });
    });

    it('accepts CRLF endings, blank lines, a UTF-8 BOM and a last line without newline', async () => {
      const [a, b, c] = [wireLog(), wireLog(), wireLog()] as [WireLog, WireLog, WireLog];
      const text = `\uFEFF${line(a)}\r\n\r\n   \r\n${line(b)}\n\n\t\n${line(c)}`;
      const report = await run(chunks(text));
      expect(report).toMatchObject({ lines: 3, inserted: 3, skippedCount: 0 });
      expect(await storedIds()).toEqual([a.id, b.id, c.id].sort());
    });

    it('accepts a BOM even when it is split between chunks', async () => {
      const a = wireLog();
      const bytes = Buffer.from(`\uFEFF${line(a)}\n`, 'utf8');
      const report = await run(
        chunks(bytes.subarray(0, 1), bytes.subarray(1, 2), bytes.subarray(2)),
      );
      expect(report).toMatchObject({ lines: 1, inserted: 1 });
      expect(await storedIds()).toEqual([a.id]);
    });

    it('counts blank lines in line numbers, so a reported line is the one in the file', async () => {
      const text = `\n${line(wireLog())}\r\n\r\n{"oops"\n${line(wireLog())}\n`;
      await expectAborted(run(chunks(text)), 4, /not valid JSON/);
    });

    it('puts lines split across arbitrary chunk boundaries back together', async () => {
      for (const size of [1, 2, 3, 5, 7, 64, 333]) {
        // Each chunk size imports into its own project of the same store.
        const tenant = `proj-chunks-${size}`;
        // A multibyte character in every log, so some boundaries fall inside one; every
        // other line ends in CRLF.
        const logs = Array.from({ length: 12 }, (_, i) =>
          wireLog({
            tenant_id: tenant,
            status: 'FAIL',
            failed_reason: `échec ✓ 𝄞 ${'é'.repeat(i)}`,
          }),
        );
        const text = logs.map((l, i) => `${line(l)}${i % 2 === 0 ? '\r\n' : '\n'}`).join('');
        const report = await run(chunks(...splitEvery(Buffer.from(text, 'utf8'), size)));
        expect(report, `chunks of ${size} bytes`).toMatchObject({ lines: 12, inserted: 12 });
        const page = await store.queryLogs(q({ projectId: tenant }));
        expect(page?.logs.map((l) => [l.id, l.failedReason]).sort()).toEqual(
          logs.map((l) => [l.id, l.failed_reason]).sort(),
        );
      }
    });

    it('decodes a multibyte UTF-8 character split between two chunks', async () => {
      const log = wireLog({ status: 'FAIL', failed_reason: '€ 💥' });
      const bytes = Buffer.from(`${line(log)}\n`, 'utf8');
      const euro = bytes.indexOf(Buffer.from('€', 'utf8'));
      const bang = bytes.indexOf(Buffer.from('💥', 'utf8'));
      expect(euro).toBeGreaterThan(0);
      // Cut inside the 3-byte euro sign and inside the 4-byte emoji.
      await run(
        chunks(
          bytes.subarray(0, euro + 1),
          bytes.subarray(euro + 1, bang + 2),
          bytes.subarray(bang + 2, bang + 3),
          bytes.subarray(bang + 3),
        ),
      );
      expect((await store.queryLogs(q()))?.logs[0]?.failedReason).toBe('€ 💥');
    });

    it('accepts string chunks as well as Buffers', async () => {
      const a = wireLog();
      const text = ndjson([a]);
      await run(
        (async function* () {
          await Promise.resolve();
          yield text.slice(0, 10);
          yield text.slice(10);
        })(),
      );
      expect(await storedIds()).toEqual([a.id]);
    });

    it('imports nothing from an empty input or one of blank lines only', async () => {
      expect(await run(chunks())).toEqual({
        lines: 0,
        inserted: 0,
        updated: 0,
        unchanged: 0,
        skippedCount: 0,
        skipped: [],
      });
      expect(await run(chunks('\n\r\n  \n'))).toMatchObject({ lines: 0, inserted: 0 });
      expect(await exported()).toEqual([]);
    });

    describe('a line longer than maxLineBytes', () => {
      const long = 'x'.repeat(maxLineBytes + 1);

      it('strict: aborts with its line number, in one chunk or spread over many', async () => {
        const text = `${ndjson([wireLog()])}${long}\n${ndjson([wireLog()])}`;
        await expectAborted(run(chunks(text)), 2, /longer than/);
        await expectAborted(run(chunks(...splitEvery(Buffer.from(text), 4096))), 2, /longer than/);
        expect(await exported()).toEqual([]);
      });

      it('skipInvalid: skipped with its line number, and the lines after it imported', async () => {
        for (const size of [Number.MAX_SAFE_INTEGER, 65_536, 1_000_003]) {
          const tenant = `proj-long-${Math.min(size, 9_999_999)}`;
          const before = wireLog({ tenant_id: tenant });
          const after = [wireLog({ tenant_id: tenant }), wireLog({ tenant_id: tenant })];
          const text = `${ndjson([before])}\n${long}\r\n${ndjson(after)}`;
          const report = await run(chunks(...splitEvery(Buffer.from(text), size)), lenient);
          expect(report, `chunks of ${size} bytes`).toMatchObject({
            lines: 4,
            inserted: 3,
            skippedCount: 1,
            skipped: [{ line: 3, message: expect.stringContaining(`${maxLineBytes}`) as string }],
          });
          const page = await store.queryLogs(q({ projectId: tenant }));
          expect(page?.logs.map((l) => l.id).sort()).toEqual(
            [before.id, ...after.map((l) => l.id)].sort(),
          );
        }
      });

      it('skipInvalid: a long last line without newline is skipped too', async () => {
        const a = wireLog();
        const report = await run(chunks(ndjson([a]), long.slice(0, 100), long.slice(100)), lenient);
        expect(report).toMatchObject({
          lines: 2,
          inserted: 1,
          skippedCount: 1,
          skipped: [{ line: 2 }],
        });
      });

      it('accepts a line of exactly maxLineBytes', async () => {
        const base = wireLog({ meta_data: {} });
        const baseLength = Buffer.byteLength(line(base));
        const meta: Record<string, string> = {};
        let length = baseLength;
        for (let i = 0; length < maxLineBytes; i += 1) {
          // Each entry adds `"kNN":"value",` (the first has no comma).
          const key = `k${i.toString().padStart(2, '0')}`;
          const overhead = key.length + 5 + (i === 0 ? 0 : 1);
          const room = Math.min(60_000, maxLineBytes - length - overhead);
          meta[key] = 'v'.repeat(Math.max(0, room));
          length += overhead + Math.max(0, room);
        }
        const big = line({ ...base, meta_data: meta });
        expect(Buffer.byteLength(big)).toBe(maxLineBytes);
        const report = await run(chunks(...splitEvery(Buffer.from(`${big}\n`), 100_000)));
        expect(report).toMatchObject({ lines: 1, inserted: 1 });
      });
    });

    describe('strict mode (the default)', () => {
      it('aborts at a bad line in the middle, naming it, and writes nothing', async () => {
        const logs = Array.from({ length: 9 }, () => wireLog());
        const lines = logs.map(line);
        lines.splice(6, 0, line({ ...wireLog(), status: 'DONE' }));
        // batchSize 2: three batches were already written in the transaction.
        const error = await expectAborted(
          run(chunks(`${lines.join('\n')}\n`), { skipInvalid: false, batchSize: 2 }),
          7,
          /status/,
        );
        expect(error.message).toContain('DONE');
        expect(await store.queryLogs(q())).toBeUndefined();
        expect(await exported()).toEqual([]);
      });

      it('aborts at a bad line while the batch before it is still being written, and writes nothing', async () => {
        // The batch before the bad line updates a stored log (insert, read back, update):
        // several statements, still running when the bad line is parsed.
        const executing = wireLog({ status: 'EXECUTING', desire_value: '1' });
        await run(chunks(ndjson([executing])));
        const done = { ...executing, status: 'SUCCESS', desire_value: '3' };
        const fresh = Array.from({ length: 3 }, () => wireLog());
        const text = `${[line(done), ...fresh.map(line), '{"id": '].join('\n')}\n`;
        await expectAborted(
          run(chunks(text), { skipInvalid: false, batchSize: 4 }),
          5,
          /not valid JSON/,
        );
        const stored = await exported();
        expect(stored.map((l) => l.id)).toEqual([executing.id]);
        expect(stored[0]).toMatchObject({ status: 'EXECUTING', desireValue: '1' });
        expect((await store.queryLogs(q()))?.totalNumber).toBe(1);
      });

      it('aborts on invalid JSON and says so', async () => {
        await expectAborted(run(chunks(`${line(wireLog())}\n{"id": \n`)), 2, /not valid JSON/);
        expect(await exported()).toEqual([]);
      });

      it('aborts on a JSON value that is not a log', async () => {
        await expectAborted(run(chunks('[1,2]\n')), 1, /object/);
      });

      it('aborts on a store rejection (an id another project owns) with its line number', async () => {
        const owned = wireLog();
        await run(chunks(ndjson([owned])));
        const text = ndjson([wireLog(), wireLog(), { ...owned, tenant_id: otherProject }]);
        const error = await expectAborted(
          run(chunks(text), { skipInvalid: false, batchSize: 2 }),
          3,
          /already belongs/,
        );
        expect(error.reason).toContain(owned.id);
        expect(await storedIds()).toEqual([owned.id]);
        expect(await store.queryLogs(q({ projectId: otherProject }))).toBeUndefined();
      });

      it('aborts with the line number, not a driver error, on text the store cannot hold', async () => {
        // A NUL character and a lone surrogate are valid JSON escapes; PostgreSQL refuses
        // the first and both backends alter the second (see log-wire.test.ts).
        for (const bad of ['no\u0000quota', 'x\ud800y']) {
          const text = ndjson([
            wireLog(),
            wireLog({ status: 'FAIL', failed_reason: bad }),
            wireLog(),
          ]);
          const error = await expectAborted(run(chunks(text)), 2, /failed_reason/);
          expect(error).toBeInstanceOf(ImportAbortedError);
          expect(await exported()).toEqual([]);
        }
      });

      it('with projectId, aborts on a log of another tenant', async () => {
        const text = ndjson([wireLog(), wireLog({ tenant_id: otherProject })]);
        const error = await expectAborted(
          run(chunks(text), { skipInvalid: false, projectId: project }),
          2,
          /tenant_id/,
        );
        expect(error.reason).toContain(otherProject);
        expect(await exported()).toEqual([]);
      });
    });

    describe('skipInvalid', () => {
      it('imports the good lines and reports each bad one with its number and what was wrong', async () => {
        const good = [wireLog(), wireLog(), wireLog()];
        const text = [
          line(good[0] as WireLog),
          'not json',
          line({ ...wireLog(), execute_time: '2019-02-30T00:00:00Z' }),
          line(good[1] as WireLog),
          line({ ...wireLog(), surprise: true } as WireLog),
          '',
          line(good[2] as WireLog),
        ].join('\n');
        const report = await run(chunks(text), lenient);
        expect(report).toEqual({
          lines: 6,
          inserted: 3,
          updated: 0,
          unchanged: 0,
          skippedCount: 3,
          skipped: [
            { line: 2, message: expect.stringMatching(/not valid JSON/) as string },
            { line: 3, message: expect.stringContaining('execute_time') as string },
            { line: 5, message: expect.stringContaining('"surprise"') as string },
          ],
        });
        expect(await storedIds()).toEqual(good.map((l) => l.id).sort());
      });

      it('reports a store rejection with its line number and keeps the owner untouched', async () => {
        const owned = wireLog();
        await run(chunks(ndjson([owned])));
        const fresh = [wireLog(), wireLog()];
        const text = ndjson([
          fresh[0] as WireLog,
          { ...owned, scaling_policy_id: 'other-policy', status: 'FAIL' },
          fresh[1] as WireLog,
        ]);
        const report = await run(chunks(text), { skipInvalid: true, batchSize: 2 });
        expect(report).toMatchObject({
          lines: 3,
          inserted: 2,
          skippedCount: 1,
          skipped: [{ line: 2, message: expect.stringContaining(owned.id) as string }],
        });
        const page = await store.queryLogs(q({ logId: owned.id }));
        expect(page?.logs[0]?.status).toBe('SUCCESS');
        expect(await store.queryLogs(q({ policyId: 'other-policy' }))).toBeUndefined();
      });

      it('skips a line whose text the store cannot hold and imports the rest', async () => {
        const good = [wireLog(), wireLog()];
        const text = ndjson([
          good[0] as WireLog,
          wireLog({ status: 'FAIL', failed_reason: 'no\u0000quota' }),
          wireLog({ old_value: 'x\udc00' }),
          good[1] as WireLog,
        ]);
        const report = await run(chunks(text), lenient);
        expect(report).toMatchObject({ lines: 4, inserted: 2, skippedCount: 2 });
        expect(report.skipped.map((s) => s.line).sort()).toEqual([2, 3]);
        expect(await storedIds()).toEqual(good.map((l) => l.id).sort());
      });

      it('with projectId, skips the logs of other tenants', async () => {
        const mine = wireLog();
        const report = await run(chunks(ndjson([wireLog({ tenant_id: otherProject }), mine])), {
          skipInvalid: true,
          projectId: project,
        });
        expect(report).toMatchObject({ inserted: 1, skippedCount: 1, skipped: [{ line: 1 }] });
        expect(await store.queryLogs(q({ projectId: otherProject }))).toBeUndefined();
        expect(await storedIds()).toEqual([mine.id]);
      });

      it(`counts every skipped line but lists only the first ${maxSkippedDetails}`, async () => {
        const bad = maxSkippedDetails + 25;
        const good = wireLog();
        const text = `${'{bad}\n'.repeat(bad)}${line(good)}\n`;
        const report = await run(chunks(text), lenient);
        expect(report.skippedCount).toBe(bad);
        expect(report.skipped).toHaveLength(maxSkippedDetails);
        expect(report.skipped[0]?.line).toBe(1);
        expect(report.skipped.at(-1)?.line).toBe(maxSkippedDetails);
        expect(report).toMatchObject({ lines: bad + 1, inserted: 1 });
      });

      it('lists skipped lines in line order, store rejections included', async () => {
        const owned = wireLog();
        await run(chunks(ndjson([owned])));
        // Line 1 is refused by the store when its batch is written; lines 2 and 3 are refused
        // while reading, before that.
        const text = `${line({ ...owned, tenant_id: otherProject })}\n{bad}\n{bad}\n${line(wireLog())}\n`;
        const report = await run(chunks(text), lenient);
        expect(report.skipped.map((s) => s.line)).toEqual([1, 2, 3]);
      });

      it(`keeps the first ${maxSkippedDetails} lines when a store rejection comes before many bad lines`, async () => {
        const owned = wireLog();
        await run(chunks(ndjson([owned])));
        const text = `${line({ ...owned, tenant_id: otherProject })}\n${'{bad}\n'.repeat(maxSkippedDetails)}`;
        const report = await run(chunks(text), { skipInvalid: true, batchSize: 5_000 });
        expect(report.skippedCount).toBe(maxSkippedDetails + 1);
        expect(report.skipped).toHaveLength(maxSkippedDetails);
        // The store rejected line 1: it is among the first 1000 bad lines, so it is listed.
        expect(report.skipped[0]).toEqual({
          line: 1,
          message: expect.stringContaining(owned.id) as string,
        });
      });
    });

    describe('idempotency', () => {
      it('the same input twice changes nothing', async () => {
        const logs = Array.from({ length: 7 }, (_, i) =>
          wireLog({ execute_time: `2024-01-01T00:00:0${i}Z`, meta_data: { b: '1', a: '2' } }),
        );
        const text = ndjson(logs);
        expect(await run(chunks(text), { skipInvalid: false, batchSize: 3 })).toMatchObject({
          inserted: 7,
          updated: 0,
          unchanged: 0,
        });
        const before = await exported();
        expect(await run(chunks(text), { skipInvalid: false, batchSize: 3 })).toEqual({
          lines: 7,
          inserted: 0,
          updated: 0,
          unchanged: 7,
          skippedCount: 0,
          skipped: [],
        });
        expect(await exported()).toEqual(before);
        expect((await store.queryLogs(q()))?.totalNumber).toBe(7);
      });

      it('SCHEDULE and SCHEDULED spellings of one log are the same log', async () => {
        const log = wireLog({ execute_type: 'SCHEDULED' });
        await run(chunks(ndjson([log])));
        expect(await run(chunks(ndjson([{ ...log, execute_type: 'SCHEDULE' }])))).toMatchObject({
          unchanged: 1,
          updated: 0,
        });
      });

      it('an integer value and its string are the same log', async () => {
        const log = wireLog({ limit_value: '5' });
        await run(chunks(ndjson([log])));
        const asNumber = line(log).replace('"limit_value":"5"', '"limit_value":5');
        expect(asNumber).toContain('"limit_value":5');
        expect(await run(chunks(`${asNumber}\n`))).toMatchObject({ unchanged: 1, updated: 0 });
      });

      it('EXECUTING that became SUCCESS updates the log; a stale EXECUTING copy does not undo it', async () => {
        const executing = wireLog({ status: 'EXECUTING', desire_value: '1' });
        await run(chunks(ndjson([executing])));
        const done = { ...executing, status: 'SUCCESS', desire_value: '3' };
        expect(await run(chunks(ndjson([done])))).toMatchObject({
          inserted: 0,
          updated: 1,
          unchanged: 0,
        });
        expect(await run(chunks(ndjson([executing])))).toMatchObject({
          inserted: 0,
          updated: 0,
          unchanged: 1,
        });
        const page = await store.queryLogs(q());
        expect(page?.totalNumber).toBe(1);
        expect(page?.logs[0]).toMatchObject({ status: 'SUCCESS', desireValue: '3' });
      });

      it('applies both states of one log within one file, across batches', async () => {
        const executing = wireLog({ status: 'EXECUTING' });
        const failed = { ...executing, status: 'FAIL', failed_reason: 'cooldown' };
        const report = await run(chunks(ndjson([executing, wireLog(), failed])), {
          skipInvalid: false,
          batchSize: 1,
        });
        expect(report).toMatchObject({ lines: 3, inserted: 2, updated: 1, unchanged: 0 });
        const page = await store.queryLogs(q({ logId: executing.id }));
        expect(page?.logs[0]).toMatchObject({ status: 'FAIL', failedReason: 'cooldown' });
      });
    });

    describe('batches and progress', () => {
      it('imports more lines than one batch, all of them', async () => {
        const logs = Array.from({ length: 23 }, (_, i) =>
          wireLog({ execute_time: `2024-01-01T00:${String(i).padStart(2, '0')}:00Z` }),
        );
        const report = await run(chunks(ndjson(logs)), { skipInvalid: false, batchSize: 4 });
        expect(report).toMatchObject({ lines: 23, inserted: 23 });
        const page = await store.queryLogs(q());
        expect(page?.totalNumber).toBe(23);
        // Newest first.
        expect(page?.logs.map((l) => l.id)).toEqual(logs.map((l) => l.id).reverse());
      });

      it('reports progress after each batch with growing lines and bytes, ending at the total', async () => {
        const logs = Array.from({ length: 10 }, () => wireLog());
        const bytes = Buffer.from(ndjson(logs));
        const progress: { lines: number; bytes: number }[] = [];
        await run(chunks(...splitEvery(bytes, 50)), {
          skipInvalid: false,
          batchSize: 3,
          onProgress: (p) => progress.push({ ...p }),
        });
        expect(progress.length).toBeGreaterThanOrEqual(4);
        for (let i = 1; i < progress.length; i += 1) {
          const [prev, cur] = [progress[i - 1], progress[i]];
          expect(cur?.lines).toBeGreaterThanOrEqual(prev?.lines ?? Infinity);
          expect(cur?.bytes).toBeGreaterThanOrEqual(prev?.bytes ?? Infinity);
        }
        expect(progress[0]?.lines).toBe(3);
        expect(progress.at(-1)).toEqual({ lines: 10, bytes: bytes.length });
      });

      it('reports the whole input in its last progress, even when the last lines were skipped', async () => {
        const text = `${ndjson([wireLog(), wireLog()])}{bad}\n{bad}\n`;
        const progress: { lines: number; bytes: number }[] = [];
        await run(chunks(text), {
          skipInvalid: true,
          batchSize: 1,
          onProgress: (p) => progress.push({ ...p }),
        });
        expect(progress.at(-1)).toEqual({ lines: 4, bytes: Buffer.byteLength(text) });
      });
    });
  });
}
