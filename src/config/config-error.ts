/**
 * One or more settings are wrong. Carries every problem found, each naming where the bad
 * value came from (a flag, an environment variable or the config file) and what is
 * accepted, so a user fixes them all in one go. The command line exits 2 on it.
 */
export class ConfigError extends Error {
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    super(`invalid configuration: ${problems.join('; ')}`);
    this.name = 'ConfigError';
    this.problems = Object.freeze([...problems]);
  }
}
