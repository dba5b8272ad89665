import { Client } from '@hubspot/api-client';
import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startHubSpotEmulator, type HubSpotEmulator } from '../src/testing/index';

// Everything below goes through the official SDK, pointed at the emulator, as the adapter will.

interface CaughtApiError {
  code: number;
  body: Record<string, any>;
  headers: Record<string, string>;
}

async function apiError(call: Promise<unknown>): Promise<CaughtApiError> {
  try {
    await call;
  } catch (error) {
    const caught = error as Partial<CaughtApiError>;
    if (typeof caught.code !== 'number') throw error;
    return caught as CaughtApiError;
  }
  throw new Error('expected the HubSpot call to fail');
}

const hubspotDefined = 'HUBSPOT_DEFINED' as const;
const noteToContact = (contactId: string) => [{ to: { id: contactId }, types: [{ associationCategory: hubspotDefined as any, associationTypeId: 202 }] }];
const email = (index: number) => `person${index}@example.com`;

async function createOptinTrailSchema(client: Client) {
  await client.crm.properties.groupsApi.create('contacts', { name: 'optintrail', label: 'OptinTrail', displayOrder: -1 });
  await client.crm.properties.batchApi.create('contacts', {
    inputs: [
      { name: 'optintrail_source', label: 'Consent source', type: 'string' as any, fieldType: 'text' as any, groupName: 'optintrail' },
      { name: 'optintrail_events', label: 'Event count', type: 'number' as any, fieldType: 'number' as any, groupName: 'optintrail' },
      { name: 'optintrail_since', label: 'Consent date', type: 'date' as any, fieldType: 'date' as any, groupName: 'optintrail' },
      { name: 'optintrail_at', label: 'Consent time', type: 'datetime' as any, fieldType: 'date' as any, groupName: 'optintrail' },
      { name: 'optintrail_confirmed', label: 'Double opt-in', type: 'bool' as any, fieldType: 'booleancheckbox' as any, groupName: 'optintrail' },
      {
        name: 'optintrail_status',
        label: 'Consent status',
        type: 'enumeration' as any,
        fieldType: 'select' as any,
        groupName: 'optintrail',
        options: [
          { label: 'Given', value: 'given', hidden: false, displayOrder: 0 },
          { label: 'Withdrawn', value: 'withdrawn', hidden: false, displayOrder: 1 },
        ],
      },
    ],
  });
}

