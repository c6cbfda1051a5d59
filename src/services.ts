import type { Config } from './config/config.js';
import type { QuotaLimits } from './domain/quotas.js';
import { PolicyEngine } from './engine/policy-engine.js';
import { ActivityService } from './resources/activities/service.js';
import { BandwidthService } from './resources/bandwidths/service.js';
import { bandwidthToWire } from './resources/bandwidths/wire.js';
import { ConfigurationService } from './resources/configurations/service.js';
import { GroupService } from './resources/groups/service.js';
import { InstanceService } from './resources/instances/service.js';
import { LifecycleHookService } from './resources/lifecycle-hooks/service.js';
import { LogService } from './resources/logs/service.js';
import { NotificationService } from './resources/notifications/service.js';
import { PolicyService } from './resources/policies/service.js';
import { ServerService } from './resources/servers/service.js';
import { TagService } from './resources/tags/service.js';
import { QuotaService } from './resources/quotas/service.js';
import { ScheduledTaskService } from './resources/scheduled-tasks/service.js';
import { TriggerService } from './resources/triggers/service.js';
import { WarmPoolService } from './resources/warm-pools/service.js';
import type { ResourceStore } from './store/resource-store.js';
import type { Store } from './store/store.js';

/**
 * Every resource's rules, over one store, clock and settings: what the HTTP API calls, and
 * what any other entry point (a console, a CLI command, a sync job) calls in its place, so
 * no rule is written twice.
 */
export interface Services {
  /** One engine for the API's executions and alarms and for the scheduler. */
  readonly engine: PolicyEngine;
  readonly logs: LogService;
  readonly groups: GroupService;
  readonly configurations: ConfigurationService;
  readonly instances: InstanceService;
  readonly lifecycleHooks: LifecycleHookService;
  readonly servers: ServerService;
  readonly policies: PolicyService;
  readonly bandwidths: BandwidthService;
  readonly triggers: TriggerService;
  readonly quotas: QuotaService;
  readonly activities: ActivityService;
  readonly warmPools: WarmPoolService;
  readonly tags: TagService;
  readonly scheduledTasks: ScheduledTaskService;
  readonly notifications: NotificationService;
}

/** The policy engine of a store, on a clock, with the settings of `config`. */
export function policyEngine(
  store: ResourceStore,
  config: Pick<Config, 'instanceSettleMs' | 'misfireGraceMs'>,
  now: () => number,
): PolicyEngine {
  return new PolicyEngine(store, now, {
    instanceSettleMs: config.instanceSettleMs,
    misfireGraceMs: config.misfireGraceMs,
    bandwidthResponse: (b) => JSON.stringify(bandwidthToWire(b)),
  });
}

/**
 * The services of a store. The engine keeps no state of its own (every decision is taken in
 * a store transaction), so services built twice over one store agree.
 */
export function buildServices(
  store: Store,
  config: Pick<Config, 'instanceSettleMs' | 'misfireGraceMs' | keyof QuotaLimits>,
  now: () => number,
): Services {
  const engine = policyEngine(store, config, now);
  return {
    engine,
    logs: new LogService(store),
    groups: new GroupService(store, now, config),
    configurations: new ConfigurationService(store, now, config.configurationQuota),
    instances: new InstanceService(store, now, config),
    lifecycleHooks: new LifecycleHookService(store, now, config),
    servers: new ServerService(store, now),
    policies: new PolicyService({ store, engine, now, settings: config }),
    bandwidths: new BandwidthService(store, now),
    triggers: new TriggerService(engine),
    quotas: new QuotaService(store, now, config),
    activities: new ActivityService(store, now),
    warmPools: new WarmPoolService(store, now, config),
    tags: new TagService(store, now),
    scheduledTasks: new ScheduledTaskService(store, now),
    notifications: new NotificationService(store, now),
  };
}
