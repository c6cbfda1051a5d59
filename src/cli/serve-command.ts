import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import type { Logger } from 'pino';
import { withoutDevCredential } from '../auth/dev-credentials.js';
import { openSecretKey } from '../auth/open-secret-key.js';
import { storeCredentialService } from '../auth/store-credential-service.js';
import type { Config } from '../config/config.js';
import type { CliContext, ServableApp, SignalSource } from './cli-context.js';
import { exitCodes } from './exit-codes.js';
import type { ExitCode } from './exit-codes.js';
import { isInMemoryStore } from '../store/parse-store-url.js';
import { removeStaleSpools } from '../http/spool-body.js';
import { openCommandStore } from './open-command-store.js';
import { keyFileCreatedNotice, secretKeySourceOf } from './open-credential-service.js';
import { createFirstCredential, ensureDevCredential } from './serve-credentials.js';
import { redactUrl } from '../shared/redact-url.js';

const stopSignals: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM'];

/**
 * Connections the kernel may hold for the server before it accepts them. Node's default, 511,
 * overflowed under a burst of a few thousand connections: the kernel then drops the new
 * ones' SYNs, and each client waits a second or more to retry, a probe's connection too.
 * The kernel caps it at `net.core.somaxconn` (4096 on current Linux).
 */
const listenBacklog = 4096;

/** `http://127.0.0.1:8080`, `http://[::1]:8080`: the URL a client uses to reach `address`. */
function urlOf(address: AddressInfo | string | null, fallback: Config['listen']): string {
  const host = typeof address === 'object' && address !== null ? address.address : fallback.host;
  const port = typeof address === 'object' && address !== null ? address.port : fallback.port;
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

function listenError(e: unknown, listen: Config['listen']): Error {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  const where = `${listen.host.includes(':') ? `[${listen.host}]` : listen.host}:${listen.port}`;
  // Each says which setting to change: --listen, or SCALELOG_LISTEN where a service sets it.
  const why =
    code === 'EADDRINUSE'
      ? 'the address is already in use (another Scalelog, or another program, listens there); ' +
        'stop it, or choose another port with --listen HOST:PORT (or SCALELOG_LISTEN)'
      : code === 'EACCES'
        ? 'permission denied (ports below 1024 need privileges); ' +
          'choose a port from 1024 up with --listen HOST:PORT (or SCALELOG_LISTEN)'
        : code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND'
          ? 'this machine has no such address; give --listen (or SCALELOG_LISTEN) an address ' +
            'of this machine, such as 127.0.0.1:8080, or 0.0.0.0:8080 for every address'
          : e instanceof Error
            ? e.message
            : String(e);
  return new Error(`cannot listen on ${where}: ${why}.`, { cause: e });
}

/** The database setting as it may be shown to the user: a password becomes `***`. */
function shownDb(db: string): string {
  if (!/^postgres(ql)?:\/\//i.test(db)) return db;
  return redactUrl(db) ?? 'postgres://…';
}

/** The first stop signal to arrive, and a way to stop waiting for it. */
function nextSignal(signals: SignalSource): {
  readonly received: Promise<NodeJS.Signals>;
  readonly cancel: () => void;
} {
  let onSignal: (signal: NodeJS.Signals) => void = () => undefined;
  const cancel = (): void => {
    for (const s of stopSignals) signals.off(s, onSignal);
  };
  const received = new Promise<NodeJS.Signals>((resolve) => {
    onSignal = (signal) => {
      cancel();
      resolve(signal);
    };
    for (const s of stopSignals) signals.on(s, onSignal);
  });
  return { received, cancel };
}

/**
 * Closes the app, letting requests in flight finish. If they have not finished within
 * `timeoutMs`, or a second stop signal arrives, their connections are cut. Resolves true
 * when every request finished on its own.
 */
async function closeApp(
  app: ServableApp,
  timeoutMs: number,
  signals: SignalSource,
  logger: Logger,
): Promise<boolean> {
  const closed = app.close();
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => {
      resolve('timeout');
    }, timeoutMs);
  });
  const impatient = nextSignal(signals);
  const outcome = await Promise.race([
    closed.then(() => 'closed' as const),
    timedOut,
    impatient.received,
  ]);
  clearTimeout(timer);
  impatient.cancel();
  if (outcome === 'closed') return true;
  logger.warn(
    {
      reason:
        outcome === 'timeout' ? `shutdownTimeoutMs ${timeoutMs} elapsed` : `second ${outcome}`,
    },
    'cutting the connections of requests still in flight',
  );
  app.server.closeAllConnections();
  await closed;
  return false;
}

