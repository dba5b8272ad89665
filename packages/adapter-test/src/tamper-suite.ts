/**
 * Tamper evidence across CRMs: a stored trail changed behind OptinTrail's back (a field of an event
 * edited, a timeline entry deleted, two entries swapped with their links rewritten, the recorded
 * head edited) makes `pull` throw a `TrailIntegrityError` that names the first event that does not
 * verify; `pull({ verify: false })` still returns what is there. The changes are made through the
 * emulator, as a CRM user or an attacker with CRM access would make them.
 */
import { buildTrail, canonicalJson, TrailIntegrityError, type CrmAdapter, type ProvenanceEvent, type Trail, type TrailIntegrityProblem } from '@optintrail/core';

/** How a test reaches into the CRM's storage. */
export interface TamperTarget {
  name: string;
  /** A fresh adapter on the emulator. */
  createAdapter(): CrmAdapter;
  reset(): void | Promise<void>;
  /** Replaces the stored event `eventId` of `subject` by what `change` returns, re-encoded as the adapter stores it. */
  editStoredEvent(subject: string, eventId: string, change: (event: ProvenanceEvent) => ProvenanceEvent): void | Promise<void>;
  /** Removes the stored event `eventId` (its timeline entry, or its share of one). */
  deleteStoredEvent(subject: string, eventId: string): void | Promise<void>;
  /** Writes `head` into the summary field that records the trail head. */
  setRecordedHead(subject: string, head: string): void | Promise<void>;
}

export interface TamperCase {
  name: string;
  tamper(target: TamperTarget, trail: Trail): void | Promise<void>;
  /** The event the error must name, by position in the original trail, and the problem. */
  expected: { index: number; eventIndex: number; problem: TrailIntegrityProblem };
}

export const TAMPER_CASES: TamperCase[] = [
  {
    name: 'a field of an event edited (the source renamed)',
    tamper: (target, trail) => target.editStoredEvent(trail.subject, trail.events[1]!.id, (event) => ({ ...event, source: { ...event.source, name: 'A trade show that never happened' } })),
    expected: { index: 1, eventIndex: 1, problem: 'content-mismatch' },
  },
  {
    name: 'the date of a consent moved back a year',
    tamper: (target, trail) => target.editStoredEvent(trail.subject, trail.events[2]!.id, (event) => ({ ...event, at: new Date(Date.parse(event.at) - 365 * 86_400_000).toISOString() })),
    expected: { index: 2, eventIndex: 2, problem: 'content-mismatch' },
  },
  {
    name: 'a withdrawal turned into a confirmation',
    tamper: (target, trail) => target.editStoredEvent(trail.subject, trail.events[3]!.id, (event) => ({ ...event, type: 'consent.confirmed', reason: undefined } as ProvenanceEvent)),
    expected: { index: 3, eventIndex: 3, problem: 'content-mismatch' },
  },
  {
    name: 'an entry in the middle deleted',
    tamper: (target, trail) => target.deleteStoredEvent(trail.subject, trail.events[1]!.id),
    // The next event no longer links to the one before it.
    expected: { index: 1, eventIndex: 2, problem: 'chain-broken' },
  },
  {
    name: 'the first entry deleted',
    tamper: (target, trail) => target.deleteStoredEvent(trail.subject, trail.events[0]!.id),
    expected: { index: 0, eventIndex: 1, problem: 'chain-broken' },
  },
  {
    name: 'the last entry deleted (only the recorded head shows it)',
    tamper: (target, trail) => target.deleteStoredEvent(trail.subject, trail.events[3]!.id),
    expected: { index: 3, eventIndex: 2, problem: 'head-mismatch' },
  },
  {
    name: 'two entries swapped, their links rewritten to match',
    async tamper(target, trail) {
      const [first, second, third] = [trail.events[0]!, trail.events[1]!, trail.events[2]!];
      // Order first, third, second: a careful forger relinks prev, but cannot recompute the hashes' inputs away.
      await target.editStoredEvent(trail.subject, third.id, (event) => ({ ...event, prev: first.hash }));
      await target.editStoredEvent(trail.subject, second.id, (event) => ({ ...event, prev: third.hash }));
    },
    expected: { index: 1, eventIndex: 2, problem: 'content-mismatch' },
  },
  {
    name: 'the recorded head set back to an earlier event',
    tamper: (target, trail) => target.setRecordedHead(trail.subject, trail.events[1]!.hash),
    expected: { index: 3, eventIndex: 3, problem: 'head-mismatch' },
  },
];

