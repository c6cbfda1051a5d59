/** Why a command that needs a store that exists may exit 1 because of it. */
const storeFailures = 'the store does not exist, is no database or cannot be reached';

/** Each command's exit codes, in its --help: only the codes it can return. */
export const exitCodeHelp = {
  scalelog: `
Exit codes:
  0    success
  1    runtime failure: the store missing or unreachable, input unreadable, port taken, an
       import aborted at a bad line, serve cutting requests off, no such AK or token, an AK
       that exists already
  2    usage or configuration error, a secret key the store was not set up with included;
       nothing was done
  3    import --skip-invalid skipped at least one line
  130  import interrupted by SIGINT (Ctrl-C); 143 by SIGTERM. Nothing was imported
Each command's --help lists the codes it can return.`,
  serve: `
Exit codes:
  0  stopped cleanly at SIGINT or SIGTERM
  1  runtime failure: the store's folder missing (but for the default data/), a file that
     is no database, a store that cannot be reached, a PostgreSQL database that does not
     exist; the port taken or no such address (see --listen); requests in flight cut off
     when stopping (shutdownTimeoutMs passed, or a second signal)
  2  usage or configuration error: unknown option, bad setting, --dev with a non-loopback
     --listen, a secret key the store was not set up with; nothing was done`,
  import: `
Exit codes:
  0    every line imported
  1    runtime failure: input unreadable, the import aborted at a bad line (nothing
       written), the store's folder missing (but for the default data/), a file that is no
       database, a store that cannot be reached
  2    usage or configuration error; nothing was done
  3    --skip-invalid skipped at least one line; the good lines were imported
  130  interrupted by SIGINT (Ctrl-C); 143 by SIGTERM. Nothing was imported`,
  export: `
Exit codes:
  0  success, also when no log matched (stderr says so) or the reader went away (| head)
  1  runtime failure: ${storeFailures}
  2  usage or configuration error, such as a --project or --policy no log can have`,
  credentials: `
Exit codes:
  0  success
  1  runtime failure: the store missing or unreachable, no such AK, an AK that exists
  2  usage or configuration error, a secret key the store was not set up with; nothing done
Each command's --help lists the codes it can return.`,
  'credentials create': `
Exit codes:
  0  created
  1  runtime failure: ${storeFailures};
     an AK that exists already
  2  usage or configuration error: a bad --project, --ak or --sk, a secret key the store
     was not set up with; nothing was done`,
  'credentials list': `
Exit codes:
  0  success, also when there is no credential to list
  1  runtime failure: ${storeFailures}
  2  usage or configuration error, such as a bad --project`,
  'credentials lockouts': `
Exit codes:
  0  success, also when no signature failure is remembered
  1  runtime failure: ${storeFailures}
  2  usage or configuration error, such as a bad AK`,
  'credentials delete': `
Exit codes:
  0  deleted
  1  runtime failure: ${storeFailures};
     no credential with that AK
  2  usage or configuration error`,
  token: `
Exit codes:
  0  success
  1  runtime failure: the store missing or unreachable, a token this store never issued
  2  usage or configuration error, such as a bad --ttl; nothing was done
Each command's --help lists the codes it can return.`,
  'token create': `
Exit codes:
  0  created
  1  runtime failure: ${storeFailures}
  2  usage or configuration error: a bad --project or --ttl; nothing was done`,
  'token revoke': `
Exit codes:
  0  revoked
  1  runtime failure: ${storeFailures};
     a token this store never issued
  2  usage or configuration error`,
} as const;

/** A command as typed after `scalelog`, as the help table names it. */
export type CommandName = keyof typeof exitCodeHelp;
