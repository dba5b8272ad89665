/**
 * The one place that knows the three CRMs: which package provides each adapter and emulator, which
 * settings (environment variables or config keys) each needs, and where each stores what.
 *
 * Adapter packages are loaded lazily (help and the other CRMs never pay for an SDK they do not use).
 * When one cannot be loaded (not built), the demo and `--emulator` use the in-memory reference
 * adapter in that CRM's place and say so; commands against a real account refuse to run instead.
 */
import type { BackfillSubject, CrmAdapter } from '@optintrail/core';
import { createInMemoryAdapter } from '@optintrail/adapter-test/in-memory-adapter';
import { seedHubSpotExistingContacts, seedMailchimpExistingContacts, seedSalesforceExistingContacts } from './backfill-audience';
import { OperationalError, UsageError } from './cli-errors';
import type { CliSettings, SettingSpec } from './settings';
// Types only (erased at build): the packages themselves load lazily, below.
import type { HubSpotBackfillSettings } from '@optintrail/hubspot';
import type { MailchimpBackfillSettings } from '@optintrail/mailchimp';
import type { SalesforceBackfillSettings } from '@optintrail/salesforce';

type HubSpotAdapter = HubSpotBackfillSettings['adapter'];
type MailchimpAdapter = MailchimpBackfillSettings['adapter'];
type SalesforceAdapter = SalesforceBackfillSettings['adapter'];

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
  /**
   * Fills the emulator with contacts made in the CRM before OptinTrail (by the team, by imports, by
   * people signing up), through the emulator's own backdoor rather than the adapter: what `backfill`
   * reads. Resolves with their addresses.
   */
  seedExistingContacts(): Promise<string[]>;
  close(): Promise<void>;
}

/** What `backfill` reads from a CRM, beyond the adapter itself. */
export interface BackfillSourceOptions {
  /** The purpose a CRM-wide status or opt-out is about (Mailchimp status, HubSpot and Salesforce email opt-out). */
  purpose: string;
  /** HubSpot: purpose → subscription type id whose current status becomes a consent event. */
  subscriptions?: Readonly<Record<string, number>>;
}

