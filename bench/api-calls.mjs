// API calls per 1,000 contacts with 3 events each, per CRM: the adapter's first push, the floor the
// API's batch sizes allow (vendor-specs FACTS.md §4), and a naive one-call-per-record loop written
// with the same official SDK. Every figure is counted by the emulator (each HTTP request it answered).
import { Client } from '@hubspot/api-client';
import { encodeTimelineEntry } from '@optintrail/core';
import { createHubSpotAdapter } from '@optintrail/hubspot';
import { startHubSpotEmulator } from '@optintrail/hubspot/testing';
import { createMailchimpAdapter, createMailchimpClient, memberEventFor, noteBodiesFor, subscriberHash } from '@optintrail/mailchimp';
import { startMailchimpEmulator } from '@optintrail/mailchimp/testing';
import { createSalesforceAdapter, salesforceSchemaNames } from '@optintrail/salesforce';
import { startSalesforceEmulator } from '@optintrail/salesforce/testing';
import { Connection } from 'jsforce';
import { benchTrailArray } from './lib/trails.mjs';
import { formatRatio, ratio, table, writeResult } from './lib/results.mjs';

const CONTACTS = Number(process.env.BENCH_CONTACTS ?? 1000);
const per1000 = (calls) => Math.round(((calls * 1000) / CONTACTS) * 10) / 10;
const rows = [];

function record(crm, approach, calls, floor, naive, note) {
  rows.push({ crm, approach, calls, callsPer1000: per1000(calls), floorPer1000: per1000(floor), naivePer1000: per1000(naive), overFloor: ratio(calls, floor), naiveOverAdapter: ratio(naive, calls), note });
}

async function hubspot() {
  const emulator = await startHubSpotEmulator({ rateLimit: false });
  try {
    const trails = benchTrailArray('hubspot', CONTACTS);
    const adapter = createHubSpotAdapter({ accessToken: 'bench-token', basePath: emulator.url, rateLimit: false });
    await adapter.ensureSchema();
    emulator.calls.length = 0;
    const report = await adapter.push(trails);
    if (report.failures.length > 0) throw new Error(`hubspot: ${report.failures[0].reason}`);
    const adapterCalls = emulator.calls.length;

    emulator.reset();
    await adapter.ensureSchema();
    emulator.calls.length = 0;
    const client = new Client({ accessToken: 'bench-token', basePath: emulator.url });
    for (const trail of trails) {
      const contact = await client.crm.contacts.basicApi.create({ properties: { email: trail.subject, optintrail_trail_head: trail.events.at(-1).hash }, associations: [] });
      for (const event of trail.events) {
        await client.crm.objects.notes.basicApi.create({
          properties: { hs_note_body: JSON.stringify(event), hs_timestamp: event.at },
          associations: [{ to: { id: contact.id }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 202 }] }],
        });
      }
    }
    const naive = emulator.calls.length;
    // Floor: contacts/batch/upsert ⌈N/100⌉ + notes/batch/create ⌈3N/100⌉.
    const floor = Math.ceil(CONTACTS / 100) + Math.ceil((CONTACTS * 3) / 100);
    record('HubSpot', 'batch upsert + note batches (upsert-first)', adapterCalls, floor, naive, 'floor: 100 per batch call');
  } finally {
    await emulator.close();
  }
}

