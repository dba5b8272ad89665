// API calls to sync N contacts with 3 events each into Salesforce (the emulator, through jsforce):
// the OptinTrail adapter with Composite packing and with plain sObject Collections, next to a naive
// one-call-per-record loop using the same jsforce Connection.
// Run with `npm run bench` in packages/salesforce. Prints a table and writes bench/results/salesforce.json.
import { buildTrail, type ProvenanceEventInput, type Trail } from '@optintrail/core';
import { Connection } from 'jsforce';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createSalesforceAdapter, salesforceSchemaNames, type SalesforceAdapterSettings } from '../src/index';
import { startSalesforceEmulator, type SalesforceEmulator } from '../src/testing/index';

const CONTACTS = Number(process.env['BENCH_SALESFORCE_CONTACTS'] ?? 1000);
const TOKEN = 'bench-session-id';
const names = salesforceSchemaNames();

function inputs(email: string): ProvenanceEventInput[] {
  const salon = { kind: 'event', name: 'Salon E-commerce Paris', phrases: { fr: 'lors du Salon E-commerce Paris' } } as const;
  return [
    { subject: email, at: '2012-09-19T09:30:00Z', type: 'consent.given', purpose: 'newsletter', channel: 'email', source: salon, proof: { documentRef: `badge-${email}` } },
    { subject: email, at: '2012-09-19T09:30:01Z', type: 'data.collected', source: salon, fields: [{ name: 'firstName', value: 'Camille' }] },
    {
      subject: email,
      at: '2012-09-20T07:00:00Z',
      type: 'consent.confirmed',
      purpose: 'newsletter',
      channel: 'email',
      source: { kind: 'web-form', name: 'Confirmation link' },
      proof: { ip: '192.0.2.1', doubleOptIn: { confirmedAt: '2012-09-20T07:00:00Z', method: 'email-link' } },
    },
  ];
}

const trails: Trail[] = Array.from({ length: CONTACTS }, (_, index) => {
  const email = `subscriber.${index}@example.org`;
  return buildTrail(email, inputs(email));
});
// FACTS.md §4: 200 records per Collections call; 5 Collections per Composite call, counted once.
const collectionsFloor = Math.ceil(CONTACTS / 200) + Math.ceil((CONTACTS * 3) / 200);
const compositeFloor = Math.ceil(collectionsFloor / 5);

interface Row {
  approach: string;
  calls: number;
  writes: number;
  seconds: number;
}

const per1000 = (calls: number) => Math.round((calls * 1000) / CONTACTS);
const isRead = (path: string) => path.endsWith('/query') || path.includes('/query/');

async function adapterRun(emulator: SalesforceEmulator, label: string, settings: Partial<SalesforceAdapterSettings>): Promise<{ rows: Row[]; byPath: Record<string, number> }> {
  emulator.reset();
  const adapter = createSalesforceAdapter({ instanceUrl: emulator.url, accessToken: TOKEN, consentInterop: false, ...settings });
  await adapter.ensureSchema();
  emulator.clearCalls();
  let started = performance.now();
  const first = await adapter.push(trails);
  const firstSeconds = (performance.now() - started) / 1000;
  if (first.failures.length > 0) throw new Error(`${label}: ${first.failures.length} failures, first: ${first.failures[0]!.reason}`);
  const byPath: Record<string, number> = {};
  let firstWrites = 0;
  for (const call of emulator.calls) {
    const key = `${call.method} ${call.path}`;
    byPath[key] = (byPath[key] ?? 0) + 1;
    const composite = call.path.endsWith('/composite');
    const readOnly = composite && JSON.stringify(call.requestBodyJson).includes('"method":"GET"');
    if (!isRead(call.path) && !readOnly) firstWrites += 1;
  }
  emulator.clearCalls();
  started = performance.now();
  const again = await adapter.push(trails);
  const againSeconds = (performance.now() - started) / 1000;
  const againWrites = emulator.calls.filter((call) => call.method !== 'GET' && !(call.path.endsWith('/composite') && JSON.stringify(call.requestBodyJson).includes('"method":"GET"'))).length;
  return {
    rows: [
      { approach: `${label}, first push`, calls: first.apiCalls, writes: firstWrites, seconds: firstSeconds },
      { approach: `${label}, same trails again`, calls: again.apiCalls, writes: againWrites, seconds: againSeconds },
    ],
    byPath,
  };
}

