import { Connection } from 'jsforce';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSalesforceEmulator, type SalesforceEmulator } from '../src/testing';

// Salesforce's size limits on queries: 100,000 characters of SOQL, 16,384 bytes of URI (and of URI
// plus headers) on a GET, 2,000 rows per page, and paging that works inside Composite as well.
// The package's vitest config raises Node's own 16 KB header limit so the emulator sees these requests.

const TOKEN = 'request-limits-session';
let emulator: SalesforceEmulator;

interface Subresponse {
  body: unknown;
  httpStatusCode: number;
  referenceId: string;
}

interface QueryPage {
  totalSize: number;
  done: boolean;
  records: Array<{ Id: string }>;
  nextRecordsUrl?: string;
}

function connect(): Connection {
  return new Connection({ instanceUrl: emulator.url, accessToken: TOKEN, version: '62.0' });
}

/** A valid SOQL statement of exactly `length` characters: last names listed in an IN clause. */
function soqlOfLength(length: number): string {
  const head = "SELECT Id FROM Contact WHERE LastName IN ('";
  const tail = "')";
  const names: string[] = [];
  let used = head.length + tail.length;
  while (length - used > 60) {
    const name = `n${names.length}`;
    names.push(name);
    used += name.length + 4; // the name, its closing and opening quote, and ", "
  }
  names.push('x'.repeat(length - used));
  const soql = `${head}${names.join("', '")}${tail}`;
  expect(soql).toHaveLength(length);
  return soql;
}

async function composite(subrequests: Array<{ url: string; referenceId: string }>): Promise<Subresponse[]> {
  const response = await connect().requestPost<{ compositeResponse: Subresponse[] }>('/composite', {
    compositeRequest: subrequests.map((subrequest) => ({ method: 'GET', ...subrequest })),
  });
  return response.compositeResponse;
}

beforeAll(async () => {
  emulator = await startSalesforceEmulator();
});
afterAll(() => emulator.close());
beforeEach(() => emulator.reset());

describe('SOQL length', () => {
  it('runs a statement of 100,000 characters and refuses one more with MALFORMED_QUERY, inside Composite', async () => {
    emulator.state.createRecord('Contact', { LastName: 'n7' });
    const before = emulator.apiUsage.used;
    const [fits, tooLong] = await composite([
      { url: `/services/data/v62.0/query?q=${encodeURIComponent(soqlOfLength(100_000))}`, referenceId: 'fits' },
      { url: `/services/data/v62.0/query?q=${encodeURIComponent(soqlOfLength(100_001))}`, referenceId: 'tooLong' },
    ]);
    expect(fits).toMatchObject({ httpStatusCode: 200, body: { totalSize: 1, done: true } });
    expect(tooLong).toMatchObject({
      httpStatusCode: 400,
      body: [{ errorCode: 'MALFORMED_QUERY', message: 'SOQL statements can not be longer than 100000 characters.' }],
    });
    expect(emulator.apiUsage.used - before).toBe(1);
  });
});

describe('request size at the edge', () => {
  it('answers 414 URI Too Long for a GET whose URI passes 16,384 bytes, before counting it', async () => {
    const before = emulator.apiUsage.used;
    const path = `/services/data/v62.0/query?q=${encodeURIComponent(soqlOfLength(16_400))}`;
    expect(path.length).toBeGreaterThan(16_384);
    const response = await fetch(`${emulator.url}${path}`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(response.status).toBe(414);
    expect(await response.text()).toContain('URI Too Long');
    expect(emulator.apiUsage.used).toBe(before);
    // jsforce turns the HTML page into an error named after the status.
    const error = await connect()
      .query(soqlOfLength(16_400))
      .then(
        () => undefined,
        (failure: unknown) => failure as { errorCode?: string },
      );
    expect(error?.errorCode).toBe('ERROR_HTTP_414');
  });

  it('answers 431 when the URI fits but URI and headers together pass 16,384 bytes', async () => {
    const path = `/services/data/v62.0/query?q=${encodeURIComponent(soqlOfLength(8_000))}`;
    // On the wire (as fetch and jsforce send it) each quote is %27.
    const wire = new URL(path, emulator.url);
    const uriBytes = wire.pathname.length + wire.search.length;
    expect(uriBytes).toBeGreaterThan(14_000);
    expect(uriBytes).toBeLessThan(16_384);
    const plain = await fetch(`${emulator.url}${path}`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(plain.status).toBe(200);
    const padded = await fetch(`${emulator.url}${path}`, { headers: { authorization: `Bearer ${TOKEN}`, 'x-padding': 'p'.repeat(16_384 - uriBytes) } });
    expect(padded.status).toBe(431);
    expect(await padded.text()).toContain('Request Header Fields Too Large');
  });
});

describe('paging inside Composite', () => {
  it('answers 2,000 rows and a nextRecordsUrl that a later Composite subrequest follows', async () => {
    const connection = connect();
    for (let start = 0; start < 2_500; start += 200) {
      await connection.sobject('Contact').create(Array.from({ length: Math.min(200, 2_500 - start) }, (_, index) => ({ LastName: `Paged ${start + index}` })));
    }
    const before = emulator.apiUsage.used;
    const [first] = await composite([{ url: `/services/data/v62.0/query?q=${encodeURIComponent('SELECT Id FROM Contact')}`, referenceId: 'first' }]);
    const page = first!.body as QueryPage;
    expect(page).toMatchObject({ totalSize: 2_500, done: false });
    expect(page.records).toHaveLength(2_000);
    expect(page.nextRecordsUrl).toMatch(/^\/services\/data\/v62\.0\/query\/01g[0-9A-Za-z]{15}-2000$/);
    const [second] = await composite([{ url: page.nextRecordsUrl!, referenceId: 'second' }]);
    const rest = second!.body as QueryPage;
    expect(rest).toMatchObject({ done: true });
    expect(rest.records).toHaveLength(500);
    expect(new Set([...page.records, ...rest.records].map((row) => row.Id)).size).toBe(2_500);
    expect(emulator.apiUsage.used - before).toBe(2);
  });
});
