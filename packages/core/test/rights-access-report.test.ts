import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildTrail, foldTrail, ValidationError, type ProvenanceEventInput, type Trail } from '../src/index';
import { buildAccessReport } from '../src/rights/access-report';
import { renderAccessReportHtml } from '../src/rights/access-report-html';
import { renderAccessReportText } from '../src/rights/access-report-text';
import { applyRectification } from '../src/rights/rectification';
import { anyTrailArbitrary, seededRandomBytes } from './arbitraries';
import { salonEvents, SALON_EMAIL } from './fixtures';

const generatedAt = '2024-03-01T10:00:00Z';
const controller = { name: 'Exemple SAS', contact: 'dpo@exemple.fr' };

function salonTrail(): Trail {
  const trail = buildTrail(
    SALON_EMAIL,
    [
      ...salonEvents(),
      {
        subject: SALON_EMAIL,
        at: '2015-03-01T10:00:00Z',
        type: 'consent.given',
        purpose: 'offers',
        channel: 'sms',
        source: { kind: 'web-form', name: 'Offers by SMS', url: 'https://example.fr/sms' },
        proof: {
          ip: '203.0.113.9',
          userAgent: 'Mozilla/5.0 (X11; Linux x86_64)',
          formUrl: 'https://example.fr/sms',
          formVersion: 'v3',
          wording: 'Yes, send me\noffers by SMS.',
          doubleOptIn: { confirmedAt: '2015-03-01T10:05:00Z', method: 'sms-code' },
        },
      },
      { subject: SALON_EMAIL, at: '2019-05-01T08:00:00Z', type: 'subject.access-requested', source: { kind: 'subject', name: 'Email to the DPO' } },
    ],
    { randomBytes: seededRandomBytes(1) },
  );
  return applyRectification(trail, { field: 'city', value: 'Lille', reason: 'Moved; corrected at her request', at: '2020-01-02T10:00:00Z', actor: { kind: 'staff', name: 'Jean Dupont' } }, { randomBytes: seededRandomBytes(2) });
}

