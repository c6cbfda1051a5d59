import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logToWire } from '../../src/log-format/log-wire.js';
import type { WireOptions } from '../../src/log-format/log-wire.js';
import { buildApp } from '../../src/app.js';
import { defaultConfig } from '../../src/config/config.js';
import type {
  ExecuteType,
  ExecutionLog,
  ExecutionStatus,
  JobRecord,
  OperationType,
  ResourceType,
} from '../../src/domain/execution-log.js';
import { importNdjson } from '../../src/ingest/import-ndjson.js';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/store.js';
import type { CredentialStore } from '../../src/store/credential-store.js';
import type { CredentialService } from '../../src/auth/credential-service.js';
import { testBackends } from '../support/backends.js';
import { credentialsOver, sendTo, testClock, withCredentials } from '../support/api-harness.js';
import type { TestCredential } from '../support/api-harness.js';

/**
 * The property the issue asks for: for random datasets and random filter and paging
 * combinations, the query API answers exactly what a plain filter-sort-slice of the same
 * data gives, on both stores.
 *
 * Data goes in through the real import path (NDJSON, importNdjson) and answers come out
 * through the real HTTP route (app.inject), compared as whole wire objects. Each dataset
 * lives in projects of its own, so one store per backend serves every run independently
 * (fast-check's shrinking replays included).
 */

// ---------------------------------------------------------------- the data

const statuses: readonly ExecutionStatus[] = ['SUCCESS', 'FAIL', 'EXECUTING'];
const executeTypes: readonly ExecuteType[] = [
  'SCHEDULED',
  'RECURRENCE',
  'ALARM',
  'MANUAL',
  'INTERVAL_ALARM',
];
const resourceTypes: readonly ResourceType[] = ['SCALING_GROUP', 'BANDWIDTH'];
const operations: readonly OperationType[] = ['ADD', 'REMOVE', 'REDUCE', 'SET'];
/** Policies are shared by the projects of a dataset, so one can be known in one and not the other. */
const policies = [
  '05545d3d-ccf9-4bca-ae4f-1e5e73ca0bf6',
  '15545d3d-ccf9-4bca-ae4f-1e5e73ca0bf6',
  'zz-policy_3',
] as const;
const unknownPolicy = '95545d3d-ccf9-4bca-ae4f-1e5e73ca0bf6';
const resourceIds = [
  '1f2d3e73-7ef6-40b3-a8fa-514b68eccaa7',
  '2f2d3e73-7ef6-40b3-a8fa-514b68eccaa7',
  'zf2d3e73-7ef6-40b3-a8fa-514b68eccaa7',
] as const;
/** Execute times span a few seconds, so ties on execute_time are common. */
const baseTime = 1_700_000_000;
const timeSpan = 12;

/** `arb` about one time in `1 + nulls`, otherwise null. */
const sometimes = <T>(arb: fc.Arbitrary<T>, nulls = 2): fc.Arbitrary<T | null> =>
  fc.oneof({ weight: nulls, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: arb });

/** `0`-`9` and `a`-`z`: every character the cloud's id pattern allows. */
const idChar = fc.constantFrom(...Array.from({ length: 36 }, (_, i) => i.toString(36)));
const idPart = (n: number) => fc.string({ unit: idChar, minLength: n, maxLength: n });
/** The last 27 characters of a log id; the first 8 name the run (see `namespace`). */
const idTail = fc
  .tuple(idPart(4), idPart(4), idPart(4), idPart(12))
  .map((parts) => parts.join('-'));

/** Text with the characters JSON and SQL quote differently. */
const text = fc.oneof(
  // Without NUL and lone surrogates, which the import path must refuse (see
  // test/log-format/log-wire.test.ts); this property is about queries.
  fc
    .string({ unit: 'grapheme', maxLength: 12 })
    .filter((s) => !s.includes('\u0000') && !/[\uD800-\uDFFF]/u.test(s)),
  fc.constantFrom('', '"', '\\', "it's", '\n\r\t', '\u2028\u2029', '😀𝄞', '%3A&=?#', 'null'),
);
const valueText = fc.oneof(
  fc.nat(300).map(String),
  fc.constantFrom('0', '-3', '007', '1.5', '', 'unlimited'),
);
const metaKey = fc.constantFrom(
  'metadata_bandwidth_share_type',
  'metadata_eip_id',
  'metadataeip_address',
  '__proto__',
  'constructor',
  'k"q',
  'ü',
  '',
);

