import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { readdir, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const scalelogBin = join(repoRoot, 'bin', 'scalelog');

async function newestMtime(path: string): Promise<number> {
  const info = await stat(path);
  if (!info.isDirectory()) return info.mtimeMs;
  let newest = 0;
  for (const entry of await readdir(path))
    newest = Math.max(newest, await newestMtime(join(path, entry)));
  return newest;
}

/**
 * The end-to-end tests run `bin/scalelog`, which runs the compiled `dist/`. `npm test`
 * builds first (the `pretest` script); run directly, vitest would test stale code, so
 * refuse loudly instead.
 */
export async function assertBuilt(): Promise<void> {
  const built = await stat(join(repoRoot, 'dist', 'main.js')).catch(() => undefined);
  const sources = await newestMtime(join(repoRoot, 'src'));
  if (built === undefined || built.mtimeMs < sources) {
    throw new Error(
      'dist/ is missing or older than src/: run `npm run build` first (`npm test` and `npm run check` do it).',
    );
  }
}

/** The secret key of children that run in the repository's directory; see {@link childEnv}. */
export const testSecretKey = randomBytes(32).toString('base64');

/**
 * The environment children run with: ours without any SCALELOG_* setting, plus `extra`.
 * A child that runs in the repository's directory gets {@link testSecretKey} unless `extra`
 * names a key: the default key file of a PostgreSQL store there (data/scalelog.key) is a
 * developer's, not a test's.
 */
function childEnv(extra: Readonly<Record<string, string>>, inRepo: boolean): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith('SCALELOG_')) env[key] = value;
  }
  const namesKey = 'SCALELOG_SECRET_KEY' in extra || 'SCALELOG_SECRET_KEY_FILE' in extra;
  return {
    ...env,
    ...(inRepo && !namesKey ? { SCALELOG_SECRET_KEY: testSecretKey } : {}),
    ...extra,
  };
}

export interface SpawnOptions {
  readonly cwd?: string;
  readonly env?: Readonly<Record<string, string>>;
}

export interface Finished {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** A running `bin/scalelog`, with its output collected as it comes. */
export class ScalelogProcess {
  readonly child: ChildProcessWithoutNullStreams;
  stdout = '';
  stderr = '';
  readonly exited: Promise<Finished>;

  constructor(args: readonly string[], options: SpawnOptions = {}) {
    // Run the bin file itself, as a user would: its shebang and executable bit are tested too.
    this.child = spawn(scalelogBin, args, {
      cwd: options.cwd ?? repoRoot,
      env: childEnv(options.env ?? {}, options.cwd === undefined || options.cwd === repoRoot),
    });
    this.child.stdout.on('data', (chunk: Buffer) => (this.stdout += chunk.toString()));
    this.child.stderr.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
    this.exited = new Promise((resolve, reject) => {
      this.child.on('error', reject);
      this.child.on('close', (code, signal) => {
        resolve({ code, signal, stdout: this.stdout, stderr: this.stderr });
      });
    });
  }

  /** Resolves with the first JSON log line on stdout that `test` accepts; rejects if the process ends first. */
  waitForLog(test: (log: Record<string, unknown>) => boolean): Promise<Record<string, unknown>> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        for (const line of this.stdout.split('\n')) {
          if (!line.startsWith('{')) continue;
          const log = JSON.parse(line) as Record<string, unknown>;
          if (test(log)) {
            this.child.stdout.off('data', check);
            resolve(log);
            return;
          }
        }
      };
      this.child.stdout.on('data', check);
      void this.exited.then((end) => {
        reject(
          new Error(
            `scalelog exited (${String(end.code)}) before logging what was awaited:\n${end.stderr}${end.stdout}`,
          ),
        );
      });
      check();
    });
  }

  /**
   * Resolves with everything written to stderr once it matches `pattern`; rejects if the
   * process ends first. stdout and stderr are separate pipes: a log line on stdout says
   * nothing about whether what was printed on stderr before it has arrived yet.
   */
  waitForStderr(pattern: RegExp): Promise<string> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        if (pattern.test(this.stderr)) {
          this.child.stderr.off('data', check);
          resolve(this.stderr);
        }
      };
      this.child.stderr.on('data', check);
      void this.exited.then((end) => {
        reject(
          new Error(
            `scalelog exited (${String(end.code)}) before printing ${String(pattern)}:\n${end.stderr}`,
          ),
        );
      });
      check();
    });
  }

  /** Stops the process if it is still running: for cleanup after a failed test. */
  kill(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
  }
}

/** Runs `bin/scalelog` to its end, feeding `stdin` if given. */
export async function runScalelog(
  args: readonly string[],
  options: SpawnOptions & { readonly stdin?: string } = {},
): Promise<Finished> {
  const scalelog = new ScalelogProcess(args, options);
  scalelog.child.stdin.end(options.stdin ?? '');
  return scalelog.exited;
}
