import {
  appendEvents,
  CrmApiError,
  normalizeEmail,
  rectificationEvent,
  ValidationError,
  type CrmAdapter,
  type FieldValue,
  type RectificationInput,
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
 * The adapter's `rectify` (GDPR Art. 16): pulls and verifies the subject's trail, builds the
 * `data.rectified` event with core's `rectificationEvent` (reason and actor required, the replaced
 * value kept as `previousValue`), updates the mapped field on the record, then pushes the longer
 * trail (its event record and the summary fields). The field goes first so that a failure leaves
 * nothing the trail does not explain: running the same rectification again is safe. Where the field
 * has history tracking on, Salesforce's own history keeps the old value too.
 */
export function createSalesforceRectify(context: SalesforceRectifyContext): (subject: SubjectRef, request: RectificationRequest) => Promise<Trail> {
  return async function rectify(subject, request) {
    const email = normalizeEmail(subject.email);
    const field = Object.hasOwn(context.dataFields, request.field) ? context.dataFields[request.field] : undefined;
    if (request.field === 'email' || field?.toLowerCase() === 'email') {
      throw new ValidationError([{ path: 'field', reason: 'the email is the key the trail is kept under; record the new address as a new subject instead' }], 'Rectification refused');
    }
    const trail = await context.pull({ email });
    if (!trail) throw new ValidationError([{ path: 'subject', reason: 'Salesforce holds no trail for this address; push one before rectifying it' }], 'Rectification refused');
    const event = rectificationEvent(trail, request as RectificationInput);
    const rectified = appendEvents(trail, [event]);

    if (field) {
      const recordId = await context.findRecordId(email);
      if (!recordId) throw new ValidationError([{ path: 'subject', reason: `no ${context.recordObject} holds this address any more` }], 'Rectification refused');
      const value = event.fields![0]!.value as FieldValue;
      await context.client.request(`update ${context.recordObject}`, 'PATCH', `/sobjects/${context.recordObject}/${recordId}`, { [field]: value === '' ? null : value });
    }
    const report = await context.push([rectified]);
    const failure = report.failures[0];
    if (failure) {
      throw new CrmApiError({
        adapter: SALESFORCE_ADAPTER_ID,
        operation: 'rectify',
        message: `the correction was not stored: ${failure.reason}`,
        vendorCode: failure.vendorCode,
        isRetryable: failure.kind === 'vendor',
      });
    }
    return rectified;
  };
}
