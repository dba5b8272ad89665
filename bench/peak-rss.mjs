// Peak RSS while streaming trails from a JSONL file through push, measured in a child process
// (process.resourceUsage().maxRSS). The file is generated first, in a temporary directory, by two
// worker threads. Constant memory means the RSS samples stay flat from the first tenth to the last.
import { execFile } from 'node:child_process';
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { table, writeResult } from './lib/results.mjs';

const TRAILS = Number(process.env.BENCH_RSS_TRAILS ?? 100_000);
const TARGET_MB = 300;
const directory = mkdtempSync(join(tmpdir(), 'optintrail-bench-'));
const file = join(directory, 'trails.jsonl');
try {
  let started = performance.now();
  const threads = 2;
  const parts = Array.from({ length: threads }, (_, index) => ({
    from: Math.floor((TRAILS * index) / threads),
    to: Math.floor((TRAILS * (index + 1)) / threads),
    path: join(directory, `part-${index}.jsonl`),
    prefix: 'rss',
  }));
  await Promise.all(
    parts.map(
      (part) =>
        new Promise((resolve, reject) => {
          const worker = new Worker(fileURLToPath(new URL('./lib/generate-jsonl.mjs', import.meta.url)), { workerData: part });
          worker.once('message', resolve);
          worker.once('error', reject);
        }),
    ),
  );
  const output = createWriteStream(file);
  for (const part of parts) await pipeline(createReadStream(part.path), output, { end: false });
  output.end();
  await new Promise((resolve) => output.once('finish', resolve));
  for (const part of parts) rmSync(part.path);
  const generateSeconds = (performance.now() - started) / 1000;
  const fileMb = Math.round(statSync(file).size / 1048576);

  started = performance.now();
  const stdout = await new Promise((resolve, reject) => {
    execFile(process.execPath, [fileURLToPath(new URL('./lib/push-jsonl.mjs', import.meta.url)), file, String(TRAILS)], { maxBuffer: 16 * 1024 * 1024 }, (error, out, err) =>
      error ? reject(new Error(`${error.message}\n${err}`)) : resolve(out),
    );
  });
  const measured = JSON.parse(stdout.trim().split('\n').at(-1));
  console.log(`\nPeak RSS streaming ${TRAILS.toLocaleString('en')} trails (${fileMb} MB of JSONL, generated in ${generateSeconds.toFixed(1)} s) through push, in a child process`);
  console.log(
    table(measured.samples, [
      { label: 'trails read', value: (row) => row.trails.toLocaleString('en') },
      { label: 'RSS MB', value: (row) => row.rssMb },
      { label: 'heap MB', value: (row) => row.heapMb },
    ]),
  );
  console.log(`peak RSS ${measured.maxRssMb} MB (target < ${TARGET_MB} MB for 1,000,000 trails); ${measured.trailsPerSecond.toLocaleString('en')} trails/s; ${measured.failed} failed`);
  if (TRAILS < 1_000_000) console.log(`measured on ${TRAILS.toLocaleString('en')} trails to stay within minutes; BENCH_RSS_TRAILS=1000000 runs the full million`);
  console.log(`results: ${writeResult('peak-rss', { trails: TRAILS, fileMb, generateSeconds, targetMb: TARGET_MB, ...measured })}`);
} finally {
  rmSync(directory, { recursive: true, force: true });
}
