// Runs one emulator in its own process, so the process under measurement only runs the SDK and the
// two cores are shared out: `node emulator-process.mjs hubspot '{"rateLimit":{...}}'`. It prints its
// URL as one JSON line, then answers IPC messages: 'stats' (calls, statuses) and 'close'.
import { startHubSpotEmulator } from '@optintrail/hubspot/testing';
import { startMailchimpEmulator } from '@optintrail/mailchimp/testing';
import { startSalesforceEmulator } from '@optintrail/salesforce/testing';

const [kind, optionsJson = '{}'] = process.argv.slice(2);
const options = JSON.parse(optionsJson);
const starters = { hubspot: startHubSpotEmulator, mailchimp: startMailchimpEmulator, salesforce: startSalesforceEmulator };
const start = starters[kind];
if (!start) throw new Error(`unknown emulator ${kind}`);
const emulator = await start(options);
const extra = {};
if (kind === 'mailchimp') extra.listId = emulator.createList('Benchmark audience', { marketingPermissions: [] });
if (kind === 'mailchimp') extra.apiKey = emulator.apiKey;

// Counts only: the call log keeps bodies, which a long run does not need to hold.
let calls = 0;
/** Takes the calls recorded so far out of the emulator's log (its getter may hand out a copy). */
const drain = () => {
  const recorded = [...emulator.calls];
  if (typeof emulator.clearCalls === 'function') emulator.clearCalls();
  else emulator.calls.length = 0;
  return recorded;
};
const statuses = {};
let firstAt;
let lastAt;
// CPU this process spent since the last reset: shows whether the emulator, not the limit, bound a run.
let cpuSince = process.cpuUsage();
setInterval(() => {
  for (const call of drain()) {
    calls += 1;
    statuses[call.status] = (statuses[call.status] ?? 0) + 1;
    firstAt ??= call.startedAt;
    lastAt = call.startedAt;
  }
}, 200).unref();

process.on('message', async (message) => {
  if (message === 'reset-counts') {
    drain();
    calls = 0;
    for (const status of Object.keys(statuses)) delete statuses[status];
    firstAt = lastAt = undefined;
    cpuSince = process.cpuUsage();
    process.send({ reset: true });
  } else if (message === 'stats') {
    for (const call of drain()) {
      calls += 1;
      statuses[call.status] = (statuses[call.status] ?? 0) + 1;
      firstAt ??= call.startedAt;
      lastAt = call.startedAt;
    }
    const cpu = process.cpuUsage(cpuSince);
    process.send({ stats: { calls, statuses, firstAt, lastAt, cpuSeconds: (cpu.user + cpu.system) / 1e6 } });
  } else if (message === 'close') {
    await emulator.close();
    process.exit(0);
  }
});
process.send({ ready: true, url: emulator.url, ...extra });
