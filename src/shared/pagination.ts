import { BadInputError } from './errors.js';

/**
 * Relay-style paging, one implementation for every list of the graph: `first/after` forwards,
 * `last/before` backwards, opaque cursors that name their list, and keyset positions (a cursor
 * holds the sort key of its item, not an offset), so a page boundary stays put while items come
 * and go between requests.
 */

export const DEFAULT_PAGE_SIZE = 50;
export const DEFAULT_MAX_PAGE_SIZE = 500;

export interface PageLimits {
  /** Page size when neither `first` nor `last` is given. */
  readonly defaultSize: number;
  /** Largest `first` or `last` accepted (KDA_MAX_PAGE_SIZE). */
  readonly maxSize: number;
}

export const DEFAULT_PAGE_LIMITS: PageLimits = Object.freeze({ defaultSize: DEFAULT_PAGE_SIZE, maxSize: DEFAULT_MAX_PAGE_SIZE });

/** The limits for a configured maximum (KDA_MAX_PAGE_SIZE); the default page never exceeds it. */
export function pageLimitsFor(maxSize: number = DEFAULT_MAX_PAGE_SIZE): PageLimits {
  return Object.freeze({ defaultSize: Math.min(DEFAULT_PAGE_SIZE, maxSize), maxSize });
}

/** The part of the per-request context paging reads. */
export interface PagingContext {
  readonly pageLimits: PageLimits;
}

/** The four Relay arguments, as GraphQL hands them over. */
export interface PageArgs {
  readonly first?: number | null | undefined;
  readonly after?: string | null | undefined;
  readonly last?: number | null | undefined;
  readonly before?: string | null | undefined;
}

/** The sort key of an item: compared element by element (numbers as numbers, strings by code unit). */
export type CursorKey = readonly (string | number)[];

/** A validated page request. */
export interface PageRequest {
  readonly list: string;
  readonly size: number;
  /** `last/before`: the page ends at the end of the window. */
  readonly fromEnd: boolean;
  readonly after?: CursorKey | undefined;
  readonly before?: CursorKey | undefined;
}

export interface Edge<N> {
  readonly cursor: string;
  readonly node: N;
}

export interface PageInfoValues {
  readonly hasNextPage: boolean;
  readonly hasPreviousPage: boolean;
  readonly startCursor: string | null;
  readonly endCursor: string | null;
}

export interface ConnectionValues<N> {
  readonly totalCount: number;
  readonly edges: Edge<N>[];
  readonly pageInfo: PageInfoValues;
}

export function encodeCursor(list: string, key: CursorKey): string {
  return Buffer.from(JSON.stringify([list, ...key]), 'utf8').toString('base64url');
}

const MAX_CURSOR_LENGTH = 2048;

