import { maxBatchDeleteConfigurations } from '../../domain/scaling-configuration.js';
import { idReply, pagedList, pagingQuery, projectAnd } from '../../http/resource-schemas.js';

/**
 * Wire schemas of the v1 scaling configuration API: one request schema per operation (the
 * bodies are checked against them by the error tables in wire.ts) and the answers, which
 * they serialize. Names and types are the SDK's (`CreateScalingConfigOption`,
 * `InstanceConfig`, `ScalingConfiguration`); limits and enumerations are the API reference's
 * ("Creating an AS Configuration").
 */

const id = (description: string) =>
  ({ type: 'string', minLength: 1, maxLength: 64, description }) as const;

/** Standard base64 with its padding, as user_data and injected files are sent. */
export const base64Pattern = '^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$';

/** Disk types: the reference's, and the SDK's spellings of the same (co-pl, uh-11). */
export const volumeTypes = [
  'SATA',
  'SAS',
  'SSD',
  'GPSSD',
  'GPSSD2',
  'ESSD',
  'ESSD2',
  'co-p1',
  'uh-l1',
  'co-pl',
  'uh-11',
] as const;

export const eipTypes = ['5_bgp', '5_sbgp', '5_telcom', '5_union'] as const;

/** The characters an administrator password may use (the reference's Table 10). */
export const adminPassSpecials = '!@$%^-_=+[{}]:,./?';

const disk = {
  type: 'object',
  required: ['size', 'volume_type', 'disk_type'],
  additionalProperties: false,
  properties: {
    size: {
      type: 'integer',
      minimum: 1,
      maximum: 32768,
      description: 'GB: a system disk 1 to 1024, a data disk 10 to 32768. Bad: AS.1031.',
    },
    volume_type: { type: 'string', enum: volumeTypes, description: 'Bad: AS.1033.' },
    disk_type: { type: 'string', enum: ['SYS', 'DATA'], description: 'Bad: AS.1034.' },
    dedicated_storage_id: id('A dedicated storage pool.'),
    data_disk_image_id: id('A data disk image (data disks only).'),
    snapshot_id: id('A disk backup of a full-ECS image.'),
    metadata: {
      type: 'object',
      additionalProperties: false,
      properties: {
        __system__encrypted: { type: 'string', enum: ['0', '1'] },
        __system__cmkid: id('The KMS key encrypting the disk.'),
      },
    },
    iops: { type: 'integer', minimum: 1 },
    throughput: { type: 'integer', minimum: 1 },
  },
} as const;

const personality = {
  type: 'object',
  required: ['path', 'content'],
  additionalProperties: false,
  properties: {
    path: { type: 'string', minLength: 1, maxLength: 255 },
    content: {
      type: 'string',
      pattern: base64Pattern,
      description: 'The file in base64, at most 1 KB decoded.',
    },
  },
} as const;

const bandwidth = {
  type: 'object',
  required: ['share_type'],
  additionalProperties: false,
  properties: {
    size: {
      type: 'integer',
      minimum: 1,
      maximum: 500,
      description: 'Mbit/s, 1 to 500; required for PER. Null: AS.1046; bad: AS.1042.',
    },
    share_type: {
      type: 'string',
      enum: ['PER', 'WHOLE'],
      description: 'PER (dedicated) or WHOLE (shared, with id). Bad: AS.1045.',
    },
    charging_mode: {
      type: 'string',
      enum: ['bandwidth', 'traffic'],
      description: 'Required for PER. Bad: AS.1044.',
    },
    id: id('The shared bandwidth a WHOLE EIP joins.'),
  },
} as const;

const publicIp = {
  type: 'object',
  required: ['eip'],
  additionalProperties: false,
  properties: {
    eip: {
      type: 'object',
      required: ['ip_type', 'bandwidth'],
      additionalProperties: false,
      properties: {
        ip_type: { type: 'string', enum: eipTypes, description: 'Bad: AS.1043.' },
        bandwidth,
      },
    },
  },
} as const;

