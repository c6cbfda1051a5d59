import { apiErrors } from '../../errors/api-error.js';
import type { ApiError } from '../../errors/api-error.js';
import { maxBatchDeleteConfigurations } from '../../domain/scaling-configuration.js';
import type { ScalingConfiguration } from '../../domain/scaling-configuration.js';
import { formatWireTimeMs } from '../../domain/wire-time.js';
import { showValue } from '../../http/body-fields.js';
import { bodyCheck, failed } from '../../http/schema-validation.js';
import type { SchemaError } from '../../http/schema-validation.js';
import type { ConfigurationCreate } from './service.js';
import { idText, notA, notAnObject, unknownIn } from './field-answers.js';
import { imageEntry, instanceConfigTable, nameEntry } from './instance-config-table.js';
import {
  configurationBatchDeleteBody,
  configurationCreateBody,
  configurationUpdateBody,
} from './schemas.js';

/**
 * Scaling configurations on the wire (the cloud's v1 configuration API): the request bodies,
 * checked in the order the tables list their fields, each refusal with the AS.10xx code the
 * error code appendix gives it (AS.0022 where it gives none), and configurations to the
 * `scaling_configuration` object of the show and list answers.
 */

/**
 * Reads `POST .../scaling_configuration`. Without `source_scaling_configuration_id` the name
 * and `instance_config` are required; the rules on the whole instance configuration (flavor,
 * image and disks unless `instance_id`; one login mode) are the service's, since with a
 * source they apply to the merged configuration.
 */
const checkCreate = bodyCheck(configurationCreateBody, {
  unknown: unknownIn('a scaling configuration create request'),
  entries: [
    {
      rule: (b) =>
        b['scaling_configuration_name'] === undefined &&
        b['source_scaling_configuration_id'] === undefined
          ? apiErrors.configurationNameNull()
          : undefined,
    },
    nameEntry,
    {
      rule: (b) =>
        b['instance_config'] === undefined && b['source_scaling_configuration_id'] === undefined
          ? apiErrors.instanceConfigNull(
              'Give instance_config: flavorRef, imageRef, disk and key_name at least.',
            )
          : undefined,
    },
    { field: 'instance_config', object: instanceConfigTable },
    {
      field: 'source_scaling_configuration_id',
      invalid: notA('source_scaling_configuration_id', idText),
    },
  ],
});

/**
 * The cloud never shows a password (its answers carry `"adminPass": "***"`), so none is kept:
 * a configuration remembers only that it has one.
 */
export const maskedPassword = '***';

/** A create request, checked in form. */
export function parseConfigurationCreate(raw: unknown): ConfigurationCreate {
  const body = checkCreate(raw, undefined);
  const sent = body.instance_config as Record<string, unknown> | undefined;
  const metadata = sent?.['metadata'] as Record<string, string> | undefined;
  const instanceConfig =
    sent === undefined || metadata?.['admin_pass'] === undefined
      ? sent
      : { ...sent, metadata: { ...metadata, admin_pass: maskedPassword } };
  return {
    ...(body.scaling_configuration_name === undefined
      ? {}
      : { name: body.scaling_configuration_name }),
    ...(instanceConfig === undefined ? {} : { instanceConfig }),
    ...(body.source_scaling_configuration_id === undefined
      ? {}
      : { sourceId: body.source_scaling_configuration_id }),
  };
}

const checkUpdate = bodyCheck(configurationUpdateBody, {
  unknown: unknownIn('a scaling configuration update request'),
  entries: [
    {
      field: 'instance_config',
      missing: () =>
        apiErrors.instanceConfigNull('Give instance_config: {"imageRef":"<image id>"}.'),
      object: {
        notObject: notAnObject('{"imageRef":"<image id>"}'),
        unknown: unknownIn('instance_config'),
        entries: [imageEntry],
      },
    },
  ],
});

/** `PUT .../scaling_configuration/{id}`: the SDK's UpdateScalingConfigOption takes the image only. */
export function parseConfigurationUpdate(raw: unknown): { imageId: string } {
  return { imageId: checkUpdate(raw, undefined).instance_config.imageRef };
}

const batchIdsFault = (value: unknown, errors: readonly SchemaError[]): ApiError => {
  const own = errors.filter((e) => e.path === '');
  if (failed(own, 'type')) {
    return apiErrors.badRequestBody(
      `scaling_configuration_id must be an array of configuration ids, not ${showValue(value)}.`,
    );
  }
  if (failed(own, 'minItems'))
    return apiErrors.configurationBatchEmpty(maxBatchDeleteConfigurations);
  if (failed(own, 'maxItems')) {
    return apiErrors.configurationBatchTooMany(
      (value as unknown[]).length,
      maxBatchDeleteConfigurations,
    );
  }
  const items = value as unknown[];
  const bad = items.find((item) => typeof item !== 'string');
  if (bad !== undefined) {
    return apiErrors.badRequestBody(
      `Each scaling_configuration_id is a string, not ${showValue(bad)}.`,
    );
  }
  if (items.some((item) => item === '')) return apiErrors.configurationIdNull();
  return apiErrors.badRequestBody(
    `Each scaling_configuration_id is ${idText}; got ${showValue(value)}.`,
  );
};

const checkBatchDelete = bodyCheck(configurationBatchDeleteBody, {
  unknown: unknownIn('a batch delete request'),
  entries: [
    {
      field: 'scaling_configuration_id',
      missing: () => apiErrors.configurationBatchEmpty(maxBatchDeleteConfigurations),
      invalid: batchIdsFault,
    },
  ],
});

/** `POST .../scaling_configurations`: the ids, each once, in the order sent. */
export function parseConfigurationBatchDelete(raw: unknown): string[] {
  return [...new Set(checkBatchDelete(raw, undefined).scaling_configuration_id)];
}

const orNull = (value: unknown): unknown => value ?? null;

/**
 * A configuration as the show and list answers give it: every field of the SDK's
 * InstanceConfigResult, `null` where the configuration has none, as the reference's examples
 * show; `metadata` without the password, and `adminPass` `***` when there is one.
 */
export function configurationToWire(
  c: ScalingConfiguration,
  groupId: string | undefined,
): Record<string, unknown> {
  const ic = c.instanceConfig;
  const { admin_pass: password, ...metadata } = (ic['metadata'] ?? {}) as Record<string, string>;
  return {
    scaling_configuration_id: c.id,
    tenant: c.projectId,
    scaling_configuration_name: c.name,
    instance_config: {
      flavorRef: orNull(ic['flavorRef']),
      imageRef: orNull(ic['imageRef']),
      disk: orNull(ic['disk']),
      key_name: orNull(ic['key_name']),
      key_fingerprint: null,
      instance_name: null,
      instance_id: orNull(ic['instance_id']),
      adminPass: password === undefined ? null : maskedPassword,
      personality: orNull(ic['personality']),
      public_ip: orNull(ic['public_ip']),
      user_data: orNull(ic['user_data']),
      metadata,
      security_groups: orNull(ic['security_groups']),
      server_group_id: orNull(ic['server_group_id']),
      tenancy: orNull(ic['tenancy']),
      dedicated_host_id: orNull(ic['dedicated_host_id']),
      market_type: orNull(ic['market_type']),
      multi_flavor_priority_policy: orNull(ic['multi_flavor_priority_policy']),
      cpu_options: orNull(ic['cpu_options']),
    },
    create_time: formatWireTimeMs(c.createTime),
    ...(groupId === undefined ? {} : { scaling_group_id: groupId }),
  };
}
