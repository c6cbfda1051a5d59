import { randomUUID } from 'node:crypto';
import { apiErrors } from '../../errors/api-error.js';
import { defaultQuotaLimits } from '../../domain/quotas.js';
import type { ScalingConfiguration } from '../../domain/scaling-configuration.js';
import type {
  ConfigurationFilter,
  Paging,
  ResourceStore,
  ResourceTransaction,
} from '../../store/resource-store.js';

/** A create request, checked in form: what it gives of the configuration. */
export interface ConfigurationCreate {
  readonly name?: string;
  /** `instance_config` as sent (nulls left out); an `admin_pass` masked. */
  readonly instanceConfig?: Readonly<Record<string, unknown>>;
  /** `source_scaling_configuration_id`: the configuration the sent fields are laid over. */
  readonly sourceId?: string;
}

/** A configuration and the group that uses it, if any (its `scaling_group_id`). */
export interface ConfigurationInUse {
  readonly configuration: ScalingConfiguration;
  readonly groupId?: string;
}

/**
 * The fields that do not take effect on a configuration made from an ECS (`instance_id`):
 * the ECS's own are used, so they are not kept.
 */
const fromInstanceIgnored = ['flavorRef', 'imageRef', 'disk', 'security_groups'] as const;

/**
 * The rules of scaling configurations (AS v1): a quota per project, a configuration that a
 * group uses cannot be deleted (AS.1006), batch deletes all or nothing. An unknown
 * configuration is 400 AS.1004, as the cloud answers it. Scalelog has no compute service:
 * flavors, images and key pairs are not looked up.
 */
export class ConfigurationService {
  readonly #store: ResourceStore;
  readonly #now: () => number;
  readonly #quota: number;

  constructor(
    store: ResourceStore,
    now: () => number,
    quota = defaultQuotaLimits.configurationQuota,
  ) {
    this.#store = store;
    this.#now = now;
    this.#quota = quota;
  }

  /**
   * Creates a configuration. With a source, the fields sent replace the source's (fields sent
   * as null keep the source's); then the whole configuration must be complete: flavor, image
   * and disks unless made from an ECS, and exactly one login mode.
   */
  async create(projectId: string, request: ConfigurationCreate): Promise<ScalingConfiguration> {
    return this.#store.resourceSession(async (tx) => {
      const source =
        request.sourceId === undefined
          ? undefined
          : await tx.configurations.get(projectId, request.sourceId);
      if (request.sourceId !== undefined && source === undefined) {
        throw apiErrors.configurationNotFound(request.sourceId);
      }
      const instanceConfig = completeInstanceConfig({
        ...source?.instanceConfig,
        ...request.instanceConfig,
      });
      // Held until the insert commits: servers creating at once count one after the other.
      await tx.configurations.lockProject(projectId);
      if ((await tx.configurations.count(projectId)) >= this.#quota) {
        throw apiErrors.configurationQuota(this.#quota);
      }
      const imageId = instanceConfig['imageRef'];
      const configuration: ScalingConfiguration = {
        id: randomUUID(),
        projectId,
        // A name is required without a source (the body check), so one of them has one.
        name: request.name ?? source?.name ?? '',
        ...(typeof imageId === 'string' ? { imageId } : {}),
        instanceConfig,
        createTime: this.#now(),
      };
      await tx.configurations.insert(configuration);
      return configuration;
    });
  }

  async show(projectId: string, id: string): Promise<ConfigurationInUse> {
    return this.#store.resourceRead(async (tx) => {
      const configuration = await tx.configurations.get(projectId, id);
      if (configuration === undefined) throw apiErrors.configurationNotFound(id);
      const groupId = (await tx.groups.configurationUsers(projectId)).get(id);
      return { configuration, ...(groupId === undefined ? {} : { groupId }) };
    });
  }

  /** A page of the project's configurations, newest first, and how many match. */
  async list(
    projectId: string,
    filter: ConfigurationFilter,
    paging: Paging,
  ): Promise<{ total: number; configurations: ConfigurationInUse[] }> {
    return this.#store.resourceRead(async (tx) => {
      const { total, configurations } = await tx.configurations.list(projectId, filter, paging);
      const users = await tx.groups.configurationUsers(projectId);
      return {
        total,
        configurations: configurations.map((configuration) => {
          const groupId = users.get(configuration.id);
          return { configuration, ...(groupId === undefined ? {} : { groupId }) };
        }),
      };
    });
  }

  /** Changes the image of a configuration (the one field the SDK's update takes). */
  async update(projectId: string, id: string, update: { imageId: string }): Promise<void> {
    await this.#store.resourceSession(async (tx) => {
      const configuration = await tx.configurations.lock(projectId, id);
      if (configuration === undefined) throw apiErrors.configurationNotFound(id);
      await tx.configurations.update({
        ...configuration,
        imageId: update.imageId,
        instanceConfig: { ...configuration.instanceConfig, imageRef: update.imageId },
      });
    });
  }

  /** Deletes a configuration that no group uses. */
  async delete(projectId: string, id: string): Promise<void> {
    await this.#store.resourceSession(async (tx) => {
      const configuration = await tx.configurations.lock(projectId, id);
      if (configuration === undefined) throw apiErrors.configurationNotFound(id);
      const groupId = (await tx.groups.configurationUsers(projectId)).get(id);
      if (groupId !== undefined) {
        throw apiErrors.configurationInUse(
          `Scaling group ${groupId} uses configuration ${id}: give the group another configuration first.`,
        );
      }
      await tx.configurations.delete(projectId, id);
    });
  }

  /**
   * Deletes configurations in one batch, all or nothing: when any is unknown or in use,
   * nothing is deleted and AS.1038 names each of them and why (the reference tells clients
   * to read the ids and causes from the message).
   */
  async deleteMany(projectId: string, ids: readonly string[]): Promise<void> {
    await this.#store.resourceSession(async (tx) => deleteBatch(tx, projectId, ids));
  }
}