/** The instance configuration of a create request (the SDK's `InstanceConfig`). */
const instanceConfig = {
  type: 'object',
  additionalProperties: false,
  description:
    'Without instance_id (and without source_scaling_configuration_id): flavorRef, imageRef and disk are required. With instance_id, flavorRef, imageRef, disk and security_groups do not take effect and are not kept. One login mode: key_name or metadata.admin_pass.',
  properties: {
    instance_id: id('Create the configuration from this ECS.'),
    flavorRef: {
      type: 'string',
      minLength: 1,
      maxLength: 1024,
      description: '1 to 10 flavor ids separated by commas. Null: AS.1016; more: AS.1087.',
    },
    imageRef: {
      type: 'string',
      minLength: 1,
      maxLength: 255,
      description: 'Null: AS.1014; bad: AS.1075.',
    },
    disk: {
      type: 'array',
      minItems: 1,
      maxItems: 24,
      items: disk,
      description: 'Exactly one SYS disk (AS.1029), at most 24 disks (AS.1032).',
    },
    key_name: {
      type: 'string',
      minLength: 1,
      maxLength: 64,
      description: 'A key pair. Not with metadata.admin_pass (AS.1025). Bad: AS.1050.',
    },
    personality: {
      type: 'array',
      maxItems: 5,
      items: personality,
      description: 'At most 5 files of at most 1 KB each. Bad: AS.1027.',
    },
    public_ip: publicIp,
    user_data: {
      type: 'string',
      pattern: base64Pattern,
      description: 'base64, at most 32 KB decoded. Bad: AS.1049.',
    },
    metadata: {
      type: 'object',
      additionalProperties: { type: 'string', maxLength: 512 },
      propertyNames: { pattern: '^[^ $.]{1,255}$' },
      properties: {
        admin_pass: {
          type: 'string',
          pattern: '^[A-Za-z0-9!@$%\\^\\-_=+\\[{}\\]:,./?]{8,26}$',
          description:
            '8 to 26 characters, at least three of upper case, lower case, digits and !@$%^-_=+[{}]:,./?; not containing root or Administrator, forwards or reversed. Bad: AS.1035.',
        },
      },
      description:
        'String values of at most 512 characters; keys without spaces, $ or periods. Bad: AS.1052.',
    },
    security_groups: {
      type: 'array',
      items: {
        type: 'object',
        required: ['id'],
        additionalProperties: false,
        properties: { id: id('A security group.') },
      },
    },
    server_group_id: id('A server group.'),
    tenancy: { type: 'string', enum: ['dedicated'] },
    dedicated_host_id: id('A dedicated host.'),
    multi_flavor_priority_policy: {
      type: 'string',
      enum: ['PICK_FIRST', 'COST_FIRST'],
      description: 'Bad: AS.1085.',
    },
    market_type: { type: 'string', enum: ['spot'] },
    cpu_options: {
      type: 'object',
      additionalProperties: false,
      properties: { hw_cpu_threads: { type: 'integer', enum: [1, 2] } },
    },
  },
} as const;

/** A configuration name: letters, digits, `_` and `-`, 1 to 64 of them. */
export const configurationNamePattern = '^[A-Za-z0-9_-]+$';

/** `POST /autoscaling-api/v1/{project_id}/scaling_configuration` (CreateScalingConfigOption). */
export const configurationCreateBody = {
  type: 'object',
  additionalProperties: false,
  properties: {
    scaling_configuration_name: {
      type: 'string',
      minLength: 1,
      maxLength: 64,
      pattern: configurationNamePattern,
      description:
        '1 to 64 letters, digits, underscores or hyphens; required without source_scaling_configuration_id. Null: AS.1007; too long: AS.1008; bad: AS.1023.',
    },
    instance_config: instanceConfig,
    source_scaling_configuration_id: id(
      'Start from this configuration: the fields given in instance_config replace its own. Unknown: AS.1004.',
    ),
  },
} as const;

/** `PUT .../scaling_configuration/{id}` (UpdateScalingConfigOption): only the image. */
export const configurationUpdateBody = {
  type: 'object',
  required: ['instance_config'],
  additionalProperties: false,
  properties: {
    instance_config: {
      type: 'object',
      required: ['imageRef'],
      additionalProperties: false,
      properties: { imageRef: instanceConfig.properties.imageRef },
    },
  },
} as const;