/**
 * `scalelog serve`: opens the store (running its migrations; a missing SQLite database is
 * created, in a folder that exists or the default `data/`) and says on stderr which it is,
 * then its secret key (refusing a key the store was not set up with), builds the app with the store's credentials, listens,
 * and logs where it listens and which store it uses (the store's `location`, never a
 * password).
 *
 * Credentials: with `dev`, the well-known development credential is made sure of and a
 * warning printed (the config loader has already held `dev` to loopback). Otherwise that
 * credential is refused, and a store without any other credential gets one project and one
 * credential, printed once on stderr after the server listens (so the example carries its
 * real address, and a server that cannot listen creates nothing).
 *
 * On SIGINT or SIGTERM it stops taking connections, lets requests in flight finish within
 * `shutdownTimeoutMs`, then closes the store: exit 0. Exit 1 when requests had to be cut off.
 */
export async function serveCommand(config: Config, context: CliContext): Promise<ExitCode> {
  // Logs are JSON lines on stdout, the usual place for a service's log collector to read.
  const logger = pino({ level: config.logLevel, base: { pid: process.pid } }, context.stdout);
  const store = await openCommandStore(config, context, { missing: 'create' });
  let app: ServableApp | undefined;
  let url: string;
  try {
    // Opened before listening: a wrong key must stop the server, not fail every request.
    const key = await openSecretKey(secretKeySourceOf(config), store);
    if (key.createdKeyFile !== undefined) {
      logger.info({ keyFile: key.createdKeyFile }, 'created a new secret key file');
      context.stderr.write(`${keyFileCreatedNotice(key.createdKeyFile)}\n`);
    }
    // Cached: a good signed request then costs no store read and no decryption. Changes made
    // by other servers or CLI commands show within credentialCacheTtlMs.
    const credentials = storeCredentialService({
      store,
      skCipher: () => Promise.resolve(key.cipher),
      cache: { ttlMs: config.credentialCacheTtlMs },
    });
    if (config.dev) context.stderr.write(await ensureDevCredential(credentials, logger));
    app = await context.buildApp({
      store,
      config,
      logger,
      // The public development credential works only in development mode.
      credentials: config.dev ? credentials : withoutDevCredential(credentials),
      scheduler: true,
    });
    try {
      await app.listen({
        host: config.listen.host,
        port: config.listen.port,
        backlog: listenBacklog,
      });
    } catch (e: unknown) {
      throw listenError(e, config.listen);
    }
    url = urlOf(app.server.address(), config.listen);
    if (!config.dev) {
      const firstRun = await createFirstCredential(credentials, logger, url, {
        command: context.commandName ?? 'scalelog',
        db: shownDb(config.db),
        inMemory: isInMemoryStore(config.db),
      });
      if (firstRun !== undefined) context.stderr.write(firstRun);
    }
  } catch (e: unknown) {
    await app?.close().catch(() => undefined);
    await store.close().catch(() => undefined);
    throw e;
  }

  // What a server killed mid-ingest left in the temporary folder; in the background.
  void removeStaleSpools().then((removed) => {
    if (removed > 0)
      logger.info({ removed }, 'removed ingest spool folders left by a stopped server');
  });

  // Ask for the signal before saying we listen: a supervisor may signal as soon as it reads it.
  const stop = nextSignal(context.signals);
  logger.info(
    { url, store: store.location, backend: store.backend },
    `scalelog listening on ${url} with store ${store.location}`,
  );

  const signal = await stop.received;
  logger.info({ signal }, `${signal} received: finishing requests in flight`);
  const clean = await closeApp(app, config.shutdownTimeoutMs, context.signals, logger);
  await store.close();
  logger.info({ clean }, clean ? 'scalelog stopped' : 'scalelog stopped, cutting requests off');
  return clean ? exitCodes.success : exitCodes.failure;
}