const jobRecord: fc.Arbitrary<JobRecord> = fc.record(
  {
    jobName: fc.constantFrom('ADJUST_VM_NUMBERS', 'ADJUST_BANDWIDTH'),
    recordType: fc.constantFrom('API', 'MEG' as const),
    recordTime: fc.constantFrom('2019-03-18T16:00:00Z', 'soon'),
    request: text,
    response: text,
    code: fc.constantFrom('200', '400'),
    message: text,
    jobStatus: fc.constantFrom('SUCCESS', 'FAIL' as const),
  },
  { requiredKeys: [] },
);

/** One line of the dataset, before the run's namespace is applied. */
interface LineSpec {
  readonly idTail: string;
  /** Reuse the id of an earlier line: the same log again, or an id another policy owns. */
  readonly reuse: { readonly index: number; readonly samePlace: boolean } | null;
  readonly project: number;
  readonly policy: number;
  readonly status: ExecutionStatus;
  readonly failedReason: string | null;
  readonly executeType: ExecuteType;
  readonly spellSchedule: boolean;
  readonly timeOffset: number;
  readonly resourceType: ResourceType;
  readonly resourceId: number;
  readonly oldValue: string | null;
  readonly desireValue: string | null;
  readonly limitValue: string | null;
  readonly valuesAsNumbers: boolean;
  readonly type: OperationType | null;
  readonly jobRecords: readonly JobRecord[] | null;
  readonly metaData: readonly (readonly [string, string])[] | null;
}

const lineSpec: fc.Arbitrary<LineSpec> = fc.record({
  idTail,
  reuse: sometimes(fc.record({ index: fc.nat(), samePlace: fc.boolean() }), 6),
  // Most logs in one policy, so pages are full and paging matters; some elsewhere.
  project: fc.oneof(
    { weight: 4, arbitrary: fc.constant(0) },
    { weight: 1, arbitrary: fc.constant(1) },
  ),
  policy: fc.oneof(
    { weight: 4, arbitrary: fc.constant(0) },
    { weight: 1, arbitrary: fc.nat(policies.length - 1) },
  ),
  status: fc.constantFrom(...statuses),
  failedReason: fc.option(text),
  executeType: fc.constantFrom(...executeTypes),
  spellSchedule: fc.boolean(),
  timeOffset: fc.nat(timeSpan),
  resourceType: fc.constantFrom(...resourceTypes),
  resourceId: fc.nat(resourceIds.length - 1),
  oldValue: fc.option(valueText),
  desireValue: fc.option(valueText),
  limitValue: fc.option(valueText),
  valuesAsNumbers: fc.boolean(),
  type: fc.option(fc.constantFrom(...operations)),
  jobRecords: fc.option(fc.array(jobRecord, { maxLength: 2 })),
  metaData: fc.option(
    fc.uniqueArray(fc.tuple(metaKey, text), { maxLength: 3, selector: ([k]) => k }),
  ),
});

interface DatasetSpec {
  readonly lines: readonly LineSpec[];
  readonly batchSize: number | undefined;
  readonly scheduledAs: WireOptions['scheduledAs'];
}

const datasetSpec: fc.Arbitrary<DatasetSpec> = fc.record({
  lines: fc.array(lineSpec, { minLength: 1, maxLength: 40, size: 'max' }),
  batchSize: fc.option(fc.integer({ min: 1, max: 7 }), { nil: undefined }),
  scheduledAs: fc.constantFrom('SCHEDULED', 'SCHEDULE' as const),
});

// ---------------------------------------------------------------- the queries

interface QuerySpec {
  /**
   * Mostly the project and policy of one of the dataset's lines; otherwise any project
   * (the third has no logs) and any policy, `policies.length` being one no dataset has.
   */
  readonly target:
    { readonly ofLine: number } | { readonly project: number; readonly policy: number };
  /** `existing` picks the id of a line of the dataset. */
  readonly logId: { readonly existing: number } | { readonly tail: string } | null;
  readonly resourceType: ResourceType | null;
  readonly resourceId: number | null;
  readonly executeType: ExecuteType | null;
  readonly spellSchedule: boolean;
  readonly startOffset: number | null;
  readonly endOffset: number | null;
  readonly startNumber: number | null;
  readonly limit: number | null;
  /** Percent-encode like the Node SDK, or concatenate raw like Terraform. */
  readonly raw: boolean;
  /** Parameter order, as a permutation seed. */
  readonly order: readonly number[];
}

