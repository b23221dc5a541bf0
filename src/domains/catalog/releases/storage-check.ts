import { DomainError } from '../../../shared/errors.js';
import type { JsonObject } from '../rendering/json.js';
import { claimRequests } from './manifests.js';
import type { ReleaseClusterFacts, ReleaseGate } from './ports.js';
import type { Blame } from './release-errors.js';

const GiB = 2 ** 30;

function size(bytes: number): string {
  return bytes >= GiB / 10 ? `${Number((bytes / GiB).toFixed(2))} GiB` : `${Number((bytes / 2 ** 20).toFixed(1))} MiB`;
}

export interface StorageTarget {
  readonly workspaceId: string;
  readonly clusterId: string;
  readonly namespace: string;
  /** The workspace's namespaces on the cluster: their claims count against its quotas. */
  readonly allotted: 'ALL' | readonly string[];
}

/**
 * Refuses manifests whose claims would take the workspace past a storage quota, or that ask for a
 * storage class the workspace was not allotted (a whole-cluster allotment brings every class).
 * The claims the manifests replace (same namespace and name) are not counted twice.
 */
export async function checkStorage(gate: ReleaseGate, facts: ReleaseClusterFacts, target: StorageTarget, manifests: readonly JsonObject[], blame: Blame): Promise<void> {
  const requests = claimRequests(manifests);
  if (requests.length === 0) return;
  const [allotments, live] = await Promise.all([gate.storageAllotments(target.workspaceId, target.clusterId), facts.claims(target.clusterId)]);
  const indexOf = (name: string) => manifests.findIndex((manifest) => manifest.kind === 'PersistentVolumeClaim' && (manifest.metadata as JsonObject).name === name);
  const classOf = (requested: string | null) => requested ?? live.defaultStorageClass;
  const asked = new Map<string, number>();
  for (const request of requests) {
    const storageClass = classOf(request.storageClassName);
    const object = `PersistentVolumeClaim ${target.namespace}/${request.name}`;
    if (storageClass === null) {
      const field = blame(indexOf(request.name), 'spec.storageClassName');
      throw new DomainError('BAD_USER_INPUT', `${field}: ${object} names no storage class and the cluster has no default one`, { field, object, path: 'spec.storageClassName' });
    }
    if (target.allotted !== 'ALL' && !allotments.some((allotment) => allotment.storageClassName === storageClass)) {
      const field = blame(indexOf(request.name), 'spec.storageClassName');
      throw new DomainError('BAD_USER_INPUT', `${field}: ${object} asks for storage class ${storageClass}, which is not allotted to the workspace on this cluster`, {
        field,
        object,
        path: 'spec.storageClassName',
      });
    }
    asked.set(storageClass, (asked.get(storageClass) ?? 0) + request.bytes);
  }
  const replaced = new Set(requests.map((request) => `${target.namespace}/${request.name}`));
  const counted = (namespace: string) => target.allotted === 'ALL' || target.allotted.includes(namespace);
  for (const [storageClass, bytes] of asked) {
    const quota = allotments.find((allotment) => allotment.storageClassName === storageClass)?.quotaBytes ?? null;
    if (quota === null) continue;
    const used = live.claims
      .filter((claim) => counted(claim.namespace) && !replaced.has(`${claim.namespace}/${claim.name}`) && classOf(claim.storageClassName) === storageClass)
      .reduce((sum, claim) => sum + claim.requestedBytes, 0);
    if (used + bytes <= quota) continue;
    const first = requests.find((request) => classOf(request.storageClassName) === storageClass)!;
    const field = blame(indexOf(first.name), 'spec.resources.requests.storage');
    throw new DomainError(
      'BAD_USER_INPUT',
      `${field}: the release's claims ask ${size(bytes)} of storage class ${storageClass}, and the workspace's claims already request ${size(used)} of its ${size(quota)} quota on this cluster`,
      { field, object: `PersistentVolumeClaim ${target.namespace}/${first.name}`, path: 'spec.resources.requests.storage' },
    );
  }
}
