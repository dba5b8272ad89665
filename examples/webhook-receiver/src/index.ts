/**
 * Changes made inside the CRM become provenance: a webhook receiver for HubSpot and Mailchimp, a
 * poller for Salesforce, and a backfill for contacts that existed before OptinTrail.
 *
 *   npm start                  # local HubSpot, Mailchimp and Salesforce emulators: a scripted tour, then exit
 *
 * With real accounts it serves the receivers and keeps running (PORT, default 3000):
 *   HUBSPOT_ACCESS_TOKEN=pat-... HUBSPOT_CLIENT_SECRET=... [HUBSPOT_APP_ID=...] \
 *   MAILCHIMP_API_KEY=...-us21 MAILCHIMP_LIST_ID=... MAILCHIMP_WEBHOOK_SECRETS=secret1,secret2 \
 *   PUBLIC_ORIGIN=https://hooks.example.com npm start
 */
import { buildTrail, foldTrail, generateReminder, type CaptureNotice, type CrmAdapter, type ProvenanceEvent, type Trail, type WebhookHandler } from '@optintrail/core';
import { backfillHubSpot, createHubSpotAdapter, createHubSpotWebhookHandler, hubSpotSignatureV3 } from '@optintrail/hubspot';
import { startHubSpotEmulator } from '@optintrail/hubspot/testing';
import { createMailchimpAdapter, createMailchimpWebhookHandler, registerMailchimpWebhooks } from '@optintrail/mailchimp';
import { startMailchimpEmulator } from '@optintrail/mailchimp/testing';
import { createSalesforceAdapter, pollSalesforceChanges } from '@optintrail/salesforce';
import { startSalesforceEmulator } from '@optintrail/salesforce/testing';
import type { AddressInfo } from 'node:net';
import { createReceiverServer } from './receiver';

const env = process.env;

/** Camille opted in at a trade show: the trail each CRM starts with. */
function camilleTrail(email: string): Trail {
  return buildTrail(email, [
    {
      subject: email,
      at: '2012-09-19T09:30:00Z',
      type: 'consent.given',
      purpose: 'newsletter',
      channel: 'email',
      source: { kind: 'event', name: 'Salon E-commerce Paris', phrases: { fr: 'lors du Salon E-commerce Paris', en: 'at Salon E-commerce Paris' } },
      proof: { documentRef: 'badge-scan-2012-0919-4411' },
    },
    { subject: email, at: '2012-09-19T09:30:01Z', type: 'data.collected', source: { kind: 'event', name: 'Salon E-commerce Paris' }, fields: [{ name: 'firstName', value: 'Camille' }] },
  ]);
}

function describeEvent(crm: string, event: ProvenanceEvent): string {
  const fields = (event.fields ?? []).map((field) => `${field.name}: ${field.previousValue === undefined ? '' : `${String(field.previousValue)} → `}${String(field.value)}`).join(', ');
  const consent = event.purpose ? `${event.purpose}/${event.channel}` : '';
  return `  ${crm.padEnd(10)} ${event.at.slice(0, 19)}Z  ${event.type.padEnd(17)} ${`${event.source.kind} (${event.source.name})`.padEnd(44)} ${fields || consent}`;
}

async function printNew(crm: string, adapter: CrmAdapter, email: string, known: number): Promise<void> {
  const trail = (await adapter.pull({ email }))!;
  for (const event of trail.events.slice(known)) console.log(describeEvent(crm, event));
}

