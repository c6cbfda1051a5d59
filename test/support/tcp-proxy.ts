import { createConnection, createServer } from 'node:net';
import type { Socket } from 'node:net';

/**
 * A TCP proxy to one upstream, for tests that need a real outage: a store connected
 * through it loses its server, for real, the moment the proxy closes.
 */
export interface TcpProxy {
  readonly port: number;
  /** Stops accepting connections and cuts every open one, both sides. */
  close(): Promise<void>;
}

export async function startTcpProxy(upstream: { host: string; port: number }): Promise<TcpProxy> {
  const sockets = new Set<Socket>();
  const track = (socket: Socket): void => {
    sockets.add(socket);
    socket.on('close', () => {
      sockets.delete(socket);
    });
    // Errors are the point of an outage; a test asserts on what the client sees instead.
    socket.on('error', () => undefined);
  };
  const server = createServer((client) => {
    const upstreamSocket = createConnection(upstream);
    track(client);
    track(upstreamSocket);
    client.pipe(upstreamSocket);
    upstreamSocket.pipe(client);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      resolve();
    });
  });
  const address = server.address();
  if (address === null || typeof address === 'string')
    throw new Error('the proxy has no TCP address');
  return {
    port: address.port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
        for (const socket of sockets) socket.destroy();
      }),
  };
}
