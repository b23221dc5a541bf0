/** Helpers for the simulator's own tests (bounded waits, raw requests). */
import { request as httpsRequest } from 'node:https';
import { simulatorCaCertificate } from '../../src/simulator/tls-fixture.js';

export async function waitFor(description: string, condition: () => boolean | Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await condition()) return;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${description}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export interface ReceivedEvent {
  readonly type: string;
  readonly object: {
    kind?: string;
    metadata?: { name?: string; namespace?: string; resourceVersion?: string; labels?: Record<string, string> };
    status?: unknown;
  };
}

export interface RawResponse {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

/** A plain HTTPS GET against a simulator, trusting its fixture CA; the token defaults to none. */
export function rawGet(url: string, path: string, headers: Record<string, string> = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const request = httpsRequest(`${url}${path}`, { ca: simulatorCaCertificate, headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks).toString('utf8') }));
      response.on('error', reject);
    });
    request.on('error', reject);
    request.end();
  });
}

/** Any request against a simulator with its token, trusting its fixture CA; the body goes as JSON. */
export function rawRequest(
  cluster: { readonly url: string; readonly token: string },
  method: string,
  path: string,
  body?: unknown,
  contentType = 'application/json',
): Promise<RawResponse & { json: () => unknown }> {
  return new Promise((resolve, reject) => {
    const text = body === undefined ? '' : JSON.stringify(body);
    const request = httpsRequest(
      `${cluster.url}${path}`,
      {
        method,
        ca: simulatorCaCertificate,
        headers: { authorization: `Bearer ${cluster.token}`, 'content-type': contentType, 'content-length': Buffer.byteLength(text) },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const received = Buffer.concat(chunks).toString('utf8');
          resolve({ status: response.statusCode ?? 0, headers: response.headers, body: received, json: () => JSON.parse(received) as unknown });
        });
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end(text);
  });
}
