/**
 * The HTTP floor: a bare Fastify server that answers each request the load generator sends
 * with the very bytes Scalelog answered it with, and does nothing else (no authentication,
 * no store, no validation, no request log). Run as a child process by http-bench.ts:
 *
 *   node bare-server.js PORT RESPONSES.json
 *
 * RESPONSES.json maps each request target (path and query) to Scalelog's content type and
 * base64 body. Prints
 * `ready` on stdout once it listens; stops on SIGTERM.
 */
import { readFile } from 'node:fs/promises';
import Fastify from 'fastify';

const [portText, responsesPath] = process.argv.slice(2);
if (portText === undefined || responsesPath === undefined) {
  process.stderr.write('usage: bare-server PORT RESPONSES.json\n');
  process.exit(2);
}
const responses = new Map<string, { type: string; body: Buffer }>();
const saved = JSON.parse(await readFile(responsesPath, 'utf8')) as Record<
  string,
  { type: string; body: string }
>;
for (const [url, r] of Object.entries(saved)) {
  responses.set(url, { type: r.type, body: Buffer.from(r.body, 'base64') });
}

const app = Fastify({ logger: false });
app.get('/*', (request, reply) => {
  const response = responses.get(request.url);
  if (response === undefined) return reply.code(404).send();
  return reply.header('content-type', response.type).send(response.body);
});
await app.listen({ host: '127.0.0.1', port: Number(portText) });
process.stdout.write('ready\n');
process.on('SIGTERM', () => {
  void app.close().then(() => process.exit(0));
});
