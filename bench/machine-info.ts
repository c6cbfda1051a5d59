import { readFile } from 'node:fs/promises';
import { availableParallelism, cpus, loadavg, release, totalmem, type } from 'node:os';
import { join } from 'node:path';

export interface MachineInfo {
  readonly cpuModel: string;
  readonly cores: number;
  readonly memoryGiB: number;
  readonly os: string;
  readonly node: string;
  /** 1, 5 and 15 minute load averages when the run started: a loaded machine skews figures. */
  readonly loadAverageAtStart: readonly number[];
  readonly packages: Readonly<Record<string, string>>;
}

const packagesOfInterest = ['better-sqlite3', 'pg', 'kysely', 'fastify', 'autocannon'];

async function packageVersion(root: string, name: string): Promise<string> {
  try {
    const text = await readFile(join(root, 'node_modules', name, 'package.json'), 'utf8');
    return (JSON.parse(text) as { version?: string }).version ?? '?';
  } catch {
    return 'not installed';
  }
}

/** What the figures were measured on. Store versions are added per store by the run. */
export async function machineInfo(repoRoot: string): Promise<MachineInfo> {
  const packages: Record<string, string> = {};
  for (const name of packagesOfInterest) packages[name] = await packageVersion(repoRoot, name);
  return {
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    cores: availableParallelism(),
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    os: `${type()} ${release()}`,
    node: process.version,
    loadAverageAtStart: loadavg().map((l) => Math.round(l * 100) / 100),
    packages,
  };
}
