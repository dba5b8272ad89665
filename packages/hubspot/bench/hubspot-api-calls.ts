// API calls to sync N contacts with 3 events each into HubSpot (the emulator, through the official SDK):
// the OptinTrail adapter next to a naive one-call-per-record loop using the same SDK.
// Run with `npm run bench` in packages/hubspot. Prints a table and writes bench/results/hubspot.json.
import { Client } from '@hubspot/api-client';
import { buildTrail, type ProvenanceEventInput, type Trail } from '@optintrail/core';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHubSpotAdapter } from '../src/index';
import { startHubSpotEmulator } from '../src/testing/index';

const CONTACTS = Number(process.env['BENCH_HUBSPOT_CONTACTS'] ?? 1000);
// FACTS.md: private apps on Professional/Enterprise get 190 requests per 10 s.
const REQUESTS_PER_SECOND = 19;

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
const floor = Math.ceil(CONTACTS / 100) + Math.ceil((CONTACTS * 3) / 100);

const emulator = await startHubSpotEmulator({ rateLimit: false });
try {
  const adapter = createHubSpotAdapter({ accessToken: 'bench-token', basePath: emulator.url, rateLimit: false });
  await adapter.ensureSchema();

  emulator.calls.length = 0;
  let started = performance.now();
  const first = await adapter.push(trails);
  const firstSeconds = (performance.now() - started) / 1000;
  const byPath = new Map<string, number>();
  for (const call of emulator.calls) byPath.set(`${call.method} ${call.path}`, (byPath.get(`${call.method} ${call.path}`) ?? 0) + 1);

  emulator.calls.length = 0;
  started = performance.now();
  const again = await adapter.push(trails);
  const againSeconds = (performance.now() - started) / 1000;
  const againWrites = emulator.calls.filter((call) => !call.path.endsWith('/batch/read')).length;

  // The naive loop: one SDK call per record, as a first integration usually does it.
  emulator.reset();
  await adapter.ensureSchema();
  emulator.calls.length = 0;
  const client = new Client({ accessToken: 'bench-token', basePath: emulator.url });
  started = performance.now();
  for (const trail of trails) {
    const contact = await client.crm.contacts.basicApi.create({ properties: { email: trail.subject, optintrail_trail_head: trail.events.at(-1)!.hash }, associations: [] });
    for (const event of trail.events) {
      await client.crm.objects.notes.basicApi.create({
        properties: { hs_note_body: JSON.stringify(event), hs_timestamp: event.at },
        associations: [{ to: { id: contact.id }, types: [{ associationCategory: 'HUBSPOT_DEFINED' as never, associationTypeId: 202 }] }],
      });
    }
  }
  const naiveSeconds = (performance.now() - started) / 1000;
  const naiveCalls = emulator.calls.length;

  const per1000 = (calls: number) => Math.round((calls * 1000) / CONTACTS);
  const atBudget = (calls: number) => `${(calls / REQUESTS_PER_SECOND).toFixed(1)} s`;
  const rows = [
    { approach: 'OptinTrail adapter, first push', calls: first.apiCalls, writes: first.apiCalls - (byPath.get('POST /crm/v3/objects/contacts/batch/read') ?? 0), seconds: firstSeconds },
    { approach: 'OptinTrail adapter, same trails again', calls: again.apiCalls, writes: againWrites, seconds: againSeconds },
    { approach: 'naive loop (1 call per record)', calls: naiveCalls, writes: naiveCalls, seconds: naiveSeconds },
  ];
  console.log(`HubSpot: ${CONTACTS} contacts × 3 events through @hubspot/api-client against the emulator`);
  console.log(`floor (batches of 100: contacts + notes): ${floor} calls; ${per1000(floor)} per 1,000 contacts\n`);
  console.log(`${'approach'.padEnd(40)}${'calls'.padStart(8)}${'writes'.padStart(8)}${'per 1,000'.padStart(11)}${'at 190/10 s'.padStart(13)}${'local run'.padStart(11)}`);
  for (const row of rows) {
    console.log(
      `${row.approach.padEnd(40)}${String(row.calls).padStart(8)}${String(row.writes).padStart(8)}${String(per1000(row.calls)).padStart(11)}${atBudget(row.calls).padStart(13)}${`${row.seconds.toFixed(1)} s`.padStart(11)}`,
    );
  }
  console.log(`\nfirst push by endpoint: ${[...byPath].map(([path, count]) => `${path} ×${count}`).join(', ')}`);
  console.log('The adapter reads before it writes (one contact batch read per 100 subjects), which the floor does not count;');
  console.log('a second naive run would create every contact and note again, while the adapter only reads.');

  const directory = join(dirname(fileURLToPath(import.meta.url)), 'results');
  mkdirSync(directory, { recursive: true });
  writeFileSync(join(directory, 'hubspot.json'), `${JSON.stringify({ contacts: CONTACTS, eventsPerContact: 3, floor, rows, firstPushByEndpoint: Object.fromEntries(byPath) }, null, 2)}\n`);
} finally {
  await emulator.close();
}