describe('buildAccessReport', () => {
  it('gives every field its current value, its origin and every change with source, actor and reason', () => {
    const report = buildAccessReport({ label: 'HubSpot', trail: salonTrail() }, { generatedAt, controller });
    expect(report.format).toBe('optintrail.access-report/1');
    expect(report.subject).toBe(SALON_EMAIL);
    expect(report.generatedAt).toBe('2024-03-01T10:00:00.000Z');
    expect(report.controller).toEqual(controller);
    const [section] = report.sections;
    expect(section!.label).toBe('HubSpot');
    expect(section!.verification).toMatchObject({ valid: true, length: 5 });
    const city = section!.fields.find((field) => field.name === 'city')!;
    expect(city.value).toBe('Lille');
    expect(city.origin.source.name).toBe('Salon E-commerce Paris');
    expect(city.origin.at).toBe('2012-09-19T09:30:00.000Z');
    expect(city.lastChange.at).toBe('2020-01-02T10:00:00.000Z');
    expect(city.changes.map((change) => [change.type, change.value, change.previousValue])).toEqual([
      ['data.collected', 'Lyon', undefined],
      ['data.rectified', 'Lille', 'Lyon'],
    ]);
    expect(city.changes[1]).toMatchObject({ actor: { kind: 'staff', name: 'Jean Dupont' }, reason: 'Moved; corrected at her request', source: { kind: 'crm-user' } });
    expect(section!.requests.map((request) => request.type)).toEqual(['subject.access-requested']);
    expect(section!.sources.map((source) => source.name)).toEqual(['Salon E-commerce Paris', 'Offers by SMS', 'Email to the DPO', 'Rectification request (GDPR Art. 16)']);
  });

  it('gives every consent its status, since, origin, proof and strength', () => {
    const report = buildAccessReport(salonTrail(), { generatedAt });
    const offers = report.sections[0]!.consents.find((consent) => consent.purpose === 'offers')!;
    expect(offers).toMatchObject({ channel: 'sms', status: 'granted', since: '2015-03-01T10:00:00.000Z', strength: 'double-opt-in', lawfulBasis: 'consent' });
    expect(offers.granted?.proof).toMatchObject({ ip: '203.0.113.9', formVersion: 'v3', doubleOptIn: { method: 'sms-code' } });
    const newsletter = report.sections[0]!.consents.find((consent) => consent.purpose === 'newsletter')!;
    expect(newsletter.strength).toBe('single-opt-in');
    expect(newsletter.granted?.proof?.documentRef).toBe('badge-scan-4411');
  });

  it('is plain JSON: it survives a JSON round trip unchanged', () => {
    const report = buildAccessReport([{ label: 'HubSpot', trail: salonTrail() }, { label: 'Mailchimp', trail: buildTrail(SALON_EMAIL, salonEvents()) }], { generatedAt, controller });
    expect(JSON.parse(JSON.stringify(report))).toEqual(report);
    expect(report.sections.map((section) => section.label)).toEqual(['HubSpot', 'Mailchimp']);
  });

  it('reports a tampered trail with its problem instead of hiding it', () => {
    const trail = salonTrail();
    const tampered = structuredClone(trail);
    tampered.events[1]!.source = { ...tampered.events[1]!.source, name: 'Somewhere else' };
    const section = buildAccessReport(tampered, { generatedAt }).sections[0]!;
    expect(section.verification).toMatchObject({ valid: false, problem: 'content-mismatch', index: 1 });
    expect(renderAccessReportText(buildAccessReport(tampered, { generatedAt }), { locale: 'en' })).toContain('Integrity check failed at entry 2');
  });

  it('refuses trails of different people and duplicate labels', () => {
    const other = buildTrail('someone@example.org', []);
    expect(() => buildAccessReport([salonTrail(), other], { generatedAt })).toThrow(ValidationError);
    expect(() => buildAccessReport([{ label: 'A', trail: salonTrail() }, { label: 'A', trail: salonTrail() }], { generatedAt })).toThrow(/used twice/);
  });

  it('lists the source of every field for any trail, in the JSON and in both renderings', () => {
    fc.assert(
      fc.property(anyTrailArbitrary({ maxEvents: 6 }), (trail) => {
        const state = foldTrail(trail);
        const report = buildAccessReport({ label: 'CRM', trail }, { generatedAt });
        const fields = report.sections[0]!.fields;
        expect(fields.map((field) => field.name).sort()).toEqual(Object.keys(state.fields).sort());
        for (const field of fields) {
          expect(field.origin.source).toEqual(state.fields[field.name]!.origin.source);
          expect(field.changes).toHaveLength(state.fields[field.name]!.history.length);
          for (const change of field.changes) expect(change.source.name.length).toBeGreaterThan(0);
        }
        const html = renderAccessReportHtml(report, { locale: 'fr', timeZone: 'Europe/Paris' });
        const text = renderAccessReportText(report, { locale: 'en', timeZone: 'UTC' });
        // Every field row names where its value was collected.
        const textRows = text.split('\n').filter((line) => line.startsWith('  Collected: '));
        expect(textRows).toHaveLength(fields.length);
        expect((html.match(/<tr>/g) ?? []).length).toBe(fields.length + (fields.length > 0 ? 1 : 0));
      }),
      { numRuns: 60 },
    );
  });
});

