import { generateFaultTrails, trailPrefixes } from '@optintrail/adapter-test/fault-suite';
import { checkCalls, withoutKnownDivergences } from '@optintrail/adapter-test/spec-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHubSpotAdapter } from '../src/index';
import { startHubSpotEmulator, type HubSpotEmulator } from '../src/testing/index';
import { HUBSPOT_COMPONENTS, HUBSPOT_ENDPOINTS, HUBSPOT_KNOWN_DIVERGENCES } from './spec-shapes/hubspot-spec-shapes';

// Every call the adapter makes in a full cycle (schema, first push, appends, partial failures and the
// rollback they cause, both push strategies, subscriptions, pulls, rectify, erase, 429 and 5xx) is
// checked against HubSpot's published shapes: what the adapter sends and what the emulator answers.
let emulator: HubSpotEmulator;
beforeAll(async () => {
  emulator = await startHubSpotEmulator({ rateLimit: false });
});
afterAll(() => emulator.close());

describe('hubspot requests and emulator answers match HubSpot\'s OpenAPI shapes', () => {
  it('checks every recorded call of a full sync cycle', { timeout: 120_000 }, async () => {
    const settings = { accessToken: 'spec-token', basePath: emulator.url, rateLimit: false as const, retry: { baseDelayMs: 1, maxDelayMs: 2 }, subscriptions: { newsletter: { subscriptionId: 101 } } };
    const adapter = createHubSpotAdapter(settings);
    const readFirst = createHubSpotAdapter({ ...settings, strategy: 'read-first' });
    const trails = generateFaultTrails({ count: 120, seed: 17, prefix: 'hubspot-spec' });
    await adapter.ensureSchema();
    await adapter.push(trailPrefixes(trails.slice(0, 60), 17));
    await readFirst.push(trailPrefixes(trails.slice(60), 17));
    // Per-note failures (207) make the adapter archive notes and set summaries back.
    emulator.faults.set({ partialFailure: 0.2, paths: ['/crm/v3/objects/notes/batch/create'], seed: 5 });
    await adapter.push(trails.slice(0, 60));
    emulator.faults.set({ partialFailure: 0.1, paths: ['/crm/v3/objects/contacts/batch/upsert', '/crm/v3/objects/contacts/batch/read'], seed: 6 });
    await readFirst.push(trails.slice(60));
    emulator.faults.set({});
    await adapter.push(trails);
    emulator.faults.failNext('rate-limit', 'server-error');
    for (const trail of trails.slice(0, 5)) await adapter.pull({ email: trail.subject });
    await adapter.pull({ email: 'nobody@spec.example.org' });
    await adapter.rectify!({ email: trails[0]!.subject }, { field: 'firstName', value: 'Camille', reason: 'Typo in the first name', at: '2024-01-01T00:00:00Z', actor: { kind: 'staff', id: 'privacy-desk' } });
    await adapter.erase!({ email: trails[1]!.subject }, { requestedAt: '2024-01-02T00:00:00Z' });
    await adapter.erase!({ email: 'never-seen@spec.example.org' }, { requestedAt: '2024-01-02T00:00:00Z' });

    const result = checkCalls(emulator.calls, HUBSPOT_ENDPOINTS, HUBSPOT_COMPONENTS);
    const { unexplained, stale } = withoutKnownDivergences(result.problems, HUBSPOT_KNOWN_DIVERGENCES);
    expect(unexplained).toEqual([]);
    expect(stale).toEqual([]);
    // Every endpoint the adapter is known to use was exercised, with its 207 where it has one.
    const unexercised = HUBSPOT_ENDPOINTS.map((endpoint) => endpoint.name).filter((name) => !result.exercised[name]);
    expect(unexercised).toEqual(['associations page (A)']);
    expect(result.statuses['notes batch create (notes v3, same schemas as C)']).toContain(207);
    expect(result.statuses['objects batch read (C)']).toContain(207);
    expect(Object.values(result.statuses).flat()).toEqual(expect.arrayContaining([429, 500]));
  });

  it('flags a body that is not the documented shape (the checker itself)', () => {
    const result = checkCalls(
      [{ method: 'POST', path: '/crm/v3/objects/contacts/batch/upsert', status: 200, requestBodyJson: { inputs: [{ id: 'a@b.c', properties: { x: 1 } }] }, responseBodyJson: { results: [] } }],
      HUBSPOT_ENDPOINTS,
      HUBSPOT_COMPONENTS,
    );
    expect(result.problems.join('\n')).toMatch(/request\.inputs\[0\]\.properties\.x: number where a string is documented/);
    expect(result.problems.join('\n')).toMatch(/response\.completedAt: required, missing/);
  });
});
