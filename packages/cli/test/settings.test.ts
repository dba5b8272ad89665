import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../src/cli-errors';
import { crmSettingSpecs } from '../src/crm-registry';
import { createSecretRedactor } from '../src/secret-redactor';
import { loadSettings, SUPPRESSION_KEY_SETTING } from '../src/settings';

const directory = mkdtempSync(join(tmpdir(), 'optintrail-cli-settings-'));
const specs = [...crmSettingSpecs(), SUPPRESSION_KEY_SETTING];
const token = specs.find((spec) => spec.env === 'HUBSPOT_ACCESS_TOKEN')!;
const basePath = specs.find((spec) => spec.env === 'HUBSPOT_BASE_PATH')!;

function configFile(content: unknown): string {
  const path = join(directory, `config-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(path, JSON.stringify(content), { mode: 0o600 });
  return path;
}

describe('settings', () => {
  it('takes the environment over the config file, and the config file when the environment is silent', () => {
    const redactor = createSecretRedactor();
    const settings = loadSettings({
      env: { HUBSPOT_ACCESS_TOKEN: 'token-from-the-environment' },
      configPath: configFile({ hubspot: { accessToken: 'token-from-the-config-file', basePath: 'http://127.0.0.1:9' } }),
      specs,
      redactor,
      warn: () => undefined,
    });
    expect(settings.get(token)).toBe('token-from-the-environment');
    expect(settings.get(basePath)).toBe('http://127.0.0.1:9');
  });

  it('registers secrets from both places with the redactor, and only secrets', () => {
    const redactor = createSecretRedactor();
    loadSettings({
      env: { HUBSPOT_ACCESS_TOKEN: 'token-from-the-environment' },
      configPath: configFile({ mailchimp: { apiKey: 'key-from-the-config-file-us1', listId: 'list-id-shown' } }),
      specs,
      redactor,
      warn: () => undefined,
    });
    expect(redactor.redact('a token-from-the-environment b key-from-the-config-file-us1 c list-id-shown')).toBe('a [redacted] b [redacted] c list-id-shown');
  });

  it('refuses unknown keys and values that are not strings, naming the key but not the value', () => {
    const load = (content: unknown) => () => loadSettings({ env: {}, configPath: configFile(content), specs, redactor: createSecretRedactor(), warn: () => undefined });
    expect(load({ hubspot: { token: 'x' } })).toThrow(UsageError);
    expect(load({ hubspot: { token: 'x' } })).toThrow(/unknown key "hubspot\.token"/);
    expect(load({ hubspot: { accessToken: 42 } })).toThrow(/"hubspot\.accessToken" in the config file .* must be a string/);
    expect(load(['not', 'an', 'object'])).toThrow(/unknown key "0"|must hold a JSON object/);
  });

  it('warns when the config file can be read by other users', () => {
    const warnings: string[] = [];
    const path = configFile({});
    chmodSync(path, 0o644);
    loadSettings({ env: {}, configPath: path, specs, redactor: createSecretRedactor(), warn: (message) => warnings.push(message) });
    expect(warnings).toEqual([`note: ${path} holds credentials and can be read by other users; run chmod 600 ${path}`]);
  });
});

describe('secret redactor', () => {
  it('replaces every occurrence, the longest secret first', () => {
    const redactor = createSecretRedactor();
    redactor.add('abcdef');
    redactor.add('abcdef-longer-secret');
    expect(redactor.redact('x abcdef-longer-secret y abcdef z abcdef')).toBe('x [redacted] y [redacted] z [redacted]');
  });

  it('ignores empty and very short values, which would blank out ordinary words', () => {
    const redactor = createSecretRedactor();
    redactor.add('');
    redactor.add(undefined);
    redactor.add('us1');
    expect(redactor.redact('server us1')).toBe('server us1');
  });
});
