import BetterSqlite3 from 'better-sqlite3';

/**
 * Whether a connection (of this process or another) holds the write lock of the SQLite
 * database at `path`: an open write transaction, such as an import's.
 */
export function writeLockHeld(path: string): boolean {
  const probe = new BetterSqlite3(path, { timeout: 0 });
  try {
    probe.exec('begin immediate');
    probe.exec('rollback');
    return false;
  } catch (e: unknown) {
    if ((e as { code?: unknown }).code === 'SQLITE_BUSY') return true;
    throw e;
  } finally {
    probe.close();
  }
}