async function demo(): Promise<void> {
  const hubspot = await startHubSpotEmulator({ rateLimit: false });
  const mailchimp = await startMailchimpEmulator({ apiKey: 'demo-key-us1' });
  const salesforce = await startSalesforceEmulator();
  const listId = mailchimp.createList('Newsletter');
  const notices: string[] = [];
  const onNotice = (notice: CaptureNotice) => void notices.push(notice.kind === 'ignored' ? `ignored: ${notice.reason}` : notice.kind);

  const hubspotAdapter = createHubSpotAdapter({ accessToken: 'emulator-token', basePath: hubspot.url, rateLimit: false });
  const mailchimpAdapter = createMailchimpAdapter({ apiKey: mailchimp.apiKey, baseUrl: mailchimp.url, listId });
  const salesforceAdapter = createSalesforceAdapter({ instanceUrl: salesforce.url, accessToken: 'emulator-session' });
  const email = 'camille.martin@example.org';
  for (const adapter of [hubspotAdapter, mailchimpAdapter, salesforceAdapter]) {
    await adapter.ensureSchema();
    await adapter.push([camilleTrail(email)]);
  }

  const clientSecret = 'demo-hubspot-client-secret';
  const handlers: { hubspot?: WebhookHandler; mailchimp?: WebhookHandler } = {
    hubspot: createHubSpotWebhookHandler({ adapter: hubspotAdapter, clientSecret, ownSourceIds: ['1234567'], rateLimit: false, onNotice }),
  };
  const server = createReceiverServer(handlers);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  console.log(`Receiver listening at ${base}/hooks/hubspot and ${base}/hooks/mailchimp`);
  console.log(`Emulators: HubSpot ${hubspot.url}, Mailchimp ${mailchimp.url}, Salesforce ${salesforce.url}\n`);

  try {
    // HubSpot sends webhooks for its app; Mailchimp's are registered through its API, one per source.
    // Subscribed to an OptinTrail property too, to show that the receiver's own write-backs come back and are ignored.
    const properties = ['email', 'firstname', 'company', 'hs_email_optout', 'optintrail_trail_head'];
    hubspot.webhooks.configure({
      targetUrl: `${base}/hooks/hubspot`,
      clientSecret,
      subscriptions: [{ subscriptionType: 'contact.creation' }, { subscriptionType: 'contact.privacyDeletion' }, ...properties.map((propertyName) => ({ subscriptionType: 'contact.propertyChange' as const, propertyName }))],
    });
    const registered = await registerMailchimpWebhooks({ adapter: mailchimpAdapter, url: `${base}/hooks/mailchimp` });
    handlers.mailchimp = createMailchimpWebhookHandler({ adapter: mailchimpAdapter, signingSecrets: registered.map((webhook) => webhook.signingSecret!), onNotice });
    console.log(`Mailchimp webhooks registered: ${registered.map((webhook) => `${webhook.origin} changes → ${new URL(webhook.url).search}`).join(', ')} (API writes excluded)\n`);

    const salesforceStart = await pollSalesforceChanges({ adapter: salesforceAdapter });

    console.log('Changes made inside the CRMs:');
    hubspot.state.updateContactProperty(email, 'firstname', 'Cami');
    hubspot.state.updateContactProperty(email, 'company', 'Boutique Éphémère', { source: { sourceType: 'AUTOMATION_PLATFORM', sourceId: 'workflow:42' } });
    await hubspot.webhooks.settle();
    mailchimp.activity.adminUpdateMember(listId, email, { merge_fields: { FNAME: 'Cam' } });
    mailchimp.activity.subscriberUnsubscribes(listId, email, { campaignId: 'cb398d21d2', campaignTitle: 'September news' });
    await mailchimp.webhooks.settle();
    const contact = salesforce.state.contactByEmail(email)!;
    salesforce.state.updateRecord('Contact', contact.Id, { Title: 'Buyer' });
    const polled = await pollSalesforceChanges({ adapter: salesforceAdapter, cursor: salesforceStart.cursor });

    console.log('\nWhat the trails now hold (after the two events each CRM started with):');
    await printNew('HubSpot', hubspotAdapter, email, 2);
    await printNew('Mailchimp', mailchimpAdapter, email, 2);
    await printNew('Salesforce', salesforceAdapter, email, 2);
    const reminder = generateReminder(foldTrail((await mailchimpAdapter.pull({ email }))!), { purpose: 'newsletter', touchpoint: 'email-footer', locale: 'en' });
    console.log(`\nMailchimp reminder after the unsubscribe: ${reminder.kind === 'reminder' ? reminder.text : `none (${reminder.reason})`}`);
    const polledCount = polled.report.eventsWritten;
    console.log(`Salesforce poll: ${polledCount} event${polledCount === 1 ? '' : 's'} written; cursor kept for the next poll.`);
    console.log(`Notices: ${[...new Set(notices)].join('; ') || 'none'}`);

    // A forged delivery and a replayed one.
    const body = JSON.stringify([{ eventId: 1, subscriptionId: 1, portalId: 12345678, appId: 1, occurredAt: Date.now(), subscriptionType: 'contact.propertyChange', attemptNumber: 0, objectId: 101, propertyName: 'hs_email_optout', propertyValue: 'true', changeSource: 'EMAIL' }]);
    const timestamp = Date.now();
    const forged = await fetch(`${base}/hooks/hubspot`, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json', 'x-hubspot-request-timestamp': String(timestamp), 'x-hubspot-signature-v3': hubSpotSignatureV3({ clientSecret: 'guessed-secret', method: 'POST', uri: `${base}/hooks/hubspot`, body, timestamp }) },
    });
    console.log(`\nForged HubSpot delivery (wrong secret): HTTP ${forged.status}, nothing written.`);
    const delivery = hubspot.webhooks.deliveries[0]!;
    const replay = (await (await fetch(delivery.url, { method: 'POST', body: delivery.body, headers: delivery.headers })).json()) as { eventsWritten: number; duplicates: number };
    console.log(`Replayed HubSpot delivery: ${replay.eventsWritten} events written, ${replay.duplicates} already in the trail.`);

    // Contacts that existed before OptinTrail: a first trail from what HubSpot knows.
    hubspot.webhooks.configure(null);
    hubspot.state.createContact({ email: 'noah.bernard@example.org', firstname: 'Noah' }, { source: { sourceType: 'IMPORT', sourceId: 'import:2019-spring-fair' } });
    await fetch(`${hubspot.url}/communication-preferences/v4/statuses/batch/write`, {
      method: 'POST',
      headers: { authorization: 'Bearer emulator-token', 'content-type': 'application/json' },
      body: JSON.stringify({ inputs: [{ subscriberIdString: 'noah.bernard@example.org', channel: 'EMAIL', subscriptionId: 101, statusState: 'SUBSCRIBED', legalBasis: 'CONSENT_WITH_NOTICE', legalBasisExplanation: 'Spring fair sign-up sheet' }] }),
    });
    const backfill = await backfillHubSpot({ adapter: hubspotAdapter, subscriptions: { newsletter: { subscriptionId: 101 } }, ownSourceIds: ['1234567'], rateLimit: false });
    console.log(`\nHubSpot backfill: ${backfill.subjects} contacts read, ${backfill.trailsCreated} new trail, ${backfill.eventsWritten} events, ${backfill.failures.length} failed.`);
    const noah = (await hubspotAdapter.pull({ email: 'noah.bernard@example.org' }))!;
    for (const event of noah.events) console.log(describeEvent('HubSpot', event));
    const noahReminder = generateReminder(foldTrail(noah), { purpose: 'newsletter', touchpoint: 'email-footer', locale: 'en' });
    console.log(`Reminder (an import without proof says only what is known): ${noahReminder.kind === 'reminder' ? noahReminder.text : noahReminder.reason}`);
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await Promise.all([hubspot.close(), mailchimp.close(), salesforce.close()]);
  }
}

