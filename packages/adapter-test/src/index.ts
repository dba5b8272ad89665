/**
 * The conformance suite every OptinTrail CRM adapter passes. Call it from a vitest file:
 *
 * ```ts
 * const emulator = await startHubSpotEmulator();
 * afterAll(() => emulator.close());
 * runAdapterConformance({
 *   name: 'hubspot',
 *   adapter: () => createHubSpotAdapter({ accessToken: 'test-token', basePath: emulator.url }),
 *   backend: { ... read the emulator's state directly ... },
 * });
 * ```
 *
 * The suite checks what the adapter wrote through the backend's own read path, never through the
 * adapter itself, so an adapter cannot pass by agreeing with itself.
 */
import {
  appendEvents,
  buildTrail,
  TrailIntegrityError,
  verifyTrail,
  type CrmAdapter,
  type ProvenanceEventInput,
  type Trail,
} from '@optintrail/core';
import { beforeEach, describe, expect, it } from 'vitest';

/** Reads the CRM's state directly (from the emulator), bypassing the adapter. */
export interface ConformanceBackend {
  /** Clears the CRM (called before each test). Custom fields may be dropped too. */
  reset(): void | Promise<void>;
  /** Whether the CRM holds a contact record for this email. */
  hasContact(email: string): boolean | Promise<boolean>;
  /**
   * The summary fields stored on the contact, by the codec's neutral keys (`consentStatus`,
   * `trailHead`, ...), or null when there is no contact.
   */
  summary(email: string): Record<string, string | null | undefined> | null | Promise<Record<string, string | null | undefined> | null>;
  /** How many timeline entries (notes, member events, event records) hold OptinTrail events for this email. */
  timelineEntryCount(email: string): number | Promise<number>;
  /** Changes the content of one stored event for this email in place (as a CRM user editing a note would). */
  tamperWithStoredEvent(email: string): void | Promise<void>;
  /** Deletes one stored event for this email that is not the last one. */
  deleteStoredEvent(email: string): void | Promise<void>;
}

export interface ConformanceOptions {
  /** Used in the describe block's title. */
  name: string;
  /** A fresh adapter (called for each test). */
  adapter: () => CrmAdapter;
  backend: ConformanceBackend;
  /** Per-test timeout, default 30 s. */
  timeoutMs?: number;
}

let sequence = 0;
/** A unique address per test run, so tests never see each other's data. */
export function uniqueEmail(prefix = 'subscriber'): string {
  sequence += 1;
  return `${prefix}.${Date.now().toString(36)}.${sequence}@example.org`;
}

/** A realistic trail: an opt-in at a trade show, data collected, a double opt-in confirmation. */
export function sampleTrail(email: string): Trail {
  const source = {
    kind: 'event',
    name: 'Salon E-commerce Paris',
    place: 'Paris, Porte de Versailles',
    phrases: { fr: 'lors du Salon E-commerce Paris', en: 'at Salon E-commerce Paris' },
  } as const;
  const events: ProvenanceEventInput[] = [
    {
      subject: email,
      at: '2012-09-19T09:30:00Z',
      type: 'consent.given',
      purpose: 'newsletter',
      channel: 'email',
      source,
      proof: { documentRef: 'badge-scan-2012-0919-4411', wording: 'Je souhaite recevoir la newsletter.' },
      actor: { kind: 'staff', id: 'booth-3', name: 'Booth staff' },
    },
    {
      subject: email,
      at: '2012-09-19T09:30:01Z',
      type: 'data.collected',
      source,
      fields: [
        { name: 'firstName', value: 'Camille' },
        { name: 'company', value: 'Boutique Éphémère' },
      ],
    },
    {
      subject: email,
      at: '2012-09-20T07:12:00Z',
      type: 'consent.confirmed',
      purpose: 'newsletter',
      channel: 'email',
      source: { kind: 'web-form', name: 'Confirmation link', url: 'https://example.org/confirm' },
      proof: { ip: '192.0.2.44', userAgent: 'Mozilla/5.0', doubleOptIn: { confirmedAt: '2012-09-20T07:12:00Z', method: 'email-link' } },
      actor: { kind: 'subject' },
    },
  ];
  return buildTrail(email, events);
}

