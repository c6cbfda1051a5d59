import type { FastifySchemaCompiler } from 'fastify';

/**
 * A route-level `validatorCompiler` that lets every request part through unchanged. For
 * routes whose schemas document parameters that the handler validates itself, so each
 * parameter gets its own documented error code and message rather than a generic schema
 * error (contract §1).
 */
export const acceptAsIs: FastifySchemaCompiler<unknown> = () => (data: unknown) => ({
  value: data,
});
