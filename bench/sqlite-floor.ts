import BetterSqlite3 from 'better-sqlite3';
import type { Writable } from 'node:stream';
import type { CompiledQuery } from 'kysely';
import { logColumns, readNdjsonBatches, wireToColumns } from './driver-floor.js';
import type { DriverFloor } from './driver-floor.js';

/**
 * The SQLite floor: better-sqlite3 on the store's file, with the store's durability
 * settings (WAL, synchronous = FULL), one prepared statement per shape.
 */
export function openSqliteFloor(path: string): DriverFloor {
  const db = new BetterSqlite3(path);
  db.pragma('busy_timeout = 5000');
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  const statements = new Map<string, BetterSqlite3.Statement>();
  const prepared = (sql: string): BetterSqlite3.Statement => {
    let s = statements.get(sql);
    if (s === undefined) {
      s = db.prepare(sql);
      statements.set(sql, s);
    }
    return s;
  };

  return {
    backend: 'sqlite',

    async insertFile(file: string): Promise<number> {
      const insert = prepared(
        `insert into execution_logs (${logColumns.join(', ')}) values (${logColumns.map(() => '?').join(', ')})`,
      );
      const now = Date.now();
      let rows = 0;
      db.exec('begin immediate');
      try {
        for await (const batch of readNdjsonBatches(file, 1000)) {
          for (const w of batch) insert.run(wireToColumns(w, now));
          rows += batch.length;
        }
        db.exec('commit');
      } catch (e: unknown) {
        db.exec('rollback');
        throw e;
      }
      return rows;
    },

    async readAll(sink: Writable): Promise<number> {
      const select = prepared(
        'select * from execution_logs order by project_id, policy_id, execute_time, id',
      );
      let rows = 0;
      for (const row of select.iterate()) {
        rows += 1;
        if (!sink.write(`${JSON.stringify(row)}\n`)) {
          await new Promise<void>((resolve) => sink.once('drain', resolve));
        }
      }
      return rows;
    },

    run(query: CompiledQuery): Promise<unknown[]> {
      return Promise.resolve(prepared(query.sql).all(...(query.parameters as unknown[])));
    },

    explain(query: CompiledQuery): Promise<string[]> {
      const rows = db
        .prepare(`explain query plan ${query.sql}`)
        .all(...(query.parameters as unknown[])) as { detail: string }[];
      return Promise.resolve(rows.map((r) => r.detail));
    },

    analyze(): Promise<void> {
      db.exec('analyze');
      return Promise.resolve();
    },

    version(): Promise<string> {
      const row = db.prepare('select sqlite_version() as v').get() as { v: string };
      return Promise.resolve(`SQLite ${row.v} (better-sqlite3)`);
    },

    close(): Promise<void> {
      db.close();
      return Promise.resolve();
    },
  };
}
