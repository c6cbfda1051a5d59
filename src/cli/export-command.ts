import { activityToLine } from '../log-format/activity-wire.js';
import { notificationToLine } from '../log-format/notification-wire.js';
import { logToWire } from '../log-format/log-wire.js';
import type { Config } from '../config/config.js';
import type { ExecutionLog } from '../domain/execution-log.js';
import type { SentNotification } from '../domain/notification.js';
import type { ScalingActivity } from '../domain/scaling-activity.js';
import type { ExportFilter } from '../store/log-store.js';
import type { CliContext } from './cli-context.js';
import { exitCodes } from './exit-codes.js';
import { checkIdFlag, exportHistory } from './export-lines.js';
import type { HistoryKind } from './export-lines.js';
import type { ExitCode } from './exit-codes.js';
import { withCommandStore } from './open-command-store.js';
import { UsageError } from './usage-error.js';
import { writeLines } from './write-lines.js';

export interface ExportCommandOptions {
  readonly project?: string | undefined;
  /**
   * Policy ids are unique only within a project: `--policy` alone exports that policy id
   * in every project that has one.
   */
  readonly policy?: string | undefined;
  /** Export scaling activities instead of execution logs. */
  readonly activities?: boolean | undefined;
  /** With `activities` and `project`: only this scaling group's. */
  readonly group?: string | undefined;
  /** Export the recorded notifications instead of execution logs. */
  readonly notifications?: boolean | undefined;
}

const checkId = (flag: string, value: string): string => checkIdFlag(flag, value, 'log');

function exportFilter(options: ExportCommandOptions): ExportFilter {
  const filter: { -readonly [K in keyof ExportFilter]: ExportFilter[K] } = {};
  if (options.group !== undefined) {
    throw new UsageError('--group selects scaling activities: give it with --activities.');
  }
  if (options.project !== undefined) filter.projectId = checkId('--project', options.project);
  if (options.policy !== undefined) filter.policyId = checkId('--policy', options.policy);
  return filter;
}

/**
 * One log per line in the wire shape, the format `scalelog import` reads. Always spells
 * `execute_type` `SCHEDULED` whatever the output setting of the API: export is a data format,
 * and the importer accepts both spellings.
 */
async function* ndjsonLines(
  logs: AsyncIterable<ExecutionLog>,
  onLine: () => void,
): AsyncIterable<string> {
  for await (const log of logs) {
    onLine();
    yield `${JSON.stringify(logToWire(log, { scheduledAs: 'SCHEDULED' }))}\n`;
  }
}

/** Said on stderr when nothing matched, so an empty export is not mistaken for a failure. */
function nothingToExport(filter: ExportFilter): string {
  const { projectId, policyId } = filter;
  if (projectId !== undefined && policyId !== undefined)
    return `No logs to export: policy ${policyId} of project ${projectId} has none.`;
  if (projectId !== undefined) return `No logs to export: project ${projectId} has none.`;
  if (policyId !== undefined)
    return `No logs to export: policy ${policyId} has none in any project.`;
  return 'No logs to export: the store holds none.';
}

/**
 * `scalelog export`: every log of the store, of a project, of a policy, or of a policy in a
 * project, as NDJSON on stdout. Streams with backpressure in constant memory; stops quietly
 * with exit 0 when the reader goes away (`| head`). When no log matched, stdout stays empty
 * and stderr says so (exit 0).
 */
export async function exportCommand(
  options: ExportCommandOptions,
  config: Config,
  context: CliContext,
): Promise<ExitCode> {
  if (options.notifications === true) {
    if (options.activities === true) {
      throw new UsageError('--activities and --notifications export different files: give one.');
    }
    return exportHistory(options, config, context, notifications);
  }
  if (options.activities === true) return exportHistory(options, config, context, activities);
  const filter = exportFilter(options);
  let lines = 0;
  await withCommandStore(
    config,
    context,
    { missing: 'refuse', meaning: 'nothing to export' },
    (store) =>
      writeLines(
        context.stdout,
        ndjsonLines(store.exportLogs(filter), () => (lines += 1)),
      ),
  );
  if (lines === 0) context.stderr.write(`${nothingToExport(filter)}\n`);
  return exitCodes.success;
}

/** Scaling activities, as `import --activities` reads them. */
const activities: HistoryKind<ScalingActivity> = {
  flag: '--activities',
  one: 'activity',
  many: 'activities',
  readPage: (tx, filter, after, limit) => tx.activities.exportPage(filter, after, limit),
  toLine: activityToLine,
};

/** The recorded notifications with their delivery state, as `import --notifications` reads them. */
const notifications: HistoryKind<SentNotification> = {
  flag: '--notifications',
  one: 'notification',
  many: 'notifications',
  readPage: (tx, filter, after, limit) => tx.notifications.exportPage(filter, after, limit),
  toLine: notificationToLine,
};
