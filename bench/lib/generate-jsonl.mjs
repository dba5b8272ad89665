// Writes trails [from, to) as JSON lines to a file, one trail per line; run in a worker thread.
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { workerData, parentPort } from 'node:worker_threads';
import { benchTrail } from './trails.mjs';

const { from, to, path, prefix } = workerData;
const output = createWriteStream(path);
for (let index = from; index < to; index += 1) {
  if (!output.write(`${JSON.stringify(benchTrail(prefix, index))}\n`)) await once(output, 'drain');
}
output.end();
await once(output, 'finish');
parentPort.postMessage({ done: to - from });
