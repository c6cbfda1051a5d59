import { inspect } from 'node:util';
import { Command, CommanderError, Option } from 'commander';
import type { Config } from '../config/config.js';
import { ConfigError } from '../config/config-error.js';
import { loadConfig } from '../config/load-config.js';
import { logLevels } from '../config/settings.js';
import type { ConfigFlags } from '../config/settings.js';
import { InvalidCredentialInputError } from '../auth/credential-format.js';
import { SecretKeyError } from '../auth/open-secret-key.js';
import type { CliContext } from './cli-context.js';
import {
  credentialsCreateCommand,
  credentialsDeleteCommand,
  credentialsListCommand,
  credentialsLockoutsCommand,
} from './credentials-command.js';
import { exitCodeHelp } from './exit-code-help.js';
import type { CommandName } from './exit-code-help.js';
import { exitCodes } from './exit-codes.js';
import { packageVersion } from './package-version.js';
import { settingsHelp } from './settings-help.js';
import { cacheDelay } from './open-credential-service.js';
import type { ExitCode } from './exit-codes.js';
import { exportCommand } from './export-command.js';
import { importCommand } from './import-command.js';
import { ImportInterruptedError } from './import-interrupted-error.js';
import { serveCommand } from './serve-command.js';
import { defaultTokenTtl, tokenCreateCommand, tokenRevokeCommand } from './token-command.js';
import { UsageError } from './usage-error.js';

interface CommonOptions {
  readonly config?: string;
  readonly db?: string;
  readonly verbose?: boolean;
}

/** What the top-level help says Scalelog is; Commander wraps it. */
const description =
  'Scalelog: a self-hosted stand-in for the Huawei Cloud Auto Scaling API: scaling groups, ' +
  'policies and their execution engine, bandwidths, alarms, and the policy execution logs, ' +
  'on SQLite or PostgreSQL.';

/** The message of `e` and of each of its causes, with stacks when asked for. */
function describeError(e: unknown, withStacks: boolean): string {
  const parts: string[] = [];
  for (let cause: unknown = e, depth = 0; cause !== undefined && depth < 5; depth += 1) {
    if (cause instanceof Error) {
      parts.push(withStacks ? (cause.stack ?? cause.message) : cause.message);
      cause = cause.cause;
    } else {
      parts.push(inspect(cause));
      cause = undefined;
    }
    if (!withStacks) break;
  }
  return parts.join('\ncaused by: ');
}

/**
 * Runs one `scalelog` command line (`argv` without the node and script paths) and resolves
 * with the process exit code; it never calls `process.exit`, so output is flushed first.
 *
 * Errors go to stderr as one line `scalelog COMMAND: what went wrong` (one line per
 * problem for configuration errors), without stack traces unless `--verbose` or log level
 * debug/trace.
 */
