import { afterEach, describe, expect, it } from 'vitest';
import { RollingWindowLimit, Router, startEmulatorServer, type EmulatorServer } from '../src/index';

let server: EmulatorServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function start(options: Partial<Parameters<typeof startEmulatorServer>[0]> = {}) {
  const router = new Router(() => ({ status: 404, json: { message: 'not found' } }))
    .get('/things/:id', (request) => ({ status: 200, json: { id: request.params.id } }))
    .post('/things', (request) => ({ status: 201, json: JSON.parse(request.text) }));
  server = await startEmulatorServer({
    name: 'test',
    handle: router.handle,
    faultResponse: (kind) => (kind === 'rate-limit' ? { status: 429, headers: { 'retry-after': '1' }, json: { message: 'slow down' } } : { status: 503, json: { message: 'unavailable' } }),
    ...options,
  });
  return server;
}

describe('emulator server', () => {
  it('listens on 127.0.0.1, routes with params and records calls without secrets', async () => {
    const emulator = await start();
    expect(emulator.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const response = await fetch(`${emulator.url}/things/a%20b?hapikey=secret-key&x=1`, { headers: { authorization: 'Bearer secret-token' } });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ id: 'a b' });
    const created = await fetch(`${emulator.url}/things`, { method: 'POST', body: JSON.stringify({ name: 'n' }) });
    expect(created.status).toBe(201);
    expect(emulator.calls.map((call) => [call.method, call.path, call.status])).toEqual([
      ['GET', '/things/a%20b', 200],
      ['POST', '/things', 201],
    ]);
    expect(emulator.calls[1]!.requestBodyJson).toEqual({ name: 'n' });
    const recorded = JSON.stringify(emulator.calls);
    expect(recorded).not.toContain('secret-token');
    expect(recorded).not.toContain('secret-key');
    expect(emulator.calls[0]!.query.x).toBe('1');
  });

  it('answers unknown routes with the vendor not-found handler', async () => {
    const emulator = await start();
    const response = await fetch(`${emulator.url}/nothing`);
    expect(response.status).toBe(404);
  });

  it('injects queued faults in order, then answers normally', async () => {
    const emulator = await start();
    emulator.faults.failNext('rate-limit', 'server-error');
    const first = await fetch(`${emulator.url}/things/1`);
    expect(first.status).toBe(429);
    expect(first.headers.get('retry-after')).toBe('1');
    expect((await fetch(`${emulator.url}/things/1`)).status).toBe(503);
    expect((await fetch(`${emulator.url}/things/1`)).status).toBe(200);
    expect(emulator.faults.injected['rate-limit']).toBe(1);
    expect(emulator.calls.map((call) => call.fault)).toEqual(['rate-limit', 'server-error', undefined]);
  });

  it('drops connections when asked', async () => {
    const emulator = await start();
    emulator.faults.failNext('drop-connection');
    await expect(fetch(`${emulator.url}/things/1`)).rejects.toThrow();
    expect((await fetch(`${emulator.url}/things/1`)).status).toBe(200);
  });

  it('draws faults from a seed: the same seed gives the same faults', async () => {
    const emulator = await start();
    const run = async () => {
      emulator.faults.set({ serverError: 0.5, seed: 42 });
      const statuses: number[] = [];
      for (let index = 0; index < 20; index += 1) statuses.push((await fetch(`${emulator.url}/things/1`)).status);
      return statuses;
    };
    const first = await run();
    expect(first).toContain(503);
    expect(first).toContain(200);
    expect(await run()).toEqual(first);
  });

  it('limits faults to matching paths', async () => {
    const emulator = await start({ faults: { serverError: 1, paths: ['/things/2'] } });
    expect((await fetch(`${emulator.url}/things/1`)).status).toBe(200);
    expect((await fetch(`${emulator.url}/things/2`)).status).toBe(503);
  });

  it('holds only the answers of matching paths when latency is limited to paths', async () => {
    const emulator = await start({ faults: { latencyMs: 1_000, paths: ['/things/2'] } });
    expect((await fetch(`${emulator.url}/things/1`)).status).toBe(200);
    expect((await fetch(`${emulator.url}/things/2`)).status).toBe(200);
    const [other, matching] = emulator.calls;
    expect(matching!.durationMs).toBeGreaterThanOrEqual(1_000);
    expect(other!.durationMs).toBeLessThan(1_000);
  });
});

describe('RollingWindowLimit', () => {
  it('allows the limit within a window and frees slots as the window rolls', () => {
    let now = 0;
    const limit = new RollingWindowLimit(3, 1_000, 1, () => now);
    expect([limit.take().allowed, limit.take().allowed, limit.take().allowed]).toEqual([true, true, true]);
    const refused = limit.take();
    expect(refused).toEqual({ allowed: false, retryAfterMs: 1_000 });
    now = 1_000;
    expect(limit.take().allowed).toBe(true);
  });

  it('shrinks the window by the time scale', () => {
    let now = 0;
    const limit = new RollingWindowLimit(1, 10_000, 10, () => now);
    limit.take();
    now = 999;
    expect(limit.take().allowed).toBe(false);
    now = 1_000;
    expect(limit.take().allowed).toBe(true);
  });
});
