/** What one `npm run bench` run does, read from its command line. */

export type BenchMode = 'quick' | 'full';
export type BenchStore = 'sqlite' | 'postgres';
export const benchParts = [
  'import',
  'export',
  'latency',
  'memory',
  'http',
  'ingest',
  'engine',
  'activities',
] as const;
export type BenchPart = (typeof benchParts)[number];

/** The data set and the load, per mode. */
export interface BenchSizes {
  readonly projects: number;
  /** Logs in the store once it has grown to full size. */
  readonly totalLogs: number;
  /** Logs in the store for the "small" latency measurements: every probe policy complete. */
  readonly smallLogs: number;
  readonly probePolicies: number;
  /** Logs of each probe policy. */
  readonly probeLogs: number;
  /** Logs of each busy policy; the first is the one the busy and deep-page figures use. */
  readonly busyLogs: readonly number[];
  /** `start_number` of the deep page, in the first busy policy. */
  readonly deepPageStart: number;
  /** Logs imported by the smaller of the two import-memory runs. */
  readonly memorySmallLogs: number;
  /** Scheduled triggers the engine figure fires and settles. */
  readonly engineExecutions: number;
  /** Timed repetitions per latency figure (fewer when a query is slow, see latencyBudgetMs). */
  readonly latencyReps: number;
  readonly latencyBudgetMs: number;
  /** The scaling activity log figure (activity-bench.ts). */
  readonly activities: {
    /** Activities in the store once it has grown to full size. */
    readonly total: number;
    /** Activities in the store for the "small" measurement: every probe group complete. */
    readonly small: number;
    readonly probeGroups: number;
    /** Activities of each probe group. */
    readonly probeActivities: number;
    /** The busy group's share of the activities added after the small measurement. */
    readonly busyShare: number;
  };
  readonly http: {
    readonly connections: number;
    /** Seconds of load per throughput measurement (per server, per round). */
    readonly seconds: number;
    readonly rounds: number;
    /** Requests served before the first and the second server-memory reading. */
    readonly memorySmallRequests: number;
    readonly memoryLargeRequests: number;
  };
}

export const sizesByMode: Readonly<Record<BenchMode, BenchSizes>> = Object.freeze({
  full: Object.freeze({
    projects: 2000,
    totalLogs: 10_000_000,
    smallLogs: 10_000,
    probePolicies: 8,
    probeLogs: 1000,
    busyLogs: Object.freeze([1_000_000, 500_000, 250_000]),
    deepPageStart: 500_000,
    memorySmallLogs: 100_000,
    engineExecutions: 20_000,
    latencyReps: 1000,
    latencyBudgetMs: 10_000,
    activities: Object.freeze({
      total: 10_000_000,
      small: 10_000,
      probeGroups: 8,
      probeActivities: 1000,
      busyShare: 0.1,
    }),
    http: Object.freeze({
      connections: 32,
      seconds: 15,
      rounds: 2,
      memorySmallRequests: 10_000,
      memoryLargeRequests: 1_000_000,
    }),
  }),
  quick: Object.freeze({
    projects: 2000,
    totalLogs: 100_000,
    smallLogs: 10_000,
    probePolicies: 8,
    probeLogs: 1000,
    busyLogs: Object.freeze([30_000, 10_000, 5_000]),
    deepPageStart: 15_000,
    memorySmallLogs: 20_000,
    engineExecutions: 2_000,
    latencyReps: 200,
    latencyBudgetMs: 1_000,
    activities: Object.freeze({
      total: 100_000,
      small: 10_000,
      probeGroups: 8,
      probeActivities: 1000,
      busyShare: 0.1,
    }),
    http: Object.freeze({
      connections: 16,
      seconds: 3,
      rounds: 1,
      memorySmallRequests: 2_000,
      memoryLargeRequests: 8_000,
    }),
  }),
});

export interface BenchOptions {
  readonly mode: BenchMode;
  readonly stores: readonly BenchStore[];
  /** A PostgreSQL server URL; the bench creates and drops its own databases there. */
  readonly postgresUrl: string;
  readonly seed: number;
  readonly skip: ReadonlySet<BenchPart>;
  /** Exit 1 when a target is missed (by default a missed target is reported, not a failure). */
  readonly strict: boolean;
  /** Keep the generated data and databases after the run. */
  readonly keep: boolean;
  /** Run the HTTP server child under `node --cpu-prof`, profiles under bench/results/tmp/. */
  readonly cpuProf: boolean;
  readonly sizes: BenchSizes;
}

