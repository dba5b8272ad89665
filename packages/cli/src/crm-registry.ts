/**
 * The one place that knows the three CRMs: which package provides each adapter and emulator, which
 * settings (environment variables or config keys) each needs, and where each stores what.
 *
 * Adapter packages are loaded lazily (help and the other CRMs never pay for an SDK they do not use).
 * When one cannot be loaded (not built), the demo and `--emulator` use the in-memory reference
 * adapter in that CRM's place and say so; commands against a real account refuse to run instead.
 */
import type { CrmAdapter } from '@optintrail/core';
import { createInMemoryAdapter } from '@optintrail/adapter-test/in-memory-adapter';
import { OperationalError, UsageError } from './cli-errors';
import type { CliSettings, SettingSpec } from './settings';

export const CRM_NAMES = ['hubspot', 'mailchimp', 'salesforce'] as const;
export type CrmName = (typeof CRM_NAMES)[number];

/** A setting a CRM's adapter takes, and whether a connection needs it. */
interface CrmSetting extends SettingSpec {
  /** The adapter factory's setting it fills. */
  adapterKey: string;
  required: boolean;
}

/** One HTTP call an emulator answered, as the demo's table counts them. */
export interface EmulatorCall {
  method: string;
  path: string;
  status: number;
}

/** An emulator running in this process. */
export interface RunningEmulator {
  crm: CrmName;
  /** Base URL as the adapter and the official SDK take it. */
  url: string;
  /** Calls answered so far, oldest first (credentials are redacted by the emulator). */
  calls(): readonly EmulatorCall[];
  /** What the CRM's adapter factory needs to talk to it. */
  adapterSettings: Record<string, string>;
  /** Environment variables that point this CLI (or a starter example) at it. */
  environment: Record<string, string>;
  /** Lines of code that point the official SDK at it. */
  sdkUsage: string[];
  close(): Promise<void>;
}

/** Where a command's reads and writes go. */
export interface CrmConnection {
  crm: CrmName;
  /** e.g. `HubSpot`. */
  label: string;
  adapter: CrmAdapter;
  /** `adapter`: the CRM's own adapter package; `in-memory`: the reference adapter stands in for it. */
  implementation: 'adapter' | 'in-memory';
  /** Human description of the target, without credentials. */
  target: string;
  emulator: RunningEmulator | undefined;
  /** Things the user should know (stand-ins, fresh emulators), printed on stderr. */
  notes: string[];
  close(): Promise<void>;
}

/** Where each CRM keeps the summary fields and the timeline (for the demo table and the README). */
export interface CrmPlacement {
  schema: string;
  summary: string;
  timeline: string;
}

interface CrmDefinition {
  name: CrmName;
  label: string;
  packageName: string;
  settings: CrmSetting[];
  placement: CrmPlacement;
  /** Builds the CRM's adapter from settings keyed by `CrmSetting.adapterKey`; loads the package on first use. */
  createAdapter(settings: Readonly<Record<string, string>>): Promise<CrmAdapter>;
  /** Starts the package's emulator on 127.0.0.1 and describes how to reach it. */
  startEmulator(port: number): Promise<Omit<RunningEmulator, 'crm'>>;
}

/** The adapter or emulator package could not be loaded (not built, not installed). */
class PackageUnavailableError extends Error {}

/** Packages load lazily: `optintrail --help` never pays for jsforce or the HubSpot SDK. */
async function load<T>(packageName: string, importer: () => Promise<T>): Promise<T> {
  try {
    return await importer();
  } catch (error) {
    throw new PackageUnavailableError(`${packageName} could not be loaded (${(error as NodeJS.ErrnoException).code ?? 'is it built?'})`);
  }
}

const EMULATOR_TOKEN = 'emulator-token';

