import { createHash } from 'node:crypto';
import type { Writable } from 'node:stream';
import type { CompiledQuery } from 'kysely';
import pg from 'pg';
import { logColumns, readNdjsonBatches, wireToColumns } from './driver-floor.js';
import type { ColumnValue, DriverFloor } from './driver-floor.js';

/** Rows per INSERT statement: 16 columns x 1000 rows stays within the 65535 parameters. */
const insertRows = 1000;
/** Rows per FETCH from the export cursor. */
const fetchRows = 5000;

const int8AsNumber = new pg.TypeOverrides();
int8AsNumber.setTypeParser(pg.types.builtins.INT8, Number);

function multiRowInsert(rows: number): string {
  const values: string[] = [];
  for (let r = 0; r < rows; r += 1) {
    const base = r * logColumns.length;
    values.push(`(${logColumns.map((_, c) => `$${base + c + 1}`).join(', ')})`);
  }
  return `insert into execution_logs (${logColumns.join(', ')}) values ${values.join(', ')}`;
}

/**
 * The PostgreSQL floor: one pg client, named (prepared once, then bind and execute)
 * statements. Inserts go in multi-row statements of 1000 rows, the fastest plain INSERT
 * loop on pg (one row per round trip would be a far lower floor); export reads through a
 * server-side cursor.
 */
export async function openPostgresFloor(url: string): Promise<DriverFloor> {
  const client = new pg.Client({ connectionString: url, types: int8AsNumber });
  await client.connect();
  const nameOf = (sql: string): string =>
    `floor_${createHash('sha1').update(sql).digest('hex').slice(0, 24)}`;

  return {
    backend: 'postgres',

    async insertFile(file: string): Promise<number> {
      const now = Date.now();
      let rows = 0;
      await client.query('begin');
      try {
        for await (const batch of readNdjsonBatches(file, insertRows)) {
          const text = multiRowInsert(batch.length);
          const values: ColumnValue[] = [];
          for (const w of batch) values.push(...wireToColumns(w, now));
          await client.query({ name: nameOf(text), text, values });
          rows += batch.length;
        }
        await client.query('commit');
      } catch (e: unknown) {
        await client.query('rollback').catch(() => undefined);
        throw e;
      }
      return rows;
    },

    async readAll(sink: Writable): Promise<number> {
      let rows = 0;
      await client.query('begin');
      try {
        await client.query(
          'declare floor_export no scroll cursor for select * from execution_logs order by project_id, policy_id, execute_time, id',
        );
        for (;;) {
          const result = await client.query(`fetch ${fetchRows} from floor_export`);
          for (const row of result.rows) {
            if (!sink.write(`${JSON.stringify(row)}\n`)) {
              await new Promise<void>((resolve) => sink.once('drain', resolve));
            }
          }
          rows += result.rows.length;
          if (result.rows.length < fetchRows) break;
        }
        await client.query('commit');
      } catch (e: unknown) {
        await client.query('rollback').catch(() => undefined);
        throw e;
      }
      return rows;
    },

    async run(query: CompiledQuery): Promise<unknown[]> {
      const result = await client.query({
        name: nameOf(query.sql),
        text: query.sql,
        values: query.parameters as unknown[],
      });
      return result.rows as unknown[];
    },

    async explain(query: CompiledQuery): Promise<string[]> {
      const result = await client.query<{ 'QUERY PLAN': string }>({
        text: `explain (analyze, buffers) ${query.sql}`,
        values: query.parameters as unknown[],
      });
      return result.rows.map((r) => r['QUERY PLAN']);
    },

    async analyze(): Promise<void> {
      await client.query('vacuum analyze execution_logs, policy_log_counts');
    },

    async version(): Promise<string> {
      const result = await client.query<{ server_version: string }>('show server_version');
      return `PostgreSQL ${result.rows[0]?.server_version ?? '?'}`;
    },

    async close(): Promise<void> {
      await client.end();
    },
  };
}
