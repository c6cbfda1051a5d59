import { apiErrors } from '../../errors/api-error.js';
import type { ApiError } from '../../errors/api-error.js';
import type { ScheduledTask, TaskNumbers } from '../../domain/scheduled-task.js';
import { formatWireTimeMs } from '../../domain/wire-time.js';
import { showValue, unsupportedFields } from '../../http/body-fields.js';
import { listParameters } from '../../http/list-query.js';
import { bodyCheck, failed } from '../../http/schema-validation.js';
import type { ObjectTable, SchemaError } from '../../http/schema-validation.js';
import { createTaskBody, scheduledTaskSchemas, updateTaskBody } from './schemas.js';
import { parseTaskSchedule } from './schedule-parse.js';
import type { TaskEdit, TaskInput } from './service.js';

type Fields = Readonly<Record<string, unknown>>;

const nameFault = (value: unknown, errors: readonly SchemaError[]): ApiError =>
  apiErrors.badRequestBody(
    failed(errors, 'type')
      ? `name must be a string, not ${showValue(value)}.`
      : `Invalid name ${showValue(value)}: 1 to 64 letters, digits, underscores, hyphens or Chinese characters.`,
  );

const notString = (field: string) => (value: unknown) =>
  apiErrors.badRequestBody(`scheduled_policy.${field} must be a string, not ${showValue(value)}.`);

const scheduleTable: ObjectTable = {
  notObject: () => apiErrors.taskScheduleNull(),
  unknown: (sent, accepted) => unsupportedFields(sent, accepted, 'scheduled_policy'),
  entries: [
    {
      field: 'launch_time',
      missing: () => apiErrors.launchTimeNull(),
      invalid: notString('launch_time'),
    },
    {
      field: 'recurrence_type',
      invalid: (value) =>
        typeof value === 'string'
          ? apiErrors.taskRecurrenceTypeInvalid(value)
          : notString('recurrence_type')(value),
    },
    { field: 'recurrence_value', invalid: notString('recurrence_value') },
    { field: 'start_time', invalid: notString('start_time') },
    { field: 'end_time', invalid: notString('end_time') },
  ],
};

const numberFault = (field: 'min' | 'max' | 'desire') => (value: unknown) => {
  const detail = `Got instance_number.${field} ${showValue(value)}: expected an integer from 0 to 300.`;
  return field === 'desire' ? apiErrors.groupDesireOutside(detail) : apiErrors.groupMinMax(detail);
};

const numbersTable: ObjectTable = {
  notObject: (value) =>
    apiErrors.badRequestBody(
      `instance_number must be an object such as {"min":1,"max":5,"desire":2}, not ${showValue(value)}.`,
    ),
  unknown: (sent, accepted) => unsupportedFields(sent, accepted, 'instance_number'),
  entries: [
    { field: 'max', invalid: numberFault('max') },
    { field: 'min', invalid: numberFault('min') },
    { field: 'desire', invalid: numberFault('desire') },
    { rule: numbersRule },
  ],
};

/** The numbers' own rules: one at least, min <= desire <= max among those given. */
function numbersRule(n: Fields): ApiError | undefined {
  const { min, max, desire } = n as TaskNumbers;
  if (min === undefined && max === undefined && desire === undefined) {
    return apiErrors.badRequestBody(
      "instance_number needs at least one of min, max and desire; those absent keep the group's.",
    );
  }
  if (min !== undefined && max !== undefined && min > max) {
    return apiErrors.groupMinMax(`Got min ${String(min)} greater than max ${String(max)}.`);
  }
  if (desire !== undefined && min !== undefined && desire < min) {
    return apiErrors.groupDesireOutside(`Got desire ${String(desire)} below min ${String(min)}.`);
  }
  if (desire !== undefined && max !== undefined && desire > max) {
    return apiErrors.groupDesireOutside(`Got desire ${String(desire)} above max ${String(max)}.`);
  }
  return undefined;
}

