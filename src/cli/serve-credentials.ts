import type { Logger } from 'pino';
import { generateProjectId } from '../auth/credential-format.js';
import type { CredentialService } from '../auth/credential-service.js';
import { devCredentials } from '../auth/dev-credentials.js';
import { DuplicateAccessKeyError } from '../auth/store-credential-service.js';

/** How a user runs Scalelog again, for the commands printed to them. */
export interface PrintContext {
  /** `bin/scalelog`, `scalelog`, …: the command as the user can type it. */
  readonly command: string;
  /** The `--db` value to repeat, without any password. */
  readonly db: string;
  /** The store is in memory: no other command can reach it to add a token or credential. */
  readonly inMemory?: boolean;
}

const sdkEnvironment = (c: { ak: string; sk: string; projectId: string }): string =>
  `  export HUAWEICLOUD_SDK_AK=${c.ak}\n` +
  `  export HUAWEICLOUD_SDK_SK=${c.sk}\n` +
  `  export HUAWEICLOUD_SDK_PROJECT_ID=${c.projectId}\n`;

const quoted = (text: string): string =>
  /^[A-Za-z0-9_@%+=:,./-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;

/**
 * `serve --dev`: makes sure the well-known development credential exists with its documented
 * SK and project (restoring it if it was changed), and returns the warning to print.
 */
export async function ensureDevCredential(
  credentials: CredentialService,
  logger: Logger,
): Promise<string> {
  const found = await credentials.lookupAccessKey(devCredentials.ak);
  const intact =
    found !== undefined &&
    found.sk === devCredentials.sk &&
    found.projectId === devCredentials.projectId;
  if (!intact) {
    if (found !== undefined) await credentials.deleteCredential(devCredentials.ak);
    try {
      await credentials.createCredential(devCredentials);
    } catch (e: unknown) {
      // Another dev server on this store created it in the meantime.
      if (!(e instanceof DuplicateAccessKeyError)) throw e;
    }
  }
  logger.warn(
    { ak: devCredentials.ak, projectId: devCredentials.projectId },
    'development mode: the public development credential is enabled; listening on loopback only',
  );
  const bar = '!'.repeat(78);
  return (
    `${bar}\n` +
    '!! DEVELOPMENT MODE (--dev): the well-known development credential below is PUBLIC.\n' +
    '!! This server listens on this machine only. Never use --dev for anything else.\n' +
    `${bar}\n\n` +
    sdkEnvironment(devCredentials) +
    '\n'
  );
}

/**
 * A first start: when the store has no credential at all (the development one aside, which
 * works only with `--dev`), creates one project (32 hex
 * characters, like the cloud's) with one credential, and returns the text that shows them,
 * once, with what to paste. Logs that it did so, never the SK. `undefined` when the store
 * already has credentials.
 */
export async function createFirstCredential(
  credentials: CredentialService,
  logger: Logger,
  url: string,
  print: PrintContext,
): Promise<string | undefined> {
  // The development credential, left by an earlier `--dev` start, does not count: outside
  // development mode it does not work.
  const devLeft = (await credentials.listCredentials(devCredentials.projectId)).some(
    (c) => c.ak === devCredentials.ak,
  );
  if (devLeft) {
    logger.warn(
      { ak: devCredentials.ak },
      'the store holds the development credential; without --dev it is refused',
    );
  }
  if ((await credentials.countCredentials()) > (devLeft ? 1 : 0)) return undefined;
  const created = await credentials.createCredential({ projectId: generateProjectId() });
  logger.info(
    { ak: created.ak, projectId: created.projectId },
    'the store had no credentials: created one (its SK is printed once on stderr, never logged)',
  );
  const db = `--db ${quoted(print.db)}`;
  const howToMore = print.inMemory
    ? '\nThis store is in memory: no other process can reach it, so `token create` and\n' +
      '`credentials create` cannot add to it. Sign with the AK/SK above, or start the server\n' +
      'with --dev to use the development credential.\n'
    : '\nFor curl or Terraform, get a token and send it as the X-Auth-Token header:\n\n' +
      `  ${print.command} token create ${db} --project ${created.projectId}\n\n` +
      `More credentials: ${print.command} credentials create ${db} --project PROJECT_ID\n`;
  return (
    'This store had no credentials, so Scalelog created a project and a credential for it.\n' +
    'They are shown only this once: keep the SK now.\n\n' +
    `  project id  ${created.projectId}\n` +
    `  AK          ${created.ak}\n` +
    `  SK          ${created.sk}\n\n` +
    `The official SDKs read them from the environment; point their endpoint at ${url}:\n\n` +
    sdkEnvironment(created) +
    howToMore
  );
}
