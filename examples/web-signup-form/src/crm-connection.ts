/**
 * Where the sign-ups go: the CRM whose credentials are in the environment, else a local HubSpot
 * emulator started in this process. With credentials for several CRMs, the first of HubSpot,
 * Mailchimp, Salesforce is used unless `OPTINTRAIL_CRM` names one.
 */
import type { CrmAdapter } from '@optintrail/core';
import { createHubSpotAdapter } from '@optintrail/hubspot';
import { startHubSpotEmulator, type HubSpotEmulator } from '@optintrail/hubspot/testing';
import { createMailchimpAdapter } from '@optintrail/mailchimp';
import { createSalesforceAdapter } from '@optintrail/salesforce';

export interface CrmConnection {
  label: 'HubSpot' | 'Mailchimp' | 'Salesforce';
  /** Where the sign-ups are written, without credentials. */
  description: string;
  adapter: CrmAdapter;
  /** The embedded HubSpot emulator when no credentials are set (tests read its state). */
  emulator: HubSpotEmulator | undefined;
  close(): Promise<void>;
}

type Environment = Readonly<Record<string, string | undefined>>;

const REQUIRED = {
  hubspot: ['HUBSPOT_ACCESS_TOKEN'],
  mailchimp: ['MAILCHIMP_API_KEY', 'MAILCHIMP_SERVER_PREFIX', 'MAILCHIMP_LIST_ID'],
  salesforce: ['SALESFORCE_INSTANCE_URL', 'SALESFORCE_ACCESS_TOKEN'],
} as const;
type CrmName = keyof typeof REQUIRED;

/** Which CRMs have every variable set; throws on a half-set one (a guess would write to the wrong place). */
function configuredCrms(env: Environment): CrmName[] {
  const configured: CrmName[] = [];
  for (const crm of Object.keys(REQUIRED) as CrmName[]) {
    const names: readonly string[] = REQUIRED[crm];
    const missing = names.filter((name) => !env[name]);
    if (missing.length === 0) configured.push(crm);
    else if (missing.length < names.length) throw new Error(`${crm}: set all of ${names.join(', ')} (missing ${missing.join(', ')}), or none of them`);
  }
  return configured;
}

export async function connectCrm(env: Environment): Promise<CrmConnection> {
  const configured = configuredCrms(env);
  const chosen = env['OPTINTRAIL_CRM'] ? (env['OPTINTRAIL_CRM'].toLowerCase() as CrmName) : configured[0];
  if (chosen !== undefined && !configured.includes(chosen)) {
    throw new Error(`OPTINTRAIL_CRM=${env['OPTINTRAIL_CRM']}: ${chosen in REQUIRED ? `set ${REQUIRED[chosen].join(', ')} first` : 'use hubspot, mailchimp or salesforce'}`);
  }
  switch (chosen) {
    case 'hubspot': {
      const basePath = env['HUBSPOT_BASE_PATH'];
      return {
        label: 'HubSpot',
        description: `your HubSpot account${basePath ? ` at ${basePath}` : ''}`,
        adapter: createHubSpotAdapter({ accessToken: env['HUBSPOT_ACCESS_TOKEN']!, ...(basePath ? { basePath } : {}) }),
        emulator: undefined,
        close: async () => undefined,
      };
    }
    case 'mailchimp': {
      const baseUrl = env['MAILCHIMP_BASE_URL'];
      return {
        label: 'Mailchimp',
        description: `your Mailchimp audience ${env['MAILCHIMP_LIST_ID']}`,
        adapter: createMailchimpAdapter({
          apiKey: env['MAILCHIMP_API_KEY']!,
          serverPrefix: env['MAILCHIMP_SERVER_PREFIX']!,
          listId: env['MAILCHIMP_LIST_ID']!,
          ...(baseUrl ? { baseUrl } : {}),
        }),
        emulator: undefined,
        close: async () => undefined,
      };
    }
    case 'salesforce':
      return {
        label: 'Salesforce',
        description: `your Salesforce org at ${env['SALESFORCE_INSTANCE_URL']}`,
        adapter: createSalesforceAdapter({ instanceUrl: env['SALESFORCE_INSTANCE_URL']!, accessToken: env['SALESFORCE_ACCESS_TOKEN']! }),
        emulator: undefined,
        close: async () => undefined,
      };
    default: {
      const emulator = await startHubSpotEmulator();
      return {
        label: 'HubSpot',
        description: `a local HubSpot emulator at ${emulator.url} (set HUBSPOT_ACCESS_TOKEN, or the Mailchimp or Salesforce variables, to use your CRM)`,
        adapter: createHubSpotAdapter({ accessToken: 'emulator-token', basePath: emulator.url }),
        emulator,
        close: () => emulator.close(),
      };
    }
  }
}
