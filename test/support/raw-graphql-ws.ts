import WebSocket from 'ws';
import { waitFor } from './wait.js';

/** One message as it arrived: its exact text, and parsed. */
export interface RawFrame {
  readonly text: string;
  readonly message: { readonly id?: string; readonly type: string; readonly payload?: unknown };
}

/**
 * A graphql-transport-ws client written by hand over `ws`: it keeps every frame's exact bytes (to
 * compare what two sockets got) and can stop reading (`pause`), as a stalled consumer does.
 */
export class RawGraphqlWsClient {
  readonly frames: RawFrame[] = [];
  private constructor(private readonly socket: WebSocket) {
    socket.on('message', (data) => {
      const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(new Uint8Array(data));
      const text = bytes.toString('utf8');
      this.frames.push({ text, message: JSON.parse(text) as RawFrame['message'] });
    });
  }

  /** Connects and initialises with `authorization`; resolves once the server acknowledged. */
  static async connect(url: string, authorization: string): Promise<RawGraphqlWsClient> {
    const socket = new WebSocket(url, 'graphql-transport-ws');
    await new Promise<void>((resolve, reject) => {
      socket.once('open', resolve);
      socket.once('error', reject);
    });
    const client = new RawGraphqlWsClient(socket);
    socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization } }));
    await client.waitForFrame('the connection_ack', (frame) => frame.message.type === 'connection_ack');
    return client;
  }

  subscribe(id: string, query: string, variables: Record<string, unknown>): void {
    this.socket.send(JSON.stringify({ id, type: 'subscribe', payload: { query, variables } }));
  }

  /** Sends any graphql-transport-ws message as it is. */
  send(message: unknown): void {
    this.socket.send(JSON.stringify(message));
  }

  /** Ends operation `id` from the client's side (graphql-ws `complete`). */
  complete(id: string): void {
    this.socket.send(JSON.stringify({ id, type: 'complete' }));
  }

  /** The `next` frames received so far. */
  nextFrames(): RawFrame[] {
    return this.frames.filter((frame) => frame.message.type === 'next');
  }

  waitForFrame(description: string, predicate: (frame: RawFrame) => boolean, timeoutMs?: number): Promise<RawFrame> {
    return waitFor(description, () => this.frames.find(predicate), timeoutMs);
  }

  /** Stops reading from the network: what the server sends piles up in its socket buffers. */
  pause(): void {
    this.socket.pause();
  }

  resume(): void {
    this.socket.resume();
  }

  close(): void {
    this.socket.terminate();
  }
}
