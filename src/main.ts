/**
 * The process entry and composition root: hands the real process streams, environment,
 * signals, store and app factory to the command line, and turns its result into the exit
 * code. Nothing else in the program reads `process.env`.
 */
import { isAbsolute, relative } from 'node:path';
import { runCli } from './cli/run-cli.js';
import { openStore } from './store/open-store.js';

/** The command as the user can type it again: `bin/scalelog` from a clone, `scalelog` on the PATH. */
function commandName(script: string | undefined): string {
  if (script === undefined) return 'scalelog';
  const fromHere = relative(process.cwd(), script);
  if (fromHere.startsWith('..') || isAbsolute(fromHere)) return script;
  return fromHere.includes('/') ? fromHere : `./${fromHere}`;
}

// A reader that goes away (`scalelog --help | head -1`) has read all it wanted: no error, and
// no crash with a stack trace. A command that streams (export) notices it itself and stops.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code !== 'EPIPE') throw e;
});

process.exitCode = await runCli(process.argv.slice(2), {
  env: process.env,
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  signals: process,
  openStore,
  // Loaded only by `serve`, so the other commands start without the HTTP stack.
  buildApp: async (deps) => (await import('./app.js')).buildApp(deps),
  commandName: commandName(process.argv[1]),
});
