// API calls to sync N contacts with 3 provenance events each into a Mailchimp audience (the local
// emulator, through the official SDK): the adapter's synchronous path, its Batch Operations path, and
// a naive one-call-per-record loop with the same SDK. Run `npm run bench` in packages/mailchimp.
// Prints a table and writes bench/results/mailchimp.json.
import { buildTrail, encodeTimelineEntry, type ProvenanceEventInput, type Trail } from '@optintrail/core';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createMailchimpAdapter, createMailchimpClient, memberEventFor, noteBodiesFor, subscriberHash } from '../src/index';
import { startMailchimpEmulator } from '../src/testing/index';

const CONTACTS = Number(process.env['BENCH_MAILCHIMP_CONTACTS'] ?? 1000);
// Mailchimp publishes no request rate, only 10 simultaneous connections: time ≥ calls × latency / 10.
// FACTS.md assumes 0.25 s per call.
const ASSUMED_LATENCY_SECONDS = 0.25;
const CONNECTIONS = 10;

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

const emulator = await startMailchimpEmulator({ batchProcessingDelayMs: 200 });
// The FACTS.md scenario: summary fields and 3 timeline events per contact, no GDPR fields on the audience.
const listId = emulator.createList('Benchmark audience', { marketingPermissions: [] });
const per1000 = (calls: number) => Math.round((calls * 1000) / CONTACTS);
const rows: Array<{ path: string; calls: number; callsPer1000: number; seconds: number; estimatedSecondsPer100k: number }> = [];

async function measure(path: string, run: () => Promise<unknown>) {
  emulator.clearCalls();
  const started = performance.now();
  await run();
  const seconds = (performance.now() - started) / 1000;
  const calls = emulator.calls.length;
  rows.push({ path, calls, callsPer1000: per1000(calls), seconds: Math.round(seconds * 10) / 10, estimatedSecondsPer100k: Math.round((per1000(calls) * 100 * ASSUMED_LATENCY_SECONDS) / CONNECTIONS) });
  return emulator.calls;
}

try {
  const settings = { apiKey: emulator.apiKey, baseUrl: emulator.url, listId, batchPollIntervalMs: 250 } as const;

  await createMailchimpAdapter(settings).ensureSchema();
  const synchronous = createMailchimpAdapter({ ...settings, batchOperations: 'never' });
  await measure('adapter, synchronous (one call per note and per member event)', () => synchronous.push(trails));
  await measure('adapter, re-run of the same trails (writes nothing)', () => synchronous.push(trails));

  emulator.reset();
  const batched = createMailchimpAdapter({ ...settings, batchOperations: 'always' });
  await batched.ensureSchema();
  const batchCalls = await measure('adapter, Batch Operations (POST /batches)', () => batched.push(trails));
  const polls = batchCalls.filter((call) => call.method === 'GET' && call.path.startsWith('/3.0/batches/')).length;

  // The naive loop: one SDK call per record, as a first integration usually does it.
  emulator.reset();
  await createMailchimpAdapter(settings).ensureSchema();
  const client = createMailchimpClient({ apiKey: emulator.apiKey, baseUrl: emulator.url });
  await measure('naive loop (PUT member, then POST event and note per event)', async () => {
    for (const trail of trails) {
      const hash = subscriberHash(trail.subject);
      await client.lists.setListMember(listId, hash, { email_address: trail.subject, status_if_new: 'subscribed', merge_fields: { OT_HEAD: trail.events.at(-1)!.hash } });
      for (const event of trail.events) {
        await client.lists.createListMemberEvent(listId, hash, memberEventFor(event));
        for (const note of noteBodiesFor(encodeTimelineEntry(event))) await client.lists.createListMemberNote(listId, hash, { note });
      }
    }
  });

  const floorSynchronous = Math.ceil(CONTACTS / 500) * 2 + CONTACTS * 3;
  console.log(`\nMailchimp: API calls to sync ${CONTACTS} contacts with 3 events each (emulator, official SDK)\n`);
  console.table(rows);
  console.log(`FACTS.md floor per 1,000 contacts: ${per1000(floorSynchronous)} synchronous (events only, no notes), about 4 with /batches.`);
  console.log(`The Batch Operations run used ${polls} status polls (they depend on how long Mailchimp takes; the results download is not an API call).`);
  console.log(`Estimated time per 100,000 contacts assumes ${ASSUMED_LATENCY_SECONDS} s per call and ${CONNECTIONS} connections; /batches adds Mailchimp's own queue time.`);

  const output = join(dirname(fileURLToPath(import.meta.url)), 'results', 'mailchimp.json');
  mkdirSync(dirname(output), { recursive: true });
  writeFileSync(output, `${JSON.stringify({ contacts: CONTACTS, eventsPerContact: 3, rows, polls, floorSynchronousPer1000: per1000(floorSynchronous) }, null, 2)}\n`);
} finally {
  await emulator.close();
}
