import { apiErrors } from '../../errors/api-error.js';
import type { ApiError } from '../../errors/api-error.js';
import { showValue, unsupportedFields } from '../../http/body-fields.js';
import { failed } from '../../http/schema-validation.js';
import type { FieldEntry, InvalidField, ObjectTable } from '../../http/schema-validation.js';
import { adminPassSpecials, eipTypes, volumeTypes } from './schemas.js';
import { decodedBytes, fieldName, idText, notA, notAnObject, unknownIn } from './field-answers.js';

/**
 * The error tables of a scaling configuration's fields (its name and `instance_config`),
 * in the order the cloud checks them, each refusal with the AS.10xx code the error code
 * appendix gives it.
 */

// The configuration name: null or empty is AS.1007, too long AS.1008, other faults AS.1023.
export const nameEntry: FieldEntry<unknown> = {
  field: 'scaling_configuration_name',
  invalid: (value, errors) => {
    if (failed(errors, 'type')) return apiErrors.configurationNameInvalid(showValue(value));
    if (failed(errors, 'minLength')) return apiErrors.configurationNameNull();
    if (failed(errors, 'maxLength')) return apiErrors.configurationNameTooLong(value as string);
    return apiErrors.configurationNameInvalid(value as string);
  },
};

const diskSizeRule = 'a system disk (SYS) 1 to 1024 GB, a data disk (DATA) 10 to 32768 GB';

const diskTable: ObjectTable<unknown> = {
  notObject: notAnObject('{"size":40,"volume_type":"SATA","disk_type":"SYS"}'),
  unknown: unknownIn('disk'),
  entries: [
    {
      field: 'size',
      missing: (place) =>
        apiErrors.diskSizeInvalid(`Give ${fieldName(place, 'size')}: ${diskSizeRule}.`),
      invalid: (value, _e, place) =>
        apiErrors.diskSizeInvalid(
          `Got ${fieldName(place, 'size')} ${showValue(value)}: ${diskSizeRule}.`,
        ),
    },
    {
      field: 'volume_type',
      missing: () => apiErrors.volumeTypeInvalid(null, volumeTypes.join(', ')),
      invalid: (value) => apiErrors.volumeTypeInvalid(value, volumeTypes.join(', ')),
    },
    {
      field: 'disk_type',
      missing: () => apiErrors.diskTypeInvalid(null),
      invalid: (value) => apiErrors.diskTypeInvalid(value),
    },
    {
      // A system disk and a data disk have different ranges (the reference's Table 4).
      rule: (d, place) => {
        const size = d['size'] as number;
        const [min, max] = d['disk_type'] === 'SYS' ? [1, 1024] : [10, 32768];
        return size < min || size > max
          ? apiErrors.diskSizeInvalid(
              `Got ${fieldName(place, 'size')} ${String(size)} for a ${String(d['disk_type'])} disk: ${diskSizeRule}.`,
            )
          : undefined;
      },
    },
    { field: 'dedicated_storage_id', invalid: notA('dedicated_storage_id', idText) },
    { field: 'data_disk_image_id', invalid: notA('data_disk_image_id', idText) },
    { field: 'snapshot_id', invalid: notA('snapshot_id', idText) },
    {
      field: 'metadata',
      object: {
        notObject: notAnObject('{"__system__encrypted":"1","__system__cmkid":"<key id>"}'),
        unknown: unknownIn('metadata'),
        entries: [
          { field: '__system__encrypted', invalid: notA('__system__encrypted', '"0" or "1"') },
          { field: '__system__cmkid', invalid: notA('__system__cmkid', idText) },
        ],
      },
    },
    { field: 'iops', invalid: notA('iops', 'a positive integer') },
    { field: 'throughput', invalid: notA('throughput', 'a positive integer') },
  ],
};

const personalityInvalid = (detail: string): ApiError => apiErrors.personalityInvalid(detail);

const personalityTable: ObjectTable<unknown> = {
  notObject: (value) =>
    personalityInvalid(
      `Each injected file is an object such as {"path":"/etc/foo.txt","content":"<base64>"}, not ${showValue(value)}.`,
    ),
  unknown: (sent, accepted, place) =>
    personalityInvalid(unsupportedFields(sent, accepted, fieldName(place, '')).message),
  entries: [
    {
      field: 'path',
      missing: (place) => personalityInvalid(`Give ${fieldName(place, 'path')}.`),
      invalid: (value, _e, place) =>
        personalityInvalid(
          `Got ${fieldName(place, 'path')} ${showValue(value)}: expected 1 to 255 characters.`,
        ),
    },
    {
      field: 'content',
      missing: (place) => personalityInvalid(`Give ${fieldName(place, 'content')} in base64.`),
      invalid: (value, _e, place) =>
        personalityInvalid(
          `Got ${fieldName(place, 'content')} ${showValue(value)}: expected the file in base64.`,
        ),
    },
    {
      rule: (p, place) =>
        decodedBytes(p['content'] as string) > 1024
          ? personalityInvalid(`${fieldName(place, 'content')} is over 1 KB once decoded.`)
          : undefined,
    },
  ],
};