const DEFINITIONS: Record<CrmName, CrmDefinition> = {
  hubspot: {
    name: 'hubspot',
    label: 'HubSpot',
    packageName: '@optintrail/hubspot',
    settings: [
      { env: 'HUBSPOT_ACCESS_TOKEN', config: 'hubspot.accessToken', adapterKey: 'accessToken', required: true, secret: true, description: 'private app access token' },
      { env: 'HUBSPOT_BASE_PATH', config: 'hubspot.basePath', adapterKey: 'basePath', required: false, secret: false, description: 'API base URL (default https://api.hubapi.com; an emulator URL to try things)' },
    ],
    placement: { schema: 'contact properties', summary: 'contact properties', timeline: 'notes associated with the contact' },
    async createAdapter(settings) {
      const { createHubSpotAdapter } = await load('@optintrail/hubspot', () => import('@optintrail/hubspot'));
      return createHubSpotAdapter({ accessToken: settings.accessToken, ...(settings.basePath ? { basePath: settings.basePath } : {}) });
    },
    async startEmulator(port) {
      const { startHubSpotEmulator } = await load('@optintrail/hubspot/testing', () => import('@optintrail/hubspot/testing'));
      const emulator = await startHubSpotEmulator({ port });
      const url = emulator.url;
      return {
        url,
        calls: () => emulator.calls,
        close: () => emulator.close(),
        adapterSettings: { accessToken: EMULATOR_TOKEN, basePath: url },
        environment: { HUBSPOT_ACCESS_TOKEN: EMULATOR_TOKEN, HUBSPOT_BASE_PATH: url },
        sdkUsage: [
          "import { Client } from '@hubspot/api-client';",
          `const hubspot = new Client({ accessToken: 'any-token', basePath: '${url}' });`,
        ],
      };
    },
  },
  mailchimp: {
    name: 'mailchimp',
    label: 'Mailchimp',
    packageName: '@optintrail/mailchimp',
    settings: [
      { env: 'MAILCHIMP_API_KEY', config: 'mailchimp.apiKey', adapterKey: 'apiKey', required: true, secret: true, description: 'Marketing API key (…-us21)' },
      { env: 'MAILCHIMP_SERVER_PREFIX', config: 'mailchimp.serverPrefix', adapterKey: 'serverPrefix', required: true, secret: false, description: 'datacenter, e.g. us21' },
      { env: 'MAILCHIMP_LIST_ID', config: 'mailchimp.listId', adapterKey: 'listId', required: true, secret: false, description: 'audience (list) id' },
      { env: 'MAILCHIMP_BASE_URL', config: 'mailchimp.baseUrl', adapterKey: 'baseUrl', required: false, secret: false, description: 'API base including /3.0 (an emulator URL to try things)' },
    ],
    placement: { schema: 'audience merge fields', summary: 'merge fields of the member', timeline: 'member events and notes' },
    async createAdapter(settings) {
      const { createMailchimpAdapter } = await load('@optintrail/mailchimp', () => import('@optintrail/mailchimp'));
      return createMailchimpAdapter({
        apiKey: settings.apiKey,
        serverPrefix: settings.serverPrefix,
        listId: settings.listId,
        ...(settings.baseUrl ? { baseUrl: settings.baseUrl } : {}),
      });
    },
    async startEmulator(port) {
      const { startMailchimpEmulator } = await load('@optintrail/mailchimp/testing', () => import('@optintrail/mailchimp/testing'));
      const emulator = await startMailchimpEmulator({ port });
      const { url, apiKey, serverPrefix } = emulator;
      const listId = emulator.createList('OptinTrail audience');
      return {
        url,
        calls: () => emulator.calls,
        close: () => emulator.close(),
        adapterSettings: { apiKey, serverPrefix, listId, baseUrl: url },
        environment: { MAILCHIMP_API_KEY: apiKey, MAILCHIMP_SERVER_PREFIX: serverPrefix, MAILCHIMP_LIST_ID: listId, MAILCHIMP_BASE_URL: url },
        sdkUsage: [
          "// The SDK's default export is a process-wide singleton; build an isolated client instead:",
          "import ApiClient from '@mailchimp/mailchimp_marketing/src/ApiClient.js';",
          `const mailchimp = new ApiClient(); mailchimp.basePath = '${url}'; mailchimp.setConfig({ apiKey: '${apiKey}' });`,
          `// audience id: ${listId}  (or: createMailchimpClient({ apiKey: '${apiKey}', baseUrl: '${url}' }) from @optintrail/mailchimp)`,
        ],
      };
    },
  },
  salesforce: {
    name: 'salesforce',
    label: 'Salesforce',
    packageName: '@optintrail/salesforce',
    settings: [
      { env: 'SALESFORCE_INSTANCE_URL', config: 'salesforce.instanceUrl', adapterKey: 'instanceUrl', required: true, secret: false, description: 'instance URL, e.g. https://acme.my.salesforce.com' },
      { env: 'SALESFORCE_ACCESS_TOKEN', config: 'salesforce.accessToken', adapterKey: 'accessToken', required: true, secret: true, description: 'OAuth access token (session id)' },
    ],
    placement: { schema: 'Contact custom fields and a custom object', summary: 'Contact custom fields', timeline: 'custom object records linked to the Contact' },
    async createAdapter(settings) {
      const { createSalesforceAdapter } = await load('@optintrail/salesforce', () => import('@optintrail/salesforce'));
      return createSalesforceAdapter({ instanceUrl: settings.instanceUrl, accessToken: settings.accessToken });
    },
    async startEmulator(port) {
      const { startSalesforceEmulator } = await load('@optintrail/salesforce/testing', () => import('@optintrail/salesforce/testing'));
      const emulator = await startSalesforceEmulator({ port });
      const url = emulator.url;
      return {
        url,
        calls: () => emulator.calls,
        close: () => emulator.close(),
        adapterSettings: { instanceUrl: url, accessToken: EMULATOR_TOKEN },
        environment: { SALESFORCE_INSTANCE_URL: url, SALESFORCE_ACCESS_TOKEN: EMULATOR_TOKEN },
        sdkUsage: [
          "import jsforce from 'jsforce';",
          `const salesforce = new jsforce.Connection({ instanceUrl: '${url}', accessToken: 'any-token', version: '62.0' });`,
        ],
      };
    },
  },
};

