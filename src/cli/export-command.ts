import { projectIdPattern } from '../domain/ids.js';
import { logToWire } from '../log-format/log-wire.js';
import type { Config } from '../config/config.js';
import type { ExecutionLog } from '../domain/execution-log.js';
import type { ExportFilter } from '../store/log-store.js';
import type { CliContext } from './cli-context.js';
import { exitCodes } from './exit-codes.js';
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
}

function exportFilter(options: ExportCommandOptions): ExportFilter {
  const filter: { -readonly [K in keyof ExportFilter]: ExportFilter[K] } = {};
  const check = (flag: string, value: string): string => {
    if (!projectIdPattern.test(value)) {
      throw new UsageError(
        `${flag} ${JSON.stringify(value)} cannot match any log: expected 1 to 64 letters, digits, '-' or '_'.`,
      );
    }
    return value;
  };
  if (options.project !== undefined) filter.projectId = check('--project', options.project);
  if (options.policy !== undefined) filter.policyId = check('--policy', options.policy);
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
