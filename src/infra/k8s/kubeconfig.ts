import { KubeConfig } from '@kubernetes/client-node';
import { load } from 'js-yaml';
import { BadInputError } from '../../shared/errors.js';

/**
 * What a kubeconfig may ask of the gateway's host beyond talking to its API server. Each is off
 * unless an administrator turned it on: a kubeconfig comes from a user, and each of these lets it
 * reach into the host (read files, run programs, route through a proxy, talk without TLS).
 */
export interface KubeconfigAllowances {
  /** `exec` and `auth-provider` users run programs on the gateway host. */
  readonly execCredentials: boolean;
  /** `token-file`, `client-certificate`, `client-key`, `certificate-authority` read the gateway host's files. */
  readonly fileReferences: boolean;
  /** `proxy-url` sends the traffic (and the credentials) through another host. */
  readonly proxy: boolean;
  /** A plain `http://` server, or `insecure-skip-tls-verify`, hands the credentials to whoever answers. */
  readonly insecureTransport: boolean;
}

export const STRICT_KUBECONFIG: KubeconfigAllowances = Object.freeze({ execCredentials: false, fileReferences: false, proxy: false, insecureTransport: false });

const FILE_FIELDS = { cluster: ['certificate-authority'], user: ['token-file', 'client-certificate', 'client-key'] } as const;

type Entry = Record<string, unknown>;

function entries(document: Entry, list: 'clusters' | 'users', inner: 'cluster' | 'user'): Array<{ label: string; body: Entry }> {
  const items = Array.isArray(document[list]) ? (document[list] as unknown[]) : [];
  return items.map((item, index) => {
    const record = (item ?? {}) as Entry;
    const name = typeof record['name'] === 'string' ? ` (${record['name']})` : '';
    return { label: `${list}[${index}]${name}`, body: (record[inner] ?? {}) as Entry };
  });
}

/**
 * Refuses, before the Kubernetes client reads it (its parser already reads `token-file`), a
 * kubeconfig that asks for anything `allow` does not grant — in any entry, not only the current
 * context's. The error names the entry and the field.
 */
export function checkKubeconfig(kubeconfig: string, allow: KubeconfigAllowances): void {
  let document: unknown;
  try {
    document = load(kubeconfig);
  } catch (error) {
    throw new BadInputError('kubeconfig', `is not valid YAML: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
  }
  if (document === null || typeof document !== 'object' || Array.isArray(document)) throw new BadInputError('kubeconfig', 'is not a kubeconfig document');
  const refuse = (where: string, why: string, setting: string) => {
    throw new BadInputError('kubeconfig', `${where}: ${why}; kubeconfigs must carry their data inline (an administrator may allow this with ${setting}=on)`);
  };
  for (const { label, body } of entries(document as Entry, 'clusters', 'cluster')) {
    for (const field of FILE_FIELDS.cluster)
      if (body[field] !== undefined && !allow.fileReferences) refuse(`${label} ${field}`, 'reads a file on the gateway host', 'KDA_ALLOW_KUBECONFIG_FILES');
    if (body['proxy-url'] !== undefined && !allow.proxy) refuse(`${label} proxy-url`, 'routes the connection through a proxy', 'KDA_ALLOW_KUBECONFIG_PROXY');
    if (body['insecure-skip-tls-verify'] === true && !allow.insecureTransport)
      refuse(`${label} insecure-skip-tls-verify`, 'turns off the server certificate check', 'KDA_ALLOW_INSECURE_CLUSTERS');
    if (typeof body['server'] === 'string' && /^http:/i.test(body['server']) && !allow.insecureTransport)
      refuse(`${label} server`, 'is plain http, without TLS', 'KDA_ALLOW_INSECURE_CLUSTERS');
  }
  for (const { label, body } of entries(document as Entry, 'users', 'user')) {
    for (const field of FILE_FIELDS.user)
      if (body[field] !== undefined && !allow.fileReferences) refuse(`${label} ${field}`, 'reads a file on the gateway host', 'KDA_ALLOW_KUBECONFIG_FILES');
    if ((body['exec'] !== undefined || body['auth-provider'] !== undefined) && !allow.execCredentials) {
      throw new BadInputError(
        'kubeconfig',
        `${label}: uses an exec or auth-provider credential plugin, which runs programs on the gateway host (an administrator may allow it with KDA_ALLOW_EXEC_CREDENTIALS=on)`,
      );
    }
  }
}

/** Checks, parses and selects the context: the one way the gateway turns a kubeconfig into a client configuration. */
export function loadKubeConfig(kubeconfig: string, context: string | null, allow: KubeconfigAllowances): KubeConfig {
  checkKubeconfig(kubeconfig, allow);
  const config = new KubeConfig();
  try {
    config.loadFromString(kubeconfig);
  } catch (error) {
    throw new BadInputError('kubeconfig', `is not a valid kubeconfig: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (context !== null) {
    if (config.getContextObject(context) === null) throw new BadInputError('context', `no context named ${context} in the kubeconfig`);
    config.setCurrentContext(context);
  }
  if (config.getCurrentCluster() === null) throw new BadInputError('kubeconfig', 'names no cluster for its current context');
  return config;
}
