import { findConsent, foldTrail, type Channel, type SourceKind, type Trail } from '@optintrail/core';
import type { SalesforceSchemaNames } from './salesforce-schema-plan';

/**
 * Salesforce's own consent model (Data Protection and Privacy): an Individual per person, a
 * DataUsePurpose per purpose, and a ContactPointTypeConsent per person, purpose and contact point
 * type. Writing it from the trail makes Salesforce's consent views (and the Consent API) agree with
 * OptinTrail.
 */

/** ContactPointType values; channels without a counterpart (sms, push, messaging) are not written. */
const CONTACT_POINT_TYPES: Partial<Record<Channel, string>> = { email: 'Email', phone: 'Phone', postal: 'MailingAddress' };

/** How a consent was captured, from where it came from. */
const CAPTURE_TYPES: Partial<Record<SourceKind, string>> = { 'web-form': 'Web', phone: 'Phone', 'paper-form': 'MailingAddress' };

export function contactPointType(channel: Channel): string | undefined {
  return CONTACT_POINT_TYPES[channel];
}

/** The External ID of the consent record: one per subject, purpose and channel. */
export function consentKey(subject: string, purpose: string, channel: Channel): string {
  return `${subject}|${purpose}|${channel}`;
}

export interface ConsentRecordContext {
  purpose: string;
  channel: Channel;
  /** Id of the DataUsePurpose named after the purpose. */
  dataUsePurposeId: string | null;
  /** The person's Individual when the record already has one; otherwise the one OptinTrail keys by subject. */
  individualId: string | null;
  /** The consent source as the summary field words it (e.g. "event: Salon E-commerce Paris"). */
  captureSource: string | null;
}

/**
 * The ContactPointTypeConsent for the trail's consent to `purpose` on `channel`, or null when the
 * trail has none or the channel has no contact point type. OptIn while granted, OptOut once withdrawn;
 * CaptureDate and EffectiveFrom are when the current status began; DoubleConsentCaptureDate is the
 * double opt-in confirmation.
 */
export function consentRecord(trail: Trail, names: SalesforceSchemaNames, context: ConsentRecordContext): Record<string, unknown> | null {
  const type = contactPointType(context.channel);
  if (!type) return null;
  const consent = findConsent(foldTrail(trail), context.purpose, context.channel);
  if (!consent) return null;
  const origin = consent.status === 'withdrawn' ? consent.withdrawn : consent.granted;
  const record: Record<string, unknown> = {
    attributes: { type: 'ContactPointTypeConsent' },
    [names.consentKey]: consentKey(trail.subject, context.purpose, context.channel),
    Name: `OptinTrail: ${context.purpose} (${context.channel})`.slice(0, 255),
    ContactPointType: type,
    PrivacyConsentStatus: consent.status === 'granted' ? 'OptIn' : 'OptOut',
    CaptureDate: consent.since,
    EffectiveFrom: consent.since,
    CaptureSource: context.captureSource ? context.captureSource.slice(0, 255) : null,
    CaptureContactPointType: (origin && CAPTURE_TYPES[origin.source.kind]) ?? null,
    DoubleConsentCaptureDate: consent.status === 'granted' && consent.strength === 'double-opt-in' ? (consent.confirmed?.at ?? null) : null,
    DataUsePurposeId: context.dataUsePurposeId,
  };
  if (context.individualId) record['PartyId'] = context.individualId;
  else record['Party'] = { [names.subjectKey]: trail.subject };
  return record;
}

/** The Individual OptinTrail creates for a person whose record has none. */
export function individualRecord(subject: string, names: SalesforceSchemaNames, personFields: Record<string, unknown>): Record<string, unknown> {
  return {
    attributes: { type: 'Individual' },
    [names.subjectKey]: subject,
    LastName: personFields['LastName'],
    ...(personFields['FirstName'] ? { FirstName: personFields['FirstName'] } : {}),
  };
}
