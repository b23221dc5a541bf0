import { connectionType } from '../../shared/connection-types.js';
import type { ConnectionValues } from '../../shared/pagination.js';
import { AppMap, AppMapKubernetesEvent, AppMapPod, AppMapService, AppMapVolume, AppMapWorkload } from './graphql-types.js';
import type { WorkloadInPicture } from './picture.js';
import type { MapEvent } from './objects.js';

export const AppMapConnection = connectionType(AppMap, { name: 'AppMap', noun: 'application map', plural: 'application maps' });
export type AppMapConnection = ConnectionValues<AppMap>;

export const AppMapWorkloadConnection = connectionType(AppMapWorkload, { name: 'AppMapWorkload', noun: 'workload of a map', plural: 'workloads of a map' });
export type AppMapWorkloadConnection = ConnectionValues<AppMapWorkload>;

export const AppMapPodConnection = connectionType(AppMapPod, { name: 'AppMapPod', noun: 'pod of a map', plural: 'pods of a map' });
export type AppMapPodConnection = ConnectionValues<AppMapPod>;

export const AppMapServiceConnection = connectionType(AppMapService, { name: 'AppMapService', noun: 'service of a map', plural: 'services of a map' });
export type AppMapServiceConnection = ConnectionValues<AppMapService>;

export const AppMapVolumeConnection = connectionType(AppMapVolume, { name: 'AppMapVolume', noun: 'volume claim of a map', plural: 'volume claims of a map' });
export type AppMapVolumeConnection = ConnectionValues<AppMapVolume>;

export const AppMapKubernetesEventConnection = connectionType(AppMapKubernetesEvent, {
  name: 'AppMapKubernetesEvent',
  noun: 'event of a map',
  plural: 'events of a map',
});
export type AppMapKubernetesEventConnection = ConnectionValues<AppMapKubernetesEvent>;

/** Sort keys, unique within each list. Map names are unique per workspace, cluster and namespace only: the id ends the key. */
export const MAPS_BY_NAME = { key: (item: { record: { name: string; namespace: string; id: string } }) => [item.record.name, item.record.namespace, item.record.id] } as const;
export const WORKLOADS_BY_KIND_AND_NAME = { key: (item: WorkloadInPicture) => [item.object.kind, item.object.name] } as const;
export const BY_OBJECT_NAME = { key: (item: { object: { name: string } }) => [item.object.name] } as const;
/** Newest first; the uid ends the key. */
export const EVENTS_NEWEST_FIRST = { key: (item: MapEvent) => [item.lastSeen, item.uid], descending: true } as const;
