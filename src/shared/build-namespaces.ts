/**
 * Where a workspace's build Jobs run: a namespace of its own in the build cluster. The builds domain
 * names it; the workspaces domain's access scope shows it to that workspace only (and to
 * administrators), whatever else of the cluster is allotted to whom.
 */
const PREFIX = 'kda-builds';

export function buildNamespaceOf(workspaceSlug: string): string {
  return `${PREFIX}-${workspaceSlug}`;
}

/** `kda-builds-*`, and `kda-builds` itself (where every team's Jobs ran before each had its own). */
export function isBuildNamespace(namespace: string): boolean {
  return namespace === PREFIX || namespace.startsWith(`${PREFIX}-`);
}
