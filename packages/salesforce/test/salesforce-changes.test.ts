import { sampleTrail } from '@optintrail/adapter-test';
import { foldTrail, generateReminder, ValidationError, verifyTrail } from '@optintrail/core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { backfillSalesforce, createSalesforceAdapter, pollSalesforceChanges, salesforceSchemaNames } from '../src';
import { startSalesforceEmulator, type SalesforceEmulator } from '../src/testing';

const TOKEN = 'changes-test-session';
const names = salesforceSchemaNames();
let emulator: SalesforceEmulator;

function adapter() {
  return createSalesforceAdapter({ instanceUrl: emulator.url, accessToken: TOKEN, retry: { baseDelayMs: 1, maxDelayMs: 5 }, recordRetries: { delayMs: 1 } });
}

// A clock that moves a second per reading, so every change has its own time and the cursor has something to order.
let clock = Date.parse('2024-05-01T09:00:00Z');
beforeAll(async () => {
  emulator = await startSalesforceEmulator({ now: () => new Date((clock += 1000)) });
});
afterAll(() => emulator.close());
beforeEach(() => emulator.reset());

describe('polling Salesforce history and consent records', () => {
  it('a staff edit arrives as a crm-user event dated by its history row, a re-poll writes nothing', async () => {
    const crm = adapter();
    await crm.ensureSchema();
    await crm.push([sampleTrail('ann@example.com')]);
    const start = await pollSalesforceChanges({ adapter: crm, since: '2000-01-01T00:00:00Z' });
    // Everything so far was written by OptinTrail's own API user: echoes only.
    expect(start.changes).toEqual([]);
    expect(start.notices.length).toBeGreaterThan(0);
    expect(start.notices.every((notice) => notice.kind === 'ignored')).toBe(true);

    const contact = emulator.state.contactByEmail('ann@example.com')!;
    emulator.state.updateRecord('Contact', contact.Id, { FirstName: 'Cami', Title: 'Buyer' });
    const polled = await pollSalesforceChanges({ adapter: crm, cursor: start.cursor });
    expect(polled.report).toMatchObject({ eventsWritten: 2, failures: [] });

    const trail = (await crm.pull({ email: 'ann@example.com' }))!;
    expect(verifyTrail(trail).valid).toBe(true);
    const rows = emulator.state.history('Contact', contact.Id).filter((row) => row.Field === 'FirstName');
    const firstName = trail.events.find((event) => event.fields?.[0]?.name === 'firstName' && event.type === 'data.updated')!;
    expect(firstName).toMatchObject({
      at: new Date(rows.at(-1)!.CreatedDate.replace('+0000', 'Z')).toISOString(),
      source: { kind: 'crm-user', name: 'Salesforce' },
      actor: { kind: 'staff', id: `salesforce-user:${emulator.state.crmUserId}` },
      fields: [{ name: 'firstName', value: 'Cami', previousValue: 'Camille' }],
    });

    const again = await pollSalesforceChanges({ adapter: crm, cursor: polled.cursor });
    expect(again.changes).toEqual([]);
    // Replaying an old cursor reads the same rows again and changes nothing.
    const replay = await pollSalesforceChanges({ adapter: crm, cursor: start.cursor });
    expect(replay.report).toMatchObject({ eventsWritten: 0, duplicates: 2 });
    expect(await crm.pull({ email: 'ann@example.com' })).toEqual(trail);
    // A backfill names the same history rows as the poller did: nothing twice.
    expect(await backfillSalesforce({ adapter: crm })).toMatchObject({ eventsWritten: 0, failures: [] });
    expect(await crm.pull({ email: 'ann@example.com' })).toEqual(trail);
  });

  it('a staff member setting the consent record to OptOut withdraws, dated by the change; Email Opt Out too', async () => {
    const crm = adapter();
    await crm.ensureSchema();
    await crm.push([sampleTrail('ann@example.com'), sampleTrail('bob@example.com')]);
    // The emulated org's clock runs in 2024: start the cursor at its present, as a first poll does at the real one.
    const start = await pollSalesforceChanges({ adapter: crm, now: () => new Date(clock) });
    const consent = emulator.state.records('ContactPointTypeConsent').find((row) => String(row[names.consentKey]).startsWith('ann@example.com|'))!;
    emulator.state.updateRecord('ContactPointTypeConsent', consent.Id, { PrivacyConsentStatus: 'OptOut' });
    const changedAt = new Date(String(emulator.state.record('ContactPointTypeConsent', consent.Id)!['SystemModstamp']).replace('+0000', 'Z')).toISOString();
    const bob = emulator.state.contactByEmail('bob@example.com')!;
    emulator.state.updateRecord('Contact', bob.Id, { HasOptedOutOfEmail: true });

    const polled = await pollSalesforceChanges({ adapter: crm, cursor: start.cursor });
    expect(polled.report.failures).toEqual([]);
    const ann = (await crm.pull({ email: 'ann@example.com' }))!;
    expect(ann.events.at(-1)).toMatchObject({ type: 'consent.withdrawn', purpose: 'newsletter', channel: 'email', at: changedAt, actor: { kind: 'staff' } });
    expect(generateReminder(foldTrail(ann), { purpose: 'newsletter', touchpoint: 'email-footer', locale: 'en' })).toMatchObject({ kind: 'no-traceable-consent', reason: 'withdrawn' });
    expect((await crm.pull({ email: 'bob@example.com' }))!.events.at(-1)).toMatchObject({ type: 'consent.withdrawn', source: { kind: 'crm-user' } });
    // The adapter's own write-back of those withdrawals are echoes on the next poll.
    const next = await pollSalesforceChanges({ adapter: crm, cursor: polled.cursor });
    expect(next.changes).toEqual([]);
  });

  it('refuses a cursor it did not make', async () => {
    await expect(pollSalesforceChanges({ adapter: adapter(), cursor: 'not-a-cursor' })).rejects.toBeInstanceOf(ValidationError);
  });
});

