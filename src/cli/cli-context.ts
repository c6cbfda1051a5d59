import type { Readable, Writable } from 'node:stream';
import type { Server } from 'node:http';
import type { Logger } from 'pino';
import type { CredentialService } from '../auth/credential-service.js';
import type { Config } from '../config/config.js';
import type { OpenStoreOptions } from '../store/open-store.js';
import type { Store } from '../store/store.js';
import type { CredentialStore } from '../store/credential-store.js';

/** What `serve` needs of the HTTP app: a Fastify instance satisfies it. */
export interface ServableApp {
  listen(options: { host: string; port: number; backlog?: number }): Promise<string>;
  close(): Promise<unknown>;
  readonly server: Server;
}

/** The app factory `serve` composes with; `buildApp` from `src/app.ts` in production. */
export type BuildApp = (deps: {
  store: Store;
  config: Config;
  logger: Logger;
  credentials: CredentialService;
  /** Run the policy scheduler while the server listens. */
  scheduler: boolean;
}) => ServableApp | Promise<ServableApp>;

/** Where SIGINT and SIGTERM arrive: the process in production. */
export interface SignalSource {
  on(signal: NodeJS.Signals, listener: (signal: NodeJS.Signals) => void): unknown;
  off(signal: NodeJS.Signals, listener: (signal: NodeJS.Signals) => void): unknown;
}

/**
 * Everything the commands touch outside themselves, passed in by `main.ts` (the
 * composition root) so tests can run the real commands with their own streams.
 */
export interface CliContext {
  /** Read only by the config loader. */
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly stdin: Readable;
  readonly stdout: Writable;
  /** A progress bar is drawn only when `isTTY` is true. */
  readonly stderr: Writable & { readonly isTTY?: boolean };
  readonly signals: SignalSource;
  readonly openStore: (url: string, options?: OpenStoreOptions) => Promise<Store & CredentialStore>;
  readonly buildApp: BuildApp;
  /**
   * How the user runs this program (`bin/scalelog`, `scalelog`), for the commands printed to
   * them; `scalelog` when not given.
   */
  readonly commandName?: string;
}
