import {
  maxMatchValueLength,
  maxQueryKeys,
  maxQueryValues,
  maxTagKeyLength,
  maxTagValueLength,
  tagResourceTypes,
  tagTextPattern,
} from '../../domain/resource-tag.js';
import { projectParams } from '../../http/resource-schemas.js';

/**
 * Wire schemas of the tag API: the create or delete body, the resource query's body, and the
 * answers. Their error tables are in wire.ts.
 */

const resourceType = {
  type: 'string',
  description: `The resource type: ${tagResourceTypes.join(', ')} (the AS groups). Other: 400 AS.7048.`,
} as const;

const typeParams = {
  type: 'object',
  required: ['project_id', 'resource_type'],
  properties: { ...projectParams.properties, resource_type: resourceType },
} as const;

const resourceParams = {
  type: 'object',
  required: ['project_id', 'resource_type', 'resource_id'],
  properties: {
    ...typeParams.properties,
    resource_id: {
      type: 'string',
      description: "The resource's id (a scaling group's). Unknown in the project: 400 AS.2007.",
    },
  },
} as const;

const tagItem = {
  type: 'object',
  required: ['key'],
  additionalProperties: false,
  properties: {
    key: {
      type: 'string',
      minLength: 1,
      maxLength: maxTagKeyLength,
      pattern: tagTextPattern,
      description: `1 to ${String(maxTagKeyLength)} letters, digits, -, _ or @. Missing or empty: AS.7062; longer: AS.7063; other characters: AS.7046.`,
    },
    value: {
      type: 'string',
      maxLength: maxTagValueLength,
      pattern: tagTextPattern,
      description: `0 to ${String(maxTagValueLength)} letters, digits, -, _ or @ (absent: empty). Longer: AS.7047; other characters: AS.7046. On delete, the tag goes only if it has this value.`,
    },
  },
} as const;

export const tagActionBody = {
  type: 'object',
  required: ['tags', 'action'],
  additionalProperties: false,
  properties: {
    action: {
      type: 'string',
      enum: ['create', 'delete'],
      description:
        'create (a key the resource has takes the new value) or delete. Other or missing: AS.7049.',
    },
    tags: {
      type: 'array',
      minItems: 1,
      items: tagItem,
      description:
        'Missing or empty: AS.7044; a key twice: AS.7050; more than 10 on the resource afterwards: AS.7045.',
    },
  },
} as const;

const condition = {
  type: 'object',
  required: ['key'],
  additionalProperties: false,
  properties: {
    key: {
      type: 'string',
      minLength: 1,
      maxLength: maxTagKeyLength,
      description: 'Missing or empty: AS.7062; longer than 36: AS.7063; twice in a list: AS.7050.',
    },
    values: {
      type: 'array',
      maxItems: maxQueryValues,
      items: { type: 'string', maxLength: maxTagValueLength, pattern: '^(?!\\*+$)' },
      description: `Up to ${String(maxQueryValues)} (more: AS.7045), each up to ${String(maxTagValueLength)} characters (AS.7047), distinct (AS.7054). Empty or absent: any value. A value starting with * matches values containing the rest; only asterisks: AS.7046.`,
    },
  },
} as const;

const conditions = (what: string) =>
  ({
    type: 'array',
    maxItems: maxQueryKeys,
    items: condition,
    description: `${what} Up to ${String(maxQueryKeys)} keys (more: AS.7045).`,
  }) as const;

const count = {
  anyOf: [
    { type: 'string', pattern: '^[0-9]{1,9}$' },
    { type: 'integer', minimum: 0, maximum: 999_999_999 },
  ],
} as const;

export const resourceQueryBody = {
  type: 'object',
  required: ['action'],
  additionalProperties: false,
  properties: {
    action: {
      type: 'string',
      enum: ['filter', 'count'],
      description: 'filter (a page of resources) or count. Other or missing: AS.7049.',
    },
    tags: conditions('Resources with every one of these tags.'),
    tags_any: conditions('Resources with at least one of these tags.'),
    not_tags: conditions('Resources without one at least of these tags.'),
    not_tags_any: conditions('Resources with none of these tags.'),
    without_any_tag: {
      type: 'boolean',
      description: 'true: only resources without tags; the four tag lists are then ignored.',
    },
    matches: {
      type: 'array',
      items: {
        type: 'object',
        required: ['key', 'value'],
        additionalProperties: false,
        properties: {
          key: { type: 'string', enum: ['resource_name'] },
          value: { type: 'string', maxLength: maxMatchValueLength },
        },
      },
      description:
        'resource_name once, with a value of up to 255 characters: names containing it (empty: exact). Else AS.7052.',
    },
    limit: {
      ...count,
      description: 'filter: 1 to 1000 (default 1000), as a string. Bad: AS.0022.',
    },
    offset: {
      ...count,
      description: 'filter: resources to skip (default 0), as a string. Bad: AS.0022.',
    },
    marker: {
      ...count,
      description: 'filter: the index to start at when offset is absent. Bad: AS.0022.',
    },
  },
} as const;

const singleTag = {
  type: 'object',
  required: ['key', 'value'],
  properties: { key: { type: 'string' }, value: { type: 'string' } },
} as const;

export const tagSchemas = {
  typeParams,
  resourceParams,
  actionBody: tagActionBody,
  queryBody: resourceQueryBody,
  ofResource: {
    type: 'object',
    required: ['tags', 'sys_tags'],
    properties: {
      tags: { type: 'array', items: singleTag },
      sys_tags: {
        type: ['array', 'null'],
        items: singleTag,
        description: 'Always null: Scalelog has no system tags (as the documented example).',
      },
    },
  },
  ofProject: {
    type: 'object',
    required: ['tags'],
    properties: {
      tags: {
        type: 'array',
        items: {
          type: 'object',
          required: ['key', 'values'],
          properties: {
            key: { type: 'string' },
            values: { type: 'array', items: { type: 'string' } },
          },
        },
      },
    },
  },
  queryAnswer: {
    // No required list: it would put total_count first, where the cloud writes it last.
    type: 'object',
    properties: {
      resources: {
        type: 'array',
        items: {
          type: 'object',
          required: ['resource_id', 'resource_detail', 'tags', 'resource_name'],
          properties: {
            resource_id: { type: 'string' },
            resource_detail: { type: 'string' },
            tags: { type: 'array', items: singleTag },
            resource_name: { type: 'string' },
          },
        },
      },
      marker: {
        type: 'string',
        description: 'filter: the offset of the next page (this offset plus the resources given).',
      },
      total_count: { type: 'integer' },
    },
    description: 'count: total_count alone.',
  },
} as const;