function withdrawal(email: string): ProvenanceEventInput {
  return {
    subject: email,
    at: '2021-03-02T18:00:00Z',
    type: 'consent.withdrawn',
    purpose: 'newsletter',
    channel: 'email',
    source: { kind: 'subject', name: 'Unsubscribe link' },
    actor: { kind: 'subject' },
    reason: 'Too many emails',
  };
}

function update(email: string): ProvenanceEventInput {
  return {
    subject: email,
    at: '2019-06-01T10:00:00Z',
    type: 'data.updated',
    source: { kind: 'web-form', name: 'Preference centre', url: 'https://example.org/preferences' },
    fields: [{ name: 'company', value: 'Boutique Permanente', previousValue: 'Boutique Éphémère' }],
    actor: { kind: 'subject' },
  };
}

async function* streamOf<T>(items: T[]): AsyncGenerator<T> {
  for (const item of items) yield item;
}

export function runAdapterConformance(options: ConformanceOptions): void {
  const { backend } = options;
  const timeout = options.timeoutMs ?? 30_000;

  describe(`${options.name} adapter conformance`, () => {
    beforeEach(async () => {
      await backend.reset();
    });

    it('declares the v1 contract and an id', () => {
      const adapter = options.adapter();
      expect(adapter.specificationVersion).toBe('v1');
      expect(adapter.id).toMatch(/^[a-z0-9-]+$/);
      expect(typeof adapter.capabilities.erase).toBe('boolean');
    });

    it('creates its schema once: a second call creates nothing', { timeout }, async () => {
      const adapter = options.adapter();
      const first = await adapter.ensureSchema();
      expect(first.created.length).toBeGreaterThan(0);
      const second = await adapter.ensureSchema();
      expect(second.created).toEqual([]);
      for (const name of first.created) expect(second.existing).toContain(name);
    });

    it('pushes trails, then pulls back identical trails that verify', { timeout }, async () => {
      const adapter = options.adapter();
      await adapter.ensureSchema();
      const trails = [sampleTrail(uniqueEmail()), sampleTrail(uniqueEmail()), sampleTrail(uniqueEmail())];
      const report = await adapter.push(trails);
      expect(report.failures).toEqual([]);
      expect(report.subjectsRead).toBe(3);
      expect(report.subjectsWritten).toBe(3);
      expect(report.eventsWritten).toBe(9);
      expect(report.apiCalls).toBeGreaterThan(0);
      for (const trail of trails) {
        expect(await backend.hasContact(trail.subject)).toBe(true);
        expect(await backend.timelineEntryCount(trail.subject)).toBe(3);
        const pulled = await adapter.pull({ email: trail.subject });
        expect(pulled).toEqual(trail);
        expect(verifyTrail(pulled!).valid).toBe(true);
        const summary = await backend.summary(trail.subject);
        expect(summary?.trailHead).toBe(trail.events.at(-1)!.hash);
        expect(summary?.consentStatus ?? '').toMatch(/granted/i);
      }
    });

    it('accepts an async iterable and reports progress', { timeout }, async () => {
      const adapter = options.adapter();
      await adapter.ensureSchema();
      const trails = [sampleTrail(uniqueEmail()), sampleTrail(uniqueEmail())];
      const progress: number[] = [];
      const report = await adapter.push(streamOf(trails), { onProgress: (event) => progress.push(event.subjectsRead) });
      expect(report.subjectsWritten).toBe(2);
      expect(progress.length).toBeGreaterThan(0);
      expect(progress.at(-1)).toBe(2);
    });

    it('writes nothing the second time the same trails are pushed', { timeout }, async () => {
      const adapter = options.adapter();
      await adapter.ensureSchema();
      const trails = [sampleTrail(uniqueEmail()), sampleTrail(uniqueEmail())];
      await adapter.push(trails);
      const again = await adapter.push(trails);
      expect(again.failures).toEqual([]);
      expect(again.eventsWritten).toBe(0);
      expect(again.subjectsWritten).toBe(0);
      expect(again.subjectsUnchanged).toBe(2);
      expect(again.eventsSkipped).toBe(6);
      for (const trail of trails) expect(await backend.timelineEntryCount(trail.subject)).toBe(3);
    });

    it('writes each event once when a subject appears twice in one push', { timeout }, async () => {
      const adapter = options.adapter();
      await adapter.ensureSchema();
      const trail = sampleTrail(uniqueEmail());
      const report = await adapter.push([trail, trail]);
      expect(report.failures).toEqual([]);
      expect(await backend.timelineEntryCount(trail.subject)).toBe(3);
      expect(await adapter.pull({ email: trail.subject })).toEqual(trail);
    });

    it('appends only the new events to an existing subject', { timeout }, async () => {
      const adapter = options.adapter();
      await adapter.ensureSchema();
      const email = uniqueEmail();
      const trail = sampleTrail(email);
      await adapter.push([trail]);
      const longer = appendEvents(trail, [update(email), withdrawal(email)]);
      const report = await adapter.push([longer]);
      expect(report.failures).toEqual([]);
      expect(report.eventsWritten).toBe(2);
      expect(report.eventsSkipped).toBe(3);
      expect(await backend.timelineEntryCount(email)).toBe(5);
      expect(await adapter.pull({ email })).toEqual(longer);
    });

    it('shows a withdrawal pushed after a consent in the CRM fields', { timeout }, async () => {
      const adapter = options.adapter();
      await adapter.ensureSchema();
      const email = uniqueEmail();
      const trail = sampleTrail(email);
      await adapter.push([trail]);
      expect((await backend.summary(email))?.consentStatus ?? '').toMatch(/granted/i);
      await adapter.push([appendEvents(trail, [withdrawal(email)])]);
      const summary = await backend.summary(email);
      expect(summary?.consentStatus ?? '').toMatch(/withdrawn/i);
      expect(summary?.consentStatus ?? '').not.toMatch(/granted/i);
    });

    it('pulls an unknown subject as null', { timeout }, async () => {
      const adapter = options.adapter();
      await adapter.ensureSchema();
      expect(await adapter.pull({ email: uniqueEmail('nobody') })).toBeNull();
    });

    it('fails verification on pull when a stored event was edited in the CRM', { timeout }, async () => {
      const adapter = options.adapter();
      await adapter.ensureSchema();
      const trail = sampleTrail(uniqueEmail());
      await adapter.push([trail]);
      await backend.tamperWithStoredEvent(trail.subject);
      const error = await adapter.pull({ email: trail.subject }).then(
        () => undefined,
        (caught: unknown) => caught,
      );
      expect(TrailIntegrityError.isInstance(error)).toBe(true);
      expect(trail.events.map((event) => event.id)).toContain((error as TrailIntegrityError).eventId);
      const raw = await adapter.pull({ email: trail.subject }, { verify: false });
      expect(raw).not.toBeNull();
      expect(verifyTrail(raw!).valid).toBe(false);
    });

    it('fails verification on pull when a stored event was deleted in the CRM', { timeout }, async () => {
      const adapter = options.adapter();
      await adapter.ensureSchema();
      const trail = sampleTrail(uniqueEmail());
      await adapter.push([trail]);
      await backend.deleteStoredEvent(trail.subject);
      await expect(adapter.pull({ email: trail.subject })).rejects.toSatisfy((error: unknown) => TrailIntegrityError.isInstance(error));
    });

    it('rejects bad input before any write and still writes the good trails', { timeout }, async () => {
      const adapter = options.adapter();
      await adapter.ensureSchema();
      const good = sampleTrail(uniqueEmail());
      const tampered = sampleTrail(uniqueEmail());
      tampered.events[1]!.fields![0]!.value = 'Edited';
      const invalid = sampleTrail(uniqueEmail());
      (invalid.events[0] as { at: string }).at = '2012-02-30T00:00:00Z';
      const report = await adapter.push([tampered, good, invalid]);
      expect(report.failures.map((failure) => failure.subject).sort()).toEqual([tampered.subject, invalid.subject].sort());
      for (const failure of report.failures) expect(['integrity', 'validation']).toContain(failure.kind);
      expect(await backend.hasContact(tampered.subject)).toBe(false);
      expect(await backend.hasContact(invalid.subject)).toBe(false);
      expect(await adapter.pull({ email: good.subject })).toEqual(good);
    });

    it('refuses suppressed subjects without writing them', { timeout }, async () => {
      const adapter = options.adapter();
      await adapter.ensureSchema();
      const erased = sampleTrail(uniqueEmail('erased'));
      const kept = sampleTrail(uniqueEmail());
      const report = await adapter.push([erased, kept], { suppression: { isSuppressed: (email) => email === erased.subject } });
      expect(report.failures).toEqual([expect.objectContaining({ subject: erased.subject, kind: 'suppressed' })]);
      expect(await backend.hasContact(erased.subject)).toBe(false);
      expect(await backend.hasContact(kept.subject)).toBe(true);
    });

    it('writes nothing on a dry run but reports what it would write', { timeout }, async () => {
      const adapter = options.adapter();
      await adapter.ensureSchema();
      const trail = sampleTrail(uniqueEmail());
      const report = await adapter.push([trail], { dryRun: true });
      expect(report.eventsWritten).toBe(3);
      expect(await backend.hasContact(trail.subject)).toBe(false);
    });

    it('resumes after a cursor from an earlier report', { timeout }, async () => {
      const adapter = options.adapter();
      await adapter.ensureSchema();
      const trails = [sampleTrail(uniqueEmail()), sampleTrail(uniqueEmail()), sampleTrail(uniqueEmail())];
      const first = await adapter.push(trails.slice(0, 2));
      expect(first.cursor).toBeDefined();
      const resumed = await adapter.push(trails, { resumeAfter: first.cursor! });
      expect(resumed.subjectsRead).toBe(1);
      expect(resumed.subjectsWritten).toBe(1);
      for (const trail of trails) expect(await backend.timelineEntryCount(trail.subject)).toBe(3);
    });

    it('erases a subject with the CRM mechanism when it declares the capability', { timeout }, async () => {
      const adapter = options.adapter();
      if (!adapter.capabilities.erase || !adapter.erase) {
        expect(adapter.erase).toBeUndefined();
        return;
      }
      await adapter.ensureSchema();
      const trail = sampleTrail(uniqueEmail());
      await adapter.push([trail]);
      const receipt = await adapter.erase({ email: trail.subject }, { requestedAt: '2024-01-01T00:00:00Z', reason: 'Art. 17 request' });
      expect(receipt.adapter).toBe(adapter.id);
      expect(receipt.trailHead).toBe(trail.events.at(-1)!.hash);
      expect(JSON.stringify(receipt)).not.toContain(trail.subject);
      expect(await backend.hasContact(trail.subject)).toBe(false);
      expect(await adapter.pull({ email: trail.subject })).toBeNull();
    });
  });
}
export { createInMemoryAdapter } from './in-memory-adapter';
export type { InMemoryContact } from './in-memory-adapter';
export { runRightsConformance, rightsTrail, hostileTrail } from './rights-suite';
export type { RightsBackend, RightsConformanceOptions } from './rights-suite';
