// Generates blocks of bench trails as JSON lines in a worker thread; peak-rss.mjs writes the blocks of
// all workers, in order, into one file.
//
// Building a million trails one by one with buildTrail (input validation, random ids and salts) took
// 70 s of CPU. Here a few thousand base trails are built that way, and trail i is derived from base
// i % baseCount: its own subject, event ids, salts and badge number, every personal-value digest taken
// again with core's digestPersonalValue and every event hashed again (SHA-256 of the canonical JSON of
// its commitment form, linked to the previous hash). The canonical text and the JSON line are filled
// into templates cut from core's own output for the base trail, and each template is checked against
// that output before use: every line is a distinct trail that verifies. A sample is verified here with
// verifyTrail; the push verifies every one.
import { workerData, parentPort } from 'node:worker_threads';
import { canonicalJson, digestPersonalValue, sha256Hex, verifyTrail } from '@optintrail/core';
import { benchEmail, benchTrail } from './trails.mjs';

const { prefix, worker, workers, blockSize, total, written, window, baseCount } = workerData;
const SELF_CHECK_EVERY = 997;
const PLACEHOLDER = /"@@([A-Za-z0-9]+)@@"/;
const mark = (name) => `@@${name}@@`;

/** Paths of the personal values the hash commits to by digest (as core's hash-chain.ts lists them). */
function personalPaths(event) {
  const paths = ['subject'];
  event.fields?.forEach((field, index) => {
    if (field.value !== undefined) paths.push(`fields[${index}].value`);
    if (field.previousValue !== undefined) paths.push(`fields[${index}].previousValue`);
  });
  if (event.proof?.ip !== undefined) paths.push('proof.ip');
  if (event.proof?.userAgent !== undefined) paths.push('proof.userAgent');
  if (event.proof?.doubleOptIn?.ip !== undefined) paths.push('proof.doubleOptIn.ip');
  return paths;
}

const steps = (path) => path.split(/\.|\[(\d+)\]\.?/).filter((step) => step !== undefined && step !== '');
const valueAt = (value, path) => steps(path).reduce((item, step) => item[step], value);
function setAt(value, path, replacement) {
  const keys = steps(path);
  const parent = keys.slice(0, -1).reduce((item, step) => item[step], value);
  parent[keys.at(-1)] = replacement;
}

/** Text cut at its placeholders: [literal, name, literal, name, ..., literal]. */
const template = (text) => text.split(PLACEHOLDER);
function fill(parts, values) {
  let text = parts[0];
  for (let index = 1; index < parts.length; index += 2) text += values[parts[index]] + parts[index + 1];
  return text;
}

/** Templates of one base trail: its JSON line, and per event the canonical text its hash is taken over. */
function baseTemplates(base) {
  const events = base.events.map((event, position) => {
    const paths = personalPaths(event);
    const form = structuredClone(event);
    delete form.hash;
    delete form.salt;
    form.id = mark('id');
    if (form.prev !== null) form.prev = mark('prev');
    paths.forEach((path, index) => setAt(form, path, mark(`p${index}`)));
    if (form.proof?.documentRef !== undefined) form.proof.documentRef = mark('badge');
    const hashTemplate = template(canonicalJson(form));
    const own = (values) => ({ id: JSON.stringify(event.id), prev: JSON.stringify(event.prev), badge: JSON.stringify(event.proof?.documentRef), ...values });
    const digests = Object.fromEntries(paths.map((path, index) => [`p${index}`, JSON.stringify(digestPersonalValue(event.salt, path, valueAt(event, path)))]));
    if (sha256Hex(fill(hashTemplate, own(digests))) !== event.hash) throw new Error(`the hash template of base event ${position} does not give core's hash`);
    // The values other than the subject stay those of the base; only their digests change (new salt).
    const personal = paths.map((path, index) => ({ path, name: `p${index}`, value: path === 'subject' ? undefined : valueAt(event, path) }));
    return { event, personal, hashTemplate };
  });
  const shape = {
    subject: mark('subject'),
    events: base.events.map((event, position) => ({
      ...event,
      id: mark(`id${position}`),
      subject: mark('subject'),
      salt: mark(`salt${position}`),
      prev: position === 0 ? null : mark(`hash${position - 1}`),
      hash: mark(`hash${position}`),
      ...(event.proof?.documentRef !== undefined ? { proof: { ...event.proof, documentRef: mark('badge') } } : {}),
    })),
  };
  const lineTemplate = template(JSON.stringify(shape));
  const own = { subject: JSON.stringify(base.subject), badge: JSON.stringify(base.events.find((event) => event.proof?.documentRef)?.proof.documentRef) };
  base.events.forEach((event, position) => Object.assign(own, { [`id${position}`]: JSON.stringify(event.id), [`salt${position}`]: JSON.stringify(event.salt), [`hash${position}`]: JSON.stringify(event.hash) }));
  if (fill(lineTemplate, own) !== JSON.stringify(base)) throw new Error("the line template does not give the base trail's JSON");
  return { events, lineTemplate };
}

