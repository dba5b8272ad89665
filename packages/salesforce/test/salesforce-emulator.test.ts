import { Connection } from 'jsforce';
import { setDefaults } from 'jsforce/lib/request';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildSalesforceId, startSalesforceEmulator, type SalesforceEmulator } from '../src/testing';

// Every request in these tests goes through real jsforce 3.10.16, pointed at the emulator.

const TOKEN = '00Dxx0000001gPL!AR8AQJXg5oj8jXSgxJfA0lBog7X';
let clock = Date.parse('2026-03-02T09:00:00.000Z');
let emulator: SalesforceEmulator;

function connect(accessToken: string = TOKEN, version = '62.0'): Connection {
  return new Connection({ instanceUrl: emulator.url, accessToken, version });
}

/** jsforce rejects with HttpApiError { errorCode, message, data }; this returns it. */
async function failure(promise: PromiseLike<unknown>): Promise<{ errorCode: string; message: string; data: unknown }> {
  try {
    await promise;
  } catch (error) {
    return error as { errorCode: string; message: string; data: unknown };
  }
  throw new Error('expected the call to fail');
}

/** The id of a SaveResult jsforce typed as a union or an array. */
function idOf(result: unknown): string {
  return (result as { id: string }).id;
}

async function createField(connection: Connection, fullName: string, metadata: Record<string, unknown>) {
  return connection.tooling.create('CustomField', { FullName: fullName, Metadata: metadata } as never);
}

beforeAll(async () => {
  emulator = await startSalesforceEmulator({ now: () => new Date(clock) });
  // Fault tests must not crawl through jsforce's own retries (5 attempts, 15.5 s).
  setDefaults({ retry: { maxRetries: 0 } });
});
afterAll(async () => {
  setDefaults({});
  await emulator.close();
});
beforeEach(() => {
  emulator.reset();
  clock = Date.parse('2026-03-02T09:00:00.000Z');
});

describe('discovery', () => {
  it('lists versions without a session and describes objects with their field metadata', async () => {
    const response = await fetch(`${emulator.url}/services/data`);
    const versions = (await response.json()) as Array<{ version: string; label: string; url: string }>;
    expect(versions.at(-1)).toEqual({ version: '62.0', label: "Winter '25", url: '/services/data/v62.0' });
    expect(versions.find((entry) => entry.version === '60.0')?.label).toBe("Spring '24");

    const connection = connect();
    const contact = await connection.sobject('Contact').describe();
    expect(contact.keyPrefix).toBe('003');
    const lastName = contact.fields.find((field) => field.name === 'LastName')!;
    expect(lastName).toMatchObject({ type: 'string', length: 80, nillable: false, createable: true, custom: false });
    expect(contact.fields.find((field) => field.name === 'Email')).toMatchObject({ type: 'email', length: 80 });
    const global = await connection.describeGlobal();
    expect(global.sobjects.map((object) => object.name)).toEqual(expect.arrayContaining(['Contact', 'Lead', 'Individual', 'ContactPointTypeConsent', 'DataUsePurpose']));
  });

  it('serves older versions under /services/data/vXX.X and refuses versions newer than the org', async () => {
    const old = await connect(TOKEN, '50.0').sobject('Lead').describe();
    expect(old.keyPrefix).toBe('00Q');
    const error = await failure(connect(TOKEN, '99.0').sobject('Lead').describe());
    expect(error.errorCode).toBe('NOT_FOUND');
  });

  it('reports the daily allowance in /limits and in Sforce-Limit-Info, which jsforce reads', async () => {
    const connection = connect();
    await connection.sobject('Contact').describe();
    expect(connection.limitInfo.apiUsage).toEqual({ used: 1, limit: 100_000 });
    const limits = await connection.limits();
    expect(limits.DailyApiRequests).toEqual({ Max: 100_000, Remaining: 100_000 - 2 });
  });
});

describe('authentication and allowance', () => {
  it('answers 401 INVALID_SESSION_ID without a token, for an expired one, and for one outside accessTokens', async () => {
    const missing = await failure(new Connection({ instanceUrl: emulator.url, version: '62.0' }).query('SELECT Id FROM Contact'));
    expect(missing).toMatchObject({ errorCode: 'INVALID_SESSION_ID', message: 'Session expired or invalid' });

    const connection = connect('session-to-expire');
    await connection.query('SELECT Id FROM Contact');
    emulator.expireSession('session-to-expire');
    expect((await failure(connection.query('SELECT Id FROM Contact'))).errorCode).toBe('INVALID_SESSION_ID');

    const strict = await startSalesforceEmulator({ accessTokens: ['only-this-one'] });
    try {
      const wrong = new Connection({ instanceUrl: strict.url, accessToken: 'another', version: '62.0' });
      expect((await failure(wrong.query('SELECT Id FROM Contact'))).errorCode).toBe('INVALID_SESSION_ID');
      const right = new Connection({ instanceUrl: strict.url, accessToken: 'only-this-one', version: '62.0' });
      expect((await right.query('SELECT Id FROM Contact')).totalSize).toBe(0);
    } finally {
      await strict.close();
    }
  });

  it('answers 403 REQUEST_LIMIT_EXCEEDED once the daily allowance is spent, without counting the refused call', async () => {
    const small = await startSalesforceEmulator({ dailyApiRequests: 2 });
    try {
      const connection = new Connection({ instanceUrl: small.url, accessToken: TOKEN, version: '62.0' });
      await connection.query('SELECT Id FROM Contact');
      await connection.query('SELECT Id FROM Contact');
      const error = await failure(connection.query('SELECT Id FROM Contact'));
      expect(error).toMatchObject({ errorCode: 'REQUEST_LIMIT_EXCEEDED', message: 'TotalRequests Limit exceeded.' });
      expect(small.apiUsage).toMatchObject({ used: 2, max: 2 });
    } finally {
      await small.close();
    }
  });

  it('never records the session id', async () => {
    await connect().query('SELECT Id FROM Contact');
    const call = emulator.calls.at(-1)!;
    expect(call.headers['authorization']).toBe('[redacted]');
    expect(JSON.stringify(emulator.calls)).not.toContain(TOKEN);
  });
});