const querySpec: fc.Arbitrary<QuerySpec> = fc.record({
  target: fc.oneof(
    { weight: 4, arbitrary: fc.nat().map((ofLine) => ({ ofLine })) },
    {
      weight: 1,
      arbitrary: fc.record({ project: fc.nat(2), policy: fc.nat(policies.length) }),
    },
  ),
  logId: sometimes(
    fc.oneof(
      { weight: 3, arbitrary: fc.nat().map((existing) => ({ existing })) },
      { weight: 1, arbitrary: idTail.map((tail) => ({ tail })) },
    ),
    4,
  ),
  resourceType: sometimes(fc.constantFrom(...resourceTypes), 3),
  resourceId: sometimes(fc.nat(resourceIds.length - 1), 3),
  executeType: sometimes(fc.constantFrom(...executeTypes), 3),
  spellSchedule: fc.boolean(),
  startOffset: sometimes(fc.integer({ min: -2, max: timeSpan + 2 }), 3),
  endOffset: sometimes(fc.integer({ min: -2, max: timeSpan + 2 }), 3),
  startNumber: sometimes(
    fc.oneof({ weight: 3, arbitrary: fc.nat(4) }, { weight: 1, arbitrary: fc.nat(45) }),
    1,
  ),
  limit: sometimes(
    fc.oneof({ weight: 3, arbitrary: fc.nat(6) }, { weight: 1, arbitrary: fc.nat(100) }),
    1,
  ),
  raw: fc.boolean(),
  order: fc.array(fc.nat(), { minLength: 8, maxLength: 8 }),
});

// ---------------------------------------------------------------- building a run

let runs = 0;

/** Ids and project names unique to one run, so runs share a store without meeting. */
function namespace(): { projects: readonly string[]; idPrefix: string } {
  runs += 1;
  const tag = `${process.pid.toString(36)}${runs.toString(36)}`.padStart(8, '0').slice(-8);
  return { projects: [`prop-${tag}-a`, `prop-${tag}-b`, `prop-${tag}-c`], idPrefix: tag };
}

const wireTime = (seconds: number): string =>
  new Date(seconds * 1000).toISOString().replace('.000Z', 'Z');

/** The logs of the dataset in file order, as the program holds them. */
function logsOf(spec: DatasetSpec, ns: ReturnType<typeof namespace>): ExecutionLog[] {
  const logs: ExecutionLog[] = [];
  for (const line of spec.lines) {
    const earlier =
      line.reuse === null || logs.length === 0 ? undefined : logs[line.reuse.index % logs.length];
    const log: { -readonly [K in keyof ExecutionLog]: ExecutionLog[K] } = {
      id: earlier?.id ?? `${ns.idPrefix}-${line.idTail}`,
      projectId:
        earlier !== undefined && line.reuse?.samePlace === true
          ? earlier.projectId
          : (ns.projects[line.project] ?? ''),
      policyId:
        earlier !== undefined && line.reuse?.samePlace === true
          ? earlier.policyId
          : (policies[line.policy] ?? ''),
      status: line.status,
      executeType: line.executeType,
      executeTime: baseTime + line.timeOffset,
      resourceType: line.resourceType,
      resourceId: resourceIds[line.resourceId] ?? '',
      jobRecords: line.jobRecords ?? [],
    };
    if (line.failedReason !== null) log.failedReason = line.failedReason;
    if (line.oldValue !== null) log.oldValue = line.oldValue;
    if (line.desireValue !== null) log.desireValue = line.desireValue;
    if (line.limitValue !== null) log.limitValue = line.limitValue;
    if (line.type !== null) log.type = line.type;
    if (line.metaData !== null) log.metaData = Object.fromEntries(line.metaData);
    logs.push(log);
  }
  return logs;
}

