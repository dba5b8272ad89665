import fc from 'fast-check';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  applyCapturedChanges,
  capturedEventId,
  createWebhookHandler,
  isFreshTimestamp,
  timingSafeEqualText,
  toExpressMiddleware,
  toNodeListener,
  verifyTrail,
  WebhookPayloadError,
  type CapturedChange,
  type CrmAdapter,
  type WebhookParser,
} from '../src/index';
import { memoryAdapter } from './capture-fixtures';
import { seededBytes } from './fixtures';

function change(subject: string, externalId: string, at = '2024-03-01T10:00:00Z'): CapturedChange {
  return {
    subject,
    externalId,
    event: { at, type: 'data.updated', source: { kind: 'crm-user', name: 'Edited in the CRM' }, fields: [{ name: 'firstName', value: `value of ${externalId}` }] },
  };
}

/** A parser for test deliveries: a JSON array of changes. */
const jsonParser: WebhookParser = async (delivery) => {
  let body: unknown;
  try {
    body = JSON.parse(delivery.text);
  } catch {
    throw new WebhookPayloadError('the body is not JSON');
  }
  if (!Array.isArray(body)) throw new WebhookPayloadError('the body is not an array');
  return { changes: body as CapturedChange[], notices: [{ kind: 'ignored', reason: 'test notice' }] };
};

const acceptAll = () => ({ ok: true }) as const;

function post(body: string, headers: Record<string, string> = {}) {
  return new Request('http://127.0.0.1/hooks', { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });
}

describe('capturedEventId', () => {
  it('is a UUIDv7 with the change date as its time, the same for the same change', () => {
    const id = capturedEventId('hubspot:1', 'event-42', '2024-03-01T10:00:00.123Z');
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(parseInt(id.replace(/-/g, '').slice(0, 12), 16)).toBe(Date.parse('2024-03-01T10:00:00.123Z'));
    expect(capturedEventId('hubspot:1', 'event-42', '2024-03-01T10:00:00.123Z')).toBe(id);
    expect(capturedEventId('hubspot:2', 'event-42', '2024-03-01T10:00:00.123Z')).not.toBe(id);
    expect(capturedEventId('hubspot:1', 'event-43', '2024-03-01T10:00:00.123Z')).not.toBe(id);
  });
});

describe('signature helpers', () => {
  it('compares secrets exactly, whatever their lengths', () => {
    expect(timingSafeEqualText('abc', 'abc')).toBe(true);
    expect(timingSafeEqualText('abc', 'abd')).toBe(false);
    expect(timingSafeEqualText('abc', 'abcd')).toBe(false);
    expect(timingSafeEqualText('', 'a')).toBe(false);
  });

  it('accepts timestamps within the tolerance on both sides only', () => {
    expect(isFreshTimestamp(1_000_000, 1_000_000 + 300_000, 300_000)).toBe(true);
    expect(isFreshTimestamp(1_000_000, 1_000_000 + 300_001, 300_000)).toBe(false);
    expect(isFreshTimestamp(1_000_000 + 300_001, 1_000_000, 300_000)).toBe(false);
    expect(isFreshTimestamp(Number.NaN, 1_000_000, 300_000)).toBe(false);
  });
});

