/**
 * The three CRMs this example writes to: each one's real account when its credentials are in the
 * environment, else its local emulator started in this process. Mixing is fine (a real HubSpot and
 * emulated Mailchimp and Salesforce, say); half-set credentials are refused rather than guessed.
 */
import type { CrmAdapter, SummaryFieldKey } from '@optintrail/core';
import { createHubSpotAdapter, DEFAULT_PROPERTY_NAMING, readPropertyValue, summaryProperties } from '@optintrail/hubspot';
import { startHubSpotEmulator } from '@optintrail/hubspot/testing';
import { createMailchimpAdapter, createMailchimpClient, subscriberHash } from '@optintrail/mailchimp';
import { startMailchimpEmulator } from '@optintrail/mailchimp/testing';
import { createSalesforceAdapter, salesforceSchemaNames, soqlString } from '@optintrail/salesforce';
import { startSalesforceEmulator } from '@optintrail/salesforce/testing';

/** One CRM, ready to write to. */
export interface CrmTarget {
  label: 'HubSpot' | 'Mailchimp' | 'Salesforce';
  /** Where it writes, without credentials. */
  description: string;
  /** True when this is the embedded emulator, not an account. */
  emulated: boolean;
  adapter: CrmAdapter;
  /** Where this CRM keeps the summary and the events. */
  placement: string;
  /** What the CRM holds for a subject, read through its own API as a user of that CRM sees it: `[field name, value]`. */
  holdings(subject: string): Promise<Array<[string, string]>>;
  close(): Promise<void>;
}

/** The summary fields shown for each CRM, by core's neutral keys. */
export const SHOWN_FIELDS: readonly SummaryFieldKey[] = [
  'consentStatus',
  'consentSince',
  'consentSource',
  'consentStrength',
  'dataSources',
  'reminderEn',
  'reminderFr',
  'trailHead',
  'trailLength',
];

type Environment = Readonly<Record<string, string | undefined>>;

/** The values of `names` when all are set, `undefined` when none is; throws naming the missing ones otherwise. */
function credentials(crm: string, env: Environment, names: readonly string[]): Record<string, string> | undefined {
  const set = names.filter((name) => env[name]);
  if (set.length === 0) return undefined;
  const missing = names.filter((name) => !env[name]);
  if (missing.length > 0) {
    throw new Error(`${crm}: ${set.join(' and ')} ${set.length === 1 ? 'is' : 'are'} set but ${missing.join(' and ')} ${missing.length === 1 ? 'is' : 'are'} not; set all of ${names.join(', ')} to use your account, or none to use the local emulator.`);
  }
  return Object.fromEntries(names.map((name) => [name, env[name]!]));
}

export async function connectHubSpot(env: Environment): Promise<CrmTarget> {
  const real = credentials('HubSpot', env, ['HUBSPOT_ACCESS_TOKEN']);
  const emulator = real ? undefined : await startHubSpotEmulator();
  const basePath = emulator?.url ?? env['HUBSPOT_BASE_PATH'];
  const adapter = createHubSpotAdapter({ accessToken: real?.['HUBSPOT_ACCESS_TOKEN'] ?? 'emulator-token', ...(basePath ? { basePath } : {}) });
  const properties = summaryProperties(DEFAULT_PROPERTY_NAMING, SHOWN_FIELDS);
  return {
    label: 'HubSpot',
    description: emulator ? `local emulator at ${emulator.url} (set HUBSPOT_ACCESS_TOKEN to use your account)` : `your account${basePath ? ` at ${basePath}` : ''} (HUBSPOT_ACCESS_TOKEN is set)`,
    emulated: emulator !== undefined,
    adapter,
    placement: 'contact properties; one note per event on the contact',
    async holdings(subject) {
      const names = properties.map((property) => property.name);
      const contact = await adapter.client.crm.contacts.basicApi.getById(subject, names, undefined, undefined, false, 'email');
      return [
        ['contact id', contact.id],
        ...properties.map((property): [string, string] => [property.name, readPropertyValue(property, contact.properties[property.name]) ?? '']),
      ];
    },
    close: async () => emulator?.close(),
  };
}

