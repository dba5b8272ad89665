// API calls per 1,000 contacts with 3 events each, per CRM: the adapter's first push (of 1,000
// contacts, and per 1,000 over a push of 20,000, where a push's fixed calls are spread out), the
// floor the API's batch sizes allow (vendor-specs FACTS.md §4), and a naive one-call-per-record loop
// written with the same official SDK. Every figure is counted by the emulator (each HTTP request it
// answered).
import { Client } from '@hubspot/api-client';
import { encodeTimelineEntry } from '@optintrail/core';
import { createHubSpotAdapter } from '@optintrail/hubspot';
import { startHubSpotEmulator } from '@optintrail/hubspot/testing';
import { createMailchimpAdapter, createMailchimpClient, memberEventFor, noteBodiesFor, subscriberHash } from '@optintrail/mailchimp';
import { startMailchimpEmulator } from '@optintrail/mailchimp/testing';
import { createSalesforceAdapter, salesforceSchemaNames } from '@optintrail/salesforce';
import { startSalesforceEmulator } from '@optintrail/salesforce/testing';
import { Connection } from 'jsforce';
import { spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { benchTrailArray, benchTrails } from './lib/trails.mjs';
import { formatRatio, ratio, table, writeResult } from './lib/results.mjs';

const CONTACTS = Number(process.env.BENCH_CONTACTS ?? 1000);
// Addresses of the 20,000-contact pushes are 19–25 characters (`sf-comp.12345@example.org`), about
// the length of real ones; Salesforce's read fits fewer long addresses per query (4.2 per 1,000 at 45).
const STEADY_CONTACTS = Number(process.env.BENCH_STEADY_CONTACTS ?? 20_000);
const per1000 = (calls, contacts = CONTACTS) => Math.round(((calls * 1000) / contacts) * 100) / 100;
const rows = [];
const ROWS_MARKER = 'api-calls rows: ';

/**
 * `calls` is the first push of CONTACTS; `steady` (when measured) the first push of STEADY_CONTACTS.
 * The headline figure (`callsPer1000`, ratios) is the steady one when there is one.
 */
function record(crm, approach, { calls, floor, steady, steadyFloor }, naive, note) {
  const headline = steady !== undefined ? { calls: steady, floor: steadyFloor, contacts: STEADY_CONTACTS } : { calls, floor, contacts: CONTACTS };
  rows.push({
    crm,
    approach,
    calls,
    firstPushPer1000: per1000(calls),
    steadyCalls: steady ?? null,
    steadyPer1000: steady !== undefined ? per1000(steady, STEADY_CONTACTS) : null,
    callsPer1000: per1000(headline.calls, headline.contacts),
    floorPer1000: per1000(headline.floor, headline.contacts),
    naivePer1000: per1000(naive),
    overFloor: ratio(headline.calls, headline.floor),
    naiveOverAdapter: ratio(per1000(naive), per1000(headline.calls, headline.contacts)),
    note,
  });
}

async function hubspot() {
  const emulator = await startHubSpotEmulator({ rateLimit: false });
  try {
    const trails = benchTrailArray('hubspot', CONTACTS);
    const pushCalls = async (input) => {
      emulator.reset();
      const adapter = createHubSpotAdapter({ accessToken: 'bench-token', basePath: emulator.url, rateLimit: false });
      await adapter.ensureSchema();
      emulator.calls.length = 0;
      const report = await adapter.push(input);
      if (report.failures.length > 0) throw new Error(`hubspot: ${report.failures[0].reason}`);
      return emulator.calls.length;
    };
    const adapterCalls = await pushCalls(trails);
    const steady = await pushCalls(benchTrails('hs', STEADY_CONTACTS));

    emulator.reset();
    await createHubSpotAdapter({ accessToken: 'bench-token', basePath: emulator.url, rateLimit: false }).ensureSchema();
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
    const floorOf = (contacts) => Math.ceil(contacts / 100) + Math.ceil((contacts * 3) / 100);
    record('HubSpot', 'batch upsert + note batches (upsert-first)', { calls: adapterCalls, floor: floorOf(CONTACTS), steady, steadyFloor: floorOf(STEADY_CONTACTS) }, naive, 'floor: 100 per batch call');
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
    const batchedCalls = async (input) => {
      emulator.reset();
      const batched = createMailchimpAdapter({ ...settings, batchOperations: 'always' });
      await batched.ensureSchema();
      emulator.clearCalls();
      const report = await batched.push(input);
      if (report.failures.length > 0) throw new Error(`mailchimp: ${report.failures[0].reason}`);
      return emulator.calls.length;
    };
    const batchCalls = await batchedCalls(trails);
    const steady = await batchedCalls(benchTrails('mc', STEADY_CONTACTS));

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
    const batchFloor = (contacts) => Math.ceil(contacts / 500) + 2 * Math.ceil(contacts / 1000);
    // Synchronous floor: batch subscribe + one call per event (member events have no batch endpoint).
    const synchronousFloor = Math.ceil(CONTACTS / 500) + CONTACTS * 3;
    record('Mailchimp', 'Batch Operations (/batches)', { calls: batchCalls, floor: batchFloor(CONTACTS), steady, steadyFloor: batchFloor(STEADY_CONTACTS) }, naive, 'floor ≈ 4 per 1,000');
    record('Mailchimp', 'synchronous (events + notes)', { calls: synchronousCalls, floor: synchronousFloor }, naive, 'floor counts events only, no notes');
  } finally {
    await emulator.close();
  }
}

async function salesforce() {
  const emulator = await startSalesforceEmulator({ dailyApiRequests: 100_000_000 });
  try {
    const trails = benchTrailArray('salesforce', CONTACTS);
    const collectionsFloor = (contacts) => Math.ceil(contacts / 200) + Math.ceil((contacts * 3) / 200);
    const compositeFloor = (contacts) => Math.ceil(collectionsFloor(contacts) / 5);
    const calls = {};
    const steady = {};
    const pushCalls = async (transport, input) => {
      emulator.reset();
      const adapter = createSalesforceAdapter({ instanceUrl: emulator.url, accessToken: 'bench-token', consentInterop: false, transport });
      await adapter.ensureSchema();
      emulator.clearCalls();
      const report = await adapter.push(input);
      if (report.failures.length > 0) throw new Error(`salesforce ${transport}: ${report.failures[0].reason}`);
      return emulator.calls.length;
    };
    for (const transport of ['composite', 'collections']) {
      calls[transport] = await pushCalls(transport, trails);
      steady[transport] = await pushCalls(transport, benchTrails(`sf-${transport.slice(0, 4)}`, STEADY_CONTACTS));
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
    record('Salesforce', 'Composite (5 Collections per call)', { calls: calls.composite, floor: compositeFloor(CONTACTS), steady: steady.composite, steadyFloor: compositeFloor(STEADY_CONTACTS) }, naive, 'floor: 4 with Composite');
    record('Salesforce', 'sObject Collections', { calls: calls.collections, floor: collectionsFloor(CONTACTS), steady: steady.collections, steadyFloor: collectionsFloor(STEADY_CONTACTS) }, naive, 'floor: 20 with Collections');
  } finally {
    await emulator.close();
  }
}

// Each CRM's emulator runs in the process that counts its calls, so one CRM is one busy core: the
// three run as child processes, as many at once as there are cores (the counts do not depend on it).
const crmRuns = { hubspot, mailchimp, salesforce };
if (process.env.BENCH_API_CRM) {
  await crmRuns[process.env.BENCH_API_CRM]();
  process.stdout.write(`${ROWS_MARKER}${JSON.stringify(rows)}\n`);
  process.exit(0);
}
const only = process.env.BENCH_API_ONLY?.split(',');
const crmNames = Object.keys(crmRuns).filter((name) => !only || only.includes(name));
const started = performance.now();
const runCrm = (name) =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [fileURLToPath(import.meta.url)], { env: { ...process.env, BENCH_API_CRM: name }, stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk) => (output += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      const line = output.split('\n').find((text) => text.startsWith(ROWS_MARKER));
      if (code !== 0 || !line) return reject(new Error(`api-calls ${name} failed (exit ${code})\n${output}`));
      console.log(`  ${name}: ${((performance.now() - started) / 1000).toFixed(0)} s`);
      resolve(JSON.parse(line.slice(ROWS_MARKER.length)));
    });
  });
