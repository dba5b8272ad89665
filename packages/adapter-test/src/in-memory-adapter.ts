import {
  assembleTrail,
  createApiCallRunner,
  CrmApiError,
  findConsent,
  foldTrail,
  normalizeEmail,
  runPushPipeline,
  TrailIntegrityError,
  verifyTrail,
  type CrmAdapter,
  type ProvenanceEvent,
  type Trail,
} from '@optintrail/core';

/** What the in-memory "CRM" holds per contact: summary fields and a timeline of stored events (as JSON text). */
export interface InMemoryContact {
  summary: Record<string, string>;
  timeline: string[];
}

/**
 * The smallest adapter that honours the contract, over a Map. It is the reference the conformance
 * suite is checked against, and a model for writing a real adapter (see core's adapter.ts).
 */
export function createInMemoryAdapter(store: Map<string, InMemoryContact> = new Map()): CrmAdapter & { store: Map<string, InMemoryContact> } {
  let schema = false;
  const runner = createApiCallRunner({
    adapter: 'memory',
    toError: (error, operation) => new CrmApiError({ adapter: 'memory', operation, message: String(error) }),
  });
  return {
    specificationVersion: 'v1',
    id: 'memory',
    capabilities: { erase: true, rectify: false, export: false, captureChanges: false },
    store,
    async ensureSchema() {
      const created = schema ? [] : ['timeline', 'summary'];
      schema = true;
      return { created, existing: ['timeline', 'summary'] };
    },
    push(trails, options = {}) {
      return runPushPipeline(trails, options, {
        adapter: 'memory',
        batchSize: 100,
        apiCalls: () => runner.calls,
        readExisting: (subjects) =>
          runner.run('contacts.read', async () => {
            const existing = new Map();
            for (const subject of subjects) {
              const contact = store.get(subject);
              if (contact) existing.set(subject, { head: contact.summary.trailHead ?? null, length: Number(contact.summary.trailLength ?? 0) });
            }
            return existing;
          }),
        write: (plan) =>
          runner.run('contacts.write', async () => {
            for (const { trail, newEvents } of plan) {
              const contact = store.get(trail.subject) ?? { summary: {}, timeline: [] };
              contact.timeline.push(...newEvents.map((event) => JSON.stringify(event)));
              const consent = findConsent(foldTrail(trail), 'newsletter', 'email');
              contact.summary = {
                consentStatus: consent?.status ?? 'none',
                trailHead: trail.events.at(-1)!.hash,
                trailLength: String(trail.events.length),
              };
              store.set(trail.subject, contact);
            }
            return [];
          }),
      });
    },
    async pull(subject, options = {}) {
      const email = normalizeEmail(subject.email);
      const contact = store.get(email);
      if (!contact) return null;
      const trail: Trail = assembleTrail(
        email,
        contact.timeline.map((text) => JSON.parse(text) as ProvenanceEvent),
      );
      if (options.verify !== false) {
        const result = verifyTrail(trail, { expectedHead: contact.summary.trailHead ?? null });
        if (!result.valid) throw result.error satisfies TrailIntegrityError;
      }
      return trail;
    },
    async erase(subject, request) {
      const email = normalizeEmail(subject.email);
      const contact = store.get(email);
      store.delete(email);
      return {
        adapter: 'memory',
        erasedAt: request.requestedAt,
        removed: contact ? ['contact', `${contact.timeline.length} timeline entries`] : [],
        mechanism: 'Map.delete',
        trailHead: contact?.summary.trailHead ?? null,
      };
    },
  };
}