export const benchUsage = `npm run bench -- [--quick] [--store sqlite|postgres|both] [options]

  --quick              small data, about a minute (default: full mode, 10 million logs)
  --store STORE        sqlite, postgres or both (default both)
  --postgres-url URL   server for the PostgreSQL runs; databases scalelog_bench* are created
                       and dropped there (default postgres://postgres@127.0.0.1:5432/postgres,
                       or $SCALELOG_BENCH_POSTGRES_URL)
  --skip PARTS         comma-separated: ${benchParts.join(', ')}
  --seed N             seed of the data generator (default 1)
  --strict             exit 1 when a target is missed
  --keep               keep generated data and databases
  --http-requests N    requests before the second server-memory reading (default 1,000,000;
                       quick: 8,000), to follow the server's memory over a longer run
  --activities N       activities in the store at full size for the activity log figure
                       (default 10,000,000; quick: 100,000)
  --cpu-prof           profile the HTTP server child (node --cpu-prof) into
                       bench/results/tmp/<mode>/profiles/
  --help
`;

export class BenchUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BenchUsageError';
  }
}

/** Reads the bench's arguments; `env` only for the PostgreSQL URL default. */
export function parseBenchOptions(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): BenchOptions | 'help' {
  let mode: BenchMode = 'full';
  let store = 'both';
  let postgresUrl =
    env.SCALELOG_BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  let seed = 1;
  const skip = new Set<BenchPart>();
  let strict = false;
  let keep = false;
  let cpuProf = false;
  let httpRequests: number | undefined;
  let activities: number | undefined;
  const args = [...argv];
  const value = (flag: string): string => {
    const v = args.shift();
    if (v === undefined || v.startsWith('--')) throw new BenchUsageError(`${flag} needs a value.`);
    return v;
  };
  while (args.length > 0) {
    const arg = args.shift() ?? '';
    const eq = arg.indexOf('=');
    const flag = eq === -1 ? arg : arg.slice(0, eq);
    const inline = eq === -1 ? undefined : arg.slice(eq + 1);
    const take = (): string => inline ?? value(flag);
    switch (flag) {
      case '--quick':
        mode = 'quick';
        break;
      case '--full':
        mode = 'full';
        break;
      case '--store':
        store = take();
        break;
      case '--postgres-url':
        postgresUrl = take();
        break;
      case '--seed': {
        const s = take();
        if (!/^\d{1,9}$/.test(s)) throw new BenchUsageError(`--seed must be an integer, got ${s}.`);
        seed = Number(s);
        break;
      }
      case '--skip':
        for (const part of take().split(',')) {
          if (!(benchParts as readonly string[]).includes(part)) {
            throw new BenchUsageError(
              `--skip: unknown part ${JSON.stringify(part)}; known: ${benchParts.join(', ')}.`,
            );
          }
          skip.add(part as BenchPart);
        }
        break;
      case '--strict':
        strict = true;
        break;
      case '--keep':
        keep = true;
        break;
      case '--cpu-prof':
        cpuProf = true;
        break;
      case '--http-requests': {
        const n = take();
        if (!/^\d{1,9}$/.test(n) || Number(n) < 1) {
          throw new BenchUsageError(`--http-requests must be a positive integer, got ${n}.`);
        }
        httpRequests = Number(n);
        break;
      }
      case '--activities': {
        const n = take();
        if (!/^\d{1,9}$/.test(n) || Number(n) < 20_000) {
          throw new BenchUsageError(`--activities must be an integer from 20000, got ${n}.`);
        }
        activities = Number(n);
        break;
      }
      case '--help':
      case '-h':
        return 'help';
      default:
        throw new BenchUsageError(`unknown argument ${JSON.stringify(arg)}.`);
    }
  }
  const stores: BenchStore[] =
    store === 'both'
      ? ['sqlite', 'postgres']
      : store === 'sqlite' || store === 'postgres'
        ? [store]
        : (() => {
            throw new BenchUsageError(`--store must be sqlite, postgres or both, got ${store}.`);
          })();
  if (!/^postgres(ql)?:\/\//.test(postgresUrl)) {
    throw new BenchUsageError('--postgres-url must be a postgres:// URL.');
  }
  return Object.freeze({
    mode,
    stores,
    postgresUrl,
    seed,
    skip,
    strict,
    keep,
    cpuProf,
    sizes: {
      ...sizesByMode[mode],
      ...(httpRequests === undefined
        ? {}
        : { http: { ...sizesByMode[mode].http, memoryLargeRequests: httpRequests } }),
      ...(activities === undefined
        ? {}
        : { activities: { ...sizesByMode[mode].activities, total: activities } }),
    },
  });
}
