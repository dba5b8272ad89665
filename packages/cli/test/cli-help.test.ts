import { describe, expect, it } from 'vitest';
import { hasStackTrace, runCli } from './run-cli';

const COMMANDS: Record<string, string[]> = {
  demo: ['--json'],
  sync: ['--crm <name>', '--emulator', '--config <file>', '--input <file>', '--format <format>', '--resume-file <file>', '--suppression-file <file>', '--limit <subjects>', '--dry-run', '--json', 'source_phrase_<locale>', 'Exit codes'],
  backfill: ['--crm <name>', '--emulator', '--config <file>', '--dry-run', '--json', '--quiet', '--purpose <key>', '--subscription <purpose=id>', '--batch-size <contacts>', '--suppression-file <file>', 'HUBSPOT_APP_ID', 'no proof', 'Exit codes'],
  reminder: ['--crm <name>', '--email <address>', '--locale <tag>', '--touchpoint <name>', '--purpose <key>', '--html', '--time-zone <zone>', '--json', 'Exit codes'],
  report: ['--crm <name>', '--email <address>', '--format <format>', '"json", "text", "html"', '--crm all', 'Exit codes'],
  erase: ['--crm <name>', '--email <address>', '--suppression-file <file>', '--yes', '--dry-run', 'OPTINTRAIL_SUPPRESSION_KEY', '--crm all', 'Exit codes'],
  audit: ['--crm <name>', '--emails-file <file>', '--input <file>', '--repermission-after-months <months>', '--json', 'Exit codes'],
  emulator: ['--crm <name>', '--port <port>', '--json', 'Exit codes'],
};

describe('help', () => {
  it('lists every command, the credentials of each CRM and the exit codes', async () => {
    const result = await runCli(['--help']);
    expect(result.code).toBe(0);
    for (const command of Object.keys(COMMANDS)) expect(result.stdout).toMatch(new RegExp(`^  ${command} \\[options\\]`, 'm'));
    for (const variable of ['HUBSPOT_ACCESS_TOKEN', 'MAILCHIMP_API_KEY', 'MAILCHIMP_SERVER_PREFIX', 'MAILCHIMP_LIST_ID', 'SALESFORCE_INSTANCE_URL', 'SALESFORCE_ACCESS_TOKEN']) {
      expect(result.stdout).toContain(variable);
    }
    expect(result.stdout).toContain('Exit codes: 0 ok, 1 failures in the data');
    expect(result.stderr).toBe('');
  });

  it.each(Object.entries(COMMANDS))('%s --help describes every option', async (command, expected) => {
    const result = await runCli([command, '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`Usage: optintrail ${command} [options]`);
    for (const text of expected) expect(result.stdout).toContain(text);
    expect(result.stderr).toBe('');
  });

  it('answers `help <command>` like `<command> --help`', async () => {
    const [viaHelp, viaOption] = await Promise.all([runCli(['help', 'sync']), runCli(['sync', '--help'])]);
    expect(viaHelp.code).toBe(0);
    expect(viaHelp.stdout).toBe(viaOption.stdout);
  });

  it('prints the version', async () => {
    const result = await runCli(['--version']);
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('shows the help on stderr and exits 2 when no command is given', async () => {
    const result = await runCli([]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('Usage: optintrail');
    expect(hasStackTrace(result.stderr)).toBe(false);
  });
});
