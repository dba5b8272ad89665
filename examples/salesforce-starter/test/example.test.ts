import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));

describe('salesforce-starter example', () => {
  it('runs against the embedded emulator, writes the trails, reads them back identical, and writes nothing the second time', { timeout: 120_000 }, () => {
    // No credentials in the environment: the example must not reach the network.
    const env = { ...process.env };
    delete env['SALESFORCE_INSTANCE_URL'];
    delete env['SALESFORCE_ACCESS_TOKEN'];
    const output = execFileSync('npm', ['start', '--silent'], { cwd: root, encoding: 'utf8', env });
    expect(output).toContain('Target: local Salesforce emulator at http://127.0.0.1:');
    expect(output).toMatch(/Schema: \d+ created, 0 already there\./);
    expect(output).not.toContain('problem:');
    expect(output).toContain('Push: 3 contacts written, 6 events written as OptinTrail_Event__c records, 0 already there, 0 failed');
    expect(output).toContain('You are receiving this newsletter because you subscribed on 19 September 2012 at Salon E-commerce Paris.');
    expect(output).toContain('Vous recevez cette newsletter suite à votre inscription le 19 septembre 2012 lors du Salon E-commerce Paris.');
    expect(output).toContain('ContactPointTypeConsent (newsletter, Email): OptOut since 2021-03-02');
    expect(output.match(/chain verified, identical to what was pushed/g)).toHaveLength(3);
    expect(output).not.toContain('DIFFERENT');
    // Reads only: what the org holds is checked, nothing is written (the read count is the adapter's business).
    expect(output).toMatch(/Second push of the same trails: 0 events written, 3 contacts already up to date, [1-3] API calls?\./);
  });
});
