import { appendEvents, buildTrail, CrmAuthenticationError, encodeSummaryFields, utf8ByteLength, verifyTrail, type ProvenanceEventInput, type Trail } from '@optintrail/core';
import { sampleTrail, uniqueEmail } from '@optintrail/adapter-test';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createMailchimpAdapter, type MailchimpAdapter } from '../src/mailchimp-adapter';
import type { MailchimpAdapterSettings } from '../src/mailchimp-adapter-settings';
import { DEFAULT_MAILCHIMP_TAGS } from '../src/mailchimp-summary-tags';
import { notesFor } from '../src/mailchimp-timeline';
import { startMailchimpEmulator, type MailchimpEmulator } from '../src/testing';
import { readBackend, storedEvents } from './mailchimp-test-backend';

let emulator: MailchimpEmulator;
let listId: string;
beforeAll(async () => {
  emulator = await startMailchimpEmulator({ apiKey: 'adapter-key-us1', batchProcessingDelayMs: 5 });
  listId = emulator.createList('Adapter audience');
});
afterAll(() => emulator.close());
beforeEach(() => emulator.reset());

function adapter(settings: Partial<MailchimpAdapterSettings> = {}): MailchimpAdapter {
  return createMailchimpAdapter({ apiKey: 'adapter-key-us1', baseUrl: emulator.url, listId, batchPollIntervalMs: 5, retry: { baseDelayMs: 1, maxDelayMs: 5 }, ...settings });
}

const withdrawal = (email: string): ProvenanceEventInput => ({
  subject: email,
  at: '2021-03-02T18:00:00Z',
  type: 'consent.withdrawn',
  purpose: 'newsletter',
  channel: 'email',
  source: { kind: 'subject', name: 'Unsubscribe link' },
  actor: { kind: 'subject' },
});

const apiCalls = (path: RegExp, method?: string) => emulator.calls.filter((call) => path.test(call.path) && (!method || call.method === method)).length;