describe('sObject rows', () => {
  it('creates (201 with an 18-character 003 id), retrieves, updates and deletes a Contact', async () => {
    const connection = connect();
    const created = await connection.sobject('Contact').create({ FirstName: 'Alice', LastName: 'Durand', Email: 'alice@example.com' });
    expect(created.success).toBe(true);
    const id = created.id!;
    expect(id).toMatch(/^003[0-9A-Za-z]{15}$/);
    expect(emulator.calls.at(-1)!.status).toBe(201);

    const read = await connection.sobject('Contact').retrieve(id);
    expect(read).toMatchObject({ Id: id, Name: 'Alice Durand', Email: 'alice@example.com', CreatedDate: '2026-03-02T09:00:00.000+0000' });
    expect(read.attributes).toEqual({ type: 'Contact', url: `/services/data/v62.0/sobjects/Contact/${id}` });

    clock += 60_000;
    const updated = await connection.sobject('Contact').update({ Id: id, Email: 'alice.durand@example.com' });
    expect(updated).toEqual({ id, success: true, errors: [] });
    expect(emulator.state.record('Contact', id)).toMatchObject({ Email: 'alice.durand@example.com', LastModifiedDate: '2026-03-02T09:01:00.000+0000' });
    expect(emulator.state.contactByEmail('ALICE.DURAND@example.com')?.Id).toBe(id);

    await connection.sobject('Contact').destroy(id);
    expect(emulator.state.record('Contact', id)).toBeNull();
    expect(emulator.state.records('Contact', { includeDeleted: true })).toHaveLength(1);
    expect((await failure(connection.sobject('Contact').retrieve(id))).errorCode).toBe('NOT_FOUND');
  });

  it('refuses missing required fields, unknown fields, read-only fields, bad emails and bad ids in Salesforce wording', async () => {
    const contacts = connect().sobject('Contact');
    expect(await failure(contacts.create({ FirstName: 'No last name' }))).toMatchObject({
      errorCode: 'REQUIRED_FIELD_MISSING',
      message: 'Required fields are missing: [LastName]',
    });
    expect(await failure(contacts.create({ LastName: 'X', Nickname__c: 'x' }))).toMatchObject({
      errorCode: 'INVALID_FIELD',
      message: "No such column 'Nickname__c' on sobject of type Contact",
    });
    expect((await failure(contacts.create({ LastName: 'X', Name: 'Read Only' }))).errorCode).toBe('INVALID_FIELD_FOR_INSERT_UPDATE');
    expect(await failure(contacts.create({ LastName: 'X', Email: 'not an email' }))).toMatchObject({
      errorCode: 'INVALID_EMAIL_ADDRESS',
      message: 'Email: invalid email address: not an email',
    });
    expect((await failure(contacts.retrieve(buildSalesforceId('00Q', 1)))).errorCode).toBe('MALFORMED_ID');
    expect((await failure(contacts.retrieve('0035g0000000999AAA'))).errorCode).toBe('NOT_FOUND');
    // An 18-character id whose case suffix does not match the first 15 characters is no id at all.
    expect((await failure(contacts.retrieve('0035g0000000999ZZZ'))).errorCode).toBe('NOT_FOUND');
  });

  it('enforces Text 255 and Long Text Area 131,072 limits with STRING_TOO_LONG', async () => {
    const connection = connect();
    await createField(connection, 'Contact.Consent_Summary__c', { type: 'Text', length: 255, label: 'Consent summary' });
    await createField(connection, 'Contact.Consent_Trail__c', { type: 'LongTextArea', length: 131_072, visibleLines: 5, label: 'Consent trail' });
    const contacts = connection.sobject('Contact');
    const fits = await contacts.create({ LastName: 'Fits', Consent_Summary__c: 'x'.repeat(255), Consent_Trail__c: 'y'.repeat(131_072) });
    expect(fits.success).toBe(true);
    const tooLong = await failure(contacts.create({ LastName: 'Too long', Consent_Summary__c: 'x'.repeat(256) }));
    expect(tooLong.errorCode).toBe('STRING_TOO_LONG');
    expect(tooLong.message).toContain('(max length=255)');
    expect((await failure(contacts.create({ LastName: 'Too long', Consent_Trail__c: 'y'.repeat(131_073) }))).errorCode).toBe('STRING_TOO_LONG');
    expect((await failure(createField(connection, 'Contact.Bigger__c', { type: 'LongTextArea', length: 131_073, visibleLines: 3, label: 'Bigger' }))).errorCode).toBe(
      'FIELD_INTEGRITY_EXCEPTION',
    );
  });

  it('upserts by External ID: 201 created, 200 updated, 300 when the value matches several records', async () => {
    const connection = connect();
    await createField(connection, 'Contact.Subject_Key__c', { type: 'Text', length: 80, label: 'Subject key', externalId: true, unique: true });
    await createField(connection, 'Contact.Campaign_Key__c', { type: 'Text', length: 80, label: 'Campaign key', externalId: true });
    const contacts = connection.sobject('Contact');
    const created = await contacts.upsert({ Subject_Key__c: 'alice@example.com', LastName: 'Durand' }, 'Subject_Key__c');
    expect(created).toMatchObject({ success: true, created: true });
    expect(emulator.calls.at(-1)!.status).toBe(201);
    const updated = await contacts.upsert({ Subject_Key__c: 'ALICE@example.com', LastName: 'Durand-Martin' }, 'Subject_Key__c');
    expect(updated).toMatchObject({ success: true, created: false, id: idOf(created) });
    expect(emulator.calls.at(-1)!.status).toBe(200);
    expect(emulator.state.records('Contact')).toHaveLength(1);

    await contacts.create([{ LastName: 'A', Campaign_Key__c: 'salon-2012' }, { LastName: 'B', Campaign_Key__c: 'salon-2012' }]);
    const multiple = await failure(contacts.upsert({ Campaign_Key__c: 'salon-2012', LastName: 'C' }, 'Campaign_Key__c'));
    expect(multiple.errorCode).toBe('MULTIPLE_CHOICES');
    expect(emulator.calls.at(-1)!.status).toBe(300);
    expect(multiple.data).toHaveLength(2);

    const notExternal = await failure(contacts.upsert({ Email: 'x@example.com', LastName: 'X' }, 'Email'));
    expect(notExternal.errorCode).toBe('NOT_FOUND');
  });

  it('fails the whole request with JSON_PARSER_ERROR when a value cannot be read as the field type', async () => {
    const contacts = connect().sobject('Contact');
    const error = await failure(contacts.create({ LastName: 'X', HasOptedOutOfEmail: 'yes' }));
    expect(error.errorCode).toBe('JSON_PARSER_ERROR');
    const batch = await failure(contacts.create([{ LastName: 'A' }, { LastName: 'B', HasOptedOutOfEmail: 'yes' }]));
    expect(batch.errorCode).toBe('JSON_PARSER_ERROR');
    expect(emulator.state.records('Contact')).toHaveLength(0);
  });

  it('answers an upsert that updates with 204 and no body before API 46.0', async () => {
    const connection = connect();
    await createField(connection, 'Contact.Subject_Key__c', { type: 'Text', length: 80, label: 'Subject key', externalId: true, unique: true });
    const old = connect(TOKEN, '45.0');
    await old.sobject('Contact').upsert({ Subject_Key__c: 'k', LastName: 'A' }, 'Subject_Key__c');
    expect(emulator.calls.at(-1)!.status).toBe(201);
    await old.sobject('Contact').upsert({ Subject_Key__c: 'k', LastName: 'B' }, 'Subject_Key__c');
    expect(emulator.calls.at(-1)).toMatchObject({ status: 204, responseBodyJson: undefined });
    expect(emulator.state.records('Contact').map((row) => row['LastName'])).toEqual(['B']);
  });

  it('refuses a second record with the same unique value (DUPLICATE_VALUE)', async () => {
    const connection = connect();
    await createField(connection, 'Contact.Subject_Key__c', { type: 'Text', length: 80, label: 'Subject key', externalId: true, unique: true });
    const first = await connection.sobject('Contact').create({ LastName: 'A', Subject_Key__c: 'k1' });
    const duplicate = await failure(connection.sobject('Contact').create({ LastName: 'B', Subject_Key__c: 'K1' }));
    expect(duplicate.errorCode).toBe('DUPLICATE_VALUE');
    expect(duplicate.message).toContain(first.id!);
  });
});

