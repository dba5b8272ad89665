import { describe, expect, it } from 'vitest';
import {
  accessReportFromAdapters,
  appendEvents,
  buildTrail,
  createSuppressionList,
  CrmApiError,
  eraseEverywhere,
  normalizeEmail,
  renderAccessReportText,
  TrailIntegrityError,
  ValidationError,
  verifyTrail,
  type CrmAdapter,
  type ErasureRequest,
  type Trail,
} from '../src/index';
import { salonEvents, SALON_EMAIL } from './fixtures';

const generatedAt = '2024-03-01T10:00:00Z';
const request: ErasureRequest = { requestedAt: '2024-03-01T10:00:00Z', requestedBy: 'dpo', reason: 'Art. 17 request #12' };
const key = 'subject-rights-test-key-0123456789';

/** A CRM over a Map, with switches for the failures the orchestration must survive. */
function fakeAdapter(id: string, trails: Trail[] = [], behaviour: { tamperedTail?: boolean; failPull?: boolean; failErase?: boolean; canErase?: boolean; onErase?: () => void } = {}) {
  const store = new Map(trails.map((trail) => [trail.subject, trail]));
  const erased: string[] = [];
  const adapter: CrmAdapter = {
    specificationVersion: 'v1',
    id,
    capabilities: { erase: behaviour.canErase !== false, rectify: false, export: false, captureChanges: false },
    ensureSchema: async () => ({ created: [], existing: [] }),
    push: async () => {
      throw new Error('not used');
    },
    async pull(subject, options = {}) {
      if (behaviour.failPull) throw new CrmApiError({ adapter: id, operation: 'pull', message: 'service unavailable', status: 503 });
      const trail = store.get(normalizeEmail(subject.email));
      if (!trail) return null;
      if (!behaviour.tamperedTail) return trail;
      // The last event was deleted in the CRM: the chain of what is left verifies, the stored head does not match.
      const shortened = { subject: trail.subject, events: trail.events.slice(0, -1) };
      if (options.verify !== false) throw new TrailIntegrityError({ eventId: shortened.events.at(-1)?.id, index: shortened.events.length - 1, problem: 'head-mismatch', detail: 'the trail ends before the head stored on the contact' });
      return shortened;
    },
    ...(behaviour.canErase === false
      ? {}
      : {
          async erase(subject, erasure) {
            behaviour.onErase?.();
            if (behaviour.failErase) throw new CrmApiError({ adapter: id, operation: 'erase', message: 'rate limited', status: 429 });
            const email = normalizeEmail(subject.email);
            const trail = store.get(email);
            store.delete(email);
            erased.push(email);
            return { adapter: id, erasedAt: erasure.requestedAt, removed: trail ? ['contact 1', `${trail.events.length} notes`] : [], mechanism: `${id} delete`, trailHead: trail?.events.at(-1)?.hash ?? null };
          },
        }),
  };
  return { adapter, store, erased };
}

function salonTrail(): Trail {
  return buildTrail(SALON_EMAIL, salonEvents());
}

function updatedTrail(): Trail {
  return appendEvents(salonTrail(), [
    { subject: SALON_EMAIL, at: '2016-06-01T00:00:00Z', type: 'data.updated', source: { kind: 'web-form', name: 'Profile page' }, fields: [{ name: 'city', value: 'Paris', previousValue: 'Lyon' }] },
  ]);
}

