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
  /**
   * Stops forwarding bytes, both ways, on every connection and on those opened from now on,
   * while keeping every socket open: what a stopped (SIGSTOP) database looks like to its
   * clients. The bytes are held, in order, until {@link TcpProxy.thaw}; a side that closes
   * meanwhile is closed on the other side only then.
   */
  freeze(): void;
  /**
   * Forwards client bytes until a chunk containing `marker` has been forwarded, then
   * freezes: the database receives that message and acts on it, but its answer (and all
   * else) is held. Resolves when the freeze starts.
   */
  freezeAfterSending(marker: string): Promise<void>;
  /** Forwards everything held since the freeze, then forwards as before. */
  thaw(): void;
}

type Held = Buffer | 'end';

/** One direction of one proxied connection. */
interface Pipe {
  readonly from: Socket;
  readonly to: Socket;
  readonly held: Held[];
  /** Client to upstream (the side whose bytes a marker is looked for in). */
  readonly outbound: boolean;
}

export async function startTcpProxy(upstream: { host: string; port: number }): Promise<TcpProxy> {
  const sockets = new Set<Socket>();
  const pipes = new Set<Pipe>();
  let frozen = false;
  let marker: { text: Buffer; reached: () => void } | undefined;

  const deliver = (pipe: Pipe, item: Held): void => {
    if (item === 'end') pipe.to.end();
    else pipe.to.write(item);
  };
  const forward = (pipe: Pipe, item: Held): void => {
    if (frozen) {
      pipe.held.push(item);
      return;
    }
    deliver(pipe, item);
    if (marker !== undefined && pipe.outbound && item !== 'end' && item.includes(marker.text)) {
      const reached = marker.reached;
      marker = undefined;
      frozen = true;
      reached();
    }
  };
  const track = (socket: Socket): void => {
    sockets.add(socket);
    socket.on('close', () => {
      sockets.delete(socket);
    });
    // Errors are the point of an outage; a test asserts on what the client sees instead.
    socket.on('error', () => undefined);
  };
  const connectPipe = (from: Socket, to: Socket, outbound: boolean): void => {
    const pipe: Pipe = { from, to, held: [], outbound };
    pipes.add(pipe);
    from.on('data', (chunk: Buffer) => {
      forward(pipe, chunk);
    });
    from.on('end', () => {
      forward(pipe, 'end');
    });
    from.on('close', () => {
      // A socket destroyed without an orderly end (the client gave up on it) closes its
      // partner once that partner's held bytes, if any, are out.
      forward(pipe, 'end');
      if (pipe.held.length === 0) pipes.delete(pipe);
    });
  };
  const server = createServer((client) => {
    const upstreamSocket = createConnection(upstream);
    track(client);
    track(upstreamSocket);
    connectPipe(client, upstreamSocket, true);
    connectPipe(upstreamSocket, client, false);
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
    freeze: () => {
      frozen = true;
    },
    freezeAfterSending: (text) =>
      new Promise<void>((resolve) => {
        marker = { text: Buffer.from(text), reached: resolve };
      }),
    thaw: () => {
      frozen = false;
      marker = undefined;
      for (const pipe of pipes) {
        for (const item of pipe.held.splice(0)) deliver(pipe, item);
        if (pipe.from.destroyed) pipes.delete(pipe);
      }
    },
  };
}

/**
 * A proxy to the server a PostgreSQL store URL names, and the same URL through the proxy:
 * a store opened on it loses (or stops hearing from) its server when the test says so.
 */
export async function proxyStoreUrl(storeUrl: string): Promise<{ url: string; proxy: TcpProxy }> {
  const url = new URL(storeUrl);
  const proxy = await startTcpProxy({
    host: url.hostname,
    port: Number(url.port === '' ? 5432 : url.port),
  });
  url.hostname = '127.0.0.1';
  url.port = String(proxy.port);
  return { url: url.toString(), proxy };
}