describe('HubSpot emulator through @hubspot/api-client', () => {
  let emulator: HubSpotEmulator;
  let client: Client;

  beforeAll(async () => {
    emulator = await startHubSpotEmulator({ rateLimit: false });
    client = new Client({ accessToken: 'test-token', basePath: emulator.url });
  });
  afterEach(() => emulator.reset());
  afterAll(() => emulator.close());

  describe('authentication and routing', () => {
    it('answers 401 in HubSpot shape without a bearer token and never records the token', async () => {
      const anonymous = new Client({ basePath: emulator.url });
      const error = await apiError(anonymous.crm.contacts.basicApi.getPage());
      expect(error.code).toBe(401);
      expect(error.body).toMatchObject({ category: 'INVALID_AUTHENTICATION', message: expect.stringContaining('Authentication credentials not found') });
      expect(error.body.correlationId).toMatch(/^[0-9a-f-]{36}$/);
      await client.crm.contacts.basicApi.getPage();
      const authorised = emulator.calls.at(-1)!;
      expect(authorised.headers['authorization']).toBe('[redacted]');
      expect(JSON.stringify(emulator.calls)).not.toContain('test-token');
    });

    it('accepts only the configured tokens when given a list', async () => {
      const strict = await startHubSpotEmulator({ accessTokens: ['good-token'], rateLimit: false });
      try {
        const rejected = await apiError(new Client({ accessToken: 'bad-token', basePath: strict.url }).crm.contacts.basicApi.getPage());
        expect(rejected.code).toBe(401);
        const page = await new Client({ accessToken: 'good-token', basePath: strict.url }).crm.contacts.basicApi.getPage();
        expect(page.results).toEqual([]);
      } finally {
        await strict.close();
      }
    });

    it('answers an unknown route with a JSON 404 and a Content-Type on every kind of answer', async () => {
      const unknown = await client.apiRequest({ method: 'GET', path: '/crm/v3/nothing-here' });
      expect(unknown.status).toBe(404);
      expect(unknown.headers.get('content-type')).toContain('application/json');
      expect(await unknown.json()).toMatchObject({ status: 'error', category: 'OBJECT_NOT_FOUND' });
      const noContent = await client.apiRequest({ method: 'POST', path: '/crm/v3/objects/contacts/batch/archive', body: { inputs: [] } });
      expect(noContent.status).toBe(204);
      expect(noContent.headers.get('content-type')).toContain('application/json');
      expect(noContent.headers.get('x-hubspot-correlation-id')).toBeTruthy();
    });

    it('refuses an unknown object type the way HubSpot does', async () => {
      const error = await apiError(client.crm.properties.coreApi.getAll('widgets'));
      expect(error.code).toBe(400);
      expect(error.body.message).toBe('Unable to infer object type from: widgets');
    });
  });

  describe('properties and groups', () => {
    it('creates groups and properties once; a duplicate name is a 409 in HubSpot shape', async () => {
      await createOptinTrailSchema(client);
      const group = await client.crm.properties.groupsApi.getByName('contacts', 'optintrail');
      expect(group).toMatchObject({ name: 'optintrail', label: 'OptinTrail', archived: false });
      const property = await client.crm.properties.coreApi.getByName('contacts', 'optintrail_status');
      expect(property.options.map((option) => option.value)).toEqual(['given', 'withdrawn']);
      expect(property.hubspotDefined).toBe(false);
      const all = await client.crm.properties.coreApi.getAll('contacts');
      expect(all.results.map((definition) => definition.name)).toEqual(expect.arrayContaining(['email', 'optintrail_source', 'optintrail_confirmed']));

      const duplicate = await apiError(
        client.crm.properties.coreApi.create('contacts', { name: 'optintrail_source', label: 'Again', type: 'string' as any, fieldType: 'text' as any, groupName: 'optintrail' }),
      );
      expect(duplicate.code).toBe(409);
      expect(duplicate.body).toMatchObject({ category: 'OBJECT_ALREADY_EXISTS', context: { name: ['optintrail_source'] } });
      const duplicateGroup = await apiError(client.crm.properties.groupsApi.create('contacts', { name: 'optintrail', label: 'Again' }));
      expect(duplicateGroup.code).toBe(409);
      expect(emulator.state.properties('contacts').filter((definition) => definition.name.startsWith('optintrail_'))).toHaveLength(6);
      expect(emulator.state.writes).toMatchObject({ propertiesCreated: 6, propertyGroupsCreated: 1 });
    });

    it('reports existing names as per-input errors of a 207 in a batch create', async () => {
      await createOptinTrailSchema(client);
      const response = await client.crm.properties.batchApi.create('contacts', {
        inputs: [
          { name: 'optintrail_source', label: 'Consent source', type: 'string' as any, fieldType: 'text' as any, groupName: 'optintrail' },
          { name: 'optintrail_reminder', label: 'Reminder', type: 'string' as any, fieldType: 'textarea' as any, groupName: 'optintrail' },
        ],
      });
      expect(response.results.map((definition) => definition.name)).toEqual(['optintrail_reminder']);
      expect((response as any).numErrors).toBe(1);
      expect((response as any).errors[0]).toMatchObject({ status: 'error', category: 'OBJECT_ALREADY_EXISTS' });
    });

    it.each([
      ['a missing label', { name: 'x_one', type: 'string', fieldType: 'text', groupName: 'contactinformation' }, 'some of required attributes are not set [label]'],
      ['an unknown type', { name: 'x_two', label: 'X', type: 'text', fieldType: 'text', groupName: 'contactinformation' }, 'type must be one of'],
      ['an unknown field type', { name: 'x_three', label: 'X', type: 'string', fieldType: 'dropdown', groupName: 'contactinformation' }, 'fieldType must be one of'],
      ['a field type that does not fit the type', { name: 'x_four', label: 'X', type: 'number', fieldType: 'text', groupName: 'contactinformation' }, 'not valid for a property of type number'],
      ['an enumeration without options', { name: 'x_five', label: 'X', type: 'enumeration', fieldType: 'select', groupName: 'contactinformation' }, 'needs at least one option'],
      ['an unknown group', { name: 'x_six', label: 'X', type: 'string', fieldType: 'text', groupName: 'nowhere' }, 'Property group nowhere does not exist'],
      ['an invalid name', { name: 'Bad Name', label: 'X', type: 'string', fieldType: 'text', groupName: 'contactinformation' }, 'is invalid'],
    ])('refuses a PropertyCreate with %s', async (_case, input, message) => {
      const error = await apiError(client.crm.properties.coreApi.create('contacts', input as any));
      expect(error.code).toBe(400);
      expect(error.body.category).toBe('VALIDATION_ERROR');
      expect(error.body.message).toContain(message);
      expect(emulator.state.property('contacts', (input as { name: string }).name)).toBeNull();
    });

    it('answers 404 for a missing property or group', async () => {
      expect((await apiError(client.crm.properties.coreApi.getByName('contacts', 'optintrail_nothing'))).code).toBe(404);
      expect((await apiError(client.crm.properties.groupsApi.getByName('contacts', 'nothing'))).code).toBe(404);
    });
  });

  describe('contacts', () => {
    it('upserts by email: creates, then updates the same record, and the backend sees exactly that', async () => {
      await createOptinTrailSchema(client);
      const created = await client.crm.contacts.batchApi.upsert({
        inputs: [{ id: 'Ada@Example.com', idProperty: 'email', properties: { optintrail_source: 'Salon E-commerce Paris', optintrail_events: '3' } }],
      });
      expect(created.results[0]!._new).toBe(true);
      const updated = await client.crm.contacts.batchApi.upsert({ inputs: [{ id: 'ada@example.com', idProperty: 'email', properties: { optintrail_events: '4' } }] });
      expect(updated.results[0]!._new).toBe(false);
      expect(updated.results[0]!.id).toBe(created.results[0]!.id);
      const contact = emulator.state.contactByEmail('ADA@example.com')!;
      expect(contact.properties).toMatchObject({ email: 'ada@example.com', optintrail_source: 'Salon E-commerce Paris', optintrail_events: '4' });
      expect(emulator.state.contacts()).toHaveLength(1);
      expect(emulator.state.writes).toMatchObject({ contactsCreated: 1, contactsUpdated: 1 });
    });

    it('takes 100 inputs and refuses 101 with VALIDATION_ERROR, writing nothing', async () => {
      const inputs = (count: number) => Array.from({ length: count }, (_, index) => ({ id: email(index), idProperty: 'email', properties: { firstname: `P${index}` } }));
      const ok = await client.crm.contacts.batchApi.upsert({ inputs: inputs(100) });
      expect(ok.results).toHaveLength(100);
      emulator.reset();
      const error = await apiError(client.crm.contacts.batchApi.upsert({ inputs: inputs(101) }));
      expect(error.code).toBe(400);
      expect(error.body).toMatchObject({ category: 'VALIDATION_ERROR', message: expect.stringContaining('maximum number of inputs supported in a batch is 100') });
      expect(emulator.state.contacts()).toHaveLength(0);
    });

    it('refuses duplicate ids in one upsert', async () => {
      const error = await apiError(
        client.crm.contacts.batchApi.upsert({
          inputs: [
            { id: 'twice@example.com', idProperty: 'email', properties: {} },
            { id: 'TWICE@example.com', idProperty: 'email', properties: {} },
          ],
        }),
      );
      expect(error.code).toBe(400);
      expect(error.body.message).toContain('Duplicate IDs');
    });

    it.each([
      ['an unknown property', { optintrail_nothing: 'x' }, 'PROPERTY_DOESNT_EXIST'],
      ['a value longer than 65,536 characters', { optintrail_source: 'x'.repeat(65_537) }, 'MAX_LENGTH_EXCEEDED'],
      ['a non-numeric number', { optintrail_events: 'three' }, 'INVALID_FLOAT'],
      ['a non-boolean bool', { optintrail_confirmed: 'yes' }, 'INVALID_BOOLEAN'],
      ['a date that is not midnight UTC', { optintrail_since: String(Date.UTC(2012, 8, 19, 10)) }, 'INVALID_DATE'],
      ['an unknown enumeration option', { optintrail_status: 'maybe' }, 'INVALID_OPTION'],
      ['a read-only property', { hs_object_id: '5' }, 'READ_ONLY_VALUE'],
      ['an invalid email', { email: 'not-an-email' }, 'INVALID_EMAIL'],
    ])('refuses %s for the whole batch', async (_case, properties, code) => {
      await createOptinTrailSchema(client);
      const error = await apiError(
        client.crm.contacts.batchApi.upsert({
          inputs: [
            { id: 'fine@example.com', idProperty: 'email', properties: { firstname: 'Fine' } },
            { id: 'ada@example.com', idProperty: 'email', properties },
          ],
        }),
      );
      expect(error.code).toBe(400);
      expect(error.body.category).toBe('VALIDATION_ERROR');
      expect(error.body.message).toMatch(/^Property values were not valid: \[/);
      expect(error.body.errors[0].code).toBe(code);
      expect(emulator.state.contacts()).toHaveLength(0);
    });

    it('stores typed values the way HubSpot returns them', async () => {
      await createOptinTrailSchema(client);
      await client.crm.contacts.batchApi.upsert({
        inputs: [
          {
            id: 'ada@example.com',
            idProperty: 'email',
            properties: { optintrail_since: String(Date.UTC(2012, 8, 19)), optintrail_at: '1348045200000', optintrail_confirmed: 'TRUE', optintrail_status: 'given' },
          },
        ],
      });
      expect(emulator.state.contactByEmail('ada@example.com')!.properties).toMatchObject({
        optintrail_since: '2012-09-19',
        optintrail_at: '2012-09-19T09:00:00.000Z',
        optintrail_confirmed: 'true',
        optintrail_status: 'given',
      });
    });

    it('keeps every version in propertiesWithHistory, newest first, with its source', async () => {
      await createOptinTrailSchema(client);
      const upsert = (value: string) => client.crm.contacts.batchApi.upsert({ inputs: [{ id: 'ada@example.com', idProperty: 'email', properties: { optintrail_status: value } }] });
      await upsert('given');
      await upsert('given');
      await upsert('withdrawn');
      emulator.state.updateContactProperty('ada@example.com', 'optintrail_status', 'given');
      const read = await client.crm.contacts.batchApi.read({
        idProperty: 'email',
        inputs: [{ id: 'ada@example.com' }],
        properties: ['optintrail_status'],
        propertiesWithHistory: ['optintrail_status'],
      });
      const history = read.results[0]!.propertiesWithHistory!['optintrail_status']!;
      expect(history.map((version) => version.value)).toEqual(['given', 'withdrawn', 'given']);
      expect(history[0]).toMatchObject({ sourceType: 'CRM_UI', updatedByUserId: 1001 });
      expect(history[1]).toMatchObject({ sourceType: 'INTEGRATION', sourceId: '1234567' });
      expect(history[0]!.timestamp.getTime()).toBeGreaterThan(history[1]!.timestamp.getTime());
      const single = await client.crm.contacts.basicApi.getById('ada@example.com', ['optintrail_status'], ['optintrail_status'], undefined, false, 'email');
      expect(single.propertiesWithHistory!['optintrail_status']).toHaveLength(3);
    });

    it('caps batch reads with history at 50 inputs', async () => {
      const inputs = Array.from({ length: 51 }, (_, index) => ({ id: email(index) }));
      const error = await apiError(client.crm.contacts.batchApi.read({ idProperty: 'email', inputs, properties: [], propertiesWithHistory: ['email'] }));
      expect(error.code).toBe(400);
      expect(error.body.message).toContain('batch request for property histories is 50');
      const withoutHistory = await client.crm.contacts.batchApi.read({ idProperty: 'email', inputs, properties: [], propertiesWithHistory: [] });
      expect(withoutHistory.results).toEqual([]);
    });

    it('answers a batch read with unknown ids as a 207 naming them', async () => {
      await client.crm.contacts.batchApi.upsert({ inputs: [{ id: 'ada@example.com', idProperty: 'email', properties: {} }] });
      const read = (await client.crm.contacts.batchApi.read({
        idProperty: 'email',
        inputs: [{ id: 'ada@example.com' }, { id: 'ghost@example.com' }],
        properties: ['email'],
        propertiesWithHistory: [],
      })) as any;
      expect(read.results.map((result: any) => result.properties.email)).toEqual(['ada@example.com']);
      expect(read.numErrors).toBe(1);
      expect(read.errors[0]).toMatchObject({ category: 'OBJECT_NOT_FOUND', context: { ids: ['ghost@example.com'] } });
    });

    it('refuses an idProperty whose values are not unique', async () => {
      const error = await apiError(client.crm.contacts.batchApi.upsert({ inputs: [{ id: 'Ada', idProperty: 'firstname', properties: {} }] }));
      expect(error.code).toBe(400);
      expect(error.body.message).toContain('non-unique 0-1 property');
    });

    it('gets, updates and archives single contacts, and 404s in HubSpot shape', async () => {
      const created = await client.crm.contacts.basicApi.create({ properties: { email: 'ada@example.com', firstname: 'Ada' }, associations: [] });
      const updated = await client.crm.contacts.basicApi.update('ada@example.com', { properties: { lastname: 'Lovelace' } }, 'email');
      expect(updated.properties['lastname']).toBe('Lovelace');
      const conflict = await apiError(client.crm.contacts.basicApi.create({ properties: { email: 'ADA@example.com' }, associations: [] }));
      expect(conflict.code).toBe(409);
      expect(conflict.body.message).toBe(`Contact already exists. Existing ID: ${created.id}`);
      await client.crm.contacts.basicApi.archive(created.id);
      const missing = await apiError(client.crm.contacts.basicApi.getById(created.id));
      expect(missing.code).toBe(404);
      expect(missing.body).toMatchObject({ category: 'OBJECT_NOT_FOUND', context: { id: [created.id] } });
      expect(emulator.state.contactByEmail('ada@example.com')).toBeNull();
      expect(emulator.state.contactById(created.id)!.archived).toBe(true);
    });

    it('pages through the contact list with after cursors, each contact once', async () => {
      await client.crm.contacts.batchApi.create({ inputs: Array.from({ length: 7 }, (_, index) => ({ properties: { email: email(index) }, associations: [] })) });
      const seen: string[] = [];
      let after: string | undefined;
      let pages = 0;
      do {
        const page = await client.crm.contacts.basicApi.getPage(3, after, ['email']);
        seen.push(...page.results.map((contact) => contact.properties['email']!));
        after = page.paging?.next?.after;
        pages += 1;
      } while (after);
      expect(pages).toBe(3);
      expect(seen.sort()).toEqual(Array.from({ length: 7 }, (_, index) => email(index)).sort());
    });

    it('searches with EQ, IN, GT and sorts, paging with after and refusing more than 200 per page', async () => {
      await createOptinTrailSchema(client);
      await client.crm.contacts.batchApi.upsert({
        inputs: Array.from({ length: 5 }, (_, index) => ({ id: email(index), idProperty: 'email', properties: { optintrail_events: String(index * 10), optintrail_status: index % 2 ? 'withdrawn' : 'given' } })),
      });
      const search = (request: object) => client.crm.contacts.searchApi.doSearch(request as any);
      const byEmail = await search({ filterGroups: [{ filters: [{ propertyName: 'email', operator: 'EQ', value: 'PERSON3@example.com' }] }] });
      expect(byEmail.results.map((contact) => contact.properties['email'])).toEqual([email(3)]);
      const either = await search({ filterGroups: [{ filters: [{ propertyName: 'email', operator: 'IN', values: [email(1), email(4)] }] }] });
      expect(either.total).toBe(2);
      const busy = await search({
        filterGroups: [{ filters: [{ propertyName: 'optintrail_events', operator: 'GT', value: '15' }] }],
        sorts: [{ propertyName: 'optintrail_events', direction: 'DESCENDING' }],
        properties: ['optintrail_events'],
        limit: 2,
      });
      expect(busy.total).toBe(3);
      expect(busy.results.map((contact) => contact.properties['optintrail_events'])).toEqual(['40', '30']);
      const next = await search({
        filterGroups: [{ filters: [{ propertyName: 'optintrail_events', operator: 'GT', value: '15' }] }],
        sorts: [{ propertyName: 'optintrail_events', direction: 'DESCENDING' }],
        properties: ['optintrail_events'],
        limit: 2,
        after: busy.paging!.next!.after,
      });
      expect(next.results.map((contact) => contact.properties['optintrail_events'])).toEqual(['20']);
      expect(next.paging).toBeUndefined();
      const tooMany = await apiError(search({ limit: 201 }));
      expect(tooMany.code).toBe(400);
    });

    it('erases a contact and the notes only it was linked to with gdpr-delete', async () => {
      const contact = await client.crm.contacts.basicApi.create({ properties: { email: 'ada@example.com' }, associations: [] });
      await client.crm.objects.notes.batchApi.create({ inputs: [{ properties: { hs_note_body: 'consent', hs_timestamp: '2012-09-19T09:00:00Z' }, associations: noteToContact(contact.id) }] });
      await client.crm.contacts.basicApi.purge({ objectId: 'ada@example.com', idProperty: 'email' });
      expect(emulator.state.contactByEmail('ada@example.com')).toBeNull();
      expect(emulator.state.notes()).toEqual([]);
      expect(emulator.state.gdprDeletedEmails()).toEqual(['ada@example.com']);
    });
  });

  describe('notes and associations', () => {
    it('creates notes with inline associations, readable through v4 associations with paging', async () => {
      const contact = await client.crm.contacts.basicApi.create({ properties: { email: 'ada@example.com' }, associations: [] });
      const created = await client.crm.objects.notes.batchApi.create({
        inputs: [3, 1, 2, 5, 4].map((day) => ({ properties: { hs_note_body: `event ${day}`, hs_timestamp: `2024-01-0${day}T00:00:00Z` }, associations: noteToContact(contact.id) })),
      });
      expect(created.results).toHaveLength(5);
      expect(emulator.state.notesForContact(contact.id).map((note) => note.properties['hs_note_body'])).toEqual(['event 1', 'event 2', 'event 3', 'event 4', 'event 5']);
      expect(emulator.state.notesForContact(contact.id)[0]!.contactIds).toEqual([contact.id]);

      const noteIds: string[] = [];
      let after: string | undefined;
      do {
        const page = await client.crm.associations.v4.basicApi.getPage('contacts', contact.id, 'notes', after, 2);
        noteIds.push(...page.results.map((result) => String(result.toObjectId)));
        expect(page.results[0]!.associationTypes[0]).toMatchObject({ typeId: 201, category: 'HUBSPOT_DEFINED' });
        after = page.paging?.next?.after;
      } while (after);
      expect(noteIds.sort()).toEqual(created.results.map((note) => note.id).sort());

      const batch = await client.crm.associations.v4.batchApi.getPage('contacts', 'notes', { inputs: [{ id: contact.id }] });
      expect(batch.results[0]!.to).toHaveLength(5);
      const read = await client.crm.objects.notes.batchApi.read({ inputs: created.results.map((note) => ({ id: note.id })), properties: ['hs_note_body'], propertiesWithHistory: [] });
      expect(read.results).toHaveLength(5);
    });

    it.each([
      ['without hs_timestamp', { hs_note_body: 'no time' }, 'hs_timestamp'],
      ['with a body over 65,536 characters', { hs_note_body: 'x'.repeat(65_537), hs_timestamp: '2024-01-01T00:00:00Z' }, 'MAX_LENGTH_EXCEEDED'],
    ])('refuses a note %s', async (_case, properties, expected) => {
      const contact = await client.crm.contacts.basicApi.create({ properties: { email: 'ada@example.com' }, associations: [] });
      const error = await apiError(client.crm.objects.notes.batchApi.create({ inputs: [{ properties, associations: noteToContact(contact.id) }] }));
      expect(error.code).toBe(400);
      expect(error.body.message).toContain(expected);
      expect(emulator.state.notes()).toEqual([]);
    });

    it('refuses an association to a contact that does not exist or an unknown type id', async () => {
      const missing = await apiError(client.crm.objects.notes.batchApi.create({ inputs: [{ properties: { hs_timestamp: '2024-01-01T00:00:00Z' }, associations: noteToContact('999') }] }));
      expect(missing.code).toBe(400);
      const contact = await client.crm.contacts.basicApi.create({ properties: { email: 'ada@example.com' }, associations: [] });
      const wrongType = await apiError(
        client.crm.objects.notes.batchApi.create({
          inputs: [{ properties: { hs_timestamp: '2024-01-01T00:00:00Z' }, associations: [{ to: { id: contact.id }, types: [{ associationCategory: hubspotDefined as any, associationTypeId: 1 }] }] }],
        }),
      );
      expect(wrongType.code).toBe(400);
      expect(emulator.state.notes()).toEqual([]);
    });

    it('lets a test tamper with notes behind the SDK’s back', async () => {
      const contact = await client.crm.contacts.basicApi.create({ properties: { email: 'ada@example.com' }, associations: [] });
      const created = await client.crm.objects.notes.batchApi.create({
        inputs: [1, 2].map((day) => ({ properties: { hs_note_body: `event ${day}`, hs_timestamp: `2024-01-0${day}T00:00:00Z` }, associations: noteToContact(contact.id) })),
      });
      const [first, second] = created.results;
      emulator.state.updateNoteBody(first!.id, 'edited in HubSpot');
      const edited = await client.crm.objects.notes.basicApi.getById(first!.id, ['hs_note_body'], ['hs_note_body']);
      expect(edited.properties['hs_note_body']).toBe('edited in HubSpot');
      expect(edited.propertiesWithHistory!['hs_note_body']!.map((version) => version.sourceType)).toEqual(['CRM_UI', 'INTEGRATION']);
      emulator.state.deleteNote(second!.id);
      expect((await apiError(client.crm.objects.notes.basicApi.getById(second!.id))).code).toBe(404);
      expect(emulator.state.notesForContact(contact.id).map((note) => note.id)).toEqual([first!.id]);
    });
  });

  describe('faults', () => {
    it('answers 207 with per-record errors when partial failures are switched on', async () => {
      emulator.faults.set({ partialFailure: 0.3, seed: 7 });
      const inputs = Array.from({ length: 20 }, (_, index) => ({ id: email(index), idProperty: 'email', properties: {}, objectWriteTraceId: `trace-${index}` }));
      const response = (await client.crm.contacts.batchApi.upsert({ inputs })) as any;
      const failed = emulator.faults.injected['partial-failure'];
      expect(failed).toBeGreaterThan(0);
      expect(emulator.calls.at(-1)!.status).toBe(207);
      expect(response.numErrors).toBe(failed);
      expect(response.results.length + response.errors.length).toBe(20);
      expect(response.errors[0]).toMatchObject({ status: 'error', category: 'INTERNAL_ERROR', context: { objectWriteTraceId: [expect.stringMatching(/^trace-/)] } });
      const written = emulator.state.contacts().map((contact) => contact.properties['email']);
      expect(written.sort()).toEqual(response.results.map((result: any) => result.properties.email).sort());
    });

    it('injects 5xx and 429 with the configured Retry-After', async () => {
      emulator.faults.set({ retryAfterSeconds: 7 });
      emulator.faults.failNext('server-error', 'rate-limit');
      const serverError = await apiError(client.crm.contacts.basicApi.getPage());
      expect(serverError.code).toBe(500);
      expect(serverError.body.category).toBe('INTERNAL_ERROR');
      const rateLimited = await apiError(client.crm.contacts.basicApi.getPage());
      expect(rateLimited.code).toBe(429);
      expect(rateLimited.headers['retry-after']).toBe('7');
      expect(emulator.calls.at(-1)!.responseBodyJson).toMatchObject({ policyName: 'TEN_SECONDLY_ROLLING', errorType: 'RATE_LIMIT' });
      await expect(client.crm.contacts.basicApi.getPage()).resolves.toBeDefined();
    });
  });

  describe('communication preferences v4 (through client.apiRequest; SDK 13.5 wraps only v3)', () => {
    const request = (method: string, path: string, body?: unknown) => client.apiRequest({ method, path, ...(body === undefined ? {} : { body }) });

    it('writes and reads subscription statuses with legal basis, source and timestamp', async () => {
      const definitions = await (await request('GET', '/communication-preferences/v4/definitions')).json();
      expect(definitions.results.map((definition: any) => definition.name)).toEqual(['Newsletter', 'Offers']);
      const written = await request('POST', '/communication-preferences/v4/statuses/batch/write', {
        inputs: [
          { subscriberIdString: 'ada@example.com', channel: 'EMAIL', subscriptionId: 101, statusState: 'SUBSCRIBED', legalBasis: 'CONSENT_WITH_NOTICE', legalBasisExplanation: 'Salon E-commerce Paris' },
        ],
      });
      expect(written.status).toBe(200);
      expect((await written.json()).results[0]).toMatchObject({ status: 'SUBSCRIBED', setStatusSuccessReason: 'REQUESTED_CHANGE_OCCURRED' });
      const statuses = await (await request('GET', '/communication-preferences/v4/statuses/ada@example.com?channel=EMAIL')).json();
      expect(statuses.results).toEqual([
        expect.objectContaining({ subscriptionId: 101, status: 'SUBSCRIBED', legalBasis: 'CONSENT_WITH_NOTICE', source: expect.any(String), timestamp: expect.any(String) }),
        expect.objectContaining({ subscriptionId: 102, status: 'NOT_SPECIFIED' }),
      ]);
      const batch = await (await request('POST', '/communication-preferences/v4/statuses/batch/read?channel=EMAIL', { inputs: ['ada@example.com'] })).json();
      expect(batch.results[0].statuses[0].status).toBe('SUBSCRIBED');
      expect(emulator.state.subscriptionStatuses('ada@example.com')[0]).toMatchObject({ subscriptionName: 'Newsletter', status: 'SUBSCRIBED', history: [expect.anything()] });
    });

    it.each([
      ['an unknown legal basis', { legalBasis: 'BECAUSE' }],
      ['a subscription without legal basis', {}],
      ['an unknown status', { statusState: 'MAYBE', legalBasis: 'NON_GDPR' }],
    ])('refuses %s', async (_case, override) => {
      const response = await request('POST', '/communication-preferences/v4/statuses/batch/write', {
        inputs: [{ subscriberIdString: 'ada@example.com', channel: 'EMAIL', subscriptionId: 101, statusState: 'SUBSCRIBED', ...override }],
      });
      expect(response.status).toBe(400);
      expect((await response.json()).category).toBe('VALIDATION_ERROR');
      expect(emulator.state.subscriptionStatuses('ada@example.com')).toEqual([]);
    });

    it('requires channel=EMAIL on reads', async () => {
      expect((await request('GET', '/communication-preferences/v4/statuses/ada@example.com')).status).toBe(400);
    });
  });

  it('property: the history of a property is the written sequence without repeats, newest first', async () => {
    await createOptinTrailSchema(client);
    let round = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(fc.constantFrom('given', 'withdrawn', ''), { minLength: 1, maxLength: 6 }), async (values) => {
        round += 1;
        const id = `round${round}@example.com`;
        for (const value of values) await client.crm.contacts.batchApi.upsert({ inputs: [{ id, idProperty: 'email', properties: { optintrail_status: value } }] });
        const expected: string[] = [];
        for (const value of values) if ((expected.at(-1) ?? '') !== value) expected.push(value);
        const history = emulator.state.contactByEmail(id)!.propertiesWithHistory['optintrail_status'] ?? [];
        expect(history.map((version) => version.value)).toEqual([...expected].reverse());
      }),
      { numRuns: 25 },
    );
  });
});

