import {
  createAdapterRectify,
  type CrmAdapter,
  type FieldValue,
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
 * The adapter's `rectify` (GDPR Art. 16), on core's `createAdapterRectify`: the corrected value goes
 * into the mapped contact property (HubSpot's property history keeps the old one), then the longer
 * trail is pushed (its note and the summary properties).
 */
export function createHubSpotRectify(context: HubSpotRectifyContext): (subject: SubjectRef, request: RectificationRequest) => Promise<Trail> {
  const propertyFor = (field: string) => (Object.hasOwn(context.dataProperties, field) ? context.dataProperties[field] : undefined);
  return createAdapterRectify({
    adapter: HUBSPOT_ADAPTER_ID,
    crmName: 'HubSpot',
    pull: context.pull,
    push: context.push,
    nativeFieldName: propertyFor,
    async writeNativeField(email, field, value) {
      const property = propertyFor(field);
      if (!property) return false;
      await context.connection.call('contacts.update', (client) =>
        client.crm.contacts.basicApi.update(email, { properties: { [property]: propertyText(value) } }, 'email'),
      );
      return true;
    },
  });
}
