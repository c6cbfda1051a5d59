import { apiErrors } from '../../errors/api-error.js';
import type { ApiError } from '../../errors/api-error.js';
import { maxBandwidthSize, minBandwidthSize } from '../../domain/bandwidth.js';
import type { Bandwidth, BandwidthUpdate, NewBandwidth } from '../../domain/bandwidth.js';
import { formatWireTimeMs } from '../../domain/wire-time.js';
import type { FromSchema } from 'json-schema-to-ts';
import { showValue, unsupportedFields } from '../../http/body-fields.js';
import { bodyCheck } from '../../http/schema-validation.js';
import type { InvalidField, ObjectTable } from '../../http/schema-validation.js';
import { bandwidthCreateBody, bandwidthUpdateBody } from './schemas.js';

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

const nameRule = "1 to 64 letters, digits, Chinese characters, '_', '-' or '.'";
const sizeRule = `an integer from ${String(minBandwidthSize)} to ${String(maxBandwidthSize)} (Mbit/s)`;
const coercedSizeRule = `${sizeRule}; a decimal or a numeric string is truncated to an integer`;

const invalid =
  (field: string, accepted: string): InvalidField =>
  (value) =>
    apiErrors.badRequestBody(
      `Invalid bandwidth.${field} ${showValue(value)}: expected ${accepted}.`,
    );

/** `{"bandwidth": {...}}`: the body's one field is the bandwidth, an object. */
function bandwidthBody(where: string, bandwidth: ObjectTable): ObjectTable {
  return {
    unknown: (sent, accepted) => unsupportedFields(sent, accepted, where),
    entries: [
      {
        field: 'bandwidth',
        missing: () =>
          apiErrors.badRequestBody(
            `Give the bandwidth as {"bandwidth":{...}}, for example {"bandwidth":{"name":"bw-1","size":10}}.`,
          ),
        object: bandwidth,
      },
    ],
  };
}

const notAnObject = (v: unknown): ApiError =>
  apiErrors.badRequestBody(
    `bandwidth must be an object such as {"name":"bw-1","size":10}, not ${showValue(v)}.`,
  );
const unknownInBandwidth = (sent: readonly string[], accepted: readonly string[]): ApiError =>
  unsupportedFields(sent, accepted, 'bandwidth');

type CreateBody = FromSchema<typeof bandwidthCreateBody>;
type CreateFields = CreateBody['bandwidth'];

/**
 * Reads `POST /scalelog/v1/{project_id}/bandwidths` against its schema. Required: `name`,
 * `size`. Defaults: `share_type` PER, `min_size` 1, `max_size` 2000. The rules between
 * fields, in the order they are checked: `min_size <= max_size`, `size` within them, and
 * after the EIP fields, no EIP on a WHOLE bandwidth and no `eip_address` without `eip_id`.
 */
const checkCreate = bodyCheck(
  bandwidthCreateBody,
  bandwidthBody('a bandwidth create request', {
    notObject: notAnObject,
    unknown: unknownInBandwidth,
    entries: [
      {
        field: 'name',
        missing: () => apiErrors.badRequestBody(`Give bandwidth.name: ${nameRule}.`),
        invalid: invalid('name', nameRule),
      },
      {
        field: 'size',
        missing: () => apiErrors.badRequestBody(`Give bandwidth.size: ${sizeRule}.`),
        invalid: invalid('size', sizeRule),
      },
      {
        field: 'share_type',
        invalid: invalid('share_type', 'PER (dedicated, the default) or WHOLE (shared)'),
      },
      { field: 'min_size', invalid: invalid('min_size', sizeRule) },
      { field: 'max_size', invalid: invalid('max_size', sizeRule) },
      {
        rule: (b) => {
          const { min_size: min, max_size: max } = b as CreateFields;
          return min > max
            ? apiErrors.badRequestBody(
                `bandwidth.min_size ${String(min)} is greater than bandwidth.max_size ${String(max)}: give min_size <= size <= max_size.`,
              )
            : undefined;
        },
      },
      {
        rule: (b) => {
          const { size, min_size: min, max_size: max } = b as CreateFields;
          return size < min || size > max
            ? apiErrors.badRequestBody(
                `bandwidth.size ${String(size)} is outside [min_size ${String(min)}, max_size ${String(max)}]: give min_size <= size <= max_size.`,
              )
            : undefined;
        },
      },
      { field: 'eip_id', invalid: invalid('eip_id', "1 to 64 letters, digits, '_' or '-'") },
      {
        field: 'eip_address',
        invalid: invalid('eip_address', 'a dotted IPv4 address such as 192.0.2.10'),
      },
      {
        rule: (b) => {
          const {
            share_type: shareType,
            eip_id: eipId,
            eip_address: eipAddress,
          } = b as CreateFields;
          return shareType === 'WHOLE' && (eipId !== undefined || eipAddress !== undefined)
            ? apiErrors.badRequestBody(
                `bandwidth.${eipId === undefined ? 'eip_address' : 'eip_id'} is for a PER (dedicated) bandwidth only: a WHOLE (shared) bandwidth has no EIP of its own.`,
              )
            : undefined;
        },
      },
      {
        rule: (b) =>
          b.eip_address !== undefined && b.eip_id === undefined
            ? apiErrors.badRequestBody(
                'bandwidth.eip_address needs bandwidth.eip_id, the id of the EIP that has the address.',
              )
            : undefined,
      },
    ],
  }),
);

