import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildTrail, redactTrail, ValidationError, type ProvenanceEventInput, type Trail } from '../src/index';
import { toKantaraConsentReceipt, type KantaraReceiptOptions } from '../src/rights/kantara-consent-receipt';
import { PROV_CONTEXT, toProvJsonLd, type ProvNode } from '../src/rights/prov-json-ld';
import { applyRectification } from '../src/rights/rectification';
import { anyTrailArbitrary, seededRandomBytes } from './arbitraries';
import { salonEvents, SALON_EMAIL } from './fixtures';

const controller = {
  name: 'Exemple SAS',
  contact: 'Data Protection Officer',
  email: 'dpo@exemple.fr',
  phone: '+33 1 23 45 67 89',
  address: { streetAddress: '1 rue de la Paix', addressLocality: 'Paris', postalCode: '75002', addressCountry: 'FR' },
  url: 'https://exemple.fr',
};
const options: KantaraReceiptOptions = { controller, jurisdiction: 'FR', policyUrl: 'https://exemple.fr/confidentialite', now: '2024-03-01T10:00:00Z', language: 'fr' };

function trailWithTwoConsents(): Trail {
  return buildTrail(
    SALON_EMAIL,
    [
      ...salonEvents(),
      {
        subject: SALON_EMAIL,
        at: '2015-03-01T10:00:00Z',
        type: 'consent.given',
        purpose: 'offers',
        channel: 'sms',
        source: { kind: 'web-form', name: 'Offers by SMS' },
        proof: { formUrl: 'https://exemple.fr/sms', doubleOptIn: { confirmedAt: '2015-03-01T10:05:00Z', method: 'sms-code' } },
      },
    ],
    { randomBytes: seededRandomBytes(9) },
  );
}

