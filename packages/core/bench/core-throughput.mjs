// Core throughput on one core: trails folded + verified + reminded per second.
// Run with `npm run bench` (after a build). Prints a table and writes bench/results/core.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as core from '@optintrail/core';

const TRAILS = Number(process.env.BENCH_CORE_TRAILS ?? 20_000);
const EVENTS_PER_TRAIL = 3;

function makeInputs(index) {
  const email = `subscriber.${index}@example.org`;
  const salon = { kind: 'event', name: 'Salon E-commerce Paris', phrases: { fr: 'lors du Salon E-commerce Paris' } };
  return [
    { subject: email, at: '2012-09-19T09:30:00Z', type: 'consent.given', purpose: 'newsletter', channel: 'email', source: salon, proof: { documentRef: `badge-${index}` } },
    { subject: email, at: '2012-09-19T09:30:01Z', type: 'data.collected', source: salon, fields: [{ name: 'firstName', value: 'Camille' }, { name: 'city', value: 'Lyon' }] },
    { subject: email, at: '2012-09-20T07:00:00Z', type: 'consent.confirmed', purpose: 'newsletter', channel: 'email', source: { kind: 'web-form', name: 'Confirmation link' }, proof: { ip: '192.0.2.1', doubleOptIn: { confirmedAt: '2012-09-20T07:00:00Z', method: 'email-link' } } },
  ];
}

function measure(label, count, work) {
  const started = process.hrtime.bigint();
  work();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { label, count, seconds, perSecond: Math.round(count / seconds) };
}

const trails = [];
const build = measure('build (validate + chain)', TRAILS, () => {
  for (let index = 0; index < TRAILS; index += 1) trails.push(core.buildTrail(`subscriber.${index}@example.org`, makeInputs(index)));
});
// Each step gets its own copies: core caches validation per event object, and a warm cache would
// measure a second pass rather than what a sync pays for a trail it sees once.
const fresh = () => trails.map((trail) => structuredClone(trail));
let copies = fresh();
const verify = measure('verify', TRAILS, () => {
  for (const trail of copies) if (!core.verifyTrail(trail).valid) throw new Error('bench trail does not verify');
});
const fold = measure('fold', TRAILS, () => {
  for (const trail of trails) core.foldTrail(trail);
});
const remind = core.generateReminder
  ? measure('reminder (fr, email footer)', TRAILS, () => {
      for (const trail of trails) core.generateReminder(core.foldTrail(trail), { purpose: 'newsletter', touchpoint: 'email-footer', locale: 'fr', timeZone: 'Europe/Paris' });
    })
  : undefined;
copies = fresh();
const pipeline = measure('fold + verify + remind (one pass)', TRAILS, () => {
  for (const trail of copies) {
    if (!core.verifyTrail(trail).valid) throw new Error('bench trail does not verify');
    const state = core.foldTrail(trail);
    core.generateReminder?.(state, { purpose: 'newsletter', touchpoint: 'email-footer', locale: 'fr', timeZone: 'Europe/Paris' });
  }
});

const rows = [build, verify, fold, remind, pipeline].filter(Boolean);
console.log(`\n@optintrail/core throughput — ${TRAILS.toLocaleString('en')} trails × ${EVENTS_PER_TRAIL} events, one core, Node ${process.version}`);
console.log('step'.padEnd(38) + 'trails/s'.padStart(12) + 'events/s'.padStart(12) + 'µs/trail'.padStart(11));
for (const row of rows) {
  console.log(row.label.padEnd(38) + String(row.perSecond).padStart(12) + String(row.perSecond * EVENTS_PER_TRAIL).padStart(12) + ((row.seconds / row.count) * 1e6).toFixed(1).padStart(11));
}

const resultsDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'bench', 'results');
mkdirSync(resultsDir, { recursive: true });
writeFileSync(
  join(resultsDir, 'core.json'),
  JSON.stringify({ benchmark: 'core-throughput', node: process.version, at: new Date().toISOString(), trails: TRAILS, eventsPerTrail: EVENTS_PER_TRAIL, rows }, null, 2),
);
console.log(`results: bench/results/core.json`);
