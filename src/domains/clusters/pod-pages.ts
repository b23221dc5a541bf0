import { BadInputError } from '../../shared/errors.js';
import type { PodProjection } from './model.js';

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 1000;

export interface Page<T> {
  readonly totalCount: number;
  readonly items: ReadonlyArray<{ readonly cursor: string; readonly item: T }>;
  readonly hasNextPage: boolean;
}

function sortKey(pod: PodProjection): string {
  return `${pod.namespace}/${pod.name}`;
}

function encodeCursor(key: string): string {
  return Buffer.from(`pod:${key}`).toString('base64url');
}

function decodeCursor(cursor: string): string {
  const decoded = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!decoded.startsWith('pod:')) throw new BadInputError('after', 'is not a cursor of this list');
  return decoded.slice(4);
}

/**
 * Pages by (namespace, name) rather than by offset, so a page boundary stays put while pods come
 * and go between requests.
 */
export function pagePods(pods: readonly PodProjection[], first: number | undefined, after: string | undefined): Page<PodProjection> {
  const size = first ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(size) || size < 0 || size > MAX_PAGE_SIZE) throw new BadInputError('first', `must be between 0 and ${MAX_PAGE_SIZE}`);
  const sorted = pods.map((pod) => ({ key: sortKey(pod), pod })).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  let start = 0;
  if (after !== undefined) {
    const afterKey = decodeCursor(after);
    start = sorted.findIndex((entry) => entry.key > afterKey);
    if (start === -1) start = sorted.length;
  }
  const slice = sorted.slice(start, start + size);
  return {
    totalCount: sorted.length,
    items: slice.map((entry) => ({ cursor: encodeCursor(entry.key), item: entry.pod })),
    hasNextPage: start + size < sorted.length,
  };
}
