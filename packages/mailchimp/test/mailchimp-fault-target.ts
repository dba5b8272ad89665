/**
 * The Mailchimp emulator as the shared fault suite sees it (@optintrail/adapter-test/fault-suite):
 * each event must be in the member's notes once and be one member event, read from the emulator's
 * state, never through the adapter.
 */
import type { FaultSyncOptions, FaultTarget, RefusedSubjects } from '@optintrail/adapter-test/fault-suite';
import type { TamperTarget } from '@optintrail/adapter-test/tamper-suite';
import { generateFaultTrails } from '@optintrail/adapter-test/fault-suite';
import { extractPayload, joinChunks, parseChunk, type CrmAdapter, type RetryOptions, type Trail } from '@optintrail/core';
import { createMailchimpAdapter, DEFAULT_MAILCHIMP_TAGS, eventIdOfMemberEvent, subscriberHash } from '../src/index';
import { eventsOfPayload } from '../src/mailchimp-timeline';
import { startMailchimpEmulator, type MailchimpEmulator } from '../src/testing/index';
import { readBackend } from './mailchimp-test-backend';

const API_KEY = 'fault-suite-key-us1';

export interface MailchimpFaultTarget extends FaultTarget, TamperTarget {
  createAdapter(settings?: { retry: RetryOptions; timeoutMs: number }): CrmAdapter;
  readonly emulator: MailchimpEmulator;
  readonly listId: string;
  close(): Promise<void>;
}

/** Event ids found in the member's notes, one entry per stored copy (a note written twice shows twice). */
export function noteEventIds(bodies: readonly string[]): string[] {
  const ids: string[] = [];
  const chunks = new Map<string, string[]>();
  for (const body of bodies) {
    const chunk = parseChunk(body);
    if (chunk) {
      // Copies of a chunked event: as many as the most repeated chunk.
      chunks.set(chunk.key, [...(chunks.get(chunk.key) ?? []), body]);
      continue;
    }
    const payload = extractPayload(body);
    if (payload !== undefined) ids.push(...eventsOfPayload(payload).map((event) => event.id));
  }
  for (const group of chunks.values()) {
    const copies = Math.max(...[...new Set(group)].map((body) => group.filter((other) => other === body).length));
    const ids_ = eventsOfPayload(joinChunks(group)).map((event) => event.id);
    for (let copy = 0; copy < copies; copy += 1) ids.push(...ids_);
  }
  return ids;
}

/** Addresses erased earlier with delete-permanent: Mailchimp refuses to re-import them, for good. */
async function forgottenSubjects(emulator: MailchimpEmulator, listId: string, seed: number): Promise<RefusedSubjects> {
  const trails: Trail[] = generateFaultTrails({ count: 4, seed, prefix: 'mailchimp-forgotten' });
  const authorization = `Basic ${Buffer.from(`any:${API_KEY}`).toString('base64')}`;
  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${emulator.url}${path}`, { method, headers: { authorization, 'content-type': 'application/json' }, ...(body ? { body: JSON.stringify(body) } : {}) });
    if (!response.ok) throw new Error(`${method} ${path}: HTTP ${response.status}`);
  };
  return {
    trails,
    async arrange() {
      for (const trail of trails) {
        const path = `/lists/${listId}/members/${subscriberHash(trail.subject)}`;
        await call('PUT', path, { email_address: trail.subject, status_if_new: 'subscribed' });
        await call('POST', `${path}/actions/delete-permanent`);
      }
    },
    kinds: ['suppressed'],
    reason: /forgotten|permanently deleted/i,
  };
}

export async function createMailchimpFaultTarget(): Promise<MailchimpFaultTarget> {
  // Batches take longer than the client waits for an answer: a lost answer to POST /batches leaves one running.
  const emulator = await startMailchimpEmulator({ apiKey: API_KEY, batchProcessingDelayMs: 400 });
  let listId = emulator.createList('Fault suite audience');
  return {
    name: 'mailchimp',
    emulator,
    get listId() {
      return listId;
    },
    createAdapter: (settings?: { retry: RetryOptions; timeoutMs: number }) =>
      createMailchimpAdapter({ apiKey: API_KEY, baseUrl: emulator.url, listId, batchPollIntervalMs: 5, ...(settings ?? { retry: { baseDelayMs: 1, maxDelayMs: 5 } }) }),
    faults: emulator.faults,
    get calls() {
      return emulator.calls;
    },
    reset() {
      emulator.reset();
      listId = emulator.state.listIds()[0] ?? emulator.createList('Fault suite audience');
    },
    storedEvents(subject) {
      const notes = emulator.state.notes(listId, subject).map((note) => note.note);
      const memberEvents = emulator.state.events(listId, subject).flatMap((event) => eventIdOfMemberEvent(event) ?? []);
      return [
        { place: 'notes', eventIds: noteEventIds(notes) },
        { place: 'member events', eventIds: memberEvents },
      ];
    },
    contactSubjects: () => emulator.state.members(listId).filter((member) => member.status !== 'archived').map((member) => member.email_address.toLowerCase()),
    refusedSubjects: (seed) => forgottenSubjects(emulator, listId, seed),
    editStoredEvent: (subject, eventId, change) => readBackend(emulator, listId).editEvent(subject, eventId, change),
    deleteStoredEvent: (subject, eventId) => readBackend(emulator, listId).removeEvent(subject, eventId),
    setRecordedHead: (subject, head) => emulator.state.setMergeField(listId, subject, DEFAULT_MAILCHIMP_TAGS.trailHead, head),
    close: () => emulator.close(),
  };
}

/**
 * The CI run: every fault kind at once; per-member failures hit batch subscribe and batch operations.
 * Each 429 pauses the adapter's connection limiter for real (the Retry-After asked, else 1 s), so
 * 429s are rarer here and carry a short Retry-After (Mailchimp itself sends none).
 */
export const mailchimpFaultOptions: FaultSyncOptions = {
  trails: 800,
  seed: 5,
  pullConcurrency: 10,
  retryAfterSeconds: 0.2,
  rates: { rateLimit: 0.015, serverError: 0.03, dropConnection: 0.02, timeout: 0.005, partialFailure: 0.01, latencyMs: [0, 2] },
  timeoutMs: 400,
};

/** Answers up to 30% slower than the client waits: some land after the client gave up. */
export const mailchimpLostAnswerOptions: FaultSyncOptions = {
  trails: 100,
  seed: 23,
  rates: { rateLimit: 0, serverError: 0, dropConnection: 0, timeout: 0, partialFailure: 0, latencyMs: [0, 260] },
  timeoutMs: 200,
  refused: 0,
  pullsUnderFaults: 30,
};
