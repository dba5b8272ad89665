import { sampleTrail, uniqueEmail } from '@optintrail/adapter-test';
import { appendEvents, CrmApiError, CrmAuthenticationError, TrailIntegrityError, type Trail } from '@optintrail/core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createSalesforceAdapter, salesforceSchemaNames, type SalesforceAdapterSettings } from '../src';
import { startSalesforceEmulator, type SalesforceEmulator } from '../src/testing';

// Salesforce-specific behaviour beyond the shared suite: schema shapes, the consent model, call
// budgets, transports, failures and erasure. Everything is checked through the emulator's state.

const TOKEN = 'adapter-test-session';
let emulator: SalesforceEmulator;
const names = salesforceSchemaNames();

function adapter(overrides: Partial<SalesforceAdapterSettings> = {}) {
  return createSalesforceAdapter({ instanceUrl: emulator.url, accessToken: TOKEN, retry: { baseDelayMs: 1, maxDelayMs: 5 }, recordRetries: { delayMs: 1 }, ...overrides });
}

function withdrawal(email: string) {
  return {
    subject: email,
    at: '2021-03-02T18:00:00Z',
    type: 'consent.withdrawn' as const,
    purpose: 'newsletter',
    channel: 'email' as const,
    source: { kind: 'subject' as const, name: 'Unsubscribe link' },
    actor: { kind: 'subject' as const },
  };
}

function trails(count: number): Trail[] {
  return Array.from({ length: count }, () => sampleTrail(uniqueEmail()));
}

beforeAll(async () => {
  emulator = await startSalesforceEmulator();
});
afterAll(() => emulator.close());
beforeEach(() => emulator.reset());

describe('batches in flight at once', () => {
  it('decide the consent model once: a purpose missing when the push starts is created once, and every consent names it', async () => {
    await adapter().ensureSchema();
    for (const purpose of emulator.state.records('DataUsePurpose')) emulator.state.deleteRecord('DataUsePurpose', String(purpose.Id));
    // A new adapter has not looked at the org yet: four batches start at once and all ask.
    const report = await adapter({ batchSize: 25, concurrency: 4 }).push(trails(100));
    expect(report.failures).toEqual([]);
    const purposes = emulator.state.records('DataUsePurpose');
    expect(purposes).toHaveLength(1);
    const consents = emulator.state.records('ContactPointTypeConsent');
    expect(consents).toHaveLength(100);
    expect(new Set(consents.map((consent) => consent['DataUsePurposeId']))).toEqual(new Set([purposes[0]!.Id]));
  });
});

describe('ensureSchema', () => {
  it('creates typed fields, the event object, the consent keys and the DataUsePurpose, once', async () => {
    const report = await adapter().ensureSchema();
    expect(report.problems).toBeUndefined();
    expect(report.created).toEqual(
      expect.arrayContaining([
        `Contact.${names.subjectKey}`,
        `Contact.${names.summary.consentStatus}`,
        names.eventObject,
        `${names.eventObject}.${names.event.payload}`,
        `Individual.${names.subjectKey}`,
        `ContactPointTypeConsent.${names.consentKey}`,
        'DataUsePurpose:newsletter',
      ]),
    );
    expect(emulator.state.field('Contact', names.subjectKey)).toMatchObject({ type: 'string', length: 255, externalId: true, unique: true });
    expect(emulator.state.field('Contact', names.summary.consentStatus)).toMatchObject({ type: 'string', length: 255 });
    expect(emulator.state.field('Contact', names.summary.trailEncoded)).toMatchObject({ type: 'textarea', length: 131_072 });
    expect(emulator.state.field('Contact', names.summary.consentSince)).toMatchObject({ type: 'date' });
    expect(emulator.state.field('Contact', names.summary.trailLength)).toMatchObject({ type: 'double' });
    expect(emulator.state.field(names.eventObject, names.event.id)).toMatchObject({ externalId: true, unique: true, caseSensitive: true });
    expect(emulator.state.field(names.eventObject, names.event.parent)).toMatchObject({ type: 'reference', referenceTo: ['Contact'] });
    expect(emulator.state.records('DataUsePurpose').map((row) => row['Name'])).toEqual(['newsletter']);

    const again = await adapter().ensureSchema();
    expect(again.created).toEqual([]);
    expect(again.existing).toEqual(expect.arrayContaining(report.created));
  });

  it('reports missing permission instead of failing', async () => {
    emulator.permissions.customizeApplication = false;
    const report = await adapter().ensureSchema();
    expect(report.created).toEqual([]);
    expect(report.problems?.length).toBeGreaterThan(10);
    expect(report.problems?.[0]?.reason).toContain('INSUFFICIENT_ACCESS_OR_READONLY');
    expect(report.problems?.[0]?.reason).toContain('Customize Application');
  });

  it('creates fields on Lead when subjects live on Leads', async () => {
    const leads = adapter({ recordObject: 'Lead' });
    await leads.ensureSchema();
    expect(emulator.state.field('Lead', names.subjectKey)).not.toBeNull();
    expect(emulator.state.field(names.eventObject, 'Lead__c')).toMatchObject({ referenceTo: ['Lead'] });
    const trail = sampleTrail(uniqueEmail());
    const report = await leads.push([trail]);
    expect(report.failures).toEqual([]);
    expect(emulator.state.leadByEmail(trail.subject)).toMatchObject({ Company: 'Boutique Éphémère', LastName: '[not provided]', FirstName: 'Camille' });
    expect(await leads.pull({ email: trail.subject })).toEqual(trail);
  });
});