describe('applyCapturedChanges', () => {
  it('appends new changes, and a replay writes nothing', async () => {
    const { adapter, trails, counts } = memoryAdapter();
    const changes = [change('Ann@Example.com', 'a', '2024-03-02T00:00:00Z'), change('ann@example.com', 'b', '2024-03-01T00:00:00Z'), change('bob@example.com', 'c')];
    const first = await applyCapturedChanges(adapter, changes, { namespace: 'test', randomBytes: seededBytes() });
    expect(first).toEqual({ subjects: 2, eventsWritten: 3, duplicates: 0, failures: [] });
    const ann = trails.get('ann@example.com')!;
    expect(verifyTrail(ann).valid).toBe(true);
    // In the order the changes happened, not the order they arrived.
    expect(ann.events.map((event) => event.at)).toEqual(['2024-03-01T00:00:00.000Z', '2024-03-02T00:00:00.000Z']);

    const pushesBefore = counts.pushes;
    const replay = await applyCapturedChanges(adapter, changes, { namespace: 'test' });
    expect(replay).toEqual({ subjects: 2, eventsWritten: 0, duplicates: 3, failures: [] });
    expect(counts.pushes).toBe(pushesBefore);
    expect(trails.get('ann@example.com')).toEqual(ann);
  });

  it('keeps only the changed fields of a snapshot event, with their previous values', async () => {
    const { adapter, trails } = memoryAdapter();
    const snapshot = (externalId: string, at: string, firstName: string, lastName: string): CapturedChange => ({
      subject: 'ann@example.com',
      externalId,
      onlyChangedFields: true,
      event: { at, type: 'data.updated', source: { kind: 'subject', name: 'Profile page' }, fields: [{ name: 'firstName', value: firstName }, { name: 'lastName', value: lastName }] },
    });
    await applyCapturedChanges(adapter, [snapshot('p1', '2024-03-01T00:00:00Z', 'Ann', 'Lee')], { namespace: 'test' });
    await applyCapturedChanges(adapter, [snapshot('p2', '2024-03-02T00:00:00Z', 'Ann', 'Smith')], { namespace: 'test' });
    const unchanged = await applyCapturedChanges(adapter, [snapshot('p3', '2024-03-03T00:00:00Z', 'Ann', 'Smith')], { namespace: 'test' });
    expect(unchanged.eventsWritten).toBe(0);
    const events = trails.get('ann@example.com')!.events;
    expect(events.map((event) => event.fields)).toEqual([
      [{ name: 'firstName', value: 'Ann' }, { name: 'lastName', value: 'Lee' }],
      [{ name: 'lastName', value: 'Smith', previousValue: 'Lee' }],
    ]);
  });

  it('reports a change the model refuses as a failure that will not pass on retry', async () => {
    const { adapter, trails } = memoryAdapter();
    const bad = change('ann@example.com', 'x');
    bad.event.fields = [{ name: '9 not a field name', value: 'x' }];
    const report = await applyCapturedChanges(adapter, [bad, change('bob@example.com', 'y')], { namespace: 'test' });
    expect(report.failures).toEqual([expect.objectContaining({ subject: 'ann@example.com', retryable: false })]);
    expect(report.eventsWritten).toBe(1);
    expect(trails.has('ann@example.com')).toBe(false);
  });

  it('ends with each distinct change exactly once, whatever the deliveries repeat or reorder', async () => {
    const subjects = ['ann@example.com', 'bob@example.com'];
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.constantFrom(...subjects), fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 3 })), { minLength: 1, maxLength: 12 }),
        fc.integer({ min: 1, max: 4 }),
        async (picks, deliveries) => {
          const { adapter, trails } = memoryAdapter();
          const all = picks.map(([subject, id, day]) => change(subject, `${subject}:${id}`, `2024-03-0${day + 1}T00:00:00Z`));
          // The same change always carries the same date (a CRM's event id names one moment).
          const byId = new Map(all.map((item) => [item.externalId, item]));
          const canonical = all.map((item) => byId.get(item.externalId)!);
          for (let index = 0; index < deliveries; index += 1) {
            const report = await applyCapturedChanges(adapter, canonical.slice(index % canonical.length).concat(canonical), { namespace: 'prop' });
            expect(report.failures).toEqual([]);
          }
          for (const subject of subjects) {
            const expected = new Set([...byId.values()].filter((item) => item.subject === subject).map((item) => capturedEventId('prop', item.externalId, item.event.at)));
            const trail = trails.get(subject);
            expect(new Set(trail?.events.map((event) => event.id) ?? [])).toEqual(expected);
            expect(trail?.events.length ?? 0).toBe(expected.size);
            if (trail) expect(verifyTrail(trail).valid).toBe(true);
          }
        },
      ),
      { numRuns: 40 },
    );
  });
});