describe('Salesforce backfill', () => {
  it('gives existing contacts verifying trails from creation, field history and consent records, with honest reminders', async () => {
    const crm = adapter();
    await crm.ensureSchema();
    // Contacts a team made by hand: one later edited and given a consent record, one who opted out.
    const sarah = emulator.state.createRecord('Contact', { FirstName: 'Sara', LastName: 'Lee', Email: 'Sarah@Example.com' });
    emulator.state.updateRecord('Contact', sarah, { FirstName: 'Sarah' });
    const individual = emulator.state.createRecord('Individual', { LastName: 'Lee' });
    emulator.state.updateRecord('Contact', sarah, { IndividualId: individual });
    const purpose = emulator.state.records('DataUsePurpose').find((row) => row['Name'] === 'newsletter')!;
    emulator.state.createRecord('ContactPointTypeConsent', {
      Name: 'Newsletter by email',
      PartyId: individual,
      ContactPointType: 'Email',
      PrivacyConsentStatus: 'OptIn',
      DataUsePurposeId: purpose.Id,
      CaptureDate: '2019-04-02T10:00:00.000Z',
      CaptureContactPointType: 'Web',
      CaptureSource: 'Spring webinar',
    });
    const tom = emulator.state.createRecord('Contact', { LastName: 'Tom', Email: 'tom@example.com' });
    emulator.state.updateRecord('Contact', tom, { HasOptedOutOfEmail: true });
    await crm.push([sampleTrail('kept@example.com')]);

    const report = await backfillSalesforce({ adapter: crm });
    expect(report).toMatchObject({ subjects: 3, trailsCreated: 2, failures: [] });

    const trail = (await crm.pull({ email: 'sarah@example.com' }))!;
    expect(verifyTrail(trail).valid).toBe(true);
    expect(trail.events.map((event) => [event.type, event.source.kind])).toEqual([
      ['consent.given', 'import'],
      ['data.collected', 'crm-user'],
      ['data.updated', 'crm-user'],
    ]);
    expect(trail.events[1]!.fields).toEqual(expect.arrayContaining([{ name: 'firstName', value: 'Sara' }, { name: 'email', value: 'Sarah@Example.com' }]));
    expect(trail.events[2]!.fields).toEqual([{ name: 'firstName', value: 'Sarah', previousValue: 'Sara' }]);
    expect(trail.events[0]!.source.name).toBe('Salesforce consent record via Web: Spring webinar');
    const reminder = generateReminder(foldTrail(trail), { purpose: 'newsletter', touchpoint: 'email-footer', locale: 'en' });
    expect(reminder.kind).toBe('reminder');
    expect(reminder.text).toBe('You are receiving this newsletter because your details were added to our list on 2 April 2019 (Salesforce consent record via Web: Spring webinar).');

    const tomTrail = (await crm.pull({ email: 'tom@example.com' }))!;
    expect(tomTrail.events.at(-1)).toMatchObject({ type: 'consent.withdrawn', source: { kind: 'crm-user' } });
    expect((await crm.pull({ email: 'kept@example.com' }))!.events).toHaveLength(3);

    const again = await backfillSalesforce({ adapter: crm });
    expect(again).toMatchObject({ eventsWritten: 0, trailsCreated: 0, failures: [] });
  });
});
