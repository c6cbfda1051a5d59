/**
 * The command line asks for something that cannot be done as given (a malformed option
 * value, say). Reported as one line on stderr; the process exits 2.
 */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
