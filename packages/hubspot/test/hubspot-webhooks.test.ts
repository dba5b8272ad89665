import { sampleTrail } from '@optintrail/adapter-test';
import { foldTrail, generateReminder, toNodeListener, verifyTrail, type CaptureNotice, type WebhookReport } from '@optintrail/core';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { backfillHubSpot, createHubSpotAdapter, createHubSpotWebhookHandler, hubSpotSignatureV3, type HubSpotAdapter } from '../src/index';
import { startHubSpotEmulator, type HubSpotEmulator } from '../src/testing/index';

const CLIENT_SECRET = 'test-client-secret-0f1e2d3c';
const APP_ID = '1234567';

describe('HubSpot changes captured through webhooks', () => {
  let emulator: HubSpotEmulator;
  let receiver: Server;
  let targetUrl: string;
  let adapter: HubSpotAdapter;
  let notices: CaptureNotice[];
  let reports: WebhookReport[];

  beforeAll(async () => {
    emulator = await startHubSpotEmulator({ rateLimit: false, appId: APP_ID });
    adapter = createHubSpotAdapter({ accessToken: 'test-token', basePath: emulator.url, rateLimit: false });
    const handler = createHubSpotWebhookHandler({
      adapter,
      clientSecret: CLIENT_SECRET,
      ownSourceIds: [APP_ID],
      rateLimit: false,
      onNotice: (notice) => void notices.push(notice),
      onReport: (report) => void reports.push(report),
    });
    receiver = createServer(toNodeListener(handler));
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    targetUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks/hubspot`;
  });
  afterAll(async () => {
    await emulator.close();
    await new Promise<void>((resolve) => receiver.close(() => resolve()));
  });

  beforeEach(async () => {
    emulator.reset();
    emulator.webhooks.configure(null);
    await adapter.ensureSchema();
    await adapter.push([sampleTrail('ann@example.com')]);
    emulator.webhooks.configure({
      targetUrl,
      clientSecret: CLIENT_SECRET,
      subscriptions: [
        { subscriptionType: 'contact.creation' },
        { subscriptionType: 'contact.privacyDeletion' },
        ...['email', 'firstname', 'company', 'hs_email_optout', 'optintrail_trail_head'].map((propertyName) => ({ subscriptionType: 'contact.propertyChange' as const, propertyName })),
      ],
    });
    notices = [];
    reports = [];
  });

  const trailOf = async (email: string) => (await adapter.pull({ email }))!;

  it('a staff edit in HubSpot arrives as a crm-user event dated as HubSpot dated it, with the previous value', async () => {
    emulator.state.updateContactProperty('ann@example.com', 'firstname', 'Ann');
    emulator.state.updateContactProperty('ann@example.com', 'firstname', 'Annie');
    await emulator.webhooks.settle();

    const deliveries = emulator.webhooks.deliveries;
    expect(deliveries.every((delivery) => delivery.status === 200)).toBe(true);
    // Both changes of one tick went in one signed batch, as HubSpot batches them; what followed is the
    // receiver's own write-back of the summary properties, echoed and ignored.
    expect(deliveries[0]!.events.map((event) => event['propertyName'])).toEqual(['firstname', 'firstname']);
    expect(deliveries.slice(1).flatMap((delivery) => delivery.events.map((event) => event['propertyName']))).toEqual(['optintrail_trail_head']);
    const trail = await trailOf('ann@example.com');
    expect(verifyTrail(trail).valid).toBe(true);
    const history = emulator.state.contactByEmail('ann@example.com')!.propertiesWithHistory['firstname']!;
    const [first, second] = trail.events.slice(-2);
    expect(first).toMatchObject({ type: 'data.updated', at: history[1]!.timestamp, source: { kind: 'crm-user', name: 'HubSpot' }, actor: { kind: 'staff', id: 'hubspot-user:1001' }, fields: [{ name: 'firstName', value: 'Ann' }] });
    expect(second).toMatchObject({ type: 'data.updated', at: history[0]!.timestamp, fields: [{ name: 'firstName', value: 'Annie', previousValue: 'Ann' }] });
    expect(trail.events).toHaveLength(5);

    // A backfill run afterwards names those history versions as the receiver did: nothing twice.
    const backfill = await backfillHubSpot({ adapter, ownSourceIds: [APP_ID], rateLimit: false });
    expect(backfill).toMatchObject({ eventsWritten: 0, failures: [] });
    expect(await trailOf('ann@example.com')).toEqual(trail);
  });

  it('a workflow change is crm-automation; an unsubscribe from an email link withdraws consent as the subject', async () => {
    emulator.state.updateContactProperty('ann@example.com', 'company', 'Acme', { source: { sourceType: 'AUTOMATION_PLATFORM', sourceId: 'workflow:42' } });
    await emulator.webhooks.settle();
    emulator.state.updateContactProperty('ann@example.com', 'hs_email_optout', 'true', { source: { sourceType: 'EMAIL', sourceId: 'unsubscribe-link' } });
    await emulator.webhooks.settle();

    const trail = await trailOf('ann@example.com');
    expect(trail.events.at(-2)).toMatchObject({ type: 'data.updated', source: { kind: 'crm-automation' }, actor: { kind: 'system', id: 'hubspot:workflow:42' }, fields: [{ name: 'company', value: 'Acme' }] });
    expect(trail.events.at(-2)!.fields![0]).not.toHaveProperty('previousValue');
    expect(trail.events.at(-1)).toMatchObject({ type: 'consent.withdrawn', purpose: 'newsletter', channel: 'email', source: { kind: 'subject' }, actor: { kind: 'subject' } });
    const reminder = generateReminder(foldTrail(trail), { purpose: 'newsletter', touchpoint: 'email-footer', locale: 'en' });
    expect(reminder).toMatchObject({ kind: 'no-traceable-consent', reason: 'withdrawn' });
    // The receiver's own write-back changed the summary properties: those echoes were ignored.
    expect(notices.some((notice) => notice.kind === 'ignored' && notice.reason.includes('summary property'))).toBe(true);
  });

  it('a contact created by a team member starts a trail with what it was created with', async () => {
    emulator.state.createContact({ email: 'Nina@Example.com', firstname: 'Nina' });
    await emulator.webhooks.settle();
    const trail = await trailOf('nina@example.com');
    const contact = emulator.state.contactByEmail('nina@example.com')!;
    expect(trail.events).toHaveLength(1);
    expect(trail.events[0]).toMatchObject({
      type: 'data.collected',
      at: contact.createdAt,
      source: { kind: 'crm-user' },
      fields: expect.arrayContaining([
        { name: 'email', value: 'nina@example.com' },
        { name: 'firstName', value: 'Nina' },
      ]),
    });
  });

  it("ignores echoes of OptinTrail's own API writes", async () => {
    const before = await trailOf('ann@example.com');
    const contactId = emulator.state.contactByEmail('ann@example.com')!.id;
    await adapter.client.crm.contacts.basicApi.update(contactId, { properties: { firstname: 'Written by the integration' } });
    await adapter.push([sampleTrail('bob@example.com')]);
    await emulator.webhooks.settle();
    expect(emulator.webhooks.deliveries.length).toBeGreaterThan(0);
    expect(reports.every((report) => report.status === 200 && report.eventsWritten === 0)).toBe(true);
    expect(notices.filter((notice) => notice.kind === 'ignored' && notice.reason.includes('echo')).length).toBeGreaterThanOrEqual(2);
    expect(await trailOf('ann@example.com')).toEqual(before);
  });

  it('refuses forged, stale and unsigned deliveries, and writes nothing', async () => {
    const before = await trailOf('ann@example.com');
    const contactId = Number(emulator.state.contactByEmail('ann@example.com')!.id);
    const body = JSON.stringify([
      { eventId: 9, subscriptionId: 1, portalId: 12345678, appId: 1, occurredAt: Date.now(), subscriptionType: 'contact.propertyChange', attemptNumber: 0, objectId: contactId, propertyName: 'hs_email_optout', propertyValue: 'true', changeSource: 'EMAIL' },
    ]);
    const send = (headers: Record<string, string>) => fetch(targetUrl, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });
    const signed = (secret: string, timestamp: number) => ({
      'x-hubspot-request-timestamp': String(timestamp),
      'x-hubspot-signature-v3': hubSpotSignatureV3({ clientSecret: secret, method: 'POST', uri: targetUrl, body, timestamp }),
    });

    expect((await send(signed('not-the-secret', Date.now()))).status).toBe(401);
    expect((await send(signed(CLIENT_SECRET, Date.now() - 6 * 60_000))).status).toBe(401);
    expect((await send({})).status).toBe(401);
    const tampered = signed(CLIENT_SECRET, Date.now());
    expect((await fetch(targetUrl, { method: 'POST', body: body.replace('"true"', '"false"'), headers: { 'content-type': 'application/json', ...tampered } })).status).toBe(401);
    expect(await trailOf('ann@example.com')).toEqual(before);

    // A well-signed body that is not a HubSpot delivery is a 400, still with nothing written.
    const junk = 'not json';
    const timestamp = Date.now();
    const answer = await fetch(targetUrl, {
      method: 'POST',
      body: junk,
      headers: { 'x-hubspot-request-timestamp': String(timestamp), 'x-hubspot-signature-v3': hubSpotSignatureV3({ clientSecret: CLIENT_SECRET, method: 'POST', uri: targetUrl, body: junk, timestamp }) },
    });
    expect(answer.status).toBe(400);
    // The good signature with the right secret and a fresh timestamp is accepted.
    expect((await send(signed(CLIENT_SECRET, Date.now()))).status).toBe(200);
    expect((await trailOf('ann@example.com')).events.at(-1)).toMatchObject({ type: 'consent.withdrawn' });
  });

  it('a replayed delivery (same events, fresh signature, higher attempt) changes nothing', async () => {
    emulator.state.updateContactProperty('ann@example.com', 'firstname', 'Ann');
    await emulator.webhooks.settle();
    const after = await trailOf('ann@example.com');
    const delivery = emulator.webhooks.deliveries[0]!;

    const exact = await fetch(delivery.url, { method: 'POST', body: delivery.body, headers: delivery.headers });
    expect(exact.status).toBe(200);
    expect(await exact.json()).toMatchObject({ eventsWritten: 0, duplicates: 1 });

    const retried = JSON.stringify(delivery.events.map((event) => ({ ...event, attemptNumber: 3 })));
    const timestamp = Date.now();
    const again = await fetch(delivery.url, {
      method: 'POST',
      body: retried,
      headers: { 'content-type': 'application/json', 'x-hubspot-request-timestamp': String(timestamp), 'x-hubspot-signature-v3': hubSpotSignatureV3({ clientSecret: CLIENT_SECRET, method: 'POST', uri: delivery.url, body: retried, timestamp }) },
    });
    expect(again.status).toBe(200);
    expect(await trailOf('ann@example.com')).toEqual(after);
  });

  it('a GDPR delete in HubSpot is reported as an erasure, and nothing is written back', async () => {
    const contactId = emulator.state.contactByEmail('ann@example.com')!.id;
    await adapter.erase!({ email: 'ann@example.com' }, { requestedAt: new Date().toISOString() });
    await emulator.webhooks.settle();
    expect(notices).toContainEqual(expect.objectContaining({ kind: 'erased', crmRecordId: contactId }));
    expect(emulator.state.contactByEmail('ann@example.com')).toBeNull();
  });
});

describe('HubSpot backfill', () => {
  let emulator: HubSpotEmulator;
  let adapter: HubSpotAdapter;

  beforeAll(async () => {
    emulator = await startHubSpotEmulator({ rateLimit: false, appId: APP_ID });
    adapter = createHubSpotAdapter({ accessToken: 'test-token', basePath: emulator.url, rateLimit: false });
    await adapter.ensureSchema();
  });
  afterAll(() => emulator.close());

  async function setStatus(email: string, statusState: string, legalBasis?: string) {
    const response = await fetch(`${emulator.url}/communication-preferences/v4/statuses/batch/write`, {
      method: 'POST',
      headers: { authorization: 'Bearer test-token', 'content-type': 'application/json' },
      body: JSON.stringify({ inputs: [{ subscriberIdString: email, channel: 'EMAIL', subscriptionId: 101, statusState, ...(legalBasis ? { legalBasis, legalBasisExplanation: 'Signed up at the counter' } : {}) }] }),
    });
    expect(response.status).toBe(200);
  }

  it('gives existing contacts verifying trails from property history and subscription statuses, with honest reminders', async () => {
    // An imported contact, later edited by a team member, subscribed with a legal basis but no proof.
    emulator.state.createContact({ email: 'imported@example.com', firstname: 'Ima', lastname: 'Port' }, { source: { sourceType: 'IMPORT', sourceId: 'import:77' } });
    emulator.state.updateContactProperty('imported@example.com', 'lastname', 'Porter');
    await setStatus('imported@example.com', 'SUBSCRIBED', 'CONSENT_WITH_NOTICE');
    // A contact from a form who later unsubscribed from all email.
    emulator.state.createContact({ email: 'former@example.com', firstname: 'Fo' }, { source: { sourceType: 'FORM', sourceId: 'form:9' } });
    emulator.state.updateContactProperty('former@example.com', 'hs_email_optout', 'true', { source: { sourceType: 'EMAIL' } });
    // A contact OptinTrail already keeps a trail for.
    await adapter.push([sampleTrail('kept@example.com')]);

    const report = await backfillHubSpot({ adapter, subscriptions: { newsletter: { subscriptionId: 101 } }, ownSourceIds: [APP_ID], rateLimit: false });
    expect(report).toMatchObject({ subjects: 3, trailsCreated: 2, failures: [] });

    const imported = (await adapter.pull({ email: 'imported@example.com' }))!;
    expect(verifyTrail(imported).valid).toBe(true);
    expect(imported.events.map((event) => [event.type, event.source.kind])).toEqual([
      ['data.collected', 'import'],
      ['data.updated', 'crm-user'],
      ['consent.given', 'import'],
    ]);
    expect(imported.events[1]).toMatchObject({ fields: [{ name: 'lastName', value: 'Porter', previousValue: 'Port' }] });
    expect(imported.events[2]).toMatchObject({ lawfulBasis: 'consent', reason: 'Signed up at the counter' });
    expect(imported.events[2]!.proof).toBeUndefined();
    const state = foldTrail(imported);
    expect(state.consents[0]).toMatchObject({ status: 'granted', strength: 'no-proof' });
    const reminder = generateReminder(state, { purpose: 'newsletter', touchpoint: 'email-footer', locale: 'en' });
    expect(reminder.kind).toBe('reminder');
    expect(reminder.text).toMatch(/^You are receiving this newsletter because your details were added to our list on /);
    expect(reminder.text).not.toContain('you subscribed');

    const former = (await adapter.pull({ email: 'former@example.com' }))!;
    expect(former.events.map((event) => [event.type, event.source.kind])).toEqual([
      ['data.collected', 'web-form'],
      ['consent.withdrawn', 'subject'],
    ]);
    expect(generateReminder(foldTrail(former), { purpose: 'newsletter', touchpoint: 'email-footer', locale: 'en' })).toMatchObject({ kind: 'no-traceable-consent' });

    // The kept trail gained nothing it already had: OptinTrail's own writes are not history.
    expect((await adapter.pull({ email: 'kept@example.com' }))!.events).toHaveLength(3);

    const again = await backfillHubSpot({ adapter, subscriptions: { newsletter: { subscriptionId: 101 } }, ownSourceIds: [APP_ID], rateLimit: false });
    expect(again).toMatchObject({ eventsWritten: 0, trailsCreated: 0, failures: [] });
  });
});
