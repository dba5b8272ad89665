/**
 * The HubSpot emulator as the shared fault suite sees it (@optintrail/adapter-test/fault-suite):
 * events are read from the notes the emulator stores, never through the adapter.
 */
import type { FaultSyncOptions, FaultTarget, RefusedSubjects } from '@optintrail/adapter-test/fault-suite';
import type { TamperTarget } from '@optintrail/adapter-test/tamper-suite';
import { seededRandom } from '@optintrail/adapter-test/fault-suite';
import { buildTrail, canonicalJson, embedPayload, type CrmAdapter, type RetryOptions } from '@optintrail/core';
import { createHubSpotAdapter, DEFAULT_PROPERTY_NAMING, readNote, summaryProperties } from '../src/index';
import { startHubSpotEmulator, type HubSpotEmulator } from '../src/testing/index';

/** A data event too large for one HubSpot note (65,536 characters) once encoded: refused for good. */
function oversizedTrails(seed: number): RefusedSubjects {
  const random = seededRandom(seed);
  // Random text: the stored form is compressed, so repeated characters would fit.
  const noise = (length: number) => Array.from({ length }, () => 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'[Math.floor(random() * 62)]).join('');
  const trails = [0, 1, 2, 3].map((index) => {
    const subject = `hubspot-refused-${seed}-${index}@fault.example.org`;
    return buildTrail(subject, [
      { subject, at: '2020-01-01T10:00:00Z', type: 'consent.given', purpose: 'newsletter', channel: 'email', source: { kind: 'web-form', name: 'Newsletter form' } },
      // Eight fields of 9,000 characters: within the event schema's limits, beyond a note's.
      { subject, at: '2020-01-01T10:01:00Z', type: 'data.collected', source: { kind: 'import', name: 'Legacy CRM export' }, fields: Array.from({ length: 8 }, (_, field) => ({ name: `notes${field}`, value: noise(9_000) })) },
      { subject, at: '2020-01-02T10:00:00Z', type: 'consent.confirmed', purpose: 'newsletter', channel: 'email', source: { kind: 'web-form', name: 'Confirmation link' } },
    ]);
  });
  // The consent before the oversized event is stored; the oversized one and what follows are refused.
  return { trails, kinds: ['validation', 'vendor'], reason: /too large for a HubSpot note|could not be written/, storedPrefix: () => 1 };
}

export interface HubSpotFaultTarget extends FaultTarget, TamperTarget {
  createAdapter(settings?: { retry: RetryOptions; timeoutMs: number }): CrmAdapter;
  readonly emulator: HubSpotEmulator;
  close(): Promise<void>;
}

const HEAD_PROPERTY = summaryProperties(DEFAULT_PROPERTY_NAMING, ['trailHead'])[0]!.name;

export async function createHubSpotFaultTarget(): Promise<HubSpotFaultTarget> {
  // The emulator's own rate limit is off: 429s come from the fault switches, at the rates asked.
  const emulator = await startHubSpotEmulator({ rateLimit: false });
  /** The note holding an event, read from the emulator's store. */
  const noteOf = (subject: string, eventId: string) => {
    const contact = emulator.state.contactByEmail(subject);
    for (const note of contact ? emulator.state.notesForContact(contact.id) : []) {
      const content = readNote(note.properties['hs_note_body']);
      if (content.kind === 'event' && content.event.id === eventId) return { noteId: note.id, event: content.event };
    }
    throw new Error(`No HubSpot note holds event ${eventId}`);
  };
  return {
    name: 'hubspot',
    emulator,
    createAdapter: (settings?: { retry: RetryOptions; timeoutMs: number }) =>
      createHubSpotAdapter({ accessToken: 'fault-suite-token', basePath: emulator.url, rateLimit: false, ...(settings ?? { retry: { baseDelayMs: 1, maxDelayMs: 5 } }) }),
    faults: emulator.faults,
    get calls() {
      return emulator.calls;
    },
    reset: () => emulator.reset(),
    storedEvents(subject) {
      const contact = emulator.state.contactByEmail(subject);
      const eventIds: string[] = [];
      for (const note of contact ? emulator.state.notesForContact(contact.id) : []) {
        const content = readNote(note.properties['hs_note_body']);
        if (content.kind === 'event') eventIds.push(content.event.id);
      }
      return [{ place: 'notes', eventIds }];
    },
    contactSubjects: () => emulator.state.contacts().map((contact) => contact.properties['email'] ?? ''),
    refusedSubjects: oversizedTrails,
    editStoredEvent(subject, eventId, change) {
      const { noteId, event } = noteOf(subject, eventId);
      emulator.state.updateNoteBody(noteId, embedPayload('<p>Edited in HubSpot</p>', canonicalJson(change(event))));
    },
    deleteStoredEvent: (subject, eventId) => emulator.state.deleteNote(noteOf(subject, eventId).noteId),
    setRecordedHead: (subject, head) => emulator.state.updateContactProperty(subject, HEAD_PROPERTY, head),
    close: () => emulator.close(),
  };
}

/**
 * The CI run: every fault kind at once. `partialFailure` is per record, in 100-input batch reads as
 * in writes: 0.3% already fails a quarter of the reads, which the adapter retries whole.
 */
export const hubSpotFaultOptions: FaultSyncOptions = {
  trails: 1000,
  seed: 9,
  pullConcurrency: 16,
  rates: { rateLimit: 0.03, serverError: 0.03, dropConnection: 0.02, timeout: 0.01, partialFailure: 0.003, latencyMs: [0, 2] },
  timeoutMs: 400,
};

/** Answers up to 30% slower than the client waits: some land after the client gave up and retried. */
export const hubSpotLostAnswerOptions: FaultSyncOptions = {
  trails: 100,
  seed: 21,
  rates: { rateLimit: 0, serverError: 0, dropConnection: 0, timeout: 0, partialFailure: 0, latencyMs: [0, 260] },
  timeoutMs: 200,
  refused: 0,
  pullsUnderFaults: 30,
};
