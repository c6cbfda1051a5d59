import { projectIdPattern } from '../domain/ids.js';
import type { SentNotification } from '../domain/notification.js';
import type { Config } from '../config/config.js';
import { notificationToLine } from '../log-format/notification-wire.js';
import type { SentNotificationExportFilter } from '../store/notification-repository.js';
import type { CliContext } from './cli-context.js';
import { exitCodes } from './exit-codes.js';
import { jsonLines, keysetRows, nothingToExport } from './export-lines.js';
import type { ExitCode } from './exit-codes.js';
import { withCommandStore } from './open-command-store.js';
import { UsageError } from './usage-error.js';
import { writeLines } from './write-lines.js';

export interface NotificationExportOptions {
  readonly project?: string | undefined;
  readonly group?: string | undefined;
  readonly policy?: string | undefined;
}

const checkId = (flag: string, value: string): string => {
  if (!projectIdPattern.test(value)) {
    throw new UsageError(
      `${flag} ${JSON.stringify(value)} cannot match any notification: expected 1 to 64 letters, digits, '-' or '_'.`,
    );
  }
  return value;
};

function exportFilter(options: NotificationExportOptions): SentNotificationExportFilter {
  if (options.policy !== undefined) {
    throw new UsageError(
      '--policy selects execution logs: --notifications takes --project and --group.',
    );
  }
  if (options.group !== undefined && options.project === undefined) {
    throw new UsageError('--group needs --project: group ids are unique only within a project.');
  }
  return {
    ...(options.project === undefined ? {} : { projectId: checkId('--project', options.project) }),
    ...(options.group === undefined ? {} : { groupId: checkId('--group', options.group) }),
  };
}

/**
 * `scalelog export --notifications`: the recorded notifications (with their delivery
 * state) as NDJSON on stdout, in the format `import --notifications` reads.
 */
export async function exportNotifications(
  options: NotificationExportOptions,
  config: Config,
  context: CliContext,
): Promise<ExitCode> {
  const filter = exportFilter(options);
  let count = 0;
  await withCommandStore(
    config,
    context,
    { missing: 'refuse', meaning: 'nothing to export' },
    (store) =>
      writeLines(
        context.stdout,
        jsonLines(
          keysetRows<SentNotification>((after, limit) =>
            store.resourceRead((tx) => tx.notifications.exportPage(filter, after, limit)),
          ),
          notificationToLine,
          () => (count += 1),
        ),
      ),
  );
  if (count === 0) context.stderr.write(`${nothingToExport('notifications', filter)}\n`);
  return exitCodes.success;
}
