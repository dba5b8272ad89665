import { rightsTrail, runRightsConformance } from '@optintrail/adapter-test';
import { extractPayload, PAYLOAD_MARKER, ValidationError, type ProvenanceEvent } from '@optintrail/core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createHubSpotAdapter, DEFAULT_HUBSPOT_DATA_PROPERTIES } from '../src/index';
import { startHubSpotEmulator, type HubSpotEmulator } from '../src/testing/index';

// The data subject rights (access, rectification, erasure with suppression), checked through the
// emulator's own store: contact properties, notes, and the emails erased with GDPR delete.
let emulator: HubSpotEmulator;
beforeAll(async () => {
  emulator = await startHubSpotEmulator();
});
afterAll(() => emulator.close());

/** OptinTrail's events as the contact's notes hold them, read straight from the emulator. */
function storedEvents(email: string): ProvenanceEvent[] {
  const contact = emulator.state.contactByEmail(email);
  if (!contact) return [];
  return emulator.state
    .notesForContact(contact.id)
    .map((note) => note.properties['hs_note_body'] ?? '')
    .filter((body) => body.includes(PAYLOAD_MARKER))
    .map((body) => JSON.parse(extractPayload(body)!) as ProvenanceEvent);
}

runRightsConformance({
  name: 'hubspot',
  label: 'HubSpot',
  adapter: () => createHubSpotAdapter({ accessToken: 'test-token', basePath: emulator.url }),
  backend: {
    reset: () => emulator.reset(),
    hasContact: (email) => emulator.state.contactByEmail(email) !== null,
    fieldValue: (email, field) => emulator.state.contactByEmail(email)?.properties[DEFAULT_HUBSPOT_DATA_PROPERTIES[field] ?? field] ?? null,
    storedEvents,
    erasedByCrm: (email) =>
      emulator.state.gdprDeletedEmails().includes(email) &&
      emulator.calls.some((call) => call.method === 'POST' && call.path === '/crm/v3/objects/contacts/gdpr-delete') &&
      emulator.state.notes().every((note) => !(note.properties['hs_note_body'] ?? '').includes(email)),
    requestCount: () => emulator.calls.length,
  },
});

describe('hubspot rectify: which contact property is corrected', () => {
  beforeEach(() => emulator.reset());
  const staff = { kind: 'staff' as const, id: 'u-7' };
  const patches = () => emulator.calls.filter((call) => call.method === 'PATCH' && call.path.startsWith('/crm/v3/objects/contacts/'));

  it('writes a mapped field into its property, keeps an unmapped one in the trail only, and follows a custom mapping', async () => {
    const adapter = createHubSpotAdapter({ accessToken: 'test-token', basePath: emulator.url, dataProperties: { ...DEFAULT_HUBSPOT_DATA_PROPERTIES, company: 'website' } });
    await adapter.ensureSchema();
    const trail = rightsTrail('mapping@example.org');
    await adapter.push([trail]);

    const unmapped = await adapter.rectify!({ email: trail.subject }, { field: 'favouriteColour', value: 'green', reason: 'Asked by the subject', at: '2024-01-01T00:00:00Z', actor: staff });
    expect(unmapped.events.at(-1)?.fields).toEqual([{ name: 'favouriteColour', value: 'green' }]);
    expect(patches()).toHaveLength(0);

    await adapter.rectify!({ email: trail.subject }, { field: 'company', value: 'https://boutique.example', reason: 'Asked by the subject', at: '2024-01-02T00:00:00Z', actor: staff });
    expect(patches()).toHaveLength(1);
    expect(patches()[0]!.query).toMatchObject({ idProperty: 'email' });
    expect(emulator.state.contactByEmail(trail.subject)?.properties['website']).toBe('https://boutique.example');
    expect(storedEvents(trail.subject)).toHaveLength(trail.events.length + 2);
  });

  it('refuses to rewrite the email, the key the trail is kept under, before any call', async () => {
    const adapter = createHubSpotAdapter({ accessToken: 'test-token', basePath: emulator.url });
    const error = await adapter.rectify!({ email: 'someone@example.org' }, { field: 'email', value: 'other@example.org', reason: 'New address', at: '2024-01-01T00:00:00Z', actor: staff }).catch((caught: unknown) => caught);
    expect(ValidationError.isInstance(error) && error.path).toBe('field');
    expect(emulator.calls).toHaveLength(0);
  });
});