describe('toKantaraConsentReceipt', () => {
  it('has every field of the Consent Receipt Specification 1.1', () => {
    const receipt = toKantaraConsentReceipt(trailWithTwoConsents(), options)!;
    expect(Object.keys(receipt).sort()).toEqual(
      ['version', 'jurisdiction', 'consentTimestamp', 'collectionMethod', 'consentReceiptID', 'language', 'piiPrincipalId', 'piiControllers', 'policyUrl', 'services', 'sensitive', 'spiCat'].sort(),
    );
    expect(receipt.version).toBe('KI-CR-v1.1.0');
    expect(receipt.jurisdiction).toBe('FR');
    expect(receipt.language).toBe('fr');
    expect(receipt.piiPrincipalId).toBe(SALON_EMAIL);
    expect(receipt.consentReceiptID).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    // Seconds since the epoch of the latest opt-in covered (1 March 2015, 10:00 UTC).
    expect(receipt.consentTimestamp).toBe(Date.UTC(2015, 2, 1, 10, 0, 0) / 1000);
    expect(receipt.collectionMethod).toBe('Web form: Offers by SMS, confirmed by double opt-in');
    expect(receipt.piiControllers).toEqual([
      { piiController: 'Exemple SAS', contact: 'Data Protection Officer', address: controller.address, email: 'dpo@exemple.fr', phone: '+33 1 23 45 67 89', piiControllerUrl: 'https://exemple.fr' },
    ]);
    expect(receipt.sensitive).toBe(false);
    expect(receipt.spiCat).toEqual([]);
    const [service] = receipt.services;
    expect(service!.service).toBe('Exemple SAS');
    for (const purpose of service!.purposes) {
      expect(Object.keys(purpose).sort()).toEqual(['consentType', 'piiCategory', 'primaryPurpose', 'purpose', 'purposeCategory', 'termination', 'thirdPartyDisclosure'].sort());
      expect(purpose.consentType).toBe('EXPLICIT');
      expect(purpose.purposeCategory).toEqual(['6 - Marketing']);
      expect(purpose.piiCategory).toEqual(['2 - Contact']);
    }
    expect(service!.purposes.map((purpose) => [purpose.purpose, purpose.primaryPurpose])).toEqual([
      ['newsletter (email)', true],
      ['offers (sms)', false],
    ]);
  });

  it('gives one receipt per purpose, with the caller descriptions, categories and third parties', () => {
    const receipt = toKantaraConsentReceipt(trailWithTwoConsents(), {
      ...options,
      purpose: 'newsletter',
      purposeDescriptions: { newsletter: 'Lettre mensuelle' },
      purposeCategories: { newsletter: ['6 - Marketing', '4 - Contact Requested'] },
      thirdParties: { newsletter: 'Routeur SAS' },
      service: 'Newsletter',
      publicKey: 'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE',
    })!;
    expect(receipt.publicKey).toBe('MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE');
    expect(receipt.consentTimestamp).toBe(Date.UTC(2012, 8, 19, 9, 30, 0) / 1000);
    expect(receipt.collectionMethod).toBe('In person at an event: Salon E-commerce Paris, single opt-in with evidence');
    expect(receipt.services).toEqual([
      {
        service: 'Newsletter',
        purposes: [
          {
            purpose: 'Lettre mensuelle (email)',
            purposeCategory: ['6 - Marketing', '4 - Contact Requested'],
            consentType: 'EXPLICIT',
            piiCategory: ['2 - Contact'],
            primaryPurpose: true,
            termination: 'Until withdrawn (unsubscribe link in every message, or on request to the controller)',
            thirdPartyDisclosure: true,
            thirdPartyName: 'Routeur SAS',
          },
        ],
      },
    ]);
  });

  it('is the same receipt for the same trail and date, and another one later', () => {
    const first = toKantaraConsentReceipt(trailWithTwoConsents(), options)!;
    expect(toKantaraConsentReceipt(trailWithTwoConsents(), options)!.consentReceiptID).toBe(first.consentReceiptID);
    expect(toKantaraConsentReceipt(trailWithTwoConsents(), { ...options, now: '2024-03-02T10:00:00Z' })!.consentReceiptID).not.toBe(first.consentReceiptID);
  });

  it('never invents a receipt: null without a consent in force, or once erased', () => {
    const withdrawn = buildTrail(SALON_EMAIL, [
      ...salonEvents(),
      { subject: SALON_EMAIL, at: '2020-01-01T00:00:00Z', type: 'consent.withdrawn', purpose: 'newsletter', channel: 'email', source: { kind: 'subject', name: 'Unsubscribe link' } },
    ]);
    expect(toKantaraConsentReceipt(withdrawn, options)).toBeNull();
    expect(toKantaraConsentReceipt(trailWithTwoConsents(), { ...options, purpose: 'partners' })).toBeNull();
    expect(toKantaraConsentReceipt(redactTrail(trailWithTwoConsents()), options)).toBeNull();
  });

  it('refuses missing required members', () => {
    expect(() => toKantaraConsentReceipt(trailWithTwoConsents(), { ...options, jurisdiction: '' })).toThrow(ValidationError);
    expect(() => toKantaraConsentReceipt(trailWithTwoConsents(), { ...options, now: 'now' })).toThrow(/ISO 8601/);
  });
});

