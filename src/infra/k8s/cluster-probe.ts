import { ApiException, VersionApi } from '@kubernetes/client-node';
import type { ClusterProbe } from '../../domains/clusters/ports.js';
import { BadInputError, DomainError } from '../../shared/errors.js';
import type { Egress } from '../egress/egress.js';
import { loadKubeConfig, type KubeconfigAllowances } from './kubeconfig.js';

export interface ClusterProbeOptions {
  /** What a kubeconfig may ask of the gateway host beyond its API server (files, programs, proxies, plain http). */
  readonly allowances: KubeconfigAllowances;
  /** The API server's address must pass the egress policy like every user-supplied URL. */
  readonly egress: Pick<Egress, 'assertAllowed'>;
  readonly timeoutMs: number;
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
  // No network detail: what answers (or not) at an address is not the caller's to learn.
  return new BadInputError('kubeconfig', 'the API server is not reachable');
}

/** Asks the API server its version: proves the address, the CA and the credentials work. */
export function createClusterProbe(options: ClusterProbeOptions): ClusterProbe {
  return {
    async probe(kubeconfig, context) {
      const config = loadKubeConfig(kubeconfig, context, options.allowances);
      const server = config.getCurrentCluster()?.server ?? '';
      await options.egress.assertAllowed(server).catch(() => {
        throw new BadInputError('kubeconfig', 'the API server is not reachable');
      });
      const api = config.makeApiClient(VersionApi);
      const timeout = new Promise<never>((_, reject) => {
        setTimeout(
          () => reject(new DomainError('BAD_USER_INPUT', `kubeconfig: the cluster did not answer within ${options.timeoutMs} ms`, { field: 'kubeconfig' })),
          options.timeoutMs,
        ).unref();
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
