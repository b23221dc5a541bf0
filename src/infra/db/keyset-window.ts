import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import type { PageWindow } from '../../shared/pagination.js';

/** A page request on a list ordered by one unique column (see PageRequest in src/shared/pagination.ts). */
export interface KeysetRequest {
  readonly size: number;
  readonly fromEnd: boolean;
  readonly after?: string | number | undefined;
  readonly before?: string | number | undefined;
}

/**
 * Cuts a page out of a list too long to load whole, by its unique sort column: one count, one
 * read of one row more than asked (is there more on the side the page moves to?), and at most one
 * existence check for the other side — a constant number of statements per page.
 * `descending`: the list runs from the largest value to the smallest (newest first).
 */
export async function keysetWindow<T extends ObjectLiteral>(
  list: () => SelectQueryBuilder<T>,
  column: string,
  descending: boolean,
  request: KeysetRequest,
): Promise<PageWindow<T>> {
  const follows = descending ? '<' : '>';
  const precedes = descending ? '>' : '<';
  const exists = async (operator: string, value: string | number) =>
    (await list().andWhere(`${column} ${operator} :edge`, { edge: value }).select(column).limit(1).getRawMany()).length > 0;

  const window = list();
  if (request.after !== undefined) window.andWhere(`${column} ${follows} :pageAfter`, { pageAfter: request.after });
  if (request.before !== undefined) window.andWhere(`${column} ${precedes} :pageBefore`, { pageBefore: request.before });
  const listOrder = descending ? 'DESC' : 'ASC';
  const reverseOrder = descending ? 'ASC' : 'DESC';
  // One more than asked tells whether the list goes on in the direction of paging.
  const fetched = await window
    .orderBy(column, request.fromEnd ? reverseOrder : listOrder)
    .take(request.size + 1)
    .getMany();
  const more = fetched.length > request.size;
  const page = fetched.slice(0, request.size);
  if (request.fromEnd) page.reverse();

  const atOrBeforeAfter = request.after === undefined ? false : await exists(`${precedes}=`, request.after);
  const atOrAfterBefore = request.before === undefined ? false : await exists(`${follows}=`, request.before);
  const totalCount = await list().getCount();
  return {
    rows: page,
    totalCount,
    hasPreviousPage: request.fromEnd ? more || atOrBeforeAfter : atOrBeforeAfter,
    hasNextPage: request.fromEnd ? atOrAfterBefore : more || atOrAfterBefore,
  };
}
