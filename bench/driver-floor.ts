import { createReadStream } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import type { Writable } from 'node:stream';
import type { CompiledQuery } from 'kysely';
import { parseWireTime } from '../src/domain/wire-time.js';
import type { BenchStore } from './bench-options.js';

/**
 * What the machine can do at best, on the driver itself (better-sqlite3, pg) with no
 * Scalelog code in between: the floors the bench's ratios are measured against. Each runs
 * on a database whose schema and indexes a Scalelog store created (see bench-database.ts).
 */
export interface DriverFloor {
  readonly backend: BenchStore;
  /**
   * Reads an NDJSON file and inserts every line as a row of `execution_logs` with a plain
   * prepared INSERT, all in one transaction. Parses each line with JSON.parse and maps it to
   * the columns, without validation, deduplication or `policy_log_counts` upkeep.
   */
  insertFile(path: string): Promise<number>;
  /** Reads every row of `execution_logs` in the export's order, one JSON line each to `sink`. */
  readAll(sink: Writable): Promise<number>;
  /** Runs a compiled statement as a prepared statement and returns its rows. */
  run(query: CompiledQuery): Promise<unknown[]>;
  /** The plan of a compiled statement: EXPLAIN QUERY PLAN, or EXPLAIN (ANALYZE, BUFFERS). */
  explain(query: CompiledQuery): Promise<string[]>;
  /**
   * Brings the planner's statistics (and on PostgreSQL the visibility map) up to date, as
   * autovacuum eventually would: `ANALYZE` / `VACUUM ANALYZE`.
   */
  analyze(): Promise<void>;
  /** The database engine's version. */
  version(): Promise<string>;
  close(): Promise<void>;
}

/** The columns of `execution_logs`, in the order the floors bind them. */
export const logColumns = [
  'id',
  'project_id',
  'policy_id',
  'status',
  'failed_reason',
  'execute_type',
  'execute_time',
  'resource_type',
  'resource_id',
  'old_value',
  'desire_value',
  'limit_value',
  'operation',
  'job_records',
  'meta_data',
  'recorded_at',
] as const;

export type ColumnValue = string | number | null;

type Wire = Record<string, unknown>;

const text = (v: unknown): string | null => (typeof v === 'string' ? v : null);

/**
 * The column values the store writes for one wire log, computed the cheapest way: the
 * same bytes in every column (job records as the store keeps them, camelCase), no checks.
 */
export function wireToColumns(w: Wire, recordedAt: number): ColumnValue[] {
  const records = (w.job_records as Wire[] | undefined) ?? [];
  const jobRecords = records.map((r) => {
    const o: Record<string, unknown> = {};
    if (r.job_name !== undefined) o.jobName = r.job_name;
    if (r.record_type !== undefined) o.recordType = r.record_type;
    if (r.record_time !== undefined) o.recordTime = r.record_time;
    if (r.request !== undefined) o.request = r.request;
    if (r.response !== undefined) o.response = r.response;
    if (r.code !== undefined) o.code = r.code;
    if (r.message !== undefined) o.message = r.message;
    if (r.job_status !== undefined) o.jobStatus = r.job_status;
    return o;
  });
  const executeType = w.execute_type === 'SCHEDULE' ? 'SCHEDULED' : text(w.execute_type);
  return [
    text(w.id),
    text(w.tenant_id),
    text(w.scaling_policy_id),
    text(w.status),
    text(w.failed_reason),
    executeType,
    parseWireTime(String(w.execute_time)) ?? 0,
    text(w.scaling_resource_type),
    text(w.scaling_resource_id),
    text(w.old_value),
    text(w.desire_value),
    text(w.limit_value),
    text(w.type),
    JSON.stringify(jobRecords),
    w.meta_data === undefined ? null : JSON.stringify(w.meta_data),
    recordedAt,
  ];
}

/** The non-blank lines of an NDJSON file, parsed, in batches of `batch`. */
export async function* readNdjsonBatches(path: string, batch: number): AsyncGenerator<Wire[]> {
  const decoder = new StringDecoder('utf8');
  let carry = '';
  let out: Wire[] = [];
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
    const textChunk = carry + decoder.write(chunk as Buffer);
    const lines = textChunk.split('\n');
    carry = lines.pop() ?? '';
    for (const line of lines) {
      if (line.trim() === '') continue;
      out.push(JSON.parse(line) as Wire);
      if (out.length >= batch) {
        yield out;
        out = [];
      }
    }
  }
  const last = carry + decoder.end();
  if (last.trim() !== '') out.push(JSON.parse(last) as Wire);
  if (out.length > 0) yield out;
}

/** Lines per second of reading and parsing a file alone: what no import can beat. */
export async function parseOnlyRate(path: string): Promise<number> {
  const t0 = performance.now();
  let n = 0;
  for await (const batch of readNdjsonBatches(path, 1000)) {
    for (const w of batch) wireToColumns(w, 0);
    n += batch.length;
  }
  return n / ((performance.now() - t0) / 1000);
}