describe('sObject Collections', () => {
  it('creates up to 200 records per call with one SaveResult each and keeps the valid ones (allOrNone false)', async () => {
    const results = await connect().sobject('Contact').create([{ LastName: 'A' }, { FirstName: 'missing last name' }, { LastName: 'C' }]);
    expect(results.map((result) => result.success)).toEqual([true, false, true]);
    const failed = results[1] as unknown as { errors: Array<{ statusCode: string; message: string; fields: string[] }> };
    expect(failed.errors).toEqual([{ statusCode: 'REQUIRED_FIELD_MISSING', message: 'Required fields are missing: [LastName]', fields: ['LastName'] }]);
    expect(emulator.state.records('Contact').map((row) => row['LastName'])).toEqual(['A', 'C']);
    expect(emulator.calls.at(-1)).toMatchObject({ method: 'POST', path: '/services/data/v62.0/composite/sobjects', status: 200 });
  });

  it('rolls everything back with allOrNone', async () => {
    const results = await connect().sobject('Contact').create([{ LastName: 'A' }, { FirstName: 'missing last name' }], { allOrNone: true });
    expect(results.every((result) => !result.success)).toBe(true);
    const first = results[0] as unknown as { errors: Array<{ statusCode: string }> };
    expect(first.errors[0]!.statusCode).toBe('ALL_OR_NONE_OPERATION_ROLLED_BACK');
    expect(emulator.state.records('Contact')).toHaveLength(0);
  });

  it('refuses more than 200 records with EXCEEDED_ID_LIMIT and writes nothing', async () => {
    const records = Array.from({ length: 201 }, (_, index) => ({ LastName: `Contact ${index}` }));
    const error = await failure(connect().sobject('Contact').create(records));
    expect(error).toMatchObject({ errorCode: 'EXCEEDED_ID_LIMIT', message: 'record limit reached. cannot submit more than 200 records into this call' });
    expect(emulator.state.records('Contact')).toHaveLength(0);
  });

  it('updates, upserts by External ID, retrieves and deletes in batches', async () => {
    const connection = connect();
    await createField(connection, 'Contact.Subject_Key__c', { type: 'Text', length: 80, label: 'Subject key', externalId: true, unique: true });
    const contacts = connection.sobject('Contact');
    const upserted = await contacts.upsert(
      [
        { Subject_Key__c: 'a', LastName: 'A' },
        { Subject_Key__c: 'b', LastName: 'B' },
      ],
      'Subject_Key__c',
    );
    expect(upserted.map((result) => result.created)).toEqual([true, true]);
    expect(emulator.calls.at(-1)!.path).toBe('/services/data/v62.0/composite/sobjects/Contact/Subject_Key__c');
    const again = await contacts.upsert(
      [
        { Subject_Key__c: 'a', LastName: 'A2' },
        { Subject_Key__c: 'c', LastName: 'C' },
      ],
      'Subject_Key__c',
    );
    expect(again.map((result) => result.created)).toEqual([false, true]);
    const ids = again.map((result) => result.id!);
    await contacts.update(ids.map((Id) => ({ Id, Title: 'Buyer' })));
    const retrieved = await contacts.retrieve(ids, { fields: ['LastName', 'Title'] });
    expect(retrieved.map((row) => [row['LastName'], row['Title']])).toEqual([
      ['A2', 'Buyer'],
      ['C', 'Buyer'],
    ]);
    const deleted = await contacts.destroy([ids[0]!, '0035g0000000999AAA']);
    expect(deleted.map((result) => result.success)).toEqual([true, false]);
    expect(emulator.state.records('Contact').map((row) => row['Subject_Key__c'])).toEqual(['b', 'c']);
  });

  it('fails single records with UNABLE_TO_LOCK_ROW when partial failures are injected', async () => {
    emulator.faults.set({ partialFailure: 0.5, seed: 7 });
    const records = Array.from({ length: 40 }, (_, index) => ({ LastName: `Contact ${index}` }));
    const results = await connect().sobject('Contact').create(records);
    const failed = results.filter((result) => !result.success) as unknown as Array<{ errors: Array<{ statusCode: string }> }>;
    expect(failed.length).toBeGreaterThan(0);
    expect(failed.length).toBeLessThan(40);
    expect(failed.every((result) => result.errors[0]!.statusCode === 'UNABLE_TO_LOCK_ROW')).toBe(true);
    expect(emulator.state.records('Contact')).toHaveLength(40 - failed.length);
    expect(emulator.faults.injected['partial-failure']).toBe(failed.length);
  });
});

