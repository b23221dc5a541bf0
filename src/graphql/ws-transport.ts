import type { IncomingMessage } from 'node:http';
import { CloseCode, handleProtocols, makeServer, type ServerOptions, type WebSocket as GraphqlWsSocket } from 'graphql-ws';
import type { RawData, WebSocket, WebSocketServer } from 'ws';

/** What graphql-ws hands our hooks as `context.extra`: the socket and a few strings copied from its upgrade request. */
export interface SocketExtra {
  readonly socket: WebSocket;
  readonly remoteAddress: string | undefined;
  readonly requestId: string;
}

export interface WsTransportOptions<P extends Record<PropertyKey, unknown> | undefined> {
  readonly graphqlWs: ServerOptions<P, SocketExtra>;
  /** The few things the hooks need from the upgrade request, copied: the request itself is not kept. */
  readonly extraOf: (socket: WebSocket, request: IncomingMessage) => SocketExtra;
  /** How often each socket is pinged; one without a pong by the next round is terminated. */
  readonly keepAliveMs: number;
  /** How long a socket may stay open without `connection_init` (graphql-ws closes it with 4408). */
  readonly connectionInitWaitMs: number;
  /** Put internal error messages in close reasons (KDA_DEBUG_ERRORS). */
  readonly debugErrors: boolean;
}

/**
 * graphql-ws's protocol (its `makeServer`) on a `ws` server, as graphql-ws's own `useServer` does,
 * but holding less per idle socket: `useServer` keeps every socket's upgrade request (headers and
 * all) for the socket's life, and gives each socket its own ping interval, pong timeout and
 * connection-init timer. Here a socket costs its graphql-ws context, a small transport object and
 * three copied strings; one interval pings them all.
 */
export function serveGraphqlWs<P extends Record<PropertyKey, unknown> | undefined>(server: WebSocketServer, options: WsTransportOptions<P>): { dispose(): Promise<void> } {
  const initTimers = new Map<WebSocket, NodeJS.Timeout>();
  const initReceived = (socket: WebSocket) => {
    clearTimeout(initTimers.get(socket));
    initTimers.delete(socket);
  };
  const graphqlWs = makeServer<P, SocketExtra>({
    ...options.graphqlWs,
    // Timed here, with a timer that is dropped once the socket has sent its init.
    connectionInitWaitTimeout: 0,
    onConnect: (context) => {
      initReceived(context.extra.socket);
      return options.graphqlWs.onConnect?.(context);
    },
  });
  server.options.handleProtocols = handleProtocols;
  const failureReason = (error: unknown) => (options.debugErrors ? limitCloseReason(error instanceof Error ? error.message : String(error)) : 'Internal server error');

  // Sockets pinged in the last round that have not answered yet.
  const awaitingPong = new WeakSet<WebSocket>();
  const keepAlive = setInterval(() => {
    for (const socket of server.clients) {
      if (awaitingPong.has(socket)) {
        socket.terminate();
      } else if (socket.readyState === socket.OPEN) {
        awaitingPong.add(socket);
        socket.ping();
      }
    }
  }, options.keepAliveMs);
  keepAlive.unref();
  function ponged(this: WebSocket): void {
    awaitingPong.delete(this);
  }

  server.on('error', (error) => {
    for (const client of server.clients) client.close(CloseCode.InternalServerError, failureReason(error));
  });
  server.on('connection', (socket, request) => {
    // ws closes a socket that sends an oversized message (1009) or fails; nothing to add (a client can trigger it at will).
    socket.on('error', ignore);
    socket.on('pong', ponged);
    if (options.connectionInitWaitMs > 0) initTimers.set(socket, setTimeout(closeUninitialised, options.connectionInitWaitMs, socket).unref());
    const closed = graphqlWs.opened(new WsTransport(socket, failureReason), options.extraOf(socket, request));
    socket.once('close', (code, reason) => {
      initReceived(socket);
      void closed(code, String(reason));
    });
  });

  return {
    async dispose() {
      clearInterval(keepAlive);
      for (const timer of initTimers.values()) clearTimeout(timer);
      initTimers.clear();
      for (const client of server.clients) client.close(1001, 'Going away');
      server.removeAllListeners();
      await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
}

/** One socket as graphql-ws's `makeServer` sees it; methods on the prototype, not closures per socket. */
class WsTransport implements GraphqlWsSocket {
  constructor(
    private readonly socket: WebSocket,
    private readonly failureReason: (error: unknown) => string,
  ) {}

  get protocol(): string {
    return this.socket.protocol;
  }

  send(data: string): Promise<void> {
    const { socket } = this;
    if (socket.readyState !== socket.OPEN) return Promise.resolve();
    return new Promise((resolve, reject) => socket.send(data, (error) => (error ? reject(error) : resolve())));
  }

  close(code?: number, reason?: string): void {
    this.socket.close(code, reason);
  }

  onMessage(handle: (data: string) => Promise<void>): void {
    const { socket, failureReason } = this;
    socket.on('message', (data) => {
      handle(textOf(data)).catch((error: unknown) => socket.close(CloseCode.InternalServerError, failureReason(error)));
    });
  }
}

function closeUninitialised(socket: WebSocket): void {
  socket.close(CloseCode.ConnectionInitialisationTimeout, 'Connection initialisation timeout');
}

function ignore(): void {}

/** A message's text: ws hands over a Buffer (binaryType 'nodebuffer'), or fragments. */
function textOf(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString();
  return Buffer.isBuffer(data) ? data.toString() : Buffer.from(data).toString();
}

/** A close reason fits in 123 bytes. */
function limitCloseReason(reason: string): string {
  return Buffer.byteLength(reason) > 123 ? 'Internal server error' : reason;
}