/** Real accounts: serve the receivers until stopped. */
async function serve(): Promise<boolean> {
  const routes: { hubspot?: WebhookHandler; mailchimp?: WebhookHandler } = {};
  if (env['HUBSPOT_ACCESS_TOKEN'] && env['HUBSPOT_CLIENT_SECRET']) {
    routes.hubspot = createHubSpotWebhookHandler({
      adapter: createHubSpotAdapter({ accessToken: env['HUBSPOT_ACCESS_TOKEN'] }),
      clientSecret: env['HUBSPOT_CLIENT_SECRET'],
      ...(env['HUBSPOT_APP_ID'] ? { ownSourceIds: [env['HUBSPOT_APP_ID']] } : {}),
      onNotice: (notice) => console.log(`hubspot notice: ${notice.kind}${notice.kind === 'ignored' ? ` (${notice.reason})` : ''}`),
      onReport: (report) => console.log(`hubspot delivery: HTTP ${report.status}, ${report.eventsWritten} written, ${report.duplicates} already there`),
    });
  }
  if (env['MAILCHIMP_API_KEY'] && env['MAILCHIMP_LIST_ID'] && env['MAILCHIMP_WEBHOOK_SECRETS']) {
    routes.mailchimp = createMailchimpWebhookHandler({
      adapter: createMailchimpAdapter({ apiKey: env['MAILCHIMP_API_KEY'], listId: env['MAILCHIMP_LIST_ID'] }),
      signingSecrets: env['MAILCHIMP_WEBHOOK_SECRETS'].split(',').map((secret) => secret.trim()),
      onReport: (report) => console.log(`mailchimp delivery: HTTP ${report.status}, ${report.eventsWritten} written, ${report.duplicates} already there`),
    });
  }
  if (!routes.hubspot && !routes.mailchimp) return false;
  const port = Number(env['PORT'] ?? 3000);
  const server = createReceiverServer(routes, env['PUBLIC_ORIGIN'] ? { origin: env['PUBLIC_ORIGIN'] } : {});
  server.listen(port, () => console.log(`Receiving ${Object.keys(routes).map((name) => `/hooks/${name}`).join(' and ')} on port ${port}. Ctrl-C to stop.`));
  return true;
}

serve()
  .then((serving) => (serving ? undefined : demo()))
  .catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  });
