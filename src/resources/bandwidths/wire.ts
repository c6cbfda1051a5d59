import { apiErrors } from '../../errors/api-error.js';
import type { ApiError } from '../../errors/api-error.js';
import { bandwidthShareTypes, maxBandwidthSize, minBandwidthSize } from '../../domain/bandwidth.js';
import type {
  Bandwidth,
  BandwidthShareType,
  BandwidthUpdate,
  NewBandwidth,
} from '../../domain/bandwidth.js';
import { formatWireTimeMs } from '../../domain/wire-time.js';
import {
  bodyObject,
  integerField,
  objectField,
  onlyFields,
  showValue,
} from '../../http/body-fields.js';
import type { WireBody } from '../../http/body-fields.js';
import { plainIdPattern } from '../../domain/ids.js';

/**
 * Bandwidths on the wire: the VPC service's show shape, which the cloud's paths and the
 * bandwidth execution logs carry, and the request bodies of Scalelog's create API and of the
 * VPC's update API. Every refused field is 400 AS.0022 with a message that names the field and
 * what is accepted.
 */

/**
 * A bandwidth in the VPC service's shape (`GET /v1/{project_id}/bandwidths/{id}`). Fields
 * Scalelog has no use for carry the values of a pay-per-use BGP bandwidth: AS scales only
 * pay-per-use bandwidths, so `billing_info` is empty. Scalelog keeps no update time, so
 * `updated_at` is `created_at`.
 */
export function bandwidthToWire(b: Bandwidth): { bandwidth: Record<string, unknown> } {
  const created = formatWireTimeMs(b.createTime);
  return {
    bandwidth: {
      id: b.id,
      name: b.name,
      size: b.size,
      share_type: b.shareType,
      publicip_info:
        b.eipId === undefined
          ? []
          : [
              {
                publicip_id: b.eipId,
                ...(b.eipAddress === undefined ? {} : { publicip_address: b.eipAddress }),
                publicip_type: '5_bgp',
                ip_version: 4,
              },
            ],
      tenant_id: b.projectId,
      bandwidth_type: b.shareType === 'WHOLE' ? 'share' : 'bgp',
      charge_mode: 'bandwidth',
      billing_info: '',
      enterprise_project_id: '0',
      status: 'NORMAL',
      created_at: created,
      updated_at: created,
    },
  };
}

/**
 * A bandwidth as Scalelog's own API shows it (create and list answers): the VPC shape plus
 * the bounds a resize must stay within, `min_size` and `max_size`. The cloud's paths never
 * show the bounds: the VPC service has no such fields.
 */
export function scalelogBandwidthToWire(b: Bandwidth): Record<string, unknown> {
  return { ...bandwidthToWire(b).bandwidth, min_size: b.minSize, max_size: b.maxSize };
}

const createFields = [
  'name',
  'size',
  'share_type',
  'min_size',
  'max_size',
  'eip_id',
  'eip_address',
] as const;
/** The VPC's UpdateBandwidthOption. */
const updateFields = ['name', 'size', 'charge_mode'] as const;

/** The VPC's bandwidth names: 1 to 64 letters, digits, Chinese characters, `_`, `-`, `.`. */
const namePattern = /^[\p{Script=Han}A-Za-z0-9_.-]{1,64}$/u;
const nameRule = "1 to 64 letters, digits, Chinese characters, '_', '-' or '.'";
const sizeRule = `an integer from ${String(minBandwidthSize)} to ${String(maxBandwidthSize)} (Mbit/s)`;
const eipIdPattern = plainIdPattern;
const octet = '(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
const ipv4Pattern = new RegExp(`^${octet}(?:\\.${octet}){3}$`);

const invalid = (field: string, value: unknown, accepted: string): ApiError =>
  apiErrors.badRequestBody(`Invalid bandwidth.${field} ${showValue(value)}: expected ${accepted}.`);

/** `{"bandwidth": {...}}`: the body must be an object whose one field is the bandwidth. */
function bandwidthObject(raw: unknown, where: string): WireBody {
  const body = bodyObject(raw);
  onlyFields(body, ['bandwidth'], where);
  const bandwidth = objectField(body, 'bandwidth', (v) =>
    apiErrors.badRequestBody(
      `bandwidth must be an object such as {"name":"bw-1","size":10}, not ${showValue(v)}.`,
    ),
  );
  if (bandwidth === undefined) {
    throw apiErrors.badRequestBody(
      `Give the bandwidth as {"bandwidth":{...}}, for example {"bandwidth":{"name":"bw-1","size":10}}.`,
    );
  }
  return bandwidth;
}

function parseName(value: unknown): string {
  // Characters, not UTF-16 units: a Chinese name of 64 characters is 64 long.
  if (typeof value !== 'string' || !namePattern.test(value)) throw invalid('name', value, nameRule);
  return value;
}

const sizeField = (body: WireBody, key: string): number | undefined =>
  integerField(body, key, minBandwidthSize, maxBandwidthSize, (v) => invalid(key, v, sizeRule));

function optionalString(
  body: WireBody,
  key: string,
  pattern: RegExp,
  accepted: string,
): string | undefined {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || !pattern.test(value)) throw invalid(key, value, accepted);
  return value;
}

