import { describe, expect, it } from 'vitest';
import type { ScalingGroup } from '../../../src/domain/scaling-group.js';
import type { ScalingPolicy } from '../../../src/domain/scaling-policy.js';
import { testBackends } from '../../support/backends.js';
import { insertGroupInService } from '../../support/group-fixtures.js';
import {
  expectAsError,
  expectGatewayError,
  logsPath,
  openTestApi,
  project,
  uuid,
} from '../../support/api-harness.js';
import type { TestApi } from '../../support/api-harness.js';

const groupId = uuid(0x100);
const fireUrl = (alarmId: string, projectId = project): string =>
  `/scalelog/v1/${projectId}/alarms/${alarmId}/fire`;
const triggerUrl = (policyId: string, projectId = project): string =>
  `/scalelog/v1/${projectId}/scaling_policy/${policyId}/trigger`;

interface LogBody {
  total_number: number;
  scaling_policy_execute_log: Record<string, unknown>[];
}

async function setup(
  api: TestApi,
  group: Partial<ScalingGroup>,
  ...policies: ScalingPolicy[]
): Promise<void> {
  await api.store.resourceSession(async (tx) => {
    await insertGroupInService(tx, {
      id: groupId,
      projectId: project,
      name: 'web',
      status: 'INSERVICE',
      minInstances: 0,
      maxInstances: 10,
      desireInstances: 2,
      coolDownSeconds: 300,
      createTime: api.clock.now(),
      attributes: {},
      ...group,
    });
    for (const p of policies) await tx.policies.insert(p);
  });
}

/** A policy of the group; an ALARM policy on `al-cpu` unless `over` says otherwise. */
const policy = (api: TestApi, n: number, over: Partial<ScalingPolicy> = {}): ScalingPolicy => ({
  id: uuid(n),
  projectId: project,
  name: `p${String(n)}`,
  resourceType: 'SCALING_GROUP',
  resourceId: groupId,
  policyType: 'ALARM',
  ...((over.policyType ?? 'ALARM') === 'ALARM' ? { alarmId: 'al-cpu' } : {}),
  action: { operation: 'ADD', number: 1 },
  coolDownSeconds: 300,
  status: 'INSERVICE',
  createTime: api.clock.now() - n * 1000,
  ...over,
});

const logsOf = async (api: TestApi, policyId: string): Promise<LogBody> => {
  const res = await api.inject({ method: 'GET', url: logsPath(project, policyId) });
  expect(res.statusCode, res.body).toBe(200);
  return res.json<LogBody>();
};

