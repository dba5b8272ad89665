import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));

describe('core-reminders example', () => {
  it('runs as it is and prints the reminders of the brief', { timeout: 60_000 }, () => {
    const output = execFileSync('npm', ['start', '--silent'], { cwd: root, encoding: 'utf8' });
    expect(output).toContain('Vous recevez cette newsletter suite à votre inscription le 19 septembre 2012 lors du Salon E-commerce Paris.');
    expect(output).toContain('You are receiving this newsletter because you subscribed on 19 September 2012 at Salon E-commerce Paris.');
    for (const touchpoint of ['email-footer', 'postal-mail', 'preference-centre', 'unsubscribe-page', 'welcome-message']) {
      expect(output.split('\n').filter((line) => line.includes(touchpoint))).toHaveLength(4);
    }
    expect(output).not.toContain('no traceable consent');
  });
});