/**
 * Reads `POST /scalelog/v1/{project_id}/bandwidths`. Required: `name`, `size`. Defaults:
 * `share_type` PER, `min_size` 1, `max_size` 2000. Sizes are JSON integers (no coercion here:
 * this is Scalelog's own API) with `min_size <= size <= max_size`. `eip_id` and `eip_address`
 * only for a PER bandwidth, and `eip_address` only with `eip_id`. `null` counts as absent.
 */
export function parseBandwidthCreate(raw: unknown): NewBandwidth {
  const body = bandwidthObject(raw, 'a bandwidth create request');
  onlyFields(body, createFields, 'bandwidth');
  if (body.name === undefined || body.name === null) {
    throw apiErrors.badRequestBody(`Give bandwidth.name: ${nameRule}.`);
  }
  const name = parseName(body.name);
  const size = sizeField(body, 'size');
  if (size === undefined) throw apiErrors.badRequestBody(`Give bandwidth.size: ${sizeRule}.`);
  const shareTypeValue = body.share_type ?? 'PER';
  if (!(bandwidthShareTypes as readonly unknown[]).includes(shareTypeValue)) {
    throw invalid('share_type', shareTypeValue, 'PER (dedicated, the default) or WHOLE (shared)');
  }
  const shareType = shareTypeValue as BandwidthShareType;
  const minSize = sizeField(body, 'min_size') ?? minBandwidthSize;
  const maxSize = sizeField(body, 'max_size') ?? maxBandwidthSize;
  if (minSize > maxSize) {
    throw apiErrors.badRequestBody(
      `bandwidth.min_size ${String(minSize)} is greater than bandwidth.max_size ${String(maxSize)}: give min_size <= size <= max_size.`,
    );
  }
  if (size < minSize || size > maxSize) {
    throw apiErrors.badRequestBody(
      `bandwidth.size ${String(size)} is outside [min_size ${String(minSize)}, max_size ${String(maxSize)}]: give min_size <= size <= max_size.`,
    );
  }
  const eipId = optionalString(body, 'eip_id', eipIdPattern, "1 to 64 letters, digits, '_' or '-'");
  const eipAddress = optionalString(
    body,
    'eip_address',
    ipv4Pattern,
    'a dotted IPv4 address such as 192.0.2.10',
  );
  if (shareType === 'WHOLE' && (eipId !== undefined || eipAddress !== undefined)) {
    throw apiErrors.badRequestBody(
      `bandwidth.${eipId === undefined ? 'eip_address' : 'eip_id'} is for a PER (dedicated) bandwidth only: a WHOLE (shared) bandwidth has no EIP of its own.`,
    );
  }
  if (eipAddress !== undefined && eipId === undefined) {
    throw apiErrors.badRequestBody(
      'bandwidth.eip_address needs bandwidth.eip_id, the id of the EIP that has the address.',
    );
  }
  return {
    name,
    size,
    minSize,
    maxSize,
    shareType,
    ...(eipId === undefined ? {} : { eipId }),
    ...(eipAddress === undefined ? {} : { eipAddress }),
  };
}

/** A decimal number, as the VPC reads a size given as a string. */
const numericString = /^\d{1,10}(?:\.\d{1,20})?$/;

/**
 * The VPC's size coercion: a JSON number or a numeric string (`10`, `10.7`, `"10"`,
 * `"10.7"`) becomes an integer by dropping the fraction, as a Java int conversion does
 * (research §4.2). Anything else, or a result outside 1-2000, is refused.
 */
function coerceSize(value: unknown): number {
  const accepted = `${sizeRule}; a decimal or a numeric string is truncated to an integer`;
  let n: number | undefined;
  if (typeof value === 'number' && Number.isFinite(value)) n = Math.trunc(value);
  else if (typeof value === 'string' && numericString.test(value)) n = Math.trunc(Number(value));
  if (n === undefined || n < minBandwidthSize || n > maxBandwidthSize) {
    throw invalid('size', value, accepted);
  }
  return n;
}

/**
 * Reads `PUT /v1/{project_id}/bandwidths/{id}` (the VPC's UpdateBandwidthOption): `name`
 * and/or `size`, at least one of them. An empty `name` means unchanged, as the VPC documents.
 * `size` is coerced (see {@link coerceSize}); its bandwidth's bounds are checked by
 * the service (`BandwidthService.update`). `charge_mode` is accepted only as `bandwidth`, the one mode
 * Scalelog keeps (AS scales pay-per-use bandwidths charged by bandwidth).
 */
export function parseBandwidthUpdate(raw: unknown): BandwidthUpdate {
  const body = bandwidthObject(raw, 'a bandwidth update request');
  onlyFields(body, updateFields, 'bandwidth');
  const nameValue = body.name ?? undefined;
  const sizeValue = body.size ?? undefined;
  if (nameValue === undefined && sizeValue === undefined) {
    throw apiErrors.badRequestBody(
      `Give bandwidth.name (${nameRule}) or bandwidth.size (${sizeRule}), or both.`,
    );
  }
  const chargeMode = body.charge_mode ?? undefined;
  if (chargeMode !== undefined && chargeMode !== 'bandwidth') {
    throw invalid(
      'charge_mode',
      chargeMode,
      'bandwidth (Scalelog keeps pay-per-use bandwidths charged by bandwidth only)',
    );
  }
  return {
    ...(nameValue === undefined || nameValue === '' ? {} : { name: parseName(nameValue) }),
    ...(sizeValue === undefined ? {} : { size: coerceSize(sizeValue) }),
  };
}
