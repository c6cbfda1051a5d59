import { batchActions } from './batch.js';

/**
 * The bodies of the policy actions, the action of one policy and the batch action: each schema
 * types its handler's value, describes the operation in the OpenAPI document and validates
 * the body, with the error tables of request-parse.ts.
 */

/** `POST /autoscaling-api/v1/{project_id}/scaling_policy/{id}/action`. */
export const actionBody = {
  type: 'object',
  additionalProperties: false,
  required: ['action'],
  properties: {
    action: {
      type: 'string',
      enum: ['execute', 'resume', 'pause'],
      description: 'Other values: AS.3022.',
    },
  },
} as const;

const yesNo = (description: string) =>
  ({ type: 'string', enum: ['yes', 'no'], default: 'no', description }) as const;

export const maxBatch = 20;

/** `POST /autoscaling-api/v1/{project_id}/scaling_policies/action`. */
export const batchBody = {
  type: 'object',
  additionalProperties: false,
  required: ['scaling_policy_id', 'action'],
  properties: {
    scaling_policy_id: {
      type: 'array',
      items: { type: 'string', minLength: 1 },
      minItems: 1,
      maxItems: maxBatch,
      description:
        'Policy ids, each counted once. Missing or empty: AS.3049; more than 20 or not strings: AS.0022.',
    },
    action: {
      type: 'string',
      enum: batchActions,
      description: 'Other values: AS.3022.',
    },
    force_delete: yesNo(
      'delete only: yes also deletes policies with an execution under way. Other values: AS.3048.',
    ),
    delete_alarm: yesNo(
      'Accepted and ignored: Scalelog keeps no alarm rules. Other values: AS.3056.',
    ),
  },
} as const;