export async function connectMailchimp(env: Environment): Promise<CrmTarget> {
  const real = credentials('Mailchimp', env, ['MAILCHIMP_API_KEY', 'MAILCHIMP_SERVER_PREFIX', 'MAILCHIMP_LIST_ID']);
  const emulator = real ? undefined : await startMailchimpEmulator();
  const baseUrl = emulator?.url ?? env['MAILCHIMP_BASE_URL'];
  const client = createMailchimpClient({
    apiKey: real?.['MAILCHIMP_API_KEY'] ?? emulator!.apiKey,
    ...(real ? { serverPrefix: real['MAILCHIMP_SERVER_PREFIX'] } : {}),
    ...(baseUrl ? { baseUrl } : {}),
  });
  const listId = real?.['MAILCHIMP_LIST_ID'] ?? emulator!.createList('Newsletter');
  const adapter = createMailchimpAdapter({ client, listId });
  return {
    label: 'Mailchimp',
    description: emulator
      ? `local emulator at ${emulator.url} (set MAILCHIMP_API_KEY, MAILCHIMP_SERVER_PREFIX and MAILCHIMP_LIST_ID to use your audience)`
      : `your audience ${listId} at ${client.baseUrl} (MAILCHIMP_API_KEY, MAILCHIMP_SERVER_PREFIX and MAILCHIMP_LIST_ID are set)`,
    emulated: emulator !== undefined,
    adapter,
    placement: 'merge fields of the member; member events and notes',
    async holdings(subject) {
      const member = await client.lists.getListMember(listId, subscriberHash(subject));
      return [
        ['status', member.status],
        ['opted in', `${member.timestamp_opt || '-'} from ${member.ip_opt || '-'}`],
        ...SHOWN_FIELDS.map((key): [string, string] => [`*|${adapter.tags[key]}|*`, String(member.merge_fields[adapter.tags[key]] ?? '')]),
      ];
    },
    close: async () => emulator?.close(),
  };
}

export async function connectSalesforce(env: Environment): Promise<CrmTarget> {
  const real = credentials('Salesforce', env, ['SALESFORCE_INSTANCE_URL', 'SALESFORCE_ACCESS_TOKEN']);
  const emulator = real ? undefined : await startSalesforceEmulator();
  const instanceUrl = real?.['SALESFORCE_INSTANCE_URL'] ?? emulator!.url;
  const apiVersion = env['SALESFORCE_API_VERSION'];
  const adapter = createSalesforceAdapter({
    instanceUrl,
    accessToken: real?.['SALESFORCE_ACCESS_TOKEN'] ?? 'emulator-session-id',
    ...(real && apiVersion ? { apiVersion } : {}),
  });
  const names = salesforceSchemaNames();
  const shown = SHOWN_FIELDS.map((key) => names.summary[key]);
  return {
    label: 'Salesforce',
    description: emulator
      ? `local emulator at ${emulator.url} (set SALESFORCE_INSTANCE_URL and SALESFORCE_ACCESS_TOKEN to use your org)`
      : `your org at ${instanceUrl} (SALESFORCE_INSTANCE_URL and SALESFORCE_ACCESS_TOKEN are set)`,
    emulated: emulator !== undefined,
    adapter,
    placement: `Contact custom fields; one ${names.eventObject} record per event`,
    async holdings(subject) {
      const [contact] = await adapter.client.query<Record<string, unknown>>(
        'example',
        `SELECT Id, ${shown.join(', ')} FROM Contact WHERE ${names.subjectKey} = ${soqlString(subject)} LIMIT 1`,
      );
      return [['Contact Id', String(contact?.['Id'] ?? '?')], ...shown.map((name): [string, string] => [name, String(contact?.[name] ?? '')])];
    },
    close: async () => emulator?.close(),
  };
}
