/** Local keys of the relations that have no row id of their own (the schema makes them global ids). */
export function memberKey(workspaceId: string, userId: string): string {
  return `${workspaceId}/${userId}`;
}

export function allotmentKey(workspaceId: string, clusterId: string): string {
  return `${workspaceId}/${clusterId}`;
}

/** Storage class names never contain a slash (DNS subdomain names). */
export function storageAllotmentKey(workspaceId: string, clusterId: string, storageClassName: string): string {
  return `${workspaceId}/${clusterId}/${storageClassName}`;
}

/** The parts of a key of `count` slash-separated parts, or null. */
export function keyParts(key: string, count: number): string[] | null {
  const parts = key.split('/');
  return parts.length === count && parts.every((part) => part.length > 0) ? parts : null;
}