const emulator = await startSalesforceEmulator({ dailyApiRequests: 10_000_000 });
try {
  const composite = await adapterRun(emulator, 'adapter, Composite (auto)', { transport: 'auto' });
  const collections = await adapterRun(emulator, 'adapter, Collections', { transport: 'collections' });

  // The naive loop: one jsforce call per record, as a first integration usually does it.
  emulator.reset();
  await createSalesforceAdapter({ instanceUrl: emulator.url, accessToken: TOKEN, consentInterop: false }).ensureSchema();
  emulator.clearCalls();
  const connection = new Connection({ instanceUrl: emulator.url, accessToken: TOKEN, version: '62.0' });
  const started = performance.now();
  for (const trail of trails) {
    const contact = await connection.sobject('Contact').create({ LastName: '[not provided]', Email: trail.subject, [names.subjectKey]: trail.subject, [names.summary.trailHead]: trail.events.at(-1)!.hash });
    for (const event of trail.events) {
      await connection.sobject(names.eventObject).create({ Name: event.type, [names.event.id]: event.id, [names.event.parent]: contact.id, [names.event.payload]: JSON.stringify(event) });
    }
  }
  const naiveCalls = emulator.calls.length;
  const naive: Row = { approach: 'naive loop (1 call per record)', calls: naiveCalls, writes: naiveCalls, seconds: (performance.now() - started) / 1000 };

  const rows = [...composite.rows, ...collections.rows, naive];
  console.log(`Salesforce: ${CONTACTS} contacts × 3 events through jsforce 3.10.16 against the emulator`);
  console.log(`floors for writes: ${collectionsFloor} calls with sObject Collections, ${compositeFloor} with Composite (${per1000(collectionsFloor)} and ${per1000(compositeFloor)} per 1,000 contacts)\n`);
  console.log(`${'approach'.padEnd(42)}${'calls'.padStart(8)}${'writes'.padStart(8)}${'per 1,000'.padStart(11)}${'local run'.padStart(11)}`);
  for (const row of rows) {
    console.log(`${row.approach.padEnd(42)}${String(row.calls).padStart(8)}${String(row.writes).padStart(8)}${String(per1000(row.calls)).padStart(11)}${`${row.seconds.toFixed(1)} s`.padStart(11)}`);
  }
  console.log(`\nComposite first push by endpoint: ${Object.entries(composite.byPath).map(([path, count]) => `${path} ×${count}`).join(', ')}`);
  console.log(`Collections first push by endpoint: ${Object.entries(collections.byPath).map(([path, count]) => `${path} ×${count}`).join(', ')}`);
  console.log('The adapter reads what the org holds before it writes (SOQL, one GET per ≤200 subjects or five per Composite), which the floors do not count;');
  console.log('Salesforce has no per-second limit: the budget is the daily allowance (100,000 + licences × 1,000 on Enterprise).');

  const directory = join(dirname(fileURLToPath(import.meta.url)), 'results');
  mkdirSync(directory, { recursive: true });
  writeFileSync(
    join(directory, 'salesforce.json'),
    `${JSON.stringify({ contacts: CONTACTS, eventsPerContact: 3, floors: { collections: collectionsFloor, composite: compositeFloor }, rows, firstPushByEndpoint: { composite: composite.byPath, collections: collections.byPath } }, null, 2)}\n`,
  );
} finally {
  await emulator.close();
}
