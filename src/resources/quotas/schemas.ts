import { quotaTypes } from '../../domain/quotas.js';
import { projectAnd } from '../../http/resource-schemas.js';

/**
 * Wire schemas of the AS quota API (`ShowPolicyAndInstanceQuotaResponse` in the SDK and the
 * project's quota answer of the same shape): they document and serialize.
 */

const integer = { type: 'integer' } as const;

const quotaResource = {
  type: 'object',
  required: ['type', 'used', 'quota', 'max', 'min'],
  properties: {
    type: { type: 'string', enum: [...quotaTypes] },
    used: {
      ...integer,
      description:
        'How many exist. -1 for scaling_Policy and scaling_Instance in the project answer: they are counted per group.',
    },
    quota: { ...integer, description: 'The limit in force (a setting).' },
    max: { ...integer, description: 'The most the quota can be set to.' },
    min: { ...integer, description: 'Always 0.' },
  },
} as const;

const quotasAnswer = {
  type: 'object',
  required: ['quotas'],
  properties: {
    quotas: {
      type: 'object',
      required: ['resources'],
      properties: { resources: { type: 'array', items: quotaResource } },
    },
  },
} as const;

export const quotaSchemas = {
  groupParams: projectAnd('scaling_group_id', 'Scaling group id. Unknown: 400 AS.2007.'),
  quotasAnswer,
} as const;