describe('Composite', () => {
  it('runs subrequests with references and counts as one API call', async () => {
    const connection = connect();
    const before = emulator.apiUsage.used;
    const response = await connection.requestPost<{ compositeResponse: Array<{ body: unknown; httpStatusCode: number; referenceId: string; httpHeaders: Record<string, string> }> }>('/composite', {
      allOrNone: false,
      compositeRequest: [
        { method: 'POST', url: '/services/data/v62.0/sobjects/Individual', referenceId: 'person', body: { LastName: 'Durand' } },
        { method: 'POST', url: '/services/data/v62.0/sobjects/Contact', referenceId: 'contact', body: { LastName: 'Durand', IndividualId: '@{person.id}' } },
        { method: 'GET', url: '/services/data/v62.0/sobjects/Contact/@{contact.id}?fields=IndividualId', referenceId: 'read' },
        { method: 'GET', url: "/services/data/v62.0/query?q=SELECT+Id+FROM+Contact", referenceId: 'all' },
      ],
    });
    expect(emulator.apiUsage.used - before).toBe(1);
    const [person, contact, read, all] = response.compositeResponse;
    expect(person!.httpStatusCode).toBe(201);
    expect(contact!.httpHeaders['Location']).toMatch(/^\/services\/data\/v62\.0\/sobjects\/Contact\/003/);
    expect((read!.body as { IndividualId: string }).IndividualId).toBe((person!.body as { id: string }).id);
    expect((all!.body as { totalSize: number }).totalSize).toBe(1);
  });

  it('rolls back every subrequest with allOrNone and answers PROCESSING_HALTED for the others', async () => {
    const response = await connect().requestPost<{ compositeResponse: Array<{ body: unknown; httpStatusCode: number }> }>('/composite', {
      allOrNone: true,
      compositeRequest: [
        { method: 'POST', url: '/services/data/v62.0/sobjects/Contact', referenceId: 'good', body: { LastName: 'Kept?' } },
        { method: 'POST', url: '/services/data/v62.0/sobjects/Contact', referenceId: 'bad', body: { FirstName: 'no last name' } },
        { method: 'POST', url: '/services/data/v62.0/sobjects/Contact', referenceId: 'after', body: { LastName: 'Never' } },
      ],
    });
    const [good, bad, after] = response.compositeResponse;
    expect(good).toMatchObject({ httpStatusCode: 400, body: [{ errorCode: 'PROCESSING_HALTED' }] });
    expect(bad).toMatchObject({ httpStatusCode: 400, body: [{ errorCode: 'REQUIRED_FIELD_MISSING' }] });
    expect(after).toMatchObject({ httpStatusCode: 400, body: [{ errorCode: 'PROCESSING_HALTED' }] });
    expect(emulator.state.records('Contact')).toHaveLength(0);
  });

  it('refuses more than 25 subrequests and more than 5 collections or queries', async () => {
    const connection = connect();
    const create = (index: number) => ({ method: 'POST', url: '/services/data/v62.0/sobjects/Contact', referenceId: `c${index}`, body: { LastName: `C${index}` } });
    const tooMany = await failure(connection.requestPost('/composite', { compositeRequest: Array.from({ length: 26 }, (_, index) => create(index)) }));
    expect(tooMany.errorCode).toBe('LIMIT_EXCEEDED');
    const query = (index: number) => ({ method: 'GET', url: '/services/data/v62.0/query?q=SELECT+Id+FROM+Contact', referenceId: `q${index}` });
    const tooHeavy = await failure(connection.requestPost('/composite', { compositeRequest: Array.from({ length: 6 }, (_, index) => query(index)) }));
    expect(tooHeavy.errorCode).toBe('LIMIT_EXCEEDED');
    expect(emulator.state.records('Contact')).toHaveLength(0);
  });

  it('carries 5 collections of 200 records (1,000 records) in one counted call', async () => {
    const before = emulator.apiUsage.used;
    const compositeRequest = Array.from({ length: 5 }, (_, chunk) => ({
      method: 'POST',
      url: '/services/data/v62.0/composite/sobjects',
      referenceId: `chunk${chunk}`,
      body: { allOrNone: false, records: Array.from({ length: 200 }, (_, index) => ({ attributes: { type: 'Contact' }, LastName: `C${chunk}-${index}` })) },
    }));
    const response = await connect().requestPost<{ compositeResponse: Array<{ httpStatusCode: number }> }>('/composite', { compositeRequest });
    expect(response.compositeResponse.map((entry) => entry.httpStatusCode)).toEqual([200, 200, 200, 200, 200]);
    expect(emulator.state.records('Contact')).toHaveLength(1000);
    expect(emulator.apiUsage.used - before).toBe(1);
  });
});

