import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import type { CredentialService } from '../../src/auth/credential-service.js';
import { defaultConfig } from '../../src/config/config.js';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/store.js';
import type { CredentialStore } from '../../src/store/credential-store.js';
import { credentialsOver, sendTo, testClock, withCredentials } from '../support/api-harness.js';
import type { SendAs, TestRequest } from '../support/api-harness.js';
import { testBackends } from '../support/backends.js';

/**
 * The isolation property the issue asks for: across random projects, credentials (AK/SK
 * signed in each SDK's style, and tokens) and random queries and ingests, naming any project
 * in the path and sending X-Project-Id or not, no request ever returns or writes a log of a
 * project other than its credential's. Checked on every answer, and at the end of each run
 * against what the store holds, project by project.
 */

type Credentials = Exclude<SendAs, 'anonymous'>;

const projectCount = 3;
const policies = ['05545d3d-ccf9-4bca-ae4f-1e5e73ca0bf6', '15545d3d-ccf9-4bca-ae4f-1e5e73ca0bf6'];
const groupId = '1f2d3e73-7ef6-40b3-a8fa-514b68eccaa7';

interface Actor {
  readonly project: number;
  readonly kind: 'aksk' | 'token';
  readonly style: 'node' | 'go' | 'python';
  /** Send X-Project-Id as the SDKs do (the credential's project). */
  readonly projectHeader: boolean;
}

interface LineSpec {
  readonly tenant: number;
  readonly policy: number;
  readonly second: number;
}

type Action =
  | {
      readonly kind: 'query';
      readonly actor: Actor;
      readonly path: number;
      readonly policy: number;
    }
  | {
      readonly kind: 'ingest';
      readonly actor: Actor;
      readonly path: number;
      readonly lines: readonly LineSpec[];
      readonly skipInvalid: boolean;
    };

const actor: fc.Arbitrary<Actor> = fc.record({
  project: fc.nat(projectCount - 1),
  kind: fc.constantFrom('aksk', 'token' as const),
  style: fc.constantFrom('node', 'go', 'python' as const),
  projectHeader: fc.boolean(),
});

/** The path names the actor's own project about half the time. */
const pathFor = (a: Actor): fc.Arbitrary<number> =>
  fc.oneof(fc.constant(a.project), fc.nat(projectCount - 1));

const action: fc.Arbitrary<Action> = actor.chain((a) =>
  fc.oneof(
    fc.record({
      kind: fc.constant('query' as const),
      actor: fc.constant(a),
      path: pathFor(a),
      policy: fc.nat(policies.length - 1),
    }),
    fc.record({
      kind: fc.constant('ingest' as const),
      actor: fc.constant(a),
      path: pathFor(a),
      lines: fc.array(
        fc.record({
          tenant: fc.nat(projectCount - 1),
          policy: fc.nat(policies.length - 1),
          second: fc.nat(59),
        }),
        { minLength: 1, maxLength: 4 },
      ),
      skipInvalid: fc.boolean(),
    }),
  ),
);

let runs = 0;

/** `items[i]`, which the caller knows exists. */
function at<T>(items: readonly T[], i: number): T {
  const item = items[i];
  if (item === undefined) throw new Error(`no item ${i}`);
  return item;
}