const entries = (required: boolean): ObjectTable['entries'] => [
  {
    field: 'name',
    ...(required
      ? { missing: () => apiErrors.badRequestBody('A scheduled task needs a name.') }
      : {}),
    invalid: nameFault,
  },
  {
    field: 'scheduled_policy',
    ...(required ? { missing: () => apiErrors.taskScheduleNull() } : {}),
    object: scheduleTable,
  },
  {
    field: 'instance_number',
    ...(required
      ? {
          missing: () =>
            apiErrors.badRequestBody(
              'A scheduled task needs instance_number, an object with min, max or desire.',
            ),
        }
      : {}),
    object: numbersTable,
  },
];

const checkCreate = bodyCheck(createTaskBody, {
  unknown: (sent, accepted) => unsupportedFields(sent, accepted, 'a scheduled task'),
  entries: entries(true),
});

const checkUpdate = bodyCheck(updateTaskBody, {
  unknown: (sent, accepted) => unsupportedFields(sent, accepted, 'a scheduled task update'),
  empty: () =>
    apiErrors.badRequestBody(
      'An update of a scheduled task changes at least one of name, scheduled_policy and instance_number.',
    ),
  entries: entries(false),
});

const numbersOf = (n: { min?: number; max?: number; desire?: number }): TaskNumbers => ({
  ...(n.min === undefined ? {} : { min: n.min }),
  ...(n.max === undefined ? {} : { max: n.max }),
  ...(n.desire === undefined ? {} : { desire: n.desire }),
});

/** `POST .../scheduled-tasks`: the task's fields, its schedule checked against `nowMs`. */
export function parseCreateTask(raw: unknown, nowMs: number): TaskInput {
  const body = checkCreate(raw, undefined);
  return {
    name: body.name,
    schedule: parseTaskSchedule(body.scheduled_policy, nowMs),
    numbers: numbersOf(body.instance_number),
  };
}

/** `PUT .../scheduled-tasks/{id}`: the fields it changes; a new schedule is checked against `nowMs`. */
export function parseUpdateTask(raw: unknown, nowMs: number): TaskEdit {
  const body = checkUpdate(raw, undefined);
  return {
    ...(body.name === undefined ? {} : { name: body.name }),
    ...(body.scheduled_policy === undefined
      ? {}
      : { schedule: parseTaskSchedule(body.scheduled_policy, nowMs) }),
    ...(body.instance_number === undefined ? {} : { numbers: numbersOf(body.instance_number) }),
  };
}

const listParameterNames = Object.keys(scheduledTaskSchemas.listQuery.properties);

/** The list's `limit` (1 to 100, default 20) and `marker`, each at most once. */
export function parseTaskListQuery(url: string): { limit: number; marker?: string } {
  const params = listParameters(url, listParameterNames);
  const limitText = params.get('limit');
  let limit = 20;
  if (limitText !== undefined) {
    if (!/^\d{1,3}$/.test(limitText)) throw apiErrors.taskListLimit(limitText);
    limit = Number(limitText);
    if (limit < 1 || limit > 100) throw apiErrors.taskListLimit(limitText);
  }
  const marker = params.get('marker');
  return marker === undefined ? { limit } : { limit, marker };
}

/** One `scheduled_tasks` item. */
export function taskToWire(task: ScheduledTask): Record<string, unknown> {
  const s = task.schedule;
  return {
    task_id: task.id,
    scaling_group_id: task.groupId,
    name: task.name,
    scheduled_policy: {
      launch_time: s.launchTime,
      ...(s.recurrenceType === undefined ? {} : { recurrence_type: s.recurrenceType }),
      ...(s.recurrenceValue === undefined ? {} : { recurrence_value: s.recurrenceValue }),
      ...(s.startTime === undefined ? {} : { start_time: s.startTime }),
      ...(s.endTime === undefined ? {} : { end_time: s.endTime }),
    },
    instance_number: { ...task.numbers },
    create_time: formatWireTimeMs(task.createTime),
    update_time: formatWireTimeMs(task.updateTime),
    tenant_id: task.projectId,
    domain_id: task.projectId,
  };
}
