import type { SalesforceClient } from './salesforce-client';
import { COMPOSITE_MAX_COLLECTIONS } from './salesforce-collection-writer';
import { toSalesforceError } from './salesforce-error';

/** Salesforce refuses a longer SOQL statement: MALFORMED_QUERY "SOQL statements can not be longer than 100000 characters." */
export const MAX_SOQL_LENGTH = 100_000;
/**
 * A GET request line past 16,384 bytes is refused (414 URI Too Long; 431 with the headers counted).
 * This bound on the path and query string leaves room for the headers.
 */
export const MAX_QUERY_URL_LENGTH = 14_000;
/** A query answers at most 2,000 records per page; each further page (`nextRecordsUrl`) is another query. */
export const QUERY_PAGE_RECORDS = 2_000;

type Row = Record<string, unknown>;

interface QueryPage {
  totalSize: number;
  done: boolean;
  records: Row[];
  nextRecordsUrl?: string;
}

/** Bytes of a path as it goes on the wire: the URL parser percent-encodes what encodeURIComponent leaves (a quote becomes %27). */
function wireLength(path: string): number {
  const url = new URL(path, 'http://salesforce.invalid');
  return url.pathname.length + url.search.length;
}

/** Where a query travels, and what bounds its groups. */
export interface QueryBounds {
  /**
   * `false`: a GET `/query?q=` whose request line must stay under {@link MAX_QUERY_URL_LENGTH};
   * `true`: a Composite subrequest, whose SOQL only has to stay under {@link MAX_SOQL_LENGTH}.
   */
  inComposite: boolean;
  /** At most this many items per query. */
  maxItems?: number;
  /** Rows each item is expected to return (default 1); a group keeps their sum within one page. */
  rows?: (item: string) => number;
}

/**
 * Splits items into the fewest groups (greedily, in order) whose rendered query fits the bounds.
 * `render(group)` must list every item the same number of times, separated by `, `; the length of
 * a query then grows by the same amount per item whatever the group, so no query is rendered whole
 * until it is sent. An item too long on its own still gets a group (the server's error says why).
 */
export function queryGroups(client: SalesforceClient, items: readonly string[], render: (group: string[]) => string, bounds: QueryBounds): string[][] {
  const measure = (soql: string) => (bounds.inComposite ? soql.length : wireLength(client.absolute(`/query?q=${encodeURIComponent(soql)}`)));
  const budget = bounds.inComposite ? MAX_SOQL_LENGTH : MAX_QUERY_URL_LENGTH;
  const maxItems = bounds.maxItems ?? Number.POSITIVE_INFINITY;
  // render([]) plus, per item, what one more copy of it adds (its literal and a separator per list):
  // an upper bound on the real length by one separator per list.
  const base = measure(render([]));
  const groups: string[][] = [];
  let current: string[] = [];
  let length = base;
  let rows = 0;
  for (const item of items) {
    const cost = measure(render([item, item])) - measure(render([item]));
    const itemRows = bounds.rows?.(item) ?? 1;
    const full = current.length >= maxItems || length + cost > budget || (rows > 0 && rows + itemRows > QUERY_PAGE_RECORDS);
    if (current.length > 0 && full) {
      groups.push(current);
      current = [];
      length = base;
      rows = 0;
    }
    current.push(item);
    length += cost;
    rows += itemRows;
  }
  if (current.length > 0) groups.push(current);
  return groups;
}

/**
 * Runs queries and returns every row of each, in order. Direct: one GET each (in parallel), pages
 * followed with GETs. In Composite: up to five query subrequests per call (counted once); the pages
 * a query did not answer in full (`nextRecordsUrl`) are fetched as subrequests of the next calls, so
 * they share calls with the remaining queries.
 */
export async function runQueries(client: SalesforceClient, operation: string, soqls: readonly string[], inComposite: boolean): Promise<Row[][]> {
  if (!inComposite) return Promise.all(soqls.map((soql) => client.query<Row>(operation, soql)));
  const results: Row[][] = soqls.map(() => []);
  const pending = soqls.map((soql, index) => ({ index, path: `/query?q=${encodeURIComponent(soql)}` }));
  while (pending.length > 0) {
    const group = pending.splice(0, COMPOSITE_MAX_COLLECTIONS);
    const responses = await client.composite(
      operation,
      group.map(({ path }, position) => ({ method: 'GET' as const, path, referenceId: `query${position}` })),
    );
    for (const [position, { index }] of group.entries()) {
      const response = responses.find((candidate) => candidate.referenceId === `query${position}`);
      if (!response || response.httpStatusCode >= 300) {
        const errors = (Array.isArray(response?.body) ? response!.body : []) as Array<{ errorCode?: string; message?: string }>;
        throw toSalesforceError({ errorCode: errors[0]?.errorCode ?? `ERROR_HTTP_${response?.httpStatusCode ?? 500}`, message: errors[0]?.message ?? 'query failed', data: errors }, operation);
      }
      const page = response.body as QueryPage;
      results[index]!.push(...page.records);
      if (!page.done && page.nextRecordsUrl) pending.push({ index, path: page.nextRecordsUrl });
    }
  }
  return results;
}
