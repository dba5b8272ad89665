/**
 * Bad and hostile push input, through a real adapter into its CRM emulator: every input that is not
 * a sound trail is refused with a `PushFailure` (kind and reason) and nothing of its subject reaches
 * the CRM, not even a contact record; the good trails of the same push are stored whole; hostile but
 * valid text is stored and read back byte for byte. Then fast-check mutates valid trails at random
 * and checks the same, with `verifyTrail` as the oracle.
 *
 * What the CRM holds is read through the emulator (the `FaultTarget`), never through the adapter.
 */
import fc from 'fast-check';
import { buildTrail, canonicalJson, computeEventHash, verifyTrail, type ProvenanceEvent, type PushFailure, type Trail } from '@optintrail/core';
import type { FaultTarget } from './fault-suite';
import { generateFaultTrails } from './fault-trails';

export interface BadInputOptions {
  seed: number;
  /** Pushes of randomly mutated trails. Default 12. */
  fuzzRuns?: number;
}

export interface BadInputResult {
  /** Corpus entries pushed, good trails included. */
  pushed: number;
  /** Failures reported, each with its kind and reason. */
  failures: Array<Pick<PushFailure, 'subject' | 'kind' | 'reason'>>;
  /** Fuzzed trails refused (they did not verify) and accepted (the mutation left them sound). */
  fuzz: { refused: number; accepted: number };
  problems: string[];
}

/** Re-hashes a trail after an edit, so that only the schema (not the chain) is wrong. */
function rechained(subject: string, events: ProvenanceEvent[]): Trail {
  let prev: string | null = null;
  const result: ProvenanceEvent[] = [];
  for (const event of events) {
    const copy = { ...structuredClone(event), prev } as ProvenanceEvent;
    copy.hash = computeEventHash(copy) ?? 'f'.repeat(64);
    result.push(copy);
    prev = copy.hash;
  }
  return { subject, events: result };
}

const at = (index: number) => new Date(Date.UTC(2021, 0, 1 + index, 9)).toISOString();

/** A valid three-event trail for `subject` with `name` as its source name. */
function trailNamed(subject: string, name: string, extra: { value?: string } = {}): Trail {
  const source = { kind: 'web-form' as const, name };
  return buildTrail(subject, [
    { subject, at: at(0), type: 'consent.given', purpose: 'newsletter', channel: 'email', source, proof: { ip: '198.51.100.7', wording: `${name}\n— I agree` } },
    { subject, at: at(1), type: 'data.collected', source, fields: [{ name: 'firstName', value: name.slice(0, 40) }, { name: 'notes', value: extra.value ?? 'none' }] },
    { subject, at: at(2), type: 'consent.confirmed', purpose: 'newsletter', channel: 'email', source: { kind: 'web-form', name: 'Confirmation link' } },
  ]);
}

interface Entry {
  label: string;
  input: unknown;
  /** The subject a failure is reported under, and whose contact must not exist. */
  subject: string;
  /** Expected to be stored (hostile but valid). */
  good: boolean;
}

