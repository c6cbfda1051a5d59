/**
 * What a project id (and a policy id) may be: 1 to 64 letters, digits, `-` or `_`. Cloud
 * project ids are 32 hex digits; ids of other shapes are accepted but kept to characters that
 * need no escaping anywhere they travel. One pattern for paths, imports and credentials.
 */
export const projectIdPattern = /^[A-Za-z0-9_-]{1,64}$/;
