import { checkProjectId } from '../auth/credential-format.js';
import type { Config } from '../config/config.js';
import { formatWireTimeMs } from '../domain/wire-time.js';
import type { CliContext } from './cli-context.js';
import { exitCodes } from './exit-codes.js';
import type { ExitCode } from './exit-codes.js';
import { cacheDelay, openCredentialService } from './open-credential-service.js';
import { parseTtl } from './parse-ttl.js';
import { noServerKnows, withCommandStore } from './open-command-store.js';

/** The default lifetime of a token, as the cloud's. */
export const defaultTokenTtl = '24h';

/**
 * `scalelog token create`: a token for a project, to send as `X-Auth-Token`. Prints the
 * token alone on stdout (so `TOKEN=$(scalelog token create ...)` works) and its expiry on
 * stderr; `--json` prints one object `{"token", "expires_at"}` with `expires_at` in UTC
 * `yyyy-MM-ddThh:mm:ssZ`.
 */
export async function tokenCreateCommand(
  options: { readonly project: string; readonly ttl: string; readonly json: boolean },
  config: Config,
  context: CliContext,
): Promise<ExitCode> {
  const projectId = checkProjectId(options.project);
  const ttlMs = parseTtl(options.ttl);
  const issued = await withCommandStore(
    config,
    context,
    { missing: 'refuse', meaning: noServerKnows('token', context) },
    (store) =>
      openCredentialService(config, store, () => undefined).createToken({
        projectId,
        ttlMs,
        nowMs: Date.now(),
      }),
  );
  const expiresAt = formatWireTimeMs(issued.expiresAt);
  if (options.json) {
    context.stdout.write(`${JSON.stringify({ token: issued.token, expires_at: expiresAt })}\n`);
  } else {
    context.stdout.write(`${issued.token}\n`);
    context.stderr.write(
      `Token for project ${projectId}, valid until ${expiresAt}: send it as the X-Auth-Token header.\n`,
    );
  }
  return exitCodes.success;
}

/**
 * `scalelog token revoke TOKEN`: the token is revoked in the store. Servers already running
 * refuse it once their credential cache lets go of it, within `credentialCacheTtlMs`. Exit 1
 * for a token this store never issued.
 */
export async function tokenRevokeCommand(
  token: string,
  config: Config,
  context: CliContext,
): Promise<ExitCode> {
  const { revoked, location } = await withCommandStore(
    config,
    context,
    { missing: 'refuse', meaning: 'it holds no tokens' },
    async (store) => ({
      revoked: await openCredentialService(config, store, () => undefined).revokeToken(
        token.trim(),
      ),
      location: store.location,
    }),
  );
  // Never repeat the token: it may be valid in another store.
  if (!revoked) throw new Error(`this token was not issued by ${location}; nothing was revoked.`);
  context.stderr.write(
    `Revoked the token. Servers already running stop accepting it ${cacheDelay}.\n`,
  );
  return exitCodes.success;
}