/** A bandwidth create request, checked, as the domain's new bandwidth. */
export function parseBandwidthCreate(raw: unknown): NewBandwidth {
  const b = checkCreate(raw).bandwidth;
  return {
    name: b.name,
    size: b.size,
    minSize: b.min_size,
    maxSize: b.max_size,
    shareType: b.share_type,
    ...(b.eip_id === undefined ? {} : { eipId: b.eip_id }),
    ...(b.eip_address === undefined ? {} : { eipAddress: b.eip_address }),
  };
}

/**
 * The VPC's size coercion: a JSON number or a numeric string (`10`, `10.7`, `"10"`,
 * `"10.7"`) becomes an integer by dropping the fraction, as a Java int conversion does
 * (research §4.2). The schema admits the forms; the result must be within 1-2000.
 */
const coercedSize = (value: number | string): number => Math.trunc(Number(value));

/**
 * Reads `PUT /v1/{project_id}/bandwidths/{id}` (the VPC's UpdateBandwidthOption): `name`
 * and/or `size`, at least one of them. An empty `name` means unchanged, as the VPC documents.
 * `size` is coerced (see {@link coercedSize}); its bandwidth's bounds are checked by the
 * service (`BandwidthService.update`). `charge_mode` is accepted only as `bandwidth`, the one
 * mode Scalelog keeps (AS scales pay-per-use bandwidths charged by bandwidth).
 */
const checkUpdate = bodyCheck(
  bandwidthUpdateBody,
  bandwidthBody('a bandwidth update request', {
    notObject: notAnObject,
    unknown: unknownInBandwidth,
    entries: [
      {
        rule: (b) =>
          b.name === undefined && b.size === undefined
            ? apiErrors.badRequestBody(
                `Give bandwidth.name (${nameRule}) or bandwidth.size (${sizeRule}), or both.`,
              )
            : undefined,
      },
      {
        field: 'charge_mode',
        invalid: invalid(
          'charge_mode',
          'bandwidth (Scalelog keeps pay-per-use bandwidths charged by bandwidth only)',
        ),
      },
      { field: 'name', invalid: invalid('name', nameRule) },
      { field: 'size', invalid: invalid('size', coercedSizeRule) },
      {
        rule: ({ size }) => {
          if (size === undefined) return undefined;
          const n = coercedSize(size as number | string);
          return n < minBandwidthSize || n > maxBandwidthSize
            ? invalid('size', coercedSizeRule)(size, [])
            : undefined;
        },
      },
    ],
  }),
);

/** A bandwidth update request, checked, as the domain's update. */
export function parseBandwidthUpdate(raw: unknown): BandwidthUpdate {
  const { name, size } = checkUpdate(raw).bandwidth;
  return {
    ...(name === undefined || name === '' ? {} : { name }),
    ...(size === undefined ? {} : { size: coercedSize(size) }),
  };
}
