import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClientCredential } from '../cli/signed-fetch.js';
import { sdkFetch, tokenFetch } from '../cli/signed-fetch.js';
import {
  assertBuilt,
  repoRoot,
  runScalelog,
  scalelogBin,
  ScalelogProcess,
} from './scalelog-process.js';

/** The README's "Try it" section, run as written: its import, its curl URL, its answer. */
const readme = await readFile(join(repoRoot, 'README.md'), 'utf8');
const tryIt = readme.slice(readme.indexOf('## Try it'), readme.indexOf('## What it serves'));
const heredoc = /bin\/scalelog import - <<'EOF'\n([\s\S]*?)\nEOF\n/.exec(tryIt)?.[1];
const tokenProject = /TOKEN=\$\(bin\/scalelog token create --project (\S+)\)\n/.exec(tryIt)?.[1];
const curlUrl = /curl -s -H "X-Auth-Token: \$TOKEN" '(http:\/\/127\.0\.0\.1:8080\/[^']+)'/.exec(
  tryIt,
)?.[1];
const shownAnswer = /```json\n([\s\S]*?)\n```/.exec(tryIt)?.[1];

let dir: string | undefined;
let server: ScalelogProcess | undefined;
let firstStart: ScalelogProcess | undefined;
beforeAll(async () => {
  await assertBuilt();
  dir = await mkdtemp(join(tmpdir(), 'scalelog-readme-'));
});
afterAll(async () => {
  server?.kill();
  firstStart?.kill();
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

describe('the README example', () => {
  it('answers exactly what the README shows', async () => {
    expect(heredoc).toBeDefined();
    expect(tokenProject).toBeDefined();
    expect(curlUrl).toBeDefined();
    expect(shownAnswer).toBeDefined();
    const db = `sqlite:${join(dir ?? '', 'readme.db')}`;
    server = new ScalelogProcess(['serve', '--listen', '127.0.0.1:0', '--db', db]);
    const { url } = await server.waitForLog((log) => typeof log.url === 'string');
    const imported = await runScalelog(['import', '--db', db, '-'], {
      stdin: `${heredoc ?? ''}\n`,
    });
    expect(imported.stderr).toBe(
      'imported standard input: 1 read, 1 inserted, 0 updated, 0 unchanged, 0 skipped\n',
    );
    const issued = await runScalelog([
      'token',
      'create',
      '--db',
      db,
      '--project',
      tokenProject ?? '',
    ]);
    expect(issued.code).toBe(0);
    const response = await fetch((curlUrl ?? '').replace('http://127.0.0.1:8080', String(url)), {
      headers: { 'X-Auth-Token': issued.stdout.trim() },
    });
    expect(response.status).toBe(200);
    // The README shows the answer formatted; compare values, since key order carries no meaning.
    expect(await response.json()).toEqual(JSON.parse(shownAnswer ?? ''));
  });

  it('on a first start, prints a credential and a token command that work as pasted', async () => {
    // `bin/scalelog serve` with no settings at all, in an empty directory: as after `npm ci`.
    const cwd = join(dir ?? '', 'fresh-clone');
    await mkdir(cwd);
    firstStart = new ScalelogProcess(['serve', '--listen', '127.0.0.1:0'], { cwd });
    const { url } = await firstStart.waitForLog((log) => typeof log.url === 'string');
    const printed = await firstStart.waitForStderr(/^ {2}export HUAWEICLOUD_SDK_PROJECT_ID=\S+$/m);
    const exported = (name: string): string =>
      new RegExp(`^  export ${name}=(\\S+)$`, 'm').exec(printed)?.[1] ?? '';
    const credential: ClientCredential = {
      ak: exported('HUAWEICLOUD_SDK_AK'),
      sk: exported('HUAWEICLOUD_SDK_SK'),
      projectId: exported('HUAWEICLOUD_SDK_PROJECT_ID'),
    };
    expect(credential.projectId).toMatch(/^[0-9a-f]{32}$/);
    expect(printed).toContain(`point their endpoint at ${String(url)}:`);
    const path = `/autoscaling-api/v1/${credential.projectId}/scaling_policy_execute_log/any-policy`;
    // Signed with the printed AK/SK by the official signer: authenticated (404: no such policy).
    expect((await sdkFetch(String(url), credential, { path })).status).toBe(404);

    // The printed token command, run as printed (from the directory the server runs in).
    const line = /^ {2}(\S+) token create (.+)$/m.exec(printed);
    expect(line?.[1]).toBe(scalelogBin);
    const issued = await runScalelog(['token', 'create', ...(line?.[2] ?? '').split(' ')], { cwd });
    expect(issued.code).toBe(0);
    expect((await tokenFetch(String(url), issued.stdout.trim(), { path })).status).toBe(404);
    expect((await fetch(`${String(url)}${path}`)).status).toBe(401);
  });
});
