/**
 * Units of time, named so that a signature shows which one a number holds. They are plain
 * numbers: a name documents the unit, it converts nothing.
 */

/**
 * A point in time in whole seconds since 1970-01-01T00:00:00Z: the precision of the cloud's
 * log times (`execute_time`), of a log query's window and of the logs' stored times.
 */
export type UnixSeconds = number;

/**
 * A point in time in milliseconds since 1970-01-01T00:00:00Z: what the engine, credentials,
 * tokens, lockouts and resources keep (`create_time`, `settles_at`, `expires_at`, ...).
 */
export type UnixMs = number;

/** A length of time in milliseconds (a lock's length, a quiet period). */
export type DurationMs = number;
