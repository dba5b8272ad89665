/**
 * Contacts that a fresh emulator holds "from before OptinTrail", for `backfill --emulator`: made by
 * the team in the CRM, imported, or signed up through the CRM's own forms, written through each
 * emulator's backdoor (as a person in the vendor's UI would) so the CRM keeps its native history
 * (HubSpot property history and subscription statuses, Mailchimp signup fields and activity,
 * Salesforce field history and consent records). None of them has a trail yet.
 *
 * The emulator packages are imported for their types only: these functions receive an emulator the
 * registry has already loaded.
 */
import type { HubSpotEmulator } from '@optintrail/hubspot/testing';
import type { MailchimpEmulator } from '@optintrail/mailchimp/testing';
import type { SalesforceEmulator } from '@optintrail/salesforce/testing';

/** Imported with a legal basis and no evidence: an import without proof once backfilled. */
export const BACKFILL_IMPORTED = 'ines.garcia@example.fr';
/** Entered by a team member with nothing about consent: data only. */
export const BACKFILL_ENTERED_BY_STAFF = 'noah.bernard@example.org';
/** Signed up, then unsubscribed: a withdrawn consent. */
export const BACKFILL_UNSUBSCRIBED = 'sami.haddad@example.com';

/** Every address a seeded emulator holds, in the order above. */
export const BACKFILL_EXISTING_CONTACTS = [BACKFILL_IMPORTED, BACKFILL_ENTERED_BY_STAFF, BACKFILL_UNSUBSCRIBED] as const;

/**
 * HubSpot: Inès imported (then her last name corrected by a team member, and subscribed to the
 * newsletter with a legal basis but no evidence), Noah typed in by a team member, Sami from a form
 * who later unsubscribed from all email through a link.
 */
export async function seedHubSpotExistingContacts(emulator: HubSpotEmulator, settings: { accessToken: string; newsletterSubscriptionId: number }): Promise<string[]> {
  const { state } = emulator;
  state.createContact({ email: BACKFILL_IMPORTED, firstname: 'Inès', lastname: 'Garcia' }, { source: { sourceType: 'IMPORT', sourceId: 'import:2019-fair-leads' } });
  state.updateContactProperty(BACKFILL_IMPORTED, 'lastname', 'Garcia-Martin');
  state.createContact({ email: BACKFILL_ENTERED_BY_STAFF, firstname: 'Noah', lastname: 'Bernard', company: 'Atelier Bernard' });
  state.createContact({ email: BACKFILL_UNSUBSCRIBED, firstname: 'Sami' }, { source: { sourceType: 'FORM', sourceId: 'form:contact-us' } });
  state.updateContactProperty(BACKFILL_UNSUBSCRIBED, 'hs_email_optout', 'true', { source: { sourceType: 'EMAIL', sourceId: 'unsubscribe-link' } });
  // Subscription statuses have no backdoor: they are set through the emulator's own API, as HubSpot's UI does.
  const response = await fetch(`${emulator.url}/communication-preferences/v4/statuses/batch/write`, {
    method: 'POST',
    headers: { authorization: `Bearer ${settings.accessToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      inputs: [
        {
          subscriberIdString: BACKFILL_IMPORTED,
          channel: 'EMAIL',
          subscriptionId: settings.newsletterSubscriptionId,
          statusState: 'SUBSCRIBED',
          legalBasis: 'CONSENT_WITH_NOTICE',
          legalBasisExplanation: 'Sign-up sheet at the 2019 spring fair',
        },
      ],
    }),
  });
  if (!response.ok) throw new Error(`the HubSpot emulator refused the seeded subscription status (HTTP ${response.status})`);
  return [...BACKFILL_EXISTING_CONTACTS];
}

/**
 * Mailchimp: Inès added by a team member from an import (no signup IP), Noah signed up through the
 * hosted form (his IP is evidence), Sami signed up and later followed a campaign's unsubscribe link.
 */
export function seedMailchimpExistingContacts(emulator: MailchimpEmulator, listId: string): string[] {
  const { activity } = emulator;
  activity.adminAddMember(listId, { email: BACKFILL_IMPORTED, merge_fields: { FNAME: 'Inès', LNAME: 'Garcia' }, source: 'Import' });
  activity.subscriberSignsUp(listId, { email: BACKFILL_ENTERED_BY_STAFF, merge_fields: { FNAME: 'Noah' }, ip: '198.51.100.7' });
  activity.subscriberSignsUp(listId, { email: BACKFILL_UNSUBSCRIBED, merge_fields: { FNAME: 'Sami' }, ip: '203.0.113.9' });
  activity.subscriberUnsubscribes(listId, BACKFILL_UNSUBSCRIBED, { campaignId: 'c-spring', campaignTitle: 'Spring sale' });
  return [...BACKFILL_EXISTING_CONTACTS];
}

/**
 * Salesforce (after the adapter's schema, which creates the `newsletter` DataUsePurpose): Inès made
 * by a team member, her first name corrected, with a consent record captured at a webinar; Noah
 * made by a team member; Sami made by a team member who later ticked Email Opt Out.
 */
export function seedSalesforceExistingContacts(emulator: SalesforceEmulator): string[] {
  const { state } = emulator;
  const ines = state.createRecord('Contact', { FirstName: 'Ines', LastName: 'Garcia', Email: BACKFILL_IMPORTED });
  state.updateRecord('Contact', ines, { FirstName: 'Inès' });
  const individual = state.createRecord('Individual', { LastName: 'Garcia' });
  state.updateRecord('Contact', ines, { IndividualId: individual });
  const purpose = state.records('DataUsePurpose').find((row) => row['Name'] === 'newsletter')?.Id ?? state.createRecord('DataUsePurpose', { Name: 'newsletter' });
  state.createRecord('ContactPointTypeConsent', {
    Name: 'Newsletter by email',
    PartyId: individual,
    ContactPointType: 'Email',
    PrivacyConsentStatus: 'OptIn',
    DataUsePurposeId: purpose,
    CaptureDate: '2019-04-02T10:00:00.000Z',
    CaptureContactPointType: 'Web',
    CaptureSource: 'Spring webinar',
  });
  state.createRecord('Contact', { FirstName: 'Noah', LastName: 'Bernard', Email: BACKFILL_ENTERED_BY_STAFF });
  const sami = state.createRecord('Contact', { FirstName: 'Sami', LastName: 'Haddad', Email: BACKFILL_UNSUBSCRIBED });
  state.updateRecord('Contact', sami, { HasOptedOutOfEmail: true });
  return [...BACKFILL_EXISTING_CONTACTS];
}
