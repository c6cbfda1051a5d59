/**
 * The figures that need HTTP and therefore authentication: query latency through
 * `app.inject`, query throughput over a real socket against a bare Fastify floor, and server
 * memory under load. Every request is AK/SK-signed as the official Node SDK signs
 * (`SDK-HMAC-SHA256`, with the test suite's independent signer, test/support/sdk-signing.ts),
 * so the figures include the cost of verifying signatures.
 */
import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { createServer } from 'node:net';
import { join } from 'node:path';
import autocannon from 'autocannon';
import type { AutocannonResult } from 'autocannon';
import { buildApp } from '../src/app.js';
import type { CredentialService } from '../src/auth/credential-service.js';
import { openSecretKey } from '../src/auth/open-secret-key.js';
import { storeCredentialService } from '../src/auth/store-credential-service.js';
import { defaultConfig } from '../src/config/config.js';
import type { LogQuery } from '../src/domain/log-query.js';
import type { Store } from '../src/store/store.js';
import type { CredentialStore } from '../src/store/credential-store.js';
import { signRequest } from '../test/support/sdk-signing.js';
import type { SigningKey } from '../test/support/sdk-signing.js';
import type { BenchSizes } from './bench-options.js';
import { childEnv, startChild } from './child-process.js';
import type { Child } from './child-process.js';
import type { Dataset } from './generate-dataset.js';
import { measureLatency, processMemory } from './measure.js';
import type { Timing } from './measure.js';
import { busyQuery, probeQueries, queryPath, typicalQueryNames } from './probe-queries.js';
import { figure } from './report.js';
import type { Figure } from './report.js';

/** Credentials of the projects the bench queries, and the secret key that seals them. */
export interface BenchCredentials {
  /** Base64 key for `SCALELOG_SECRET_KEY`, so a server child can open the stored SKs. */
  readonly secretKey: string;
  readonly byProject: ReadonlyMap<string, SigningKey>;
  readonly service: CredentialService;
}

/**
 * Creates one AK/SK per project that the bench queries (the probes' and the busy policy's),
 * through the same credential service `scalelog serve` uses, sealed with a key derived
 * from the seed.
 */
export async function createBenchCredentials(
  store: Store & CredentialStore,
  dataset: Dataset,
): Promise<BenchCredentials> {
  const secretKey = createHash('sha256').update(`scalelog-bench-${dataset.seed}`).digest('base64');
  const opened = await openSecretKey({ secretKey, secretKeyFile: '/nonexistent/bench.key' }, store);
  const service = storeCredentialService({
    store,
    skCipher: () => Promise.resolve(opened.cipher),
  });
  const projects = [
    ...new Set([...dataset.probes, ...dataset.busy].map((p) => p.projectId)),
  ].sort();
  const byProject = new Map<string, SigningKey>();
  for (const [i, projectId] of projects.entries()) {
    const ak = `BENCH${String(i).padStart(4, '0')}`;
    const sk = createHash('sha256').update(`${secretKey}:${ak}`).digest('hex').slice(0, 40);
    await service.createCredential({ projectId, ak, sk });
    byProject.set(projectId, { ak, sk });
  }
  return { secretKey, byProject, service };
}

/** Signed headers for a GET of `path` in `projectId`, as the Node SDK sends them. */
function signedHeaders(
  credentials: BenchCredentials,
  projectId: string,
  path: string,
  host: string,
): Record<string, string> {
  const key = credentials.byProject.get(projectId);
  if (key === undefined) throw new Error(`the bench has no credential for project ${projectId}`);
  return signRequest(
    {
      method: 'GET',
      url: path,
      headers: { host, 'content-type': 'application/json', 'x-project-id': projectId },
    },
    key,
    { date: Date.now() },
  );
}

/**
 * Latency of the probe queries and the busy policy's page 0 through `app.inject` of
 * `buildApp`: routing, authentication (signature and credential lookup), validation, the
 * store and serialization, without a socket. Each repetition sends a request signed
 * beforehand, so the timing holds the server's work only.
 */
