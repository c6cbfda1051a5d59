import { checkAk, checkProjectId, checkSk } from '../auth/credential-format.js';
import { devCredentials } from '../auth/dev-credentials.js';
import type { Config } from '../config/config.js';
import { formatWireTimeMs } from '../domain/wire-time.js';
import type { CliContext } from './cli-context.js';
import { exitCodes } from './exit-codes.js';
import type { ExitCode } from './exit-codes.js';
import { UsageError } from './usage-error.js';
import {
  cacheDelay,
  keyFileCreatedNotice,
  openCredentialService,
} from './open-credential-service.js';
import { noServerKnows, withCommandStore } from './open-command-store.js';
import type { MissingStore } from './open-command-store.js';

/** A command that reads or changes credentials has nothing to work on in a new database. */
const holdsCredentials: MissingStore = { missing: 'refuse', meaning: 'it holds no credentials' };

export interface CredentialsCreateOptions {
  readonly project: string;
  readonly ak?: string | undefined;
  readonly sk?: string | undefined;
  readonly json: boolean;
}

/**
 * `scalelog credentials create`: a new AK/SK for a project, generated unless given, printed
 * once. `--json` prints exactly one object `{"ak", "sk", "project_id"}` on stdout, for scripts.
 * Bad input is refused (exit 2) before the store is opened; an AK that exists is exit 1.
 */
export async function credentialsCreateCommand(
  options: CredentialsCreateOptions,
  config: Config,
  context: CliContext,
): Promise<ExitCode> {
  if (options.ak === devCredentials.ak) {
    throw new UsageError(
      `the AK ${devCredentials.ak} is reserved for the development credential of 'serve --dev'; choose another AK.`,
    );
  }
  const input = {
    projectId: checkProjectId(options.project),
    ...(options.ak === undefined ? {} : { ak: checkAk(options.ak) }),
    ...(options.sk === undefined ? {} : { sk: checkSk(options.sk) }),
  };
  const { stdout, stderr } = context;
  const created = await withCommandStore(
    config,
    context,
    { missing: 'refuse', meaning: noServerKnows('credential', context) },
    (store) =>
      openCredentialService(config, store, (path) => {
        stderr.write(`${keyFileCreatedNotice(path)}\n`);
      }).createCredential(input),
  );
  if (options.json) {
    stdout.write(
      `${JSON.stringify({ ak: created.ak, sk: created.sk, project_id: created.projectId })}\n`,
    );
  } else {
    stdout.write(`AK:         ${created.ak}\nSK:         ${created.sk}\n`);
    stdout.write(`Project id: ${created.projectId}\n`);
    stderr.write('The SK is shown only this once: keep it now.\n');
  }
  return exitCodes.success;
}

/**
 * `scalelog credentials list`: every credential (of one project with `--project`): AK,
 * project, creation time and how many client addresses the AK is locked for now after
 * signature failures (see `credentials lockouts`), never a secret key. `--json` prints one
 * JSON array of `{"ak", "project_id", "created_at", "locked_addresses"}`.
 */
export async function credentialsListCommand(
  options: { readonly project?: string | undefined; readonly json: boolean },
  config: Config,
  context: CliContext,
): Promise<ExitCode> {
  const project = options.project === undefined ? undefined : checkProjectId(options.project);
  const now = Date.now();
  const { list, lockouts } = await withCommandStore(
    config,
    context,
    holdsCredentials,
    async (store) => {
      // Listing never opens the secret key.
      const service = openCredentialService(config, store, () => undefined);
      const credentials = await service.listCredentials(project);
      return {
        list: credentials,
        lockouts: credentials.length === 0 ? [] : await service.listClientLockouts(now),
      };
    },
  );
  const locked = new Map<string, number>();
  for (const l of lockouts) {
    if (l.lockedUntil !== undefined && l.lockedUntil > now) {
      locked.set(l.ak, (locked.get(l.ak) ?? 0) + 1);
    }
  }
  const { stdout, stderr } = context;
  if (options.json) {
    const rows = list.map((c) => ({
      ak: c.ak,
      project_id: c.projectId,
      created_at: formatWireTimeMs(c.createdAt),
      locked_addresses: locked.get(c.ak) ?? 0,
    }));
    stdout.write(`${JSON.stringify(rows)}\n`);
  } else if (list.length === 0) {
    stderr.write(
      project === undefined ? 'No credentials.\n' : `No credentials of project ${project}.\n`,
    );
  } else {
    const akWidth = Math.max(2, ...list.map((c) => c.ak.length));
    const projectWidth = Math.max(10, ...list.map((c) => c.projectId.length));
    const row = (ak: string, projectId: string, created: string, lockedFor: string): string =>
      `${ak.padEnd(akWidth)}  ${projectId.padEnd(projectWidth)}  ${created.padEnd(20)}  ${lockedFor}\n`;
    stdout.write(row('AK', 'PROJECT_ID', 'CREATED_AT', 'LOCKED_ADDRESSES'));
    for (const c of list) {
      stdout.write(
        row(c.ak, c.projectId, formatWireTimeMs(c.createdAt), String(locked.get(c.ak) ?? 0)),
      );
    }
  }
  return exitCodes.success;
}