describe('SOQL', () => {
  async function seed(count: number) {
    const connection = connect();
    for (let start = 0; start < count; start += 200) {
      const size = Math.min(200, count - start);
      await connection.sobject('Contact').create(Array.from({ length: size }, (_, index) => ({ LastName: `Contact ${String(start + index).padStart(5, '0')}`, Title: (start + index) % 2 ? 'Odd' : null })));
    }
  }

  it('pages with nextRecordsUrl at the batch size Sforce-Query-Options asks for, and jsforce autoFetch follows it', async () => {
    await seed(450);
    const connection = connect();
    const first = await connection.request<{ totalSize: number; done: boolean; records: unknown[]; nextRecordsUrl: string }>({
      method: 'GET',
      url: '/query?q=' + encodeURIComponent('SELECT Id, LastName FROM Contact ORDER BY LastName'),
      headers: { 'Sforce-Query-Options': 'batchSize=200' },
    });
    expect(first).toMatchObject({ totalSize: 450, done: false });
    expect(first.records).toHaveLength(200);
    expect(first.nextRecordsUrl).toMatch(/^\/services\/data\/v62\.0\/query\/01g[0-9A-Za-z]{15}-200$/);
    const second = await connection.request<{ done: boolean; records: unknown[]; nextRecordsUrl: string }>({ method: 'GET', url: first.nextRecordsUrl, headers: {} });
    expect(second.records).toHaveLength(200);
    const third = await connection.request<{ done: boolean; records: unknown[] }>({ method: 'GET', url: second.nextRecordsUrl, headers: {} });
    expect(third).toMatchObject({ done: true });
    expect(third.records).toHaveLength(50);

    const all = await connection.query('SELECT Id FROM Contact', { autoFetch: true, maxFetch: 10_000, headers: { 'Sforce-Query-Options': 'batchSize=200' } });
    expect(all.records).toHaveLength(450);
    expect((await failure(connection.request({ method: 'GET', url: '/query/01g5g0000000999AAA-200', headers: {} }))).errorCode).toBe('INVALID_QUERY_LOCATOR');
  });

  it('filters, sorts with NULLS LAST, limits, offsets and counts', async () => {
    await seed(30);
    const connection = connect();
    const odd = await connection.query<{ LastName: string; Title: string | null }>(
      "SELECT LastName, Title FROM Contact WHERE Title = 'odd' AND (LastName LIKE 'Contact 0001%' OR LastName IN ('Contact 00021', 'Contact 00023')) ORDER BY LastName DESC LIMIT 3 OFFSET 1",
    );
    expect(odd.records.map((row) => row.LastName)).toEqual(['Contact 00021', 'Contact 00019', 'Contact 00017']);
    const nullsLast = await connection.query<{ Title: string | null }>('SELECT Title FROM Contact ORDER BY Title ASC NULLS LAST LIMIT 20');
    expect(nullsLast.records.slice(0, 15).every((row) => row.Title === 'Odd')).toBe(true);
    expect(nullsLast.records.slice(15).every((row) => row.Title === null)).toBe(true);
    const count = await connection.query('SELECT COUNT() FROM Contact WHERE Title != null');
    expect(count).toMatchObject({ totalSize: 15, records: [] });
    const created = await connection.query("SELECT Id FROM Contact WHERE CreatedDate >= 2026-03-02T00:00:00Z AND CreatedDate < 2026-03-03T00:00:00+00:00");
    expect(created.totalSize).toBe(30);
    expect((await connection.query('SELECT Id FROM Contact WHERE CreatedDate = TODAY')).totalSize).toBe(30);
  });

  it('answers MALFORMED_QUERY, INVALID_FIELD and INVALID_TYPE in Salesforce wording', async () => {
    const connection = connect();
    const malformed = await failure(connection.query("SELECT Id FROM Contact WHERE LastName = 'a' AND Title = 'b' OR Email = 'c'"));
    expect(malformed.errorCode).toBe('MALFORMED_QUERY');
    expect(malformed.message).toContain("unexpected token: 'OR'");
    const field = await failure(connection.query('SELECT Id, Nickname FROM Contact'));
    expect(field.errorCode).toBe('INVALID_FIELD');
    expect(field.message).toContain("No such column 'Nickname' on entity 'Contact'");
    expect(field.message).toContain('ERROR at Row:1:Column:12');
    const quoted = await failure(connection.query("SELECT Id FROM Contact WHERE CreatedDate > '2020-01-01'"));
    expect(quoted.message).toContain("value of filter criterion for field 'CreatedDate' must be of type dateTime and should not be enclosed in quotes");
    expect((await failure(connection.query('SELECT Id FROM Nothing__c'))).errorCode).toBe('INVALID_TYPE');
    expect((await failure(connection.query('SELECT Id FROM Contact OFFSET 2001'))).errorCode).toBe('NUMBER_OUTSIDE_VALID_RANGE');
  });

  it('reads parent fields one relationship up and includes deleted rows only in queryAll', async () => {
    const connection = connect();
    const contact = await connection.sobject('Contact').create({ LastName: 'Durand', Email: 'alice@example.com' });
    await createField(connection, 'Lead.Converted_Contact__c', { type: 'Lookup', referenceTo: 'Contact', relationshipName: 'Converted_Contact', label: 'Converted contact' });
    await connection.sobject('Lead').create({ LastName: 'Durand', Company: 'Acme', Converted_Contact__c: contact.id });
    const leads = await connection.query<{ Converted_Contact__r: { Email: string } }>('SELECT Id, Converted_Contact__r.Email FROM Lead');
    expect(leads.records[0]!.Converted_Contact__r.Email).toBe('alice@example.com');
    await connection.sobject('Contact').destroy(contact.id!);
    expect((await connection.query('SELECT Id FROM Contact')).totalSize).toBe(0);
    expect((await connection.query('SELECT Id FROM Contact', { scanAll: true })).totalSize).toBe(1);
    // The lookup is cleared (SetNull) when its parent goes to the recycle bin.
    expect(emulator.state.records('Lead')[0]!['Converted_Contact__c']).toBeNull();
  });
});