export function isCrmName(value: string): value is CrmName {
  return (CRM_NAMES as readonly string[]).includes(value);
}

export function crmLabel(crm: CrmName): string {
  return DEFINITIONS[crm].label;
}

export function crmPlacement(crm: CrmName): CrmPlacement {
  return DEFINITIONS[crm].placement;
}

/** Every setting of every CRM (for the config file's known keys and the redactor). */
export function crmSettingSpecs(): SettingSpec[] {
  return CRM_NAMES.flatMap((crm) => DEFINITIONS[crm].settings);
}

/** The environment variables a CRM needs, for help texts and error messages. */
export function requiredVariables(crm: CrmName): string[] {
  return DEFINITIONS[crm].settings.filter((setting) => setting.required).map((setting) => setting.env);
}

/** Lines for `--help`: every CRM with its variables. */
export function credentialsHelp(): string {
  return CRM_NAMES.map((crm) => {
    const settings = DEFINITIONS[crm].settings.map((setting) => `    ${setting.env.padEnd(26)} ${setting.config.padEnd(24)} ${setting.required ? '' : '(optional) '}${setting.description}`);
    return [`  ${DEFINITIONS[crm].label}:`, ...settings].join('\n');
  }).join('\n');
}

/**
 * Starts a CRM's emulator in this process. `port` 0 picks a free one.
 * Throws `OperationalError` when the emulator is not in this build, `UsageError` when the port is taken.
 */
