import { connectionType } from '../../../shared/connection-types.js';
import type { ConnectionValues } from '../../../shared/pagination.js';
import { Release, ReleaseRevision } from './graphql-types.js';

export const ReleaseConnection = connectionType(Release, { name: 'Release', noun: 'release', plural: 'releases' });
export type ReleaseConnection = ConnectionValues<Release>;

export const ReleaseRevisionConnection = connectionType(ReleaseRevision, { name: 'ReleaseRevision', noun: 'revision', plural: 'revisions' });
export type ReleaseRevisionConnection = ConnectionValues<ReleaseRevision>;

/** Newest first (ids are unique: they end the key). */
export const RELEASES_NEWEST_FIRST = { key: (item: Release) => [item.createdAt.getTime(), item.id], descending: true } as const;

export const REVISIONS_NEWEST_FIRST = { key: (item: ReleaseRevision) => [item.revision], descending: true } as const;