/** A CRM's backfill reader, loaded from its adapter package. */
export interface CrmBackfillSource {
  /** Namespace of the backfilled event ids (stable, so a re-run writes nothing twice). */
  namespace: string;
  /** Every contact of the CRM with what it knows about them, a page at a time. */
  subjects: AsyncIterable<BackfillSubject>;
  /** Things the user should know about what is read (e.g. contacts left alone), printed on stderr. */
  notes: string[];
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
  /**
   * Opens the reader of what the CRM already knows about its contacts (native history, signup
   * fields, consent records) for `backfill`; undefined where the in-memory stand-in answers.
   */
  backfillSource: ((options: BackfillSourceOptions) => Promise<CrmBackfillSource>) | undefined;
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
  /**
   * Loads the package's backfill reader for an adapter it made. `settings` are those the adapter
   * was made with (keyed like `createAdapter`'s), for what the reader needs beyond the adapter.
   */
  backfillSource(adapter: CrmAdapter, settings: Readonly<Record<string, string>>, options: BackfillSourceOptions): Promise<CrmBackfillSource>;
  /** Defaults of `BackfillSourceOptions` that fit the fresh emulator (e.g. its subscription types). */
  emulatorBackfillDefaults: Partial<BackfillSourceOptions>;
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
/** The app id the HubSpot emulator signs API writes with (`sourceType: INTEGRATION`). */
const HUBSPOT_EMULATOR_APP_ID = '1234567';
/** The HubSpot emulator's "Newsletter" subscription type. */
const HUBSPOT_EMULATOR_NEWSLETTER_SUBSCRIPTION = 101;

const DEFINITIONS: Record<CrmName, CrmDefinition> = {
  hubspot: {
    name: 'hubspot',
    label: 'HubSpot',
    packageName: '@optintrail/hubspot',
    settings: [
      { env: 'HUBSPOT_ACCESS_TOKEN', config: 'hubspot.accessToken', adapterKey: 'accessToken', required: true, secret: true, description: 'private app access token' },
      { env: 'HUBSPOT_BASE_PATH', config: 'hubspot.basePath', adapterKey: 'basePath', required: false, secret: false, description: 'API base URL (default https://api.hubapi.com; an emulator URL to try things)' },
      { env: 'HUBSPOT_APP_ID', config: 'hubspot.appId', adapterKey: 'appId', required: false, secret: false, description: "id of the app whose token OptinTrail uses (backfill: its own writes are not history)" },
    ],
    placement: { schema: 'contact properties', summary: 'contact properties', timeline: 'notes associated with the contact' },
    async createAdapter(settings) {
      const { createHubSpotAdapter } = await load('@optintrail/hubspot', () => import('@optintrail/hubspot'));
      return createHubSpotAdapter({ accessToken: settings.accessToken, ...(settings.basePath ? { basePath: settings.basePath } : {}) });
    },
    async startEmulator(port) {
      const { startHubSpotEmulator } = await load('@optintrail/hubspot/testing', () => import('@optintrail/hubspot/testing'));
      const emulator = await startHubSpotEmulator({ port, appId: HUBSPOT_EMULATOR_APP_ID });
      const url = emulator.url;
      return {
        url,
        calls: () => emulator.calls,
        close: () => emulator.close(),
        seedExistingContacts: () => seedHubSpotExistingContacts(emulator, { accessToken: EMULATOR_TOKEN, newsletterSubscriptionId: HUBSPOT_EMULATOR_NEWSLETTER_SUBSCRIPTION }),
        adapterSettings: { accessToken: EMULATOR_TOKEN, basePath: url, appId: HUBSPOT_EMULATOR_APP_ID },
        environment: { HUBSPOT_ACCESS_TOKEN: EMULATOR_TOKEN, HUBSPOT_BASE_PATH: url, HUBSPOT_APP_ID: HUBSPOT_EMULATOR_APP_ID },
        sdkUsage: [
          "import { Client } from '@hubspot/api-client';",
          `const hubspot = new Client({ accessToken: 'any-token', basePath: '${url}' });`,
        ],
      };
    },
    async backfillSource(adapter, settings, options) {
      const { hubSpotBackfillSubjects, HUBSPOT_BACKFILL_NAMESPACE } = await load('@optintrail/hubspot', () => import('@optintrail/hubspot'));
      const subscriptions = Object.fromEntries(Object.entries(options.subscriptions ?? {}).map(([purpose, subscriptionId]) => [purpose, { subscriptionId }]));
      const ownSourceIds = settings.appId ? [settings.appId] : [];
      const notes: string[] = [];
      if (Object.keys(subscriptions).length === 0) {
        notes.push('no --subscription given: subscription statuses are not read, only property history and the "unsubscribed from all email" flag');
      }
      let subjects: AsyncIterable<BackfillSubject> = hubSpotBackfillSubjects({ adapter: adapter as HubSpotAdapter, subscriptions, ownSourceIds, purpose: options.purpose });
      if (ownSourceIds.length === 0) {
        // Without the app id, OptinTrail's own writes would read as history and be added to the
        // trails they came from: contacts that already hold a trail are left as they are.
        notes.push('HUBSPOT_APP_ID is not set: contacts that already hold a trail are left as they are (set it to add the changes made in HubSpot since)');
        subjects = leaveTrailsAlone(subjects);
      }
      return { namespace: HUBSPOT_BACKFILL_NAMESPACE, subjects, notes };
    },
    emulatorBackfillDefaults: { subscriptions: { newsletter: HUBSPOT_EMULATOR_NEWSLETTER_SUBSCRIPTION } },
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
        seedExistingContacts: async () => seedMailchimpExistingContacts(emulator, listId),
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
    async backfillSource(adapter, _settings, options) {
      const { mailchimpBackfillSubjects, MAILCHIMP_BACKFILL_NAMESPACE } = await load('@optintrail/mailchimp', () => import('@optintrail/mailchimp'));
      return { namespace: MAILCHIMP_BACKFILL_NAMESPACE, subjects: mailchimpBackfillSubjects({ adapter: adapter as MailchimpAdapter, purpose: options.purpose }), notes: [] };
    },
    emulatorBackfillDefaults: {},
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
        seedExistingContacts: async () => seedSalesforceExistingContacts(emulator),
        adapterSettings: { instanceUrl: url, accessToken: EMULATOR_TOKEN },
        environment: { SALESFORCE_INSTANCE_URL: url, SALESFORCE_ACCESS_TOKEN: EMULATOR_TOKEN },
        sdkUsage: [
          "import jsforce from 'jsforce';",
          `const salesforce = new jsforce.Connection({ instanceUrl: '${url}', accessToken: 'any-token', version: '62.0' });`,
        ],
      };
    },
    async backfillSource(adapter, _settings, options) {
      const { salesforceBackfillSubjects, SALESFORCE_BACKFILL_NAMESPACE } = await load('@optintrail/salesforce', () => import('@optintrail/salesforce'));
      return {
        namespace: SALESFORCE_BACKFILL_NAMESPACE,
        subjects: salesforceBackfillSubjects({ adapter: adapter as SalesforceAdapter, emailOptOutPurpose: options.purpose }),
        notes: [],
      };
    },
    emulatorBackfillDefaults: {},
  },
};

/** Contacts that already hold a trail pass through with nothing to add (counted, left as they are). */
async function* leaveTrailsAlone(subjects: AsyncIterable<BackfillSubject>): AsyncGenerator<BackfillSubject> {
  for await (const subject of subjects) yield subject.hasTrail ? { ...subject, changes: [] } : subject;
}

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
    backfillSource: undefined,
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
    const adapter = await definition.createAdapter(emulator.adapterSettings);
    return {
      crm,
      label: definition.label,
      adapter,
      implementation: 'adapter',
      target: `embedded ${definition.label} emulator at ${emulator.url}`,
      emulator,
      notes: [],
      backfillSource: (options) => backfillSourceOf(definition, adapter, emulator.adapterSettings, { ...definition.emulatorBackfillDefaults, ...withoutUndefined(options), purpose: options.purpose }),
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
    backfillSource: (options) => backfillSourceOf(definition, adapter, values, options),
    close: async () => undefined,
  };
}

async function backfillSourceOf(definition: CrmDefinition, adapter: CrmAdapter, settings: Readonly<Record<string, string>>, options: BackfillSourceOptions): Promise<CrmBackfillSource> {
  try {
    return await definition.backfillSource(adapter, settings, options);
  } catch (error) {
    if (error instanceof PackageUnavailableError) throw new OperationalError(`the ${definition.label} backfill is not available: ${error.message}`);
    throw error;
  }
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, item]) => item !== undefined)) as Partial<T>;
}

/** The CRMs whose required settings are all present (environment or config file): what `--crm all` means with a real account. */
export function configuredCrms(settings: CliSettings): CrmName[] {
  return CRM_NAMES.filter((crm) => DEFINITIONS[crm].settings.every((setting) => !setting.required || settings.get(setting) !== undefined));
}
