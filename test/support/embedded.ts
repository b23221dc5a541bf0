import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { GatewayConfig } from '../../src/config/config.js';

/** The embedded default as `npm start` runs it, kept in `folder`: its file database, in-process bus and simulated clusters. */
export function embeddedConfig(folder: string, adminToken: string, overrides: Partial<GatewayConfig> = {}): GatewayConfig {
  return {
    host: '127.0.0.1',
    port: 0,
    database: { kind: 'embedded', file: path.join(folder, 'kda.sqlite') },
    bus: { kind: 'memory' },
    adminToken,
    secretKey: randomBytes(32).toString('base64url'),
    dataDir: folder,
    simulator: true,
    embedded: true,
    ...overrides,
  };
}
