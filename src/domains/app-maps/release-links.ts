import { randomUUID } from 'node:crypto';
import { ConflictError } from '../../shared/errors.js';
import type { AppMapChangeFeed, AppMapStore } from './ports.js';
import type { AppMapRecord } from './records.js';

/** The label every object of a release carries; a map a deploy draws selects it. */
const RELEASE_LABEL = 'kda.io/release';

/** Where a release puts its map. */
export interface ReleaseMapPlace {
  readonly releaseId: string;
  readonly workspaceId: string;
  readonly clusterId: string;
  readonly namespace: string;
  readonly appMapName: string;
}

export interface ReleaseLinksDeps {
  readonly store: AppMapStore;
  readonly feed: AppMapChangeFeed;
  readonly now: () => Date;
}

export function releaseSelector(releaseId: string): string {
  return `${RELEASE_LABEL}=${releaseId}`;
}

/**
 * The maps releases make and take away. Releases have checked the caller's rights and the
 * allotment before they come here, so nothing here asks again.
 */
export class ReleaseLinks {
  constructor(private readonly deps: ReleaseLinksDeps) {}

  private async mapAt(place: ReleaseMapPlace): Promise<AppMapRecord | null> {
    const named = await this.deps.store.list({ workspaceIds: [place.workspaceId], clusterId: place.clusterId, name: place.appMapName });
    return named.find((map) => map.namespace === place.namespace) ?? null;
  }

  async requireFree(place: ReleaseMapPlace): Promise<void> {
    const map = await this.mapAt(place);
    if (map !== null && map.releaseId !== null && map.releaseId !== place.releaseId)
      throw new ConflictError(
        'appMapName',
        `application map ${place.appMapName} in namespace ${place.namespace} of that cluster belongs to release ${map.releaseId}: upgrade that release, or choose another map name`,
      );
  }

  /** Adopts the map of that name (keeping how it was drawn), else draws one around the release's label. */
  async attach(place: ReleaseMapPlace & { readonly stage: string; readonly description: string }): Promise<AppMapRecord> {
    await this.requireFree(place);
    const now = this.deps.now();
    const existing = await this.mapAt(place);
    if (existing !== null) {
      await this.deps.store.update(existing.id, { releaseId: place.releaseId, updatedAt: now });
      await this.deps.feed.announce(existing.id);
      return { ...existing, releaseId: place.releaseId, updatedAt: now };
    }
    const record: AppMapRecord = {
      id: randomUUID(),
      workspaceId: place.workspaceId,
      clusterId: place.clusterId,
      namespace: place.namespace,
      name: place.appMapName,
      description: place.description,
      stage: place.stage,
      selector: releaseSelector(place.releaseId),
      groups: [],
      releaseId: place.releaseId,
      continuousDeployment: false,
      createdAt: now,
      updatedAt: now,
    };
    const outcome = await this.deps.store.insert(record);
    // Another deploy drew a map of that name meanwhile: adopt it the next time round.
    if (outcome === 'duplicate-name') return this.attach(place);
    if (outcome === 'missing-parent') throw new ConflictError('clusterId', 'the workspace or the cluster was removed meanwhile');
    await this.deps.feed.announce(record.id);
    return record;
  }

  async detach(releaseId: string): Promise<void> {
    for (const map of await this.deps.store.findByRelease(releaseId)) {
      if (map.selector === releaseSelector(releaseId)) await this.deps.store.delete(map.id);
      else await this.deps.store.update(map.id, { releaseId: null, continuousDeployment: false, updatedAt: this.deps.now() });
      await this.deps.feed.announce(map.id);
    }
  }

  async continuouslyDeployed(workspaceId: string): Promise<string[]> {
    const maps = await this.deps.store.list({ workspaceIds: [workspaceId] });
    return maps.flatMap((map) => (map.continuousDeployment && map.releaseId !== null ? [map.releaseId] : []));
  }

  /** The maps of these releases (for Release.appMap), by release id. */
  async mapsOfReleases(releaseIds: readonly string[]): Promise<Map<string, AppMapRecord>> {
    const maps = await this.deps.store.findByReleases(releaseIds);
    return new Map(maps.flatMap((map) => (map.releaseId === null ? [] : [[map.releaseId, map] as const])));
  }
}