function decodeCursor(list: string, cursor: string, field: string, isKey: (key: CursorKey) => boolean): CursorKey {
  let parsed: unknown;
  try {
    if (cursor.length === 0 || cursor.length > MAX_CURSOR_LENGTH || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw new Error('not base64url');
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new BadInputError(field, 'is not a cursor');
  }
  if (
    !Array.isArray(parsed) ||
    parsed.length < 2 ||
    typeof parsed[0] !== 'string' ||
    !parsed.slice(1).every((part) => typeof part === 'string' || (typeof part === 'number' && Number.isFinite(part)))
  ) {
    throw new BadInputError(field, 'is not a cursor');
  }
  const key = parsed.slice(1) as CursorKey;
  if (parsed[0] !== list || !isKey(key)) throw new BadInputError(field, `is not a cursor of this list (${list})`);
  return key;
}

function checkSize(field: string, size: number, limits: PageLimits): number {
  if (!Number.isInteger(size) || size < 0 || size > limits.maxSize) throw new BadInputError(field, `must be between 0 and ${limits.maxSize} (the maximum page size)`);
  return size;
}

/**
 * Validates the paging arguments of `list`. `isKey` checks the shape of a decoded key (a cursor
 * of the same list name but another key shape is refused like a foreign one).
 */
export function pageRequest(list: string, args: PageArgs, limits: PageLimits, isKey: (key: CursorKey) => boolean = () => true): PageRequest {
  const { first, last, after, before } = args;
  if (first != null && last != null) throw new BadInputError('last', 'cannot be combined with first: page forwards with first/after or backwards with last/before');
  if (after != null && before != null) throw new BadInputError('before', 'cannot be combined with after: page forwards with first/after or backwards with last/before');
  const fromEnd = last != null;
  const size = fromEnd ? checkSize('last', last, limits) : checkSize('first', first ?? limits.defaultSize, limits);
  return {
    list,
    size,
    fromEnd,
    ...(after != null ? { after: decodeCursor(list, after, 'after', isKey) } : {}),
    ...(before != null ? { before: decodeCursor(list, before, 'before', isKey) } : {}),
  };
}

export function compareKeys(a: CursorKey, b: CursorKey): number {
  const length = Math.min(a.length, b.length);
  for (let index = 0; index < length; index += 1) {
    const left = a[index]!;
    const right = b[index]!;
    if (left === right) continue;
    if (typeof left === 'number' && typeof right === 'number') return left - right;
    return String(left) < String(right) ? -1 : 1;
  }
  return a.length - b.length;
}

export interface ListOrder<T> {
  /** The sort key; unique within the list (end it with a name or id). */
  readonly key: (item: T) => CursorKey;
  /** Newest-first lists: the list runs from the largest key to the smallest. */
  readonly descending?: boolean;
}

/**
 * A page of a list held whole in memory (a watch cache, or the rows of one parent after one
 * batched load). The list is sorted here, so the order always matches the cursors' keys.
 */
export function connectionFromList<T, N>(items: readonly T[], request: PageRequest, order: ListOrder<T>, toNode: (item: T) => N): ConnectionValues<N> {
  const direction = order.descending === true ? -1 : 1;
  const sorted = items.map((item) => ({ key: order.key(item), item })).sort((a, b) => direction * compareKeys(a.key, b.key));
  const inOrder = (a: CursorKey, b: CursorKey) => direction * compareKeys(a, b);
  let low = 0;
  if (request.after !== undefined) {
    const after = request.after;
    low = sorted.findIndex((entry) => inOrder(entry.key, after) > 0);
    if (low === -1) low = sorted.length;
  }
  let high = sorted.length;
  if (request.before !== undefined) {
    const before = request.before;
    const index = sorted.findIndex((entry) => inOrder(entry.key, before) >= 0);
    high = Math.max(low, index === -1 ? sorted.length : index);
  }
  const start = request.fromEnd ? Math.max(low, high - request.size) : low;
  const end = request.fromEnd ? high : Math.min(high, low + request.size);
  const edges = sorted.slice(start, end).map((entry) => lazyEdge(request.list, entry.key, toNode(entry.item)));
  return { totalCount: sorted.length, edges, pageInfo: pageInfoOf(edges, start > 0, end < sorted.length) };
}

/** A page a store cut out itself (see `PageWindow`), turned into a connection. */
export function connectionFromWindow<T, N>(window: PageWindow<T>, request: PageRequest, key: (item: T) => CursorKey, toNode: (item: T) => N): ConnectionValues<N> {
  const edges = window.rows.map((row) => lazyEdge(request.list, key(row), toNode(row)));
  return { totalCount: window.totalCount, edges, pageInfo: pageInfoOf(edges, window.hasPreviousPage, window.hasNextPage) };
}

/** What a store answers for a page of a list too long to load whole (the audit log, build logs). */
export interface PageWindow<T> {
  /** In list order. */
  readonly rows: readonly T[];
  /** Items of the whole list (with its filters), over all pages. */
  readonly totalCount: number;
  /** Whether any item of the list precedes the first row (or, for an empty page, the window). */
  readonly hasPreviousPage: boolean;
  /** Whether any item of the list follows the last row (or, for an empty page, the window). */
  readonly hasNextPage: boolean;
}

/** An edge whose cursor is encoded when read: most queries of a page never ask for it. */
class PageEdge<N> implements Edge<N> {
  private encoded: string | undefined;

  constructor(
    private readonly list: string,
    private readonly key: CursorKey,
    readonly node: N,
  ) {}

  get cursor(): string {
    return (this.encoded ??= encodeCursor(this.list, this.key));
  }
}

function lazyEdge<N>(list: string, key: CursorKey, node: N): Edge<N> {
  return new PageEdge(list, key, node);
}

function pageInfoOf<N>(edges: readonly Edge<N>[], hasPreviousPage: boolean, hasNextPage: boolean): PageInfoValues {
  return {
    hasNextPage,
    hasPreviousPage,
    get startCursor() {
      return edges[0]?.cursor ?? null;
    },
    get endCursor() {
      return edges.at(-1)?.cursor ?? null;
    },
  };
}

/** The usual call: validate the arguments with the request's limits, page the list. */
export function paginate<T, N>(context: PagingContext, list: string, args: PageArgs, items: readonly T[], order: ListOrder<T>, toNode: (item: T) => N): ConnectionValues<N> {
  return connectionFromList(items, pageRequest(list, args, context.pageLimits), order, toNode);
}
