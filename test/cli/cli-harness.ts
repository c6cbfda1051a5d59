import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { Readable, Writable } from 'node:stream';
import { buildApp } from '../../src/app.js';
import type { CliContext } from '../../src/cli/cli-context.js';
import { runCli } from '../../src/cli/run-cli.js';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/store.js';
import type { CredentialStore } from '../../src/store/credential-store.js';

/** A writable that keeps everything written to it, like a captured terminal or pipe. */
export class CapturedOutput extends Writable {
  text = '';
  isTTY = false;
  override _write(chunk: Buffer | string, _encoding: BufferEncoding, callback: () => void): void {
    this.text += chunk.toString();
    this.emit('text');
    callback();
  }
  lines(): string[] {
    return this.text.split('\n').filter((line) => line !== '');
  }
  /** Resolves with the first line that satisfies `test`, as soon as it is written. */
  waitForLine(test: (line: string) => boolean): Promise<string> {
    return new Promise((resolve) => {
      const check = (): void => {
        const line = this.lines().find(test);
        if (line === undefined) return;
        this.off('text', check);
        resolve(line);
      };
      this.on('text', check);
      check();
    });
  }
}

export interface CliRun {
  readonly code: number;
  readonly stdout: CapturedOutput;
  readonly stderr: CapturedOutput;
  /** How many times the command opened a store. */
  readonly storesOpened: number;
  /** How many of those stores it closed again. */
  readonly storesClosed: number;
}

export interface CliRunOptions {
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly stdin?: string;
  readonly stderrIsTTY?: boolean;
  readonly context?: Partial<CliContext>;
}

export interface StartedCli {
  readonly stdout: CapturedOutput;
  readonly stderr: CapturedOutput;
  /** Deliver SIGINT or SIGTERM with `signals.emit('SIGTERM', 'SIGTERM')`. */
  readonly signals: EventEmitter;
  readonly done: Promise<CliRun>;
}

/**
 * The secret key commands run with unless a test sets `SCALELOG_SECRET_KEY` or
 * `SCALELOG_SECRET_KEY_FILE` itself: they run in the repository's directory, where the default
 * key file of a PostgreSQL store (data/scalelog.key) is not theirs to create or read.
 */
export const harnessSecretKey = randomBytes(32).toString('base64');

function withSecretKey(
  env: Readonly<Record<string, string | undefined>>,
): Readonly<Record<string, string | undefined>> {
  return 'SCALELOG_SECRET_KEY' in env || 'SCALELOG_SECRET_KEY_FILE' in env
    ? env
    : { ...env, SCALELOG_SECRET_KEY: harnessSecretKey };
}

/** Starts one command line in-process with the real store and app, and captured streams. */
export function startScalelog(argv: readonly string[], options: CliRunOptions = {}): StartedCli {
  const stdout = new CapturedOutput();
  const stderr = new CapturedOutput();
  stderr.isTTY = options.stderrIsTTY ?? false;
  const signals = new EventEmitter();
  let storesOpened = 0;
  let storesClosed = 0;
  const countingOpen = async (
    ...args: Parameters<typeof openStore>
  ): Promise<Store & CredentialStore> => {
    storesOpened += 1;
    const store = await openStore(...args);
    // Every call goes to the real store; only close is counted on its way through.
    const counted = new Proxy(store, {
      get: (target, property): unknown => {
        if (property === 'close') {
          return async () => {
            storesClosed += 1;
            await target.close();
          };
        }
        const value: unknown = Reflect.get(target, property, target);
        return typeof value === 'function'
          ? (value as (...args: unknown[]) => unknown).bind(target)
          : value;
      },
    });
    return counted;
  };
  const done = runCli(argv, {
    env: withSecretKey(options.env ?? {}),
    stdin: Readable.from(options.stdin === undefined ? [] : [Buffer.from(options.stdin)]),
    stdout,
    stderr,
    signals,
    openStore: countingOpen,
    buildApp,
    ...options.context,
  }).then((code) => ({ code, stdout, stderr, storesOpened, storesClosed }));
  return { stdout, stderr, signals, done };
}

/** Runs one command line to its end; see {@link startScalelog}. */
export function runScalelog(argv: readonly string[], options: CliRunOptions = {}): Promise<CliRun> {
  return startScalelog(argv, options).done;
}