describe('toProvJsonLd', () => {
  const byId = (graph: ProvNode[]) => new Map(graph.map((node) => [node['@id'], node]));
  const types = (node: ProvNode) => [node['@type']].flat();

  it('has the PROV-O context, an activity per event, entities for values and agents for sources and actors', () => {
    const trail = applyRectification(
      trailWithTwoConsents(),
      { field: 'city', value: 'Lille', reason: 'Moved', at: '2020-01-02T10:00:00Z', actor: { kind: 'staff', name: 'Jean Dupont' } },
      { randomBytes: seededRandomBytes(10) },
    );
    const document = toProvJsonLd(trail);
    expect(document['@context']).toEqual(PROV_CONTEXT);
    expect(document['@context'].prov).toBe('http://www.w3.org/ns/prov#');
    const graph = document['@graph'];
    const nodes = byId(graph);

    const activities = graph.filter((node) => types(node).includes('prov:Activity'));
    expect(activities).toHaveLength(trail.events.length);
    for (const [index, event] of trail.events.entries()) {
      const activity = nodes.get(`urn:uuid:${event.id}`)!;
      expect(activity['prov:startedAtTime']).toEqual({ '@value': event.at, '@type': 'xsd:dateTime' });
      expect(activity['optintrail:eventType']).toBe(event.type);
      expect(activity['optintrail:hash']).toBe(event.hash);
      if (index > 0) expect(activity['prov:wasInformedBy']).toEqual({ '@id': `urn:uuid:${trail.events[index - 1]!.id}` });
    }

    const cities = graph.filter((node) => node['optintrail:field'] === 'city');
    expect(cities.map((node) => node['prov:value'])).toEqual(['Lyon', 'Lille']);
    const [lyon, lille] = cities;
    const rectification = trail.events.at(-1)!;
    expect(lille!['prov:wasGeneratedBy']).toEqual({ '@id': `urn:uuid:${rectification.id}` });
    expect(lille!['prov:wasDerivedFrom']).toEqual({ '@id': lyon!['@id'] });
    expect(nodes.get(`urn:uuid:${rectification.id}`)!['prov:used']).toEqual([{ '@id': lyon!['@id'] }]);
    const attributed = (lille!['prov:wasAttributedTo'] as Array<{ '@id': string }>).map((reference) => nodes.get(reference['@id'])!);
    expect(attributed.map((agent) => agent['optintrail:sourceKind'] ?? agent['optintrail:actorKind'])).toEqual(['crm-user', 'staff']);
    expect(attributed[1]!['rdfs:label']).toBe('Jean Dupont');
    expect(types(attributed[1]!)).toEqual(['prov:Agent', 'prov:Person']);
    const salon = (lyon!['prov:wasAttributedTo'] as Array<{ '@id': string }>).map((reference) => nodes.get(reference['@id'])!)[0]!;
    expect(salon).toMatchObject({ 'rdfs:label': 'Salon E-commerce Paris', 'prov:atLocation': { 'rdfs:label': 'Paris, Porte de Versailles' } });

    const offers = graph.find((node) => node['optintrail:purpose'] === 'offers')!;
    expect(offers).toMatchObject({ '@type': 'prov:Entity', 'optintrail:channel': 'sms', 'optintrail:consentStatus': 'granted' });
    expect(offers['optintrail:proof']).toMatchObject({ '@type': '@json', '@value': { formUrl: 'https://exemple.fr/sms' } });
    expect(nodes.get(`mailto:${SALON_EMAIL}`)).toMatchObject({ '@type': ['prov:Agent', 'prov:Person'] });
  });

  it('marks an erasure as invalidating the value it erased, and keeps redacted values redacted', () => {
    const events: ProvenanceEventInput[] = [
      ...salonEvents(),
      { subject: SALON_EMAIL, at: '2021-01-01T00:00:00Z', type: 'data.erased', source: { kind: 'subject', name: 'Email to the DPO' }, fields: [{ name: 'city' }] },
    ];
    const document = toProvJsonLd(redactTrail(buildTrail(SALON_EMAIL, events)));
    const cities = document['@graph'].filter((node) => node['optintrail:field'] === 'city');
    expect(cities[0]).toMatchObject({ 'optintrail:redacted': true, 'prov:wasInvalidatedBy': { '@id': expect.stringMatching(/^urn:uuid:/) } });
    expect(cities[0]!['prov:value']).toBeUndefined();
    expect(cities[1]).toMatchObject({ 'optintrail:erased': true });
    expect(JSON.stringify(document)).not.toContain(SALON_EMAIL);
    expect(JSON.stringify(document)).not.toContain('Lyon');
  });

  it('links only to nodes of its own graph, for any trail (property)', () => {
    fc.assert(
      fc.property(anyTrailArbitrary({ maxEvents: 6 }), (trail) => {
        const document = toProvJsonLd(trail);
        const ids = new Set(document['@graph'].map((node) => node['@id']));
        expect(ids.size).toBe(document['@graph'].length);
        const links = ['prov:wasGeneratedBy', 'prov:wasDerivedFrom', 'prov:wasRevisionOf', 'prov:wasAttributedTo', 'prov:wasAssociatedWith', 'prov:used', 'prov:wasInformedBy', 'prov:wasInvalidatedBy'];
        for (const node of document['@graph']) {
          for (const link of links) for (const target of [node[link] ?? []].flat() as Array<{ '@id': string }>) expect(ids).toContain(target['@id']);
        }
        expect(document['@graph'].filter((node) => node['@type'] === 'prov:Activity')).toHaveLength(trail.events.length);
        expect(JSON.parse(JSON.stringify(document))).toEqual(document);
      }),
      { numRuns: 80 },
    );
  });
});
