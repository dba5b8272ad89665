/**
 * The data subject rights suite (GDPR Art. 15, 16, 17): what every adapter that declares `erase` and
 * `rectify` must do, checked through the CRM's own state (the emulator), never through the adapter.
 *
 * ```ts
 * runRightsConformance({
 *   name: 'hubspot',
 *   label: 'HubSpot',
 *   adapter: () => createHubSpotAdapter({ accessToken: 'test-token', basePath: emulator.url }),
 *   backend: { ... read the emulator's state directly ... },
 * });
 * ```
 */
import {
  accessReportFromAdapters,
  appendEvents,
  assembleTrail,
  buildTrail,
  createSuppressionList,
  eraseEverywhere,
  renderAccessReportHtml,
  renderAccessReportText,
  suppressionFingerprint,
  ValidationError,
  verifyTrail,
  type CrmAdapter,
  type ProvenanceEvent,
  type ProvenanceEventInput,
  type Source,
  type Trail,
} from '@optintrail/core';
import { beforeEach, describe, expect, it } from 'vitest';
import { createInMemoryAdapter } from './in-memory-adapter';

/** Reads the CRM's state directly (from the emulator), bypassing the adapter. */
export interface RightsBackend {
  /** Clears the CRM (called before each test). */
  reset(): void | Promise<void>;
  /** Whether the CRM holds a live contact record for this email. */
  hasContact(email: string): boolean | Promise<boolean>;
  /**
   * The value the CRM's own field shows for a neutral field name, e.g. `firstName` → HubSpot's
   * `firstname` property, Mailchimp's `FNAME` merge field, Salesforce's `FirstName`. `null`,
   * `undefined` or `''` when empty or when there is no contact.
   */
  fieldValue(email: string, field: string): string | null | undefined | Promise<string | null | undefined>;
  /** Every OptinTrail event the CRM's timeline holds for this email, decoded from the stored entries themselves. */
  storedEvents(email: string): ProvenanceEvent[] | Promise<ProvenanceEvent[]>;
  /**
   * True once the CRM's own erasure mechanism ran for this address: HubSpot lists it among its
   * GDPR-deleted emails, Mailchimp among its permanently deleted (forgotten) addresses, Salesforce
   * shows the record and its event records deleted.
   */
  erasedByCrm(email: string): boolean | Promise<boolean>;
  /** How many HTTP requests the CRM has answered so far (to show that a refused push sent nothing). */
  requestCount(): number | Promise<number>;
}

export interface RightsConformanceOptions {
  /** Used in the describe block's title. */
  name: string;
  /** A fresh adapter (called for each test). It must declare and provide `erase` and `rectify`. */
  adapter: () => CrmAdapter;
  backend: RightsBackend;
  /** The name access reports give this CRM, e.g. `HubSpot`. */
  label: string;
  /** The neutral field the rectification tests correct; the CRM must keep it in a field of its own. Default `firstName`. */
  rectifiedField?: string;
  /** Per-test timeout, default 30 s. */
  timeoutMs?: number;
}

const GENERATED_AT = '2024-03-01T10:00:00Z';
const SUPPRESSION_KEY = 'rights-suite-suppression-key-0123456789';
const CONFIRMATION_IP = '192.0.2.44';
const ERASURE_REQUEST = { requestedAt: '2024-03-01T09:00:00Z', requestedBy: 'dpo-desk', reason: 'Art. 17 request, ticket 4411' };
const STAFF = { kind: 'staff' as const, id: 'u-42', name: 'Jean Dupont' };

let sequence = 0;
/** A unique address per test, so tests never see each other's data. */
function rightsEmail(prefix = 'rights'): string {
  sequence += 1;
  return `${prefix}.${Date.now().toString(36)}.${sequence}@example.org`;
}

const SALON: Source = { kind: 'event', name: 'Salon E-commerce Paris', place: 'Paris, Porte de Versailles' };
const PREFERENCES: Source = { kind: 'web-form', name: 'Preference centre', url: 'https://example.org/preferences' };