const rowsByCrm = new Map();
// Longest first, so the last to start is the shortest.
const queue = ['salesforce', 'mailchimp', 'hubspot'].filter((name) => crmNames.includes(name));
const lanes = Array.from({ length: Math.min(availableParallelism(), crmNames.length) }, async () => {
  for (let name = queue.shift(); name; name = queue.shift()) rowsByCrm.set(name, await runCrm(name));
});
await Promise.all(lanes);
for (const name of crmNames) rows.push(...rowsByCrm.get(name));

const steadyLabel = `${(STEADY_CONTACTS / 1000).toLocaleString('en')}k push`;
console.log(`\nAPI calls per 1,000 contacts with 3 events each (first push; counted by the emulators; naive loop on ${CONTACTS.toLocaleString('en')} contacts)`);
console.log(
  table(rows, [
    { label: 'CRM', value: (row) => row.crm },
    { label: 'this SDK', value: (row) => row.approach, align: 'left' },
    { label: `${(CONTACTS / 1000).toLocaleString('en')}k push`, value: (row) => row.firstPushPer1000 },
    { label: steadyLabel, value: (row) => row.steadyPer1000 ?? 'n/a' },
    { label: 'floor/1k', value: (row) => row.floorPer1000 },
    { label: 'SDK÷floor', value: (row) => formatRatio(row.overFloor) },
    { label: 'naive/1k', value: (row) => row.naivePer1000 },
    { label: 'naive÷SDK', value: (row) => formatRatio(row.naiveOverAdapter) },
  ]),
);
console.log(`calls per 1,000: per 1,000 contacts of a first push; SDK÷floor compares the ${steadyLabel} (where a push's fixed calls — a schema check, the first part's read — are spread out) with its floor`);
console.log(`results: ${writeResult('api-calls', { contacts: CONTACTS, steadyContacts: STEADY_CONTACTS, eventsPerContact: 3, rows })}`);