export async function runCli(argv: readonly string[], context: CliContext): Promise<ExitCode> {
  const { stdout, stderr } = context;
  let result: ExitCode = exitCodes.success;
  let current = 'scalelog';
  let showStacks = false;

  const loadFor = async (flags: ConfigFlags, verbose: boolean | undefined): Promise<Config> => {
    showStacks = verbose === true;
    const config = await loadConfig({
      env: context.env,
      // --verbose also turns the log level up, unless the level is given explicitly.
      flags:
        verbose === true && flags.logLevel === undefined ? { ...flags, logLevel: 'debug' } : flags,
    });
    showStacks ||= config.logLevel === 'debug' || config.logLevel === 'trace';
    return config;
  };

  /** The settings of a command that takes only the common flags. */
  const configOf = (options: CommonOptions): Promise<Config> =>
    loadFor({ config: options.config, db: options.db }, options.verbose);

  /** `--db` of a command that works on the store a server uses. */
  const serverStoreHelp =
    'the store your server uses: a file path, sqlite:PATH or postgres://...; it must exist';

  const outputFor = (name: string) => ({
    writeOut: (s: string) => void stdout.write(s),
    writeErr: (s: string) => void stderr.write(s),
    // Commander's own usage errors, as one line that says where to look.
    outputError: (s: string, write: (s: string) => void) => {
      const message = s
        .replace(/^error: /, '')
        .replace(/\s*\n\s*/g, ' ')
        .trim();
      const ended = /[.?!)]$/.test(message) ? message : `${message}.`;
      write(`${name}: ${ended} See '${name} --help'.\n`);
    },
  });

  const program = new Command('scalelog')
    .description(description)
    .version(packageVersion(), '-V, --version', 'print the version of Scalelog and exit')
    .exitOverride()
    .configureOutput(outputFor('scalelog'))
    .addHelpText('after', exitCodeHelp.scalelog);

  /** A command group (`credentials`, `token`): its subcommands do the work. */
  const group = (name: 'credentials' | 'token', description: string): Command =>
    program
      .command(name)
      .description(description)
      .configureOutput(outputFor(`scalelog ${name}`))
      .addHelpText('after', exitCodeHelp[name]);

  /** The options every command takes, and its help: `more` first, then its exit codes. */
  const common = (command: Command, dbHelp: string, more = ''): Command => {
    // `serve`, `credentials create`: the command as typed after `scalelog`, for messages.
    const words: string[] = [];
    for (let c = command; c.parent !== null;) {
      words.unshift(c.name());
      c = c.parent;
    }
    const key = words.join(' ') as CommandName;
    const name = `scalelog ${key}`;
    return command
      .option('--db <url>', `${dbHelp}; default: $SCALELOG_DB, else data/scalelog.db`)
      .option('--config <file>', 'JSON settings file (default: $SCALELOG_CONFIG)')
      .option('--verbose', 'show stack traces on errors; log level debug')
      .configureOutput(outputFor(name))
      .addHelpText('after', `${more}${exitCodeHelp[key]}`)
      .hook('preAction', () => {
        current = name;
      });
  };

  common(
    program
      .command('serve')
      .description(
        'Serve the API until SIGINT or SIGTERM, then finish requests in flight and stop.',
      )
      .option('--listen <host:port>', 'address to listen on (default: 127.0.0.1:8080)')
      .option(
        '--dev',
        'development mode: enable the well-known, public development credential; loopback only',
      )
      .addOption(new Option('--log-level <level>', 'log level').choices(logLevels)),
    'the store: a file path, sqlite:PATH or postgres://...; a missing SQLite database is created (in a folder that exists, or data/)',
    '\nEvery request must be signed (AK/SK) or carry a token. On a store without credentials,\n' +
      'serve creates one and prints it once on stderr. See the README on the secret key.\n' +
      settingsHelp() +
      '\n',
  ).action(
    async (options: CommonOptions & { listen?: string; logLevel?: string; dev?: boolean }) => {
      const config = await loadFor(
        {
          config: options.config,
          db: options.db,
          listen: options.listen,
          logLevel: options.logLevel,
          dev: options.dev,
        },
        options.verbose,
      );
      result = await serveCommand(config, context);
    },
  );

  common(
    program
      .command('import')
      .description(
        'Import NDJSON execution logs (one wire-shape log per line) from FILE, or from stdin with -.',
      )
      .argument('<file>', 'NDJSON file, or - for standard input')
      .option(
        '--skip-invalid',
        'import the good lines and list the bad ones (exit 3) instead of aborting',
      )
      .option(
        '--activities',
        'the file holds scaling activities (from export --activities), not execution logs',
      )
      .option(
        '--notifications',
        'the file holds recorded notifications (from export --notifications), not execution logs',
      ),
    'the store to import into: a file path, sqlite:PATH or postgres://...; a missing SQLite database is created (in a folder that exists, or data/)',
    '\nThe import is one transaction. A bad line aborts it and nothing is written (exit 1),\n' +
      'unless --skip-invalid. Ctrl-C rolls it back: nothing is written (exit 130).\n',
  ).action(
    async (
      file: string,
      options: CommonOptions & {
        skipInvalid?: boolean;
        activities?: boolean;
        notifications?: boolean;
      },
    ) => {
      if (options.activities === true && options.notifications === true) {
        throw new UsageError('--activities and --notifications read different files: give one.');
      }
      const config = await configOf(options);
      result = await importCommand(
        {
          source: file,
          skipInvalid: options.skipInvalid === true,
          activities: options.activities === true,
          notifications: options.notifications === true,
        },
        config,
        context,
      );
    },
  );

  common(
    program
      .command('export')
      .description('Write execution logs as NDJSON to stdout, in the format import reads.')
      .option('--project <id>', 'only this project (tenant_id)')
      .option(
        '--policy <id>',
        "only this policy (policy ids are unique only within a project: without --project, every project's policy of that id)",
      )
      .option(
        '--activities',
        'write scaling activities instead of execution logs, in the format import --activities reads',
      )
      .option(
        '--notifications',
        'write the recorded notifications instead of execution logs, in the format import --notifications reads',
      )
      .option(
        '--group <id>',
        'with --activities or --notifications, and --project: only this scaling group',
      ),
    'the store to export from: a file path, sqlite:PATH or postgres://...; it must exist',
  ).action(
    async (
      options: CommonOptions & {
        project?: string;
        policy?: string;
        activities?: boolean;
        notifications?: boolean;
        group?: string;
      },
    ) => {
      const config = await configOf(options);
      result = await exportCommand(
        {
          project: options.project,
          policy: options.policy,
          activities: options.activities === true,
          notifications: options.notifications === true,
          group: options.group,
        },
        config,
        context,
      );
    },
  );

  const credentials = group(
    'credentials',
    'Manage AK/SK credentials, each bound to one project: create, list, lockouts, delete.',
  );
  common(
    credentials
      .command('create')
      .description(
        'Create an AK/SK for a project and print them (the SK only this once). Both are generated unless given.',
      )
      .requiredOption('--project <id>', 'the project the credential may use')
      .option('--ak <ak>', "the AK (1 to 64 letters, digits, '-' or '_'); generated if not given")
      .option(
        '--sk <sk>',
        'the SK (8 to 128 printable ASCII characters, no spaces); generated if not given',
      )
      .option('--json', 'print one JSON object {"ak", "sk", "project_id"} on stdout'),
    serverStoreHelp,
  ).action(
    async (
      options: CommonOptions & { project: string; ak?: string; sk?: string; json?: boolean },
    ) => {
      const config = await configOf(options);
      result = await credentialsCreateCommand(
        { project: options.project, ak: options.ak, sk: options.sk, json: options.json === true },
        config,
        context,
      );
    },
  );
  common(
    credentials
      .command('list')
      .description(
        'List credentials: AK, project, creation time and how many client addresses the AK is locked for now; never a secret key.',
      )
      .option('--project <id>', 'only the credentials of this project')
      .option(
        '--json',
        'print one JSON array of {"ak", "project_id", "created_at", "locked_addresses"}',
      ),
    serverStoreHelp,
  ).action(async (options: CommonOptions & { project?: string; json?: boolean }) => {
    const config = await configOf(options);
    result = await credentialsListCommand(
      { project: options.project, json: options.json === true },
      config,
      context,
    );
  });
  common(
    credentials
      .command('lockouts')
      .description(
        'List the client addresses signature failures are remembered for: AK, client (an IPv4 address or IPv6 /64), failures, and until when the AK is locked for it.',
      )
      .argument('[ak]', 'only this AK')
      .option('--json', 'print one JSON array of {"ak", "client", "failures", "locked_until"}'),
    serverStoreHelp,
  ).action(async (ak: string | undefined, options: CommonOptions & { json?: boolean }) => {
    const config = await configOf(options);
    result = await credentialsLockoutsCommand({ ak, json: options.json === true }, config, context);
  });
  common(
    credentials
      .command('delete')
      .description(`Delete a credential. Servers already running stop accepting it ${cacheDelay}.`)
      .argument('<ak>', 'the AK of the credential'),
    serverStoreHelp,
  ).action(async (ak: string, options: CommonOptions) => {
    const config = await configOf(options);
    result = await credentialsDeleteCommand(ak, config, context);
  });

  const token = group('token', 'Manage X-Auth-Token tokens, each bound to one project.');
  common(
    token
      .command('create')
      .description('Create a token for a project and print it; send it as X-Auth-Token.')
      .requiredOption('--project <id>', 'the project the token may use')
      .option(
        '--ttl <duration>',
        'how long it is valid: 3600s, 30m, 24h, 7d… (1s to 365d)',
        defaultTokenTtl,
      )
      .option('--json', 'print one JSON object {"token", "expires_at"} on stdout'),
    serverStoreHelp,
  ).action(async (options: CommonOptions & { project: string; ttl: string; json?: boolean }) => {
    const config = await configOf(options);
    result = await tokenCreateCommand(
      { project: options.project, ttl: options.ttl, json: options.json === true },
      config,
      context,
    );
  });
  common(
    token
      .command('revoke')
      .description(`Revoke a token. Servers already running stop accepting it ${cacheDelay}.`)
      .argument('<token>', 'the token'),
    serverStoreHelp,
  ).action(async (value: string, options: CommonOptions) => {
    const config = await configOf(options);
    result = await tokenRevokeCommand(value, config, context);
  });

  try {
    await program.parseAsync(argv, { from: 'user' });
    return result;
  } catch (e: unknown) {
    // Commander has already printed its message (or the help it was asked for).
    if (e instanceof CommanderError) return e.exitCode === 0 ? exitCodes.success : exitCodes.usage;
    if (e instanceof ConfigError) {
      for (const problem of e.problems) stderr.write(`${current}: ${problem}\n`);
      return exitCodes.usage;
    }
    stderr.write(`${current}: ${describeError(e, showStacks)}\n`);
    if (e instanceof ImportInterruptedError) return e.exitCode;
    // An aborted import (ImportAbortedError) is a runtime failure like any other: exit 1.
    // A bad credential value or a secret key the store was not set up with is the user's
    // input or configuration: exit 2, like a bad setting.
    return e instanceof UsageError ||
      e instanceof InvalidCredentialInputError ||
      e instanceof SecretKeyError
      ? exitCodes.usage
      : exitCodes.failure;
  }
}
