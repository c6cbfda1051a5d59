import type { FastifyPluginCallback, FastifyRequest } from 'fastify';
import type { Config } from '../../config/config.js';
import { apiErrors } from '../../errors/api-error.js';
import type { ExecutionOutcome } from '../../engine/policy-executor.js';
import type { TaskOutcome } from '../../engine/scheduled-tasks.js';
import { acceptAsIs } from '../../http/accept-as-is.js';
import { engineErrorResponses, projectAnd } from '../../http/resource-schemas.js';
import { asErrorOf } from '../../http/error-schemas.js';
import type { TriggerService } from './service.js';
import { plainIdPattern } from '../../domain/ids.js';

export interface TriggerRoutesDeps {
  readonly triggers: TriggerService;
  readonly config: Pick<Config, 'devTriggers'>;
}

/** Where the routes are mounted: Scalelog's own API, not the cloud's. */
export const triggersPrefix = '/scalelog/v1/:project_id';

/** One execution as these endpoints report it. */
interface ExecutionReport {
  scaling_policy_id: string;
  log_id: string;
  status: 'EXECUTING' | 'FAIL';
  execute_type: string;
  failed_reason?: string;
}

interface AlarmRoute {
  Params: { project_id: string; alarm_id: string };
}
interface PolicyTriggerRoute {
  Params: { project_id: string; scaling_policy_id: string };
}
interface TaskTriggerRoute {
  Params: { project_id: string; scaling_group_id: string; scheduled_task_id: string };
}

/** Alarm ids are opaque to Scalelog, which stands in for the monitoring service. */
const alarmIdPattern = plainIdPattern;

const execution = {
  type: 'object',
  required: ['scaling_policy_id', 'log_id', 'status', 'execute_type'],
  properties: {
    scaling_policy_id: { type: 'string' },
    log_id: { type: 'string', description: 'The execution log, as the log API serves it.' },
    status: {
      type: 'string',
      enum: ['EXECUTING', 'FAIL'],
      description:
        'EXECUTING: it acted (the log becomes SUCCESS when the action completes); FAIL: a rule stopped it, see failed_reason.',
    },
    execute_type: { type: 'string' },
    failed_reason: { type: 'string' },
  },
} as const;

const fireAlarmSchema = {
  summary: 'Fire an alarm',
  description:
    'Scalelog stands in for the monitoring service: every INSERVICE ALARM or INTERVAL_ALARM policy of the project bound to alarm_id executes, oldest first, and the answer lists each execution. Paused policies do not react. The group cooldown holds back alarm-triggered executions (recorded as FAIL AS.0026). No body.',
  tags: ['triggers'],
  params: projectAnd('alarm_id', 'The alarm id the policies name (1-64 letters, digits, _ or -).'),
  response: {
    200: {
      type: 'object',
      required: ['alarm_id', 'executions'],
      properties: {
        alarm_id: { type: 'string' },
        executions: { type: 'array', items: execution },
      },
    },
    ...engineErrorResponses([400, 401, 403, 406, 500, 503]),
  },
};

const fireTriggerSchema = {
  summary: "Fire a scheduled or recurring policy's trigger now (developer endpoint)",
  description:
    "Served only with devTriggers (SCALELOG_DEV_TRIGGERS=true, or serve --dev); otherwise 404 APIGW.0101. Fires the policy's pending trigger now, with its execute type (SCHEDULED or RECURRENCE); the schedule moves on to its next occurrence after now, so the trigger does not fire again at its time. 409 SCALELOG.0409 when nothing is pending (an ALARM policy, a paused one, or a schedule that has ended). No body.",
  tags: ['triggers'],
  params: projectAnd('scaling_policy_id', 'The policy. Unknown: 404 AS.3020.'),
  response: {
    200: execution,
    ...engineErrorResponses([400, 401, 403, 406, 500, 503]),
    404: asErrorOf(['AS.3020'], 'The policy does not exist.'),
    409: asErrorOf(['SCALELOG.0409'], 'The policy has no trigger pending.'),
  },
};