describe('push', () => {
  it('writes summary fields, one event record per event, and Salesforce’s consent model', async () => {
    const sync = adapter();
    await sync.ensureSchema();
    const trail = sampleTrail(uniqueEmail());
    await sync.push([trail]);
    const contact = emulator.state.contactByEmail(trail.subject)!;
    expect(contact).toMatchObject({
      [names.subjectKey]: trail.subject,
      LastName: '[not provided]',
      FirstName: 'Camille',
      [names.summary.consentStatus]: 'granted',
      [names.summary.consentSince]: '2012-09-19',
      [names.summary.consentStrength]: 'double opt-in',
      [names.summary.trailHead]: trail.events.at(-1)!.hash,
      [names.summary.trailLength]: 3,
    });
    expect(String(contact[names.summary.reminderEn])).toContain('Salon E-commerce Paris');
    expect(String(contact[names.summary.reminderFr])).toContain('lors du Salon E-commerce Paris');
    expect(String(contact[names.summary.trailEncoded])).toMatch(/^ot1:/);

    const events = emulator.state.records(names.eventObject);
    expect(events.map((row) => row[names.event.id])).toEqual(trail.events.map((event) => event.id));
    expect(events[0]).toMatchObject({ [names.event.type]: 'consent.given', [names.event.parent]: contact.Id, [names.event.occurredAt]: '2012-09-19T09:30:00.000+0000' });
    expect(String(events[0]!['Name']).length).toBeLessThanOrEqual(80);

    const individual = emulator.state.record('Individual', String(contact['IndividualId']))!;
    expect(individual[names.subjectKey]).toBe(trail.subject);
    const [consent] = emulator.state.records('ContactPointTypeConsent');
    expect(consent).toMatchObject({
      PartyId: individual.Id,
      ContactPointType: 'Email',
      PrivacyConsentStatus: 'OptIn',
      CaptureDate: '2012-09-19T09:30:00.000+0000',
      DoubleConsentCaptureDate: '2012-09-20T07:12:00.000+0000',
      DataUsePurposeId: emulator.state.records('DataUsePurpose')[0]!.Id,
    });
    expect(String(consent!['CaptureSource'])).toContain('Salon E-commerce Paris');

    await sync.push([appendEvents(trail, [withdrawal(trail.subject)])]);
    expect(emulator.state.records('ContactPointTypeConsent')).toEqual([expect.objectContaining({ PrivacyConsentStatus: 'OptOut', CaptureDate: '2021-03-02T18:00:00.000+0000' })]);
    // The status field is history-tracked, so Salesforce's own field history shows the change.
    const history = emulator.state.history('Contact', contact.Id).filter((row) => row.Field === names.summary.consentStatus);
    expect(history.map((row) => [row.OldValue, row.NewValue, row.CreatedById])).toEqual([['granted', 'withdrawn', emulator.state.integrationUserId]]);
  });

  it('adopts a contact a CRM user already created with the same email instead of duplicating it', async () => {
    const sync = adapter();
    await sync.ensureSchema();
    const trail = sampleTrail(uniqueEmail());
    const existing = emulator.state.createRecord('Contact', { LastName: 'Martin', FirstName: 'Camille', Email: trail.subject.toUpperCase() });
    const report = await sync.push([trail]);
    expect(report.failures).toEqual([]);
    expect(emulator.state.records('Contact')).toHaveLength(1);
    expect(emulator.state.record('Contact', existing)).toMatchObject({ LastName: 'Martin', [names.subjectKey]: trail.subject, [names.summary.trailLength]: 3 });
    expect(await sync.pull({ email: trail.subject })).toEqual(trail);
  });

  it('writes 200 subjects with 3 events each in 4 Collections calls (1 contacts + 3 events), after its reads', async () => {
    const sync = adapter({ transport: 'collections', consentInterop: false });
    await sync.ensureSchema();
    emulator.clearCalls();
    const before = emulator.apiUsage.used;
    const report = await sync.push(trails(200));
    expect(report.failures).toEqual([]);
    expect(report.eventsWritten).toBe(600);
    const writes = emulator.calls.filter((call) => call.method === 'PATCH');
    const reads = emulator.calls.filter((call) => call.method === 'GET' && call.path.endsWith('/query'));
    expect(writes.map((call) => call.path)).toEqual([
      '/services/data/v62.0/composite/sobjects/Contact/OptinTrail_Subject__c',
      ...Array.from({ length: 3 }, () => `/services/data/v62.0/composite/sobjects/${names.eventObject}/${names.event.id}`),
    ]);
    // Each read is a GET whose URL must stay under 16 KB: two queries here for 200 addresses.
    expect(reads.length).toBeGreaterThanOrEqual(1);
    expect(reads.length).toBeLessThanOrEqual(2);
    expect(Math.max(...reads.map((call) => call.path.length + new URLSearchParams(call.query).toString().length))).toBeLessThan(16_384);
    expect(emulator.apiUsage.used - before).toBe(writes.length + reads.length);
    expect(report.apiCalls).toBe(writes.length + reads.length);
  });

  it('packs 1,000 subjects with 3 events each into 5 counted calls with Composite (1 read + 4 writes)', { timeout: 60_000 }, async () => {
    const sync = adapter({ consentInterop: false });
    await sync.ensureSchema();
    const input = trails(1000);
    const before = emulator.apiUsage.used;
    const report = await sync.push(input);
    expect(report.failures).toEqual([]);
    expect(report.eventsWritten).toBe(3000);
    expect(emulator.apiUsage.used - before).toBe(5);
    expect(emulator.state.records(names.eventObject)).toHaveLength(3000);
    expect(await sync.pull({ email: input[999]!.subject })).toEqual(input[999]);
    const again = await sync.push(input);
    expect(again).toMatchObject({ eventsWritten: 0, subjectsUnchanged: 1000 });
    // The pull above took 2 calls (the contact, its events); the idle re-run reads the contacts and
    // the event ids under them (a head alone can claim events a killed push never stored) and writes nothing.
    expect(emulator.apiUsage.used - before).toBe(5 + 2 + 2);
  });

  it('rolls the summary anchors back when events fail, so the next push writes them', async () => {
    const sync = adapter();
    await sync.ensureSchema();
    const input = trails(3);
    emulator.faults.set({ partialFailure: 1, paths: [`/composite/sobjects/${names.eventObject}`] });
    const failed = await sync.push(input);
    expect(failed.failures).toHaveLength(9);
    expect(failed.failures.every((failure) => failure.kind === 'vendor' && failure.vendorCode === 'UNABLE_TO_LOCK_ROW' && failure.eventId)).toBe(true);
    const contact = emulator.state.contactByEmail(input[0]!.subject)!;
    expect(contact[names.summary.trailHead]).toBeNull();
    await expect(sync.pull({ email: input[0]!.subject })).resolves.toBeNull();

    emulator.faults.reset();
    const retried = await sync.push(input);
    expect(retried.failures).toEqual([]);
    expect(retried.eventsWritten).toBe(9);
    for (const trail of input) expect(await sync.pull({ email: trail.subject })).toEqual(trail);
  });

  it('sends records refused for a lock again and gets them in', async () => {
    const sync = adapter({ consentInterop: false });
    await sync.ensureSchema();
    emulator.faults.set({ partialFailure: 0.3, seed: 11, paths: ['/composite/sobjects'] });
    const input = trails(20);
    const report = await sync.push(input);
    const injected = emulator.faults.injected['partial-failure'];
    emulator.faults.reset();
    // Locks were refused along the way, and every refused record got in when sent again.
    expect(injected).toBeGreaterThan(0);
    expect(report.failures).toEqual([]);
    for (const trail of input) expect(await sync.pull({ email: trail.subject })).toEqual(trail);
  });
});

