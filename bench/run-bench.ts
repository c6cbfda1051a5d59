/**
 * `npm run bench`: Scalelog's speed and memory as ratios to what the machine does at best,
 * measured side by side in one run. See bench/README.md.
 */
import { mkdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadavg } from 'node:os';
import { benchUsage, BenchUsageError, parseBenchOptions } from './bench-options.js';
import type { BenchOptions, BenchStore } from './bench-options.js';
import { postgresReachable } from './bench-database.js';
import { generateDataset } from './generate-dataset.js';
import { machineInfo } from './machine-info.js';
import { renderTable, writeResult } from './report.js';
import type { Figure } from './report.js';
import { runStoreSuite } from './store-suite.js';

const here = dirname(fileURLToPath(import.meta.url));
/**
 * The compiled bench runs from bench/results/tmp/build/bench/; the sources live in bench/.
 * Walk up to the folder that holds package.json and bin/scalelog.
 */
function findRepoRoot(): string {
  let dir = here;
  for (let i = 0; i < 8; i += 1) {
    if (dir.endsWith('/bench/results/tmp/build/bench')) return resolve(dir, '../../../../..');
    if (dir.endsWith('/bench')) return resolve(dir, '..');
    dir = dirname(dir);
  }
  return process.cwd();
}

const log = (message: string): void => {
  process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${message}\n`);
};

async function main(argv: readonly string[]): Promise<number> {
  let options: BenchOptions | 'help';
  try {
    options = parseBenchOptions(argv, process.env);
  } catch (e: unknown) {
    if (e instanceof BenchUsageError) {
      process.stderr.write(`bench: ${e.message}\n\n${benchUsage}`);
      return 2;
    }
    throw e;
  }
  if (options === 'help') {
    process.stdout.write(benchUsage);
    return 0;
  }
  const repoRoot = findRepoRoot();
  const resultsDir = join(repoRoot, 'bench', 'results');
  const scratchDir = join(resultsDir, 'tmp', options.mode);
  // Every part writes scratch files here; only the SQLite databases used to create it.
  await mkdir(scratchDir, { recursive: true });
  const bareServerScript = join(here, 'bare-server.js');
  const started = performance.now();
  const machine = await machineInfo(repoRoot);
  log(
    `bench ${options.mode} on ${machine.cpuModel} x${machine.cores}, ${machine.memoryGiB} GiB, node ${machine.node}, load ${machine.loadAverageAtStart.join(' ')}`,
  );

  const stores: BenchStore[] = [];
  for (const store of options.stores) {
    if (store === 'postgres') {
      const reachable = await postgresReachable(options.postgresUrl);
      if (reachable !== true) {
        process.stderr.write(
          `bench: PostgreSQL at ${options.postgresUrl.replace(/\/\/[^@/]*@/, '//***@')} cannot be reached (${reachable}); start it or pass --store sqlite.\n`,
        );
        return 1;
      }
    }
    stores.push(store);
  }

  const generated = await generateDataset(
    join(resultsDir, 'tmp', `data-${options.mode}-seed${options.seed}`),
    options.seed,
    options.sizes,
    log,
  );
  const dataset = generated.dataset;
  log(
    generated.reused
      ? `data set reused: ${dataset.projects} projects, ${dataset.policies} policies`
      : `data set generated in ${generated.seconds.toFixed(1)} s: ${dataset.projects} projects, ${dataset.policies} policies, ${(
          (dataset.small.bytes + dataset.bulk.bytes) /
          2 ** 20
        ).toFixed(0)} MiB`,
  );

  let missed = 0;
  let judged = 0;
  for (const store of stores) {
    const storeStarted = performance.now();
    const result = await runStoreSuite({
      store,
      options,
      dataset,
      repoRoot,
      scratchDir,
      bareServerScript,
      log,
    });
    const seconds = (performance.now() - storeStarted) / 1000;
    const heading = `\nScalelog bench, ${options.mode} mode, ${store} (${result.storeVersion}), ${(
      dataset.small.logs + dataset.bulk.logs
    ).toLocaleString('en')} logs, ${seconds.toFixed(0)} s`;
    process.stdout.write(`${renderTable(heading, result.figures)}\n`);
    const figures: Figure[] = result.figures;
    const withTargets = figures.filter((f) => f.target !== undefined);
    judged += withTargets.length;
    missed += withTargets.filter((f) => f.met !== true).length;
    const partial = options.skip.size > 0;
    const paths = await writeResult(
      resultsDir,
      { mode: options.mode, store, partial },
      {
        mode: options.mode,
        store,
        finishedAt: new Date().toISOString(),
        seconds,
        machine: {
          ...machine,
          loadAverageAtEnd: loadavg().map((l) => Math.round(l * 100) / 100),
          store: result.storeVersion,
        },
        dataset: {
          seed: dataset.seed,
          projects: dataset.projects,
          policies: dataset.policies,
          logs: dataset.small.logs + dataset.bulk.logs,
          smallLogs: dataset.small.logs,
          probes: dataset.probes.length,
          probeLogs: dataset.probes[0]?.logs,
          busyLogs: dataset.busy.map((b) => b.logs),
          window: dataset.window,
          coverage: dataset.coverage,
        },
        sizes: options.sizes,
        skipped: [...options.skip],
        figures: result.figures,
        details: result.details,
      },
    );
    log(`results: ${paths.map((p) => p.slice(repoRoot.length + 1)).join(', ')}`);
  }
  log(
    `done in ${((performance.now() - started) / 1000).toFixed(0)} s; ${judged === 0 ? 'no figures (every part skipped)' : missed === 0 ? 'every target met' : `${missed} of ${judged} targets missed or not judged`}`,
  );
  return options.strict && missed > 0 ? 1 : 0;
}

process.exitCode = await main(process.argv.slice(2));
