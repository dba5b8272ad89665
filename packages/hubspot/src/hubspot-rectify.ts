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
import type { HubSpotConnection } from './hubspot-client';
import { HUBSPOT_ADAPTER_ID } from './hubspot-errors';

/**
 * HubSpot's default contact properties for the neutral field names of the trail. A rectified field
 * in this map is also corrected in that property; any other field is corrected in the trail only.
 */
export const DEFAULT_HUBSPOT_DATA_PROPERTIES: Readonly<Record<string, string>> = {
  firstName: 'firstname',
  lastName: 'lastname',
  company: 'company',
  jobTitle: 'jobtitle',
  phone: 'phone',
  mobilePhone: 'mobilephone',
  website: 'website',
  address: 'address',
  city: 'city',
  state: 'state',
  postalCode: 'zip',
  country: 'country',
};

/** How `rectify` maps the trail's fields onto HubSpot contact properties. */
export interface HubSpotRectifySettings {
  /**
   * Neutral field name → HubSpot contact property written when that field is rectified, e.g.
   * `{ firstName: 'firstname', loyaltyTier: 'loyalty_tier' }`. Default `DEFAULT_HUBSPOT_DATA_PROPERTIES`.
   * The email is never rewritten: it is the key the trail is kept under.
   */
  dataProperties?: Readonly<Record<string, string>>;
}

/** What `rectify` needs from the adapter it belongs to. */
export interface HubSpotRectifyContext {
  connection: HubSpotConnection;
  dataProperties: Readonly<Record<string, string>>;
  pull: CrmAdapter['pull'];
  push: CrmAdapter['push'];
}

function propertyText(value: FieldValue): string {
  return value === null ? '' : String(value);
}

/**
 * The adapter's `rectify` (GDPR Art. 16): pulls and verifies the subject's trail, builds the
 * `data.rectified` event with core's `rectificationEvent` (reason and actor required, the replaced
 * value kept as `previousValue`), writes the corrected value into the mapped contact property, then
 * pushes the longer trail (its note and the summary properties). The property goes first so that a
 * failure leaves nothing the trail does not explain: running the same rectification again is safe.
 * Returns the new trail; the old value stays in the trail's history (and in HubSpot's property history).
 */
export function createHubSpotRectify(context: HubSpotRectifyContext): (subject: SubjectRef, request: RectificationRequest) => Promise<Trail> {
  return async function rectify(subject, request) {
    const email = normalizeEmail(subject.email);
    const property = Object.hasOwn(context.dataProperties, request.field) ? context.dataProperties[request.field] : undefined;
    if (request.field === 'email' || property === 'email') {
      throw new ValidationError([{ path: 'field', reason: 'the email is the key the trail is kept under; record the new address as a new subject instead' }], 'Rectification refused');
    }
    const trail = await context.pull({ email });
    if (!trail) throw new ValidationError([{ path: 'subject', reason: 'HubSpot holds no trail for this address; push one before rectifying it' }], 'Rectification refused');
    const event = rectificationEvent(trail, request as RectificationInput);
    const rectified = appendEvents(trail, [event]);

    if (property) {
      await context.connection.call('contacts.update', (client) =>
        client.crm.contacts.basicApi.update(email, { properties: { [property]: propertyText(event.fields![0]!.value as FieldValue) } }, 'email'),
      );
    }
    const report = await context.push([rectified]);
    const failure = report.failures[0];
    if (failure) {
      throw new CrmApiError({
        adapter: HUBSPOT_ADAPTER_ID,
        operation: 'rectify',
        message: `the correction was not stored: ${failure.reason}`,
        vendorCode: failure.vendorCode,
        isRetryable: failure.kind === 'vendor',
      });
    }
    return rectified;
  };
}
