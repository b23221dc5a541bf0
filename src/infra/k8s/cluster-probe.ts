import { ApiException, KubeConfig, VersionApi } from '@kubernetes/client-node';
import { describeError } from './kube-transport.js';
import type { ClusterProbe } from '../../domains/clusters/ports.js';
import { BadInputError, DomainError } from '../../shared/errors.js';

export interface ClusterProbeOptions {
  /** `exec` and `auth-provider` users run commands on the gateway host; only an admin's configuration allows them. */
  readonly allowExecCredentials: boolean;
  readonly timeoutMs: number;
}

/** Parses a kubeconfig and selects its context, refusing credentials that would run programs. */
export function loadKubeConfig(kubeconfig: string, context: string | null, allowExecCredentials: boolean): KubeConfig {
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
  const user = config.getCurrentUser();
  if (!allowExecCredentials && (user?.exec !== undefined || user?.authProvider !== undefined)) {
    throw new BadInputError('kubeconfig', 'uses an exec or auth-provider credential plugin, which this gateway does not allow');
  }
  return config;
}

/** Says why a cluster did not answer in words that point at the part of the kubeconfig to fix. */
function probeFailure(error: unknown): DomainError {
  if (error instanceof DomainError) return error;
  if (error instanceof ApiException) {
    const code = Number(error.code);
    const why =
      code === 401
        ? 'the API server refused the credentials (HTTP 401): the token or client certificate is wrong or expired'
        : code === 403
          ? 'the credentials may not read the API server version (HTTP 403)'
          : `the API server answered HTTP ${code}`;
    return new BadInputError('kubeconfig', why);
  }
  return new BadInputError('kubeconfig', `cannot reach the API server: ${describeError(error)}`);
}

/** Asks the API server its version: proves the address, the CA and the credentials work. */
export function createClusterProbe(options: ClusterProbeOptions): ClusterProbe {
  return {
    async probe(kubeconfig, context) {
      const config = loadKubeConfig(kubeconfig, context, options.allowExecCredentials);
      const api = config.makeApiClient(VersionApi);
      const timeout = new Promise<never>((_, reject) => {
        setTimeout(() => reject(new DomainError('BAD_USER_INPUT', `kubeconfig: the cluster did not answer within ${options.timeoutMs} ms`, { field: 'kubeconfig' })), options.timeoutMs).unref();
      });
      try {
        const version = await Promise.race([api.getCode(), timeout]);
        return { kubernetesVersion: version.gitVersion };
      } catch (error) {
        throw probeFailure(error);
      }
    },
  };
}
