import type { NodeLookups } from '../../../shared/node-lookup.js';
import { releaseLoadersOf, visibleRelease, type ReleasesContext } from './context.js';
import { toRelease, toRevision } from './mappers.js';

/** `node(id:)` for releases and their revisions: the same rights as `release`. */
export const releaseNodeLookups: NodeLookups<ReleasesContext> = {
  Release: async (context, releaseId) => {
    const record = await visibleRelease(context, releaseId);
    return record === null ? null : toRelease(record);
  },
  ReleaseRevision: async (context, key) => {
    const slash = key.lastIndexOf('/');
    const revision = Number(key.slice(slash + 1));
    if (slash <= 0 || !Number.isInteger(revision)) return null;
    const record = await visibleRelease(context, key.slice(0, slash));
    if (record === null) return null;
    const summary = (await releaseLoadersOf(context).revisionsByRelease.load(record.id)).find((candidate) => candidate.revision === revision);
    return summary === undefined ? null : toRevision(summary);
  },
};