const bandwidthTable: ObjectTable<unknown> = {
  notObject: (value) =>
    apiErrors.bandwidthTypeInvalid(
      `bandwidth must be an object such as {"size":10,"share_type":"PER","charging_mode":"traffic"}, not ${showValue(value)}.`,
    ),
  unknown: unknownIn('bandwidth'),
  entries: [
    { field: 'size', invalid: (value) => apiErrors.bandwidthSizeInvalid(value) },
    {
      field: 'share_type',
      missing: () => apiErrors.bandwidthTypeInvalid('Give share_type: PER or WHOLE.'),
      invalid: (value) =>
        apiErrors.bandwidthTypeInvalid(
          `Got share_type ${showValue(value)}: expected PER or WHOLE.`,
        ),
    },
    { field: 'charging_mode', invalid: (value) => apiErrors.chargingModeInvalid(value) },
    { field: 'id', invalid: notA('id', idText) },
    {
      // A dedicated (PER) bandwidth is described in full; a shared one (WHOLE) is named.
      rule: (b) =>
        b['share_type'] === 'PER' && b['size'] === undefined
          ? apiErrors.bandwidthSizeNull()
          : undefined,
    },
    {
      rule: (b) =>
        b['share_type'] === 'PER' && b['charging_mode'] === undefined
          ? apiErrors.chargingModeInvalid(null)
          : undefined,
    },
    {
      rule: (b) =>
        b['share_type'] === 'WHOLE' && b['id'] === undefined
          ? apiErrors.bandwidthTypeInvalid(
              'A WHOLE (shared) bandwidth needs bandwidth.id, the shared bandwidth the EIP joins.',
            )
          : undefined,
    },
  ],
};

const publicIpTable: ObjectTable<unknown> = {
  notObject: notAnObject('{"eip":{"ip_type":"5_bgp","bandwidth":{...}}}'),
  unknown: unknownIn('public_ip'),
  entries: [
    {
      field: 'eip',
      missing: () => apiErrors.eipNull(),
      object: {
        notObject: () => apiErrors.eipNull(),
        unknown: unknownIn('eip'),
        entries: [
          {
            field: 'ip_type',
            missing: () => apiErrors.eipTypeInvalid(null, eipTypes.join(', ')),
            invalid: (value) => apiErrors.eipTypeInvalid(value, eipTypes.join(', ')),
          },
          {
            field: 'bandwidth',
            missing: () => apiErrors.bandwidthSizeNull(),
            object: bandwidthTable,
          },
        ],
      },
    },
  ],
};

const passwordClasses = [/[A-Z]/, /[a-z]/, /\d/, /[^A-Za-z\d]/] as const;
/** The administrator names (root, Administrator), forwards and reversed, lower case. */
const administrators = ['root', 'toor', 'administrator', 'rotartsinimda'] as const;

/**
 * The password rules a pattern cannot say: three kinds of character of four, and neither
 * administrator name (root for Linux, Administrator for Windows: Scalelog cannot tell the
 * image's OS, so both), forwards or reversed.
 */
function passwordFault(password: string): string | undefined {
  if (passwordClasses.filter((c) => c.test(password)).length < 3) {
    return `use at least three of upper case letters, lower case letters, digits and ${adminPassSpecials}`;
  }
  const lower = password.toLowerCase();
  const name = administrators.find((n) => lower.includes(n));
  return name === undefined
    ? undefined
    : `do not use the administrator name (root or Administrator), forwards or reversed: found ${name}`;
}

const passwordRule = `8 to 26 letters, digits and ${adminPassSpecials}`;

const vmMetadataTable: ObjectTable<unknown> = {
  notObject: (value) =>
    apiErrors.vmMetadataInvalid(
      `instance_config.metadata must be an object of strings, not ${showValue(value)}.`,
    ),
  unknown: (sent) => apiErrors.vmMetadataInvalid(`Unsupported keys ${sent.join(', ')}.`),
  entries: [
    {
      // Keys the SDK does not name are the ECS's free metadata (AS.1052's own rule).
      rule: (m) => {
        for (const [key, value] of Object.entries(m)) {
          if (key === 'admin_pass') continue;
          if (!/^[^ $.]{1,255}$/u.test(key)) {
            return apiErrors.vmMetadataInvalid(
              `Got key ${showValue(key)}: keys have no spaces, $ or periods.`,
            );
          }
          if (typeof value !== 'string' || value.length > 512) {
            return apiErrors.vmMetadataInvalid(
              `Got ${key} ${showValue(value)}: values are strings of at most 512 characters.`,
            );
          }
        }
        return undefined;
      },
    },
    {
      field: 'admin_pass',
      invalid: (value) =>
        apiErrors.adminPassInvalid(
          typeof value === 'string'
            ? `Give ${passwordRule}.`
            : `admin_pass must be a string: ${passwordRule}.`,
        ),
    },
    {
      rule: (m) => {
        const password = m['admin_pass'];
        const fault = typeof password === 'string' ? passwordFault(password) : undefined;
        return fault === undefined ? undefined : apiErrors.adminPassInvalid(`Please ${fault}.`);
      },
    },
  ],
};

