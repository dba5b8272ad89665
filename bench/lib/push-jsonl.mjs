// The process under measurement: streams trails from a JSONL file through push and reports its peak
// RSS. The adapter is a sink built on core's push pipeline (the one every adapter runs): it validates
// and verifies each trail, batches, plans, encodes every event into its timeline entry as an adapter
// would, and drops the result. No emulator here: an emulator keeps every record it is sent, which
// would measure the emulator, not the SDK.
import { createReadStream } from 'node:fs';
import { encodeTimelineEntry, runPushPipeline } from '@optintrail/core';

const [path, expected] = process.argv.slice(2);
const samples = [];
let encodedBytes = 0;

/** One trail per line, read in chunks: a split on newlines is all readline did here, at twice the cost. */
async function* trailsFrom(file) {
  let rest = '';
  for await (const chunk of createReadStream(file, { encoding: 'utf8', highWaterMark: 256 * 1024 })) {
    const text = rest + chunk;
    let start = 0;
    for (let end = text.indexOf('\n'); end !== -1; end = text.indexOf('\n', start)) {
      if (end > start) yield JSON.parse(text.slice(start, end));
      start = end + 1;
    }
    rest = text.slice(start);
  }
  if (rest.trim()) yield JSON.parse(rest);
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
