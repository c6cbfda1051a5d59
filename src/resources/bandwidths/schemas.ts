import { bandwidthShareTypes, maxBandwidthSize, minBandwidthSize } from '../../domain/bandwidth.js';
import { pagedList, pagingQuery, projectAnd } from '../../http/resource-schemas.js';
import { asError } from '../../http/error-schemas.js';
import { plainIdPattern } from '../../domain/ids.js';

/**
 * Wire schemas of the bandwidth API: the VPC service's bandwidth (research §4.1), which the
 * cloud's paths answer exactly, and Scalelog's own create and list API, which adds the bounds.
 * Bodies are checked by the handlers (each refusal names its field); these document them and
 * serialize the answers, so every field is listed.
 */

const text = { type: 'string' } as const;
const size = {
  type: 'integer',
  minimum: minBandwidthSize,
  maximum: maxBandwidthSize,
  description: 'Mbit/s.',
} as const;

const publicIp = {
  type: 'object',
  required: ['publicip_id', 'publicip_type', 'ip_version'],
  properties: {
    publicip_id: { type: 'string', description: 'The EIP given as eip_id at create.' },
    publicip_address: {
      type: 'string',
      description: 'The eip_address given at create; absent when none was.',
    },
    publicip_type: { type: 'string', enum: ['5_bgp'] },
    ip_version: { type: 'integer', enum: [4] },
  },
} as const;

const vpcFields = {
  id: text,
  name: { type: 'string', description: "1-64 letters, digits, Chinese characters, '_', '-', '.'." },
  size,
  share_type: { type: 'string', enum: [...bandwidthShareTypes] },
  publicip_info: {
    type: 'array',
    items: publicIp,
    description: 'The EIP of a PER bandwidth created with eip_id; empty otherwise.',
  },
  tenant_id: { type: 'string', description: 'The project id.' },
  bandwidth_type: { type: 'string', enum: ['bgp', 'share'], description: 'share for WHOLE.' },
  charge_mode: { type: 'string', enum: ['bandwidth'] },
  billing_info: {
    type: 'string',
    enum: [''],
    description: 'Empty: pay-per-use, the only kind AS scales.',
  },
  enterprise_project_id: { type: 'string', enum: ['0'] },
  status: { type: 'string', enum: ['NORMAL'] },
  created_at: { type: 'string', description: 'UTC yyyy-MM-ddThh:mm:ssZ.' },
  updated_at: {
    type: 'string',
    description: 'UTC yyyy-MM-ddThh:mm:ssZ. Scalelog keeps no update time: equals created_at.',
  },
} as const;

/** The VPC service's `bandwidth` object (BandwidthResp). */
const vpcBandwidth = {
  title: 'BandwidthResp',
  type: 'object',
  required: Object.keys(vpcFields),
  properties: vpcFields,
} as const;

/** A bandwidth in Scalelog's own answers: the VPC object and its bounds. */
const scalelogBandwidth = {
  title: 'ScalelogBandwidth',
  type: 'object',
  required: [...Object.keys(vpcFields), 'min_size', 'max_size'],
  properties: {
    ...vpcFields,
    min_size: { ...size, description: 'The least size a resize may set (Mbit/s).' },
    max_size: { ...size, description: 'The greatest size a resize may set (Mbit/s).' },
  },
} as const;

/** `{"bandwidth": {...}}`: a request body whose one field is the bandwidth. */
const bandwidthBody = <const T>(bandwidth: T) =>
  ({
    type: 'object',
    required: ['bandwidth'],
    additionalProperties: false,
    properties: { bandwidth },
  }) as const;

/** The VPC's bandwidth names: 1 to 64 letters, digits, Chinese characters, `_`, `-`, `.`. */
export const bandwidthNamePattern = '^[\\p{Script=Han}A-Za-z0-9_.-]{1,64}$';

/**
 * `POST /scalelog/v1/{project_id}/bandwidths`. Sizes are JSON integers (no coercion: this is
 * Scalelog's own API). `min_size <= size <= max_size`, `eip_id` and `eip_address` for a PER
 * bandwidth only and `eip_address` only with `eip_id` are the error table's rules (wire.ts).
 */
export const bandwidthCreateBody = bandwidthBody({
  type: 'object',
  required: ['name', 'size'],
  additionalProperties: false,
  properties: {
    name: {
      type: 'string',
      pattern: bandwidthNamePattern,
      description: vpcFields.name.description,
    },
    size: { ...size, description: 'Mbit/s, from min_size to max_size.' },
    share_type: {
      type: 'string',
      enum: bandwidthShareTypes,
      default: 'PER',
      description: 'PER (dedicated to one EIP) or WHOLE (shared).',
    },
    min_size: { ...size, default: minBandwidthSize },
    max_size: { ...size, default: maxBandwidthSize },
    eip_id: {
      type: 'string',
      pattern: plainIdPattern.source,
      description: 'The EIP a PER bandwidth serves; execution logs carry it in meta_data.',
    },
    eip_address: {
      type: 'string',
      format: 'ipv4',
      description: 'The address of eip_id (which it needs); PER only.',
    },
  },
});

/** A size as the VPC reads it in an update: a number, or a decimal number in a string. */
export const numericSizePattern = '^\\d{1,10}(?:\\.\\d{1,20})?$';

/**
 * `PUT /v1/{project_id}/bandwidths/{id}`, the VPC's UpdateBandwidthOption: `name` and/or
 * `size`. `size` is coerced as the VPC coerces it, and its range is checked after that.
 */
export const bandwidthUpdateBody = bandwidthBody({
  type: 'object',
  additionalProperties: false,
  anyOf: [{ required: ['name'] }, { required: ['size'] }],
  properties: {
    name: {
      type: 'string',
      anyOf: [{ pattern: bandwidthNamePattern }, { maxLength: 0 }],
      description: `${vpcFields.name.description} Empty: unchanged.`,
    },
    size: {
      type: ['number', 'string'],
      pattern: numericSizePattern,
      description:
        "Mbit/s, within the bandwidth's min_size and max_size. A decimal or a numeric string is truncated to an integer, as the VPC coerces it.",
    },
    charge_mode: {
      type: 'string',
      enum: ['bandwidth'],
      description: 'Only bandwidth: the one mode Scalelog keeps.',
    },
  },
});

export const bandwidthSchemas = {
  bandwidthParams: projectAnd('bandwidth_id', 'Bandwidth id. Unknown: 404 AS.0007.'),
  createBody: bandwidthCreateBody,
  updateBody: bandwidthUpdateBody,
  vpcShow: {
    type: 'object',
    required: ['bandwidth'],
    properties: { bandwidth: vpcBandwidth },
  },
  scalelogShow: {
    type: 'object',
    required: ['bandwidth'],
    properties: { bandwidth: scalelogBandwidth },
  },
  list: pagedList('bandwidths', scalelogBandwidth),
  listQuery: { type: 'object', properties: { ...pagingQuery } },
  inUse: {
    ...asError,
    description:
      'AS.0003: a scaling policy still targets the bandwidth, or an execution is under way on it.',
  },
} as const;
