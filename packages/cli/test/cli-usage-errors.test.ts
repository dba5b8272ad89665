import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hasStackTrace, runCli } from './run-cli';

const directory = mkdtempSync(join(tmpdir(), 'optintrail-cli-usage-'));
const events = join(directory, 'events.jsonl');
writeFileSync(events, '');
const badConfig = join(directory, 'bad-config.json');
writeFileSync(badConfig, '{"hubspot": {"accessToken": "pat-na1-not-json-secret",}');
const unknownKeyConfig = join(directory, 'unknown-key.json');
writeFileSync(unknownKeyConfig, JSON.stringify({ hubspot: { acessToken: 'x' } }));
const badCsv = join(directory, 'bad.csv');
writeFileSync(badCsv, 'email,at,type,source_kind,source_name,emial\n');

const CASES: Array<[string, string[], RegExp]> = [
  ['unknown command', ['synk'], /unknown command 'synk'.*Did you mean sync\?/],
  ['unknown option', ['demo', '--jsn'], /unknown option '--jsn'/],
  ['CRM not in the list', ['sync', '--crm', 'pipedrive', '--input', events], /argument 'pipedrive' is invalid. Allowed choices are hubspot, mailchimp, salesforce/],
  ['missing required option', ['reminder', '--crm', 'hubspot'], /required option '--email <address>' not specified/],
  ['not a port', ['emulator', '--crm', 'hubspot', '--port', 'eighty'], /--port must be a whole number from 0 to 65535/],
  ['port out of range', ['emulator', '--crm', 'hubspot', '--port', '70000'], /--port must be a whole number/],
  ['bad touchpoint', ['reminder', '--crm', 'hubspot', '--email', 'a@example.com', '--touchpoint', 'sms'], /Allowed choices are email-footer/],
  ['not an email', ['reminder', '--crm', 'hubspot', '--emulator', '--email', 'camille'], /"camille" is not an email address/],
  ['unknown locale', ['reminder', '--crm', 'mailchimp', '--emulator', '--email', 'camille.martin@example.fr', '--locale', 'xx-not-a-tag-at-all'], /locale/],
  ['input file missing', ['sync', '--crm', 'hubspot', '--emulator', '--input', join(directory, 'nope.jsonl')], /--input .*nope\.jsonl: no such file/],
  ['CSV header with an unknown column', ['sync', '--crm', 'hubspot', '--emulator', '--input', badCsv], /unknown column "emial"/],
  ['excess argument', ['demo', 'now'], /too many arguments/],
  ['hubspot without credentials', ['sync', '--crm', 'hubspot', '--input', events], /no HubSpot credentials: set HUBSPOT_ACCESS_TOKEN .*--emulator/],
  ['mailchimp without credentials', ['reminder', '--crm', 'mailchimp', '--email', 'a@example.com'], /set MAILCHIMP_API_KEY \+ MAILCHIMP_SERVER_PREFIX \+ MAILCHIMP_LIST_ID/],
  ['salesforce without credentials', ['report', '--crm', 'salesforce', '--email', 'a@example.com'], /set SALESFORCE_INSTANCE_URL \+ SALESFORCE_ACCESS_TOKEN/],
  ['config file that is not JSON', ['sync', '--crm', 'hubspot', '--input', events, '--config', badConfig], /the config file .*bad-config\.json is not valid JSON/],
  ['config file with a misspelt key', ['sync', '--crm', 'hubspot', '--input', events, '--config', unknownKeyConfig], /unknown key "hubspot\.acessToken"/],
  ['erase without confirmation', ['erase', '--crm', 'hubspot', '--emulator', '--email', 'a@example.com', '--suppression-file', join(directory, 's.txt')], /add --yes to confirm, or --dry-run/],
  ['erase without a suppression key', ['erase', '--crm', 'hubspot', '--emulator', '--email', 'a@example.com', '--suppression-file', join(directory, 's.txt'), '--yes'], /set OPTINTRAIL_SUPPRESSION_KEY/],
  ['report --crm all without any credentials', ['report', '--crm', 'all', '--email', 'a@example.com'], /--crm all found no configured CRM: set the variables of at least one .*--emulator/],
  ['erase with a CRM not in the list', ['erase', '--crm', 'hubspot', '--crm', 'pipedrive', '--email', 'a@example.com', '--suppression-file', join(directory, 's.txt'), '--yes'], /argument 'pipedrive' is invalid. Allowed choices are hubspot, mailchimp, salesforce, all/],
  ['report with one CRM of several without credentials', ['report', '--crm', 'hubspot', '--crm', 'salesforce', '--email', 'a@example.com'], /no HubSpot credentials/],
  ['backfill without credentials', ['backfill', '--crm', 'salesforce'], /no Salesforce credentials: set SALESFORCE_INSTANCE_URL \+ SALESFORCE_ACCESS_TOKEN/],
  ['backfill with a batch size of 0', ['backfill', '--crm', 'hubspot', '--emulator', '--batch-size', '0'], /--batch-size must be a whole number from 1/],
  ['audit with nothing to audit', ['audit'], /say what to audit/],
  ['audit of a CRM without addresses', ['audit', '--crm', 'hubspot'], /needs both --crm and --emails-file/],
];

describe('bad arguments', () => {
  it.each(CASES)('%s: one line on stderr, exit 2, no stack trace', async (_name, args, message) => {
    const result = await runCli(args);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    const errorLines = result.stderr.split('\n').filter((line) => line.startsWith('optintrail: '));
    expect(errorLines).toHaveLength(1);
    expect(errorLines[0]).toMatch(message);
    // Other stderr lines are notes only (e.g. "note: using embedded … emulator").
    expect(result.stderr.split('\n').filter((line) => line !== '' && !line.startsWith('optintrail: ') && !line.startsWith('note: '))).toEqual([]);
    expect(hasStackTrace(result.stderr)).toBe(false);
  });

  it('never quotes the config file when it cannot parse it', async () => {
    const result = await runCli(['sync', '--crm', 'hubspot', '--input', events, '--config', badConfig]);
    expect(result.stderr).not.toContain('pat-na1-not-json-secret');
  });
});
