import { sampleTrail, uniqueEmail } from '@optintrail/adapter-test';
import { appendEvents, CrmApiError, TrailIntegrityError, type ProvenanceEventInput, type RetryInfo, type Trail } from '@optintrail/core';
import { Client } from '@hubspot/api-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createHubSpotAdapter, type HubSpotAdapterSettings } from '../src/index';
import { startHubSpotEmulator, type HubSpotEmulator } from '../src/testing/index';

const fastRetry = { baseDelayMs: 1, maxDelayMs: 5 };

function withdrawal(email: string): ProvenanceEventInput {
  return {
    subject: email,
    at: '2021-03-02T18:00:00Z',
    type: 'consent.withdrawn',
    purpose: 'newsletter',
    channel: 'email',
    source: { kind: 'subject', name: 'Unsubscribe link' },
    actor: { kind: 'subject' },
  };
}

function optinNotes(emulator: HubSpotEmulator, email: string) {
  const contact = emulator.state.contactByEmail(email);
  return contact ? emulator.state.notesForContact(contact.id).filter((note) => (note.properties['hs_note_body'] ?? '').includes('optintrail:v1:')) : [];
}

describe('HubSpot adapter against the emulator', () => {
  let emulator: HubSpotEmulator;
  const adapterFor = (settings: Partial<HubSpotAdapterSettings> = {}) =>
    createHubSpotAdapter({ accessToken: 'test-token', basePath: emulator.url, rateLimit: false, retry: fastRetry, ...settings });

  beforeAll(async () => {
    emulator = await startHubSpotEmulator({ rateLimit: false });
  });
  afterEach(() => emulator.reset());
  afterAll(() => emulator.close());

  it('uses a late answer to a note batch instead of reading back and writing again', async () => {
    const adapter = adapterFor({ timeoutMs: 400 });
    await adapter.ensureSchema();
    const trails = Array.from({ length: 5 }, () => sampleTrail(uniqueEmail()));
    emulator.calls.length = 0;
    // Note batches answer after 450 ms: past the 400 ms timeout, well within as long again.
    emulator.faults.set({ latencyMs: 450, paths: ['/crm/v3/objects/notes/batch/create'] });
    const report = await adapter.push(trails);
    emulator.faults.set({});
    expect(report.failures).toEqual([]);
    const paths = emulator.calls.map((call) => `${call.method} ${call.path}`);
    expect(paths.filter((path) => path === 'POST /crm/v3/objects/notes/batch/create')).toHaveLength(1);
    // Nothing read back: the answer, late as it was, said which notes were stored.
    expect(paths.filter((path) => /notes\/batch\/read|associations/.test(path) && !path.includes('batch/create'))).toEqual([]);
    for (const trail of trails) expect(optinNotes(emulator, trail.subject)).toHaveLength(trail.events.length);
  });

  it('creates a property group and typed contact properties, including the ready-to-merge reminder', async () => {
    const adapter = adapterFor();
    const report = await adapter.ensureSchema();
    expect(report.created).toContain('optintrail');
    expect(emulator.state.propertyGroups('contacts').map((group) => group.name)).toContain('optintrail');
    expect(emulator.state.property('contacts', 'optintrail_consent_status')).toMatchObject({ type: 'enumeration', groupName: 'optintrail' });
    expect(emulator.state.property('contacts', 'optintrail_consent_since')).toMatchObject({ type: 'date' });
    expect(emulator.state.property('contacts', 'optintrail_trail_length')).toMatchObject({ type: 'number' });
    expect(emulator.state.property('contacts', 'optintrail_reminder_en')).toMatchObject({ type: 'string', fieldType: 'textarea' });

    const trail = sampleTrail(uniqueEmail());
    await adapter.push([trail]);
    const contact = emulator.state.contactByEmail(trail.subject)!;
    expect(contact.properties['optintrail_reminder_en']).toMatch(/^You are receiving this newsletter because .*19 September 2012.*Salon E-commerce Paris/);
    expect(contact.properties['optintrail_reminder_fr']).toContain('Salon E-commerce Paris');
    expect(contact.properties['optintrail_consent_since']).toBe('2012-09-19');
    expect(contact.properties['optintrail_trail_length']).toBe('3');
    expect(contact.propertiesWithHistory['optintrail_trail_head']![0]).toMatchObject({ sourceType: 'INTEGRATION' });
  });

  it('splits a note batch HubSpot refuses whole for one bad association, so the other notes are stored', async () => {
    const setup = adapterFor();
    await setup.ensureSchema();
    const trails = Array.from({ length: 10 }, () => sampleTrail(uniqueEmail()));
    const gone = trails[4]!;
    const client = new Client({ accessToken: 'test-token', basePath: emulator.url });
    const create = client.crm.objects.notes.batchApi.create.bind(client.crm.objects.notes.batchApi);
    let deleted = false;
    // The contact is deleted by someone else between the upsert and the notes: its associations are refused.
    client.crm.objects.notes.batchApi.create = async (...args: Parameters<typeof create>) => {
      if (!deleted) {
        deleted = true;
        await client.crm.contacts.basicApi.archive(emulator.state.contactByEmail(gone.subject)!.id);
      }
      return create(...args);
    };
    emulator.calls.length = 0;
    const report = await adapterFor({ client }).push(trails);
    const noteCalls = emulator.calls.filter((call) => call.path.endsWith('/notes/batch/create'));
    // One refused batch of 30, then halves until the deleted contact's 3 notes stand alone.
    expect(noteCalls.filter((call) => call.status === 400).length).toBeGreaterThan(1);
    expect(report.failures.length).toBeGreaterThan(0);
    expect(report.failures.every((failure) => failure.subject === gone.subject)).toBe(true);
    for (const trail of trails.filter((candidate) => candidate !== gone)) {
      expect(await setup.pull({ email: trail.subject })).toEqual(trail);
    }
  });

  it('syncs 1,000 new contacts with 3 events each in 40 calls (10 upserts, 30 note batches: the floor), and re-runs them without changing anything', { timeout: 60_000 }, async () => {
    const adapter = adapterFor();
    await adapter.ensureSchema();
    emulator.calls.length = 0;
    const trails = Array.from({ length: 1000 }, (_, index) => sampleTrail(`bulk.${index}@example.org`));
    const report = await adapter.push(trails);
    expect(report.failures).toEqual([]);
    expect(report.eventsWritten).toBe(3000);
    const byPath = (path: string) => emulator.calls.filter((call) => call.path === path).length;
    expect(byPath('/crm/v3/objects/contacts/batch/upsert')).toBe(10);
    expect(byPath('/crm/v3/objects/notes/batch/create')).toBe(30);
    expect(report.apiCalls).toBe(40);
    expect(emulator.calls).toHaveLength(40);
    // Every batch call is full: 100 contacts or 100 notes.
    for (const call of emulator.calls) expect((call.requestBodyJson as { inputs: unknown[] }).inputs).toHaveLength(100);

    const writesBefore = emulator.state.writes;
    emulator.calls.length = 0;
    const again = await adapter.push(trails);
    expect(again.eventsWritten).toBe(0);
    expect(again.subjectsUnchanged).toBe(1000);
    // 10 upserts that change no value, then the notes of contacts that existed: 10 association reads, 30 note reads.
    expect(again.apiCalls).toBe(50);
    expect(emulator.state.writes).toEqual(writesBefore);
    expect(emulator.calls.filter((call) => !call.path.endsWith('/batch/read') && !call.path.endsWith('/contacts/batch/upsert'))).toEqual([]);
  });

  it('reads before writing with strategy read-first: 50 calls for 1,000 new contacts, and a re-run that only reads', { timeout: 60_000 }, async () => {
    const adapter = adapterFor({ strategy: 'read-first' });
    await adapter.ensureSchema();
    emulator.calls.length = 0;
    const trails = Array.from({ length: 1000 }, (_, index) => sampleTrail(`readfirst.${index}@example.org`));
    const report = await adapter.push(trails);
    expect(report.failures).toEqual([]);
    const byPath = (path: string) => emulator.calls.filter((call) => call.path === path).length;
    expect(byPath('/crm/v3/objects/contacts/batch/read')).toBe(10);
    expect(byPath('/crm/v3/objects/contacts/batch/upsert')).toBe(10);
    expect(byPath('/crm/v3/objects/notes/batch/create')).toBe(30);
    expect(report.apiCalls).toBe(50);
    emulator.calls.length = 0;
    const again = await adapter.push(trails);
    expect(again.subjectsUnchanged).toBe(1000);
    expect(again.apiCalls).toBe(50);
    expect(emulator.calls.every((call) => call.path.endsWith('/batch/read'))).toBe(true);
  });

  it('upsert-first reads back only the contacts that existed, and sets a conflicting trail’s summary back to what is stored', async () => {
    const adapter = adapterFor();
    await adapter.ensureSchema();
    const stored = sampleTrail(uniqueEmail());
    await adapter.push([stored]);
    // Another trail for the same address (built apart: other ids and hashes), next to a brand new subject.
    const diverging = sampleTrail(stored.subject);
    const fresh = sampleTrail(uniqueEmail());
    emulator.calls.length = 0;
    const report = await adapter.push([diverging, fresh]);
    expect(report.failures).toEqual([expect.objectContaining({ subject: stored.subject, kind: 'conflict' })]);
    expect(report.subjectsWritten).toBe(1);
    const associationReads = emulator.calls.filter((call) => call.path.includes('/associations/'));
    expect(associationReads).toHaveLength(1);
    expect(JSON.stringify(associationReads[0]!.requestBodyJson)).not.toContain(emulator.state.contactByEmail(fresh.subject)!.id);
    expect(emulator.state.contactByEmail(stored.subject)!.properties['optintrail_trail_head']).toBe(stored.events.at(-1)!.hash);
    expect(await adapter.pull({ email: stored.subject })).toEqual(stored);
    expect(await adapter.pull({ email: fresh.subject })).toEqual(fresh);
  });

  it('streams an async iterable in batches of 100 and reports progress after each', { timeout: 30_000 }, async () => {
    const adapter = adapterFor({ concurrency: 1 });
    await adapter.ensureSchema();
    async function* trails() {
      for (let index = 0; index < 250; index += 1) yield sampleTrail(`stream.${index}@example.org`);
    }
    const progress: number[] = [];
    const report = await adapter.push(trails(), { onProgress: (event) => progress.push(event.subjectsRead) });
    expect(progress).toEqual([100, 200, 250]);
    expect(report.subjectsWritten).toBe(250);
  });

  it('keeps two batches in flight by default, with a cursor that only moves past finished batches', { timeout: 30_000 }, async () => {
    const adapter = adapterFor();
    await adapter.ensureSchema();
    const trails = Array.from({ length: 450 }, (_, index) => sampleTrail(`inflight.${index}@example.org`));
    const cursors: string[] = [];
    const report = await adapter.push(trails, { onProgress: (event) => event.cursor && cursors.push(event.cursor) });
    expect(report.subjectsWritten).toBe(450);
    expect(cursors.map((cursor) => Number(cursor.split(':')[1]))).toEqual([...cursors.map((cursor) => Number(cursor.split(':')[1]))].sort((a, b) => a - b));
    expect(report.cursor).toBe('subjects:450');
    for (const trail of trails.slice(0, 5)) expect(optinNotes(emulator, trail.subject)).toHaveLength(3);
  });

  it('keeps each timeline a prefix of its trail when HubSpot answers 207 for some notes, and the next push completes it', async () => {
    const adapter = adapterFor();
    await adapter.ensureSchema();
    const trails = Array.from({ length: 30 }, () => sampleTrail(uniqueEmail()));
    emulator.faults.set({ partialFailure: 0.25, paths: ['/crm/v3/objects/notes/batch/create'], seed: 11 });
    const first = await adapter.push(trails);
    expect(emulator.faults.injected['partial-failure']).toBeGreaterThan(0);
    expect(first.failures.length).toBeGreaterThan(0);
    for (const failure of first.failures) expect(failure).toMatchObject({ kind: 'vendor', eventId: expect.any(String) });
    for (const trail of trails) {
      const pulled = await adapter.pull({ email: trail.subject });
      const stored = pulled?.events.length ?? 0;
      // What is in HubSpot is exactly the first events of the trail, and it verifies.
      expect(pulled === null ? [] : pulled.events).toEqual(trail.events.slice(0, stored));
      expect(optinNotes(emulator, trail.subject)).toHaveLength(stored);
    }

    emulator.faults.set({});
    const second = await adapter.push(trails);
    expect(second.failures).toEqual([]);
    for (const trail of trails) {
      expect(await adapter.pull({ email: trail.subject })).toEqual(trail);
      expect(optinNotes(emulator, trail.subject)).toHaveLength(3);
    }
  });

  it('retries 429 (honouring Retry-After), 5xx, dropped connections and timeouts, and counts every attempt', async () => {
    const retries: RetryInfo[] = [];
    const adapter = adapterFor({ timeoutMs: 200, retry: { ...fastRetry, onRetry: (info) => retries.push(info) } });
    await adapter.ensureSchema();
    emulator.calls.length = 0;
    emulator.faults.set({ retryAfterSeconds: 0 });
    emulator.faults.failNext('rate-limit', 'server-error', 'drop-connection', 'timeout');
    const trail = sampleTrail(uniqueEmail());
    const report = await adapter.push([trail]);
    expect(report.failures).toEqual([]);
    expect(await adapter.pull({ email: trail.subject })).toEqual(trail);
    expect(retries.map((retry) => (retry.error as CrmApiError).status)).toEqual([429, 500, undefined, undefined]);
    expect(emulator.calls.slice(0, 4).map((call) => call.fault)).toEqual(['rate-limit', 'server-error', 'drop-connection', 'timeout']);
    // 4 failed attempts + upsert + notes.
    expect(report.apiCalls).toBe(6);
  });

  it('waits as long as HubSpot’s Retry-After asks when the rolling window is full', async () => {
    // A one-second window holding 3 calls: ensureSchema alone makes 4, so the window is sure to fill.
    const tight = await startHubSpotEmulator({ rateLimit: { perTenSeconds: 3, timeScale: 10 } });
    try {
      const retries: RetryInfo[] = [];
      const adapter = createHubSpotAdapter({ accessToken: 'test-token', basePath: tight.url, rateLimit: false, retry: { onRetry: (info) => retries.push(info) } });
      await adapter.ensureSchema();
      const report = await adapter.push([sampleTrail(uniqueEmail())]);
      expect(report.failures).toEqual([]);
      const limited = tight.calls.filter((call) => call.status === 429);
      expect(limited.length).toBeGreaterThan(0);
      expect(retries).toHaveLength(limited.length);
      for (const retry of retries) {
        expect((retry.error as CrmApiError).retryAfterMs).toBe(1000);
        expect(retry.delayMs).toBeGreaterThanOrEqual(1000);
      }
    } finally {
      await tight.close();
    }
  });

  it('paces its calls so a tight budget is never exceeded', async () => {
    // HubSpot allows 5 per 100 ms here; the adapter is told 4 per 200 ms, a margin no scheduling hiccup can eat.
    const tight = await startHubSpotEmulator({ rateLimit: { perTenSeconds: 5, timeScale: 100 } });
    try {
      const adapter = createHubSpotAdapter({ accessToken: 'test-token', basePath: tight.url, rateLimit: { maxRequests: 4, intervalMs: 200 } });
      await adapter.ensureSchema();
      await adapter.push([sampleTrail(uniqueEmail()), sampleTrail(uniqueEmail())]);
      expect(tight.calls.length).toBeGreaterThan(5);
      expect(tight.calls.filter((call) => call.status === 429)).toEqual([]);
    } finally {
      await tight.close();
    }
  });

  it('never retries a 4xx validation error and reports it per subject with HubSpot’s code', async () => {
    const adapter = adapterFor();
    const trail = sampleTrail(uniqueEmail());
    // No ensureSchema: the properties do not exist, so HubSpot refuses the upsert.
    const report = await adapter.push([trail]);
    expect(report.failures).toEqual([expect.objectContaining({ subject: trail.subject, kind: 'vendor', vendorCode: 'VALIDATION_ERROR' })]);
    expect(emulator.calls.filter((call) => call.path === '/crm/v3/objects/contacts/batch/upsert')).toHaveLength(1);
    expect(emulator.state.contactByEmail(trail.subject)).toBeNull();
  });

  it('refuses a bad token with a CrmAuthenticationError that does not contain the token', async () => {
    const guarded = await startHubSpotEmulator({ accessTokens: ['the-right-token'], rateLimit: false });
    try {
      const adapter = createHubSpotAdapter({ accessToken: 'pat-na1-0000-secret-wrong-token', basePath: guarded.url, rateLimit: false });
      const error = await adapter.ensureSchema().then(
        () => undefined,
        (caught: unknown) => caught as CrmApiError,
      );
      expect(CrmApiError.isInstance(error)).toBe(true);
      expect(error).toMatchObject({ status: 401, isRetryable: false, code: 'CRM_AUTHENTICATION_ERROR', adapter: 'hubspot' });
      expect(`${error!.message} ${JSON.stringify(error)} ${JSON.stringify(error!.responseBody)}`).not.toContain('secret-wrong-token');
      expect(guarded.calls).toHaveLength(1);
    } finally {
      await guarded.close();
    }
  });

  it('needs a token: refuses to start without one', () => {
    const saved = process.env['HUBSPOT_ACCESS_TOKEN'];
    delete process.env['HUBSPOT_ACCESS_TOKEN'];
    try {
      expect(() => createHubSpotAdapter({ basePath: emulator.url })).toThrow(/HUBSPOT_ACCESS_TOKEN/);
    } finally {
      if (saved !== undefined) process.env['HUBSPOT_ACCESS_TOKEN'] = saved;
    }
  });

  it('mirrors consent into HubSpot’s subscription status and legal basis, only when the consent changes', async () => {
    const adapter = adapterFor({ subscriptions: { newsletter: { subscriptionId: 101 } } });
    expect((await adapter.ensureSchema()).problems).toBeUndefined();
    const email = uniqueEmail();
    const trail = sampleTrail(email);
    await adapter.push([trail]);
    expect(emulator.state.subscriptionStatuses(email)[0]).toMatchObject({
      subscriptionId: 101,
      status: 'SUBSCRIBED',
      legalBasis: 'CONSENT_WITH_NOTICE',
      legalBasisExplanation: expect.stringContaining('Salon E-commerce Paris'),
    });
    await adapter.push([trail]);
    expect(emulator.state.writes.subscriptionStatusesWritten).toBe(1);
    await adapter.push([appendEvents(trail, [withdrawal(email)])]);
    expect(emulator.state.subscriptionStatuses(email)[0]).toMatchObject({ status: 'UNSUBSCRIBED' });
    expect(emulator.state.subscriptionStatuses(email)[0]!.history.map((version) => version.status)).toEqual(['SUBSCRIBED', 'UNSUBSCRIBED']);
  });

  it('reports a subscription type the account does not have', async () => {
    const report = await adapterFor({ subscriptions: { offers: { subscriptionId: 999 } } }).ensureSchema();
    expect(report.problems).toEqual([expect.objectContaining({ name: 'subscription 999' })]);
  });

  it('erases with HubSpot’s GDPR delete: contact and notes gone, receipt without personal data', async () => {
    const adapter = adapterFor();
    await adapter.ensureSchema();
    const trail = sampleTrail(uniqueEmail());
    await adapter.push([trail]);
    const contactId = emulator.state.contactByEmail(trail.subject)!.id;
    const receipt = await adapter.erase!({ email: trail.subject }, { requestedAt: '2024-01-01T00:00:00Z' });
    expect(receipt).toMatchObject({ adapter: 'hubspot', removed: [`contact ${contactId}`, '3 associated notes'], trailHead: trail.events.at(-1)!.hash });
    expect(emulator.state.gdprDeletedEmails()).toContain(trail.subject);
    expect(emulator.state.notes()).toEqual([]);
    expect(JSON.stringify(receipt)).not.toContain(trail.subject);
  });

  it('names the event of a note whose OptinTrail marker was damaged in HubSpot', async () => {
    const adapter = adapterFor();
    await adapter.ensureSchema();
    const trail = sampleTrail(uniqueEmail());
    await adapter.push([trail]);
    const note = optinNotes(emulator, trail.subject)[1]!;
    emulator.state.updateNoteBody(note.id, note.properties['hs_note_body']!.replace(/optintrail:v1:([A-Za-z0-9_-]{10})/, 'optintrail:v1:$1~~'));
    const error = await adapter.pull({ email: trail.subject }).then(
      () => undefined,
      (caught: unknown) => caught as TrailIntegrityError,
    );
    expect(TrailIntegrityError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ problem: 'malformed-event', eventId: trail.events[1]!.id });
    const partial = (await adapter.pull({ email: trail.subject }, { verify: false })) as Trail;
    expect(partial.events.map((event) => event.id)).toEqual([trail.events[0]!.id, trail.events[2]!.id]);
  });

  it('ignores notes people wrote on the contact', async () => {
    const adapter = adapterFor();
    await adapter.ensureSchema();
    const trail = sampleTrail(uniqueEmail());
    await adapter.push([trail]);
    const contactId = emulator.state.contactByEmail(trail.subject)!.id;
    await adapter.client.crm.objects.notes.basicApi.create({
      properties: { hs_note_body: '<p>Called her, she loves the newsletter</p>', hs_timestamp: '2024-05-01T10:00:00Z' },
      associations: [{ to: { id: contactId }, types: [{ associationCategory: 'HUBSPOT_DEFINED' as never, associationTypeId: 202 }] }],
    });
    expect(await adapter.pull({ email: trail.subject })).toEqual(trail);
    expect((await adapter.push([trail])).eventsWritten).toBe(0);
  });
});