describe('accessReportFromAdapters', () => {
  it('builds one section per CRM, labelled by adapter id, with the sources of every field', async () => {
    const hubspot = fakeAdapter('hubspot', [salonTrail()]);
    const mailchimp = fakeAdapter('mailchimp', [updatedTrail()]);
    const result = await accessReportFromAdapters([hubspot.adapter, mailchimp.adapter], ` ${SALON_EMAIL.toUpperCase()} `, { generatedAt });
    expect(result.report.subject).toBe(SALON_EMAIL);
    expect(result.report.sections.map((section) => section.label)).toEqual(['HubSpot', 'Mailchimp']);
    expect(result.trails.map(({ label, trail }) => [label, trail.events.length])).toEqual([
      ['HubSpot', 2],
      ['Mailchimp', 3],
    ]);
    const city = result.report.sections[1]!.fields.find((field) => field.name === 'city')!;
    expect(city.changes.map((change) => [change.value, change.source.name])).toEqual([
      ['Lyon', 'Salon E-commerce Paris'],
      ['Paris', 'Profile page'],
    ]);
    expect(result.empty).toEqual([]);
    expect(result.unverified).toEqual([]);
  });

  it('keeps the labels given and lists a CRM that holds nothing as an empty section', async () => {
    const result = await accessReportFromAdapters(
      [
        { label: 'CRM Europe', adapter: fakeAdapter('hubspot', [salonTrail()]).adapter },
        { label: 'Newsletter tool', adapter: fakeAdapter('mailchimp').adapter },
      ],
      SALON_EMAIL,
      { generatedAt },
    );
    expect(result.report.sections.map((section) => [section.label, section.eventCount])).toEqual([
      ['CRM Europe', 2],
      ['Newsletter tool', 0],
    ]);
    expect(result.empty).toEqual(['Newsletter tool']);
    expect(renderAccessReportText(result.report, { locale: 'en' })).toContain('Held in Newsletter tool');
  });

  it('reports a trail the adapter refuses to verify, with the adapter\'s problem, instead of hiding it', async () => {
    const tampered = fakeAdapter('salesforce', [updatedTrail()], { tamperedTail: true });
    const result = await accessReportFromAdapters([fakeAdapter('hubspot', [updatedTrail()]).adapter, tampered.adapter], SALON_EMAIL, { generatedAt });
    const section = result.report.sections[1]!;
    expect(verifyTrail(result.trails[1]!.trail).valid).toBe(true);
    expect(section.verification).toMatchObject({ valid: false, problem: 'head-mismatch', index: 1, length: 2 });
    expect(section.eventCount).toBe(2);
    expect(result.unverified).toEqual(['Salesforce']);
    expect(renderAccessReportText(result.report, { locale: 'en' })).toContain('Integrity check failed');
  });

  it('throws a vendor failure: an incomplete answer is not an answer', async () => {
    const down = fakeAdapter('mailchimp', [salonTrail()], { failPull: true });
    await expect(accessReportFromAdapters([fakeAdapter('hubspot', [salonTrail()]).adapter, down.adapter], SALON_EMAIL, { generatedAt })).rejects.toSatisfy((error: unknown) => CrmApiError.isInstance(error));
  });

  it('refuses no adapter, a bad address and two stores with one label', async () => {
    await expect(accessReportFromAdapters([], SALON_EMAIL, { generatedAt })).rejects.toThrow(ValidationError);
    await expect(accessReportFromAdapters([fakeAdapter('hubspot').adapter], 'not an address', { generatedAt })).rejects.toThrow(/email/);
    await expect(accessReportFromAdapters([fakeAdapter('hubspot').adapter, fakeAdapter('hubspot').adapter], SALON_EMAIL, { generatedAt })).rejects.toThrow(/used twice/);
  });
});

describe('eraseEverywhere', () => {
  it('suppresses the address first, then erases it from every CRM and returns receipts without personal data', async () => {
    const suppression = createSuppressionList({ key });
    const suppressedWhenErasing: boolean[] = [];
    const onErase = () => suppressedWhenErasing.push(suppression.isSuppressed(SALON_EMAIL));
    const hubspot = fakeAdapter('hubspot', [salonTrail()], { onErase });
    const mailchimp = fakeAdapter('mailchimp', [updatedTrail()], { onErase });
    const result = await eraseEverywhere([hubspot.adapter, mailchimp.adapter], SALON_EMAIL.toUpperCase(), { suppression, request });
    expect(suppressedWhenErasing).toEqual([true, true]);
    expect(result.complete).toBe(true);
    expect(result.failures).toEqual([]);
    expect(result.receipts.map((receipt) => [receipt.adapter, receipt.removed])).toEqual([
      ['hubspot', ['contact 1', '2 notes']],
      ['mailchimp', ['contact 1', '3 notes']],
    ]);
    expect(result.fingerprint).toMatch(/^hmac-sha256:[0-9a-f]{64}$/);
    expect([...suppression.fingerprints]).toEqual([result.fingerprint]);
    expect(hubspot.erased).toEqual([SALON_EMAIL]);
    expect(JSON.stringify({ fingerprint: result.fingerprint, receipts: result.receipts })).not.toMatch(/camille|example\.fr/i);
  });

  it('goes on after a CRM fails and says where it must be done again', async () => {
    const suppression = createSuppressionList({ key });
    const hubspot = fakeAdapter('hubspot', [salonTrail()], { failErase: true });
    const salesforce = fakeAdapter('salesforce', [salonTrail()]);
    const result = await eraseEverywhere([hubspot.adapter, salesforce.adapter], SALON_EMAIL, { suppression, request });
    expect(result.complete).toBe(false);
    expect(result.receipts.map((receipt) => receipt.adapter)).toEqual(['salesforce']);
    expect(result.failures).toEqual([{ adapter: 'hubspot', label: 'HubSpot', reason: expect.stringContaining('rate limited'), isRetryable: true }]);
    expect(salesforce.store.size).toBe(0);
    expect(suppression.isSuppressed(SALON_EMAIL)).toBe(true);
  });

  it('refuses before doing anything when an adapter cannot erase or the request has no date', async () => {
    const suppression = createSuppressionList({ key });
    const hubspot = fakeAdapter('hubspot', [salonTrail()]);
    const readOnly = fakeAdapter('mailchimp', [salonTrail()], { canErase: false });
    await expect(eraseEverywhere([hubspot.adapter, readOnly.adapter], SALON_EMAIL, { suppression, request })).rejects.toThrow(/Mailchimp cannot erase/);
    await expect(eraseEverywhere([hubspot.adapter], SALON_EMAIL, { suppression, request: { requestedAt: 'yesterday' } })).rejects.toThrow(/requestedAt/);
    expect(hubspot.erased).toEqual([]);
    expect(suppression.fingerprints.size).toBe(0);
  });
});
