import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { Socket } from 'node:net';

/** Files the process keeps besides client connections: the store, its pool, logs, stdio. */
const minimumReserve = 64;

/**
 * The soft limit on open files (`ulimit -n`) as Linux reports it in `/proc/self/limits`, or
 * `undefined` where it cannot be read (another system) or is unlimited.
 */
export function openFileLimit(limitsText?: string): number | undefined {
  let text = limitsText;
  if (text === undefined) {
    try {
      text = readFileSync('/proc/self/limits', 'utf8');
    } catch {
      return undefined;
    }
  }
  const soft = /^Max open files\s+(\d+)/m.exec(text)?.[1];
  return soft === undefined ? undefined : Number(soft);
}

/**
 * The most connections the server keeps open: `configured` when set (not 0), else the
 * open-file limit less a tenth (at least 64) for the store, its pool and the logs, so a flood
 * of connections is refused one by one instead of leaving the process without a file for
 * its database or a probe's connection. 1024 less the reserve where the limit is unknown,
 * the usual soft limit.
 */
export function connectionLimit(configured: number, fileLimit = openFileLimit()): number {
  if (configured > 0) return configured;
  const files = fileLimit ?? 1024;
  return Math.max(1, files - Math.max(minimumReserve, Math.ceil(files / 10)));
}

/**
 * Connections kept past the limit for the probes: at most 64, a twentieth of the limit, at
 * least 1. On one of them `/healthz` and `/readyz` are answered; anything else is answered
 * 503 "overloaded" and the connection closed, rather than the connection being reset.
 */
export function probeReserve(limit: number): number {
  return Math.max(1, Math.min(64, Math.ceil(limit / 20)));
}

/**
 * Bounds the server's connections at `limit` plus the {@link probeReserve}: Node closes a
 * connection past both at once. Returns whether a socket came in past `limit` (into the
 * reserve): its requests other than the probes are to be refused.
 */
export function boundConnections(
  server: Server,
  limit: number,
): (socket: Socket | undefined) => boolean {
  server.maxConnections = limit + probeReserve(limit);
  const overLimit = new WeakSet<Socket>();
  let open = 0;
  server.on('connection', (socket: Socket) => {
    open += 1;
    if (open > limit) overLimit.add(socket);
    socket.once('close', () => {
      open -= 1;
    });
  });
  return (socket) => socket !== undefined && overLimit.has(socket);
}