describe('createWebhookHandler', () => {
  it('writes a verified delivery and answers counts without personal data', async () => {
    const { adapter, trails } = memoryAdapter();
    const notices: string[] = [];
    const handler = createWebhookHandler({ adapter, verify: acceptAll, parse: jsonParser, namespace: 'test', onNotice: (notice) => void notices.push(notice.kind) });
    const response = await handler(post(JSON.stringify([change('ann@example.com', 'a')])));
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(JSON.parse(text)).toMatchObject({ status: 200, changes: 1, eventsWritten: 1, duplicates: 0, ignored: 1, failures: 0 });
    expect(text).not.toContain('ann@example.com');
    expect(notices).toEqual(['ignored']);
    expect(trails.get('ann@example.com')?.events).toHaveLength(1);

    const replay = await handler(post(JSON.stringify([change('ann@example.com', 'a')])));
    expect(await replay.json()).toMatchObject({ status: 200, eventsWritten: 0, duplicates: 1 });
    expect(trails.get('ann@example.com')?.events).toHaveLength(1);
  });

  it('refuses what the verifier refuses, before parsing, and writes nothing', async () => {
    const { adapter, trails, counts } = memoryAdapter();
    let parsed = 0;
    const handler = createWebhookHandler({
      adapter,
      verify: (delivery) => (delivery.headers.get('x-secret') === 'right' ? { ok: true } : { ok: false, status: 401, reason: 'bad signature' }),
      parse: async (delivery) => {
        parsed += 1;
        return jsonParser(delivery);
      },
      namespace: 'test',
    });
    const response = await handler(post(JSON.stringify([change('ann@example.com', 'a')]), { 'x-secret': 'wrong' }));
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ refused: 'bad signature' });
    expect(parsed).toBe(0);
    expect(counts).toEqual({ pulls: 0, pushes: 0 });
    expect(trails.size).toBe(0);
  });

  it('answers 400 for an unreadable body, 405 for other methods, 413 past the size limit', async () => {
    const { adapter, counts } = memoryAdapter();
    const handler = createWebhookHandler({ adapter, verify: acceptAll, parse: jsonParser, namespace: 'test', maxBodyBytes: 64, acknowledgeMethods: ['HEAD'] });
    expect((await handler(post('not json'))).status).toBe(400);
    expect((await handler(new Request('http://127.0.0.1/hooks', { method: 'GET' }))).status).toBe(405);
    expect((await handler(new Request('http://127.0.0.1/hooks', { method: 'HEAD' }))).status).toBe(200);
    expect((await handler(post('x'.repeat(65)))).status).toBe(413);
    expect(counts).toEqual({ pulls: 0, pushes: 0 });
  });

  it('answers 503 when the CRM failed in a way that may pass, so the CRM delivers again', async () => {
    const { adapter } = memoryAdapter();
    const failing: CrmAdapter = { ...adapter, pull: async () => Promise.reject(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })) };
    const handler = createWebhookHandler({ adapter: failing, verify: acceptAll, parse: jsonParser, namespace: 'test' });
    const response = await handler(post(JSON.stringify([change('ann@example.com', 'a')])));
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({ failures: 1, eventsWritten: 0 });
  });

  it('serialises concurrent deliveries about one subject, so none is lost', async () => {
    const { adapter, trails } = memoryAdapter();
    const handler = createWebhookHandler({ adapter, verify: acceptAll, parse: jsonParser, namespace: 'test' });
    const responses = await Promise.all(['a', 'b', 'c', 'd'].map((id) => handler(post(JSON.stringify([change('ann@example.com', id)])))));
    expect(responses.map((response) => response.status)).toEqual([200, 200, 200, 200]);
    expect(trails.get('ann@example.com')?.events).toHaveLength(4);
    expect(verifyTrail(trails.get('ann@example.com')!).valid).toBe(true);
  });
});

describe('Node and Express adapters', () => {
  let server: Server | undefined;
  afterEach(async () => {
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    server = undefined;
  });

  async function listen(listener: Parameters<typeof createServer>[1]): Promise<string> {
    server = createServer(listener);
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  function send(url: string, body: string): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
      const outgoing = httpRequest(url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-signature': 'sig' } }, (incoming) => {
        let text = '';
        incoming.on('data', (chunk) => (text += chunk));
        incoming.on('end', () => resolve({ status: incoming.statusCode ?? 0, body: text }));
      });
      outgoing.on('error', reject);
      outgoing.end(body);
    });
  }

  it('toNodeListener passes the exact bytes, headers and public URL to the handler', async () => {
    const seen: Array<{ url: string; text: string; signature: string | null }> = [];
    const { adapter, trails } = memoryAdapter();
    const handler = createWebhookHandler({
      adapter,
      verify: (delivery) => {
        seen.push({ url: delivery.url.href, text: delivery.text, signature: delivery.headers.get('x-signature') });
        return { ok: true };
      },
      parse: jsonParser,
      namespace: 'test',
    });
    const base = await listen(toNodeListener(handler, { origin: 'https://hooks.example.com/' }));
    const body = JSON.stringify([change('ann@example.com', 'a')]);
    const answer = await send(`${base}/hooks/crm?x=1`, body);
    expect(answer.status).toBe(200);
    expect(seen).toEqual([{ url: 'https://hooks.example.com/hooks/crm?x=1', text: body, signature: 'sig' }]);
    expect(trails.get('ann@example.com')?.events).toHaveLength(1);
  });

  it('toExpressMiddleware takes a raw body from express.raw, and refuses one already parsed', async () => {
    const { adapter, trails } = memoryAdapter();
    const handler = createWebhookHandler({ adapter, verify: acceptAll, parse: jsonParser, namespace: 'test' });
    const middleware = toExpressMiddleware(handler);
    const errors: unknown[] = [];
    const base = await listen((request, response) => {
      let raw = '';
      request.on('data', (chunk) => (raw += chunk));
      request.on('end', () => {
        // What express.raw() and express.json() would leave on req.body.
        const body = request.url === '/raw' ? Buffer.from(raw) : JSON.parse(raw);
        middleware(Object.assign(request, { body }), response, (error) => {
          errors.push(error);
          response.writeHead(500).end();
        });
      });
    });
    const body = JSON.stringify([change('ann@example.com', 'a')]);
    expect((await send(`${base}/raw`, body)).status).toBe(200);
    expect(trails.get('ann@example.com')?.events).toHaveLength(1);
    expect((await send(`${base}/parsed`, body)).status).toBe(500);
    expect(String(errors[0])).toContain('express.raw');
  });
});