describe('Tooling API', () => {
  it('creates custom fields that describe, SOQL and Tooling queries then show', async () => {
    const connection = connect();
    const result = await createField(connection, 'Contact.Optin_Source__c', { type: 'Text', length: 255, label: 'Opt-in source', trackHistory: true });
    expect(result).toMatchObject({ success: true });
    expect(idOf(result)).toMatch(/^00N/);
    expect(emulator.state.field('Contact', 'Optin_Source__c')).toMatchObject({ type: 'string', length: 255, custom: true, label: 'Opt-in source' });
    const tooling = await connection.tooling.query<{ DeveloperName: string; TableEnumOrId: string }>(
      "SELECT Id, DeveloperName, TableEnumOrId FROM CustomField WHERE DeveloperName = 'Optin_Source' AND TableEnumOrId = 'Contact'",
    );
    expect(tooling.records).toEqual([expect.objectContaining({ DeveloperName: 'Optin_Source', TableEnumOrId: 'Contact' })]);
    const duplicate = await failure(createField(connection, 'Contact.Optin_Source__c', { type: 'Text', length: 255, label: 'Again' }));
    expect(duplicate.errorCode).toBe('DUPLICATE_DEVELOPER_NAME');
  });

  it('creates a custom object with an auto-number name, a lookup to Contact and an External ID', async () => {
    const connection = connect();
    const created = await connection.tooling.create('CustomObject', {
      FullName: 'OptinTrail_Event__c',
      Metadata: { label: 'OptinTrail Event', pluralLabel: 'OptinTrail Events', nameField: { type: 'AutoNumber', label: 'Event number', displayFormat: 'EV-{000000}' }, deploymentStatus: 'Deployed', sharingModel: 'ReadWrite' },
    } as never);
    expect(idOf(created)).toMatch(/^01I/);
    await createField(connection, 'OptinTrail_Event__c.Contact__c', { type: 'Lookup', referenceTo: 'Contact', relationshipName: 'Events', label: 'Contact' });
    await createField(connection, 'OptinTrail_Event__c.Event_Id__c', { type: 'Text', length: 36, label: 'Event id', externalId: true, unique: true });
    const describe = await connection.sobject('OptinTrail_Event__c').describe();
    expect(describe.keyPrefix).toMatch(/^a0/);
    const contact = await connection.sobject('Contact').create({ LastName: 'Durand' });
    const event = await connection.sobject('OptinTrail_Event__c').upsert({ Event_Id__c: '01J0000000000000000000000A', Contact__c: contact.id }, 'Event_Id__c');
    const row = emulator.state.record('OptinTrail_Event__c', idOf(event))!;
    expect(row).toMatchObject({ Name: 'EV-000001', Contact__c: contact.id });
    // A parent can be named by its External ID instead of its id.
    await createField(connection, 'Contact.Subject_Key__c', { type: 'Text', length: 80, label: 'Subject key', externalId: true, unique: true });
    await connection.sobject('Contact').update({ Id: contact.id!, Subject_Key__c: 'alice@example.com' });
    const [linked, dangling] = await connection.sobject('OptinTrail_Event__c').upsert(
      [
        { Event_Id__c: 'e2', Contact__r: { Subject_Key__c: 'ALICE@example.com' } },
        { Event_Id__c: 'e3', Contact__r: { Subject_Key__c: 'nobody@example.com' } },
      ],
      'Event_Id__c',
    );
    expect(emulator.state.record('OptinTrail_Event__c', linked!.id!)?.['Contact__c']).toBe(contact.id);
    expect((dangling as unknown as { errors: Array<{ statusCode: string; message: string }> }).errors[0]).toMatchObject({
      statusCode: 'INVALID_FIELD',
      message: 'Foreign key external ID: nobody@example.com not found for field Subject_Key__c in entity Contact',
    });
    const entity = await connection.tooling.query<{ QualifiedApiName: string; KeyPrefix: string }>("SELECT QualifiedApiName, KeyPrefix FROM EntityDefinition WHERE QualifiedApiName = 'OptinTrail_Event__c'");
    expect(entity.records[0]).toMatchObject({ QualifiedApiName: 'OptinTrail_Event__c', KeyPrefix: describe.keyPrefix });
    const customFields = await connection.tooling.query("SELECT Id, TableEnumOrId FROM CustomField WHERE TableEnumOrId = '" + idOf(created) + "'");
    expect(customFields.totalSize).toBe(2);
    expect(emulator.state.field('OptinTrail_Event__c', 'Contact__c')).toMatchObject({ type: 'reference', referenceTo: ['Contact'], relationshipName: 'Contact__r' });
    const heavy = await failure(connection.tooling.query('SELECT Id, Metadata FROM CustomField'));
    expect(heavy.errorCode).toBe('MALFORMED_QUERY');
  });

  it('answers INSUFFICIENT_ACCESS_OR_READONLY without Customize Application', async () => {
    emulator.permissions.customizeApplication = false;
    const error = await failure(createField(connect(), 'Contact.Optin_Source__c', { type: 'Text', length: 255, label: 'Opt-in source' }));
    expect(error.errorCode).toBe('INSUFFICIENT_ACCESS_OR_READONLY');
    expect(emulator.state.field('Contact', 'Optin_Source__c')).toBeNull();
  });
});

