import { readFileSync, statSync } from 'node:fs';
import { UsageError } from './cli-errors';
import type { SecretRedactor } from './secret-redactor';

/** One setting: read from an environment variable, or else from the config file given by `--config`. */
export interface SettingSpec {
  /** Environment variable, e.g. `HUBSPOT_ACCESS_TOKEN`. Wins over the config file, as in most CLIs. */
  env: string;
  /** Dotted key in the config file, e.g. `hubspot.accessToken`. */
  config: string;
  /** A credential: registered with the redactor so it is never printed. */
  secret: boolean;
  /** What it is, for help texts. */
  description: string;
}

/** The key suppression fingerprints are computed with (see `erase` and `sync --suppression-file`). */
export const SUPPRESSION_KEY_SETTING: SettingSpec = {
  env: 'OPTINTRAIL_SUPPRESSION_KEY',
  config: 'suppressionKey',
  secret: true,
  description: 'key of the suppression fingerprints (at least 16 bytes, e.g. `openssl rand -hex 32`)',
};

/** Settings as a command sees them. */
export interface CliSettings {
  get(spec: SettingSpec): string | undefined;
  /** Where the config file is, when one was given. */
  readonly configPath: string | undefined;
}

/**
 * Reads the config file (JSON, keys as in `SettingSpec.config`) and the environment, and registers
 * every secret found in either with the redactor before anything is printed. Unknown keys in the
 * file are refused: a misspelt key would otherwise be ignored without a word.
 */
export function loadSettings(options: {
  env: NodeJS.ProcessEnv;
  configPath: string | undefined;
  specs: readonly SettingSpec[];
  redactor: SecretRedactor;
  warn: (message: string) => void;
}): CliSettings {
  const { env, configPath, specs, redactor } = options;
  for (const spec of specs) if (spec.secret) redactor.add(env[spec.env]);

  const fromFile = new Map<string, string>();
  if (configPath !== undefined) {
    let text: string;
    try {
      text = readFileSync(configPath, 'utf8');
    } catch (error) {
      throw new UsageError(`cannot read the config file ${configPath}: ${(error as NodeJS.ErrnoException).code ?? 'unreadable'}`);
    }
    let document: unknown;
    try {
      document = JSON.parse(text);
    } catch {
      // JSON.parse quotes the text around the error, which could be a credential: say only where.
      throw new UsageError(`the config file ${configPath} is not valid JSON`);
    }
    const known = new Map(specs.map((spec) => [spec.config, spec]));
    flatten(document, '', (key, value) => {
      const spec = known.get(key);
      if (!spec) {
        throw new UsageError(`unknown key "${key}" in the config file ${configPath} (known: ${[...known.keys()].join(', ')})`);
      }
      if (typeof value !== 'string') throw new UsageError(`"${key}" in the config file ${configPath} must be a string`);
      if (spec.secret) redactor.add(value);
      fromFile.set(key, value);
    });
    warnIfReadableByOthers(configPath, options.warn);
  }

  return {
    configPath,
    get(spec) {
      const value = env[spec.env];
      if (value !== undefined && value !== '') return value;
      return fromFile.get(spec.config);
    },
  };
}

function flatten(value: unknown, prefix: string, visit: (key: string, value: unknown) => void): void {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    for (const [key, item] of Object.entries(value)) flatten(item, prefix ? `${prefix}.${key}` : key, visit);
    return;
  }
  if (prefix === '') throw new UsageError('the config file must hold a JSON object');
  visit(prefix, value);
}

function warnIfReadableByOthers(path: string, warn: (message: string) => void): void {
  if (process.platform === 'win32') return;
  try {
    if ((statSync(path).mode & 0o077) !== 0) warn(`note: ${path} holds credentials and can be read by other users; run chmod 600 ${path}`);
  } catch {
    // Already read above; a stat failure here changes nothing.
  }
}
