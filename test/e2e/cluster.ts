import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll } from 'vitest';
import { assertBuilt, ScalelogProcess } from './scalelog-process.js';

/**
 * What the tests of several real `bin/scalelog serve` processes on one database share: the
 * servers started and ready, each with its own key file and a fast scheduler, and their
 * cleanup after each test.
 */

/** A fixed id of `kind` (a group, a policy, a hold...) and number `n`, a valid UUID. */
export const clusterId = (kind: number, n: number): string =>
  `00000000-0000-4000-${String(8000 + kind)}-${n.toString(16).padStart(12, '0')}`;

const running: ScalelogProcess[] = [];
const dirs: string[] = [];

/** Registers, for the calling test file, the build check and the cleanup after each test. */
export function clusterLifecycle(): void {
  beforeAll(assertBuilt);
  afterEach(async () => {
    stopCluster();
    for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
  });
}

/**
 * Starts `count` servers on the store at `dbUrl`, each in the same fresh directory with a key
 * file of its own, and waits until every one listens.
 */
export async function startCluster(dbUrl: string, count = 3): Promise<ScalelogProcess[]> {
  const dir = await mkdtemp(join(tmpdir(), 'scalelog-cluster-'));
  dirs.push(dir);
  const env = {
    SCALELOG_DB: dbUrl,
    SCALELOG_SECRET_KEY: randomBytes(32).toString('base64'),
    SCALELOG_SCHEDULER_INTERVAL_MS: '20',
    // Changes stay under way a while, so a kill lands with work in flight.
    SCALELOG_INSTANCE_SETTLE_MS: '1500',
  };
  const servers = Array.from({ length: count }, (_, n) => {
    const p = new ScalelogProcess(['serve', '--listen', '127.0.0.1:0'], {
      cwd: dir,
      env: { ...env, SCALELOG_SECRET_KEY_FILE: join(dir, `key-${String(n)}`) },
    });
    running.push(p);
    return p;
  });
  await Promise.all(
    servers.map((s) =>
      s.waitForLog((l) => typeof l.msg === 'string' && l.msg.startsWith('scalelog listening')),
    ),
  );
  return servers;
}

/** Stops every server still running. */
export function stopCluster(): void {
  for (const p of running.splice(0)) p.kill();
}