/** The corpus: not-a-trail shapes, broken chains, schema breaks behind a sound chain, and hostile but valid trails. */
export function badPushCorpus(seed: number): Entry[] {
  const email = (label: string) => `bad-input-${seed}-${label}@hostile.example.org`;
  const base = (label: string) => trailNamed(email(label), 'Newsletter form');
  const entries: Entry[] = [];
  // Failures are reported under the input's own subject (or `undefined` when it has none).
  const bad = (label: string, input: unknown) => {
    const subject = (input as { subject?: unknown } | null)?.subject;
    entries.push({ label, input, subject: typeof subject === 'string' ? subject : String(subject), good: false });
  };
  const good = (label: string, input: Trail) => entries.push({ label, input, subject: input.subject, good: true });

  // Not a trail at all.
  bad('null', null);
  bad('a number', 42);
  bad('a string', 'subscriber@example.org');
  bad('no events', { subject: email('no-events') });
  bad('events not a list', { subject: email('events-object'), events: { 0: base('events-object').events[0] } });
  bad('an empty trail', { subject: email('empty'), events: [] });
  // A chain that does not verify.
  const edited = base('edited');
  bad('an event edited after it was hashed', { ...edited, events: edited.events.map((event, index) => (index === 1 ? { ...event, source: { ...event.source, name: 'Somewhere else' } } : event)) });
  const reordered = base('reordered');
  bad('events in another order', { ...reordered, events: [reordered.events[1], reordered.events[0], reordered.events[2]] });
  const twice = base('twice');
  bad('the same event twice', { ...twice, events: [twice.events[0], twice.events[0], twice.events[1]] });
  const unhashed = base('unhashed');
  bad('an event without its hash', { ...unhashed, events: unhashed.events.map(({ hash: _hash, ...event }) => event) });
  const foreign = base('foreign');
  bad('events of another subject', { subject: email('foreign-owner'), events: foreign.events });
  // A sound chain over events the schema refuses.
  const withDate = base('impossible-date');
  bad('an impossible date, re-hashed', rechained(withDate.subject, withDate.events.map((event, index) => (index === 2 ? { ...event, at: '2023-02-30T10:00:00.000Z' } : event))));
  const withSurrogate = base('lone-surrogate');
  bad('a lone surrogate, re-hashed', rechained(withSurrogate.subject, withSurrogate.events.map((event, index) => (index === 0 ? { ...event, source: { ...event.source, name: 'Salon \uD800' } } : event))));
  const withMember = base('unknown-member');
  bad('an unknown member, re-hashed', rechained(withMember.subject, withMember.events.map((event, index) => (index === 1 ? ({ ...event, isAdmin: true } as ProvenanceEvent) : event))));
  const withControl = base('control');
  bad('a control character, re-hashed', rechained(withControl.subject, withControl.events.map((event, index) => (index === 0 ? { ...event, source: { ...event.source, name: 'Salon\u001b[2J' } } : event))));
  const withScheme = base('javascript-url');
  bad('a javascript: URL, re-hashed', rechained(withScheme.subject, withScheme.events.map((event, index) => (index === 0 ? { ...event, source: { ...event.source, url: 'javascript:alert(1)' } } : event))));
  // Hostile but valid: stored and read back as they are.
  good('html', trailNamed(email('html'), '<script>alert("x")</script><img src=x onerror=alert(1)>'));
  good('rtl', trailNamed(email('rtl'), '\u202Egnp.exe מבצע \u200fקיץ\u200f معرض'));
  good('emoji', trailNamed(email('emoji'), '👩‍👩‍👧‍👦 Famille 🇫🇷 — Zoë & Ådne'));
  good('placeholders', trailNamed(email('placeholders'), '{{ contact.email }} *|EMAIL|* {!Contact.Email} %s'));
  good('long value', trailNamed(email('long'), 'Import', { value: 'Lorem ipsum dolor sit amet, '.repeat(300).slice(0, 8_000) }));
  return entries;
}

