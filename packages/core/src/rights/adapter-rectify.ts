import type { CrmAdapter, RectificationRequest } from '../adapter';
import { CrmApiError, ValidationError } from '../errors';
import type { FieldValue, Trail } from '../model/event';
import { normalizeEmail, type SubjectRef } from '../model/subject';
import { appendEvents } from '../trail/trail';
import { rectificationEvent, type RectificationInput } from './rectification';

/** What an adapter gives `createAdapterRectify`: its own pull and push, and how to write a native field. */
export interface AdapterRectifySettings {
  /** Adapter id, for errors. */
  adapter: string;
  /** The CRM's name in messages, e.g. `HubSpot`. */
  crmName: string;
  pull: CrmAdapter['pull'];
  push: CrmAdapter['push'];
  /**
   * Writes the corrected value into the CRM's own field for this neutral field name, when the adapter
   * maps one (e.g. HubSpot `firstname`); returns false when the field has no native counterpart.
   */
  writeNativeField?: (email: string, field: string, value: FieldValue) => Promise<boolean>;
  /** The native field an adapter maps a neutral name to, to refuse rewriting the email key. */
  nativeFieldName?: (field: string) => string | undefined;
}

/**
 * The `rectify` every adapter offers (GDPR Art. 16): pull and verify the trail, build the
 * `data.rectified` event with `rectificationEvent` (reason and actor required, the replaced value
 * kept as `previousValue`), write the CRM's own field first, then push the longer trail. The field
 * goes first so that a failure leaves nothing the trail does not explain: running the same
 * rectification again is safe. The email is never rewritten: it is the key the trail is kept under.
 */
export function createAdapterRectify(settings: AdapterRectifySettings): (subject: SubjectRef, request: RectificationRequest) => Promise<Trail> {
  return async function rectify(subject, request) {
    const email = normalizeEmail(subject.email);
    if (request.field === 'email' || settings.nativeFieldName?.(request.field)?.toLowerCase() === 'email') {
      throw new ValidationError([{ path: 'field', reason: 'the email is the key the trail is kept under; record the new address as a new subject instead' }], 'Rectification refused');
    }
    const trail = await settings.pull({ email });
    if (!trail) {
      throw new ValidationError([{ path: 'subject', reason: `${settings.crmName} holds no trail for this address; push one before rectifying it` }], 'Rectification refused');
    }
    const event = rectificationEvent(trail, request as RectificationInput);
    const rectified = appendEvents(trail, [event]);
    await settings.writeNativeField?.(email, request.field, event.fields![0]!.value as FieldValue);
    const report = await settings.push([rectified]);
    const failure = report.failures[0];
    if (failure) {
      throw new CrmApiError({
        adapter: settings.adapter,
        operation: 'rectify',
        message: `the correction was not stored: ${failure.reason}`,
        vendorCode: failure.vendorCode,
        isRetryable: failure.kind === 'vendor',
      });
    }
    return rectified;
  };
}