const fireTaskSchema = {
  summary: "Fire a group's scheduled task now (developer endpoint)",
  description:
    "Served only with devTriggers (SCALELOG_DEV_TRIGGERS=true, or serve --dev); otherwise 404 APIGW.0101. Fires the task's pending occurrence now: the group's numbers are set and the answer names the activity that records it (FAIL when the numbers break the group's rules). The schedule moves on to its next occurrence after now. 409 SCALELOG.0409 when nothing is pending (a one-off task that has run, a recurrence that has ended). No body.",
  tags: ['triggers'],
  params: {
    type: 'object',
    required: ['project_id', 'scaling_group_id', 'scheduled_task_id'],
    properties: {
      ...projectAnd('scaling_group_id', 'The scaling group.').properties,
      scheduled_task_id: { type: 'string', description: 'The task. Unknown: 404 AS.0007.' },
    },
  },
  response: {
    200: {
      type: 'object',
      required: ['task_id', 'activity_id', 'status', 'description'],
      properties: {
        task_id: { type: 'string' },
        activity_id: { type: 'string', description: 'The scaling activity that records it.' },
        status: { type: 'string', enum: ['SUCCESS', 'DOING', 'FAIL'] },
        description: { type: 'string' },
      },
    },
    ...engineErrorResponses([400, 401, 403, 406, 500, 503]),
    404: asErrorOf(['AS.0007'], 'The group has no such scheduled task.'),
    409: asErrorOf(['SCALELOG.0409'], 'The task has no occurrence pending.'),
  },
};

/**
 * Scalelog's own trigger endpoints (not the cloud's), mounted at {@link triggersPrefix}:
 *
 * - `POST /scalelog/v1/{project_id}/alarms/{alarm_id}/fire`: Scalelog stands in for the
 *   monitoring service (see {@link TriggerService.fireAlarm}).
 * - `POST /scalelog/v1/{project_id}/scaling_policy/{scaling_policy_id}/trigger`: fires a
 *   scheduled or recurring policy's pending trigger now, so tests need not wait for it. A
 *   developer endpoint: served only with `devTriggers`. Without it the route is still there,
 *   refusing with a 404 APIGW.0101 that says how to turn it on, which a path the router
 *   does not know could not say (its 404 is answered before any route is chosen).
 * - `POST /scalelog/v1/{project_id}/scaling-groups/{group}/scheduled-tasks/{task}/trigger`:
 *   fires a scheduled task's pending occurrence now, on the same terms.
 */
export function triggerRoutes(deps: TriggerRoutesDeps): FastifyPluginCallback {
  return (app, _options, done) => {
    // The handlers validate every request part themselves, each with its own code and
    // message: the schemas document and serialize.
    app.setValidatorCompiler(acceptAsIs);
    app.post<AlarmRoute>('/alarms/:alarm_id/fire', { schema: fireAlarmSchema }, (request) =>
      fireAlarm(deps, request),
    );
    app.post<PolicyTriggerRoute>(
      '/scaling_policy/:scaling_policy_id/trigger',
      { schema: fireTriggerSchema },
      deps.config.devTriggers ? (request) => fireTriggerNow(deps, request) : refuseDevEndpoint,
    );
    app.post<TaskTriggerRoute>(
      '/scaling-groups/:scaling_group_id/scheduled-tasks/:scheduled_task_id/trigger',
      { schema: fireTaskSchema },
      deps.config.devTriggers ? (request) => fireTaskNow(deps, request) : refuseDevEndpoint,
    );
    done();
  };
}

async function fireAlarm({ triggers }: TriggerRoutesDeps, request: FastifyRequest<AlarmRoute>) {
  const alarmId = request.params.alarm_id;
  if (!alarmIdPattern.test(alarmId)) throw apiErrors.alarmIdIllegal(alarmId);
  const outcomes = await triggers.fireAlarm(request.projectId, alarmId);
  return { alarm_id: alarmId, executions: outcomes.map(report) };
}

async function fireTriggerNow(
  { triggers }: TriggerRoutesDeps,
  request: FastifyRequest<PolicyTriggerRoute>,
): Promise<ExecutionReport> {
  return report(await triggers.fireTriggerNow(request.projectId, request.params.scaling_policy_id));
}

async function fireTaskNow(
  { triggers }: TriggerRoutesDeps,
  request: FastifyRequest<TaskTriggerRoute>,
) {
  const { scaling_group_id: groupId, scheduled_task_id: taskId } = request.params;
  const outcome: TaskOutcome = await triggers.fireTaskNow(request.projectId, groupId, taskId);
  return {
    task_id: outcome.task.id,
    activity_id: outcome.activity.id,
    status: outcome.activity.status,
    description: outcome.activity.description,
  };
}

/** The developer endpoint while `devTriggers` is off: refused once the caller is authenticated. */
function refuseDevEndpoint(): Promise<never> {
  return Promise.reject(apiErrors.devEndpointOff());
}

function report(outcome: ExecutionOutcome): ExecutionReport {
  return {
    scaling_policy_id: outcome.log.policyId,
    log_id: outcome.log.id,
    status: outcome.status,
    execute_type: outcome.log.executeType,
    ...(outcome.log.failedReason === undefined ? {} : { failed_reason: outcome.log.failedReason }),
  };
}