const bases = Array.from({ length: baseCount }, (_, index) => baseTemplates(benchTrail(`${prefix}-base-${worker}`, index)));

/** The JSON line of trail `index`. */
function derivedLine(index) {
  const { events, lineTemplate } = bases[index % bases.length];
  const subject = benchEmail(prefix, index);
  // The last 8 hex digits of a UUIDv7 are random bits, the last characters of a salt too: the index
  // there makes every id and salt distinct across the file and keeps their formats.
  const idTag = index.toString(16).padStart(8, '0');
  const saltTag = index.toString(36).padStart(6, '0');
  const badge = JSON.stringify(`badge-${index}`);
  const line = { subject: JSON.stringify(subject), badge };
  let prev = null;
  events.forEach(({ event, personal, hashTemplate }, position) => {
    const id = `${event.id.slice(0, -8)}${idTag}`;
    const salt = `${event.salt.slice(0, -6)}${saltTag}`;
    const values = { id: `"${id}"`, prev: prev === null ? 'null' : `"${prev}"`, badge };
    for (const { path, name, value } of personal) values[name] = `"${digestPersonalValue(salt, path, path === 'subject' ? subject : value)}"`;
    const hash = sha256Hex(fill(hashTemplate, values));
    line[`id${position}`] = values.id;
    line[`salt${position}`] = `"${salt}"`;
    line[`hash${position}`] = `"${hash}"`;
    prev = hash;
  });
  return fill(lineTemplate, line);
}

const blocksWritten = new Int32Array(written);
const blocks = Math.ceil(total / blockSize);
let capacity = blockSize * 2048;
for (let block = worker; block < blocks; block += workers) {
  // At most `window` blocks ahead of the writer, so memory stays bounded whatever the file size.
  for (let done = Atomics.load(blocksWritten, 0); block - done >= window; done = Atomics.load(blocksWritten, 0)) {
    Atomics.wait(blocksWritten, 0, done, 1000);
  }
  // Lines are written as UTF-8 straight into the block's buffer (no block-sized string to build and encode).
  let bytes = Buffer.from(new ArrayBuffer(capacity));
  let used = 0;
  for (let index = block * blockSize, end = Math.min(total, index + blockSize); index < end; index += 1) {
    const line = `${derivedLine(index)}\n`;
    if (index % SELF_CHECK_EVERY === 0 && !verifyTrail(JSON.parse(line)).valid) throw new Error(`derived trail ${index} does not verify`);
    const size = Buffer.byteLength(line);
    if (used + size > capacity) {
      capacity = Math.max(capacity * 2, used + size);
      const larger = Buffer.from(new ArrayBuffer(capacity));
      bytes.copy(larger, 0, 0, used);
      bytes = larger;
    }
    used += bytes.write(line, used);
  }
  const view = new Uint8Array(bytes.buffer, 0, used);
  parentPort.postMessage({ block, bytes: view }, [bytes.buffer]);
}
parentPort.postMessage({ done: true });