describe('consent objects', () => {
  it('stores ContactPointTypeConsent linked to an Individual and a DataUsePurpose, with restricted picklists', async () => {
    const connection = connect();
    const individual = await connection.sobject('Individual').create({ LastName: 'Durand' });
    const purpose = await connection.sobject('DataUsePurpose').create({ Name: 'Newsletter' });
    const consent = await connection.sobject('ContactPointTypeConsent').create({
      Name: 'Newsletter by email',
      PartyId: individual.id,
      ContactPointType: 'Email',
      PrivacyConsentStatus: 'OptIn',
      DataUsePurposeId: purpose.id,
      CaptureDate: '2012-09-19T10:00:00.000Z',
      CaptureContactPointType: 'Web',
      CaptureSource: 'Salon E-commerce Paris',
      DoubleConsentCaptureDate: '2012-09-19T10:05:00Z',
    });
    expect(emulator.state.record('ContactPointTypeConsent', consent.id!)).toMatchObject({ CaptureDate: '2012-09-19T10:00:00.000+0000', PrivacyConsentStatus: 'OptIn' });
    const bad = await failure(connection.sobject('ContactPointTypeConsent').create({ Name: 'x', PartyId: individual.id, ContactPointType: 'Email', PrivacyConsentStatus: 'Maybe' }));
    expect(bad).toMatchObject({ errorCode: 'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST' });
    const dangling = await failure(connection.sobject('ContactPointTypeConsent').create({ Name: 'x', PartyId: buildSalesforceId('0PK', 999), ContactPointType: 'Email' }));
    expect(dangling.errorCode).toBe('INVALID_CROSS_REFERENCE_KEY');
  });

  it('has no consent objects when Data Protection and Privacy is off', async () => {
    const plain = await startSalesforceEmulator({ consentObjects: false });
    try {
      const connection = new Connection({ instanceUrl: plain.url, accessToken: TOKEN, version: '62.0' });
      expect((await failure(connection.sobject('ContactPointTypeConsent').describe())).errorCode).toBe('NOT_FOUND');
      expect((await failure(connection.query('SELECT Id FROM Individual'))).errorCode).toBe('INVALID_TYPE');
    } finally {
      await plain.close();
    }
  });
});

