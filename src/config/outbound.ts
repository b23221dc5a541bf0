import { isIP } from 'node:net';

/** What user-supplied URLs and kubeconfigs may reach beyond the public internet; an administrator's choice. */
export interface OutboundConfig {
  /** KDA_ALLOW_KUBECONFIG_FILES: kubeconfigs may name files on the gateway host (token-file, client-key, …). */
  readonly allowKubeconfigFiles: boolean;
  /** KDA_ALLOW_KUBECONFIG_PROXY: kubeconfigs may route through a `proxy-url`. */
  readonly allowKubeconfigProxy: boolean;
  /** KDA_ALLOW_INSECURE_CLUSTERS: plain-http API servers and `insecure-skip-tls-verify`. */
  readonly allowInsecureClusters: boolean;
  /**
   * KDA_EGRESS_ALLOW: comma-separated CIDR ranges, addresses or exact host:port that user-supplied
   * URLs may reach although they are loopback, link-local or private (e.g. an on-premise registry).
   */
  readonly egressAllow: readonly string[];
}

function parseOnOff(name: string, raw: string | undefined, problems: string[]): boolean {
  const value = raw?.trim().toLowerCase() ?? '';
  if (value === '' || ['off', 'false', '0', 'no'].includes(value)) return false;
  if (['on', 'true', '1', 'yes'].includes(value)) return true;
  problems.push(`${name} must be on or off, got ${JSON.stringify(raw)}`);
  return false;
}

function validAllowance(entry: string): boolean {
  const [network, prefix, ...rest] = entry.split('/');
  if (rest.length === 0 && network !== undefined && isIP(network) !== 0) {
    if (prefix === undefined) return true;
    const bits = Number(prefix);
    return /^\d+$/.test(prefix) && bits <= (isIP(network) === 4 ? 32 : 128);
  }
  const origin = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/.exec(entry);
  return origin !== null && Number(origin[2]) > 0 && Number(origin[2]) < 65536;
}

export function parseOutboundConfig(env: NodeJS.ProcessEnv, problems: string[]): OutboundConfig {
  const egressAllow = (env.KDA_EGRESS_ALLOW ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  for (const entry of egressAllow) {
    if (!validAllowance(entry)) problems.push(`KDA_EGRESS_ALLOW: ${JSON.stringify(entry)} is neither a CIDR range (10.20.0.0/16), an address, nor host:port`);
  }
  return {
    allowKubeconfigFiles: parseOnOff('KDA_ALLOW_KUBECONFIG_FILES', env.KDA_ALLOW_KUBECONFIG_FILES, problems),
    allowKubeconfigProxy: parseOnOff('KDA_ALLOW_KUBECONFIG_PROXY', env.KDA_ALLOW_KUBECONFIG_PROXY, problems),
    allowInsecureClusters: parseOnOff('KDA_ALLOW_INSECURE_CLUSTERS', env.KDA_ALLOW_INSECURE_CLUSTERS, problems),
    egressAllow,
  };
}
