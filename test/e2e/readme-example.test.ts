import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, symlink } from 'node:fs/promises';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
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

/** The README, whose walkthroughs run here as written. */
const readme = await readFile(join(repoRoot, 'README.md'), 'utf8');

/** A `## ` section of the README, up to the next one. */
function section(title: string): string {
  const start = readme.indexOf(`\n## ${title}\n`);
  if (start === -1) throw new Error(`the README has no section ${JSON.stringify(title)}`);
  const end = readme.indexOf('\n## ', start + 1);
  return readme.slice(start, end === -1 ? undefined : end);
}

const shellBlocks = (text: string): string[] =>
  [...text.matchAll(/```sh\n([\s\S]*?)\n```/g)].map((m) => m[1] ?? '');

/** The walkthroughs, in the order a reader pastes them into one shell. */
const walkthroughs = [
  ...shellBlocks(section('Try it')),
  ...shellBlocks(section('Scaling groups, policies and their executions')).slice(0, 1),
];
const shownAnswer = /```json\n([\s\S]*?)\n```/.exec(section('Try it'))?.[1];

/** Runs `script` with bash in `cwd`, killing the whole process group if it hangs. */
function runBash(
  script: string,
  cwd: string,
  timeoutMs: number,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const env: NodeJS.ProcessEnv = {};
    for (const [key, value] of Object.entries(process.env)) {
      if (!key.startsWith('SCALELOG_')) env[key] = value;
    }
    const child = spawn('bash', ['-c', script], { cwd, env, detached: true });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
    }, timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Whether `command` is on the PATH. */
async function onPath(command: string): Promise<boolean> {
  const { code } = await runBash(`command -v ${command}`, tmpdir(), 5_000);
  return code === 0;
}

/** A free TCP port on the loopback address. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

let dir: string | undefined;
let firstStart: ScalelogProcess | undefined;
beforeAll(async () => {
  await assertBuilt();
  dir = await mkdtemp(join(tmpdir(), 'scalelog-readme-'));
});
afterAll(async () => {
  firstStart?.kill();
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

describe('the README example', () => {
  it('runs the walkthroughs as written, on another port set once, in a fresh directory', async () => {
    for (const tool of ['curl', 'jq']) {
      if (!(await onPath(tool))) {
        throw new Error(
          `${tool} is not installed: the README's walkthroughs use it, and this test runs them as written.`,
        );
      }
    }
    expect(walkthroughs).toHaveLength(2);
    expect(shownAnswer).toBeDefined();
    // The port appears once, where the reader sets it; everything else reads $BASE.
    const all = walkthroughs.join('\n');
    expect(all.match(/8080/g)).toHaveLength(1);
    expect(all).toContain('export SCALELOG_LISTEN=127.0.0.1:8080 ');
    const port = await freePort();

    // A fresh clone's directory: bin/ and nothing else, so the default store is new.
    const cwd = join(dir ?? '', 'walkthrough');
    await mkdir(cwd);
    await symlink(join(repoRoot, 'bin'), join(cwd, 'bin'));
    // The harness adds only what keeps the run observable: stop at the first failure, a
    // line break after each walkthrough's last answer (curl prints none), and the README's
    // own way to stop the server.
    const script = [
      'set -euo pipefail',
      ...walkthroughs.map((block) => `${block.replace('8080', String(port))}\necho`),
      'kill %1',
      'wait || true',
    ].join('\n');
    const run = await runBash(script, cwd, 60_000);
    expect(run.code, run.stderr).toBe(0);
    const [tryIt, groups, ...rest] = run.stdout.split('\n');
    expect(rest.join('')).toBe('');

    // Try it: the very bytes the README shows, formatted there.
    expect(tryIt).toBe(JSON.stringify(JSON.parse(shownAnswer ?? '')));
    expect(run.stderr).toContain(
      'imported standard input: 1 read, 1 inserted, 0 updated, 0 unchanged, 0 skipped\n',
    );

    // The group walkthrough: what its last comment says.
    const page = JSON.parse(groups ?? '') as {
      total_number: number;
      scaling_policy_execute_log: Record<string, unknown>[];
    };
    expect(page.total_number).toBe(1);
    expect(page.scaling_policy_execute_log[0]).toMatchObject({
      status: 'SUCCESS',
      execute_type: 'MANUAL',
      old_value: '2',
      desire_value: '3',
    });
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