/**
 * One NDJSON line for a log, written independently of the code under test, with the input
 * variants the import accepts: SCHEDULE for SCHEDULED, integers for the value fields, no
 * job_records for an empty list.
 */
function inputLine(log: ExecutionLog, line: LineSpec): string {
  const value = (v: string): string | number =>
    line.valuesAsNumbers && /^(0|-?[1-9]\d{0,14})$/.test(v) ? Number(v) : v;
  const w: Record<string, unknown> = {
    id: log.id,
    status: log.status,
    execute_type:
      log.executeType === 'SCHEDULED' && line.spellSchedule ? 'SCHEDULE' : log.executeType,
    execute_time: wireTime(log.executeTime),
    tenant_id: log.projectId,
    scaling_policy_id: log.policyId,
    scaling_resource_type: log.resourceType,
    scaling_resource_id: log.resourceId,
  };
  if (log.failedReason !== undefined) w.failed_reason = log.failedReason;
  if (log.oldValue !== undefined) w.old_value = value(log.oldValue);
  if (log.desireValue !== undefined) w.desire_value = value(log.desireValue);
  if (log.limitValue !== undefined) w.limit_value = value(log.limitValue);
  if (log.type !== undefined) w.type = log.type;
  if (line.jobRecords !== null) {
    w.job_records = log.jobRecords.map((r) => {
      const o: Record<string, string> = {};
      if (r.jobName !== undefined) o.job_name = r.jobName;
      if (r.recordType !== undefined) o.record_type = r.recordType;
      if (r.recordTime !== undefined) o.record_time = r.recordTime;
      if (r.request !== undefined) o.request = r.request;
      if (r.response !== undefined) o.response = r.response;
      if (r.code !== undefined) o.code = r.code;
      if (r.message !== undefined) o.message = r.message;
      if (r.jobStatus !== undefined) o.job_status = r.jobStatus;
      return o;
    });
  }
  if (log.metaData !== undefined) w.meta_data = log.metaData;
  return JSON.stringify(w);
}

// ---------------------------------------------------------------- the reference

interface ReferenceState {
  /** The stored logs by id, as the store should hold them after the import. */
  readonly logs: ReadonlyMap<string, ExecutionLog>;
  /** 1-based numbers of the lines the store must refuse (an id another policy owns). */
  readonly rejectedLines: readonly number[];
  readonly inserted: number;
}

/**
 * Applies the lines in order: a new id is inserted; an id owned by another project or
 * policy is refused; otherwise the newer record wins, except that a settled log (SUCCESS,
 * FAIL) is never moved back to EXECUTING.
 */
function reference(logs: readonly ExecutionLog[]): ReferenceState {
  const state = new Map<string, ExecutionLog>();
  const rejectedLines: number[] = [];
  let inserted = 0;
  logs.forEach((log, i) => {
    const current = state.get(log.id);
    if (current === undefined) {
      state.set(log.id, log);
      inserted += 1;
    } else if (current.projectId !== log.projectId || current.policyId !== log.policyId) {
      rejectedLines.push(i + 1);
    } else if (!(current.status !== 'EXECUTING' && log.status === 'EXECUTING')) {
      state.set(log.id, log);
    }
  });
  return { logs: state, rejectedLines, inserted };
}

type Expected =
  | { readonly status: 200; readonly body: unknown }
  | { readonly status: 400 | 404; readonly code: string };

interface ResolvedQuery {
  readonly projectId: string;
  readonly policyId: string;
  readonly params: readonly (readonly [string, string])[];
  readonly logId?: string;
  readonly resourceType?: ResourceType;
  readonly resourceId?: string;
  readonly executeType?: ExecuteType;
  readonly start?: number;
  readonly end?: number;
  readonly startNumber: number;
  readonly limit: number;
}

