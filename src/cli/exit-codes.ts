/**
 * The exit codes scripts can rely on; the README lists them. Never renumber one: scripts
 * outside the repo test for them.
 */
export const exitCodes = {
  /** Everything asked for was done. */
  success: 0,
  /** A runtime failure: store unreachable, input unreadable, import aborted (nothing written). */
  failure: 1,
  /** The command line or the configuration is wrong; nothing was done. */
  usage: 2,
  /** `import --skip-invalid` finished, and skipped at least one line. */
  skippedLines: 3,
  /** `import` stopped by SIGINT (Ctrl-C), 128 + 2 as a shell reports it: nothing imported. */
  interrupted: 130,
  /** `import` stopped by SIGTERM, 128 + 15: nothing imported. */
  terminated: 143,
} as const;

export type ExitCode = (typeof exitCodes)[keyof typeof exitCodes];