describe('failures', () => {
  afterEach(() => emulator.faults.reset());

  it('retries 5xx answers and dropped connections with backoff', async () => {
    const sync = adapter({ consentInterop: false });
    await sync.ensureSchema();
    emulator.faults.failNext('server-error', 'drop-connection');
    const trail = sampleTrail(uniqueEmail());
    const report = await sync.push([trail]);
    expect(report.failures).toEqual([]);
    expect(sync.client.runner.retries).toBe(2);
    expect(await sync.pull({ email: trail.subject })).toEqual(trail);
  });

  it('stops on a spent daily allowance with a final, explained REQUEST_LIMIT_EXCEEDED', async () => {
    const sync = adapter({ consentInterop: false });
    await sync.ensureSchema();
    emulator.setApiUsage(emulator.apiUsage.max);
    const report = await sync.push([sampleTrail(uniqueEmail())]);
    expect(report.failures[0]).toMatchObject({ kind: 'vendor', vendorCode: 'REQUEST_LIMIT_EXCEEDED' });
    expect(report.failures[0]!.reason).toContain('daily API allowance');
    expect(sync.client.runner.retries).toBe(0);
  });

  it('turns an expired session into a CrmAuthenticationError that names no secret', async () => {
    const sync = adapter({ consentInterop: false });
    await sync.ensureSchema();
    emulator.expireSession(TOKEN);
    const error = await sync.pull({ email: uniqueEmail() }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CrmAuthenticationError);
    expect((error as CrmApiError).vendorCode).toBe('INVALID_SESSION_ID');
    expect((error as Error).message).toContain('SALESFORCE_ACCESS_TOKEN');
    expect(JSON.stringify(error) + String(error)).not.toContain(TOKEN);
    expect(JSON.stringify(emulator.calls)).not.toContain(TOKEN);
  });

  it('detects summary anchors edited in Salesforce', async () => {
    const sync = adapter();
    await sync.ensureSchema();
    const trail = sampleTrail(uniqueEmail());
    await sync.push([trail]);
    const contact = emulator.state.contactByEmail(trail.subject)!;
    emulator.state.updateRecord('Contact', contact.Id, { [names.summary.trailLength]: 2 });
    await expect(sync.pull({ email: trail.subject })).rejects.toSatisfy((error: unknown) => TrailIntegrityError.isInstance(error));
  });

  it('needs an instance URL and a token, or a Connection', () => {
    const saved = { url: process.env['SALESFORCE_INSTANCE_URL'], token: process.env['SALESFORCE_ACCESS_TOKEN'] };
    delete process.env['SALESFORCE_INSTANCE_URL'];
    delete process.env['SALESFORCE_ACCESS_TOKEN'];
    try {
      expect(() => createSalesforceAdapter()).toThrow(/instanceUrl: is required/);
      expect(() => createSalesforceAdapter({ instanceUrl: emulator.url, accessToken: TOKEN, apiVersion: '45.0' })).toThrow(/46\.0 or later/);
    } finally {
      if (saved.url !== undefined) process.env['SALESFORCE_INSTANCE_URL'] = saved.url;
      if (saved.token !== undefined) process.env['SALESFORCE_ACCESS_TOKEN'] = saved.token;
    }
  });
});

