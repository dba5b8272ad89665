import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { CLI, cleanEnvironment, runCli, startStandaloneEmulator } from './run-cli';

describe('optintrail emulator', () => {
  it.each(['hubspot', 'mailchimp', 'salesforce'])('runs the %s emulator until Ctrl-C, answering HTTP on 127.0.0.1', async (crm) => {
    const emulator = await startStandaloneEmulator(crm);
    expect(emulator.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+/);
    expect(Object.keys(emulator.environment).length).toBeGreaterThan(0);
    const response = await fetch(emulator.url);
    expect(response.status).toBeGreaterThanOrEqual(200);
    const stopped = await emulator.stop();
    expect(stopped.code).toBe(0);
    expect(stopped.stderr).toMatch(/emulator stopped after \d+ calls/);
  });

  it('prints how to point the official SDK and this CLI at it', async () => {
    const child = spawn(process.execPath, [CLI, 'emulator', '--crm', 'hubspot'], { env: cleanEnvironment(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    await new Promise<void>((resolve) => {
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        stdout += chunk;
        if (stdout.includes('optintrail sync --crm hubspot')) resolve();
      });
    });
    const exit = new Promise<number | null>((resolve) => child.on('close', resolve));
    child.kill('SIGINT');
    expect(await exit).toBe(0);
    const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout)?.[1];
    expect(url).toBeDefined();
    expect(stdout).toContain(`new Client({ accessToken: 'any-token', basePath: '${url}' })`);
    expect(stdout).toContain(`export HUBSPOT_BASE_PATH=${url}`);
  });

  it('refuses a port already in use with one line and exit 2', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', () => resolve()));
    const port = (blocker.address() as AddressInfo).port;
    try {
      const result = await runCli(['emulator', '--crm', 'hubspot', '--port', String(port)]);
      expect(result.code).toBe(2);
      expect(result.stderr).toBe(`optintrail: error: port ${port} is already in use; pick another with --port\n`);
    } finally {
      blocker.close();
    }
  });
});