/** An opt-in at a trade show with its proof, data collected there, a double opt-in, a later change of company. */
export function rightsTrail(email: string): Trail {
  const events: ProvenanceEventInput[] = [
    {
      subject: email,
      at: '2012-09-19T09:30:00Z',
      type: 'consent.given',
      purpose: 'newsletter',
      channel: 'email',
      source: SALON,
      proof: { documentRef: 'badge-scan-2012-0919-4411', wording: 'Je souhaite recevoir la newsletter.' },
      actor: { kind: 'staff', id: 'booth-3', name: 'Booth staff' },
    },
    {
      subject: email,
      at: '2012-09-19T09:30:01Z',
      type: 'data.collected',
      source: SALON,
      fields: [
        { name: 'firstName', value: 'Camille' },
        { name: 'lastName', value: 'Martin' },
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
      proof: { ip: CONFIRMATION_IP, userAgent: 'Mozilla/5.0', doubleOptIn: { confirmedAt: '2012-09-20T07:12:00Z', method: 'email-link' } },
      actor: { kind: 'subject' },
    },
    {
      subject: email,
      at: '2019-06-01T10:00:00Z',
      type: 'data.updated',
      source: PREFERENCES,
      fields: [{ name: 'company', value: 'Boutique Permanente', previousValue: 'Boutique Éphémère' }],
      actor: { kind: 'subject' },
    },
  ];
  return buildTrail(email, events);
}

const HOSTILE = `<script>alert("x")</script> & 'quotes' "double" \u202Egnp.exe <img src=x onerror=alert(1)>`;

/** Markup, quotes and bidi controls in every free-text place a trail has. */
export function hostileTrail(email: string): Trail {
  return buildTrail(email, [
    {
      subject: email,
      at: '2020-01-01T00:00:00Z',
      type: 'consent.given',
      purpose: 'newsletter',
      channel: 'email',
      source: { kind: 'web-form', name: HOSTILE, url: 'https://evil.example/?q=<script>alert(1)</script>&x="y"', campaign: `\u200Fحملة ${HOSTILE}` },
      actor: { kind: 'staff', name: `O'Brien "the admin" \u202Enimda` },
      proof: { ip: '203.0.113.9', userAgent: HOSTILE, formUrl: 'https://evil.example/"><script>', wording: `${HOSTILE}\nsecond line </bdi><script>` },
    },
    {
      subject: email,
      at: '2020-01-01T00:00:01Z',
      type: 'data.collected',
      source: { kind: 'import', name: `\u200Fقائمة ${HOSTILE}` },
      fields: [
        { name: 'firstName', value: `"><script>alert(1)</script>` },
        { name: 'lastName', value: '\u202Eevil</bdi>\u200F' },
      ],
    },
  ]);
}

async function* once<T>(item: T): AsyncGenerator<T> {
  yield item;
}

export function runRightsConformance(options: RightsConformanceOptions): void {
  const { backend } = options;
  const timeout = options.timeoutMs ?? 30_000;
  const field = options.rectifiedField ?? 'firstName';
  const labelled = (adapter: CrmAdapter) => [{ label: options.label, adapter }];

  async function pushed(adapter: CrmAdapter, trail: Trail): Promise<void> {
    await adapter.ensureSchema();
    const report = await adapter.push(once(trail));
    expect(report.failures).toEqual([]);
    expect(await backend.hasContact(trail.subject)).toBe(true);
  }

  describe(`${options.name} data subject rights`, () => {
    beforeEach(async () => {
      await backend.reset();
    });

    it('declares erase and rectify, and provides both', () => {
      const adapter = options.adapter();
      expect(adapter.capabilities).toMatchObject({ erase: true, rectify: true });
      expect(typeof adapter.erase).toBe('function');
      expect(typeof adapter.rectify).toBe('function');
    });

    it('access: the report from the pulled trail gives every field its source and every consent its proof', { timeout }, async () => {
      const adapter = options.adapter();
      const trail = rightsTrail(rightsEmail());
      await pushed(adapter, trail);
      const { report, trails, empty, unverified } = await accessReportFromAdapters(labelled(adapter), trail.subject, { generatedAt: GENERATED_AT, controller: { name: 'Exemple SAS', contact: 'dpo@exemple.fr' } });
      expect(empty).toEqual([]);
      expect(unverified).toEqual([]);
      expect(trails[0]!.trail).toEqual(trail);
      const [section] = report.sections;
      expect(section!.label).toBe(options.label);
      expect(section!.verification).toMatchObject({ valid: true, length: 4 });
      expect(section!.eventCount).toBe(4);

      // Every source named by the report is the one the CRM stored with that event.
      const stored = new Map((await backend.storedEvents(trail.subject)).map((event) => [event.id, event]));
      expect(stored.size).toBe(4);
      const storedFieldNames = new Set([...stored.values()].flatMap((event) => (event.fields ?? []).map((change) => change.name)));
      expect(section!.fields.map((entry) => entry.name).sort()).toEqual([...storedFieldNames].sort());
      for (const entry of section!.fields) {
        for (const origin of [entry.origin, entry.lastChange, ...entry.changes]) {
          expect(stored.get(origin.eventId)?.source).toEqual(origin.source);
          expect(origin.source.name.length).toBeGreaterThan(0);
        }
      }
      const company = section!.fields.find((entry) => entry.name === 'company')!;
      expect(company.changes.map((change) => [change.value, change.source.name])).toEqual([
        ['Boutique Éphémère', 'Salon E-commerce Paris'],
        ['Boutique Permanente', 'Preference centre'],
      ]);
      expect(section!.sources.map((source) => source.name)).toEqual(['Salon E-commerce Paris', 'Confirmation link', 'Preference centre']);

      // Each consent with its proof, as stored.
      const newsletter = section!.consents.find((consent) => consent.purpose === 'newsletter' && consent.channel === 'email')!;
      expect(newsletter).toMatchObject({ status: 'granted', strength: 'double-opt-in', lawfulBasis: 'consent' });
      expect(newsletter.granted?.proof).toEqual(stored.get(newsletter.granted!.eventId)?.proof);
      expect(newsletter.granted?.proof?.documentRef).toBe('badge-scan-2012-0919-4411');
      expect(newsletter.confirmed?.proof).toEqual(stored.get(newsletter.confirmed!.eventId)?.proof);
      expect(newsletter.confirmed?.proof).toMatchObject({ ip: CONFIRMATION_IP, doubleOptIn: { method: 'email-link' } });

      const text = renderAccessReportText(report, { locale: 'en', timeZone: 'Europe/Paris' });
      expect(text).toContain(`Held in ${options.label}`);
      expect(text).toContain('Collected: 19 September 2012 at 11:30 CEST, from Salon E-commerce Paris (event, Paris, Porte de Versailles)');
      expect(text).toContain('Preference centre');
      expect(text).toContain('badge-scan-2012-0919-4411');
      const french = renderAccessReportText(report, { locale: 'fr', timeZone: 'Europe/Paris' });
      expect(french).toContain('Salon E-commerce Paris (événement, Paris, Porte de Versailles)');
      expect(french).toContain('double opt-in');
    });

    it('access: this CRM and another store at once, one labelled section each', { timeout }, async () => {
      const adapter = options.adapter();
      const archive = createInMemoryAdapter();
      const trail = rightsTrail(rightsEmail());
      await pushed(adapter, trail);
      const other = appendEvents(trail, [{ subject: trail.subject, at: '2021-01-01T00:00:00Z', type: 'data.updated', source: { kind: 'import', name: 'Archive import' }, fields: [{ name: 'city', value: 'Lyon' }] }]);
      await archive.push([other]);
      const result = await accessReportFromAdapters([...labelled(adapter), { label: 'Archive', adapter: archive }], trail.subject, { generatedAt: GENERATED_AT });
      expect(result.report.sections).toHaveLength(2);
      const [crm, kept] = result.report.sections;
      expect(crm!.label).toBe(options.label);
      expect(kept!.label).toBe('Archive');
      expect(crm!.fields.map((entry) => entry.name)).not.toContain('city');
      expect(kept!.fields.find((entry) => entry.name === 'city')?.origin.source.name).toBe('Archive import');
      const text = renderAccessReportText(result.report, { locale: 'en' });
      expect(text.indexOf(`Held in ${options.label}`)).toBeGreaterThan(-1);
      expect(text.indexOf('Held in Archive')).toBeGreaterThan(text.indexOf(`Held in ${options.label}`));
    });

    it('access: hostile data read back from the CRM is escaped in the HTML report and isolated in the text', { timeout }, async () => {
      const adapter = options.adapter();
      const trail = hostileTrail(rightsEmail('hostile'));
      await pushed(adapter, trail);
      const { report, trails } = await accessReportFromAdapters(labelled(adapter), trail.subject, { generatedAt: GENERATED_AT });
      expect(trails[0]!.trail).toEqual(trail);
      for (const locale of ['fr', 'en'] as const) {
        const html = renderAccessReportHtml(report, { locale, timeZone: 'Europe/Paris' });
        expect(html).not.toMatch(/<script/i);
        expect(html).not.toMatch(/<img/i);
        expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;quotes&#39; &quot;double&quot;');
        expect(html).toContain('O&#39;Brien &quot;the admin&quot;');
        // Balanced isolates: a value holding "</bdi>" cannot close its own early.
        expect((html.match(/<bdi[\s>]/g) ?? []).length).toBe((html.match(/<\/bdi>/g) ?? []).length);
        const body = html.slice(html.indexOf('<body>'));
        for (const match of body.matchAll(/[\u200f\u202e]/g)) {
          const before = body.slice(0, match.index);
          expect(before.lastIndexOf('<bdi')).toBeGreaterThan(before.lastIndexOf('</bdi>'));
        }
      }
      const text = renderAccessReportText(report, { locale: 'en' });
      expect(text).toContain('\u2068\u202Eevil</bdi>\u200F\u2069');
    });

    it('rectify: a data.rectified event with reason and actor, written to the CRM field and the timeline; the old value stays as history', { timeout }, async () => {
      const adapter = options.adapter();
      const trail = rightsTrail(rightsEmail());
      await pushed(adapter, trail);
      const rectified = await adapter.rectify!({ email: trail.subject }, { field, value: 'Camilla', reason: 'Misspelt at the booth; corrected at her request', at: '2024-02-01T12:00:00Z', actor: STAFF });

      expect(rectified.events).toHaveLength(trail.events.length + 1);
      expect(rectified.events.slice(0, trail.events.length)).toEqual(trail.events);
      expect(verifyTrail(rectified).valid).toBe(true);

      // What the CRM holds, read from its own state.
      expect(await backend.fieldValue(trail.subject, field)).toBe('Camilla');
      const stored = await backend.storedEvents(trail.subject);
      expect(stored).toHaveLength(trail.events.length + 1);
      const correction = stored.find((event) => event.type === 'data.rectified');
      expect(correction).toMatchObject({ reason: 'Misspelt at the booth; corrected at her request', actor: STAFF, fields: [{ name: field, value: 'Camilla', previousValue: 'Camille' }] });
      const collected = stored.find((event) => event.type === 'data.collected');
      expect(collected?.fields?.find((change) => change.name === field)?.value).toBe('Camille');
      const rebuilt = assembleTrail(trail.subject, stored);
      expect(verifyTrail(rebuilt, { expectedHead: rectified.events.at(-1)!.hash }).valid).toBe(true);
      expect(rebuilt).toEqual(rectified);

      expect(await adapter.pull({ email: trail.subject })).toEqual(rectified);
      const { report } = await accessReportFromAdapters(labelled(adapter), trail.subject, { generatedAt: GENERATED_AT });
      const entry = report.sections[0]!.fields.find((candidate) => candidate.name === field)!;
      expect(entry.value).toBe('Camilla');
      expect(entry.changes.map((change) => [change.type, change.previousValue ?? null, change.value])).toEqual([
        ['data.collected', null, 'Camille'],
        ['data.rectified', 'Camille', 'Camilla'],
      ]);
      expect(entry.changes[1]).toMatchObject({ reason: 'Misspelt at the booth; corrected at her request', actor: STAFF });
    });

    it('rectify: refuses a correction without a reason and writes nothing', { timeout }, async () => {
      const adapter = options.adapter();
      const trail = rightsTrail(rightsEmail());
      await pushed(adapter, trail);
      const fieldBefore = await backend.fieldValue(trail.subject, field);
      const error = await adapter.rectify!({ email: trail.subject }, { field, value: 'Camilla', reason: '', at: '2024-02-01T12:00:00Z', actor: STAFF }).then(
        () => undefined,
        (caught: unknown) => caught,
      );
      expect(ValidationError.isInstance(error)).toBe(true);
      expect((error as ValidationError).issues.some((issue) => /(^|\.)reason$/.test(issue.path))).toBe(true);
      expect(await backend.fieldValue(trail.subject, field)).toBe(fieldBefore);
      expect(await backend.storedEvents(trail.subject)).toHaveLength(trail.events.length);
    });

    it('rectify: refuses a subject the CRM does not hold, without creating it', { timeout }, async () => {
      const adapter = options.adapter();
      await adapter.ensureSchema();
      const email = rightsEmail('unknown');
      await expect(adapter.rectify!({ email }, { field, value: 'Camilla', reason: 'Typo', at: '2024-02-01T12:00:00Z', actor: STAFF })).rejects.toThrow();
      expect(await backend.hasContact(email)).toBe(false);
    });

    it("erase: the CRM's own mechanism, a receipt without personal data, and a suppression fingerprint", { timeout }, async () => {
      const adapter = options.adapter();
      const trail = rightsTrail(rightsEmail());
      await pushed(adapter, trail);
      const suppression = createSuppressionList({ key: SUPPRESSION_KEY });
      const result = await eraseEverywhere(labelled(adapter), trail.subject, { suppression, request: ERASURE_REQUEST });

      expect(result.complete).toBe(true);
      expect(result.failures).toEqual([]);
      expect(result.receipts).toHaveLength(1);
      const [receipt] = result.receipts;
      expect(receipt!.adapter).toBe(adapter.id);
      expect(receipt!.trailHead).toBe(trail.events.at(-1)!.hash);
      expect(receipt!.removed.length).toBeGreaterThan(0);
      expect(receipt!.mechanism.length).toBeGreaterThan(0);
      expect(Number.isNaN(Date.parse(receipt!.erasedAt))).toBe(false);
      const kept = JSON.stringify({ fingerprint: result.fingerprint, receipts: result.receipts });
      for (const personal of [trail.subject, trail.subject.split('@')[0]!, 'Camille', 'Martin', 'Boutique', CONFIRMATION_IP]) expect(kept).not.toContain(personal);

      expect(result.fingerprint).toBe(suppressionFingerprint(trail.subject, SUPPRESSION_KEY));
      expect(suppression.isSuppressed(` ${trail.subject.toUpperCase()} `)).toBe(true);

      // Gone from the CRM, by the CRM's own mechanism.
      expect(await backend.erasedByCrm(trail.subject)).toBe(true);
      expect(await backend.hasContact(trail.subject)).toBe(false);
      expect(await backend.storedEvents(trail.subject)).toEqual([]);
      expect(await adapter.pull({ email: trail.subject })).toBeNull();
      const after = await accessReportFromAdapters(labelled(adapter), trail.subject, { generatedAt: GENERATED_AT });
      expect(after.empty).toEqual([options.label]);
    });

    it('erase: pushing the erased subject again is refused with a clear error, and nothing is written', { timeout }, async () => {
      const adapter = options.adapter();
      const trail = rightsTrail(rightsEmail());
      await pushed(adapter, trail);
      const suppression = createSuppressionList({ key: SUPPRESSION_KEY });
      await eraseEverywhere(labelled(adapter), trail.subject, { suppression, request: ERASURE_REQUEST });
      // The fingerprints are what a sender keeps: reload them as a later sync would.
      const reloaded = createSuppressionList({ key: SUPPRESSION_KEY, fingerprints: suppression.fingerprints });

      const requestsBefore = await backend.requestCount();
      const refused = await adapter.push([trail], { suppression: reloaded });
      expect(refused.failures).toEqual([{ subject: trail.subject, kind: 'suppressed', reason: expect.stringMatching(/erased/) }]);
      expect(refused).toMatchObject({ subjectsWritten: 0, eventsWritten: 0, failed: 1 });
      expect(await backend.requestCount()).toBe(requestsBefore);
      expect(await backend.hasContact(trail.subject)).toBe(false);

      // A fresh import of the same person (another case, new events) next to someone else: only the other is written.
      const reimport = rightsTrail(` ${trail.subject.toUpperCase()}`);
      const newcomer = rightsTrail(rightsEmail('newcomer'));
      const mixed = await adapter.push([reimport, newcomer], { suppression: reloaded });
      expect(mixed.failures).toEqual([expect.objectContaining({ subject: trail.subject, kind: 'suppressed' })]);
      expect(mixed.subjectsWritten).toBe(1);
      expect(await backend.hasContact(trail.subject)).toBe(false);
      expect(await backend.storedEvents(trail.subject)).toEqual([]);
      expect(await backend.hasContact(newcomer.subject)).toBe(true);
    });

    it('erase: a subject the CRM does not hold gets an empty receipt and is still suppressed', { timeout }, async () => {
      const adapter = options.adapter();
      await adapter.ensureSchema();
      const email = rightsEmail('never-imported');
      const suppression = createSuppressionList({ key: SUPPRESSION_KEY });
      const result = await eraseEverywhere(labelled(adapter), email, { suppression, request: ERASURE_REQUEST });
      expect(result.complete).toBe(true);
      expect(result.receipts[0]).toMatchObject({ adapter: adapter.id, removed: [], trailHead: null });
      expect(JSON.stringify(result.receipts)).not.toContain(email.split('@')[0]!);
      expect(suppression.isSuppressed(email)).toBe(true);
      expect(await backend.hasContact(email)).toBe(false);
    });
  });
}