async function deleteBatch(
  tx: ResourceTransaction,
  projectId: string,
  ids: readonly string[],
): Promise<void> {
  const found = new Set<string>();
  // Locked in id order, so that two batches cannot deadlock.
  for (const id of [...ids].sort()) {
    if ((await tx.configurations.lock(projectId, id)) !== undefined) found.add(id);
  }
  const users = await tx.groups.configurationUsers(projectId);
  const problems = ids.flatMap((id) => {
    if (!found.has(id)) return [`${id}: the configuration does not exist`];
    const groupId = users.get(id);
    return groupId === undefined ? [] : [`${id}: scaling group ${groupId} uses it`];
  });
  if (problems.length > 0) {
    throw apiErrors.configurationBatchFailed(`Nothing was deleted. ${problems.join('; ')}.`);
  }
  for (const id of ids) await tx.configurations.delete(projectId, id);
}

/**
 * The rules on a whole instance configuration, in the order they are told: without an ECS
 * (`instance_id`), a flavor (AS.1016), an image (AS.1014) and disks (AS.1028); then one login
 * mode, a key pair or a password (AS.1025 for both, AS.1026 for neither). With an ECS, the
 * fields it replaces are dropped.
 */
function completeInstanceConfig(
  config: Readonly<Record<string, unknown>>,
): Readonly<Record<string, unknown>> {
  let kept = config;
  if (config['instance_id'] === undefined) {
    if (config['flavorRef'] === undefined) throw apiErrors.flavorNull();
    if (config['imageRef'] === undefined) throw apiErrors.imageIdNull();
    if (config['disk'] === undefined) {
      throw apiErrors.diskNull('Give instance_config.disk with one system disk (SYS).');
    }
  } else {
    kept = Object.fromEntries(
      Object.entries(config).filter(
        ([key]) => !(fromInstanceIgnored as readonly string[]).includes(key),
      ),
    );
  }
  const key = config['key_name'] !== undefined;
  const password =
    (config['metadata'] as Record<string, unknown> | undefined)?.['admin_pass'] !== undefined;
  if (key && password) throw apiErrors.loginModeNotUnique();
  if (!key && !password) throw apiErrors.loginModeEmpty();
  return kept;
}
