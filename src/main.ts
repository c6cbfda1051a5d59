/**
 * The process entry and composition root: hands the real process streams, environment,
 * signals, store and app factory to the command line, and turns its result into the exit
 * code. Nothing else in the program reads `process.env`.
 */
import { runCli } from './cli/run-cli.js';
import { openStore } from './store/open-store.js';

process.exitCode = await runCli(process.argv.slice(2), {
  env: process.env,
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  signals: process,
  openStore,
  // Loaded only by `serve`, so import and export start without the HTTP stack.
  buildApp: async (deps) => (await import('./app.js')).buildApp(deps),
});
