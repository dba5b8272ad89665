import { generateFaultTrails, trailPrefixes } from '@optintrail/adapter-test/fault-suite';
import { checkCalls, checkSchema, withoutKnownDivergences } from '@optintrail/adapter-test/spec-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSalesforceAdapter } from '../src/index';
import { startSalesforceEmulator, type SalesforceEmulator } from '../src/testing/index';
import { SALESFORCE_COMPONENTS, SALESFORCE_ENDPOINTS, SALESFORCE_KNOWN_DIVERGENCES } from './spec-shapes/salesforce-spec-shapes';

// Every call of a full cycle (schema with the consent model, pushes through Collections and through
// Composite, appends, per-record lock failures and the anchor rollback, pulls, erase, 429 and 5xx)
// checked against Salesforce's documented shapes, request bodies and Composite subrequests included.
let emulator: SalesforceEmulator;
beforeAll(async () => {
  emulator = await startSalesforceEmulator();
});
afterAll(() => emulator.close());

describe('salesforce requests and emulator answers match Salesforce\'s documented shapes', () => {
  it('checks every recorded call of a full sync cycle, and every Composite subrequest and subresponse', { timeout: 120_000 }, async () => {
    const trails = generateFaultTrails({ count: 300, seed: 23, prefix: 'salesforce-spec' });
    const settings = { instanceUrl: emulator.url, accessToken: 'spec-session', retry: { baseDelayMs: 1, maxDelayMs: 2 }, recordRetries: { delayMs: 1 } };
    const composite = createSalesforceAdapter(settings);
    const collections = createSalesforceAdapter({ ...settings, transport: 'collections' });
    await composite.ensureSchema();
    await composite.push(trailPrefixes(trails.slice(0, 250), 23));
    await collections.push(trailPrefixes(trails.slice(250), 23));
    emulator.faults.set({ partialFailure: 0.05, paths: ['/composite/sobjects'], seed: 4 });
    await collections.push(trails.slice(250));
    emulator.faults.set({});
    await composite.push(trails);
    await collections.push(trails.slice(250));
    emulator.faults.failNext('rate-limit', 'server-error');
    for (const trail of trails.slice(0, 5)) await composite.pull({ email: trail.subject });
    await composite.pull({ email: 'nobody@spec.example.org' });
    await composite.erase!({ email: trails[1]!.subject }, { requestedAt: '2024-01-02T00:00:00Z' });

    const result = checkCalls(emulator.calls, SALESFORCE_ENDPOINTS, SALESFORCE_COMPONENTS);
    // Inside Composite: each subrequest is itself a documented call, and so is its answer.
    const inner = emulator.calls
      .filter((call) => call.path.endsWith('/composite') && call.status === 200)
      .flatMap((call) => {
        const requests = (call.requestBodyJson as { compositeRequest: Array<{ method: string; url: string; body?: unknown; referenceId: string }> }).compositeRequest;
        const responses = (call.responseBodyJson as { compositeResponse: Array<{ referenceId: string; httpStatusCode: number; body: unknown }> }).compositeResponse;
        return requests.map((request) => {
          const response = responses.find((candidate) => candidate.referenceId === request.referenceId);
          return { method: request.method, path: request.url.split('?')[0]!, status: response?.httpStatusCode ?? 0, requestBodyJson: request.body, responseBodyJson: response?.body };
        });
      });
    const nested = checkCalls(inner, SALESFORCE_ENDPOINTS, SALESFORCE_COMPONENTS);
    const { unexplained, stale } = withoutKnownDivergences([...result.problems, ...nested.problems.map((problem) => `inside composite: ${problem}`)], SALESFORCE_KNOWN_DIVERGENCES);
    expect(unexplained).toEqual([]);
    expect(stale).toEqual([]);
    expect(inner.length).toBeGreaterThan(0);
    const exercised = { ...result.exercised, ...nested.exercised };
    expect(SALESFORCE_ENDPOINTS.map((endpoint) => endpoint.name).filter((name) => !exercised[name])).toEqual(['query more (DG nextRecordsUrl)']);
  });

  it('flags a body that is not the documented shape (the checker itself)', () => {
    const problems = checkSchema({ allOrNone: false, records: [{ Email: 'x@y.z' }] }, { $ref: '#/components/schemas/CollectionWrite' }, SALESFORCE_COMPONENTS);
    expect(problems.join('\n')).toMatch(/records\[0\]\.attributes: required, missing/);
  });
});
