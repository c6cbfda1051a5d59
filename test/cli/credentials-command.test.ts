import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hashToken } from '../../src/auth/credential-format.js';
import { signatureLockout } from '../../src/auth/credential-service.js';
import { parseWireTime } from '../../src/domain/wire-time.js';
import { openStore } from '../../src/store/open-store.js';
import { testBackends } from '../support/backends.js';
import { harnessSecretKey, runScalelog } from './cli-harness.js';

const postgres = testBackends.find((backend) => backend.name === 'postgres');

let dir: string;
let db: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'scalelog-creds-'));
  db = `sqlite:${join(dir, 'scalelog.db')}`;
  // These commands need a store that exists, as a server would have made it.
  await (await openStore(db)).close();
});

/** The line every command that opened the test's store writes first on stderr. */
const storeLine = (): string => `store: ${join(dir, 'scalelog.db')} (SQLite)\n`;
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

interface CreatedJson {
  ak: string;
  sk: string;
  project_id: string;
}

async function create(...args: string[]): Promise<CreatedJson> {
  const run = await runScalelog(['credentials', 'create', '--db', db, ...args, '--json']);
  expect(run.stderr.text).toBe(storeLine());
  expect(run.code).toBe(0);
  return JSON.parse(run.stdout.text) as CreatedJson;
}

