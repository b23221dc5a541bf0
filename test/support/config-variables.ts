import { tmpdir } from 'node:os';
import { loadConfig } from '../../src/config/config.js';

/** Every environment variable loadConfig reads, found by watching it read an (empty) environment. */
export function variablesTheGatewayReads(): Set<string> {
  const read = new Set<string>();
  const environment = new Proxy(
    {},
    {
      get: (_target, name) => {
        if (typeof name === 'string') read.add(name);
        return undefined;
      },
    },
  );
  loadConfig(environment, tmpdir());
  return read;
}