describe('HubSpot emulator rate limits', () => {
  it('answers 429 past the ten-second budget with HubSpot’s body, Retry-After and rate headers', async () => {
    const emulator = await startHubSpotEmulator({ rateLimit: { perTenSeconds: 3 } });
    try {
      const client = new Client({ accessToken: 'test-token', basePath: emulator.url });
      const first = await client.apiRequest({ path: '/crm/v3/objects/contacts' });
      expect(first.headers.get('x-hubspot-ratelimit-max')).toBe('3');
      expect(first.headers.get('x-hubspot-ratelimit-remaining')).toBe('2');
      expect(first.headers.get('x-hubspot-ratelimit-interval-milliseconds')).toBe('10000');
      await client.crm.contacts.basicApi.getPage();
      await client.crm.contacts.basicApi.getPage();
      const limited = await apiError(client.crm.contacts.basicApi.getPage());
      expect(limited.code).toBe(429);
      expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(emulator.calls.at(-1)!.responseBodyJson).toMatchObject({
        status: 'error',
        message: 'You have reached your ten_secondly_rolling limit.',
        errorType: 'RATE_LIMIT',
        policyName: 'TEN_SECONDLY_ROLLING',
        correlationId: expect.any(String),
      });
      // Search has its own per-second budget, untouched by the ten-secondly one.
      await expect(client.crm.contacts.searchApi.doSearch({ limit: 1 } as any)).resolves.toBeDefined();
    } finally {
      await emulator.close();
    }
  });

  it('limits search per second with the message the SDK recognises', async () => {
    const emulator = await startHubSpotEmulator({ rateLimit: { searchPerSecond: 1 } });
    try {
      const client = new Client({ accessToken: 'test-token', basePath: emulator.url });
      await client.crm.contacts.searchApi.doSearch({ limit: 1 } as any);
      const limited = await apiError(client.crm.contacts.searchApi.doSearch({ limit: 1 } as any));
      expect(limited.code).toBe(429);
      expect(emulator.calls.at(-1)!.responseBodyJson).toMatchObject({ message: 'You have reached your secondly limit.', policyName: 'SECONDLY' });
    } finally {
      await emulator.close();
    }
  });

  it('scales Retry-After with the time scale: whole emulated seconds, divided by the scale', async () => {
    // Scale 4: the ten-second window lasts 2.5 s, so no wait can exceed 2.5 s; HubSpot's whole seconds become quarters.
    const emulator = await startHubSpotEmulator({ rateLimit: { perTenSeconds: 1, timeScale: 4 } });
    try {
      const client = new Client({ accessToken: 'test-token', basePath: emulator.url });
      await client.crm.contacts.basicApi.getPage();
      const limited = await apiError(client.crm.contacts.basicApi.getPage());
      expect(limited.code).toBe(429);
      const seconds = Number(limited.headers['retry-after']);
      expect(seconds).toBeGreaterThan(0);
      expect(seconds).toBeLessThanOrEqual(2.5);
      expect(Number.isInteger(seconds * 4)).toBe(true);
    } finally {
      await emulator.close();
    }
  });

  it('frees the window again once it has rolled (time scaled down for the test)', { timeout: 30_000 }, async () => {
    // A one-second window holding 2 calls. Call until it is full, then until it has rolled:
    // no timing assumption, only the order of answers.
    const emulator = await startHubSpotEmulator({ rateLimit: { perTenSeconds: 2, timeScale: 10 } });
    try {
      const client = new Client({ accessToken: 'test-token', basePath: emulator.url });
      const statuses: number[] = [];
      const rolled = () => statuses.includes(429) && statuses.lastIndexOf(200) > statuses.indexOf(429);
      for (let attempt = 0; attempt < 1000 && !rolled(); attempt += 1) {
        statuses.push((await client.apiRequest({ path: '/crm/v3/objects/contacts' })).status);
        if (statuses.includes(429)) await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(statuses.slice(0, 2)).toEqual([200, 200]);
      expect(statuses.indexOf(429)).toBeGreaterThanOrEqual(2);
      expect(rolled()).toBe(true);
    } finally {
      await emulator.close();
    }
  });
});
