import type { Config } from '../config/config.js';
import { projectIdPattern } from '../domain/ids.js';
import type { ResourceTransaction } from '../store/resource-store.js';
import type { CliContext } from './cli-context.js';
import { exitCodes } from './exit-codes.js';
import type { ExitCode } from './exit-codes.js';
import { withCommandStore } from './open-command-store.js';
import { UsageError } from './usage-error.js';
import { writeLines } from './write-lines.js';

/**
 * What `export --activities` and `export --notifications` share: the project and group
 * flags, reading a store's history a keyset page at a time (constant memory whatever the
 * store holds), writing one JSON object per line, and the message when the filter takes
 * nothing.
 */

const exportBatch = 1000;

/**
 * Every row `readPage` gives, in its order: each page is read after the last row of the one
 * before (the keyset cursor), until a page comes back short.
 */
export async function* keysetRows<T>(
  readPage: (after: T | undefined, limit: number) => Promise<readonly T[]>,
): AsyncIterable<T> {
  let after: T | undefined;
  for (;;) {
    const page = await readPage(after, exportBatch);
    yield* page;
    const last = page[page.length - 1];
    if (page.length < exportBatch || last === undefined) return;
    after = last;
  }
}

/** Each row as one line of JSON, counting the lines through `onLine`. */
export async function* jsonLines<T>(
  rows: AsyncIterable<T>,
  toLine: (row: T) => unknown,
  onLine: () => void,
): AsyncIterable<string> {
  for await (const row of rows) {
    onLine();
    yield `${JSON.stringify(toLine(row))}\n`;
  }
}

/** Why nothing was exported: `what` (plural) of the filter's project and group. */
export function nothingToExport(
  what: string,
  filter: { readonly projectId?: string; readonly groupId?: string },
): string {
  const { projectId, groupId } = filter;
  if (projectId !== undefined && groupId !== undefined)
    return `No ${what} to export: group ${groupId} of project ${projectId} has none.`;
  if (projectId !== undefined) return `No ${what} to export: project ${projectId} has none.`;
  return `No ${what} to export: the store holds none.`;
}

/** An id given by `flag`, refused when no stored `what` could have it. */
export function checkIdFlag(flag: string, value: string, what: string): string {
  if (!projectIdPattern.test(value)) {
    throw new UsageError(
      `${flag} ${JSON.stringify(value)} cannot match any ${what}: expected 1 to 64 letters, digits, '-' or '_'.`,
    );
  }
  return value;
}

/** A project's history, or one of its groups'. */
export interface GroupHistoryFilter {
  readonly projectId?: string;
  /** Only with `projectId`. */
  readonly groupId?: string;
}

/** One kind of a group's history that `export` writes: activities, notifications. */
export interface HistoryKind<T> {
  /** The flag that selects it: `--activities`. */
  readonly flag: string;
  /** What one record and several are called in messages: `activity`, `activities`. */
  readonly one: string;
  readonly many: string;
  /** A keyset page of the records the filter takes, in export order, after `after`. */
  readonly readPage: (
    tx: ResourceTransaction,
    filter: GroupHistoryFilter,
    after: T | undefined,
    limit: number,
  ) => Promise<readonly T[]>;
  /** The record as its line's JSON, the format `import` with the same flag reads. */
  readonly toLine: (row: T) => unknown;
}

/**
 * `scalelog export` with a history flag: every record of that kind the `--project` and
 * `--group` flags take, as NDJSON on stdout. When none matched, stdout stays empty and
 * stderr says so (exit 0).
 */
export async function exportHistory<T>(
  options: {
    readonly project?: string | undefined;
    readonly group?: string | undefined;
    readonly policy?: string | undefined;
  },
  config: Config,
  context: CliContext,
  kind: HistoryKind<T>,
): Promise<ExitCode> {
  if (options.policy !== undefined) {
    throw new UsageError(
      `--policy selects execution logs: ${kind.flag} takes --project and --group.`,
    );
  }
  if (options.group !== undefined && options.project === undefined) {
    throw new UsageError('--group needs --project: group ids are unique only within a project.');
  }
  const filter: GroupHistoryFilter = {
    ...(options.project === undefined
      ? {}
      : { projectId: checkIdFlag('--project', options.project, kind.one) }),
    ...(options.group === undefined
      ? {}
      : { groupId: checkIdFlag('--group', options.group, kind.one) }),
  };
  let lines = 0;
  await withCommandStore(
    config,
    context,
    { missing: 'refuse', meaning: 'nothing to export' },
    (store) =>
      writeLines(
        context.stdout,
        jsonLines(
          keysetRows<T>((after, limit) =>
            store.resourceRead((tx) => kind.readPage(tx, filter, after, limit)),
          ),
          kind.toLine,
          () => (lines += 1),
        ),
      ),
  );
  if (lines === 0) context.stderr.write(`${nothingToExport(kind.many, filter)}\n`);
  return exitCodes.success;
}
