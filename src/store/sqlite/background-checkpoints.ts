import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type BetterSqlite3 from 'better-sqlite3';

/** How often the checkpointer copies committed pages from the WAL into the database file. */
export const checkpointIntervalMs = 250;

/** SQLite's own default, restored on the writing connection when the checkpointer stops. */
const defaultAutoCheckpointPages = 1000;

/**
 * The checkpointer's code: plain JavaScript, evaluated as a worker, so it runs the same from
 * the compiled program and from sources. It opens its own connection (which never waits for
 * a lock) and runs a PASSIVE checkpoint on a timer: one that never blocks or waits for a
 * reader or a writer, and copies what it can. A checkpoint that fails (busy, or the file
 * gone) is tried again at the next tick.
 */
const checkpointerSource = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path, { timeout: 0, fileMustExist: true });
const timer = setInterval(() => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch {
    // Busy or gone: the next tick tries again.
  }
}, workerData.intervalMs);
parentPort.postMessage('ready');
parentPort.on('message', () => {
  clearInterval(timer);
  try {
    db.close();
  } catch {
    // Closing is best effort: the process may be stopping.
  }
  parentPort.close();
});
`;

/**
 * Moves WAL checkpoints off the event loop. Left to itself SQLite checkpoints inside the
 * commit that takes the WAL past 1000 pages: copying those pages into the database file and
 * syncing it, synchronously on the thread that committed (measured: half of a 10 MB ingest's
 * 50 ms commit). Here the writing connection stops checkpointing (`wal_autocheckpoint = 0`)
 * and a worker thread with its own connection checkpoints instead, every
 * {@link checkpointIntervalMs}. If the worker cannot start or stops, the writing connection
 * checkpoints itself again, as before: the WAL never grows without bound.
 *
 * Returns the function that stops the worker (waiting for its connection to close).
 */
export async function checkpointInBackground(
  database: BetterSqlite3.Database,
  path: string,
): Promise<() => Promise<void>> {
  const restore = (): void => {
    if (database.open)
      database.pragma(`wal_autocheckpoint = ${String(defaultAutoCheckpointPages)}`);
  };
  const worker = new Worker(checkpointerSource, {
    eval: true,
    workerData: {
      driver: createRequire(import.meta.url).resolve('better-sqlite3'),
      path,
      intervalMs: checkpointIntervalMs,
    },
  });
  let stopping = false;
  const exited = new Promise<void>((resolve) => {
    worker.once('exit', () => {
      if (!stopping) restore();
      resolve();
    });
  });
  const started = await new Promise<boolean>((resolve) => {
    worker.once('message', () => {
      resolve(true);
    });
    worker.once('error', () => {
      resolve(false);
    });
    worker.once('exit', () => {
      resolve(false);
    });
  });
  // After it started, an error ends the worker ('exit' follows and restores checkpoints).
  worker.on('error', () => undefined);
  if (!started) {
    restore();
    return () => Promise.resolve();
  }
  database.pragma('wal_autocheckpoint = 0');
  // Referenced while it starts (it is awaited), then never what keeps a process alive: a CLI
  // command ends when its work does.
  worker.unref();
  return async () => {
    stopping = true;
    // Held while it stops: an unreferenced worker alone would let the process end here,
    // in the middle of the caller's close.
    worker.ref();
    worker.postMessage('stop');
    await exited;
    restore();
  };
}
