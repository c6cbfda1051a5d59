import type { ScalingConfiguration } from '../../src/domain/scaling-configuration.js';
import type { ScalingGroup } from '../../src/domain/scaling-group.js';
import type { ScalingInstance } from '../../src/domain/scaling-instance.js';
import type { ResourceTransaction } from '../../src/store/resource-store.js';

/**
 * Groups as a store holds them after a while in service: with a configuration to build
 * instances from, and as many instances in service as they desire.
 */

export const fixtureConfigurationId = 'cf000000-0000-4000-8000-00000000c0f1';

/** The fixture configuration of `projectId`. */
export const fixtureConfiguration = (
  projectId: string,
  createTime: number,
): ScalingConfiguration => ({
  id: fixtureConfigurationId,
  projectId,
  name: 'fixture-config',
  instanceConfig: { flavorRef: 's6.small.1', imageRef: 'img-1' },
  createTime,
});

/** `group` using the fixture configuration. */
export const withConfiguration = (group: ScalingGroup): ScalingGroup => ({
  ...group,
  attributes: { ...group.attributes, scaling_configuration_id: fixtureConfigurationId },
});

/** `count` instances in service in `group`, built from the fixture configuration. */
export function instancesInService(group: ScalingGroup, count: number): ScalingInstance[] {
  return Array.from({ length: count }, (_, n) => ({
    id: `i${String(n)}-${group.id}`,
    projectId: group.projectId,
    groupId: group.id,
    name: `fixture-config-SEED${String(n).padStart(4, '0')}`,
    configurationId: fixtureConfigurationId,
    configurationName: 'fixture-config',
    state: 'INSERVICE' as const,
    protectedFromScaleIn: false,
    deleteOnRemoval: true,
    createTime: group.createTime,
  }));
}

/**
 * Inserts `group` with the fixture configuration (inserted once per project) and its desired
 * number of instances in service.
 */
export async function insertGroupInService(
  tx: ResourceTransaction,
  group: ScalingGroup,
): Promise<void> {
  if ((await tx.configurations.get(group.projectId, fixtureConfigurationId)) === undefined) {
    await tx.configurations.insert(fixtureConfiguration(group.projectId, group.createTime));
  }
  const configured = withConfiguration(group);
  await tx.groups.insert(configured);
  await tx.instances.insert(instancesInService(configured, configured.desireInstances));
}
