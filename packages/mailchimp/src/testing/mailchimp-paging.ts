import { problems } from './mailchimp-problem';

/** Collections answer `count` items (default 10, at most 1,000) starting at `offset`. */
export const MAILCHIMP_MAX_PAGE_SIZE = 1000;

export interface Page<T> {
  items: T[];
  total: number;
}

/**
 * Applies `offset` / `count` from the query. Inside a batch operation a GET without `count`
 * pages through the whole collection, as the batch endpoint documents.
 */
export function paginate<T>(items: T[], query: URLSearchParams, options: { unlimitedWithoutCount?: boolean } = {}): Page<T> {
  const countText = query.get('count');
  const offsetText = query.get('offset');
  const count = countText === null || countText === '' ? (options.unlimitedWithoutCount ? items.length : 10) : Number(countText);
  const offset = offsetText === null || offsetText === '' ? 0 : Number(offsetText);
  if (!Number.isInteger(count) || count < 0) throw problems.badRequest('The count parameter must be a positive integer.');
  if (count > MAILCHIMP_MAX_PAGE_SIZE && !(options.unlimitedWithoutCount && countText === null)) {
    throw problems.badRequest(`The count parameter cannot be greater than ${MAILCHIMP_MAX_PAGE_SIZE}.`);
  }
  if (!Number.isInteger(offset) || offset < 0) throw problems.badRequest('The offset parameter must be a positive integer.');
  return { items: items.slice(offset, offset + count), total: items.length };
}
