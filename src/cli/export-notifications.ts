import { projectIdPattern } from '../domain/ids.js';
import type { SentNotification } from '../domain/notification.js';
import type { Config } from '../config/config.js';
import { notificationToLine } from '../log-format/notification-wire.js';
import type {
  SentNotificationCursor,
  SentNotificationExportFilter,
} from '../store/notification-repository.js';
import type { ResourceStore } from '../store/resource-store.js';
import type { CliContext } from './cli-context.js';
import { exitCodes } from './exit-codes.js';
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

const batch = 1000;

/** Every notification the filter takes, in export order, a keyset page at a time. */
async function* stored(
  store: ResourceStore,
  filter: SentNotificationExportFilter,
): AsyncIterable<SentNotification> {
  let after: SentNotificationCursor | undefined;
  for (;;) {
    const cursor = after;
    const page = await store.resourceRead((tx) =>
      tx.notifications.exportPage(filter, cursor, batch),
    );
    yield* page;
    const last = page[page.length - 1];
    if (page.length < batch || last === undefined) return;
    after = last;
  }
}

async function* lines(
  notifications: AsyncIterable<SentNotification>,
  onLine: () => void,
): AsyncIterable<string> {
  for await (const n of notifications) {
    onLine();
    yield `${JSON.stringify(notificationToLine(n))}\n`;
  }
}

function nothing(filter: SentNotificationExportFilter): string {
  const { projectId, groupId } = filter;
  if (projectId !== undefined && groupId !== undefined)
    return `No notifications to export: group ${groupId} of project ${projectId} has none.`;
  if (projectId !== undefined) return `No notifications to export: project ${projectId} has none.`;
  return 'No notifications to export: the store holds none.';
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
        lines(stored(store, filter), () => (count += 1)),
      ),
  );
  if (count === 0) context.stderr.write(`${nothing(filter)}\n`);
  return exitCodes.success;
}