describe('renderAccessReportText', () => {
  it('reads naturally in French and English', () => {
    const report = buildAccessReport({ label: 'HubSpot', trail: salonTrail() }, { generatedAt, controller });
    const fr = renderAccessReportText(report, { locale: 'fr', timeZone: 'Europe/Paris', fieldNames: { city: 'Ville' } });
    expect(fr).toContain('Vos données personnelles et leur provenance');
    expect(fr).toContain('Rapport établi le 1 mars 2024 à 11:00');
    expect(fr).toContain('Ville\n  Valeur détenue\u00a0: Lille');
    expect(fr).toContain('Collecte\u00a0: 19 septembre 2012 à 11:30 UTC+2, provenance : Salon E-commerce Paris (événement, Paris, Porte de Versailles)');
    expect(fr).toContain('rectification\u00a0: Lyon → Lille');
    expect(fr).toContain('par un membre de notre équipe (Jean Dupont) — motif : Moved; corrected at her request');
    expect(fr).toContain('Force de la preuve\u00a0: confirmé par vous (double opt-in)');
    expect(fr).toContain('Confirmé par vous (double opt-in) le 1 mars 2015 à 11:05 UTC+1\u00a0: par un code reçu par SMS');
    const en = renderAccessReportText(report, { locale: 'en', timeZone: 'Europe/Paris' });
    expect(en).toContain('Your personal data and where it came from');
    expect(en).toContain('Collected: 19 September 2012 at 11:30 CEST, from Salon E-commerce Paris (event, Paris, Porte de Versailles)');
    expect(en).toContain('You opted in on 19 September 2012 at 11:30 CEST, Salon E-commerce Paris');
    expect(en).toContain('offers — SMS\n  Given, in force since 1 March 2015 at 11:00 CET');
    expect(en).toContain('  Wording you were shown:\n      Yes, send me\n      offers by SMS.');
    expect(en).toContain('request for access to your data');
  });

  it('shows a withdrawal with when, where and why', () => {
    const trail = buildTrail(SALON_EMAIL, [
      ...salonEvents(),
      { subject: SALON_EMAIL, at: '2020-01-01T12:00:00Z', type: 'consent.withdrawn', purpose: 'newsletter', channel: 'email', source: { kind: 'subject', name: 'Unsubscribe link' }, reason: 'Too many emails' },
    ]);
    const text = renderAccessReportText(buildAccessReport(trail, { generatedAt }), { locale: 'en', purposeNames: { newsletter: 'The monthly letter' } });
    expect(text).toContain('The monthly letter — email\n  Withdrawn since 1 January 2020 at 12:00 UTC');
    expect(text).toContain('You withdrew it on 1 January 2020 at 12:00 UTC, Unsubscribe link (yourself) — reason: Too many emails');
    expect(text).not.toContain('Strength of the evidence');
  });

  it('shows redacted values as [effacé] / [erased]', () => {
    const trail = applyRectification(salonTrail(), { field: 'firstName', value: 'Camilla', reason: 'Typo', at: '2021-01-01T00:00:00Z', actor: { kind: 'subject' } }, { redactPrevious: true });
    const report = buildAccessReport(trail, { generatedAt });
    expect(renderAccessReportText(report, { locale: 'fr' })).toContain('rectification\u00a0: [effacé] → Camilla');
    expect(renderAccessReportText(report, { locale: 'en' })).toContain('collected: [erased]');
    expect(renderAccessReportText(report, { locale: 'en' })).not.toContain('Camille');
  });

  it('isolates right-to-left values so they cannot reorder the line', () => {
    const trail = buildTrail(SALON_EMAIL, [{ ...salonEvents()[1]!, fields: [{ name: 'firstName', value: 'abc\u202Edef' }] } as ProvenanceEventInput]);
    const text = renderAccessReportText(buildAccessReport(trail, { generatedAt }), { locale: 'en' });
    expect(text).toContain('\u2068abc\u202Edef\u2069');
  });

  it('refuses an unknown locale or time zone', () => {
    const report = buildAccessReport(salonTrail(), { generatedAt });
    expect(() => renderAccessReportText(report, { locale: 'de' as 'fr' })).toThrow(ValidationError);
    expect(() => renderAccessReportText(report, { locale: 'fr', timeZone: 'Mars/Olympus' })).toThrow(/time zone/);
  });
});