/** The trail each case starts from: opt-in, data, confirmation, withdrawal. */
export function tamperTrail(subject: string): Trail {
  const source = { kind: 'event' as const, name: 'Salon E-commerce Paris', place: 'Paris' };
  return buildTrail(subject, [
    { subject, at: '2012-09-19T09:30:00Z', type: 'consent.given', purpose: 'newsletter', channel: 'email', source, proof: { documentRef: 'badge-4411' } },
    { subject, at: '2012-09-19T09:31:00Z', type: 'data.collected', source, fields: [{ name: 'firstName', value: 'Camille' }] },
    { subject, at: '2012-09-20T07:12:00Z', type: 'consent.confirmed', purpose: 'newsletter', channel: 'email', source: { kind: 'web-form', name: 'Confirmation link' } },
    { subject, at: '2021-03-02T18:00:00Z', type: 'consent.withdrawn', purpose: 'newsletter', channel: 'email', source: { kind: 'subject', name: 'Unsubscribe link' }, reason: 'Too many emails' },
  ]);
}

export interface TamperResult {
  problems: string[];
  /** Per case: what the error said. */
  reports: Array<{ name: string; message: string }>;
}

/** Pushes one fresh trail per case, tampers with it in the CRM, and checks what pull reports. */
export async function runTamperSuite(target: TamperTarget): Promise<TamperResult> {
  const problems: string[] = [];
  const reports: TamperResult['reports'] = [];
  await target.reset();
  const adapter = target.createAdapter();
  await adapter.ensureSchema();
  for (const [position, tamperCase] of TAMPER_CASES.entries()) {
    const trail = tamperTrail(`tamper-${target.name}-${position}@evidence.example.org`);
    const report = await adapter.push([trail]);
    if (report.failures.length > 0) {
      problems.push(`${tamperCase.name}: the push failed (${report.failures[0]!.reason})`);
      continue;
    }
    const intact = await adapter.pull({ email: trail.subject });
    if (!intact || canonicalJson(intact) !== canonicalJson(trail)) problems.push(`${tamperCase.name}: the untouched trail did not pull back as pushed`);
    await tamperCase.tamper(target, trail);
    let error: unknown;
    try {
      await adapter.pull({ email: trail.subject });
    } catch (caught) {
      error = caught;
    }
    if (!TrailIntegrityError.isInstance(error)) {
      problems.push(`${tamperCase.name}: pull ${error ? `threw ${String(error)}` : 'verified'} instead of reporting the change`);
      continue;
    }
    reports.push({ name: tamperCase.name, message: error.message });
    const { index, eventIndex, problem } = tamperCase.expected;
    const expectedId = trail.events[eventIndex]!.id;
    if (error.index !== index || error.eventId !== expectedId || error.problem !== problem) {
      problems.push(`${tamperCase.name}: expected ${problem} at ${index} naming ${expectedId}, got ${error.problem} at ${error.index} naming ${error.eventId}`);
    }
    if (!error.message.includes(expectedId)) problems.push(`${tamperCase.name}: the message does not name ${expectedId}`);
    const unverified = await adapter.pull({ email: trail.subject }, { verify: false }).catch((caught: unknown) => caught);
    if (!unverified || unverified instanceof Error) problems.push(`${tamperCase.name}: pull without verification failed too (${String(unverified)})`);
  }
  return { problems, reports };
}
