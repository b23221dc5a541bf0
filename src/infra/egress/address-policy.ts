import { BlockList, isIP } from 'node:net';

/**
 * Which network addresses a user-supplied URL may reach. Loopback, link-local, private and other
 * special-purpose ranges are refused — they are the gateway's own host and the networks behind it
 * — unless an administrator allowed a range or an exact host:port.
 */
const SPECIAL_PURPOSE_V4: ReadonlyArray<readonly [string, number]> = [
  ['0.0.0.0', 8], // "this network"
  ['10.0.0.0', 8], // private
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local (cloud metadata services live here)
  ['172.16.0.0', 12], // private
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.168.0.0', 16], // private
  ['198.18.0.0', 15], // benchmarking
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
];
const SPECIAL_PURPOSE_V6: ReadonlyArray<readonly [string, number]> = [
  ['::', 128], // unspecified
  ['::1', 128], // loopback
  ['fe80::', 10], // link-local
  ['fc00::', 7], // unique local (private)
  ['ff00::', 8], // multicast
  ['64:ff9b::', 96], // NAT64: an IPv4 address in disguise
];

function blockList(entries: ReadonlyArray<readonly [string, number, 'ipv4' | 'ipv6']>): BlockList {
  const list = new BlockList();
  for (const [network, prefix, family] of entries) list.addSubnet(network, prefix, family);
  return list;
}

const REFUSED = blockList([
  ...SPECIAL_PURPOSE_V4.map(([network, prefix]) => [network, prefix, 'ipv4'] as const),
  ...SPECIAL_PURPOSE_V6.map(([network, prefix]) => [network, prefix, 'ipv6'] as const),
]);

/** `::ffff:127.0.0.1` and `::ffff:7f00:1` are IPv4 addresses; judge them as such. */
export function normalizeAddress(address: string): { address: string; family: 'ipv4' | 'ipv6' } | null {
  const bare = address.startsWith('[') && address.endsWith(']') ? address.slice(1, -1) : address;
  const version = isIP(bare);
  if (version === 4) return { address: bare, family: 'ipv4' };
  if (version !== 6) return null;
  const lower = bare.toLowerCase();
  const dotted = /^(?:0{0,4}:){0,5}:?ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
  if (dotted?.[1] !== undefined) return { address: dotted[1], family: 'ipv4' };
  const hex = /^(?:0{0,4}:){0,5}:?ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(lower);
  if (hex?.[1] !== undefined && hex[2] !== undefined) {
    const high = Number.parseInt(hex[1], 16);
    const low = Number.parseInt(hex[2], 16);
    return { address: [high >> 8, high & 0xff, low >> 8, low & 0xff].join('.'), family: 'ipv4' };
  }
  return { address: lower, family: 'ipv6' };
}

export interface AddressPolicy {
  /** May this (resolved) address be connected to? `port` matters for exact host:port allowances. */
  allowsAddress(address: string, port?: number): boolean;
  /** Is this host (name or literal) allowed outright with this port, before any lookup? */
  allowsOrigin(hostname: string, port: number): boolean;
  /** Hostnames allowed by name (for the resolver, which sees no port). */
  allowsName(hostname: string): boolean;
  /** One more allowance, e.g. a simulated cluster's `127.0.0.1:port` once it listens. */
  allow(entry: string): void;
}

/**
 * `allow`: administrator allowances — CIDR ranges (`10.20.0.0/16`, `fd00::/8`), single addresses,
 * or exact `host:port` origins (the embedded default's simulated clusters and registry).
 */
export function createAddressPolicy(allow: readonly string[] = []): AddressPolicy {
  const allowedRanges = new BlockList();
  const allowedOrigins = new Set<string>();
  const allowedNames = new Set<string>();
  const add = (raw: string): void => {
    const entry = raw.trim().toLowerCase();
    if (entry === '') return;
    const [network, prefix] = entry.split('/');
    const normalized = network === undefined ? null : normalizeAddress(network);
    if (normalized !== null && (prefix === undefined || /^\d+$/.test(prefix))) {
      const bits = prefix === undefined ? (normalized.family === 'ipv4' ? 32 : 128) : Number(prefix);
      allowedRanges.addSubnet(normalized.address, bits, normalized.family);
      return;
    }
    const origin = /^(\[[^\]]+\]|[^:]+):(\d+)$/.exec(entry);
    if (origin?.[1] === undefined || origin[2] === undefined) throw new Error(`egress allowance ${JSON.stringify(entry)} is neither a CIDR range, an address, nor host:port`);
    const host = normalizeAddress(origin[1])?.address ?? origin[1];
    allowedOrigins.add(`${host}:${origin[2]}`);
    allowedNames.add(host);
  };
  for (const entry of allow) add(entry);
  return {
    allow: add,
    allowsAddress(address, port) {
      const normalized = normalizeAddress(address);
      if (normalized === null) return false;
      if (port !== undefined && allowedOrigins.has(`${normalized.address}:${port}`)) return true;
      if (allowedRanges.check(normalized.address, normalized.family)) return true;
      return !REFUSED.check(normalized.address, normalized.family);
    },
    allowsOrigin(hostname, port) {
      const host = normalizeAddress(hostname)?.address ?? hostname.toLowerCase();
      return allowedOrigins.has(`${host}:${port}`);
    },
    allowsName(hostname) {
      return allowedNames.has(hostname.toLowerCase());
    },
  };
}
