import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';

/** A masked client text frame (RFC 6455 §5.2), as every websocket client must send. */
function clientTextFrame(text: string): Buffer {
  const payload = Buffer.from(text, 'utf8');
  const mask = randomBytes(4);
  const length = payload.length < 126 ? Buffer.from([0x80 | payload.length]) : Buffer.from([0x80 | 126, payload.length >> 8, payload.length & 0xff]);
  if (payload.length > 0xffff) throw new RangeError('frame too large for this helper');
  const masked = Buffer.from(payload.map((byte, index) => byte ^ mask[index % 4]!));
  return Buffer.concat([Buffer.from([0x81]), length, mask, masked]);
}

/**
 * A peer that speaks just enough websocket over a bare TCP socket to open a graphql-ws connection
 * and subscribe, then goes silent: it reads what arrives but never answers a ping, as a client
 * whose machine went to sleep or whose network vanished behind a NAT would.
 */
export class SilentWebsocketPeer {
  /** Resolves once the TCP connection is gone (the server closed or reset it). */
  readonly closed: Promise<void>;
  private received = Buffer.alloc(0);

  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.received = Buffer.concat([this.received, chunk]);
    });
    socket.on('error', () => undefined);
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
  }

  /** Upgrades `/graphql` on host:port, sends connection_init and waits for the connection_ack. */
  static async open(url: URL, authorization: string): Promise<SilentWebsocketPeer> {
    const socket = connect(Number(url.port), url.hostname);
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    const peer = new SilentWebsocketPeer(socket);
    socket.write(
      [
        `GET ${url.pathname} HTTP/1.1`,
        `Host: ${url.host}`,
        'Upgrade: websocket',
        'Connection: Upgrade',
        `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}`,
        'Sec-WebSocket-Version: 13',
        'Sec-WebSocket-Protocol: graphql-transport-ws',
        '',
        '',
      ].join('\r\n'),
    );
    await peer.waitForText('the 101 Switching Protocols', 'HTTP/1.1 101');
    peer.send({ type: 'connection_init', payload: { authorization } });
    await peer.waitForText('the connection_ack', '"connection_ack"');
    return peer;
  }

  send(message: unknown): void {
    this.socket.write(clientTextFrame(JSON.stringify(message)));
  }

  /** Everything received so far (the upgrade response, then raw frames), as latin1 text. */
  receivedText(): string {
    return this.received.toString('latin1');
  }

  private async waitForText(description: string, text: string): Promise<void> {
    const deadline = Date.now() + 30_000;
    while (!this.receivedText().includes(text)) {
      if (Date.now() > deadline) throw new Error(`Timed out waiting for ${description}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  destroy(): void {
    this.socket.destroy();
  }
}
