import { projectIdPattern } from '../domain/ids.js';
import { asErrorOf, errorResponses } from './error-schemas.js';

/**
 * Schema pieces the resource and policy routes share: path parameters, empty answers, and
 * error answers described for resources rather than for the log API.
 */

export const projectParams = {
  type: 'object',
  required: ['project_id'],
  properties: {
    project_id: {
      type: 'string',
      pattern: projectIdPattern.source,
      description: 'Project id. Bad value: 400 AS.0022.',
    },
  },
} as const;

/** Path parameters: the project and one more id. */
export function projectAnd<const K extends string>(key: K, description: string) {
  return {
    type: 'object',
    required: ['project_id', key],
    properties: {
      ...projectParams.properties,
      [key]: { type: 'string', description },
    },
  } as const;
}

export const noContent = { type: 'null', description: 'Done; no body.' } as const;

/** A 200 answer of `{"<key>": "<id>"}`, as create and update answer. */
export function idReply<const K extends string>(key: K, description: string) {
  return {
    type: 'object',
    required: [key],
    properties: { [key]: { type: 'string' } },
    description,
  } as const;
}

/** The paging fields every list answer carries. */
export const pagingFields = {
  total_number: { type: 'integer', description: 'How many match, on every page.' },
  start_number: { type: 'integer', description: 'The start_number used (default 0).' },
  limit: { type: 'integer', description: 'The limit used (default 20).' },
} as const;

/** A list answer: the paging fields, then the page's items under `key`. */
export const pagedList = <const K extends string, const I>(key: K, item: I) =>
  ({
    type: 'object',
    required: ['total_number', 'start_number', 'limit', key],
    properties: { ...pagingFields, [key]: { type: 'array', items: item } } as {
      readonly total_number: (typeof pagingFields)['total_number'];
      readonly start_number: (typeof pagingFields)['start_number'];
      readonly limit: (typeof pagingFields)['limit'];
    } & { readonly [P in K]: { readonly type: 'array'; readonly items: I } },
  }) as const;

export const pagingQuery = {
  start_number: {
    type: 'integer',
    minimum: 0,
    default: 0,
    description: 'Items to skip. Bad value: 400 AS.1001.',
  },
  limit: {
    type: 'integer',
    minimum: 0,
    maximum: 100,
    default: 20,
    description: 'Items per page, 0 to 100. Bad value: 400 AS.1002.',
  },
} as const;

type Status = Parameters<typeof errorResponses>[0][number];

/**
 * Error answers for the resource routes: the log API's, with 404 described as what it is
 * here (an unknown policy AS.3020, or a resource Scalelog stands in for: AS.0007).
 */
export function engineErrorResponses<const S extends Status>(statuses: readonly S[]) {
  const responses = errorResponses(statuses) as Record<number, unknown>;
  if (statuses.includes(404 as S)) {
    responses[404] = asErrorOf(
      ['AS.3020', 'AS.0007'],
      'The policy (AS.3020) or resource (AS.0007) does not exist.',
    );
  }
  return responses as ReturnType<typeof errorResponses<S>>;
}