function resolveQuery(
  spec: QuerySpec,
  ns: ReturnType<typeof namespace>,
  logs: readonly ExecutionLog[],
): ResolvedQuery {
  const params: [string, string][] = [];
  const line = 'ofLine' in spec.target ? logs[spec.target.ofLine % logs.length] : undefined;
  const target =
    'ofLine' in spec.target
      ? { projectId: line?.projectId ?? '', policyId: line?.policyId ?? '' }
      : {
          projectId: ns.projects[spec.target.project] ?? '',
          policyId: policies[spec.target.policy] ?? unknownPolicy,
        };
  const q: { -readonly [K in keyof ResolvedQuery]: ResolvedQuery[K] } = {
    ...target,
    params,
    startNumber: spec.startNumber ?? 0,
    limit: spec.limit ?? 20,
  };
  if (spec.logId !== null) {
    const id =
      'existing' in spec.logId && logs.length > 0
        ? (logs[spec.logId.existing % logs.length]?.id ?? '')
        : `${ns.idPrefix}-${'tail' in spec.logId ? spec.logId.tail : '0000-0000-0000-000000000000'}`;
    q.logId = id;
    params.push(['log_id', id]);
  }
  if (spec.resourceType !== null) {
    q.resourceType = spec.resourceType;
    params.push(['scaling_resource_type', spec.resourceType]);
  }
  if (spec.resourceId !== null) {
    q.resourceId = resourceIds[spec.resourceId] ?? '';
    params.push(['scaling_resource_id', q.resourceId]);
  }
  if (spec.executeType !== null) {
    q.executeType = spec.executeType;
    const spelled =
      spec.executeType === 'SCHEDULED' && spec.spellSchedule ? 'SCHEDULE' : spec.executeType;
    params.push(['execute_type', spelled]);
  }
  if (spec.startOffset !== null) {
    q.start = baseTime + spec.startOffset;
    params.push(['start_time', wireTime(q.start)]);
  }
  if (spec.endOffset !== null) {
    q.end = baseTime + spec.endOffset;
    params.push(['end_time', wireTime(q.end)]);
  }
  if (spec.startNumber !== null) params.push(['start_number', String(spec.startNumber)]);
  if (spec.limit !== null) params.push(['limit', String(spec.limit)]);
  // A random order of parameters: the API must not care.
  const keyed = params.map((p, i) => ({ p, k: spec.order[i] ?? 0 }));
  keyed.sort((a, b) => a.k - b.k);
  params.splice(0, params.length, ...keyed.map((x) => x.p));
  return q;
}

/** What the API must answer: filter (AND, [start, end)), newest first then id descending, slice. */
function expectedAnswer(q: ResolvedQuery, state: ReferenceState, options: WireOptions): Expected {
  if (q.start !== undefined && q.end !== undefined && q.start > q.end) {
    return { status: 400, code: 'AS.9007' };
  }
  const ofPolicy = [...state.logs.values()].filter(
    (l) => l.projectId === q.projectId && l.policyId === q.policyId,
  );
  if (ofPolicy.length === 0) return { status: 404, code: 'AS.3020' };
  const matching = ofPolicy
    .filter(
      (l) =>
        (q.logId === undefined || l.id === q.logId) &&
        (q.resourceType === undefined || l.resourceType === q.resourceType) &&
        (q.resourceId === undefined || l.resourceId === q.resourceId) &&
        (q.executeType === undefined || l.executeType === q.executeType) &&
        (q.start === undefined || l.executeTime >= q.start) &&
        (q.end === undefined || l.executeTime < q.end),
    )
    .sort((a, b) =>
      a.executeTime !== b.executeTime
        ? b.executeTime - a.executeTime
        : a.id < b.id
          ? 1
          : a.id > b.id
            ? -1
            : 0,
    );
  return {
    status: 200,
    body: {
      total_number: matching.length,
      start_number: q.startNumber,
      limit: q.limit,
      scaling_policy_execute_log: matching
        .slice(q.startNumber, q.startNumber + q.limit)
        .map((l) => logToWire(l, options)),
    },
  };
}

function url(q: ResolvedQuery, raw: boolean): string {
  const path = `/autoscaling-api/v1/${q.projectId}/scaling_policy_execute_log/${q.policyId}`;
  if (q.params.length === 0) return path;
  const search = raw
    ? q.params.map(([k, v]) => `${k}=${v}`).join('&')
    : q.params.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
  return `${path}?${search}`;
}

async function* ndjsonChunks(lines: readonly string[]): AsyncGenerator<Buffer> {
  // Uneven chunks, so lines also cross chunk boundaries here.
  const bytes = Buffer.from(lines.map((l) => `${l}\n`).join(''), 'utf8');
  for (let i = 0, size = 1; i < bytes.length; i += size, size = ((size * 7) % 500) + 1) {
    await Promise.resolve();
    yield bytes.subarray(i, i + size);
  }
}