/**
 * `scalelog credentials lockouts [AK]`: the client addresses the store remembers signature
 * failures of (of one AK when given): AK, client (an IPv4 address or an IPv6 /64), failures
 * counted and until when the AK is locked for it (`-` when it is not locked now). `--json`
 * prints one JSON array of `{"ak", "client", "failures", "locked_until"}`, `locked_until`
 * null when not locked now.
 */
export async function credentialsLockoutsCommand(
  options: { readonly ak?: string | undefined; readonly json: boolean },
  config: Config,
  context: CliContext,
): Promise<ExitCode> {
  const ak = options.ak === undefined ? undefined : checkAk(options.ak);
  const now = Date.now();
  const lockouts = await withCommandStore(config, context, holdsCredentials, (store) =>
    openCredentialService(config, store, () => undefined).listClientLockouts(now, ak),
  );
  const lockedUntil = (until: number | undefined): string | undefined =>
    until !== undefined && until > now ? formatWireTimeMs(until + 999) : undefined;
  const { stdout, stderr } = context;
  if (options.json) {
    const rows = lockouts.map((l) => ({
      ak: l.ak,
      client: l.client,
      failures: l.failures,
      locked_until: lockedUntil(l.lockedUntil) ?? null,
    }));
    stdout.write(`${JSON.stringify(rows)}\n`);
  } else if (lockouts.length === 0) {
    stderr.write(
      ak === undefined
        ? 'No signature failures remembered.\n'
        : `No signature failures remembered for AK ${ak}.\n`,
    );
  } else {
    const akWidth = Math.max(2, ...lockouts.map((l) => l.ak.length));
    const clientWidth = Math.max(6, ...lockouts.map((l) => l.client.length));
    const row = (a: string, client: string, failures: string, until: string): string =>
      `${a.padEnd(akWidth)}  ${client.padEnd(clientWidth)}  ${failures.padEnd(8)}  ${until}\n`;
    stdout.write(row('AK', 'CLIENT', 'FAILURES', 'LOCKED_UNTIL'));
    for (const l of lockouts) {
      stdout.write(row(l.ak, l.client, String(l.failures), lockedUntil(l.lockedUntil) ?? '-'));
    }
  }
  return exitCodes.success;
}

/**
 * `scalelog credentials delete AK`: the credential is deleted from the store. Servers already
 * running refuse it once their credential cache lets go of it, within `credentialCacheTtlMs`.
 * Exit 1 when there is no such AK.
 */
export async function credentialsDeleteCommand(
  ak: string,
  config: Config,
  context: CliContext,
): Promise<ExitCode> {
  const { deleted, location } = await withCommandStore(
    config,
    context,
    holdsCredentials,
    async (store) => ({
      deleted: await openCredentialService(config, store, () => undefined).deleteCredential(ak),
      location: store.location,
    }),
  );
  if (!deleted) {
    throw new Error(
      `there is no credential with AK ${JSON.stringify(ak)} in ${location}; 'scalelog credentials list' shows them.`,
    );
  }
  context.stderr.write(
    `Deleted the credential ${ak}. Servers already running stop accepting it ${cacheDelay}.\n`,
  );
  return exitCodes.success;
}
