import { sql } from 'kysely';
import type { Selectable } from 'kysely';
import type { UnixMs } from '../../domain/unix-time.js';
import type { CredentialsTable, SignatureLockoutsTable, TokensTable } from '../schema.js';
import type {
  CredentialListing,
  LockoutPolicy,
  SignatureLockout,
  StoredCredential,
  StoredToken,
} from '../credential-store.js';
import type { SqlContext } from './sql-context.js';

// Credentials, tokens, signature lockouts and store-wide settings: the repository behind
// `CredentialStore`, each function one method of it (see there for what each does).

function rowToCredential(row: Selectable<CredentialsTable>): StoredCredential {
  return {
    ak: row.ak,
    projectId: row.project_id,
    skCiphertext: row.sk_ciphertext,
    createdAt: row.created_at,
  };
}

function rowToLockout(row: Selectable<SignatureLockoutsTable>): SignatureLockout {
  return {
    ak: row.ak,
    client: row.client,
    failures: row.failures,
    lockMs: row.lock_ms,
    ...(row.locked_until === null ? {} : { lockedUntil: row.locked_until }),
    forgetAt: row.forget_at,
  };
}

/** A number as an SQL bigint: PostgreSQL cannot type a bare parameter in arithmetic. */
const bigint = (n: number) => sql<number>`cast(${n} as bigint)`;

function rowToToken(row: Selectable<TokensTable>): StoredToken {
  return {
    tokenHash: row.token_hash,
    projectId: row.project_id,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    ...(row.revoked_at === null ? {} : { revokedAt: row.revoked_at }),
  };
}

export async function insertCredential(
  context: SqlContext,
  credential: StoredCredential,
): Promise<boolean> {
  const result = await context.guard(() =>
    context.backend.db
      .insertInto('credentials')
      .values({
        ak: credential.ak,
        project_id: credential.projectId,
        sk_ciphertext: credential.skCiphertext,
        created_at: credential.createdAt,
        locked_until: null,
      })
      .onConflict((oc) => oc.column('ak').doNothing())
      .executeTakeFirst(),
  );
  return Number(result.numInsertedOrUpdatedRows ?? 0n) === 1;
}

export async function getCredential(
  context: SqlContext,
  ak: string,
): Promise<StoredCredential | undefined> {
  const row = await context.guard(() =>
    context.reads.selectFrom('credentials').selectAll().where('ak', '=', ak).executeTakeFirst(),
  );
  return row === undefined ? undefined : rowToCredential(row);
}

export async function listCredentials(
  context: SqlContext,
  projectId?: string,
): Promise<CredentialListing[]> {
  const rows = await context.guard(() => {
    let query = context.reads.selectFrom('credentials').select(['ak', 'project_id', 'created_at']);
    if (projectId !== undefined) query = query.where('project_id', '=', projectId);
    return query.orderBy('project_id').orderBy('ak').execute();
  });
  return rows.map((row) => ({
    ak: row.ak,
    projectId: row.project_id,
    createdAt: row.created_at,
  }));
}

export async function deleteCredential(context: SqlContext, ak: string): Promise<boolean> {
  const result = await context.guard(() =>
    context.backend.db.deleteFrom('credentials').where('ak', '=', ak).executeTakeFirst(),
  );
  // Afterwards, so a failure counted meanwhile is not left behind; a new credential with
  // this AK starts with nothing remembered.
  await context.guard(() =>
    context.backend.db.deleteFrom('signature_lockouts').where('ak', '=', ak).execute(),
  );
  return Number(result.numDeletedRows) > 0;
}

export async function countCredentials(context: SqlContext): Promise<number> {
  const row = await context.guard(() =>
    context.reads
      .selectFrom('credentials')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow(),
  );
  return row.n;
}

export async function getSignatureLockout(
  context: SqlContext,
  ak: string,
  client: string,
  nowMs: UnixMs,
): Promise<SignatureLockout | undefined> {
  const row = await context.guard(() =>
    context.reads
      .selectFrom('signature_lockouts')
      .selectAll()
      .where('ak', '=', ak)
      .where('client', '=', client)
      .where('forget_at', '>', nowMs)
      .executeTakeFirst(),
  );
  return row === undefined ? undefined : rowToLockout(row);
}

export async function listSignatureLockouts(
  context: SqlContext,
  nowMs: UnixMs,
  ak?: string,
): Promise<SignatureLockout[]> {
  const rows = await context.guard(() => {
    let query = context.reads
      .selectFrom('signature_lockouts')
      .selectAll()
      .where('forget_at', '>', nowMs);
    if (ak !== undefined) query = query.where('ak', '=', ak);
    return query.orderBy('ak').orderBy('client').execute();
  });
  return rows.map(rowToLockout);
}