// ---------------------------------------------------------------- the property

const datasetsPerBackend = 30;
const queriesPerDataset = 10;

for (const backend of testBackends) {
  describe.skipIf(!backend.available)(
    `query API = reference filter-sort-slice: ${backend.name}`,
    () => {
      let store: Store & CredentialStore;
      let credentials: CredentialService;
      let cleanup: () => Promise<void> = () => Promise.resolve();
      const apps = new Map<WireOptions['scheduledAs'], FastifyInstance>();
      const clock = testClock();
      /** Each query is signed with a credential of the project it asks about. */
      const credentialsByProject = new Map<string, Promise<TestCredential>>();
      const credentialFor = (projectId: string): Promise<TestCredential> => {
        const known = credentialsByProject.get(projectId);
        if (known !== undefined) return known;
        const created = credentials.createCredential({ projectId });
        credentialsByProject.set(projectId, created);
        return created;
      };

      beforeAll(async () => {
        const fresh = await backend.fresh();
        cleanup = fresh.cleanup;
        store = await openStore(fresh.url, { queryTimeoutMs: 10_000 });
        credentials = credentialsOver(store, clock.now);
        for (const scheduledAs of ['SCHEDULED', 'SCHEDULE'] as const) {
          const app = buildApp({
            store,
            config: { ...defaultConfig, executeTypeOutput: scheduledAs },
            credentials,
            now: clock.now,
            logger: false,
          });
          await app.ready();
          apps.set(scheduledAs, app);
        }
      });
      afterAll(async () => {
        try {
          for (const app of apps.values()) await app.close();
          await store.close();
        } finally {
          await cleanup();
        }
      });

      it(`answers ${datasetsPerBackend} random datasets x ${queriesPerDataset} random queries like the reference`, async () => {
        await fc.assert(
          fc.asyncProperty(
            datasetSpec,
            fc.array(querySpec, { minLength: queriesPerDataset, maxLength: queriesPerDataset }),
            async (dataset, queries) => {
              const ns = namespace();
              const logs = logsOf(dataset, ns);
              const state = reference(logs);

              const report = await importNdjson(
                store,
                ndjsonChunks(logs.map((log, i) => inputLine(log, dataset.lines[i] as LineSpec))),
                dataset.batchSize === undefined
                  ? { skipInvalid: true }
                  : { skipInvalid: true, batchSize: dataset.batchSize },
              );
              expect(report.lines).toBe(logs.length);
              expect(report.inserted).toBe(state.inserted);
              expect(report.skippedCount).toBe(state.rejectedLines.length);
              expect(report.skipped.map((s) => s.line).sort((a, b) => a - b)).toEqual(
                state.rejectedLines,
              );
              expect(report.updated + report.unchanged).toBe(
                logs.length - state.inserted - state.rejectedLines.length,
              );

              const app = apps.get(dataset.scheduledAs);
              if (app === undefined) throw new Error('no app');
              for (const spec of queries) {
                const q = resolveQuery(spec, ns, logs);
                const expected = expectedAnswer(q, state, { scheduledAs: dataset.scheduledAs });
                const response = await sendTo(
                  app,
                  withCredentials(
                    {
                      method: 'GET',
                      url: url(q, spec.raw),
                      headers: { 'content-type': 'application/json' },
                    },
                    { credential: await credentialFor(q.projectId) },
                    clock,
                  ),
                );
                const context = `${url(q, spec.raw)}\n${response.body.slice(0, 2000)}`;
                expect(response.headers['x-request-id'], context).toBeTruthy();
                expect(response.statusCode, context).toBe(expected.status);
                const body = response.json<unknown>();
                if (expected.status === 200) {
                  // Whole wire objects: names, values and JSON types (strings stay strings).
                  if (!isDeepStrictEqual(body, expected.body)) {
                    expect(body, context).toStrictEqual(expected.body);
                  }
                } else {
                  expect(body, context).toMatchObject({ error: { code: expected.code } });
                }
              }
            },
          ),
          { numRuns: datasetsPerBackend },
        );
      });
    },
  );
}
