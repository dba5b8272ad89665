import { Client } from '@hubspot/api-client';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startHubSpotEmulator, type HubSpotEmulator } from '../src/testing/index';
import { HubSpotStore, type StoredRecord } from '../src/testing/hubspot-emulator-store';

// The emulator finds contacts by email and associations by record through indexes kept beside the
// records. These tests check behaviour only: every lookup answers what a scan of the store would.

const noteToContact = (contactId: string) => [{ to: { id: contactId }, types: [{ associationCategory: 'HUBSPOT_DEFINED' as any, associationTypeId: 202 }] }];

async function apiStatus(call: Promise<unknown>): Promise<number> {
  try {
    await call;
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'number') return code;
    throw error;
  }
  return 200;
}

describe('HubSpot emulator lookups by email and by record', () => {
  let emulator: HubSpotEmulator;
  let client: Client;

  beforeEach(async () => {
    emulator = await startHubSpotEmulator({ rateLimit: false });
    client = new Client({ accessToken: 'test-token', basePath: emulator.url });
  });
  afterEach(async () => {
    await emulator.close();
  });

  it('matches an email whatever its case or surrounding spaces, on upsert, read and get', async () => {
    const first = await client.crm.contacts.batchApi.upsert({ inputs: [{ id: 'Ada.Lovelace@Example.COM', idProperty: 'email', properties: { firstname: 'Ada' } }] });
    const id = first.results[0]!.id;
    const again = await client.crm.contacts.batchApi.upsert({ inputs: [{ id: '  ada.lovelace@example.com ', idProperty: 'email', properties: { lastname: 'Lovelace' } }] });
    expect(again.results[0]).toMatchObject({ id, _new: false });
    const read = await client.crm.contacts.batchApi.read({ idProperty: 'email', inputs: [{ id: 'ADA.LOVELACE@EXAMPLE.COM' }], properties: ['firstname', 'lastname'], propertiesWithHistory: [] });
    expect(read.results.map((contact) => [contact.id, contact.properties['firstname'], contact.properties['lastname']])).toEqual([[id, 'Ada', 'Lovelace']]);
    expect((await client.crm.contacts.basicApi.getById('Ada.Lovelace@example.com', undefined, undefined, undefined, false, 'email')).id).toBe(id);
    expect(emulator.state.contactByEmail('ADA.lovelace@example.com')?.id).toBe(id);
  });

  it('follows an email change: the new address finds the contact, the old one is free again', async () => {
    const created = await client.crm.contacts.batchApi.upsert({ inputs: [{ id: 'old@example.com', idProperty: 'email', properties: {} }] });
    const id = created.results[0]!.id;
    // Built before the change, so the change has to move the contact within the index.
    expect(emulator.state.contactByEmail('old@example.com')?.id).toBe(id);
    await client.crm.contacts.batchApi.update({ inputs: [{ id, properties: { email: 'New@Example.com' } }] });

    expect(emulator.state.contactByEmail('new@example.com')?.id).toBe(id);
    expect(emulator.state.contactByEmail('old@example.com')).toBeNull();
    expect(await apiStatus(client.crm.contacts.basicApi.getById('old@example.com', undefined, undefined, undefined, false, 'email'))).toBe(404);
    // The old address makes a new contact; the new one is taken.
    const reused = await client.crm.contacts.batchApi.upsert({ inputs: [{ id: 'old@example.com', idProperty: 'email', properties: {} }] });
    expect(reused.results[0]).toMatchObject({ _new: true });
    expect(reused.results[0]!.id).not.toBe(id);
    expect(await apiStatus(client.crm.contacts.basicApi.create({ properties: { email: 'NEW@example.com' }, associations: [] }))).toBe(409);

    // A tamper edit (as a person in HubSpot) moves it too.
    emulator.state.updateContactProperty(id, 'email', 'third@example.com');
    expect(emulator.state.contactByEmail('Third@Example.com')?.id).toBe(id);
    expect(emulator.state.contactByEmail('new@example.com')).toBeNull();
  });

  it('hides archived contacts from live lookups and lets their address be taken again', async () => {
    const created = await client.crm.contacts.batchApi.upsert({ inputs: [{ id: 'gone@example.com', idProperty: 'email', properties: {} }] });
    const id = created.results[0]!.id;
    await client.crm.contacts.basicApi.archive(id);
    expect(emulator.state.contactByEmail('gone@example.com')).toBeNull();
    expect((await client.crm.contacts.basicApi.getById('gone@example.com', undefined, undefined, undefined, true, 'email')).id).toBe(id);
    const again = await client.crm.contacts.batchApi.upsert({ inputs: [{ id: 'GONE@example.com', idProperty: 'email', properties: {} }] });
    expect(again.results[0]).toMatchObject({ _new: true });
    expect(emulator.state.contactByEmail('gone@example.com')?.id).toBe(again.results[0]!.id);
    expect((await client.crm.contacts.basicApi.getById('gone@example.com', undefined, undefined, undefined, true, 'email')).id).toBe(id);
  });

  it('forgets a contact erased with gdpr-delete or deleted behind the SDK, and its associations with it', async () => {
    const upsert = await client.crm.contacts.batchApi.upsert({
      inputs: [
        { id: 'erase@example.com', idProperty: 'email', properties: {} },
        { id: 'keep@example.com', idProperty: 'email', properties: {} },
        { id: 'delete@example.com', idProperty: 'email', properties: {} },
      ],
    });
    const [erased, kept, deleted] = ['erase@example.com', 'keep@example.com', 'delete@example.com'].map((address) => upsert.results.find((result) => result.properties['email'] === address)!.id);
    const shared = await client.crm.objects.notes.basicApi.create({ properties: { hs_timestamp: '2024-01-01T00:00:00Z', hs_note_body: 'shared' }, associations: [...noteToContact(erased!), ...noteToContact(kept!)] });
    const own = await client.crm.objects.notes.basicApi.create({ properties: { hs_timestamp: '2024-01-02T00:00:00Z', hs_note_body: 'own' }, associations: noteToContact(erased!) });
    expect(emulator.state.notesForContact(erased!).map((note) => note.id)).toEqual([shared.id, own.id]);

    await client.crm.contacts.basicApi.purge({ objectId: 'Erase@Example.com', idProperty: 'email' });
    expect(emulator.state.contactByEmail('erase@example.com')).toBeNull();
    expect(emulator.state.note(own.id)).toBeNull();
    expect(emulator.state.note(shared.id)?.contactIds).toEqual([kept]);
    const page = await client.crm.associations.v4.basicApi.getPage('notes', shared.id, 'contacts');
    expect(page.results.map((result) => result.toObjectId)).toEqual([kept]);
    const recreated = await client.crm.contacts.batchApi.upsert({ inputs: [{ id: 'erase@example.com', idProperty: 'email', properties: {} }] });
    expect(recreated.results[0]).toMatchObject({ _new: true });
    expect(emulator.state.notesForContact(recreated.results[0]!.id)).toEqual([]);

    emulator.state.deleteContact(deleted!);
    expect(emulator.state.contactByEmail('delete@example.com')).toBeNull();
    emulator.state.deleteNote(shared.id);
    expect(emulator.state.notesForContact(kept!)).toEqual([]);
    const batch = (await client.crm.associations.v4.batchApi.getPage('contacts', 'notes', { inputs: [{ id: kept! }] })) as { results: unknown[]; errors?: Array<{ subCategory?: string }> };
    expect(batch.results).toEqual([]);
    expect(batch.errors?.map((error) => error.subCategory)).toEqual(['crm.associations.NO_ASSOCIATIONS_FOUND']);
  });

  it('starts over empty after reset', async () => {
    const created = await client.crm.contacts.batchApi.upsert({ inputs: [{ id: 'before@example.com', idProperty: 'email', properties: {} }] });
    await client.crm.objects.notes.basicApi.create({ properties: { hs_timestamp: '2024-01-01T00:00:00Z' }, associations: noteToContact(created.results[0]!.id) });
    emulator.reset();
    expect(emulator.state.contactByEmail('before@example.com')).toBeNull();
    // Ids start again from the first one: the new contact must not inherit the old one's notes.
    const after = await client.crm.contacts.batchApi.upsert({ inputs: [{ id: 'after@example.com', idProperty: 'email', properties: {} }] });
    expect(after.results[0]!.id).toBe(created.results[0]!.id);
    expect(emulator.state.notesForContact(after.results[0]!.id)).toEqual([]);
  });
});

