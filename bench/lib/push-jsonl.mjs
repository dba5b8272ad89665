// The process under measurement: streams trails from a JSONL file through push and reports its peak
// RSS. The adapter is a sink built on core's push pipeline (the one every adapter runs): it validates
// and verifies each trail, batches, plans, encodes every event into its timeline entry as an adapter
// would, and drops the result. No emulator here: an emulator keeps every record it is sent, which
// would measure the emulator, not the SDK.
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { encodeTimelineEntry, runPushPipeline } from '@optintrail/core';

const [path, expected] = process.argv.slice(2);
const samples = [];
let encodedBytes = 0;

async function* trailsFrom(file) {
  const lines = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
  for await (const line of lines) if (line) yield JSON.parse(line);
}

const sinkAdapter = {
  push: (trails, options = {}) =>
    runPushPipeline(trails, options, {
      adapter: 'sink',
      batchSize: 100,
      concurrency: 2,
      readExisting: async () => new Map(),
      write: async (plan) => {
        for (const item of plan) for (const event of item.newEvents) { const entry = encodeTimelineEntry(event); encodedBytes += entry.title.length + entry.text.length + entry.payload.length; }
        await new Promise((resolve) => setImmediate(resolve));
        return [];
      },
      apiCalls: () => 0,
    }),
};

const total = Number(expected);
let nextSample = 0;
const started = performance.now();
const report = await sinkAdapter.push(trailsFrom(path), {
  onProgress: (progress) => {
    if (progress.subjectsRead >= nextSample) {
      samples.push({ trails: progress.subjectsRead, rssMb: Math.round(process.memoryUsage.rss() / 1048576), heapMb: Math.round(process.memoryUsage().heapUsed / 1048576) });
      nextSample += Math.max(1, Math.floor(total / 10));
    }
  },
});
const seconds = (performance.now() - started) / 1000;
process.stdout.write(
  `${JSON.stringify({
    trails: report.subjectsWritten,
    failed: report.failed,
    seconds,
    trailsPerSecond: Math.round(report.subjectsWritten / seconds),
    maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    encodedMb: Math.round(encodedBytes / 1048576),
    samples,
  })}\n`,
);