describe('erase', () => {
  it('deletes the contact, its events, its consent record and the Individual OptinTrail created', async () => {
    const sync = adapter({ now: () => new Date('2026-03-02T10:00:00Z') });
    await sync.ensureSchema();
    const trail = sampleTrail(uniqueEmail());
    const other = sampleTrail(uniqueEmail());
    await sync.push([trail, other]);
    const receipt = await sync.erase!({ email: trail.subject }, { requestedAt: '2026-03-02T09:00:00Z' });
    expect(receipt).toMatchObject({ adapter: 'salesforce', erasedAt: '2026-03-02T10:00:00.000Z', trailHead: trail.events.at(-1)!.hash });
    expect(receipt.removed).toEqual(expect.arrayContaining([`3 ${names.eventObject} records`, '1 ContactPointTypeConsent records']));
    expect(JSON.stringify(receipt)).not.toContain(trail.subject);
    expect(emulator.state.contactByEmail(trail.subject)).toBeNull();
    expect(emulator.state.records(names.eventObject)).toHaveLength(3);
    expect(emulator.state.records('ContactPointTypeConsent')).toHaveLength(1);
    expect(emulator.state.records('Individual')).toHaveLength(1);
    expect(await sync.pull({ email: other.subject })).toEqual(other);
  });
});
