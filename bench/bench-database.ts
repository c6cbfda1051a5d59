import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import type { BenchStore } from './bench-options.js';
import type { DriverFloor } from './driver-floor.js';
import { openPostgresFloor } from './postgres-floor.js';
import { openSqliteFloor } from './sqlite-floor.js';

/**
 * The databases one store's run uses: the store measured, the floor's, the import-memory
 * runs', and the HTTP ingest's (the server's, and the import it is compared with).
 */
export type DatabaseRole = 'main' | 'floor' | 'memory' | 'ingest' | 'ingest_import' | 'activities';

/**
 * One bench database: created empty, reachable as a Scalelog store URL and by the driver,
 * dropped at the end. SQLite: a file under the bench's scratch folder. PostgreSQL: a
 * database `scalelog_bench[_role]` on the server, created and dropped by the bench.
 */
export interface BenchDatabase {
  readonly store: BenchStore;
  readonly role: DatabaseRole;
  /** The URL `openStore` and `bin/scalelog --db` take. */
  readonly url: string;
  /** Drops whatever is there and leaves an empty database (no schema yet). */
  recreate(): Promise<void>;
  drop(): Promise<void>;
  /** The driver on this database; its schema must exist (open a store on it first). */
  openFloor(): Promise<DriverFloor>;
}

const pgName = (role: DatabaseRole): string =>
  role === 'main' ? 'scalelog_bench' : `scalelog_bench_${role}`;

function withDatabase(serverUrl: string, database: string): string {
  const u = new URL(serverUrl);
  u.pathname = `/${database}`;
  return u.toString();
}

async function admin<T>(serverUrl: string, work: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export function benchDatabase(
  store: BenchStore,
  role: DatabaseRole,
  where: { readonly scratchDir: string; readonly postgresUrl: string },
): BenchDatabase {
  if (store === 'sqlite') {
    const dir = join(where.scratchDir, 'sqlite');
    const path = join(dir, `${role}.db`);
    const removeFiles = async (): Promise<void> => {
      for (const suffix of ['', '-wal', '-shm', '-journal'])
        await rm(`${path}${suffix}`, { force: true });
    };
    return {
      store,
      role,
      url: `sqlite:${path}`,
      async recreate() {
        await mkdir(dir, { recursive: true });
        await removeFiles();
      },
      drop: removeFiles,
      openFloor: () => Promise.resolve(openSqliteFloor(path)),
    };
  }
  const name = pgName(role);
  return {
    store,
    role,
    url: withDatabase(where.postgresUrl, name),
    async recreate() {
      await admin(where.postgresUrl, async (c) => {
        await c.query(`drop database if exists ${name} with (force)`);
        await c.query(`create database ${name}`);
      });
    },
    async drop() {
      await admin(where.postgresUrl, async (c) => {
        await c.query(`drop database if exists ${name} with (force)`);
      });
    },
    openFloor: () => openPostgresFloor(withDatabase(where.postgresUrl, name)),
  };
}

/** Whether the PostgreSQL server answers; the message says why not. */
export async function postgresReachable(serverUrl: string): Promise<true | string> {
  try {
    await admin(serverUrl, (c) => c.query('select 1'));
    return true;
  } catch (e: unknown) {
    return e instanceof Error ? e.message : String(e);
  }
}
