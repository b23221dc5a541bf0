/**
 * What an idle graphql-ws socket keeps on the server: not its upgrade request (graphql-ws's own
 * `useServer` keeps it, headers and all, for the socket's life), and no timers of its own; a
 * socket that never sends `connection_init` is still closed with 4408.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { buildSchema } from 'graphql';
import { WebSocket, WebSocketServer } from 'ws';
import { serveGraphqlWs } from './ws-transport.js';

function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  for (let pass = 0; pass < 4; pass++) gc();
}

async function waitFor(description: string, probe: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${description}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('serveGraphqlWs', () => {
  const schema = buildSchema('type Query { hello: String }');

  async function start(connectionInitWaitMs: number) {
    const http = createServer();
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    const server = new WebSocketServer({ server: http });
    const requests: WeakRef<IncomingMessage>[] = [];
    server.on('connection', (_socket, request) => requests.push(new WeakRef(request)));
    const served = serveGraphqlWs(server, {
      graphqlWs: { schema, onConnect: () => true },
      extraOf: (socket, request) => ({ socket, remoteAddress: request.socket.remoteAddress, requestId: 'test' }),
      keepAliveMs: 60_000,
      connectionInitWaitMs,
      debugErrors: false,
    });
    const url = `ws://127.0.0.1:${(http.address() as AddressInfo).port}`;
    return {
      url,
      requests,
      stop: async () => {
        await served.dispose();
        await new Promise<void>((resolve) => http.close(() => resolve()));
      },
    };
  }

  it('keeps no upgrade request once a socket is open and acknowledged', async () => {
    const { url, requests, stop } = await start(3_000);
    const client = new WebSocket(url, 'graphql-transport-ws');
    try {
      const acknowledged = new Promise<string>((resolve) => client.once('message', (data: Buffer) => resolve(data.toString())));
      await new Promise((resolve) => client.once('open', resolve));
      client.send(JSON.stringify({ type: 'connection_init', payload: {} }));
      expect(JSON.parse(await acknowledged)).toEqual({ type: 'connection_ack' });
      await new Promise((resolve) => setImmediate(resolve));
      collectGarbage();
      expect(requests).toHaveLength(1);
      expect(requests[0]?.deref()).toBeUndefined();
      // And the socket still works.
      const answer = new Promise<string>((resolve) => client.once('message', (data: Buffer) => resolve(data.toString())));
      client.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: '{ hello }' } }));
      expect(JSON.parse(await answer)).toEqual({ id: '1', type: 'next', payload: { data: { hello: null } } });
    } finally {
      client.terminate();
      await stop();
    }
  });

  it('closes a socket that sends no connection_init in time with 4408', async () => {
    const { url, stop } = await start(200);
    const client = new WebSocket(url, 'graphql-transport-ws');
    let closedWith: number | undefined;
    client.once('close', (code) => (closedWith = code));
    try {
      await waitFor('the uninitialised socket to be closed', () => closedWith !== undefined);
      expect(closedWith).toBe(4408);
    } finally {
      client.terminate();
      await stop();
    }
  });
});