/** Pushes the corpus among good trails and checks what the CRM holds. */
export async function runBadInputPush(target: FaultTarget, options: BadInputOptions): Promise<BadInputResult> {
  const problems: string[] = [];
  const problem = (text: string) => {
    if (problems.length < 40 && !problems.includes(text)) problems.push(text);
  };
  await target.reset();
  const adapter = target.createAdapter({ retry: { baseDelayMs: 1, maxDelayMs: 5 }, timeoutMs: 10_000 });
  await adapter.ensureSchema();

  const corpus = badPushCorpus(options.seed);
  const fillers = generateFaultTrails({ count: 20, seed: options.seed, prefix: `${target.name}-neighbour` });
  const input: unknown[] = [];
  corpus.forEach((entry, index) => {
    input.push(entry.input);
    if (fillers[index]) input.push(fillers[index]);
  });
  let failures: PushFailure[] = [];
  try {
    const report = await adapter.push(input as Trail[]);
    failures = report.failures;
    if (report.subjectsRead !== input.length) problem(`read ${report.subjectsRead} of ${input.length} inputs`);
  } catch (error) {
    problem(`push threw instead of reporting the bad input: ${error instanceof Error ? error.message : String(error)}`);
  }

  const contacts = new Set(await target.contactSubjects());
  const stored = async (subject: string) => (await target.storedEvents(subject)).flatMap((place) => place.eventIds);
  for (const entry of corpus) {
    const reported = failures.filter((failure) => failure.subject === entry.subject);
    if (entry.good) {
      if (reported.length > 0) problem(`${entry.label}: refused (${reported[0]!.kind}: ${reported[0]!.reason})`);
      const trail = entry.input as Trail;
      const pulled = await adapter.pull({ email: trail.subject }).catch((error: unknown) => error);
      if (!pulled || pulled instanceof Error || canonicalJson(pulled) !== canonicalJson(trail)) {
        problem(`${entry.label}: did not come back byte for byte (${pulled instanceof Error ? pulled.message : 'different content'})`);
      }
      continue;
    }
    if (reported.length === 0) problem(`${entry.label}: no failure reported for ${entry.subject}`);
    for (const failure of reported) {
      if (failure.kind !== 'validation' && failure.kind !== 'integrity') problem(`${entry.label}: reported as ${failure.kind} (${failure.reason})`);
      if (typeof failure.reason !== 'string' || failure.reason.length < 10) problem(`${entry.label}: no reason given`);
    }
    if (contacts.has(entry.subject)) problem(`${entry.label}: a contact was written for a refused input`);
    if ((await stored(entry.subject)).length > 0) problem(`${entry.label}: events were written for a refused input`);
  }
  for (const trail of fillers) {
    for (const place of await target.storedEvents(trail.subject)) {
      const ids = place.eventIds;
      if (ids.length !== trail.events.length || new Set(ids).size !== ids.length) problem(`neighbour ${trail.subject}: ${ids.length} events in ${place.place} (expected each of ${trail.events.length} once)`);
    }
    if (failures.some((failure) => failure.subject === trail.subject)) problem(`neighbour ${trail.subject}: failed next to bad input`);
  }

  // Random mutations of valid trails; verifyTrail decides which must be refused.
  const hostile = [null, '', '\u0000', '\uD800', 'x'.repeat(5_000), '2023-02-30T00:00:00Z', 'not-an-email', '<script>', 42, -1, true, [], {}, { redacted: true }];
  let run = 0;
  const fuzz = { refused: 0, accepted: 0 };
  await fc.assert(
    fc.asyncProperty(fc.integer({ min: 0, max: 2 }), fc.nat(), fc.nat(), fc.constantFrom(...hostile, undefined), async (eventIndex, pathPick, seedPick, replacement) => {
      run += 1;
      const subject = `bad-input-fuzz-${options.seed}-${run}@hostile.example.org`;
      const trail = trailNamed(subject, 'Fuzzed form');
      const event = structuredClone(trail.events[eventIndex]!) as unknown as Record<string, unknown>;
      const paths = leafPaths(event);
      const path = paths[pathPick % paths.length]!;
      setPath(event, path, replacement);
      const mutated: Trail = { subject, events: trail.events.map((original, index) => (index === eventIndex ? (event as unknown as ProvenanceEvent) : original)) };
      const neighbour = generateFaultTrails({ count: 1, seed: options.seed + seedPick, prefix: `${target.name}-fuzz-neighbour-${run}` })[0]!;
      const valid = safeVerify(mutated);
      const report = await adapter.push([mutated, neighbour]);
      const refused = report.failures.some((failure) => failure.subject === subject);
      fuzz[refused ? 'refused' : 'accepted'] += 1;
      const label = `fuzz ${run} (${path.join('.')} of event ${eventIndex} set to ${JSON.stringify(replacement)?.slice(0, 20)})`;
      if (!valid && !refused) problem(`${label}: accepted though it does not verify`);
      if (!valid && (new Set(await target.contactSubjects()).has(subject) || (await stored(subject)).length > 0)) problem(`${label}: refused, yet written to the CRM`);
      if (valid && refused) problem(`${label}: refused though it verifies (${report.failures[0]?.reason})`);
      if (report.failures.some((failure) => failure.subject === neighbour.subject)) problem(`${label}: its neighbour failed`);
    }),
    { numRuns: options.fuzzRuns ?? 12, seed: options.seed },
  );

  return { pushed: input.length, failures: failures.map(({ subject, kind, reason }) => ({ subject, kind, reason })), fuzz, problems };
}

function safeVerify(trail: Trail): boolean {
  try {
    return verifyTrail(trail).valid;
  } catch {
    return false;
  }
}

function leafPaths(value: unknown, prefix: string[] = []): string[][] {
  if (value === null || typeof value !== 'object') return [prefix];
  return Object.entries(value).flatMap(([key, item]) => leafPaths(item, [...prefix, key]));
}

function setPath(target: Record<string, unknown>, path: string[], value: unknown): void {
  let cursor: Record<string, unknown> = target;
  for (const key of path.slice(0, -1)) cursor = cursor[key] as Record<string, unknown>;
  const last = path.at(-1)!;
  if (value === undefined) delete cursor[last];
  else cursor[last] = value;
}
