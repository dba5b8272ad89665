import type { Actor, Source, SourceKind } from '@optintrail/core';

/**
 * Who changed a HubSpot property, as property history (`sourceType`, `sourceId`, `updatedByUserId`,
 * `ValueWithTimestamp` in crm-contacts-v3.json) and webhooks (`changeSource`, `sourceId`) say it,
 * turned into an OptinTrail source and actor.
 *
 * [R] HubSpot does not publish the full list of source types; the ones below are those its UI and
 * API answers show. An unknown one becomes `other`, named after the source type, never a guess.
 */
const KIND_BY_SOURCE_TYPE: Record<string, SourceKind> = {
  CRM_UI: 'crm-user',
  CRM_UI_BULK_ACTION: 'crm-user',
  MOBILE_IOS: 'crm-user',
  MOBILE_ANDROID: 'crm-user',
  SALES: 'crm-user',
  BCC_TO_CRM: 'crm-user',
  EXTENSION: 'crm-user',
  CONTACTS: 'crm-user',
  CONTACTS_WEB: 'crm-user',
  MERGE_CONTACTS: 'crm-user',
  AUTOMATION_PLATFORM: 'crm-automation',
  WORKFLOWS: 'crm-automation',
  CALCULATED: 'crm-automation',
  SEQUENCES: 'crm-automation',
  BOT: 'crm-automation',
  ANALYTICS: 'crm-automation',
  FORM: 'web-form',
  EMAIL: 'subject',
  COMMUNICATION_PREFERENCES: 'subject',
  IMPORT: 'import',
  INTEGRATION: 'api',
  API: 'api',
  EMAIL_INTEGRATION: 'api',
  PUBLIC_API: 'api',
};

const DEFAULT_NAME: Record<SourceKind, string> = {
  'crm-user': 'HubSpot',
  'crm-automation': 'HubSpot workflow',
  'web-form': 'HubSpot form',
  subject: 'HubSpot email preferences',
  import: 'HubSpot import',
  api: 'HubSpot integration',
  event: 'HubSpot',
  purchase: 'HubSpot',
  'paper-form': 'HubSpot',
  phone: 'HubSpot',
  partner: 'HubSpot',
  other: 'HubSpot',
};

/** What HubSpot records about the author of a change. */
export interface HubSpotChangeOrigin {
  /** `sourceType` in history, `changeSource` in webhooks, e.g. `CRM_UI`, `INTEGRATION`. */
  sourceType?: string | null | undefined;
  /** e.g. `userId:1001`, an app id, `workflow:42`. */
  sourceId?: string | null | undefined;
  sourceLabel?: string | null | undefined;
  updatedByUserId?: number | null | undefined;
}

/** The OptinTrail source kind of a HubSpot source type. */
export function sourceKindOf(sourceType: string | null | undefined): SourceKind {
  return KIND_BY_SOURCE_TYPE[(sourceType ?? '').toUpperCase()] ?? 'other';
}

/** The source of a change: kind from the source type, name from HubSpot's label when it has one. */
export function hubSpotSource(origin: HubSpotChangeOrigin): Source {
  const kind = sourceKindOf(origin.sourceType);
  const label = origin.sourceLabel?.trim();
  const name = kind === 'other' ? `HubSpot (${(origin.sourceType ?? 'unknown source').toLowerCase()})` : label && kind !== 'crm-user' ? label : DEFAULT_NAME[kind];
  return { kind, name: name.slice(0, 200) };
}

/** Who acted: a staff member (HubSpot user id), the subject, a workflow, or an integration. */
export function hubSpotActor(origin: HubSpotChangeOrigin): Actor | undefined {
  const kind = sourceKindOf(origin.sourceType);
  const userId = origin.updatedByUserId ?? numberAfter(origin.sourceId, 'userId:');
  switch (kind) {
    case 'crm-user':
      return userId !== undefined ? { kind: 'staff', id: `hubspot-user:${userId}` } : { kind: 'staff' };
    case 'web-form':
    case 'subject':
      return { kind: 'subject' };
    case 'crm-automation':
      return origin.sourceId ? { kind: 'system', id: `hubspot:${origin.sourceId}`.slice(0, 200) } : { kind: 'system' };
    case 'api':
    case 'import':
      return origin.sourceId ? { kind: 'integration', id: `hubspot:${origin.sourceId}`.slice(0, 200) } : { kind: 'integration' };
    default:
      return undefined;
  }
}

function numberAfter(text: string | null | undefined, prefix: string): number | undefined {
  if (!text?.startsWith(prefix)) return undefined;
  const value = Number(text.slice(prefix.length));
  return Number.isInteger(value) ? value : undefined;
}

/** HubSpot property → OptinTrail's neutral field name, for the contact properties people usually hold. */
export const DEFAULT_HUBSPOT_FIELD_NAMES: Readonly<Record<string, string>> = {
  email: 'email',
  firstname: 'firstName',
  lastname: 'lastName',
  phone: 'phone',
  mobilephone: 'mobilePhone',
  company: 'company',
  jobtitle: 'jobTitle',
  address: 'street',
  city: 'city',
  zip: 'postalCode',
  state: 'region',
  country: 'country',
};

/** The neutral field name of a property: from the mapping, else the property's own name when it fits the model. */
export function fieldNameOf(property: string, mapping: Readonly<Record<string, string>>): string | undefined {
  const mapped = mapping[property];
  if (mapped) return mapped;
  return /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/.test(property) ? property : undefined;
}

/** `hs_email_optout` (all email) or `hs_email_optout_<subscription id>`: HubSpot's opt-out properties. */
export function optOutSubscriptionOf(property: string): 'all' | number | undefined {
  if (property === 'hs_email_optout') return 'all';
  const match = /^hs_email_optout_(\d+)$/.exec(property);
  return match ? Number(match[1]) : undefined;
}
