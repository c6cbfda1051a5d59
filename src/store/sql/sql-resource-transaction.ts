import type { ExecutionLog } from '../../domain/execution-log.js';
import type { LogWriter } from '../log-store.js';
import type { ResourceTransaction } from '../resource-store.js';
import { activityRepository } from './activity-repository.js';
import { bandwidthRepository } from './bandwidth-repository.js';
import { configurationRepository } from './configuration-repository.js';
import { executionRepository } from './execution-repository.js';
import { groupRepository } from './group-repository.js';
import { instanceRepository } from './instance-repository.js';
import { lifecycleHookRepository } from './lifecycle-hook-repository.js';
import { notificationRepository } from './notification-repository.js';
import { policyRepository } from './policy-repository.js';
import type { ResourceDb } from './resource-table.js';
import { serverRepository } from './server-repository.js';
import { warmPoolRepository } from './warm-pool-repository.js';
import { tagRepository } from './tag-repository.js';
import { scheduledTaskRepository } from './scheduled-task-repository.js';

/**
 * The engine's reads and writes on one connection: each resource's repository over it.
 * `resources.db` has a transaction open (or, for read-only use, is the pool), and `writer`
 * writes logs in that transaction (absent for read-only use).
 */
export function sqlResourceTransaction(
  resources: ResourceDb,
  options: {
    writer?: LogWriter;
    readLog: (projectId: string, logId: string) => Promise<ExecutionLog | undefined>;
  },
): ResourceTransaction {
  const { writer, readLog } = options;
  return {
    groups: groupRepository(resources),
    bandwidths: bandwidthRepository(resources),
    configurations: configurationRepository(resources),
    policies: policyRepository(resources),
    executions: executionRepository(resources),
    servers: serverRepository(resources),
    instances: instanceRepository(resources),
    activities: activityRepository(resources),
    warmPools: warmPoolRepository(resources),
    lifecycleHooks: lifecycleHookRepository(resources),
    tags: tagRepository(resources),
    scheduledTasks: scheduledTaskRepository(resources),
    notifications: notificationRepository(resources),
    logs: {
      get: readLog,
      write: async (logs) => {
        if (writer === undefined) {
          throw new Error('logs.write needs an engine session: this one only reads');
        }
        return writer.write(logs);
      },
    },
  };
}
