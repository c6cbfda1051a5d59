import { maxInstanceLimit } from '../../domain/scaling-group.js';
import { taskRecurrenceTypes } from '../../domain/scheduled-task.js';
import { projectParams } from '../../http/resource-schemas.js';

/**
 * Wire schemas of the scheduled task API (the SDK's CreateScheduledTaskOption,
 * UpdateScheduledTaskOption and ListGroupScheduledTasksResponse), which the error tables in
 * wire.ts read.
 */

/** Task names: as group and policy names, 1 to 64 letters, digits, `_`, `-` or Chinese. */
export const taskNamePattern = '^[\\p{Script=Han}A-Za-z0-9_-]+$';

export const taskScheduleBody = {
  type: 'object',
  required: ['launch_time'],
  additionalProperties: false,
  properties: {
    launch_time: {
      type: 'string',
      description:
        'UTC. A one-off task: YYYY-MM-DDThh:mmZ, later than now (AS.3010). A recurring task: hh:mm. Missing: AS.3008; bad format: AS.3009.',
    },
    recurrence_type: {
      type: 'string',
      enum: [...taskRecurrenceTypes, ''],
      description: 'None or empty: a one-off task. Bad value: AS.3004.',
    },
    recurrence_value: {
      type: 'string',
      description:
        'WEEKLY: weekdays 1 (Sunday) to 7, MONTHLY: days 1 to 31, comma-separated; required for both (AS.3024), bad: AS.3025. Ignored for DAILY.',
    },
    start_time: {
      type: 'string',
      description:
        'A recurring task: when it takes effect, YYYY-MM-DDThh:mmZ (AS.3028), before end_time (AS.3029); default now. Ignored for a one-off task.',
    },
    end_time: {
      type: 'string',
      description:
        'A recurring task: when it ends, YYYY-MM-DDThh:mmZ, later than now. Missing: AS.3005; bad format: AS.3006; past: AS.3007; no occurrence in the window: AS.3033.',
    },
  },
} as const;

const count = (what: string) =>
  ({
    type: 'integer',
    minimum: 0,
    maximum: maxInstanceLimit,
    description: `The group's ${what} number of instances, 0 to ${String(maxInstanceLimit)}; absent: unchanged.`,
  }) as const;

export const taskNumbersBody = {
  type: 'object',
  additionalProperties: false,
  properties: { max: count('maximum'), min: count('minimum'), desire: count('desired') },
  description:
    'At least one of min, max, desire; min <= max (AS.2004), min <= desire <= max (AS.2005).',
} as const;

const name = {
  type: 'string',
  minLength: 1,
  maxLength: 64,
  pattern: taskNamePattern,
  description: '1 to 64 letters, digits, _, - or Chinese characters. Bad: AS.0022.',
} as const;

export const createTaskBody = {
  type: 'object',
  required: ['name', 'scheduled_policy', 'instance_number'],
  additionalProperties: false,
  properties: { name, scheduled_policy: taskScheduleBody, instance_number: taskNumbersBody },
} as const;

export const updateTaskBody = {
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  properties: { name, scheduled_policy: taskScheduleBody, instance_number: taskNumbersBody },
} as const;

const wireSchedule = {
  type: 'object',
  required: ['launch_time'],
  properties: {
    launch_time: { type: 'string' },
    recurrence_type: { type: 'string', enum: [...taskRecurrenceTypes] },
    recurrence_value: { type: 'string' },
    start_time: { type: 'string' },
    end_time: { type: 'string' },
  },
} as const;

const wireNumbers = {
  type: 'object',
  properties: { max: { type: 'integer' }, min: { type: 'integer' }, desire: { type: 'integer' } },
} as const;

const task = {
  type: 'object',
  required: [
    'task_id',
    'scaling_group_id',
    'name',
    'scheduled_policy',
    'instance_number',
    'create_time',
    'update_time',
    'tenant_id',
    'domain_id',
  ],
  properties: {
    task_id: { type: 'string' },
    scaling_group_id: { type: 'string' },
    name: { type: 'string' },
    scheduled_policy: wireSchedule,
    instance_number: wireNumbers,
    create_time: { type: 'string', description: 'UTC yyyy-MM-ddThh:mm:ssZ.' },
    update_time: { type: 'string', description: 'UTC yyyy-MM-ddThh:mm:ssZ.' },
    tenant_id: { type: 'string', description: 'The project id.' },
    domain_id: {
      type: 'string',
      description: 'The project id: Scalelog has no account (domain) of its own.',
    },
  },
} as const;

export const scheduledTaskSchemas = {
  groupParams: {
    type: 'object',
    required: ['project_id', 'scaling_group_id'],
    properties: {
      ...projectParams.properties,
      scaling_group_id: { type: 'string', description: 'The scaling group. Unknown: 400 AS.2007.' },
    },
  },
  taskParams: {
    type: 'object',
    required: ['project_id', 'scaling_group_id', 'scheduled_task_id'],
    properties: {
      ...projectParams.properties,
      scaling_group_id: { type: 'string', description: 'The scaling group. Unknown: 400 AS.2007.' },
      scheduled_task_id: { type: 'string', description: 'The task. Unknown: 404 AS.0007.' },
    },
  },
  createBody: createTaskBody,
  updateBody: updateTaskBody,
  created: {
    type: 'object',
    required: ['task_id'],
    properties: { task_id: { type: 'string' } },
  },
  listQuery: {
    type: 'object',
    properties: {
      limit: {
        type: 'integer',
        minimum: 1,
        maximum: 100,
        default: 20,
        description: 'Tasks per page, 1 to 100 (default 20). Bad: AS.0022.',
      },
      marker: {
        type: 'string',
        description:
          "The previous page's page_info.next_marker: the page starts after that task. Unknown: AS.0022.",
      },
    },
  },
  list: {
    type: 'object',
    required: ['scheduled_tasks', 'page_info'],
    properties: {
      page_info: {
        type: 'object',
        properties: {
          next_marker: {
            type: 'string',
            description: 'Present when more tasks follow: pass it as marker for the next page.',
          },
        },
      },
      scheduled_tasks: { type: 'array', items: task },
    },
  },
} as const;
