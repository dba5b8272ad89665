import { sampleTrail } from '@optintrail/adapter-test';
import { foldTrail, generateReminder, toNodeListener, verifyTrail, type CaptureNotice, type WebhookReport } from '@optintrail/core';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { backfillMailchimp, createMailchimpAdapter, createMailchimpWebhookHandler, mailchimpWebhookSignature, registerMailchimpWebhooks, type MailchimpAdapter } from '../src/index';
import { startMailchimpEmulator, type MailchimpEmulator } from '../src/testing';

const API_KEY = 'webhook-key-us1';

describe('Mailchimp changes captured through list webhooks', () => {
  let emulator: MailchimpEmulator;
  let listId: string;
  let adapter: MailchimpAdapter;
  let receiver: Server;
  let url: string;
  let secrets: string[];
  let notices: CaptureNotice[];
  let reports: WebhookReport[];
  let setHandler: () => void;

  beforeAll(async () => {
    emulator = await startMailchimpEmulator({ apiKey: API_KEY, batchProcessingDelayMs: 5 });
    listId = emulator.createList('Webhook audience');
    // The handler is built per test (the secrets change); the server calls the current one.
    let handler: (request: Request) => Promise<Response> = async () => new Response('not ready', { status: 503 });
    receiver = createServer(toNodeListener((request) => handler(request)));
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks/mailchimp`;
    setHandler = () => {
      handler = createMailchimpWebhookHandler({ adapter, signingSecrets: secrets, onNotice: (notice) => void notices.push(notice), onReport: (report) => void reports.push(report) });
    };
  });
  afterAll(async () => {
    await emulator.close();
    await new Promise<void>((resolve) => receiver.close(() => resolve()));
  });

  beforeEach(async () => {
    emulator.reset();
    // A fresh adapter: the reset emptied the audience's merge fields, which an adapter creates once.
    adapter = createMailchimpAdapter({ apiKey: API_KEY, baseUrl: emulator.url, listId, batchPollIntervalMs: 5 });
    notices = [];
    reports = [];
    await adapter.push([sampleTrail('ann@example.com')]);
    const registered = await registerMailchimpWebhooks({ adapter, url });
    secrets = registered.map((webhook) => webhook.signingSecret!);
    setHandler();
  });

  const trailOf = async (email: string) => (await adapter.pull({ email }))!;

  it('registers two webhooks through the SDK, one per source, never for API writes, each with its secret', async () => {
    const webhooks = [...emulator.webhooks.webhooks.values()];
    expect(webhooks.map((webhook) => webhook.sources)).toEqual([
      { user: true, admin: false, api: false },
      { user: false, admin: true, api: false },
    ]);
    expect(webhooks.map((webhook) => new URL(webhook.url).searchParams.get('source'))).toEqual(['user', 'admin']);
    expect(new Set(secrets).size).toBe(2);
  });

  it('an unsubscribe from a campaign link arrives as the subject withdrawing, dated when Mailchimp fired it', async () => {
    emulator.activity.subscriberUnsubscribes(listId, 'ann@example.com', { campaignId: 'cb398d21d2' });
    await emulator.webhooks.settle();
    const delivery = emulator.webhooks.deliveries.find((item) => item.type === 'unsubscribe')!;
    expect(delivery.status).toBe(200);
    expect(delivery.headers['content-type']).toBe('application/x-www-form-urlencoded');
    const form = new URLSearchParams(delivery.body);
    expect(form.get('data[action]')).toBe('unsub');

    const trail = await trailOf('ann@example.com');
    expect(verifyTrail(trail).valid).toBe(true);
    expect(trail.events.at(-1)).toMatchObject({
      type: 'consent.withdrawn',
      at: `${form.get('fired_at')!.replace(' ', 'T')}.000Z`,
      source: { kind: 'subject', name: 'Mailchimp unsubscribe link', campaign: 'cb398d21d2' },
      actor: { kind: 'subject' },
    });
    expect(generateReminder(foldTrail(trail), { purpose: 'newsletter', touchpoint: 'email-footer', locale: 'en' })).toMatchObject({ kind: 'no-traceable-consent', reason: 'withdrawn' });
    // Only the user-sourced webhook fired: the admin one does not see a subscriber's own change.
    expect(emulator.webhooks.deliveries.filter((item) => item.type === 'unsubscribe')).toHaveLength(1);
  });

  it('a team member editing a profile in the app is crm-user, with only the changed field and its previous value', async () => {
    emulator.activity.adminUpdateMember(listId, 'ann@example.com', { merge_fields: { FNAME: 'Cami' } });
    await emulator.webhooks.settle();
    const trail = await trailOf('ann@example.com');
    expect(trail.events.at(-1)).toMatchObject({ type: 'data.updated', source: { kind: 'crm-user', name: 'Mailchimp' }, actor: { kind: 'staff' }, fields: [{ name: 'firstName', value: 'Cami', previousValue: 'Camille' }] });
    expect(trail.events).toHaveLength(4);
  });

  it('a signup through a hosted form starts a trail with the signup IP as proof; a bounce cleans without touching consent', async () => {
    emulator.activity.subscriberSignsUp(listId, { email: 'Nina@Example.com', merge_fields: { FNAME: 'Nina' }, ip: '198.51.100.7' });
    await emulator.webhooks.settle();
    const trail = await trailOf('nina@example.com');
    expect(trail.events.map((event) => event.type)).toEqual(['consent.given', 'data.collected']);
    expect(trail.events[0]).toMatchObject({ source: { kind: 'web-form' }, proof: { ip: '198.51.100.7' }, actor: { kind: 'subject' } });
    expect(trail.events[1]!.fields).toEqual([{ name: 'email', value: 'nina@example.com' }, { name: 'firstName', value: 'Nina' }]);
    expect(generateReminder(foldTrail(trail), { purpose: 'newsletter', touchpoint: 'email-footer', locale: 'en' })).toMatchObject({ kind: 'reminder', strength: 'single-opt-in' });

    emulator.activity.bounce(listId, 'nina@example.com');
    await emulator.webhooks.settle();
    const cleaned = await trailOf('nina@example.com');
    expect(cleaned.events.at(-1)).toMatchObject({ type: 'data.updated', source: { kind: 'crm-automation' }, fields: [{ name: 'emailDeliverability', value: 'cleaned' }] });
    expect(foldTrail(cleaned).consents[0]).toMatchObject({ status: 'granted' });
  });

  it('an address change is reported, not moved: the trail stays bound to its subject', async () => {
    emulator.activity.changeEmail(listId, 'ann@example.com', 'ann.new@example.com');
    await emulator.webhooks.settle();
    expect(notices).toContainEqual(expect.objectContaining({ kind: 'subject-changed', from: 'ann@example.com', to: 'ann.new@example.com' }));
    expect(reports.at(-1)).toMatchObject({ status: 200, eventsWritten: 0, subjectChanged: 1 });
  });

  it("OptinTrail's own API writes fire no webhook (sources.api is off)", async () => {
    await adapter.push([sampleTrail('bob@example.com')]);
    await emulator.webhooks.settle();
    expect(emulator.webhooks.deliveries).toEqual([]);
  });

  it('refuses forged, stale and unsigned deliveries with 400 and writes nothing; answers the URL check', async () => {
    const before = await trailOf('ann@example.com');
    const body = new URLSearchParams({ type: 'unsubscribe', fired_at: '2024-03-01 10:00:00', 'data[action]': 'unsub', 'data[reason]': 'manual', 'data[list_id]': listId, 'data[email]': 'ann@example.com' }).toString();
    const post = (signature?: string) =>
      fetch(`${url}?source=user`, { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded', ...(signature ? { 'x-mailchimp-signature': signature } : {}) } });
    const now = Math.floor(Date.now() / 1000);
    expect((await post(`t=${now},v1=${mailchimpWebhookSignature('wrong-secret', now, body)}`)).status).toBe(400);
    expect((await post(`t=${now - 301},v1=${mailchimpWebhookSignature(secrets[0]!, now - 301, body)}`)).status).toBe(400);
    expect((await post()).status).toBe(400);
    expect((await post(`t=${now},v1=zz`)).status).toBe(400);
    expect(await trailOf('ann@example.com')).toEqual(before);
    expect((await fetch(url)).status).toBe(200);
    expect((await post(`t=${now},v1=${mailchimpWebhookSignature(secrets[0]!, now, body)}`)).status).toBe(200);
    expect((await trailOf('ann@example.com')).events.at(-1)).toMatchObject({ type: 'consent.withdrawn' });
  });

  it('a replayed delivery changes nothing, even sent to the other URL', async () => {
    emulator.activity.subscriberUnsubscribes(listId, 'ann@example.com');
    await emulator.webhooks.settle();
    const after = await trailOf('ann@example.com');
    const delivery = emulator.webhooks.deliveries[0]!;
    const exact = await fetch(delivery.url, { method: 'POST', body: delivery.body, headers: delivery.headers });
    expect(await exact.json()).toMatchObject({ status: 200, eventsWritten: 0, duplicates: 1 });
    const other = await fetch(delivery.url.replace('source=user', 'source=admin'), { method: 'POST', body: delivery.body, headers: delivery.headers });
    expect(await other.json()).toMatchObject({ status: 200, eventsWritten: 0, duplicates: 1 });
    expect(await trailOf('ann@example.com')).toEqual(after);
  });

  it('with a secret path token instead of signatures, a wrong token is refused', async () => {
    const tokenHandler = createMailchimpWebhookHandler({ adapter, pathToken: 'b6f1c2d9e8a7' });
    const body = new URLSearchParams({ type: 'profile', fired_at: '2024-03-01 10:00:00', 'data[list_id]': listId, 'data[email]': 'ann@example.com', 'data[merges][FNAME]': 'X' }).toString();
    const request = (token: string) => new Request(`https://hooks.example.com/mailchimp?source=user&token=${token}`, { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect((await tokenHandler(request('guess'))).status).toBe(401);
    expect((await tokenHandler(request('b6f1c2d9e8a7'))).status).toBe(200);
    expect(() => createMailchimpWebhookHandler({ adapter })).toThrow(/signingSecrets|pathToken/);
  });
});

