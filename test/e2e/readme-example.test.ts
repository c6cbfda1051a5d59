import { readFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, repoRoot, runScalelog, ScalelogProcess } from './scalelog-process.js';

/** The README's "Try it" section, run as written: its import, its curl URL, its answer. */
const readme = await readFile(join(repoRoot, 'README.md'), 'utf8');
const tryIt = readme.slice(readme.indexOf('## Try it'), readme.indexOf('## What it serves'));
const heredoc = /bin\/scalelog import - <<'EOF'\n([\s\S]*?)\nEOF\n/.exec(tryIt)?.[1];
const curlUrl = /curl -s '(http:\/\/127\.0\.0\.1:8080\/[^']+)'/.exec(tryIt)?.[1];
const shownAnswer = /```json\n([\s\S]*?)\n```/.exec(tryIt)?.[1];

let dir: string | undefined;
let server: ScalelogProcess | undefined;
beforeAll(async () => {
  await assertBuilt();
  dir = await mkdtemp(join(tmpdir(), 'scalelog-readme-'));
});
afterAll(async () => {
  server?.kill();
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

describe('the README example', () => {
  it('answers exactly what the README shows', async () => {
    expect(heredoc).toBeDefined();
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
    const response = await fetch((curlUrl ?? '').replace('http://127.0.0.1:8080', String(url)));
    expect(response.status).toBe(200);
    // The README shows the answer formatted; compare values, since key order carries no meaning.
    expect(await response.json()).toEqual(JSON.parse(shownAnswer ?? ''));
  });
});
