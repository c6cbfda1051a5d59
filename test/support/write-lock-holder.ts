import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/**
 * The child: takes the write lock of the SQLite file (`begin immediate`, no waiting), writes
 * one row in it as an import would, says `locked`; on any line on stdin, when stdin closes,
 * or after `holdMs` (when above 0) it commits, says `released` and exits.
 */
const holderScript = `
const Database = require('better-sqlite3');
const [file, holdMs] = process.argv.slice(1);
const db = new Database(file, { timeout: 0 });
db.exec('begin immediate');
db.prepare('insert into store_settings (name, value) values (?, ?)').run('lock-holder-' + process.pid, 'held');
process.stdout.write('locked\\n');
let done = false;
const release = () => {
  if (done) return;
  done = true;
  db.exec('commit');
  db.close();
  process.stdout.write('released\\n', () => process.exit(0));
};
if (Number(holdMs) > 0) setTimeout(release, Number(holdMs));
process.stdin.on('data', release);
process.stdin.on('end', release);
`;

export interface WriteLockHolder {
  /** The holder's process id, to tell its row (`lock-holder-<pid>` in `store_settings`). */
  readonly pid: number;
  /** Resolves with `performance.now()` when the holder said it committed and let go. */
  readonly released: Promise<number>;
  /** Tells the holder to commit and let go now, and waits until it has exited. */
  release(): Promise<void>;
}

/**
 * Another process (a child `node` with better-sqlite3) that holds the write lock of the
 * SQLite database at `path`, as a running `scalelog import` does, until released or for
 * `holdMs`. Resolves once the lock is held.
 */
export async function holdWriteLockInChild(
  path: string,
  options: { readonly holdMs?: number } = {},
): Promise<WriteLockHolder> {
  const child = spawn(process.execPath, ['-e', holderScript, path, String(options.holdMs ?? 0)], {
    cwd: fileURLToPath(new URL('../..', import.meta.url)),
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const exited = once(child, 'exit');
  const lines = createInterface({ input: child.stdout });
  let onLocked: (() => void) | undefined;
  let onReleased: ((at: number) => void) | undefined;
  const locked = new Promise<void>((resolve) => (onLocked = resolve));
  const released = new Promise<number>((resolve) => (onReleased = resolve));
  lines.on('line', (line) => {
    if (line === 'locked') onLocked?.();
    if (line === 'released') onReleased?.(performance.now());
  });
  await Promise.race([
    locked,
    exited.then(([code]) => {
      throw new Error(`the lock holder exited (${String(code)}) before it held the lock`);
    }),
  ]);
  return {
    pid: child.pid ?? 0,
    released,
    release: async () => {
      if (child.exitCode === null) child.stdin.end('release\n');
      await exited;
    },
  };
}
