import type { FastifyInstance } from 'fastify';
import { apiErrors } from '../errors/api-error.js';

/**
 * 405 with an `Allow` header for a known path asked with another method (contract §4).
 *
 * Fastify answers 404 for a path it knows under another method, so this notes every route's
 * path as routes are added and, once all are, adds one fallback route per path for the
 * methods the router has no route for. Call it before any route is added; call the function
 * it returns after the last one: the fallbacks are registered as a plugin, and plugins load
 * in order.
 */
export function methodNotAllowed(app: FastifyInstance): () => void {
  const urls = new Set<string>();
  let sealed = false;
  app.addHook('onRoute', (route) => {
    if (!sealed) urls.add(route.url);
  });

  return () => {
    void app.register((instance, _options, done) => {
      // Routes added from here on are the fallbacks themselves.
      sealed = true;
      const known = instance.supportedMethods;
      for (const url of urls) {
        // Asked of the router rather than collected from route options: it also knows the
        // HEAD routes Fastify adds for GET and the variants a prefix adds ('/docs', '/docs/').
        const allow = known.filter((method) => instance.hasRoute({ method, url }));
        const others = known.filter((method) => !allow.includes(method));
        if (others.length === 0 || allow.length === 0) continue;
        const refuse = (method: string): Promise<never> =>
          Promise.reject(apiErrors.methodNotAllowed(method, allow));
        instance.route({
          method: others,
          url,
          exposeHeadRoute: false,
          schema: { hide: true },
          // Refused in onRequest, before any body is read or parsed: the method alone decides.
          onRequest: (request) => refuse(request.method),
          handler: (request) => refuse(request.method),
        });
      }
      done();
    });
  };
}
