/**
 * Overload and slowloris runs against `bin/scalelog serve` (not part of `npm run bench`):
 * what clients and probes see when the server gets more than it can answer.
 *
 *   npm run build && npx tsc -p bench/tsconfig.build.json
 *   node bench/results/tmp/build/bench/overload-bench.js load --connections 10000 --seconds 15
 *   node bench/results/tmp/build/bench/overload-bench.js slowloris --sockets 5000 --seconds 40 --ulimit 4096
 *   ... [--set SCALELOG_MAX_EVENT_LOOP_DELAY_MS=200 ...]
 *
 * `load`: autocannon in this process sends token-authenticated GETs of the group list on
 * `--connections` connections for `--seconds`; a child process probes /healthz every 100 ms
 * on a fresh connection and on one kept-alive connection (5 s timeout each). Prints one JSON
 * object: throughput, latency percentiles, timeouts, answers by status, the probes' answers
 * and latencies, and the server's log bytes per response.
 *
 * `slowloris`: `--sockets` connections each send a request line and one header, then one
 * header byte every 2 s, never finishing; a child probes /healthz on a fresh connection every
 * 250 ms (2 s timeout). Prints the probes' answers per 5-second window: how long new
 * connections went unanswered. `--ulimit` sets the server's open-file limit (`ulimit -n`).
 *
 * The load generator shares the machine with the server: on a small machine the figures
 * say as much about it as about the server. Compare runs made side by side.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { connect } from 'node:net';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { childEnv } from './child-process.js';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = here.endsWith('/bench/results/tmp/build/bench')
  ? resolve(here, '../../../../..')
  : resolve(here, '..');
const scalelog = join(repoRoot, 'bin/scalelog');
const devProject = '5ca1e1090000000000000000000000de';
// A fixed key: the bench's throwaway database needs one, its secrecy does not matter.
const secretKey = Buffer.alloc(32, 7).toString('base64');

interface Options {
  readonly mode: 'load' | 'slowloris';
  readonly connections: number;
  readonly sockets: number;
  readonly seconds: number;
  readonly ulimit: number | undefined;
  readonly settings: Record<string, string>;
}

function parseOptions(argv: readonly string[]): Options {
  const [mode, ...rest] = argv;
  if (mode !== 'load' && mode !== 'slowloris') {
    throw new Error(
      'usage: overload-bench.js load|slowloris [--connections N] [--sockets N] [--seconds S] [--ulimit N] [--set KEY=VALUE]...',
    );
  }
  const numbers: Record<string, number> = { connections: 2000, sockets: 5000, seconds: 15 };
  let ulimit: number | undefined;
  const settings: Record<string, string> = {};
  for (let i = 0; i < rest.length; i += 2) {
    const [flag, value] = [rest[i] ?? '', rest[i + 1] ?? ''];
    if (flag === '--set') {
      const eq = value.indexOf('=');
      if (eq < 1) throw new Error(`--set takes KEY=VALUE, not ${value}`);
      settings[value.slice(0, eq)] = value.slice(eq + 1);
    } else if (flag === '--ulimit') {
      ulimit = Number(value);
    } else if (flag.startsWith('--') && flag.slice(2) in numbers) {
      numbers[flag.slice(2)] = Number(value);
    } else {
      throw new Error(`unknown option ${flag}`);
    }
  }
  return {
    mode,
    connections: numbers.connections ?? 2000,
    sockets: numbers.sockets ?? 5000,
    seconds: numbers.seconds ?? 15,
    ulimit,
    settings,
  };
}

interface Server {
  readonly host: string;
  readonly port: number;
  readonly db: string;
  readonly logFile: string;
  stop(): Promise<void>;
}

/** `scalelog serve --dev` on a fresh SQLite database, its log to a file. */
async function startServer(options: Options, dir: string): Promise<Server> {
  const db = join(dir, 'scalelog.db');
  const logFile = join(dir, 'server.log');
  const command = `${options.ulimit === undefined ? '' : `ulimit -n ${options.ulimit} && `}exec "$0" serve --dev --db "$1" --listen 127.0.0.1:0 >"$2" 2>&1`;
  const child = spawn('sh', ['-c', command, scalelog, db, logFile], {
    env: childEnv({ SCALELOG_SECRET_KEY: secretKey, ...options.settings }),
    stdio: 'ignore',
  });
  const exited = new Promise<void>((done) =>
    child.once('exit', () => {
      done();
    }),
  );
  const deadline = Date.now() + 30_000;
  for (;;) {
    let text = '';
    try {
      text = readFileSync(logFile, 'utf8');
    } catch {
      // not written yet
    }
    const m = /listening on http:\/\/([\d.]+):(\d+)/.exec(text);
    if (m !== null) {
      return {
        host: m[1] ?? '127.0.0.1',
        port: Number(m[2]),
        db,
        logFile,
        stop: async () => {
          child.kill('SIGTERM');
          await exited;
        },
      };
    }
    if (Date.now() > deadline || child.exitCode !== null)
      throw new Error(`serve did not start:\n${text}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The probe child's program: probes /healthz until SIGTERM, then prints its figures. */
const probeProgram = `
import http from 'node:http';
const [url, mode] = process.argv.slice(1);
const kept = new http.Agent({ keepAlive: true, maxSockets: 1 });
const runs = { fresh: [], kept: [] };
let on = true;
const once = (agent, timeout) => new Promise((done) => {
  const t = performance.now();
  const req = http.get(url + '/healthz', { agent, timeout }, (res) => {
    res.resume();
    res.on('end', () => done({ at: t, ok: res.statusCode === 200, ms: performance.now() - t }));
  });
  req.on('timeout', () => req.destroy(new Error('timeout')));
  req.on('error', (e) => done({ at: t, ok: false, why: e.message === 'timeout' ? 'timeout' : e.code ?? e.message }));
});
const loop = async (agent, into, timeout, every) => {
  while (on) { into.push(await once(agent, timeout)); await new Promise((r) => setTimeout(r, every)); }
};
const started = performance.now();
const loops = mode === 'load'
  ? [loop(false, runs.fresh, 5000, 100), loop(kept, runs.kept, 5000, 100)]
  : [loop(false, runs.fresh, 2000, 250)];
process.on('SIGTERM', async () => {
  on = false;
  await Promise.all(loops);
  for (const r of [...runs.fresh, ...runs.kept]) r.at -= started;
  process.stdout.write(JSON.stringify(runs));
  process.exit(0);
});
process.stdout.write('ready\\n');
`;

interface Probe {
  readonly at: number;
  readonly ok: boolean;
  readonly ms?: number;
  readonly why?: string;
}

async function startProbes(
  url: string,
  mode: Options['mode'],
): Promise<() => Promise<{ fresh: Probe[]; kept: Probe[] }>> {
  const child = spawn(process.execPath, ['--input-type=module', '-e', probeProgram, url, mode], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString('utf8');
  });
  await new Promise<void>((ready) => {
    const check = (): void => {
      if (out.startsWith('ready\n')) ready();
      else setTimeout(check, 20);
    };
    check();
  });
  return async () => {
    const exited = new Promise((done) => child.once('exit', done));
    child.kill('SIGTERM');
    await exited;
    return JSON.parse(out.slice('ready\n'.length)) as { fresh: Probe[]; kept: Probe[] };
  };
}

function summarize(probes: readonly Probe[]) {
  const ms = probes
    .filter((p) => p.ok)
    .map((p) => p.ms ?? 0)
    .sort((a, b) => a - b);
  const at = (q: number) =>
    ms.length === 0
      ? null
      : Math.round(ms[Math.min(ms.length - 1, Math.floor(q * ms.length))] ?? 0);
  const failures: Record<string, number> = {};
  for (const p of probes)
    if (!p.ok) failures[p.why ?? 'status'] = (failures[p.why ?? 'status'] ?? 0) + 1;
  return {
    answered: ms.length,
    failed: probes.length - ms.length,
    failures,
    p50: at(0.5),
    p99: at(0.99),
    max: at(1),
  };
}

async function load(options: Options, server: Server): Promise<unknown> {
  const token = execFileSync(
    scalelog,
    ['token', 'create', '--project', devProject, '--db', server.db],
    {
      env: childEnv({ SCALELOG_SECRET_KEY: secretKey }),
      stdio: ['ignore', 'pipe', 'ignore'],
    },
  )
    .toString('utf8')
    .trim();
  const url = `http://${server.host}:${server.port}`;
  const stopProbes = await startProbes(url, 'load');
  const logBefore = statSync(server.logFile).size;
  const result = await autocannon({
    url: `${url}/autoscaling-api/v1/${devProject}/scaling_group?limit=20`,
    connections: options.connections,
    duration: options.seconds,
    timeout: 10,
    headers: { 'x-auth-token': token },
  });
  const probes = await stopProbes();
  const answered = Object.values(result.statusCodeStats).reduce((n, s) => n + s.count, 0);
  return {
    connections: options.connections,
    seconds: options.seconds,
    requestsPerSecond: Math.round(result.requests.average),
    latencyMs: { p50: result.latency.p50, p99: result.latency.p99, max: result.latency.max },
    timeouts: result.timeouts,
    errors: result.errors,
    statuses: Object.fromEntries(
      Object.entries(result.statusCodeStats).map(([k, v]) => [k, v.count]),
    ),
    healthzFresh: summarize(probes.fresh),
    healthzKeptAlive: summarize(probes.kept),
    // Read before the server stops; pino may still hold a little in its buffer.
    logBytesPerResponse: Math.round(
      (statSync(server.logFile).size - logBefore) / Math.max(1, answered),
    ),
  };
}

async function slowloris(options: Options, server: Server): Promise<unknown> {
  const sockets: Socket[] = [];
  let refused = 0;
  let closedByServer = 0;
  const stopProbes = await startProbes(`http://${server.host}:${server.port}`, 'slowloris');
  const started = Date.now();
  for (let i = 0; i < options.sockets; i += 1) {
    const socket = connect(server.port, server.host, () => {
      socket.write(`GET /healthz HTTP/1.1\r\nHost: ${server.host}\r\nX-Slow: `);
    });
    socket.on('error', () => {
      refused += 1;
    });
    socket.on('close', () => {
      closedByServer += 1;
    });
    sockets.push(socket);
    if (i % 500 === 499) await new Promise((r) => setTimeout(r, 10));
  }
  const trickle = setInterval(() => {
    for (const s of sockets) if (s.writable) s.write('a');
  }, 2000);
  await new Promise((r) =>
    setTimeout(r, Math.max(0, options.seconds * 1000 - (Date.now() - started))),
  );
  clearInterval(trickle);
  const probes = await stopProbes();
  const closedBeforeEnd = closedByServer;
  for (const s of sockets) s.destroy();
  const windows: Record<string, { answered: number; failed: number }> = {};
  for (const p of probes.fresh) {
    const from = Math.floor(p.at / 5000) * 5;
    const key = `${from}-${from + 5}s`;
    windows[key] ??= { answered: 0, failed: 0 };
    windows[key][p.ok ? 'answered' : 'failed'] += 1;
  }
  return {
    sockets: options.sockets,
    seconds: options.seconds,
    serverOpenFileLimit: options.ulimit ?? 'inherited',
    slowSocketsClosedOrRefused: closedBeforeEnd,
    socketErrors: refused,
    healthzFresh: summarize(probes.fresh),
    healthzByWindow: windows,
  };
}

const options = parseOptions(process.argv.slice(2));
const dir = mkdtempSync(join(tmpdir(), 'scalelog-overload-'));
const server = await startServer(options, dir);
try {
  const figures =
    options.mode === 'load' ? await load(options, server) : await slowloris(options, server);
  process.stdout.write(
    `${JSON.stringify({ settings: options.settings, ...(figures as object) })}\n`,
  );
} finally {
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
}
