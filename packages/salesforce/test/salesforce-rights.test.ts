import { rightsTrail, runRightsConformance } from '@optintrail/adapter-test';
import type { ProvenanceEvent } from '@optintrail/core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createSalesforceAdapter, DEFAULT_SALESFORCE_DATA_FIELDS, salesforceSchemaNames } from '../src';
import { startSalesforceEmulator, type SalesforceEmulator, type SalesforceRecord } from '../src/testing';

// The data subject rights (access, rectification, erasure with suppression), checked through the
// emulator's own org: Contact fields, OptinTrail_Event__c records, and what sits in the recycle bin.
let emulator: SalesforceEmulator;
const names = salesforceSchemaNames();
beforeAll(async () => {
  emulator = await startSalesforceEmulator();
});
afterAll(() => emulator.close());

/** Every Contact that is or was this person's, deleted ones included. */
function contactRows(email: string, includeDeleted: boolean): SalesforceRecord[] {
  return emulator.state.records('Contact', { includeDeleted }).filter((row) => typeof row['Email'] === 'string' && row['Email'].toLowerCase() === email);
}

function eventRows(contactIds: string[], includeDeleted: boolean): SalesforceRecord[] {
  return emulator.state.records(names.eventObject, { includeDeleted }).filter((row) => contactIds.includes(String(row[names.event.parent])));
}

function storedEvents(email: string): ProvenanceEvent[] {
  const contact = emulator.state.contactByEmail(email);
  if (!contact) return [];
  return eventRows([contact.Id], false).map((row) => JSON.parse(String(row[names.event.payload])) as ProvenanceEvent);
}

const adapter = () => createSalesforceAdapter({ instanceUrl: emulator.url, accessToken: 'test-session-id' });

runRightsConformance({
  name: 'salesforce',
  label: 'Salesforce',
  adapter,
  backend: {
    reset: () => emulator.reset(),
    hasContact: (email) => emulator.state.contactByEmail(email) !== null,
    fieldValue: (email, field) => {
      const value = emulator.state.contactByEmail(email)?.[DEFAULT_SALESFORCE_DATA_FIELDS.Contact[field] ?? field];
      return value === null || value === undefined ? null : String(value);
    },
    storedEvents,
    erasedByCrm(email) {
      // A delete of the Contact and of its event records (they sit in the recycle bin, flagged IsDeleted).
      const contacts = contactRows(email, true);
      const events = eventRows(contacts.map((row) => row.Id), true);
      return contacts.length > 0 && contacts.every((row) => row['IsDeleted'] === true) && events.length > 0 && events.every((row) => row['IsDeleted'] === true);
    },
    requestCount: () => emulator.calls.length,
  },
});

describe('salesforce rectify: the record field and its history', () => {
  beforeEach(() => emulator.reset());

  it("corrects FirstName on the Contact, and Salesforce's own field history keeps the old value", async () => {
    const salesforce = adapter();
    await salesforce.ensureSchema();
    const trail = rightsTrail('history@example.org');
    await salesforce.push([trail]);
    const contact = emulator.state.contactByEmail(trail.subject)!;
    expect(contact['FirstName']).toBe('Camille');
    await salesforce.rectify!({ email: trail.subject }, { field: 'firstName', value: 'Camilla', reason: 'Typo', at: '2024-01-01T00:00:00Z', actor: { kind: 'subject' } });
    expect(emulator.state.contactByEmail(trail.subject)?.['FirstName']).toBe('Camilla');
    const history = emulator.state.history('Contact', contact.Id).filter((row) => row.Field === 'FirstName');
    expect(history.map((row) => [row.OldValue, row.NewValue])).toEqual([['Camille', 'Camilla']]);
  });

  it('keeps an unmapped field in the trail only, and refuses to rewrite the email before any call', async () => {
    const salesforce = adapter();
    await salesforce.ensureSchema();
    const trail = rightsTrail('unmapped@example.org');
    await salesforce.push([trail]);
    const patchesBefore = emulator.calls.filter((call) => call.method === 'PATCH' && call.path.includes('/sobjects/Contact/')).length;
    const rectified = await salesforce.rectify!({ email: trail.subject }, { field: 'company', value: 'Boutique Durable', reason: 'Renamed', at: '2024-01-01T00:00:00Z', actor: { kind: 'subject' } });
    expect(rectified.events.at(-1)?.fields).toEqual([{ name: 'company', value: 'Boutique Durable', previousValue: 'Boutique Permanente' }]);
    expect(emulator.calls.filter((call) => call.method === 'PATCH' && call.path.includes('/sobjects/Contact/')).length).toBe(patchesBefore);
    expect(storedEvents(trail.subject)).toHaveLength(trail.events.length + 1);

    const callsBefore = emulator.calls.length;
    await expect(salesforce.rectify!({ email: trail.subject }, { field: 'email', value: 'new@example.org', reason: 'Moved', at: '2024-01-01T00:00:00Z', actor: { kind: 'subject' } })).rejects.toThrow(/key the trail is kept under/);
    expect(emulator.calls.length).toBe(callsBefore);
  });
});
