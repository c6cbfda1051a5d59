import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Bandwidth } from '../../src/domain/bandwidth.js';
import type { ExecutionLog } from '../../src/domain/execution-log.js';
import { parseLogQuery } from '../../src/resources/logs/query-parse.js';
import type { ScalingConfiguration } from '../../src/domain/scaling-configuration.js';
import type { ScalingGroup } from '../../src/domain/scaling-group.js';
import type { ScalingInstance } from '../../src/domain/scaling-instance.js';
import { policySchedule } from '../../src/domain/scaling-policy.js';
import type { ScalingPolicy } from '../../src/domain/scaling-policy.js';
import { nextFireTime } from '../../src/domain/recurrence.js';
import { PolicyEngine } from '../../src/engine/policy-engine.js';
import type { PolicyEngineOptions } from '../../src/engine/policy-engine.js';
import type { ResourceStore } from '../../src/store/resource-store.js';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/store.js';
import { StoreTimeoutError, StoreUnavailableError } from '../../src/store/store.js';
import { testBackends } from '../support/backends.js';

const project = '0a1b2c3d4e5f60718293a4b5c6d7e8f9';
const groupId = '1f2d3e73-7ef6-40b3-a8fa-514b68eccaa7';
const bandwidthId = 'b4b3c0de-0000-4000-8000-000000000001';
const configurationId = 'cf000000-0000-4000-8000-000000000001';
/** 2026-03-01T10:00:00Z */
const t0 = Date.UTC(2026, 2, 1, 10, 0, 0);
const minute = 60_000;

let ids = 0;
const newId = (): string => `00000000-0000-4000-8000-${String(++ids).padStart(12, '0')}`;

const group = (over: Partial<ScalingGroup> = {}): ScalingGroup => ({
  id: groupId,
  projectId: project,
  name: 'web',
  status: 'INSERVICE',
  minInstances: 1,
  maxInstances: 5,
  desireInstances: 2,
  coolDownSeconds: 300,
  createTime: t0 - 3_600_000,
  attributes: { scaling_configuration_id: configurationId },
  ...over,
});

/** The configuration the fixture group builds its instances from. */
const configuration: ScalingConfiguration = {
  id: configurationId,
  projectId: project,
  name: 'web-config',
  instanceConfig: { flavorRef: 's6.small.1', imageRef: 'img-1' },
  createTime: t0 - 7_200_000,
};

/** `count` instances in service in the fixture group, as if it had been scaling for a while. */
const inService = (g: ScalingGroup, count: number): ScalingInstance[] =>
  Array.from({ length: count }, (_, n) => ({
    id: `c0000000-0000-4000-8000-${String(n + 1).padStart(12, '0')}`,
    projectId: g.projectId,
    groupId: g.id,
    name: `web-config-SEED000${String(n)}`,
    configurationId,
    configurationName: configuration.name,
    state: 'INSERVICE' as const,
    protectedFromScaleIn: false,
    deleteOnRemoval: true,
    createTime: t0 - 3_000_000 + n,
  }));

const bandwidth = (over: Partial<Bandwidth> = {}): Bandwidth => ({
  id: bandwidthId,
  projectId: project,
  name: 'edge',
  size: 10,
  minSize: 5,
  maxSize: 100,
  shareType: 'PER',
  eipId: 'eip-1',
  eipAddress: '192.0.2.10',
  createTime: t0 - 3_600_000,
  ...over,
});

let policyCount = 0;
const policy = (over: Partial<ScalingPolicy> = {}): ScalingPolicy => {
  policyCount += 1;
  return {
    id: `a0000000-0000-4000-8000-${String(policyCount).padStart(12, '0')}`,
    projectId: project,
    name: `policy-${String(policyCount)}`,
    resourceType: 'SCALING_GROUP',
    resourceId: groupId,
    policyType: 'ALARM',
    alarmId: 'al-cpu-high',
    action: { operation: 'ADD', number: 1 },
    coolDownSeconds: 300,
    status: 'INSERVICE',
    createTime: t0 - 60_000 * policyCount,
    ...over,
  };
};