describe('what a push writes into the audience', () => {
  it('sets the summary merge fields, the reminders, Mailchimp evidence fields, the permission and the data fields', async () => {
    const email = uniqueEmail();
    const trail = sampleTrail(email);
    const report = await adapter().push([trail]);
    expect(report.failures).toEqual([]);

    const member = emulator.state.member(listId, email)!;
    expect(member.status).toBe('subscribed');
    expect(member.timestamp_signup).toBe('2012-09-19T09:30:00+00:00');
    expect(member.timestamp_opt).toBe('2012-09-20T07:12:00+00:00');
    expect(member.ip_opt).toBe('192.0.2.44');
    expect(member.merge_fields.FNAME).toBe('Camille');
    expect(member.marketing_permissions.find((permission) => permission.text === 'Email')?.enabled).toBe(true);
    expect(member.merge_fields[DEFAULT_MAILCHIMP_TAGS.pendingHead]).toBe('');

    const summary = readBackend(emulator, listId).summary(email, DEFAULT_MAILCHIMP_TAGS)!;
    expect(summary.trailHead).toBe(trail.events.at(-1)!.hash);
    expect(summary.trailLength).toBe('3');
    expect(summary.consentStrength).toBe('double opt-in');
    expect(summary.reminderFr).toContain('Salon E-commerce Paris');
    expect(summary.reminderEn).toContain('Salon E-commerce Paris');
    for (const value of Object.values(summary)) expect(utf8ByteLength(value)).toBeLessThanOrEqual(255);

    const events = emulator.state.events(listId, email);
    expect(events.map((event) => event.name)).toEqual(['ot_consent_given', 'ot_data_collected', 'ot_consent_confirmed']);
    expect(events.every((event) => event.is_syncing)).toBe(true);
    expect(events.map((event) => event.properties.event_id)).toEqual(trail.events.map((event) => event.id));
  });

  it('fits every summary value to 255 bytes itself, so Mailchimp has nothing left to cut', async () => {
    const email = uniqueEmail();
    const longName = `Salon Éphémère ${'🎪'.repeat(85)}`; // under the model's 200 characters, over 255 bytes
    const trail = buildTrail(email, [
      { subject: email, at: '2020-01-01T10:00:00Z', type: 'consent.given', purpose: 'newsletter', channel: 'email', source: { kind: 'event', name: longName }, proof: { wording: 'Oui' } },
      { subject: email, at: '2020-01-01T10:00:01Z', type: 'data.collected', source: { kind: 'event', name: longName }, fields: [{ name: 'firstName', value: 'Zoë' }] },
    ]);
    await adapter().push([trail]);
    const stored = emulator.state.member(listId, email)!.merge_fields;
    const expected = encodeSummaryFields(trail, { purpose: 'newsletter', channel: 'email', fields: ['consentSource', 'dataSources'] });
    expect(stored[DEFAULT_MAILCHIMP_TAGS.consentSource]).toBe(expected.consentSource);
    expect(stored[DEFAULT_MAILCHIMP_TAGS.dataSources]).toBe(expected.dataSources);
    expect(utf8ByteLength(expected.consentSource)).toBeLessThanOrEqual(255);
    expect(expected.consentSource.endsWith('…')).toBe(true);
  });

  it('never re-subscribes someone who unsubscribed in Mailchimp, and unsubscribes on a withdrawal', async () => {
    const kept = uniqueEmail();
    const keptTrail = sampleTrail(kept);
    await adapter().push([keptTrail]);
    emulator.state.setStatus(listId, kept, 'unsubscribed');
    const renewed = appendEvents(keptTrail, [{ subject: kept, at: '2022-01-01T00:00:00Z', type: 'consent.renewed', purpose: 'newsletter', channel: 'email', source: { kind: 'web-form', name: 'Re-permission form' } }]);
    const report = await adapter().push([renewed]);
    expect(report.failures).toEqual([]);
    expect(emulator.state.member(listId, kept)?.status).toBe('unsubscribed');

    const leaving = uniqueEmail();
    const trail = sampleTrail(leaving);
    await adapter().push([trail]);
    await adapter().push([appendEvents(trail, [withdrawal(leaving)])]);
    const member = emulator.state.member(listId, leaving)!;
    expect(member.status).toBe('unsubscribed');
    expect(member.marketing_permissions.find((permission) => permission.text === 'Email')?.enabled).toBe(false);
  });

  it('adds a subject without consent as transactional, and one that withdrew as unsubscribed', async () => {
    const dataOnly = uniqueEmail();
    await adapter().push([buildTrail(dataOnly, [{ subject: dataOnly, at: '2020-05-05T05:05:05Z', type: 'data.collected', source: { kind: 'purchase', name: 'Shop order 1' }, fields: [{ name: 'firstName', value: 'Ana' }] }])]);
    expect(emulator.state.member(listId, dataOnly)?.status).toBe('transactional');
    expect(readBackend(emulator, listId).summary(dataOnly, DEFAULT_MAILCHIMP_TAGS)?.consentStatus).toBe('none');

    const gone = uniqueEmail();
    await adapter().push([appendEvents(sampleTrail(gone), [withdrawal(gone)])]);
    expect(emulator.state.member(listId, gone)?.status).toBe('unsubscribed');
  });

  it('keeps an event too long for one note in several notes and reads it back', async () => {
    const email = uniqueEmail();
    // Not compressible: a pseudo-random wording.
    let seed = 7;
    const wording = Array.from({ length: 4000 }, () => String.fromCharCode(33 + ((seed = (seed * 48271) % 2147483647) % 90))).join('');
    const trail = buildTrail(email, [{ subject: email, at: '2020-02-02T02:02:02Z', type: 'consent.given', purpose: 'newsletter', channel: 'email', source: { kind: 'web-form', name: 'Long form' }, proof: { wording } }]);
    const target = adapter();
    expect((await target.push([trail])).failures).toEqual([]);
    const notes = emulator.state.notes(listId, email);
    expect(notes.length).toBeGreaterThan(1);
    for (const note of notes) expect(note.note.length).toBeLessThanOrEqual(1000);
    expect(await target.pull({ email })).toEqual(trail);
  });
});