describe('renderAccessReportHtml', () => {
  const ALLOWED_TAGS = new Set(['!doctype', 'html', 'head', 'meta', 'title', 'style', 'body', 'main', 'section', 'h1', 'h2', 'h3', 'h4', 'p', 'ul', 'li', 'dl', 'div', 'dt', 'dd', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'bdi']);

  const ALLOWED_ATTRIBUTES = new Set(['lang', 'dir', 'charset', 'name', 'content', 'http-equiv', 'class', 'scope', 'colspan', 'html']);

  /** Every tag in the page is one the renderer writes, with only the attributes it writes. */
  function expectOnlyOwnMarkup(html: string) {
    for (const match of html.matchAll(/<\/?([a-zA-Z!][a-zA-Z0-9]*)([^>]*)>/g)) {
      expect(ALLOWED_TAGS).toContain(match[1]!.toLowerCase());
      for (const attribute of match[2]!.matchAll(/([a-zA-Z-]+)(?:="[^"]*")?/g)) expect(ALLOWED_ATTRIBUTES).toContain(attribute[1]!.toLowerCase());
    }
  }

  /** Every bidi control from data sits inside a <bdi> element, or inside isolates in the title. */
  function expectOverridesIsolated(html: string) {
    const body = html.slice(html.indexOf('<body>'));
    for (const match of body.matchAll(/[\u202a-\u202e]/g)) {
      const before = body.slice(0, match.index);
      expect(before.lastIndexOf('<bdi')).toBeGreaterThan(before.lastIndexOf('</bdi>'));
    }
  }

  const hostile = `<script>alert("x")</script> & 'quotes' "double" \u202Egnp.exe <img src=x onerror=alert(1)>`;

  function hostileTrail(): Trail {
    return buildTrail(SALON_EMAIL, [
      {
        subject: SALON_EMAIL,
        at: '2020-01-01T00:00:00Z',
        type: 'consent.given',
        purpose: 'newsletter',
        channel: 'email',
        source: { kind: 'web-form', name: hostile, place: hostile, url: 'https://evil.example/?q=<script>alert(1)</script>&x="y"', campaign: hostile, partner: hostile },
        actor: { kind: 'staff', name: hostile },
        proof: { ip: '203.0.113.9', userAgent: hostile, formUrl: 'https://evil.example/"><script>', formVersion: hostile, wording: `${hostile}\nsecond line </bdi><script>`, documentRef: hostile },
      },
      {
        subject: SALON_EMAIL,
        at: '2020-01-01T00:00:00Z',
        type: 'data.collected',
        source: { kind: 'import', name: hostile },
        fields: [
          { name: 'firstName', value: hostile },
          { name: 'lastName', value: '\u202Eevil</bdi><script>alert(1)</script>' },
        ],
      },
      {
        subject: SALON_EMAIL,
        at: '2021-01-01T00:00:00Z',
        type: 'data.rectified',
        source: { kind: 'crm-user', name: hostile },
        reason: hostile,
        fields: [{ name: 'firstName', value: 'Camille', previousValue: hostile }],
      },
    ]);
  }

  it('escapes hostile data everywhere: no markup, quote or override escapes its place', () => {
    const report = buildAccessReport({ label: `HubSpot ${hostile}`, trail: hostileTrail() }, { generatedAt, controller: { name: hostile, contact: hostile } });
    for (const locale of ['fr', 'en'] as const) {
      const html = renderAccessReportHtml(report, { locale, timeZone: 'Europe/Paris', fieldNames: { firstName: hostile }, purposeNames: { newsletter: hostile } });
      expect(html).not.toMatch(/<script/i);
      expect(html).not.toMatch(/<img/i);
      expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;quotes&#39; &quot;double&quot;');
      expectOnlyOwnMarkup(html);
      expectOverridesIsolated(html);
      // Balanced <bdi>: a value holding "</bdi>" cannot close its isolate early.
      expect((html.match(/<bdi[\s>]/g) ?? []).length).toBe((html.match(/<\/bdi>/g) ?? []).length);
    }
  });

  it('is a complete printable page with the lang attribute, inline print styles and no script', () => {
    const html = renderAccessReportHtml(buildAccessReport({ label: 'HubSpot', trail: salonTrail() }, { generatedAt, controller }), { locale: 'fr', timeZone: 'Europe/Paris' });
    expect(html.startsWith('<!DOCTYPE html>\n<html lang="fr"')).toBe(true);
    expect(html).toContain('<meta charset="utf-8">');
    expect(html).toContain('@media print');
    expect(html).toContain('<title>Vos données personnelles et leur provenance — camille.martin@example.fr</title>');
    expect(html).toContain('<th scope="row"><bdi>city</bdi></th><td><bdi>Lille</bdi></td>');
    expect(html).toContain('<bdi class="block">Yes, send me\noffers by SMS.</bdi>');
    expect(html.trimEnd().endsWith('</html>')).toBe(true);
  });

  it('keeps any generated data inside its own markup', () => {
    fc.assert(
      fc.property(anyTrailArbitrary({ maxEvents: 5 }), fc.constantFrom('fr' as const, 'en' as const), (trail, locale) => {
        const html = renderAccessReportHtml(buildAccessReport({ label: 'CRM', trail }, { generatedAt }), { locale, timeZone: 'Asia/Tokyo' });
        expectOnlyOwnMarkup(html);
        expectOverridesIsolated(html);
      }),
      { numRuns: 60 },
    );
  });
});