async function mailchimp() {
  const emulator = await startMailchimpEmulator({ batchProcessingDelayMs: 100 });
  try {
    const listId = emulator.createList('Benchmark audience', { marketingPermissions: [] });
    const settings = { apiKey: emulator.apiKey, baseUrl: emulator.url, listId, batchPollIntervalMs: 250 };
    const trails = benchTrailArray('mailchimp', CONTACTS);
    const batched = createMailchimpAdapter({ ...settings, batchOperations: 'always' });
    await batched.ensureSchema();
    emulator.clearCalls();
    const report = await batched.push(trails);
    if (report.failures.length > 0) throw new Error(`mailchimp: ${report.failures[0].reason}`);
    const batchCalls = emulator.calls.length;

    emulator.reset();
    const synchronous = createMailchimpAdapter({ ...settings, batchOperations: 'never' });
    await synchronous.ensureSchema();
    emulator.clearCalls();
    await synchronous.push(trails);
    const synchronousCalls = emulator.calls.length;

    emulator.reset();
    await createMailchimpAdapter(settings).ensureSchema();
    emulator.clearCalls();
    const client = createMailchimpClient({ apiKey: emulator.apiKey, baseUrl: emulator.url });
    for (const trail of trails) {
      const hash = subscriberHash(trail.subject);
      await client.lists.setListMember(listId, hash, { email_address: trail.subject, status_if_new: 'subscribed', merge_fields: { OT_HEAD: trail.events.at(-1).hash } });
      for (const event of trail.events) {
        await client.lists.createListMemberEvent(listId, hash, memberEventFor(event));
        for (const note of noteBodiesFor(encodeTimelineEntry(event))) await client.lists.createListMemberNote(listId, hash, { note });
      }
    }
    const naive = emulator.calls.length;
    // Floor (FACTS.md): batch subscribe ⌈N/500⌉ + one POST /batches per 1,000 contacts + at least one status GET.
    const batchFloor = Math.ceil(CONTACTS / 500) + 2 * Math.ceil(CONTACTS / 1000);
    // Synchronous floor: batch subscribe + one call per event (member events have no batch endpoint).
    const synchronousFloor = Math.ceil(CONTACTS / 500) + CONTACTS * 3;
    record('Mailchimp', 'Batch Operations (/batches)', batchCalls, batchFloor, naive, 'floor ≈ 4 per 1,000');
    record('Mailchimp', 'synchronous (events + notes)', synchronousCalls, synchronousFloor, naive, 'floor counts events only, no notes');
  } finally {
    await emulator.close();
  }
}

async function salesforce() {
  const emulator = await startSalesforceEmulator({ dailyApiRequests: 100_000_000 });
  try {
    const trails = benchTrailArray('salesforce', CONTACTS);
    const collectionsFloor = Math.ceil(CONTACTS / 200) + Math.ceil((CONTACTS * 3) / 200);
    const compositeFloor = Math.ceil(collectionsFloor / 5);
    const calls = {};
    for (const transport of ['composite', 'collections']) {
      emulator.reset();
      const adapter = createSalesforceAdapter({ instanceUrl: emulator.url, accessToken: 'bench-token', consentInterop: false, transport });
      await adapter.ensureSchema();
      emulator.clearCalls();
      const report = await adapter.push(trails);
      if (report.failures.length > 0) throw new Error(`salesforce ${transport}: ${report.failures[0].reason}`);
      calls[transport] = emulator.calls.length;
    }
    emulator.reset();
    await createSalesforceAdapter({ instanceUrl: emulator.url, accessToken: 'bench-token', consentInterop: false }).ensureSchema();
    emulator.clearCalls();
    const names = salesforceSchemaNames();
    const connection = new Connection({ instanceUrl: emulator.url, accessToken: 'bench-token', version: '62.0' });
    for (const trail of trails) {
      const contact = await connection.sobject('Contact').create({ LastName: '[not provided]', Email: trail.subject, [names.subjectKey]: trail.subject, [names.summary.trailHead]: trail.events.at(-1).hash });
      for (const event of trail.events) {
        await connection.sobject(names.eventObject).create({ Name: event.type, [names.event.id]: event.id, [names.event.parent]: contact.id, [names.event.payload]: JSON.stringify(event) });
      }
    }
    const naive = emulator.calls.length;
    record('Salesforce', 'Composite (5 Collections per call)', calls.composite, compositeFloor, naive, 'floor: 4 with Composite');
    record('Salesforce', 'sObject Collections', calls.collections, collectionsFloor, naive, 'floor: 20 with Collections');
  } finally {
    await emulator.close();
  }
}

await hubspot();
await mailchimp();
await salesforce();

console.log(`\nAPI calls per 1,000 contacts with 3 events each (measured on ${CONTACTS.toLocaleString('en')} contacts, counted by the emulators)`);
console.log(
  table(rows, [
    { label: 'CRM', value: (row) => row.crm },
    { label: 'this SDK', value: (row) => row.approach, align: 'left' },
    { label: 'calls/1k', value: (row) => row.callsPer1000 },
    { label: 'floor/1k', value: (row) => row.floorPer1000 },
    { label: 'SDK÷floor', value: (row) => formatRatio(row.overFloor) },
    { label: 'naive/1k', value: (row) => row.naivePer1000 },
    { label: 'naive÷SDK', value: (row) => formatRatio(row.naiveOverAdapter) },
  ]),
);
console.log(`results: ${writeResult('api-calls', { contacts: CONTACTS, eventsPerContact: 3, rows })}`);