export async function injectLatencies(
  store: Store,
  credentials: BenchCredentials,
  dataset: Dataset,
  sizes: BenchSizes,
  withBusy: boolean,
): Promise<Record<string, Timing>> {
  const app = buildApp({
    store,
    config: defaultConfig,
    credentials: credentials.service,
    logger: false,
  });
  await app.ready();
  const host = 'scalelog.bench';
  const out: Record<string, Timing> = {};
  const time = async (name: string, queries: readonly LogQuery[]): Promise<void> => {
    const requests = queries.map((q) => {
      const url = queryPath(q);
      return { url, headers: signedHeaders(credentials, q.projectId, url, host) };
    });
    out[name] = await measureLatency(
      async (i) => {
        const r = requests[i % requests.length] ?? requests[0];
        if (r === undefined) return;
        const response = await app.inject({ method: 'GET', url: r.url, headers: r.headers });
        if (response.statusCode !== 200) {
          throw new Error(`inject ${r.url}: status ${response.statusCode}: ${response.body}`);
        }
      },
      sizes.latencyReps,
      sizes.latencyBudgetMs,
    );
  };
  try {
    const page0 = probeQueries.find((q) => q.name === 'page0');
    if (page0 === undefined) throw new Error('no page0 probe query');
    await time(
      'page0',
      dataset.probes.map((p) => page0.build(p, dataset)),
    );
    if (withBusy) await time('busy_page0', [busyQuery(dataset, false)]);
  } finally {
    await app.close();
  }
  return out;
}

// ------------------------------------------------------------------ HTTP under load

export interface HttpLoadInput {
  readonly dbUrl: string;
  readonly dataset: Dataset;
  readonly sizes: BenchSizes['http'];
  readonly credentials: BenchCredentials;
  readonly repoRoot: string;
  /** Where the bare server's compiled entry is. */
  readonly bareServerScript: string;
  readonly scratchDir: string;
  /**
   * Median latency of `store.queryLogs` alone (in-process) averaged over the request mix, when
   * the latency figures were measured: it bounds what any server on this store can reach.
   */
  readonly storeOnlyMs?: number;
  /** When set, the server child runs under `node --cpu-prof` and writes its profile here. */
  readonly cpuProfDir?: string;
  readonly log: (message: string) => void;
}

interface BenchRequest {
  readonly projectId: string;
  readonly path: string;
}

/** The request mix: typical filters on every probe policy, and the busy policy's page 0. */
function requestMix(dataset: Dataset): BenchRequest[] {
  const out: BenchRequest[] = [];
  for (const p of dataset.probes) {
    for (const q of probeQueries) {
      if (typicalQueryNames.has(q.name))
        out.push({ projectId: p.projectId, path: queryPath(q.build(p, dataset)) });
    }
  }
  for (const window of [false, true]) {
    const q = busyQuery(dataset, window);
    out.push({ projectId: q.projectId, path: queryPath(q) });
  }
  return out;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => {
        resolve(port);
      });
    });
  });
}

