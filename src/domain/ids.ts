/**
 * The shapes of ids, one pattern each, for paths, bodies, imports and credentials alike.
 */

/**
 * An id Scalelog accepts where the cloud's are opaque: 1 to 64 letters, digits, `-` or `_`.
 * Cloud project ids are 32 hex digits; ids of other shapes are accepted but kept to
 * characters that need no escaping anywhere they travel.
 */
export const plainIdPattern = /^[A-Za-z0-9_-]{1,64}$/;

/** What a project id (and a policy id) may be: a plain id. */
export const projectIdPattern = plainIdPattern;

/** The id pattern the cloud documents for `log_id` and `scaling_resource_id` (contract §1). */
export const uuidLikePattern = /^[0-9a-z]{8}-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{12}$/;
