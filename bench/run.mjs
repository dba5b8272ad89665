// `npm run bench`: every figure of issue #8 in one run, each part in its own process, then a summary
// side by side. Results: bench/results/*.json (gitignored). See bench/README.md for what each means.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RESULTS_DIRECTORY, formatRatio, table, writeResult } from './lib/results.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const parts = [
  { name: 'api-calls', script: 'bench/api-calls.mjs' },
  { name: 'wall-time', script: 'bench/wall-time.mjs' },
  { name: 'peak-rss', script: 'bench/peak-rss.mjs' },
  // Reused as it is: packages/core/bench/core-throughput.mjs writes bench/results/core.json.
  { name: 'core', script: 'packages/core/bench/core-throughput.mjs', env: { BENCH_CORE_TRAILS: process.env.BENCH_CORE_TRAILS ?? '10000' } },
];
const only = process.env.BENCH_ONLY?.split(',');
const started = performance.now();
let failed = false;
for (const part of parts) {
  if (only && !only.includes(part.name)) continue;
  console.log(`\n── ${part.name} ──`);
  const result = spawnSync(process.execPath, [join(root, part.script)], { cwd: root, stdio: 'inherit', env: { ...process.env, ...part.env } });
  if (result.status !== 0) {
    failed = true;
    console.error(`${part.name} failed (exit ${result.status})`);
  }
}

const read = (name) => {
  try {
    return JSON.parse(readFileSync(join(RESULTS_DIRECTORY, `${name}.json`), 'utf8'));
  } catch {
    return undefined;
  }
};
const calls = read('api-calls');
const wall = read('wall-time');
const rss = read('peak-rss');
const core = read('core');

console.log('\n══ Summary, per CRM ══');
const crms = ['HubSpot', 'Mailchimp', 'Salesforce'];
const summary = crms.flatMap((crm) => {
  const callRows = calls?.rows.filter((row) => row.crm === crm) ?? [];
  const best = callRows.reduce((chosen, row) => (!chosen || row.callsPer1000 < chosen.callsPer1000 ? row : chosen), undefined);
  // Mailchimp has two wall rows (the connection-bound synchronous path, and 100,000 through /batches).
  const wallRows = wall?.rows.filter((row) => row.crm === crm) ?? [];
  return (wallRows.length > 0 ? wallRows : [undefined]).map((wallRow) => ({
    crm: wallRows.length > 1 ? `${crm} (${wallRow.limit.split('; ')[1] ?? ''})` : crm,
    callsPer1000: best?.callsPer1000,
    floorPer1000: best?.floorPer1000,
    callsOverFloor: best?.overFloor,
    naivePer1000: best?.naivePer1000,
    naiveOverSdk: best?.naiveOverAdapter,
    wallSeconds: wallRow?.seconds,
    floorSeconds: wallRow?.floorSeconds,
    wallOverFloor: wallRow?.overFloor,
    rateLimited: wallRow?.rateLimited,
    wallContacts: wallRow?.contacts,
    sdkCpuSeconds: wallRow?.sdkCpuSeconds,
    // Not run (hours at the limit): the naive loop's calls for 100,000 contacts at the floor's real-time pace per call.
    naiveFloorHours:
      wallRow && best && Number.isFinite(wallRow.floorSeconds) && wallRow.calls > 0 ? ((best.naivePer1000 * 100) * (wallRow.floorSeconds * (wallRow.timeScale ?? 1)) / wallRow.calls) / 3600 : undefined,
  }));
});
const value = (number, digits = 0) => (number === undefined || number === null || Number.isNaN(number) ? 'n/a' : Number(number).toFixed(digits));
console.log(
  table(summary, [
    { label: 'CRM', value: (row) => row.crm },
    { label: 'calls/1k', value: (row) => value(row.callsPer1000, 1) },
    { label: 'floor/1k', value: (row) => value(row.floorPer1000, 1) },
    { label: '÷floor', value: (row) => formatRatio(row.callsOverFloor) },
    { label: 'naive/1k', value: (row) => value(row.naivePer1000) },
    { label: 'naive÷SDK', value: (row) => formatRatio(row.naiveOverSdk) },
    { label: 'wall s', value: (row) => value(row.wallSeconds, 1) },
    { label: 'floor s', value: (row) => value(row.floorSeconds, 1) },
    { label: '÷floor', value: (row) => formatRatio(row.wallOverFloor) },
    { label: 'naive 100k h', value: (row) => value(row.naiveFloorHours, 1) },
    { label: '429s', value: (row) => value(row.rateLimited) },
    { label: 'contacts timed', value: (row) => (row.wallContacts ? row.wallContacts.toLocaleString('en') : 'n/a') },
    { label: 'SDK CPU s', value: (row) => value(row.sdkCpuSeconds, 1) },
  ]),
);
console.log('naive 100k h: hours the naive loop\'s calls for 100,000 contacts need at the same limit in real time (computed from its calls per 1,000 and the row\'s floor per call; not run)');
for (const row of summary) {
  const wallRow = wall?.rows.find((candidate) => candidate.crm === row.crm && candidate.dailyAllowance);
  if (!wallRow || !row.naivePer1000) continue;
  const naiveCalls = row.naivePer1000 * 100;
  const sdkCalls = (wallRow.calls * 100_000) / wallRow.contacts;
  console.log(
    `${row.crm} has no rate floor; its budget is a daily allowance (${wallRow.dailyAllowance.toLocaleString('en')}): for 100,000 contacts the naive loop's ${naiveCalls.toLocaleString('en')} calls are ${(naiveCalls / wallRow.dailyAllowance).toFixed(1)} days of it, this SDK's ${Math.round(sdkCalls).toLocaleString('en')} are ${((sdkCalls / wallRow.dailyAllowance) * 100).toFixed(2)} %`,
  );
}
if (rss) console.log(`peak RSS: ${rss.maxRssMb} MB streaming ${rss.trails.toLocaleString('en')} trails through push (target < ${rss.targetMb} MB for 1,000,000)`);
const pipelineRow = core?.rows?.find((row) => row.label.startsWith('fold + verify + remind'));
if (pipelineRow) console.log(`core throughput: ${pipelineRow.perSecond.toLocaleString('en')} trails/s folded + verified + reminded on one core (${core.trails.toLocaleString('en')} trails)`);
console.log(`whole run: ${((performance.now() - started) / 1000).toFixed(0)} s`);
console.log(`results: ${writeResult('summary', { crms: summary, peakRss: rss ? { trails: rss.trails, maxRssMb: rss.maxRssMb } : undefined, core: pipelineRow })}`);
process.exit(failed ? 1 : 0);