describe('idempotency without ids on Mailchimp events', () => {
  it('finishes an interrupted write on the next run without writing anything twice', async () => {
    const email = uniqueEmail();
    const trail = sampleTrail(email);
    emulator.faults.set({ serverError: 1, paths: [/\/events$/] });
    const failed = await adapter({ batchOperations: 'never', retry: { maxAttempts: 1 } }).push([trail]);
    expect(failed.failures.length).toBeGreaterThan(0);
    expect(failed.failures.every((failure) => failure.kind === 'vendor' && failure.eventId !== undefined)).toBe(true);
    const halfway = emulator.state.member(listId, email)!;
    expect(halfway.merge_fields[DEFAULT_MAILCHIMP_TAGS.trailHead]).toBe('');
    expect(halfway.merge_fields[DEFAULT_MAILCHIMP_TAGS.pendingHead]).toBe(trail.events.at(-1)!.hash);
    expect(storedEvents(emulator, listId, email).map((event) => event.id)).toEqual(trail.events.map((event) => event.id));

    emulator.faults.reset();
    const target = adapter({ batchOperations: 'never' });
    const resumed = await target.push([trail]);
    expect(resumed.failures).toEqual([]);
    expect(storedEvents(emulator, listId, email).map((event) => event.id)).toEqual(trail.events.map((event) => event.id));
    expect(emulator.state.events(listId, email).map((event) => event.properties.event_id)).toEqual(trail.events.map((event) => event.id));
    expect(await target.pull({ email })).toEqual(trail);
    expect((await target.push([trail])).subjectsUnchanged).toBe(1);
  });

  it('rolls back a head that travelled in a batch whose member events failed, and finishes the write on the next run', async () => {
    const trails = Array.from({ length: 25 }, () => sampleTrail(uniqueEmail()));
    // Every member event inside the batch fails (500), every note and summary goes through.
    emulator.faults.set({ partialFailure: 1, paths: [/\/events$/] });
    const failed = await adapter({ batchOperations: 'always', batchPollIntervalMs: 10 }).push(trails);
    expect(failed.failures.length).toBeGreaterThan(0);
    expect(failed.failures.every((failure) => failure.eventId !== undefined)).toBe(true);
    const batch = emulator.calls.find((call) => call.method === 'POST' && call.path === '/3.0/batches')!.requestBodyJson as { operations: Array<{ path: string }> };
    expect(batch.operations.some((operation) => /^\/lists\/[^/]+$/.test(operation.path))).toBe(true);
    for (const trail of trails) {
      const member = emulator.state.member(listId, trail.subject)!;
      // The summary moved the head inside the batch; the roll back put it back and left the mark.
      expect(member.merge_fields[DEFAULT_MAILCHIMP_TAGS.trailHead]).toBe('');
      expect(member.merge_fields[DEFAULT_MAILCHIMP_TAGS.pendingHead]).toBe(trail.events.at(-1)!.hash);
      expect(emulator.state.events(listId, trail.subject)).toHaveLength(0);
    }

    emulator.faults.reset();
    const target = adapter({ batchOperations: 'always', batchPollIntervalMs: 10 });
    const resumed = await target.push(trails);
    expect(resumed.failures).toEqual([]);
    for (const trail of trails.slice(0, 5)) {
      expect(emulator.state.events(listId, trail.subject).map((event) => event.properties.event_id).sort()).toEqual(trail.events.map((event) => event.id).sort());
      expect(storedEvents(emulator, listId, trail.subject).map((event) => event.id)).toEqual(trail.events.map((event) => event.id));
      expect(await target.pull({ email: trail.subject })).toEqual(trail);
    }
    expect((await target.push(trails)).subjectsUnchanged).toBe(trails.length);
  });

  it('after a stop between a batch with failed member events and its roll back, the resumed push reads those members back', async () => {
    const trails = Array.from({ length: 25 }, () => sampleTrail(uniqueEmail()));
    const base = adapter();
    // The process "dies" where it would roll the heads back: the batch's failures stay unseen.
    const dying = {
      ...base.client,
      lists: {
        ...base.client.lists,
        batchListMembers: async (...args: Parameters<typeof base.client.lists.batchListMembers>) => {
          if (args[1].members.some((member) => member.merge_fields?.[DEFAULT_MAILCHIMP_TAGS.trailHead] === '')) throw new Error('process killed');
          return base.client.lists.batchListMembers(...args);
        },
      },
    };
    emulator.faults.set({ partialFailure: 1, paths: [/\/events$/] });
    await adapter({ client: dying, batchOperations: 'always', batchPollIntervalMs: 10 }).push(trails);
    emulator.faults.reset();
    // The summary travelled with the failed events: the merge fields look complete.
    const member = emulator.state.member(listId, trails[0]!.subject)!;
    expect(member.merge_fields[DEFAULT_MAILCHIMP_TAGS.trailHead]).toBe(trails[0]!.events.at(-1)!.hash);
    expect(emulator.state.events(listId, trails[0]!.subject)).toHaveLength(0);

    const target = adapter({ batchOperations: 'always', batchPollIntervalMs: 10 });
    // A push that does not resume trusts the merge fields; the resumed one checks the batches left behind.
    expect((await target.push(trails.slice(0, 1))).subjectsUnchanged).toBe(1);
    const resumed = await target.push(trails, { resumeAfter: 'subjects:0' });
    expect(resumed.failures).toEqual([]);
    for (const trail of trails) {
      expect(emulator.state.events(listId, trail.subject).map((event) => event.properties.event_id).sort()).toEqual(trail.events.map((event) => event.id).sort());
      expect(storedEvents(emulator, listId, trail.subject).map((event) => event.id)).toEqual(trail.events.map((event) => event.id));
    }
    expect((await target.push(trails)).subjectsUnchanged).toBe(trails.length);
  });

  it('pulls a trail whose write was interrupted after its notes, without calling it tampered', async () => {
    const email = uniqueEmail();
    const trail = sampleTrail(email);
    emulator.faults.set({ serverError: 1, paths: [/\/events$/] });
    await adapter({ batchOperations: 'never', retry: { maxAttempts: 1 } }).push([trail]);
    emulator.faults.reset();
    expect(await adapter().pull({ email })).toEqual(trail);
  });

  it('reads members itself when batch subscribe leaves unchanged ones out of its answer', async () => {
    const email = uniqueEmail();
    const trail = sampleTrail(email);
    await adapter().push([trail]);
    const base = adapter();
    const quiet = {
      ...base.client,
      lists: {
        ...base.client.lists,
        batchListMembers: async (...args: Parameters<typeof base.client.lists.batchListMembers>) => {
          const result = await base.client.lists.batchListMembers(...args);
          return { ...result, updated_members: [], total_updated: 0 };
        },
      },
    };
    const report = await adapter({ client: quiet }).push([trail]);
    expect(report.subjectsUnchanged).toBe(1);
    expect(emulator.state.events(listId, email)).toHaveLength(3);
  });

  it('does not duplicate a note or event that was stored although its answer was lost', async () => {
    const email = uniqueEmail();
    const trail = sampleTrail(email);
    const base = adapter();
    let lost = 0;
    const lossy = {
      ...base.client,
      lists: {
        ...base.client.lists,
        createListMemberEvent: async (...args: Parameters<typeof base.client.lists.createListMemberEvent>) => {
          await base.client.lists.createListMemberEvent(...args);
          lost += 1;
          throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
        },
        createListMemberNote: async (...args: Parameters<typeof base.client.lists.createListMemberNote>) => {
          const note = await base.client.lists.createListMemberNote(...args);
          if (lost === 0) {
            lost += 1;
            throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
          }
          return note;
        },
      },
    };
    const report = await adapter({ client: lossy, batchOperations: 'never' }).push([trail]);
    expect(lost).toBeGreaterThan(1);
    expect(report.failures).toEqual([]);
    expect(emulator.state.events(listId, email)).toHaveLength(3);
    expect(storedEvents(emulator, listId, email).map((event) => event.id)).toEqual(trail.events.map((event) => event.id));
    expect(await adapter().pull({ email })).toEqual(trail);
  });

  it('refuses to append a trail that diverges from the stored one', async () => {
    const email = uniqueEmail();
    await adapter().push([sampleTrail(email)]);
    const other = sampleTrail(email);
    const report = await adapter().push([other]);
    expect(report.failures).toEqual([expect.objectContaining({ subject: email, kind: 'conflict' })]);
    expect(emulator.state.events(listId, email)).toHaveLength(3);
  });
});