/** `POST .../scaling_configurations` (BatchDeleteScalingConfigOption). */
export const configurationBatchDeleteBody = {
  type: 'object',
  required: ['scaling_configuration_id'],
  additionalProperties: false,
  properties: {
    scaling_configuration_id: {
      type: 'array',
      minItems: 1,
      maxItems: maxBatchDeleteConfigurations,
      items: { type: 'string', minLength: 1, maxLength: 64 },
      description: `1 to ${String(maxBatchDeleteConfigurations)} ids. Empty: AS.1040; more: AS.1039; an empty id: AS.1003.`,
    },
  },
} as const;

const nullable = <const T extends string>(type: T) => ({ type: [type, 'null'] }) as const;

/** The instance configuration as the show and list answers give it (InstanceConfigResult). */
const instanceConfigResult = {
  type: 'object',
  properties: {
    flavorRef: nullable('string'),
    imageRef: nullable('string'),
    disk: {
      type: ['array', 'null'],
      items: { type: 'object', properties: disk.properties },
    },
    key_name: nullable('string'),
    key_fingerprint: { ...nullable('string'), description: 'Always null: no key pair service.' },
    instance_name: nullable('string'),
    instance_id: nullable('string'),
    adminPass: { ...nullable('string'), description: '"***" when a password was set.' },
    personality: {
      type: ['array', 'null'],
      items: { type: 'object', properties: personality.properties },
    },
    public_ip: {
      type: ['object', 'null'],
      properties: {
        eip: {
          type: 'object',
          properties: {
            ip_type: { type: 'string' },
            bandwidth: { type: 'object', properties: bandwidth.properties },
          },
        },
      },
    },
    user_data: nullable('string'),
    metadata: {
      type: 'object',
      additionalProperties: { type: 'string' },
      description: 'The metadata given, without admin_pass, which is never shown.',
    },
    security_groups: {
      type: ['array', 'null'],
      items: { type: 'object', properties: { id: { type: 'string' } } },
    },
    server_group_id: nullable('string'),
    tenancy: nullable('string'),
    dedicated_host_id: nullable('string'),
    market_type: nullable('string'),
    multi_flavor_priority_policy: nullable('string'),
    cpu_options: {
      type: ['object', 'null'],
      properties: { hw_cpu_threads: { type: 'integer' } },
    },
  },
} as const;

/** One configuration in the show and list answers (ScalingConfiguration). */
const configuration = {
  title: 'ScalingConfiguration',
  type: 'object',
  required: [
    'scaling_configuration_id',
    'tenant',
    'scaling_configuration_name',
    'instance_config',
    'create_time',
  ],
  properties: {
    scaling_configuration_id: { type: 'string' },
    tenant: { type: 'string', description: 'The project id.' },
    scaling_configuration_name: { type: 'string' },
    instance_config: instanceConfigResult,
    create_time: { type: 'string', description: 'UTC yyyy-MM-ddThh:mm:ssZ.' },
    scaling_group_id: {
      type: 'string',
      description: 'The earliest created group using the configuration; absent when none does.',
    },
  },
} as const;

export const configurationSchemas = {
  configurationParams: projectAnd(
    'scaling_configuration_id',
    'Scaling configuration id. Unknown: 400 AS.1004.',
  ),
  createBody: configurationCreateBody,
  updateBody: configurationUpdateBody,
  batchDeleteBody: configurationBatchDeleteBody,
  idReply: idReply('scaling_configuration_id', 'The configuration id.'),
  show: {
    type: 'object',
    required: ['scaling_configuration'],
    properties: { scaling_configuration: configuration },
  },
  list: pagedList('scaling_configurations', configuration),
  listQuery: {
    type: 'object',
    properties: {
      scaling_configuration_name: {
        type: 'string',
        description: 'Configurations whose name contains this (case counts).',
      },
      image_id: { type: 'string', description: 'Configurations with this imageRef.' },
      ...pagingQuery,
    },
  },
} as const;