for (const backend of testBackends) {
  describe.skipIf(!backend.available)(`policy engine: ${backend.name}`, () => {
    let store: Store;
    let cleanup: () => Promise<void>;
    let now: number;
    const clock = (): number => now;
    const options: PolicyEngineOptions = {
      instanceSettleMs: 0,
      misfireGraceMs: 5 * minute,
      newId,
      bandwidthResponse: (b) => JSON.stringify({ bandwidth: { id: b.id, size: b.size } }),
    };
    const engine = (over: Partial<PolicyEngineOptions> = {}): PolicyEngine =>
      new PolicyEngine(store, clock, { ...options, ...over });

    const logsOf = async (policyId: string): Promise<ExecutionLog[]> => {
      const page = await store.queryLogs(parseLogQuery(project, policyId, new URLSearchParams()));
      return [...(page?.logs ?? [])];
    };
    const groupNow = async (): Promise<ScalingGroup> => {
      const g = await store.resourceRead((tx) => tx.groups.get(project, groupId));
      if (g === undefined) throw new Error('group gone');
      return g;
    };
    /** The fixture group's `current_instance_number` now. */
    const current = async (): Promise<number> => {
      const counts = await store.resourceRead((tx) =>
        tx.instances.currentCounts(project, [groupId], now),
      );
      return counts.get(groupId) ?? 0;
    };
    const setup = async (
      g: ScalingGroup | undefined,
      ...policies: ScalingPolicy[]
    ): Promise<void> => {
      await store.resourceSession(async (tx) => {
        if (g !== undefined) {
          await tx.configurations.insert(configuration);
          await tx.groups.insert(g);
          await tx.instances.insert(inService(g, g.desireInstances));
        }
        for (const p of policies) await tx.policies.insert(p);
      });
    };

    beforeEach(async () => {
      const fresh = await backend.fresh();
      cleanup = fresh.cleanup;
      store = await openStore(fresh.url);
      now = t0;
    });
    afterEach(async () => {
      await store.close();
      await cleanup();
    });

    describe('an execution that acts', () => {
      it('records EXECUTING, then SUCCESS with the values and the MEG job record', async () => {
        const p = policy({ action: { operation: 'ADD', number: 2 } });
        await setup(group(), p);
        const outcome = await engine().execute(project, p.id);
        expect(outcome?.status).toBe('EXECUTING');
        const [log] = await logsOf(p.id);
        expect(log).toEqual({
          id: outcome?.log.id,
          projectId: project,
          policyId: p.id,
          status: 'SUCCESS',
          executeType: 'MANUAL',
          executeTime: t0 / 1000,
          resourceType: 'SCALING_GROUP',
          resourceId: groupId,
          oldValue: '2',
          desireValue: '4',
          limitValue: '5',
          type: 'ADD',
          jobRecords: [
            {
              jobName: 'ADJUST_VM_NUMBERS',
              recordType: 'MEG',
              recordTime: '2026-03-01T10:00:00Z',
              message: 'modify desire number of scaling group',
              jobStatus: 'SUCCESS',
            },
          ],
        });
        const g = await groupNow();
        expect(g.desireInstances).toBe(4);
        expect(await current()).toBe(4);
        expect(g.lastScaledAt).toBe(t0);
      });

      it('stays EXECUTING while the instances follow, and settles when they have', async () => {
        const p = policy({ action: { operation: 'REMOVE', number: 1 } });
        await setup(group({ desireInstances: 3 }), p);
        const e = engine({ instanceSettleMs: 2 * minute });
        await e.execute(project, p.id);
        expect((await logsOf(p.id))[0]?.status).toBe('EXECUTING');
        expect(await current()).toBe(3);
        const executing = await store.resourceRead((tx) => tx.executions.executingPolicies([p.id]));
        expect([...executing]).toEqual([p.id]);

        now = t0 + minute;
        expect(await e.runDue()).toEqual({ fired: 0, settled: 0 });
        expect((await logsOf(p.id))[0]?.status).toBe('EXECUTING');

        now = t0 + 2 * minute;
        expect(await e.runDue()).toEqual({ fired: 0, settled: 1 });
        const [log] = await logsOf(p.id);
        expect(log?.status).toBe('SUCCESS');
        expect([log?.oldValue, log?.desireValue, log?.limitValue]).toEqual(['3', '2', '1']);
        const g = await groupNow();
        expect(await current()).toBe(2);
        expect(g.lastScaledAt).toBe(t0 + 2 * minute);
      });

      it('finishes an execution whose policy was deleted meanwhile', async () => {
        const p = policy({ action: { operation: 'ADD', number: 1 } });
        await setup(group(), p);
        const e = engine({ instanceSettleMs: minute });
        await e.execute(project, p.id);
        await store.resourceSession((tx) => tx.policies.delete(project, p.id));
        now += minute;
        expect(await e.runDue()).toEqual({ fired: 0, settled: 1 });
        const [log] = await logsOf(p.id);
        expect([log?.status, log?.desireValue]).toEqual(['SUCCESS', '3']);
        expect(await current()).toBe(3);
      });

      it('clamps a target beyond a bound to the bound', async () => {
        const p = policy({ action: { operation: 'ADD', number: 10 } });
        await setup(group(), p);
        await engine().execute(project, p.id);
        const [log] = await logsOf(p.id);
        expect([log?.status, log?.oldValue, log?.desireValue]).toEqual(['SUCCESS', '2', '5']);
      });

      it('adds by percentage, rounding as the cloud does', async () => {
        const p = policy({ action: { operation: 'ADD', percentage: 30 } });
        await setup(group({ maxInstances: 20, desireInstances: 5 }), p);
        await engine().execute(project, p.id);
        // 30% of 5 is 1.5: rounded down to one instance.
        expect((await logsOf(p.id))[0]?.desireValue).toBe('6');
      });
    });

    describe('instances and activities', () => {
      it('an execution builds instances and records a NORMAL activity with the policy as reason', async () => {
        const p = policy({ action: { operation: 'ADD', number: 2 } });
        await setup(group(), p);
        const e = engine({ instanceSettleMs: 2 * minute, random: () => 0 });
        const outcome = await e.execute(project, p.id);
        expect(outcome?.status).toBe('EXECUTING');
        const built = await store.resourceRead((tx) => tx.instances.ofGroup(project, groupId));
        const fresh = built.filter((i) => i.state === 'PENDING');
        expect(fresh.map((i) => [i.name, i.configurationId, i.settlesAt])).toEqual([
          ['web-config-AAAAAAAA', configurationId, t0 + 2 * minute],
          ['web-config-AAAAAAAA', configurationId, t0 + 2 * minute],
        ]);
        const page = await store.resourceRead((tx) =>
          tx.activities.list(project, groupId, {}, { startNumber: 0, limit: 10 }, now),
        );
        expect(page.total).toBe(1);
        const [activity] = page.activities;
        expect(activity).toMatchObject({
          status: 'DOING',
          type: 'NORMAL',
          startTime: t0,
          settlesAt: t0 + 2 * minute,
          instanceValue: 2,
          desireValue: 4,
          scalingValue: 2,
        });
        expect(JSON.parse(activity?.description ?? '')).toEqual({
          reason: [
            {
              change_reason: 'MANUAL',
              old_value: 2,
              scaling_policy_name: p.name,
              change_time: '2026-03-01T10:00:00Z',
              new_value: 4,
              scaling_policy_id: p.id,
            },
          ],
        });
        // The engine's pass writes the settled instances and activity down with the execution.
        now = t0 + 2 * minute;
        expect(await e.runDue()).toEqual({ fired: 0, settled: 1 });
        const after = await store.resourceRead(async (tx) => ({
          instances: await tx.instances.ofGroup(project, groupId),
          activity: await tx.activities.get(project, activity?.id ?? ''),
        }));
        expect(after.instances.every((i) => i.state === 'INSERVICE')).toBe(true);
        expect(after.activity).toMatchObject({ status: 'SUCCESS', endTime: t0 + 2 * minute });
        expect(after.activity?.settlesAt).toBeUndefined();
      });

      it('a refused execution changes no instance and records no activity', async () => {
        const p = policy({ action: { operation: 'ADD', number: 1 }, status: 'PAUSED' });
        await setup(group(), p);
        await engine().execute(project, p.id);
        const page = await store.resourceRead((tx) =>
          tx.activities.list(project, groupId, {}, { startNumber: 0, limit: 10 }, now),
        );
        expect(page.total).toBe(0);
        expect(await current()).toBe(2);
      });
    });

    describe('an execution that cannot act is a FAIL whose reason names the rule', () => {
      const failure = async (p: ScalingPolicy): Promise<ExecutionLog | undefined> => {
        const outcome = await engine().execute(project, p.id);
        expect(outcome?.status).toBe('FAIL');
        const logs = await logsOf(p.id);
        expect(logs).toHaveLength(1);
        return logs[0];
      };

      it('a group without a configuration: scale-out refused (AS.2018), scale-in allowed', async () => {
        const out = policy({ action: { operation: 'ADD', number: 1 } });
        const back = policy({ action: { operation: 'REMOVE', number: 1 } });
        await setup(group({ attributes: {} }), out, back);
        const log = await failure(out);
        expect(log?.failedReason).toMatch(/^AS\.2018: .*no scaling configuration/);
        expect([log?.oldValue, log?.desireValue]).toEqual(['2', '3']);
        expect(await current()).toBe(2);
        const removed = await engine().execute(project, back.id);
        expect(removed?.status).toBe('EXECUTING');
        expect(await current()).toBe(1);
      });

      it('a configuration deleted behind the group refuses a scale-out as well', async () => {
        const out = policy({ action: { operation: 'ADD', number: 1 } });
        await setup(group(), out);
        await store.resourceSession((tx) => tx.configurations.delete(project, configurationId));
        expect((await failure(out))?.failedReason).toMatch(/no scaling configuration that exists/);
      });

      it('policy paused', async () => {
        const p = policy({ status: 'PAUSED' });
        await setup(group(), p);
        const log = await failure(p);
        expect(log?.failedReason).toMatch(/^AS\.3027: The policy .* is PAUSED/);
        expect((await groupNow()).desireInstances).toBe(2);
      });

      it('group not in service', async () => {
        const p = policy();
        await setup(group({ status: 'PAUSED' }), p);
        const log = await failure(p);
        expect(log?.failedReason).toMatch(/^AS\.3027: The scaling group .* is PAUSED/);
        expect(log?.oldValue).toBe('2');
      });

      it('group gone', async () => {
        const p = policy();
        await setup(undefined, p);
        expect((await failure(p))?.failedReason).toMatch(
          /^AS\.2007: The scaling group .* does not exist/,
        );
      });

      it('already at the bound it pushes against', async () => {
        const add = policy({ action: { operation: 'ADD', number: 1 } });
        const remove = policy({ action: { operation: 'REMOVE', number: 1 } });
        await setup(group({ desireInstances: 5 }), add);
        const log = await failure(add);
        expect(log?.failedReason).toMatch(/^AS\.3040: .*upper bound \(5 instances\)/);
        expect([log?.oldValue, log?.desireValue, log?.limitValue, log?.type]).toEqual([
          '5',
          '5',
          '5',
          'ADD',
        ]);
        await store.resourceSession(async (tx) => {
          await tx.groups.update(group({ desireInstances: 1 }));
          await tx.policies.insert(remove);
        });
        expect((await failure(remove))?.failedReason).toMatch(
          /^AS\.3040: .*lower bound \(1 instances\)/,
        );
      });

      it('SET to the number the group already wants', async () => {
        const p = policy({ action: { operation: 'SET', number: 2 } });
        await setup(group(), p);
        expect((await failure(p))?.failedReason).toMatch(/^AS\.2028: /);
      });

      it('busy with another policy, and the same policy still executing', async () => {
        const first = policy({ action: { operation: 'ADD', number: 1 } });
        const second = policy({ action: { operation: 'ADD', number: 1 } });
        await setup(group(), first, second);
        const e = engine({ instanceSettleMs: minute });
        expect((await e.execute(project, first.id))?.status).toBe('EXECUTING');
        const busy = await e.execute(project, second.id);
        expect(busy?.status).toBe('FAIL');
        expect(busy?.log.failedReason).toMatch(
          /^AS\.0034: The scaling group .* is busy with an execution of policy/,
        );
        const again = await e.execute(project, first.id);
        expect(again?.log.failedReason).toMatch(/^AS\.3038: The policy .* is still executing/);
        expect((await groupNow()).desireInstances).toBe(3);
        now += minute;
        await e.runDue();
        expect((await e.execute(project, second.id))?.status).toBe('EXECUTING');
      });

      it('cooldown holds back alarm executions only', async () => {
        const p = policy({ action: { operation: 'ADD', number: 1 } });
        await setup(group({ lastScaledAt: t0 - minute, coolDownSeconds: 300 }), p);
        const e = engine();
        const [alarm] = await e.fireAlarm(project, 'al-cpu-high');
        expect(alarm?.status).toBe('FAIL');
        expect(alarm?.log.executeType).toBe('ALARM');
        expect(alarm?.log.failedReason).toMatch(
          /^AS\.0026: .*cooling down until 2026-03-01T10:04:00Z/,
        );
        expect((await e.execute(project, p.id))?.status).toBe('EXECUTING');
        // The manual run restarted the cooldown; once it is over an alarm acts again.
        now = t0 + 5 * minute;
        const [later] = await e.fireAlarm(project, 'al-cpu-high');
        expect(later?.status).toBe('EXECUTING');
        expect((await groupNow()).desireInstances).toBe(4);
      });

      it('the group deleted before the instances settled', async () => {
        const p = policy();
        await setup(group(), p);
        const e = engine({ instanceSettleMs: minute });
        await e.execute(project, p.id);
        await store.resourceSession((tx) => tx.groups.delete(project, groupId));
        now += minute;
        expect((await e.runDue()).settled).toBe(1);
        const [log] = await logsOf(p.id);
        expect(log?.status).toBe('FAIL');
        expect(log?.failedReason).toMatch(
          /^AS\.2007: The scaling group .* was deleted before its instances reached 3/,
        );
      });
    });

    describe('alarms', () => {
      it('trigger every in-service alarm policy bound to the alarm, and no other', async () => {
        const bound = policy({ action: { operation: 'ADD', number: 1 } });
        const paused = policy({ status: 'PAUSED' });
        const other = policy({ alarmId: 'al-other' });
        await setup(group({ coolDownSeconds: 0 }), bound, paused, other);
        const outcomes = await engine().fireAlarm(project, 'al-cpu-high');
        expect(outcomes.map((o) => o.log.policyId)).toEqual([bound.id]);
        expect(await logsOf(paused.id)).toEqual([]);
        expect(await logsOf(other.id)).toEqual([]);
        expect(await engine().fireAlarm('ffffffffffffffffffffffffffffffff', 'al-cpu-high')).toEqual(
          [],
        );
      });
    });

    describe('bandwidths', () => {
      it('resize at once, with the API job record, limits and meta_data', async () => {
        const p = policy({
          resourceType: 'BANDWIDTH',
          resourceId: bandwidthId,
          action: { operation: 'ADD', number: 50, limits: 40 },
        });
        await store.resourceSession(async (tx) => {
          await tx.bandwidths.insert(bandwidth());
          await tx.policies.insert(p);
        });
        await engine().execute(project, p.id);
        const [log] = await logsOf(p.id);
        expect(log).toMatchObject({
          status: 'SUCCESS',
          resourceType: 'BANDWIDTH',
          oldValue: '10',
          desireValue: '40',
          limitValue: '40',
          type: 'ADD',
          metaData: {
            metadata_bandwidth_share_type: 'PER',
            metadata_eip_id: 'eip-1',
            metadataeip_address: '192.0.2.10',
          },
        });
        const record = log?.jobRecords[0];
        expect(record).toMatchObject({ recordType: 'API', code: '200', jobStatus: 'SUCCESS' });
        expect(JSON.parse(record?.request ?? '')).toEqual({
          method: 'PUT',
          uri: `/v1/${project}/bandwidths/${bandwidthId}`,
          body: { bandwidth: { size: 40 } },
        });
        expect(JSON.parse(record?.response ?? '')).toEqual({
          bandwidth: { id: bandwidthId, size: 40 },
        });
        const b = await store.resourceRead((tx) => tx.bandwidths.get(project, bandwidthId));
        expect(b?.size).toBe(40);
        // At the limit now: the next ADD is refused and says so.
        const refused = await engine().execute(project, p.id);
        expect(refused?.log.failedReason).toMatch(/^AS\.3040: .*upper bound \(40 Mbit\/s\)/);
      });
    });

    describe('schedules', () => {
      it('a SCHEDULED policy fires once at its launch time', async () => {
        const p = policy({
          policyType: 'SCHEDULED',
          scheduledPolicy: { launchTime: '2026-03-01T10:30Z' },
          nextFireAt: t0 + 30 * minute,
        });
        await setup(group(), p);
        const e = engine();
        now = t0 + 29 * minute;
        expect(await e.runDue()).toEqual({ fired: 0, settled: 0 });
        now = t0 + 30 * minute + 1500;
        expect((await e.runDue()).fired).toBe(1);
        expect(await e.runDue()).toEqual({ fired: 0, settled: 0 });
        const logs = await logsOf(p.id);
        expect(logs.map((l) => [l.status, l.executeType, l.executeTime])).toEqual([
          ['SUCCESS', 'SCHEDULED', (t0 + 30 * minute + 1500 - 500) / 1000],
        ]);
        expect(
          (await store.resourceRead((tx) => tx.policies.get(project, p.id)))?.nextFireAt,
        ).toBeUndefined();
      });

      it('a daily recurrence fires every day inside its window and stops after it', async () => {
        const p = policy({
          policyType: 'RECURRENCE',
          scheduledPolicy: {
            launchTime: '10:05',
            recurrenceType: 'Daily',
            startTime: '2026-03-01T00:00Z',
            endTime: '2026-03-03T12:00Z',
          },
          action: { operation: 'ADD', number: 1 },
        });
        const schedule = policySchedule(p);
        const first = schedule === undefined ? undefined : nextFireTime(schedule, t0);
        expect(first).toBe(t0 + 5 * minute);
        await setup(group({ maxInstances: 10 }), { ...p, nextFireAt: t0 + 5 * minute });
        const e = engine();
        const fired: number[] = [];
        for (let day = 0; day < 4; day += 1) {
          now = t0 + day * 86_400_000 + 5 * minute;
          fired.push((await e.runDue()).fired);
        }
        expect(fired).toEqual([1, 1, 1, 0]);
        expect((await logsOf(p.id)).map((l) => l.executeType)).toEqual([
          'RECURRENCE',
          'RECURRENCE',
          'RECURRENCE',
        ]);
        expect((await groupNow()).desireInstances).toBe(5);
      });

      it('a trigger missed by more than the grace is one FAIL log, and the schedule moves on', async () => {
        const p = policy({
          policyType: 'RECURRENCE',
          scheduledPolicy: {
            launchTime: '10:05',
            recurrenceType: 'Daily',
            startTime: '2026-03-01T00:00Z',
            endTime: '2026-03-31T00:00Z',
          },
        });
        await setup(group(), { ...p, nextFireAt: t0 + 5 * minute });
        // The service comes back three days later, at 10:07: today's 10:05 is within the grace.
        now = t0 + 3 * 86_400_000 + 7 * minute;
        expect((await engine().runDue()).fired).toBe(2);
        const logs = await logsOf(p.id);
        expect(logs.map((l) => [l.status, l.executeTime])).toEqual([
          ['SUCCESS', now / 1000],
          ['FAIL', (t0 + 5 * minute) / 1000],
        ]);
        expect(logs[1]?.failedReason).toBe(
          'SCALELOG.1001: The trigger due at 2026-03-01T10:05:00Z was missed: found at 2026-03-04T10:07:00Z, 259320 s late, past the 300 s grace. No Scalelog server fired it in time: this server first looked for due work at 2026-03-04T10:07:00Z, after it was due, and no other server fired it (none was running, or none could reach the store). Occurrences due before 2026-03-04T10:02:00Z were skipped.',
        );
        const stored = await store.resourceRead((tx) => tx.policies.get(project, p.id));
        expect(stored?.nextFireAt).toBe(t0 + 4 * 86_400_000 + 5 * minute);
      });

      describe('a missed trigger says what this server saw', () => {
        const daily = (): ScalingPolicy => {
          const p = policy({
            policyType: 'RECURRENCE',
            scheduledPolicy: {
              launchTime: '10:05',
              recurrenceType: 'Daily',
              startTime: '2026-03-01T00:00Z',
              endTime: '2026-03-31T00:00Z',
            },
          });
          return { ...p, nextFireAt: t0 + 5 * minute };
        };
        /** The store, except that it cannot be reached while `down` says so. */
        const flaky = (down: () => Error | undefined): ResourceStore => ({
          ...store,
          resourceRead: (work) => {
            const e = down();
            return e === undefined ? store.resourceRead(work) : Promise.reject(e);
          },
          resourceSession: (work) => {
            const e = down();
            return e === undefined ? store.resourceSession(work) : Promise.reject(e);
          },
        });
        const missedReason = async (policyId: string): Promise<string | undefined> =>
          (await logsOf(policyId)).find((l) => l.status === 'FAIL')?.failedReason;

        it('the store was unreachable: the passes that failed, and since when', async () => {
          const p = daily();
          await setup(group(), p);
          let outage: Error | undefined;
          const e = new PolicyEngine(
            flaky(() => outage),
            clock,
            options,
          );
          now = t0;
          expect((await e.runDue()).fired).toBe(0);
          outage = new StoreUnavailableError('the store at test cannot be reached');
          for (let m = 4; m <= 11; m += 1) {
            now = t0 + m * minute;
            await expect(e.runDue()).rejects.toBeInstanceOf(StoreUnavailableError);
          }
          outage = undefined;
          now = t0 + 12 * minute;
          expect((await e.runDue()).fired).toBe(1);
          expect(await missedReason(p.id)).toBe(
            "SCALELOG.1001: The trigger due at 2026-03-01T10:05:00Z was missed: found at 2026-03-01T10:12:00Z, 420 s late, past the 300 s grace. This server's scheduler was running, but its passes could not reach the store from 2026-03-01T10:04:00Z to 2026-03-01T10:11:00Z, so the trigger could not be fired in time. Occurrences due before 2026-03-01T10:07:00Z were skipped.",
          );
        });

        it('the store did not answer in time: says so', async () => {
          const p = daily();
          await setup(group(), p);
          let outage: Error | undefined = new StoreTimeoutError('a query ran past its time limit');
          const e = new PolicyEngine(
            flaky(() => outage),
            clock,
            options,
          );
          now = t0 + 4 * minute;
          await expect(e.runDue()).rejects.toBeInstanceOf(StoreTimeoutError);
          now = t0 + 10 * minute;
          await expect(e.runDue()).rejects.toBeInstanceOf(StoreTimeoutError);
          outage = undefined;
          now = t0 + 11 * minute;
          expect((await e.runDue()).fired).toBe(1);
          expect(await missedReason(p.id)).toMatch(
            /^SCALELOG\.1001: .* its passes got no answer from the store within its time limit from 2026-03-01T10:04:00Z to 2026-03-01T10:10:00Z, /,
          );
        });

        it('no server was running: this one started after the trigger was due', async () => {
          const p = daily();
          await setup(group(), p);
          now = t0 + 12 * minute;
          expect((await engine().runDue()).fired).toBe(1);
          const reason = await missedReason(p.id);
          expect(reason).toMatch(
            /^SCALELOG\.1001: The trigger due at 2026-03-01T10:05:00Z was missed: found at 2026-03-01T10:12:00Z, 420 s late, past the 300 s grace\. No Scalelog server fired it in time: this server first looked for due work at 2026-03-01T10:12:00Z/,
          );
          expect(reason).not.toMatch(/store from/);
        });

        it('the server was running but made no pass for longer than the grace: says when it last did', async () => {
          const p = daily();
          await setup(group(), p);
          const e = engine();
          now = t0 + 4 * minute;
          expect((await e.runDue()).fired).toBe(0);
          now = t0 + 12 * minute;
          expect((await e.runDue()).fired).toBe(1);
          expect(await missedReason(p.id)).toMatch(
            /grace\. This server's scheduler was running, but its previous pass was at 2026-03-01T10:04:00Z \(/,
          );
        });
      });

      it('fires a pending trigger on request, and the schedule moves on', async () => {
        const p = policy({
          policyType: 'SCHEDULED',
          scheduledPolicy: { launchTime: '2026-03-02T10:00Z' },
          nextFireAt: t0 + 86_400_000,
        });
        await setup(group(), p);
        const e = engine();
        const outcome = await e.fireTriggerNow(project, p.id);
        expect(outcome !== 'no-trigger' && outcome?.log.executeType).toBe('SCHEDULED');
        expect(await e.fireTriggerNow(project, p.id)).toBe('no-trigger');
        now = t0 + 86_400_000;
        expect((await e.runDue()).fired).toBe(0);
        expect(await logsOf(p.id)).toHaveLength(1);
        expect(
          await e.fireTriggerNow(project, 'a0000000-0000-4000-8000-999999999999'),
        ).toBeUndefined();
      });
    });
  });
}