describe('API calls', () => {
  const trailsFor = (count: number) => Array.from({ length: count }, () => sampleTrail(uniqueEmail()));

  it('uses two batch subscribe calls per 500 new subjects plus one call per note, event and permission change on the synchronous path', async () => {
    const target = adapter({ batchOperations: 'never' });
    await target.ensureSchema();
    emulator.clearCalls();
    const before = target.apiCalls;
    const trails = trailsFor(20);
    const report = await target.push(trails);
    expect(report.failures).toEqual([]);
    const notes = trails.reduce((total, trail) => total + notesFor(trail.events).length, 0);
    // A push creates first (new members come marked pending), then the summary once the timeline is stored.
    expect(apiCalls(/^\/3\.0\/lists\/[^/]+$/, 'POST')).toBe(2);
    // Events of a subject share notes of up to 1,000 characters.
    expect(notes).toBeLessThan(60);
    expect(apiCalls(/\/notes$/, 'POST')).toBe(notes);
    expect(apiCalls(/\/events$/, 'POST')).toBe(60);
    expect(report.apiCalls).toBe(emulator.calls.length);
    expect(target.apiCalls - before).toBe(emulator.calls.length);
    // Batch subscribe cannot set marketing permissions: one PATCH per subject whose permission changes.
    expect(apiCalls(/\/members\/[0-9a-f]{32}$/, 'PATCH')).toBe(20);
    expect(emulator.calls.length).toBe(2 + notes + 60 + 20);
  });

  it('reaches the floor with /batches: one create-only batch subscribe per 500 new subjects, one POST carrying timeline and summaries, a few polls', async () => {
    const target = adapter({ batchOperations: 'auto' });
    await target.ensureSchema();
    emulator.clearCalls();
    const trails = trailsFor(120);
    const before = target.apiCalls;
    const report = await target.push(trails);
    expect(report.failures).toEqual([]);
    expect(report.eventsWritten).toBe(360);
    expect(apiCalls(/^\/3\.0\/batches$/, 'POST')).toBe(1);
    expect(apiCalls(/\/notes$/)).toBe(0);
    expect(apiCalls(/^\/3\.0\/lists\/[^/]+$/, 'POST')).toBe(1);
    const batch = emulator.calls.find((call) => call.method === 'POST' && call.path === '/3.0/batches')!.requestBodyJson as { operations: Array<{ method: string; path: string }> };
    // The summaries (head included) ride in the same batch as the notes and member events.
    expect(batch.operations.filter((operation) => operation.method === 'POST' && /^\/lists\/[^/]+$/.test(operation.path))).toHaveLength(1);
    expect(target.apiCalls - before).toBe(emulator.calls.length);
    expect(emulator.calls.length).toBeLessThanOrEqual(1 + 1 + 5);
    for (const trail of trails.slice(0, 3)) expect(await target.pull({ email: trail.subject })).toEqual(trail);
    expect(emulator.state.events(listId, trails[0]!.subject)).toHaveLength(3);
  });

  it('creates new members already marked pending once a push has seen mostly new ones, without ever overwriting an existing member\'s mark', async () => {
    const target = adapter({ batchOperations: 'always', batchSize: 1000 });
    await target.ensureSchema();
    const subscribeBodies = () =>
      emulator.calls
        .filter((call) => /^\/3\.0\/lists\/[^/]+$/.test(call.path) && call.method === 'POST')
        .map((call) => call.requestBodyJson as { update_existing?: boolean; members: Array<{ merge_fields?: Record<string, string> }> });
    const trails = trailsFor(600);
    emulator.clearCalls();
    expect((await target.push(trails)).failures).toEqual([]);
    // A push creates first: both parts are created already marked, with no separate mark, and the
    // summaries travel in the batch.
    const first = subscribeBodies();
    expect(first.map((body) => body.update_existing)).toEqual([false, false]);
    expect(first.every((body) => body.members.every((member) => member.merge_fields?.[target.tags.pendingHead]))).toBe(true);
    expect(first.map((body) => body.members.length)).toEqual([500, 100]);
    // Marked before any timeline write: the create-only call precedes the batch.
    const createOnlyAt = emulator.calls.findIndex((call) => (call.requestBodyJson as { update_existing?: boolean } | undefined)?.update_existing === false);
    const batchAt = emulator.calls.findIndex((call) => call.method === 'POST' && call.path === '/3.0/batches');
    expect(createOnlyAt).toBeGreaterThan(-1);
    expect(createOnlyAt).toBeLessThan(batchAt);
    for (const trail of trails.slice(0, 3).concat(trails.slice(-3))) expect(await target.pull({ email: trail.subject })).toEqual(trail);

    // An interrupted write of a longer trail left a mark on an existing member; a push whose first
    // 500 are new reaches it in create-first mode, and the create-only call must leave the mark.
    const marked = trails[550]!;
    emulator.state.setMergeField(listId, marked.subject, target.tags.pendingHead, 'a'.repeat(64));
    const mixed = [...trailsFor(500), ...trails.slice(500)];
    emulator.clearCalls();
    const again = await target.push(mixed);
    expect(again.failures).toEqual([]);
    const second = subscribeBodies();
    // create-only (500 new), create-only on the 100 existing (all refused as existing), then read them with no merge field.
    expect(second.slice(0, 3).map((body) => body.update_existing)).toEqual([false, false, true]);
    expect(second[1]!.members).toHaveLength(100);
    expect(second[2]!.members.every((member) => member.merge_fields === undefined)).toBe(true);
    // The marked member was read back, nothing was missing: still 3 member events, and the mark cleared by the summary.
    expect(emulator.state.events(listId, marked.subject)).toHaveLength(3);
    expect(emulator.state.member(listId, marked.subject)?.merge_fields[target.tags.pendingHead]).toBe('');
    expect(emulator.state.events(listId, mixed[0]!.subject)).toHaveLength(3);

    // Every push starts creating first: a re-run costs one call per 500, plus one for the first part.
    emulator.clearCalls();
    expect((await target.push(trails)).failures).toEqual([]);
    expect(subscribeBodies().map((body) => body.update_existing)).toEqual([false, true, true]);
    expect(emulator.calls).toHaveLength(3);
  });

  it('keeps several push batches in flight while Mailchimp works on their batches, writing nothing twice', async () => {
    // Batches that only finish when the test says so: the push can only go on by starting others.
    const slow = await startMailchimpEmulator({ apiKey: 'adapter-key-us1', batchProcessingDelayMs: 600_000 });
    try {
      const slowList = slow.createList('Slow audience');
      const target = createMailchimpAdapter({ apiKey: 'adapter-key-us1', baseUrl: slow.url, listId: slowList, batchOperations: 'always', batchSize: 100, concurrency: 3, batchPollIntervalMs: 5 });
      await target.ensureSchema();
      const trails = trailsFor(500);
      const pushing = target.push(trails);
      const started = () => slow.calls.filter((call) => call.method === 'POST' && call.path === '/3.0/batches').length;
      while (started() < 3) await new Promise((resolve) => setTimeout(resolve, 5));
      // Three batches accepted, none finished: three push batches are in flight, and no fourth.
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(started()).toBe(3);
      let settled = false;
      void pushing.finally(() => (settled = true));
      while (!settled) {
        await slow.finishPendingBatches();
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      const report = await pushing;
      expect(report.failures).toEqual([]);
      expect(report.subjectsWritten).toBe(500);
      expect(started()).toBe(5);
      for (const trail of [trails[0]!, trails[250]!, trails[499]!]) {
        expect(slow.state.events(slowList, trail.subject)).toHaveLength(3);
        expect(await target.pull({ email: trail.subject })).toEqual(trail);
      }
    } finally {
      await slow.close();
    }
  });

  it('never has more than 10 requests in flight and retries a 429', async () => {
    const target = adapter({ batchOperations: 'never' });
    await target.ensureSchema();
    emulator.clearCalls();
    // A little latency so that requests overlap, as they do against the real API.
    emulator.faults.set({ retryAfterSeconds: 0, latencyMs: 25 });
    emulator.faults.failNext('rate-limit');
    const report = await target.push(trailsFor(30));
    expect(report.failures).toEqual([]);
    expect(emulator.calls.filter((call) => call.status === 429)).toHaveLength(1);
    expect(emulator.peakConnections).toBeLessThanOrEqual(10);
    expect(emulator.peakConnections).toBe(10);
  });
  it('retries a dropped connection, a 5xx and a request that timed out', async () => {
    const target = adapter({ batchOperations: 'never', timeoutMs: 300 });
    await target.ensureSchema();
    emulator.faults.failNext('drop-connection', 'server-error', 'timeout');
    const trail = sampleTrail(uniqueEmail());
    const report = await target.push([trail]);
    expect(report.failures).toEqual([]);
    expect(emulator.faults.injected).toMatchObject({ 'drop-connection': 1, 'server-error': 1, timeout: 1 });
    expect(await target.pull({ email: trail.subject })).toEqual(trail);
  });
});

describe('erase, rectify and errors', () => {
  it('erases with delete-permanent; the address is then refused as suppressed', async () => {
    const email = uniqueEmail();
    const trail = sampleTrail(email);
    const target = adapter();
    await target.push([trail]);
    const receipt = await target.erase({ email }, { requestedAt: '2024-05-01T00:00:00Z' });
    expect(receipt.removed).toEqual(['1 audience member with its merge fields', `${notesFor(trail.events).length} notes`, '3 OptinTrail member events']);
    expect(receipt.mechanism).toContain('delete-permanent');
    expect(emulator.state.isForgotten(listId, email)).toBe(true);
    const again = await target.push([trail]);
    expect(again.failures).toEqual([expect.objectContaining({ subject: email, kind: 'suppressed' })]);
    expect(emulator.state.member(listId, email)).toBeNull();
  });

  it('rectifies a field: a data.rectified event and the merge field', async () => {
    const email = uniqueEmail();
    const target = adapter();
    await target.push([sampleTrail(email)]);
    const rectified = await target.rectify({ email }, { field: 'firstName', value: 'Camila', reason: 'Typo reported by the subject', at: '2024-02-01T00:00:00Z', actor: { kind: 'subject' } });
    expect(rectified.events.at(-1)).toMatchObject({ type: 'data.rectified', fields: [{ name: 'firstName', value: 'Camila', previousValue: 'Camille' }] });
    expect(emulator.state.member(listId, email)?.merge_fields.FNAME).toBe('Camila');
    const pulled = (await target.pull({ email })) as Trail;
    expect(pulled).toEqual(rectified);
    expect(verifyTrail(pulled).valid).toBe(true);
  });

  it('reports a refused key as CrmAuthenticationError without the key in it', async () => {
    const error = await adapter({ apiKey: 'leaked-secret-us1' }).ensureSchema().catch((caught: unknown) => caught);
    expect(CrmAuthenticationError.isInstance(error)).toBe(true);
    expect((error as CrmAuthenticationError).status).toBe(401);
    expect((error as CrmAuthenticationError).vendorCode).toBe('API Key Invalid');
    const serialised = `${String(error)} ${JSON.stringify(error)} ${(error as Error).stack ?? ''}`;
    expect(serialised).not.toContain('leaked-secret');
    expect((error as Error).cause).toBeUndefined();
  });

  it('reports Mailchimp refusals per subject, writes the others, and completes the refused ones on the next run', async () => {
    const trails = Array.from({ length: 8 }, () => sampleTrail(uniqueEmail()));
    emulator.faults.set({ partialFailure: 0.25, seed: 3, paths: [/^\/3\.0\/lists\/[^/]+$/] });
    const target = adapter({ batchOperations: 'never' });
    const report = await target.push(trails);
    const refused = new Set(report.failures.map((failure) => failure.subject));
    expect(refused.size).toBeGreaterThan(0);
    expect(refused.size).toBeLessThan(trails.length);
    expect(report.failures.every((failure) => failure.kind === 'vendor' && failure.vendorCode === 'ERROR_GENERIC')).toBe(true);
    expect(report.subjectsWritten).toBe(trails.length - refused.size);
    for (const trail of trails) {
      const head = emulator.state.member(listId, trail.subject)?.merge_fields[DEFAULT_MAILCHIMP_TAGS.trailHead] ?? '';
      expect(head).toBe(refused.has(trail.subject) ? '' : trail.events.at(-1)!.hash);
    }

    emulator.faults.reset();
    const again = await target.push(trails);
    expect(again.failures).toEqual([]);
    for (const trail of trails) {
      expect(storedEvents(emulator, listId, trail.subject)).toHaveLength(3);
      expect(emulator.state.events(listId, trail.subject)).toHaveLength(3);
      expect(await target.pull({ email: trail.subject })).toEqual(trail);
    }
  });
});