/** One step of a random history of the store, as route handlers and tamper helpers make them. */
type Step =
  | { kind: 'create'; email: string }
  | { kind: 'setEmail'; pick: number; email: string }
  | { kind: 'archive'; pick: number }
  | { kind: 'purge'; pick: number }
  | { kind: 'look'; email: string; archived: boolean };

describe('HubSpot emulator store indexes', () => {
  // Few distinct addresses in mixed case, so collisions, reuse and case changes are common.
  const address = fc.tuple(fc.constantFrom('a', 'b', 'c', 'd'), fc.boolean(), fc.constantFrom('', ' ')).map(([name, upper, pad]) => `${pad}${upper ? name.toUpperCase() : name}@Example.com${pad}`);
  const step: fc.Arbitrary<Step> = fc.oneof(
    address.map((email) => ({ kind: 'create' as const, email: email.trim() })),
    fc.record({ kind: fc.constant('setEmail' as const), pick: fc.nat(), email: address.map((email) => email.trim()) }),
    fc.record({ kind: fc.constant('archive' as const), pick: fc.nat() }),
    fc.record({ kind: fc.constant('purge' as const), pick: fc.nat() }),
    fc.record({ kind: fc.constant('look' as const), email: address, archived: fc.boolean() }),
  );

  /** The lookup the index replaced: the oldest record, in the wanted archived state, whose email matches case-insensitively. */
  function scan(store: HubSpotStore, email: string, archived: boolean): StoredRecord | undefined {
    const wanted = email.trim().toLowerCase();
    return [...store.recordsOf('contacts').values()].find((record) => record.archived === archived && store.value(record, 'email')?.toLowerCase() === wanted);
  }

  it('property: find by email answers what a scan of the store answers, after any creates, email changes, archives and purges', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 40 }), fc.nat(40), (steps, indexFrom) => {
        const store = new HubSpotStore({ now: () => 0, subscriptionDefinitions: [] });
        const source = { sourceType: 'CRM_UI' };
        steps.forEach((current, position) => {
          // Build the index part-way through, so both the bulk build and the upkeep are exercised.
          if (position === indexFrom) store.find('contacts', 'nobody@example.com', 'email');
          const all = [...store.recordsOf('contacts').values()];
          const picked = 'pick' in current && all.length > 0 ? all[current.pick % all.length] : undefined;
          switch (current.kind) {
            case 'create':
              // Duplicates are allowed on purpose: tamper edits can make them, and the oldest must win.
              store.create('contacts', { email: current.email }, source);
              break;
            case 'setEmail':
              if (picked) store.update(picked, { email: current.email }, source);
              break;
            case 'archive':
              if (picked) store.archive(picked);
              break;
            case 'purge':
              if (picked) store.purge(picked);
              break;
            case 'look':
              expect(store.find('contacts', current.email, 'email', { archived: current.archived })?.id).toBe(scan(store, current.email, current.archived)?.id);
              break;
          }
        });
        for (const email of ['a', 'b', 'c', 'd', 'A', 'B'].map((name) => ` ${name}@EXAMPLE.com`)) {
          for (const archived of [false, true]) expect(store.find('contacts', email, 'email', { archived })?.id).toBe(scan(store, email, archived)?.id);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('property: associations from a record are exactly the stored ones that start there, after any links and purges', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.record({ kind: fc.constant('link' as const), note: fc.nat(5), contact: fc.nat(5) }), fc.record({ kind: fc.constant('purge' as const), contact: fc.boolean(), pick: fc.nat(5) })), { maxLength: 40 }),
        (steps) => {
          const store = new HubSpotStore({ now: () => 0, subscriptionDefinitions: [] });
          const source = { sourceType: 'INTEGRATION' };
          const contacts = Array.from({ length: 6 }, (_, index) => store.create('contacts', { email: `p${index}@example.com` }, source));
          const notes = Array.from({ length: 6 }, () => store.create('notes', { hs_timestamp: '2024-01-01T00:00:00.000Z' }, source));
          for (const current of steps) {
            if (current.kind === 'link') {
              const note = notes[current.note]!;
              const contact = contacts[current.contact]!;
              if (store.recordsOf('notes').has(note.id) && store.recordsOf('contacts').has(contact.id)) store.associate('notes', note.id, 'contacts', contact.id);
            } else {
              const record = (current.contact ? contacts : notes)[current.pick]!;
              if (store.recordsOf(record.objectType).has(record.id)) store.purge(record);
            }
          }
          const stored = [...store.associations.values()];
          for (const record of [...contacts, ...notes]) {
            const toType = record.objectType === 'contacts' ? 'notes' : 'contacts';
            const expected = stored.filter((association) => association.fromType === record.objectType && association.fromId === record.id && association.toType === toType);
            expect(store.links(record.objectType, record.id, toType)).toEqual(expected);
            expect(store.associationsFrom(record.objectType, record.id, toType).map((association) => association.toId)).toEqual(expected.map((association) => association.toId).sort((left, right) => Number(left) - Number(right)));
          }
          // No association outlives either of its records.
          for (const association of stored) {
            expect(store.recordsOf(association.fromType).has(association.fromId) && store.recordsOf(association.toType).has(association.toId)).toBe(true);
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
