import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));

describe('mailchimp-starter example', () => {
  it('runs against the embedded emulator, writes the trails, reads them back identical, and writes nothing the second time', { timeout: 120_000 }, () => {
    // No credentials in the environment: the example must not reach the network.
    const env = { ...process.env };
    delete env['MAILCHIMP_API_KEY'];
    delete env['MAILCHIMP_SERVER_PREFIX'];
    delete env['MAILCHIMP_LIST_ID'];
    const output = execFileSync('npm', ['start', '--silent'], { cwd: root, encoding: 'utf8', env });
    expect(output).toContain('Target: local Mailchimp emulator at http://127.0.0.1:');
    expect(output).toContain('Merge fields: 15 created, 0 already there.');
    expect(output).toContain('Push: 3 members written, 6 events written as member events and notes, 0 already there, 0 failed');
    expect(output).toContain('*|OT_RMD_EN|*  You are receiving this newsletter because you subscribed on 19 September 2012 at Salon E-commerce Paris.');
    expect(output).toContain('*|OT_RMD_FR|*  Vous recevez cette newsletter suite à votre inscription le 19 septembre 2012 lors du Salon E-commerce Paris.');
    expect(output).toContain('opted in 2012-09-20T07:12:00+00:00 from 192.0.2.44');
    expect(output).toContain('ines.leroy@example.org (Mailchimp status: unsubscribed)');
    expect(output.match(/chain verified, identical to what was pushed/g)).toHaveLength(3);
    expect(output).not.toContain('DIFFERENT');
    expect(output).toMatch(/Second push of the same trails: 0 events written, 3 members already up to date, 2 API calls\./);
    expect(output).toContain('Member events in the audience: 6');
  });
});
