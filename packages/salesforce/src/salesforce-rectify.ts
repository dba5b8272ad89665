import {
  createAdapterRectify,
  ValidationError,
  type CrmAdapter,
  type RectificationRequest,
  type SubjectRef,
  type Trail,
} from '@optintrail/core';
import type { SalesforceClient } from './salesforce-client';
import { SALESFORCE_ADAPTER_ID } from './salesforce-error';

/**
 * Standard Contact and Lead fields for the neutral field names of the trail. A rectified field in
 * the map is also corrected on the record; any other field is corrected in the trail only.
 */
export const DEFAULT_SALESFORCE_DATA_FIELDS: Readonly<Record<'Contact' | 'Lead', Readonly<Record<string, string>>>> = {
  Contact: {
    firstName: 'FirstName',
    lastName: 'LastName',
    jobTitle: 'Title',
    phone: 'Phone',
    mobilePhone: 'MobilePhone',
    address: 'MailingStreet',
    city: 'MailingCity',
    state: 'MailingState',
    postalCode: 'MailingPostalCode',
    country: 'MailingCountry',
  },
  Lead: {
    firstName: 'FirstName',
    lastName: 'LastName',
    company: 'Company',
    jobTitle: 'Title',
    phone: 'Phone',
    mobilePhone: 'MobilePhone',
    website: 'Website',
    address: 'Street',
    city: 'City',
    state: 'State',
    postalCode: 'PostalCode',
    country: 'Country',
  },
};

/** How `rectify` maps the trail's fields onto the record's fields. */
export interface SalesforceRectifySettings {
  /**
   * Neutral field name → API name of the Contact (or Lead) field written when that field is
   * rectified, e.g. `{ firstName: 'FirstName', loyaltyTier: 'Loyalty_Tier__c' }`. Default
   * `DEFAULT_SALESFORCE_DATA_FIELDS` for the record object. The email is never rewritten: it is the
   * key the trail is kept under.
   */
  dataFields?: Readonly<Record<string, string>>;
}

/** What `rectify` needs from the adapter it belongs to. */
export interface SalesforceRectifyContext {
  client: SalesforceClient;
  recordObject: 'Contact' | 'Lead';
  dataFields: Readonly<Record<string, string>>;
  /** The Id of the record holding the subject's trail (the one `pull` reads), if any. */
  findRecordId(email: string): Promise<string | undefined>;
  pull: CrmAdapter['pull'];
  push: CrmAdapter['push'];
}

/**
 * The adapter's `rectify` (GDPR Art. 16), on core's `createAdapterRectify`: the mapped field is
 * updated on the record (where the field has history tracking on, Salesforce's own history keeps the
 * old value too), then the longer trail is pushed (its event record and the summary fields).
 */
export function createSalesforceRectify(context: SalesforceRectifyContext): (subject: SubjectRef, request: RectificationRequest) => Promise<Trail> {
  const fieldFor = (field: string) => (Object.hasOwn(context.dataFields, field) ? context.dataFields[field] : undefined);
  return createAdapterRectify({
    adapter: SALESFORCE_ADAPTER_ID,
    crmName: 'Salesforce',
    pull: context.pull,
    push: context.push,
    nativeFieldName: fieldFor,
    async writeNativeField(email, neutralField, value) {
      const field = fieldFor(neutralField);
      if (!field) return false;
      const recordId = await context.findRecordId(email);
      if (!recordId) throw new ValidationError([{ path: 'subject', reason: `no ${context.recordObject} holds this address any more` }], 'Rectification refused');
      await context.client.request(`update ${context.recordObject}`, 'PATCH', `/sobjects/${context.recordObject}/${recordId}`, { [field]: value === '' ? null : value });
      return true;
    },
  });
}
