import { DomainError } from './errors.js';
import { connectionFromList, encodeCursor, pageLimitsFor, pageRequest, type PageArgs } from './pagination.js';

const LIMITS = pageLimitsFor(10);
const BY_VALUE = { key: (value: number) => [value] } as const;
const LIST = 'Test.values';

function page(items: readonly number[], args: PageArgs, descending = false) {
  const connection = connectionFromList(items, pageRequest(LIST, args, LIMITS), { ...BY_VALUE, descending }, (value) => value);
  return { values: connection.edges.map((edge) => edge.node), ...connection.pageInfo, totalCount: connection.totalCount };
}

function fieldOf(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error instanceof DomainError ? [error.code, error.details.field] : error;
  }
  return 'no error';
}

describe('pagination', () => {
  const items = [5, 1, 4, 2, 3, 6, 7];

  test('forwards: pages join up, hasPreviousPage and hasNextPage right at both ends', () => {
    const first = page(items, { first: 3 });
    expect(first).toMatchObject({ values: [1, 2, 3], hasPreviousPage: false, hasNextPage: true, totalCount: 7 });
    const second = page(items, { first: 3, after: first.endCursor });
    expect(second).toMatchObject({ values: [4, 5, 6], hasPreviousPage: true, hasNextPage: true });
    expect(page(items, { first: 3, after: second.endCursor })).toMatchObject({ values: [7], hasPreviousPage: true, hasNextPage: false });
  });

  test('backwards: from the end, the same pages mirrored', () => {
    const last = page(items, { last: 3 });
    expect(last).toMatchObject({ values: [5, 6, 7], hasPreviousPage: true, hasNextPage: false });
    const before = page(items, { last: 3, before: last.startCursor });
    expect(before).toMatchObject({ values: [2, 3, 4], hasPreviousPage: true, hasNextPage: true });
    expect(page(items, { last: 3, before: before.startCursor })).toMatchObject({ values: [1], hasPreviousPage: false, hasNextPage: true });
  });

  test('descending lists page from the largest key', () => {
    const first = page(items, { first: 2 }, true);
    expect(first.values).toEqual([7, 6]);
    expect(page(items, { first: 2, after: first.endCursor }, true).values).toEqual([5, 4]);
  });

  test('keyset: a cursor keeps its place when its item is gone and others arrive', () => {
    const first = page(items, { first: 3 });
    expect(page([0, 1, 2.5, 4, 5, 6, 7], { first: 2, after: first.endCursor }).values).toEqual([4, 5]);
  });

  test('the default page size, and a maximum below it', () => {
    expect(pageRequest(LIST, {}, pageLimitsFor()).size).toBe(50);
    expect(pageRequest(LIST, {}, LIMITS).size).toBe(10);
  });

  test('bad arguments are BAD_USER_INPUT naming the argument', () => {
    const cursor = encodeCursor(LIST, [1]);
    expect(fieldOf(() => pageRequest(LIST, { first: 11 }, LIMITS))).toEqual(['BAD_USER_INPUT', 'first']);
    expect(fieldOf(() => pageRequest(LIST, { first: -1 }, LIMITS))).toEqual(['BAD_USER_INPUT', 'first']);
    expect(fieldOf(() => pageRequest(LIST, { last: 11 }, LIMITS))).toEqual(['BAD_USER_INPUT', 'last']);
    expect(fieldOf(() => pageRequest(LIST, { first: 1, last: 1 }, LIMITS))).toEqual(['BAD_USER_INPUT', 'last']);
    expect(fieldOf(() => pageRequest(LIST, { after: cursor, before: cursor }, LIMITS))).toEqual(['BAD_USER_INPUT', 'before']);
    expect(fieldOf(() => pageRequest(LIST, { after: 'garbage!' }, LIMITS))).toEqual(['BAD_USER_INPUT', 'after']);
    expect(fieldOf(() => pageRequest(LIST, { before: Buffer.from('{"not":"a list"}').toString('base64url') }, LIMITS))).toEqual(['BAD_USER_INPUT', 'before']);
    expect(fieldOf(() => pageRequest(LIST, { after: encodeCursor('Other.values', [1]) }, LIMITS))).toEqual(['BAD_USER_INPUT', 'after']);
    expect(fieldOf(() => pageRequest(LIST, { after: cursor }, LIMITS, (key) => typeof key[0] === 'string'))).toEqual(['BAD_USER_INPUT', 'after']);
    expect(fieldOf(() => pageRequest(LIST, { first: 0, after: cursor }, LIMITS))).toBe('no error');
  });
});