for (const backend of testBackends) {
  describe.skipIf(!backend.available)(`trigger endpoints: ${backend.name}`, () => {
    it('an alarm executes every in-service policy bound to it and reports each execution', async () => {
      const api = await openTestApi(backend);
      const bound = policy(api, 1);
      const paused = policy(api, 2, { status: 'PAUSED' });
      const elsewhere = policy(api, 3, { alarmId: 'al-other' });
      await setup(api, { coolDownSeconds: 0 }, bound, paused, elsewhere);
      const res = await api.inject({ method: 'POST', url: fireUrl('al-cpu') });
      expect(res.statusCode, res.body).toBe(200);
      const body = res.json<{ alarm_id: string; executions: Record<string, unknown>[] }>();
      expect(body.alarm_id).toBe('al-cpu');
      expect(body.executions).toHaveLength(1);
      expect(body.executions[0]).toStrictEqual({
        scaling_policy_id: bound.id,
        log_id: expect.stringMatching(/^[0-9a-f-]{36}$/) as unknown,
        status: 'EXECUTING',
        execute_type: 'ALARM',
      });
      const logs = await logsOf(api, bound.id);
      expect(logs.scaling_policy_execute_log[0]).toMatchObject({
        id: body.executions[0]?.log_id,
        status: 'SUCCESS',
        execute_type: 'ALARM',
        old_value: '2',
        desire_value: '3',
      });
      // Known policies that never ran answer an empty page, not 404.
      expect(await logsOf(api, paused.id)).toMatchObject({
        total_number: 0,
        scaling_policy_execute_log: [],
      });
      expect((await logsOf(api, elsewhere.id)).total_number).toBe(0);
    });

    it('the cooldown holds an alarm back, and says until when', async () => {
      const api = await openTestApi(backend);
      await setup(
        api,
        { lastScaledAt: api.clock.now() - 60_000, coolDownSeconds: 300 },
        policy(api, 1),
      );
      const res = await api.inject({ method: 'POST', url: fireUrl('al-cpu') });
      const [execution] = res.json<{ executions: Record<string, string>[] }>().executions;
      expect(execution?.status).toBe('FAIL');
      expect(execution?.failed_reason).toMatch(
        /^AS\.0026: .*cooling down until \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ/,
      );
      const [log] = (await logsOf(api, uuid(1))).scaling_policy_execute_log;
      expect(log).toMatchObject({ status: 'FAIL', failed_reason: execution?.failed_reason });
    });

    it('an alarm nobody listens to executes nothing; a malformed alarm id is refused', async () => {
      const api = await openTestApi(backend);
      const res = await api.inject({ method: 'POST', url: fireUrl('al-none') });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toStrictEqual({ alarm_id: 'al-none', executions: [] });
      expectAsError(await api.inject({ method: 'POST', url: fireUrl('al%20cpu') }), 400, 'AS.3050');
    });

    it('the trigger endpoint is off unless devTriggers is on', async () => {
      const api = await openTestApi(backend);
      const res = await api.inject({ method: 'POST', url: triggerUrl(uuid(1)) });
      expect(expectGatewayError(res, 404, 'APIGW.0101')).toContain('devTriggers');
    });

    it('fires a pending trigger now, once, and the schedule moves on', async () => {
      const api = await openTestApi(backend, { config: { devTriggers: true } });
      const launch = api.clock.now() + 86_400_000;
      const launchTime = new Date(launch).toISOString().slice(0, 16) + 'Z';
      const scheduled = policy(api, 1, {
        policyType: 'SCHEDULED',
        scheduledPolicy: { launchTime },
        nextFireAt: Math.floor(launch / 60_000) * 60_000,
      });
      await setup(api, {}, scheduled);
      const res = await api.inject({ method: 'POST', url: triggerUrl(scheduled.id) });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toMatchObject({
        scaling_policy_id: scheduled.id,
        status: 'EXECUTING',
        execute_type: 'SCHEDULED',
      });
      const logs = await logsOf(api, scheduled.id);
      expect(logs.scaling_policy_execute_log.map((l) => [l.status, l.execute_type])).toEqual([
        ['SUCCESS', 'SCHEDULED'],
      ]);
      const again = await api.inject({ method: 'POST', url: triggerUrl(scheduled.id) });
      expect(expectAsError(again, 409, 'SCALELOG.0409')).toContain('no trigger pending');
      expectAsError(await api.inject({ method: 'POST', url: triggerUrl(uuid(9)) }), 404, 'AS.3020');
    });

    it("keeps projects apart: another project's credential cannot fire this project's alarm", async () => {
      const api = await openTestApi(backend);
      await setup(api, { coolDownSeconds: 0 }, policy(api, 1));
      const other = 'ffffffffffffffffffffffffffffffff';
      const asOther = { credential: await api.credentialFor(other), projectHeader: false };
      expectAsError(
        await api.inject({ method: 'POST', url: fireUrl('al-cpu') }, asOther),
        403,
        'AS.0011',
      );
      const theirs = await api.inject({ method: 'POST', url: fireUrl('al-cpu', other) }, asOther);
      expect(theirs.json()).toStrictEqual({ alarm_id: 'al-cpu', executions: [] });
      expect((await logsOf(api, uuid(1))).total_number).toBe(0);
    });
  });
}