describe('scalelog credentials', () => {
  it.each([
    [['credentials']],
    [['credentials', 'create']],
    [['credentials', 'list']],
    [['credentials', 'delete']],
    [['token']],
    [['token', 'create']],
    [['token', 'revoke']],
  ])('prints help for %j --help and exits 0', async (args) => {
    const run = await runScalelog([...args, '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout.text).toContain(`Usage: scalelog ${args.join(' ')}`);
    expect(run.stdout.text).toContain('Exit codes:');
    expect(run.storesOpened).toBe(0);
  });

  it.each([[['credentials', 'delete']], [['token', 'revoke']]])(
    '%j --help says when servers already running stop accepting it, not "from then on"',
    async (args) => {
      const help = (await runScalelog([...args, '--help'])).stdout.text.replace(/\s+/g, ' ');
      expect(help).toContain(
        'Servers already running stop accepting it within their credentialCacheTtlMs (2 s by default).',
      );
      expect(help).not.toMatch(/from then on|at once/);
    },
  );

  it.each([
    [['credentials'], 'Usage: scalelog credentials'],
    [['credentials', 'create', '--db', 'x.db'], "required option '--project <id>' not specified"],
    [['credentials', 'delete'], "missing required argument 'ak'"],
    [['credentials', 'rotate'], "unknown command 'rotate'"],
    [['token', 'create', '--project', 'p', '--bogus'], "unknown option '--bogus'"],
  ])('exits 2 on the bad command line %j', async (args, message) => {
    const run = await runScalelog(args);
    expect(run.code).toBe(2);
    expect(run.stderr.text).toContain(message);
    expect(run.storesOpened).toBe(0);
  });

  describe('create', () => {
    it('prints exactly one JSON object with --json, generated AK and SK', async () => {
      const run = await runScalelog([
        'credentials',
        'create',
        '--db',
        db,
        '--project',
        'proj-a',
        '--json',
      ]);
      expect(run.code).toBe(0);
      expect(run.stderr.text).toBe(storeLine());
      expect(run.stdout.lines()).toHaveLength(1);
      const created = JSON.parse(run.stdout.text) as CreatedJson;
      expect(Object.keys(created)).toEqual(['ak', 'sk', 'project_id']);
      expect(created.ak).toMatch(/^[A-Z0-9]{20}$/);
      expect(created.sk).toMatch(/^[A-Za-z0-9]{40}$/);
      expect(created.project_id).toBe('proj-a');
      expect(run.storesClosed).toBe(1);
    });

    it('prints labelled lines for people, and says the SK is shown once', async () => {
      const run = await runScalelog([
        'credentials',
        'create',
        '--db',
        db,
        '--project',
        'proj-a',
        '--ak',
        'MY_AK-1',
        '--sk',
        'my-$ecret-key',
      ]);
      expect(run.code).toBe(0);
      expect(run.stdout.lines()).toEqual([
        'AK:         MY_AK-1',
        'SK:         my-$ecret-key',
        'Project id: proj-a',
      ]);
      expect(run.stderr.text).toBe(`${storeLine()}The SK is shown only this once: keep it now.\n`);
    });

    it('stores the SK encrypted, under the configured key', async () => {
      const created = await create('--project', 'proj-a');
      const store = await openStore(db);
      try {
        const stored = await store.getCredential(created.ak);
        expect(stored?.projectId).toBe('proj-a');
        expect(stored?.skCiphertext).not.toContain(created.sk);
      } finally {
        await store.close();
      }
      // Another key cannot read the store's secret keys: refused, exit 2, nothing created.
      const other = await runScalelog(
        ['credentials', 'create', '--db', db, '--project', 'proj-a'],
        { env: { SCALELOG_SECRET_KEY: randomBytes(32).toString('base64') } },
      );
      expect(other.code).toBe(2);
      expect(other.stderr.lines()).toEqual([
        storeLine().trimEnd(),
        expect.stringMatching(
          /^scalelog credentials create: the secret key from SCALELOG_SECRET_KEY \(setting secretKey\) is not the key the store at sqlite:.* was set up with/,
        ),
      ]);
      expect(other.stderr.text).not.toContain(harnessSecretKey);
      expect(other.stdout.text).toBe('');
    });

    it('creates an owner-only key file on first use when no key is configured, and says so', async () => {
      const keyFile = join(dir, 'keys', 'scalelog.key');
      const env = { SCALELOG_SECRET_KEY_FILE: keyFile };
      const run = await runScalelog(
        ['credentials', 'create', '--db', db, '--project', 'proj-a', '--json'],
        { env },
      );
      expect(run.code).toBe(0);
      expect(run.stderr.text).toBe(
        `${storeLine()}Created the secret key file ${keyFile} (owner-only). It encrypts the secret keys in the store: keep a copy, and give every server of this store the same key.\n`,
      );
      expect((await stat(keyFile)).mode & 0o777).toBe(0o600);
      const again = await runScalelog(
        ['credentials', 'create', '--db', db, '--project', 'proj-a', '--json'],
        { env },
      );
      expect(again.code).toBe(0);
      expect(again.stderr.text).toBe(storeLine());
    });

    it('puts the key file beside the SQLite database by default, wherever it runs', async () => {
      // No key in the environment: the default key file is used.
      const run = await runScalelog(
        ['credentials', 'create', '--db', db, '--project', 'proj-a', '--json'],
        { env: { SCALELOG_SECRET_KEY: undefined } },
      );
      expect(run.code).toBe(0);
      const keyFile = join(dir, 'scalelog.key');
      expect(run.stderr.text).toContain(`Created the secret key file ${keyFile} (owner-only).`);
      expect((await stat(keyFile)).mode & 0o777).toBe(0o600);
    });

    it('exits 1 with a message when the AK exists, keeping the first credential', async () => {
      await create('--project', 'proj-a', '--ak', 'TAKEN', '--sk', 'first-secret');
      const run = await runScalelog([
        'credentials',
        'create',
        '--db',
        db,
        '--project',
        'proj-b',
        '--ak',
        'TAKEN',
        '--sk',
        'second-secret',
      ]);
      expect(run.code).toBe(1);
      expect(run.stderr.text).toBe(
        `${storeLine()}scalelog credentials create: a credential with AK TAKEN exists already; delete it first or choose another AK.\n`,
      );
      expect(run.stdout.text).toBe('');
      const list = await runScalelog(['credentials', 'list', '--db', db, '--json']);
      expect(JSON.parse(list.stdout.text)).toEqual([
        expect.objectContaining({ ak: 'TAKEN', project_id: 'proj-a' }),
      ]);
    });

    it.each([
      [
        ['--project', 'p', '--ak', 'SCALELOGDEVACCESSKEY'],
        "the AK SCALELOGDEVACCESSKEY is reserved for the development credential of 'serve --dev'; choose another AK.",
      ],
      [
        ['--project', 'a b'],
        `project id "a b" is not valid: expected 1 to 64 letters, digits, '-' or '_'.`,
      ],
      [
        ['--project', 'p', '--ak', 'has space'],
        `AK "has space" is not valid: expected 1 to 64 letters, digits, '-' or '_'.`,
      ],
      [
        ['--project', 'p', '--sk', 'tiny'],
        'the SK is not valid (it has 4 characters): expected 8 to 128 printable ASCII characters without spaces.',
      ],
      [
        ['--project', 'p', '--sk', 'with a space'],
        'the SK is not valid (it contains a space or a character that is not printable ASCII): expected 8 to 128 printable ASCII characters without spaces.',
      ],
    ])('refuses %j with exit 2 before opening the store', async (args, message) => {
      const untouched = join(dir, 'untouched.db');
      const run = await runScalelog(['credentials', 'create', '--db', untouched, ...args]);
      expect(run.code).toBe(2);
      expect(run.stderr.text).toBe(`scalelog credentials create: ${message}\n`);
      expect(run.storesOpened).toBe(0);
      expect(existsSync(untouched)).toBe(false);
    });
  });

  describe('list', () => {
    it('lists AK, project and creation time, never an SK, for people and as JSON', async () => {
      const a = await create('--project', 'proj-a', '--ak', 'AK_A');
      const b = await create('--project', 'proj-b', '--ak', 'AK_B');
      const human = await runScalelog(['credentials', 'list', '--db', db]);
      expect(human.code).toBe(0);
      const lines = human.stdout.lines();
      expect(lines).toHaveLength(3);
      expect(lines[0]).toMatch(/^AK {4}PROJECT_ID {2}CREATED_AT {12}LOCKED_ADDRESSES$/);
      expect(lines[1]).toMatch(/^AK_A {2}proj-a {6}\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ {2}0$/);
      expect(lines[2]).toMatch(/^AK_B {2}proj-b {6}/);

      const json = await runScalelog(['credentials', 'list', '--db', db, '--json']);
      const rows = JSON.parse(json.stdout.text) as Record<string, string>[];
      expect(rows.map((r) => Object.keys(r))).toEqual([
        ['ak', 'project_id', 'created_at', 'locked_addresses'],
        ['ak', 'project_id', 'created_at', 'locked_addresses'],
      ]);
      const created = parseWireTime(rows[0]?.created_at ?? '');
      expect(Math.abs((created ?? 0) * 1000 - Date.now())).toBeLessThan(60_000);

      for (const run of [human, json]) {
        expect(run.stdout.text + run.stderr.text).not.toContain(a.sk);
        expect(run.stdout.text + run.stderr.text).not.toContain(b.sk);
      }
      const onlyB = await runScalelog([
        'credentials',
        'list',
        '--db',
        db,
        '--project',
        'proj-b',
        '--json',
      ]);
      expect((JSON.parse(onlyB.stdout.text) as { ak: string }[]).map((r) => r.ak)).toEqual([
        'AK_B',
      ]);
    });

    it('counts the client addresses an AK is locked for now, and lockouts names them', async () => {
      await create('--project', 'proj-a', '--ak', 'AK_A');
      await create('--project', 'proj-a', '--ak', 'AK_B');
      const now = Date.now();
      const store = await openStore(db);
      try {
        for (let i = 0; i < 6; i += 1) {
          await store.recordSignatureFailure('AK_A', '192.0.2.1', now, signatureLockout);
        }
        await store.recordSignatureFailure('AK_A', '2001:db8:0:0::/64', now, signatureLockout);
      } finally {
        await store.close();
      }

      const list = await runScalelog(['credentials', 'list', '--db', db, '--json']);
      expect(
        (JSON.parse(list.stdout.text) as { ak: string; locked_addresses: number }[]).map((r) => [
          r.ak,
          r.locked_addresses,
        ]),
      ).toEqual([
        ['AK_A', 1],
        ['AK_B', 0],
      ]);
      const human = await runScalelog(['credentials', 'list', '--db', db]);
      expect(human.stdout.lines()[1]).toMatch(/^AK_A .* 1$/);

      const lockouts = await runScalelog(['credentials', 'lockouts', '--db', db, '--json']);
      expect(lockouts.code).toBe(0);
      const rows = JSON.parse(lockouts.stdout.text) as Record<string, unknown>[];
      expect(rows).toEqual([
        {
          ak: 'AK_A',
          client: '192.0.2.1',
          failures: 6,
          locked_until: expect.any(String) as unknown,
        },
        { ak: 'AK_A', client: '2001:db8:0:0::/64', failures: 1, locked_until: null },
      ]);
      const until = (parseWireTime(String(rows[0]?.locked_until)) ?? 0) * 1000;
      expect(until).toBeGreaterThanOrEqual(now + signatureLockout.lockMs);
      expect(until).toBeLessThan(now + signatureLockout.lockMs + 1000);

      const table = await runScalelog(['credentials', 'lockouts', 'AK_A', '--db', db]);
      const lines = table.stdout.lines();
      expect(lines).toHaveLength(3);
      expect(lines[0]).toMatch(/^AK {4}CLIENT {13}FAILURES {2}LOCKED_UNTIL$/);
      expect(lines[1]).toMatch(/^AK_A {2}192\.0\.2\.1 {10}6 {9}\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      expect(lines[2]).toMatch(/^AK_A {2}2001:db8:0:0::\/64 {2}1 {9}-$/);
      const none = await runScalelog(['credentials', 'lockouts', 'AK_B', '--db', db]);
      expect(none.code).toBe(0);
      expect(none.stdout.text).toBe('');
      expect(none.stderr.text).toBe(
        `${storeLine()}No signature failures remembered for AK AK_B.\n`,
      );
    });

    it('says when there is nothing to list, and prints [] with --json', async () => {
      await create('--project', 'proj-a');
      const none = await runScalelog(['credentials', 'list', '--db', db, '--project', 'proj-z']);
      expect(none.code).toBe(0);
      expect(none.stdout.text).toBe('');
      expect(none.stderr.text).toBe(`${storeLine()}No credentials of project proj-z.\n`);
      const json = await runScalelog([
        'credentials',
        'list',
        '--db',
        db,
        '--project',
        'proj-z',
        '--json',
      ]);
      expect(json.stdout.text).toBe('[]\n');
    });

    it('exits 1 without creating anything when the SQLite file does not exist', async () => {
      const missing = join(dir, 'typo.db');
      const run = await runScalelog(['credentials', 'list', '--db', missing]);
      expect(run.code).toBe(1);
      expect(run.stderr.text).toBe(
        `scalelog credentials list: there is no SQLite database at ${missing}; it holds no credentials.\n`,
      );
      expect(run.storesOpened).toBe(0);
    });
  });

  describe('delete', () => {
    it('deletes a credential, and exits 1 with a message for an AK that does not exist', async () => {
      await create('--project', 'proj-a', '--ak', 'GONE');
      const run = await runScalelog(['credentials', 'delete', '--db', db, 'GONE']);
      expect(run.code).toBe(0);
      expect(run.stderr.text).toBe(
        `${storeLine()}Deleted the credential GONE. Servers already running stop accepting it within their credentialCacheTtlMs (2 s by default).\n`,
      );
      const again = await runScalelog(['credentials', 'delete', '--db', db, 'GONE']);
      expect(again.code).toBe(1);
      expect(again.stderr.text).toBe(
        `${storeLine()}scalelog credentials delete: there is no credential with AK "GONE" in sqlite:${join(dir, 'scalelog.db')}; 'scalelog credentials list' shows them.\n`,
      );
      const list = await runScalelog(['credentials', 'list', '--db', db, '--json']);
      expect(list.stdout.text).toBe('[]\n');
    });
  });
});

describe('a store that does not exist', () => {
  it.each([
    [['credentials', 'create', '--project', 'proj-a'], 'credential'],
    [['token', 'create', '--project', 'proj-a'], 'token'],
  ])(
    '%j refuses it with exit 1 and creates nothing: no server would know what it made',
    async (args, what) => {
      const elsewhere = join(dir, 'elsewhere');
      const missing = join(elsewhere, 'scalelog.db');
      const run = await runScalelog([...args, '--db', missing], {
        env: { SCALELOG_SECRET_KEY: undefined },
      });
      expect(run.code).toBe(1);
      expect(run.stdout.text).toBe('');
      expect(run.stderr.text).toBe(
        `scalelog ${args.slice(0, 2).join(' ')}: there is no SQLite database at ${missing}; ` +
          `a ${what} made there would be known to no server: give --db the database your server uses ` +
          '(`scalelog serve` creates it on its first start).\n',
      );
      expect(run.storesOpened).toBe(0);
      expect(existsSync(elsewhere)).toBe(false);
    },
  );

  it.each([
    [['credentials', 'list'], 'it holds no credentials'],
    [['credentials', 'delete', 'SOME_AK'], 'it holds no credentials'],
    [['token', 'revoke', 'scalelog_x'], 'it holds no tokens'],
  ])('%j refuses it with exit 1 and creates nothing', async (args, meaning) => {
    const missing = join(dir, 'typo.db');
    const run = await runScalelog([...args, '--db', missing]);
    expect(run.code).toBe(1);
    expect(run.stderr.text).toBe(
      `scalelog ${args.slice(0, 2).join(' ')}: there is no SQLite database at ${missing}; ${meaning}.\n`,
    );
    expect(run.storesOpened).toBe(0);
    expect(existsSync(missing)).toBe(false);
  });
});

describe.skipIf(postgres?.available !== true)('on PostgreSQL', () => {
  it('says which store it used without its password, and keeps stdout for the token', async () => {
    if (postgres === undefined) throw new Error('test/support/backends.ts lists no PostgreSQL');
    const fresh = await postgres.fresh();
    try {
      const url = new URL(fresh.url);
      // Trust authentication ignores it; it must still never be shown.
      url.password = 's3cret';
      const run = await runScalelog([
        'token',
        'create',
        '--db',
        url.toString(),
        '--project',
        'proj-a',
      ]);
      expect(run.code).toBe(0);
      expect(run.stdout.text).toMatch(/^scalelog_[A-Za-z0-9_-]{43}\n$/);
      const shown = new URL(fresh.url);
      shown.password = '***';
      shown.search = '';
      expect(run.stderr.lines()[0]).toBe(`store: ${shown.toString()} (PostgreSQL)`);
      expect(run.stderr.text).not.toContain('s3cret');
    } finally {
      await fresh.cleanup();
    }
  });
});

describe('scalelog token', () => {
  it('prints the token alone on stdout and its expiry on stderr, 24 h by default', async () => {
    const before = Date.now();
    const run = await runScalelog(['token', 'create', '--db', db, '--project', 'proj-a']);
    expect(run.code).toBe(0);
    const [token, ...rest] = run.stdout.lines();
    expect(rest).toEqual([]);
    expect(token).toMatch(/^scalelog_[A-Za-z0-9_-]{43}$/);
    expect(run.stderr.lines()[0]).toBe(storeLine().trimEnd());
    const m =
      /^Token for project proj-a, valid until (\S+): send it as the X-Auth-Token header\.\n$/.exec(
        run.stderr.text.slice(storeLine().length),
      );
    expect(m).not.toBeNull();
    const expires = (parseWireTime(m?.[1] ?? '') ?? 0) * 1000;
    expect(expires).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000 + 86_400_000);
    expect(expires).toBeLessThanOrEqual(Date.now() + 86_400_000);

    // Kept only as its hash.
    const store = await openStore(db);
    try {
      expect((await store.getToken(hashToken(token ?? '')))?.projectId).toBe('proj-a');
      expect(await store.getToken(token ?? '')).toBeUndefined();
    } finally {
      await store.close();
    }
  });

  it.each([
    ['3600s', 3_600_000],
    ['30m', 1_800_000],
    ['7d', 7 * 86_400_000],
    ['1s', 1000],
    ['365d', 365 * 86_400_000],
  ])('with --json --ttl %s prints {"token", "expires_at"} that far ahead', async (ttl, ms) => {
    const before = Date.now();
    const run = await runScalelog([
      'token',
      'create',
      '--db',
      db,
      '--project',
      'proj-a',
      '--ttl',
      ttl,
      '--json',
    ]);
    expect(run.code).toBe(0);
    expect(run.stderr.text).toBe(storeLine());
    expect(run.stdout.lines()).toHaveLength(1);
    const issued = JSON.parse(run.stdout.text) as { token: string; expires_at: string };
    expect(Object.keys(issued)).toEqual(['token', 'expires_at']);
    expect(issued.expires_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const expires = (parseWireTime(issued.expires_at) ?? 0) * 1000;
    expect(expires).toBeGreaterThanOrEqual(Math.floor((before + ms) / 1000) * 1000);
    expect(expires).toBeLessThanOrEqual(Date.now() + ms);
  });

  it.each([
    ['400d', 'is over the 365-day maximum of a token lifetime: give at most 365d (8760h).'],
    ['366d', 'is over the 365-day maximum of a token lifetime: give at most 365d (8760h).'],
    ['8761h', 'is over the 365-day maximum of a token lifetime: give at most 365d (8760h).'],
    [
      '99999999999999999999s',
      'is over the 365-day maximum of a token lifetime: give at most 365d (8760h).',
    ],
    ['0s', 'is under the 1-second minimum of a token lifetime: give from 1s to 365d.'],
  ])('refuses --ttl %s with exit 2, naming the limit it is past', async (ttl, why) => {
    const run = await runScalelog(['token', 'create', '--db', db, '--project', 'p', '--ttl', ttl]);
    expect(run.code).toBe(2);
    expect(run.stderr.text).toBe(`scalelog token create: --ttl "${ttl}" ${why}\n`);
    expect(run.storesOpened).toBe(0);
  });

  it.each(['5y', '1.5h', 'h', '-1h', '24', '1 d', 'd7'])(
    'refuses --ttl %s with exit 2 and says what is accepted',
    async (ttl) => {
      const run = await runScalelog([
        'token',
        'create',
        '--db',
        db,
        '--project',
        'p',
        '--ttl',
        ttl,
      ]);
      expect(run.code).toBe(2);
      expect(run.stderr.text).toBe(
        `scalelog token create: --ttl ${JSON.stringify(ttl)} is not a token lifetime: expected a whole number and a unit (s, m, h or d), such as 3600s, 30m, 24h or 7d, from 1s to 365d.\n`,
      );
      expect(run.storesOpened).toBe(0);
    },
  );

  it('refuses a bad project with exit 2', async () => {
    const run = await runScalelog(['token', 'create', '--db', db, '--project', 'a/b']);
    expect(run.code).toBe(2);
    expect(run.stderr.text).toContain('project id "a/b" is not valid');
  });

  it('needs no secret key: it creates no key file', async () => {
    const keyFile = join(dir, 'scalelog.key');
    const run = await runScalelog(['token', 'create', '--db', db, '--project', 'p'], {
      env: { SCALELOG_SECRET_KEY_FILE: keyFile },
    });
    expect(run.code).toBe(0);
    expect(existsSync(keyFile)).toBe(false);
  });

  it('revokes a token, and exits 1 for one this store never issued', async () => {
    const created = await runScalelog(['token', 'create', '--db', db, '--project', 'p']);
    const token = created.stdout.text.trim();
    const run = await runScalelog(['token', 'revoke', '--db', db, token]);
    expect(run.code).toBe(0);
    expect(run.stderr.text).toBe(
      `${storeLine()}Revoked the token. Servers already running stop accepting it within their credentialCacheTtlMs (2 s by default).\n`,
    );
    const store = await openStore(db);
    try {
      expect((await store.getToken(hashToken(token)))?.revokedAt).toBeDefined();
    } finally {
      await store.close();
    }
    const unknown = await runScalelog(['token', 'revoke', '--db', db, 'scalelog_not-a-real-one']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr.text).toBe(
      `${storeLine()}scalelog token revoke: this token was not issued by sqlite:${join(dir, 'scalelog.db')}; nothing was revoked.\n`,
    );
    expect(unknown.stderr.text).not.toContain('not-a-real-one');
  });
});
