/**
 * The Salesforce emulator as the shared fault suite sees it (@optintrail/adapter-test/fault-suite):
 * each event must be one OptinTrail_Event__c record on the subject's Contact, read from the
 * emulator's state, never through the adapter.
 */
import type { FaultSyncOptions, FaultTarget, RefusedSubjects } from '@optintrail/adapter-test/fault-suite';
import type { TamperTarget } from '@optintrail/adapter-test/tamper-suite';
import { generateFaultTrails } from '@optintrail/adapter-test/fault-suite';
import { canonicalJson, decodeTimelineEntry, normalizeEmail, type CrmAdapter, type RetryOptions } from '@optintrail/core';
import { createSalesforceAdapter, salesforceSchemaNames } from '../src/index';
import { startSalesforceEmulator, type SalesforceEmulator } from '../src/testing/index';

const names = salesforceSchemaNames();

export interface SalesforceFaultTarget extends FaultTarget, TamperTarget {
  createAdapter(settings?: { retry: RetryOptions; timeoutMs: number }): CrmAdapter;
  readonly emulator: SalesforceEmulator;
  close(): Promise<void>;
}

/**
 * Addresses longer than Contact.Email holds (80 characters): valid emails, refused by Salesforce for
 * good with STRING_TOO_LONG on their own record of a batch.
 */
function overlongEmails(seed: number): RefusedSubjects {
  const trails = generateFaultTrails({ count: 4, seed, prefix: `salesforce-refused-${'x'.repeat(60)}`, domain: 'refused.fault.example.org' });
  return { trails, kinds: ['vendor'], reason: /STRING_TOO_LONG/ };
}

export async function createSalesforceFaultTarget(): Promise<SalesforceFaultTarget> {
  const emulator = await startSalesforceEmulator();
  // The event records of every contact, rebuilt only when the org changed (the suite asks per subject).
  let index: { calls: number; bySubject: Map<string, string[]> } | undefined;
  const eventsBySubject = () => {
    if (index && index.calls === emulator.calls.length) return index.bySubject;
    const subjectOf = new Map(emulator.state.records('Contact').map((contact) => [contact.Id, normalizeEmail(String(contact['Email'] ?? contact[names.subjectKey] ?? ''))]));
    const bySubject = new Map<string, string[]>();
    for (const row of emulator.state.records(names.eventObject)) {
      const subject = subjectOf.get(String(row[names.event.parent])) ?? '';
      // The id as stored in the payload, not only the External ID column: a copy under another key would show.
      const id = decodeTimelineEntry(String(row[names.event.payload])).id;
      bySubject.set(subject, [...(bySubject.get(subject) ?? []), id]);
    }
    index = { calls: emulator.calls.length, bySubject };
    return bySubject;
  };
  const eventRow = (eventId: string) => {
    const row = emulator.state.records(names.eventObject).find((candidate) => candidate[names.event.id] === eventId);
    if (!row) throw new Error(`No ${names.eventObject} record holds event ${eventId}`);
    return row;
  };
  return {
    name: 'salesforce',
    emulator,
    createAdapter: (settings?: { retry: RetryOptions; timeoutMs: number }) =>
      createSalesforceAdapter({ instanceUrl: emulator.url, accessToken: 'fault-suite-session', recordRetries: { delayMs: 1 }, ...(settings ?? { retry: { baseDelayMs: 1, maxDelayMs: 5 } }) }),
    faults: emulator.faults,
    get calls() {
      return emulator.calls;
    },
    reset() {
      emulator.reset();
      index = undefined;
    },
    storedEvents: (subject) => [{ place: names.eventObject, eventIds: eventsBySubject().get(subject) ?? [] }],
    contactSubjects: () => emulator.state.records('Contact').map((contact) => normalizeEmail(String(contact['Email'] ?? ''))),
    refusedSubjects: overlongEmails,
    editStoredEvent(subject, eventId, change) {
      const row = eventRow(eventId);
      // A careful forger: the payload is rewritten whole and stays readable JSON.
      emulator.state.updateRecord(names.eventObject, row.Id, { [names.event.payload]: canonicalJson(change(decodeTimelineEntry(String(row[names.event.payload])))) });
    },
    deleteStoredEvent: (_subject, eventId) => emulator.state.deleteRecord(names.eventObject, eventRow(eventId).Id),
    setRecordedHead(subject, head) {
      const contact = emulator.state.contactByEmail(subject);
      if (!contact) throw new Error(`No Contact ${subject}`);
      emulator.state.updateRecord('Contact', contact.Id, { [names.summary.trailHead]: head });
    },
    close: () => emulator.close(),
  };
}

/** The CI run: every fault kind at once; per-record failures are UNABLE_TO_LOCK_ROW in Collections answers. */
export const salesforceFaultOptions: FaultSyncOptions = {
  trails: 1000,
  seed: 7,
  pullConcurrency: 16,
  rates: { rateLimit: 0.03, serverError: 0.03, dropConnection: 0.02, timeout: 0.01, partialFailure: 0.02, latencyMs: [0, 2] },
  timeoutMs: 400,
};

/** Answers up to 30% slower than the client waits: some land after the client gave up. */
export const salesforceLostAnswerOptions: FaultSyncOptions = {
  trails: 100,
  seed: 25,
  rates: { rateLimit: 0, serverError: 0, dropConnection: 0, timeout: 0, partialFailure: 0, latencyMs: [0, 260] },
  timeoutMs: 200,
  refused: 0,
  pullsUnderFaults: 30,
};
