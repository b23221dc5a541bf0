import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAddressPolicy } from '../src/infra/egress/address-policy.js';
import { createEgress, EgressError } from '../src/infra/egress/egress.js';

/** A loopback HTTP server that records what reached it; `respond` decides the answer. */
async function recordingServer(
  respond: (path: string) => { status: number; location?: string } = () => ({ status: 200 }),
): Promise<{ origin: string; hostAndPort: string; requests: Array<{ path: string; headers: IncomingHttpHeaders }>; close(): Promise<void> }> {
  const requests: Array<{ path: string; headers: IncomingHttpHeaders }> = [];
  const server: Server = createServer((request, response) => {
    requests.push({ path: request.url ?? '', headers: request.headers });
    const answer = respond(request.url ?? '');
    response.writeHead(answer.status, answer.location === undefined ? {} : { location: answer.location });
    response.end('ok');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    hostAndPort: `127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('the egress policy: which addresses a user-supplied URL may reach', () => {
  const strict = createAddressPolicy();

  test.each([
    '127.0.0.1',
    '127.8.9.10',
    '10.1.2.3',
    '172.16.0.1',
    '172.31.255.254',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '224.0.0.1',
    '::1',
    '::',
    'fe80::1',
    'fd12:3456::1',
    '::ffff:127.0.0.1',
    '::ffff:7f00:1',
    '::ffff:a9fe:a9fe',
    '64:ff9b::7f00:1',
  ])('refuses %s (loopback, private, link-local or special purpose)', (address) => {
    expect(strict.allowsAddress(address, 80)).toBe(false);
  });

  test.each(['93.184.216.34', '8.8.8.8', '172.32.0.1', '2606:4700:4700::1111'])('allows the public address %s', (address) => {
    expect(strict.allowsAddress(address, 443)).toBe(true);
  });

  test('an administrator allows a range, or exactly one host:port', () => {
    const policy = createAddressPolicy(['10.20.0.0/16', '127.0.0.1:5000']);
    expect(policy.allowsAddress('10.20.7.8', 443)).toBe(true);
    expect(policy.allowsAddress('10.21.0.1', 443)).toBe(false);
    expect(policy.allowsOrigin('127.0.0.1', 5000)).toBe(true);
    expect(policy.allowsOrigin('127.0.0.1', 5001)).toBe(false);
    expect(policy.allowsAddress('127.0.0.1', 5001)).toBe(false);
    expect(() => createAddressPolicy(['not an allowance'])).toThrow('neither a CIDR range');
  });
});

describe('fetching through the egress policy', () => {
  test('a refused address is never contacted, and the error says only "not reachable"', async () => {
    const target = await recordingServer();
    try {
      const egress = createEgress(createAddressPolicy());
      for (const url of [
        `${target.origin}/metrics`,
        `http://localhost:${new URL(target.origin).port}/`,
        `http://2130706433:${new URL(target.origin).port}/`,
        `http://[::ffff:127.0.0.1]:${new URL(target.origin).port}/`,
      ]) {
        const error = await egress.fetch(url).catch((caught: unknown) => caught);
        expect(error).toBeInstanceOf(EgressError);
        expect((error as Error).message).toMatch(/^http:\/\/\S+ is not reachable$/);
      }
      expect(target.requests).toEqual([]);
    } finally {
      await target.close();
    }
  });

  test('a closed port and a refused address read the same: the gateway is no port scanner', async () => {
    const closed = await recordingServer();
    await closed.close();
    const egress = createEgress(createAddressPolicy([closed.hostAndPort]));
    const refusedByNetwork = (await egress.fetch(`${closed.origin}/`).catch((caught: unknown) => caught)) as Error;
    const refusedByPolicy = (await createEgress(createAddressPolicy())
      .fetch(`${closed.origin}/`)
      .catch((caught: unknown) => caught)) as Error;
    expect(refusedByNetwork.message).toBe(`${closed.origin} is not reachable`);
    expect(refusedByPolicy.message).toBe(refusedByNetwork.message);
  });

  test('a redirect is checked again: an allowed host cannot bounce the gateway onto a refused one', async () => {
    const internal = await recordingServer();
    const outside = await recordingServer(() => ({ status: 302, location: `${internal.origin}/secret` }));
    try {
      const egress = createEgress(createAddressPolicy([outside.hostAndPort]));
      await expect(egress.fetch(`${outside.origin}/repo.git`)).rejects.toThrow(`${internal.origin} is not reachable`);
      expect(outside.requests).toHaveLength(1);
      expect(internal.requests).toEqual([]);
    } finally {
      await Promise.all([internal.close(), outside.close()]);
    }
  });

  test('credentials do not follow a redirect to another origin', async () => {
    const second = await recordingServer();
    const first = await recordingServer(() => ({ status: 307, location: `${second.origin}/v2/` }));
    try {
      const egress = createEgress(createAddressPolicy([first.hostAndPort, second.hostAndPort]));
      const response = await egress.fetch(`${first.origin}/v2/`, { headers: { authorization: 'Basic c2VjcmV0OnNlY3JldA==' } });
      expect(response.status).toBe(200);
      expect(first.requests[0]?.headers.authorization).toBe('Basic c2VjcmV0OnNlY3JldA==');
      expect(second.requests[0]?.headers.authorization).toBeUndefined();
    } finally {
      await Promise.all([first.close(), second.close()]);
    }
  });

  test('schemes other than http and https are refused', async () => {
    const egress = createEgress(createAddressPolicy());
    await expect(egress.assertAllowed('file:///etc/passwd')).rejects.toThrow('is not reachable');
    await expect(egress.assertAllowed('ftp://example.com/')).rejects.toThrow('is not reachable');
  });
});