for (const backend of testBackends) {
  describe.skipIf(!backend.available)(`tenant isolation: ${backend.name}`, () => {
    let store: Store & CredentialStore;
    let credentials: CredentialService;
    let app: FastifyInstance;
    let cleanup: () => Promise<void> = () => Promise.resolve();
    const clock = testClock();

    beforeAll(async () => {
      const fresh = await backend.fresh();
      cleanup = fresh.cleanup;
      store = await openStore(fresh.url);
      credentials = credentialsOver(store, clock.now);
      app = buildApp({ store, config: defaultConfig, credentials, now: clock.now, logger: false });
      await app.ready();
    });
    afterAll(async () => {
      try {
        await app.close();
        await store.close();
      } finally {
        await cleanup();
      }
    });

    it('no query or ingest ever returns or writes a log of another project', async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(action, { minLength: 1, maxLength: 10 }), async (actions) => {
          runs += 1;
          const tag = `${process.pid.toString(36)}${runs.toString(36)}`.padStart(8, '0').slice(-8);
          const projects = Array.from({ length: projectCount }, (_, i) => `iso-${tag}-${i}`);
          const keys = await Promise.all(
            projects.map((projectId) => credentials.createCredential({ projectId })),
          );
          const tokens = await Promise.all(
            projects.map((projectId) =>
              credentials.createToken({ projectId, ttlMs: 3_600_000, nowMs: clock.now() }),
            ),
          );
          /** What each project must hold: log id -> policy. */
          const model = projects.map(() => new Map<string, string>());
          let nextId = 0;
          const logOf = (line: LineSpec) => {
            nextId += 1;
            return {
              id: `${tag}-0000-4000-8000-${nextId.toString(16).padStart(12, '0')}`,
              status: 'SUCCESS',
              execute_type: 'MANUAL',
              execute_time: `2024-01-01T00:00:${String(line.second).padStart(2, '0')}Z`,
              tenant_id: at(projects, line.tenant),
              scaling_policy_id: at(policies, line.policy),
              scaling_resource_type: 'SCALING_GROUP',
              scaling_resource_id: groupId,
              job_records: [],
            };
          };

          // Every project starts with a log in each policy, so a leak would have something to show.
          for (let p = 0; p < projectCount; p += 1) {
            for (let k = 0; k < policies.length; k += 1) {
              const log = logOf({ tenant: p, policy: k, second: 0 });
              const own: Credentials = { credential: at(keys, p) };
              const res = await send(
                {
                  method: 'POST',
                  url: `/scalelog/v1/${projects[p]}/execution_logs`,
                  headers: { 'content-type': 'application/x-ndjson' },
                  payload: JSON.stringify(log),
                },
                own,
              );
              expect(res.statusCode, res.body).toBe(200);
              model[p]?.set(log.id, log.scaling_policy_id);
            }
          }

          for (const step of actions) {
            const a = step.actor;
            const as: Credentials =
              a.kind === 'token'
                ? { token: at(tokens, a.project).token }
                : { credential: at(keys, a.project), style: a.style, projectHeader: false };
            const headers: Record<string, string> = {};
            // Tokens are for curl-like clients; X-Project-Id is sent or not either way.
            if (a.projectHeader) headers['x-project-id'] = at(projects, a.project);
            const pathProject = at(projects, step.path);
            let request: TestRequest;
            const lines = step.kind === 'ingest' ? step.lines.map(logOf) : [];
            if (step.kind === 'query') {
              request = {
                method: 'GET',
                url: `/autoscaling-api/v1/${pathProject}/scaling_policy_execute_log/${policies[step.policy]}?limit=100`,
                headers,
              };
            } else {
              request = {
                method: 'POST',
                url: `/scalelog/v1/${pathProject}/execution_logs${step.skipInvalid ? '?skip_invalid=true' : ''}`,
                headers: { ...headers, 'content-type': 'application/x-ndjson' },
                payload: lines.map((l) => JSON.stringify(l)).join('\n'),
              };
            }
            const res = await send(request, as);
            const context = `${step.kind} by project ${a.project} (${a.kind}) on ${step.path}: ${res.body.slice(0, 500)}`;

            if (a.project !== step.path) {
              // Refused before anything is read or written.
              expect(res.statusCode, context).toBe(a.projectHeader ? 400 : 403);
              expect(res.json(), context).toMatchObject({
                error: { code: a.projectHeader ? 'AS.0008' : 'AS.0011' },
              });
              continue;
            }
            const mine = model[a.project] ?? new Map<string, string>();
            if (step.kind === 'query') {
              const expected = [...mine]
                .filter(([, p]) => p === policies[step.policy])
                .map(([id]) => id);
              expect(res.statusCode, context).toBe(expected.length === 0 ? 404 : 200);
              if (res.statusCode === 200) {
                const page = res.json<{
                  total_number: number;
                  scaling_policy_execute_log: { id: string; tenant_id: string }[];
                }>();
                for (const log of page.scaling_policy_execute_log)
                  expect(log.tenant_id, context).toBe(projects[a.project]);
                expect(page.scaling_policy_execute_log.map((l) => l.id).sort(), context).toEqual(
                  expected.sort(),
                );
                expect(page.total_number, context).toBe(expected.length);
              }
            } else {
              const foreign = lines.filter((l) => l.tenant_id !== pathProject);
              const accepted =
                step.skipInvalid || foreign.length === 0
                  ? lines.filter((l) => l.tenant_id === pathProject)
                  : [];
              if (!step.skipInvalid && foreign.length > 0) {
                expect(res.statusCode, context).toBe(400);
              } else {
                expect(res.statusCode, context).toBe(200);
                expect(res.json(), context).toMatchObject({
                  inserted: accepted.length,
                  skipped_count: foreign.length,
                });
              }
              for (const l of accepted) mine.set(l.id, l.scaling_policy_id);
            }
          }

          // What the store holds, project by project, is exactly what its own credentials wrote.
          for (let p = 0; p < projectCount; p += 1) {
            const stored = new Map<string, string>();
            for await (const log of store.exportLogs({ projectId: at(projects, p) })) {
              expect(log.projectId).toBe(projects[p]);
              stored.set(log.id, log.policyId);
            }
            expect(stored).toEqual(model[p]);
          }
        }),
        { numRuns: 20 },
      );
    });

    async function send(request: TestRequest, as: Credentials) {
      return sendTo(app, withCredentials(request, as, clock));
    }
  });
}