describe('history and tamper helpers', () => {
  it('writes ContactHistory for tracked fields, attributing CRM edits to the CRM user', async () => {
    const connection = connect();
    await createField(connection, 'Contact.Optin_Trail__c', { type: 'LongTextArea', length: 32_768, visibleLines: 3, label: 'Trail', trackHistory: true });
    const { id } = await connection.sobject('Contact').create({ LastName: 'Durand', Email: 'alice@example.com' });
    clock += 1000;
    await connection.sobject('Contact').update({ Id: id!, Email: 'alice@new.example.com', Optin_Trail__c: 'x'.repeat(300) });
    clock += 1000;
    emulator.state.updateRecord('Contact', id!, { Email: 'alice@crm.example.com' });
    const history = emulator.state.history('Contact', id!);
    expect(history.map((row) => [row.Field, row.OldValue, row.NewValue, row.CreatedById])).toEqual([
      ['created', null, null, emulator.state.integrationUserId],
      ['Email', 'alice@example.com', 'alice@new.example.com', emulator.state.integrationUserId],
      // Long text changes are tracked without their values, as Salesforce does.
      ['Optin_Trail__c', null, null, emulator.state.integrationUserId],
      ['Email', 'alice@new.example.com', 'alice@crm.example.com', emulator.state.crmUserId],
    ]);
    const queried = await connection.query<{ Field: string; NewValue: unknown }>(`SELECT Field, NewValue, CreatedDate FROM ContactHistory WHERE ContactId = '${id}' ORDER BY CreatedDate DESC LIMIT 1`);
    expect(queried.records[0]).toMatchObject({ Field: 'Email', NewValue: 'alice@crm.example.com' });
    const insert = await failure(connection.sobject('ContactHistory').create({ ContactId: id, Field: 'Email' }));
    expect(insert.errorCode).toBe('INVALID_TYPE_FOR_OPERATION');
  });
});

describe('injected faults', () => {
  afterEach(() => emulator.faults.reset());

  it('answers REQUEST_LIMIT_EXCEEDED for rate-limit faults and UNKNOWN_EXCEPTION for server errors', async () => {
    const connection = connect();
    emulator.faults.failNext('rate-limit', 'server-error');
    expect(await failure(connection.query('SELECT Id FROM Contact'))).toMatchObject({ errorCode: 'REQUEST_LIMIT_EXCEEDED' });
    const serverError = await failure(connection.sobject('Contact').create({ LastName: 'X' }));
    expect(serverError.errorCode).toBe('UNKNOWN_EXCEPTION');
    expect(emulator.calls.at(-1)).toMatchObject({ status: 500, fault: 'server-error' });
    expect(emulator.state.records('Contact')).toHaveLength(0);
  });
});
