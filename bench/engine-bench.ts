import { randomUUID } from 'node:crypto';
import { parseLogQuery } from '../src/resources/logs/query-parse.js';
import { PolicyEngine } from '../src/engine/policy-engine.js';
import type { Store } from '../src/store/store.js';
import { timed } from './measure.js';

/** What the engine run did, for the JSON details. */
export interface EngineRun {
  readonly executions: number;
  readonly seconds: number;
  readonly rate: number;
  /** Store transactions per execution: the trigger's (claim, act, log) and the settlement's. */
  readonly transactionsPerExecution: number;
}

const project = 'e9e1be9c40000000000000000000be9c';
const configurationId = 'e9e1be9c-0000-4000-8000-00000000c0f1';
const batch = 1000;

/**
 * The engine end to end, in process: `executions` scheduled triggers, each on a scaling
 * group of its own (with a configuration and one instance in service) and all due, fired and
 * settled by `PolicyEngine.runDue` on the store the bench measured (so the logs land among
 * everything already there). Each execution is two transactions: the trigger's (claim, lock
 * the group, act, build the new instance and its server, record the activity, the pending
 * execution and the EXECUTING log) and the settlement's (the log becomes SUCCESS); the
 * engine's pass also writes the settled instances and activities down, a batch at a time.
 * Set-up is untimed.
 */
export async function runEngineBench(
  store: Store,
  executions: number,
  expect: (ok: boolean, what: string) => void,
): Promise<EngineRun> {
  const dueAt = Date.now() - 1000;
  const groupIds: string[] = [];
  const policyIds: string[] = [];
  await store.resourceSession(async (tx) => {
    if ((await tx.configurations.get(project, configurationId)) === undefined) {
      await tx.configurations.insert({
        id: configurationId,
        projectId: project,
        name: 'bench-config',
        instanceConfig: { flavorRef: 's6.small.1', imageRef: 'img-1' },
        createTime: dueAt,
      });
    }
  });
  for (let start = 0; start < executions; start += batch) {
    await store.resourceSession(async (tx) => {
      for (let n = start; n < Math.min(executions, start + batch); n += 1) {
        const groupId = randomUUID();
        const policyId = randomUUID();
        groupIds.push(groupId);
        policyIds.push(policyId);
        await tx.groups.insert({
          id: groupId,
          projectId: project,
          name: `bench-${String(n)}`,
          status: 'INSERVICE',
          minInstances: 0,
          maxInstances: 100,
          desireInstances: 1,
          coolDownSeconds: 0,
          createTime: dueAt,
          attributes: { scaling_configuration_id: configurationId },
        });
        await tx.instances.insert([
          {
            id: randomUUID(),
            projectId: project,
            groupId,
            name: `bench-config-${String(n)}`,
            configurationId,
            configurationName: 'bench-config',
            state: 'INSERVICE',
            protectedFromScaleIn: false,
            deleteOnRemoval: true,
            createTime: dueAt,
          },
        ]);
        await tx.policies.insert({
          id: policyId,
          projectId: project,
          name: `bench-${String(n)}`,
          resourceType: 'SCALING_GROUP',
          resourceId: groupId,
          policyType: 'SCHEDULED',
          scheduledPolicy: { launchTime: new Date(dueAt).toISOString().slice(0, 16) + 'Z' },
          action: { operation: 'ADD', number: 1 },
          coolDownSeconds: 0,
          status: 'INSERVICE',
          createTime: dueAt,
          nextFireAt: dueAt,
        });
      }
    });
  }
  const engine = new PolicyEngine(store, Date.now, {
    instanceSettleMs: 0,
    misfireGraceMs: 3_600_000,
    bandwidthResponse: () => '{}',
  });
  const run = await timed(() => engine.runDue());
  expect(
    run.result.fired === executions,
    `the engine fired every trigger (${String(run.result.fired)} of ${String(executions)})`,
  );
  // Every execution left exactly one log, settled: checked on a sample spread over the run.
  for (let n = 0; n < executions; n += Math.max(1, Math.floor(executions / 50))) {
    const page = await store.queryLogs(
      parseLogQuery(project, policyIds[n] ?? '', new URLSearchParams()),
    );
    const statuses = page?.logs.map((l) => l.status) ?? [];
    expect(
      statuses.length === 1 && statuses[0] === 'SUCCESS',
      `policy ${String(n)} has one SUCCESS log`,
    );
    // And its group one more instance, in service, and one activity, settled.
    const groupId = groupIds[n] ?? '';
    const built = await store.resourceRead(async (tx) => ({
      instances: await tx.instances.ofGroup(project, groupId),
      activities: await tx.activities.list(
        project,
        groupId,
        {},
        { startNumber: 0, limit: 10 },
        Date.now(),
      ),
    }));
    expect(
      built.instances.length === 2 && built.instances.every((i) => i.state === 'INSERVICE'),
      `group ${String(n)} has two instances in service`,
    );
    expect(
      built.activities.total === 1 && built.activities.activities[0]?.status === 'SUCCESS',
      `group ${String(n)} has one SUCCESS activity`,
    );
  }
  return {
    executions,
    seconds: run.seconds,
    rate: executions / run.seconds,
    transactionsPerExecution: 2,
  };
}