export async function startEmulator(crm: CrmName, options: { port?: number } = {}): Promise<RunningEmulator> {
  const definition = DEFINITIONS[crm];
  try {
    return { crm, ...(await definition.startEmulator(options.port ?? 0)) };
  } catch (error) {
    if (error instanceof PackageUnavailableError) throw new OperationalError(`the ${definition.label} emulator is not available: ${error.message}`);
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') throw new UsageError(`port ${options.port} is already in use; pick another with --port`);
    if ((error as NodeJS.ErrnoException).code === 'EACCES') throw new UsageError(`port ${options.port} needs privileges; pick one above 1023 with --port`);
    throw new OperationalError(`the ${definition.label} emulator did not start: ${(error as Error).message}`);
  }
}

function inMemoryConnection(crm: CrmName, why: string): CrmConnection {
  const label = DEFINITIONS[crm].label;
  return {
    crm,
    label,
    adapter: createInMemoryAdapter(),
    implementation: 'in-memory',
    target: `in-memory stand-in for ${label}`,
    emulator: undefined,
    notes: [`${why}; the in-memory reference adapter stands in for ${label} (same contract, nothing leaves this process).`],
    close: async () => undefined,
  };
}

/**
 * A fresh embedded emulator of the CRM with the CRM's adapter pointed at it; its data is gone when
 * the command ends. Falls back to the in-memory reference adapter while the adapter or the emulator
 * is missing from this build (and says so in `notes`).
 */
export async function connectToEmbeddedEmulator(crm: CrmName): Promise<CrmConnection> {
  const definition = DEFINITIONS[crm];
  let emulator: RunningEmulator;
  try {
    emulator = { crm, ...(await definition.startEmulator(0)) };
  } catch (error) {
    if (error instanceof PackageUnavailableError) return inMemoryConnection(crm, error.message);
    throw new OperationalError(`the ${definition.label} emulator did not start: ${(error as Error).message}`);
  }
  try {
    return {
      crm,
      label: definition.label,
      adapter: await definition.createAdapter(emulator.adapterSettings),
      implementation: 'adapter',
      target: `embedded ${definition.label} emulator at ${emulator.url}`,
      emulator,
      notes: [],
      close: () => emulator.close(),
    };
  } catch (error) {
    await emulator.close();
    if (error instanceof PackageUnavailableError) return inMemoryConnection(crm, error.message);
    throw new OperationalError(`the ${definition.label} adapter refused the emulator settings: ${(error as Error).message}`);
  }
}

/** The CRM account named by the settings (environment or config file). */
export async function connectWithCredentials(crm: CrmName, settings: CliSettings): Promise<CrmConnection> {
  const definition = DEFINITIONS[crm];
  const values: Record<string, string> = {};
  const missing: CrmSetting[] = [];
  for (const setting of definition.settings) {
    const value = settings.get(setting);
    if (value !== undefined) values[setting.adapterKey] = value;
    else if (setting.required) missing.push(setting);
  }
  if (missing.length > 0) {
    const all = definition.settings.filter((setting) => setting.required);
    throw new UsageError(
      `no ${definition.label} credentials: set ${all.map((setting) => setting.env).join(' + ')} (missing ${missing.map((setting) => setting.env).join(', ')}), or pass --config with ${all.map((setting) => setting.config).join(', ')}, or add --emulator to try against an embedded emulator`,
    );
  }
  let adapter: CrmAdapter;
  try {
    adapter = await definition.createAdapter(values);
  } catch (error) {
    if (error instanceof PackageUnavailableError) {
      throw new OperationalError(`the ${definition.label} adapter is not available: ${error.message}; add --emulator to try the command against a stand-in`);
    }
    throw new UsageError(`the ${definition.label} settings were refused: ${(error as Error).message}`);
  }
  const base = values.basePath ?? values.baseUrl ?? values.instanceUrl;
  return {
    crm,
    label: definition.label,
    adapter,
    implementation: 'adapter',
    target: base ? `${definition.label} at ${base}` : definition.label,
    emulator: undefined,
    notes: [],
    close: async () => undefined,
  };
}