function get(
  port: number,
  path: string,
  headers: Record<string, string>,
): Promise<{ status: number; type: string; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, method: 'GET', headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        resolve({
          status: res.statusCode ?? 0,
          type: res.headers['content-type'] ?? '',
          body: Buffer.concat(chunks),
        });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

export async function waitUntil(
  what: string,
  child: Child,
  ready: () => Promise<boolean>,
): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exited()) throw new Error(`${what} exited before it was ready:\n${child.output()}`);
    if (await ready().catch(() => false)) return;
    if (Date.now() > deadline)
      throw new Error(`${what} was not ready within 30 s:\n${child.output()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

interface LoadResult {
  readonly ok: number;
  readonly non2xx: number;
  readonly errors: number;
  readonly seconds: number;
  readonly latencyP50Ms: number;
  readonly latencyP99Ms: number;
}

const summarizeLoad = (r: AutocannonResult): LoadResult => ({
  ok: r['2xx'],
  non2xx: r.non2xx,
  errors: r.errors,
  seconds: r.duration,
  latencyP50Ms: r.latency.p50,
  latencyP99Ms: r.latency.p99,
});

/** Concurrent clients while serving the requests the server-memory figure counts. */
const memoryConnections = 64;

const mib = (bytes: number): number => Math.round((bytes / 2 ** 20) * 10) / 10;

/**
 * Query throughput of Scalelog (`bin/scalelog serve`, a child process, request logging at
 * `warn`) against a bare Fastify server returning the same bytes for the same requests
 * under the same load generator (autocannon, in this process), and the server's resident
 * memory after a few and after many requests.
 */
export async function runHttpLoad(
  input: HttpLoadInput,
): Promise<{ figures: Figure[]; details: Record<string, unknown> }> {
  const { sizes, credentials, log } = input;
  const mix = requestMix(input.dataset);
  const scalelogPort = await freePort();
  const host = `127.0.0.1:${scalelogPort}`;
  const scalelog = startChild(
    process.execPath,
    [
      ...(input.cpuProfDir === undefined
        ? []
        : ['--cpu-prof', `--cpu-prof-dir=${input.cpuProfDir}`]),
      join(input.repoRoot, 'bin', 'scalelog'),
      'serve',
      '--db',
      input.dbUrl,
      '--listen',
      host,
      '--log-level',
      'warn',
    ],
    childEnv({
      SCALELOG_SECRET_KEY: credentials.secretKey,
      SCALELOG_SECRET_KEY_FILE: join(input.scratchDir, 'unused.key'),
    }),
    input.repoRoot,
  );
  let bare: Child | undefined;
  try {
    await waitUntil('bin/scalelog serve', scalelog, async () => {
      const r = await get(scalelogPort, '/healthz', {});
      return r.status === 200;
    });

    // Each request once, to check it answers 200 and to give the floor its bytes.
    const responses: Record<string, { type: string; body: string }> = {};
    let bodyBytes = 0;
    for (const r of mix) {
      const answer = await get(
        scalelogPort,
        r.path,
        signedHeaders(credentials, r.projectId, r.path, host),
      );
      if (answer.status !== 200) {
        throw new Error(`GET ${r.path}: status ${answer.status}: ${answer.body.toString('utf8')}`);
      }
      responses[r.path] = { type: answer.type, body: answer.body.toString('base64') };
      bodyBytes += answer.body.length;
    }
    const responsesPath = join(input.scratchDir, 'bare-responses.json');
    await writeFile(responsesPath, JSON.stringify(responses));
    const barePort = await freePort();
    bare = startChild(
      process.execPath,
      [input.bareServerScript, String(barePort), responsesPath],
      childEnv({}),
      input.repoRoot,
    );
    const bareChild = bare;
    await waitUntil('the bare Fastify server', bareChild, () =>
      Promise.resolve(bareChild.output().includes('ready')),
    );

    // Signed afresh before every run: signatures are valid for 15 minutes.
    const requests = (port: number) =>
      mix.map((r) => ({
        method: 'GET',
        path: r.path,
        headers: signedHeaders(credentials, r.projectId, r.path, `127.0.0.1:${port}`),
      }));
    const load = async (
      port: number,
      run: { duration?: number; amount?: number; connections?: number },
    ): Promise<LoadResult> =>
      summarizeLoad(
        await autocannon({
          url: `http://127.0.0.1:${port}`,
          connections: sizes.connections,
          requests: requests(port),
          timeout: 30,
          ...run,
        }),
      );

    let served = 0;
    // Server memory after every batch of the memory runs: a leak climbs with the requests,
    // a heap settling at its working size levels off. The first run is served in tenths, so
    // the trace also shows how far the first reading swings before the heap has settled.
    const trace: { requests: number; rss: number | undefined }[] = [];
    const serveMore = async (target: number, batch = 100_000): Promise<void> => {
      while (served < target) {
        // More clients than the throughput runs: the memory figure is about load, and
        // the server answers a little faster with more requests in flight.
        const r = await load(scalelogPort, {
          amount: Math.min(batch, target - served),
          connections: memoryConnections,
        });
        if (r.non2xx > 0 || r.errors > 0) {
          throw new Error(
            `Scalelog answered ${r.non2xx} non-2xx and ${r.errors} errors under load:\n${scalelog.output()}`,
          );
        }
        served += r.ok;
        trace.push({ requests: served, rss: (await processMemory(scalelog.pid))?.rss });
      }
    };

    log(`  http: ${sizes.memorySmallRequests.toLocaleString('en')} requests, then server memory`);
    await serveMore(sizes.memorySmallRequests, Math.ceil(sizes.memorySmallRequests / 10));
    const memorySmall = await processMemory(scalelog.pid);
    const servedSmall = served;

    log(
      `  http: throughput, ${sizes.rounds} x ${sizes.seconds} s per server, ${sizes.connections} connections`,
    );
    await load(barePort, { duration: 1 });
    const runs: { server: 'scalelog' | 'bare'; result: LoadResult }[] = [];
    for (let round = 0; round < sizes.rounds; round += 1) {
      for (const server of ['scalelog', 'bare'] as const) {
        const result = await load(server === 'scalelog' ? scalelogPort : barePort, {
          duration: sizes.seconds,
        });
        runs.push({ server, result });
        if (server === 'scalelog') served += result.ok + result.non2xx;
      }
    }
    const rate = (server: 'scalelog' | 'bare'): { rps: number; non2xx: number; errors: number } => {
      const mine = runs.filter((r) => r.server === server).map((r) => r.result);
      const ok = mine.reduce((n, r) => n + r.ok, 0);
      const seconds = mine.reduce((n, r) => n + r.seconds, 0);
      return {
        rps: ok / seconds,
        non2xx: mine.reduce((n, r) => n + r.non2xx, 0),
        errors: mine.reduce((n, r) => n + r.errors, 0),
      };
    };
    const ours = rate('scalelog');
    const floor = rate('bare');

    log(
      `  http: up to ${sizes.memoryLargeRequests.toLocaleString('en')} requests, then server memory`,
    );
    await serveMore(sizes.memoryLargeRequests);
    const memoryLarge = await processMemory(scalelog.pid);

    const throughputOk = ours.non2xx === 0 && ours.errors === 0 && floor.non2xx === 0;
    const ceiling =
      input.storeOnlyMs === undefined
        ? undefined
        : `store.queryLogs alone takes ${input.storeOnlyMs.toFixed(3)} ms per request of this mix (median, in-process), which caps one core at ${Math.round(1000 / input.storeOnlyMs).toLocaleString('en')} req/s = ${(1000 / input.storeOnlyMs / floor.rps).toFixed(2)}x the floor before any HTTP or signature work`;
    const notes = [
      ...(throughputOk
        ? []
        : [`invalid run: ${ours.non2xx} non-2xx, ${ours.errors} errors from Scalelog`]),
      ...(ceiling === undefined ? [] : [ceiling]),
    ];
    const figures: Figure[] = [
      figure({
        id: 'http.throughput',
        title: 'HTTP query throughput',
        ours: {
          value: throughputOk ? ours.rps : Number.NaN,
          unit: 'req/s',
          what: `bin/scalelog serve (log level warn), AK/SK-signed GETs, limit 20, ${mix.length} distinct queries (probe policies with typical filters, busy policy page 0), ${sizes.connections} connections, autocannon in the bench process`,
        },
        floor: {
          value: floor.rps,
          unit: 'req/s',
          what: 'bare Fastify returning the same bytes for the same requests, same load',
        },
        target: { op: '>=', value: 0.6 },
        ...(notes.length === 0 ? {} : { note: notes.join('; ') }),
      }),
      figure({
        id: 'http.server_memory',
        title: 'server memory under load',
        ours: {
          value: mib(memoryLarge?.rss ?? Number.NaN),
          unit: 'MiB',
          what: `server RSS (VmRSS) after ${served.toLocaleString('en')} requests (${memoryConnections} connections, plus the throughput runs)`,
        },
        floor: {
          value: mib(memorySmall?.rss ?? Number.NaN),
          unit: 'MiB',
          what: `server RSS after ${servedSmall.toLocaleString('en')} requests`,
        },
        target: { op: '<=', value: 1.2 },
      }),
    ];
    return {
      figures,
      details: {
        ...(input.storeOnlyMs === undefined ? {} : { storeOnlyMs: input.storeOnlyMs }),
        requestMix: mix.map((r) => r.path),
        averageResponseBytes: Math.round(bodyBytes / mix.length),
        runs,
        memory: {
          afterRequests: { small: servedSmall, large: served },
          smallBytes: memorySmall,
          largeBytes: memoryLarge,
          trace,
        },
      },
    };
  } finally {
    await bare?.stop();
    await scalelog.stop();
  }
}
