import { pagedList, pagingQuery, projectAnd } from '../../http/resource-schemas.js';

/** Wire schemas of Scalelog's stand-in server API. */

export const serverCreateBody = {
  type: 'object',
  required: ['server'],
  additionalProperties: false,
  properties: {
    server: {
      type: 'object',
      required: ['name'],
      additionalProperties: false,
      properties: {
        name: {
          type: 'string',
          minLength: 1,
          maxLength: 64,
          pattern: '^[A-Za-z0-9_.\\-\\u4e00-\\u9fa5]+$',
          description: "1-64 letters, digits, Chinese characters, '_', '-', '.'.",
        },
      },
    },
  },
} as const;

const server = {
  type: 'object',
  required: ['id', 'name', 'status', 'tenant_id', 'created', 'scaling_group_id'],
  properties: {
    id: { type: 'string' },
    name: { type: 'string' },
    status: { type: 'string', enum: ['ACTIVE'] },
    tenant_id: { type: 'string', description: 'The project id.' },
    created: { type: 'string', description: 'UTC yyyy-MM-ddThh:mm:ssZ.' },
    scaling_group_id: {
      type: ['string', 'null'],
      description: 'The scaling group it is an instance of, or null.',
    },
    scaling_configuration_id: {
      type: 'string',
      description: 'The configuration a group built it from; absent for one created here.',
    },
  },
} as const;

export const serverSchemas = {
  createBody: serverCreateBody,
  serverParams: projectAnd('server_id', 'The server. Unknown: 404 AS.0007.'),
  show: { type: 'object', required: ['server'], properties: { server } },
  list: pagedList('servers', server),
  listQuery: { type: 'object', properties: { ...pagingQuery } },
} as const;