describe('Mailchimp backfill', () => {
  let emulator: MailchimpEmulator;
  let listId: string;
  let adapter: MailchimpAdapter;

  // A clock that moves a minute per reading, so each change has its own date.
  let clock = Date.parse('2023-01-10T09:00:00Z');
  beforeAll(async () => {
    emulator = await startMailchimpEmulator({ apiKey: API_KEY, batchProcessingDelayMs: 5, now: () => (clock += 60_000) });
    listId = emulator.createList('Backfill audience', { doubleOptin: true });
    adapter = createMailchimpAdapter({ apiKey: API_KEY, baseUrl: emulator.url, listId, batchPollIntervalMs: 5 });
  });
  afterAll(() => emulator.close());

  it('builds verifying trails from signup fields, permissions and activity, with honest reminders', async () => {
    // A form signup with IPs, an import without any evidence, and a subscriber who later unsubscribed from a campaign.
    emulator.activity.subscriberSignsUp(listId, { email: 'form@example.com', merge_fields: { FNAME: 'Fo' }, ip: '198.51.100.7', confirmationIp: '198.51.100.8' });
    emulator.activity.adminAddMember(listId, { email: 'imported@example.com', merge_fields: { FNAME: 'Ima' }, source: 'Import' });
    emulator.activity.subscriberSignsUp(listId, { email: 'gone@example.com', ip: '203.0.113.9' });
    emulator.activity.subscriberUnsubscribes(listId, 'gone@example.com', { campaignId: 'c-42', campaignTitle: 'Spring sale' });
    await adapter.push([sampleTrail('kept@example.com')]);

    const report = await backfillMailchimp({ adapter });
    expect(report).toMatchObject({ subjects: 4, trailsCreated: 3, failures: [] });

    const form = (await adapter.pull({ email: 'form@example.com' }))!;
    expect(verifyTrail(form).valid).toBe(true);
    expect(form.events.find((event) => event.type === 'consent.given')).toMatchObject({ source: { kind: 'web-form' }, proof: { ip: '198.51.100.7' } });

    const imported = (await adapter.pull({ email: 'imported@example.com' }))!;
    const given = imported.events.find((event) => event.type === 'consent.given')!;
    expect(given.source.kind).toBe('import');
    expect(given.proof).toBeUndefined();
    expect(given.reason).toContain('marketing permission "Email" not given');
    const reminder = generateReminder(foldTrail(imported), { purpose: 'newsletter', touchpoint: 'email-footer', locale: 'en' });
    expect(reminder.kind).toBe('reminder');
    expect(reminder.text).toContain('your details were added to our list on');
    expect(reminder.text).not.toContain('you subscribed');

    const gone = (await adapter.pull({ email: 'gone@example.com' }))!;
    expect(gone.events.at(-1)).toMatchObject({ type: 'consent.withdrawn', source: { kind: 'subject', campaign: 'Spring sale' } });
    expect(emulator.calls.filter((call) => call.path.endsWith('/activity'))).toHaveLength(1);

    expect((await adapter.pull({ email: 'kept@example.com' }))!.events).toHaveLength(3);
    const again = await backfillMailchimp({ adapter });
    expect(again).toMatchObject({ eventsWritten: 0, trailsCreated: 0, failures: [] });
  });
});