const maxFlavors = 10;

const flavorEntry: FieldEntry<unknown> = {
  field: 'flavorRef',
  invalid: (value, errors, place) =>
    failed(errors, 'minLength')
      ? apiErrors.flavorNull()
      : notA('flavorRef', 'flavor ids separated by commas')(value, errors, place),
};

export const imageEntry: FieldEntry<unknown> = {
  field: 'imageRef',
  missing: () => apiErrors.imageIdNull(),
  invalid: (value, errors) =>
    failed(errors, 'minLength') ? apiErrors.imageIdNull() : apiErrors.imageIdInvalid(value),
};

/** An array's own faults (type, item counts), before its items are read. */
const arrayFault =
  (field: string, what: string, counts: (count: number) => ApiError): InvalidField =>
  (value, errors) =>
    failed(errors, 'type')
      ? apiErrors.badRequestBody(
          `instance_config.${field} must be ${what}, not ${showValue(value)}.`,
        )
      : counts((value as unknown[]).length);

export const instanceConfigTable: ObjectTable<unknown> = {
  notObject: (value) =>
    apiErrors.badRequestBody(
      `instance_config must be an object such as {"flavorRef":"s3.xlarge.4","imageRef":"<image id>","disk":[...],"key_name":"<key pair>"}, not ${showValue(value)}.`,
    ),
  unknown: unknownIn('instance_config'),
  entries: [
    { field: 'instance_id', invalid: notA('instance_id', idText) },
    flavorEntry,
    {
      rule: ({ flavorRef }) => {
        if (typeof flavorRef !== 'string') return undefined;
        const flavors = flavorRef.split(',');
        if (flavors.length > maxFlavors) return apiErrors.flavorsTooMany(flavors.length);
        return flavors.some((f) => f.trim() === '') ? apiErrors.flavorNull() : undefined;
      },
    },
    imageEntry,
    {
      field: 'disk',
      invalid: arrayFault('disk', 'an array of disks', (count) =>
        count === 0
          ? apiErrors.diskNull('Give instance_config.disk with one system disk (SYS).')
          : apiErrors.diskCountTooMany(count),
      ),
      items: diskTable,
    },
    {
      rule: ({ disk }) => {
        if (!Array.isArray(disk)) return undefined;
        const system = disk.filter((d) => (d as { disk_type: string }).disk_type === 'SYS');
        return system.length === 1 ? undefined : apiErrors.systemDiskCount(system.length);
      },
    },
    { field: 'key_name', invalid: (value) => apiErrors.loginModeIllegal(value) },
    {
      field: 'personality',
      invalid: arrayFault('personality', 'an array of files', (count) =>
        personalityInvalid(`Got ${String(count)} files: inject at most 5.`),
      ),
      items: personalityTable,
    },
    { field: 'public_ip', object: publicIpTable },
    {
      field: 'user_data',
      invalid: (value) =>
        apiErrors.userDataInvalid(
          `Got ${showValue(value)}: expected the user data in base64, at most 32 KB decoded.`,
        ),
    },
    {
      rule: ({ user_data: userData }) =>
        typeof userData === 'string' && decodedBytes(userData) > 32 * 1024
          ? apiErrors.userDataInvalid('The user data is over 32 KB once decoded.')
          : undefined,
    },
    { field: 'metadata', object: vmMetadataTable },
    {
      field: 'security_groups',
      invalid: arrayFault('security_groups', 'an array of objects', () =>
        apiErrors.badRequestBody('instance_config.security_groups is refused.'),
      ),
      items: {
        notObject: notAnObject('{"id":"<security group id>"}'),
        unknown: unknownIn('security_groups'),
        entries: [
          {
            field: 'id',
            missing: (place) => apiErrors.badRequestBody(`Give ${fieldName(place, 'id')}.`),
            invalid: notA('id', idText),
          },
        ],
      },
    },
    { field: 'server_group_id', invalid: notA('server_group_id', idText) },
    { field: 'tenancy', invalid: notA('tenancy', 'dedicated') },
    { field: 'dedicated_host_id', invalid: notA('dedicated_host_id', idText) },
    {
      field: 'multi_flavor_priority_policy',
      invalid: (value) => apiErrors.multiFlavorPolicyInvalid(value),
    },
    { field: 'market_type', invalid: notA('market_type', 'spot') },
    {
      field: 'cpu_options',
      object: {
        notObject: notAnObject('{"hw_cpu_threads":1}'),
        unknown: unknownIn('cpu_options'),
        entries: [{ field: 'hw_cpu_threads', invalid: notA('hw_cpu_threads', '1 or 2') }],
      },
    },
  ],
};