export async function recordSignatureFailure(
  context: SqlContext,
  ak: string,
  client: string,
  nowMs: UnixMs,
  policy: LockoutPolicy,
): Promise<SignatureLockout | undefined> {
  // One statement: the database adds to the stored count, so failures counted by several
  // servers at once are all kept. Both engines read the old row on the right of SET, so
  // every expression below sees the row as it was before this failure.
  const t = sql.ref('signature_lockouts');
  const now = bigint(nowMs);
  // Nothing counts from a row whose quiet period has passed (pruning may not have run).
  const stale = sql<boolean>`${t}.forget_at <= ${now}`;
  const lockedNow = sql<boolean>`coalesce(${t}.locked_until, 0) > ${now}`;
  const failures = sql<number>`case when ${stale} then 1 else ${t}.failures + 1 end`;
  const lastLockMs = sql<number>`case when ${stale} then 0 else ${t}.lock_ms end`;
  const nextLockMs = sql<number>`case when ${lastLockMs} = 0 then ${bigint(policy.lockMs)}
    when ${lastLockMs} * 2 >= ${bigint(policy.maxLockMs)} then ${bigint(policy.maxLockMs)}
    else ${lastLockMs} * 2 end`;
  // A failure while locked (a server whose cache has not seen the lock yet) changes no lock.
  const locks = sql<boolean>`not (${lockedNow}) and ${failures} > ${policy.maxConsecutiveFailures}`;
  const lockedUntil = sql<number | null>`case when ${lockedNow} then ${t}.locked_until
    when ${locks} then ${now} + ${nextLockMs} else null end`;
  const forgetAt = sql<number>`case when ${lockedNow} then ${t}.locked_until
    when ${locks} then ${now} + ${nextLockMs} else ${now} end + ${bigint(policy.forgetAfterMs)}`;
  const upsert = sql<Selectable<SignatureLockoutsTable>>`
    insert into signature_lockouts (ak, client, failures, lock_ms, locked_until, forget_at)
    select ak, ${client}, 1, ${bigint(0)}, cast(null as bigint), ${bigint(nowMs + policy.forgetAfterMs)}
    from credentials where ak = ${ak}
    on conflict (ak, client) do update set
      failures = ${failures},
      lock_ms = case when ${locks} then ${nextLockMs} else ${lastLockMs} end,
      locked_until = ${lockedUntil},
      forget_at = ${forgetAt}
    returning ak, client, failures, lock_ms, locked_until, forget_at`;
  const result = await context.guard(() => upsert.execute(context.backend.db));
  const row = result.rows[0];
  if (row === undefined) return undefined;
  // The failure is counted; pruning is housekeeping. Servers pruning the same rows at once
  // can deadlock on PostgreSQL, and one of them is refused: that must not turn the
  // caller's 401 into a 500. What is left is pruned by the next failure.
  await pruneSignatureLockouts(context, ak, client, nowMs, policy.maxClientsPerAk).catch(
    () => undefined,
  );
  return rowToLockout(row);
}

/**
 * Deletes every forgotten row, then the rows of `ak` past `maxClients` that would be
 * forgotten soonest, `client`'s excepted. Concurrent failures may overshoot the cap by a
 * few rows until the next failure of the AK.
 */
async function pruneSignatureLockouts(
  context: SqlContext,
  ak: string,
  client: string,
  nowMs: UnixMs,
  maxClients: number,
): Promise<void> {
  await context.guard(() =>
    context.backend.db.deleteFrom('signature_lockouts').where('forget_at', '<=', nowMs).execute(),
  );
  const { n } = await context.guard(() =>
    context.backend.db
      .selectFrom('signature_lockouts')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('ak', '=', ak)
      .executeTakeFirstOrThrow(),
  );
  const excess = n - maxClients;
  if (excess <= 0) return;
  await context.guard(() =>
    context.backend.db
      .deleteFrom('signature_lockouts')
      .where('ak', '=', ak)
      .where('client', 'in', (eb) =>
        eb
          .selectFrom('signature_lockouts')
          .select('client')
          .where('ak', '=', ak)
          .where('client', '<>', client)
          .orderBy('forget_at')
          .orderBy('client')
          .limit(excess),
      )
      .execute(),
  );
}

export async function recordSignatureSuccess(
  context: SqlContext,
  ak: string,
  client: string,
): Promise<void> {
  // A delete that matches nothing writes nothing: the usual good request stays a read.
  await context.guard(() =>
    context.backend.db
      .deleteFrom('signature_lockouts')
      .where('ak', '=', ak)
      .where('client', '=', client)
      .execute(),
  );
}

export async function insertToken(
  context: SqlContext,
  token: Omit<StoredToken, 'revokedAt'>,
): Promise<void> {
  await context.guard(() =>
    context.backend.db
      .insertInto('tokens')
      .values({
        token_hash: token.tokenHash,
        project_id: token.projectId,
        created_at: token.createdAt,
        expires_at: token.expiresAt,
        revoked_at: null,
      })
      .execute(),
  );
}

export async function getToken(
  context: SqlContext,
  tokenHash: string,
): Promise<StoredToken | undefined> {
  const row = await context.guard(() =>
    context.reads
      .selectFrom('tokens')
      .selectAll()
      .where('token_hash', '=', tokenHash)
      .executeTakeFirst(),
  );
  return row === undefined ? undefined : rowToToken(row);
}

export async function revokeToken(
  context: SqlContext,
  tokenHash: string,
  nowMs: UnixMs,
): Promise<boolean> {
  const result = await context.guard(() =>
    context.backend.db
      .updateTable('tokens')
      .set({ revoked_at: sql<number>`coalesce(revoked_at, ${nowMs})` })
      .where('token_hash', '=', tokenHash)
      .executeTakeFirst(),
  );
  return Number(result.numUpdatedRows) > 0;
}

export async function getSetting(context: SqlContext, name: string): Promise<string | undefined> {
  const row = await context.guard(() =>
    context.reads
      .selectFrom('store_settings')
      .select('value')
      .where('name', '=', name)
      .executeTakeFirst(),
  );
  return row?.value;
}

export async function putSettingIfAbsent(
  context: SqlContext,
  name: string,
  value: string,
): Promise<string> {
  return context.guard(async () => {
    await context.backend.db
      .insertInto('store_settings')
      .values({ name, value })
      .onConflict((oc) => oc.column('name').doNothing())
      .execute();
    // Whoever inserted first, this reads the value that won; settings are never updated.
    const row = await context.backend.db
      .selectFrom('store_settings')
      .select('value')
      .where('name', '=', name)
      .executeTakeFirstOrThrow();
    return row.value;
  });
}
