import { isIP } from 'node:net';
import { findConsent, isRedacted, type Channel, type ConsentState, type SubjectState } from '@optintrail/core';
import type { MailchimpMember, MailchimpMemberInput, MailchimpMemberStatus } from './mailchimp-sdk-types';

/**
 * What a trail says about Mailchimp's own member fields: the status a *new* member gets, the
 * vendor's evidence fields (`ip_signup`, `timestamp_signup`, `ip_opt`, `timestamp_opt`) and the
 * marketing permission. Existing members keep their status unless the trail withdraws consent:
 * nobody who unsubscribed is ever put back.
 */
export interface ConsentContext {
  purpose: string;
  channel: Channel;
  pendingWithoutConfirmation: boolean;
}

export function consentOf(state: SubjectState, context: ConsentContext): ConsentState | undefined {
  return findConsent(state, context.purpose, context.channel);
}

/** `status_if_new`: subscribed (or pending without confirmation, if asked), unsubscribed, or transactional without consent. */
export function statusIfNew(consent: ConsentState | undefined, context: ConsentContext): Exclude<MailchimpMemberStatus, 'archived'> {
  if (!consent) return 'transactional';
  if (consent.status === 'withdrawn') return 'unsubscribed';
  if (context.pendingWithoutConfirmation && consent.strength !== 'double-opt-in') return 'pending';
  return 'subscribed';
}

/** Mailchimp's evidence fields from the current grant; nothing for a withdrawn or missing consent. */
export function evidenceFields(consent: ConsentState | undefined): Pick<MailchimpMemberInput, 'ip_signup' | 'timestamp_signup' | 'ip_opt' | 'timestamp_opt'> {
  if (!consent || consent.status !== 'granted' || !consent.granted) return {};
  const evidence: Pick<MailchimpMemberInput, 'ip_signup' | 'timestamp_signup' | 'ip_opt' | 'timestamp_opt'> = { timestamp_signup: consent.granted.at };
  const signupIp = plainIp(consent.granted.proof?.ip);
  if (signupIp) evidence.ip_signup = signupIp;
  if (consent.confirmed) {
    evidence.timestamp_opt = consent.confirmed.proof?.doubleOptIn?.confirmedAt ?? consent.confirmed.at;
    const optIp = plainIp(consent.confirmed.proof?.doubleOptIn?.ip) ?? plainIp(consent.confirmed.proof?.ip);
    if (optIp) evidence.ip_opt = optIp;
  } else {
    evidence.timestamp_opt = consent.granted.at;
    if (signupIp) evidence.ip_opt = signupIp;
  }
  return evidence;
}

function plainIp(value: unknown): string | undefined {
  return typeof value === 'string' && !isRedacted(value) && isIP(value) !== 0 ? value : undefined;
}

/**
 * The marketing permission to change, or undefined when it already says what the consent says
 * (or the audience has no such permission, or there is no consent to mirror).
 */
export function marketingPermissionChange(
  member: MailchimpMember | undefined,
  consent: ConsentState | undefined,
  wanted: string | false,
): { marketing_permission_id: string; enabled: boolean } | undefined {
  if (wanted === false || !consent || !member?.marketing_permissions?.length) return undefined;
  const needle = wanted.toLowerCase();
  const permission =
    member.marketing_permissions.find((candidate) => candidate.marketing_permission_id === wanted) ??
    member.marketing_permissions.find((candidate) => candidate.text?.toLowerCase() === needle);
  if (!permission) return undefined;
  const enabled = consent.status === 'granted';
  return permission.enabled === enabled ? undefined : { marketing_permission_id: permission.marketing_permission_id, enabled };
}

/** The audience's own fields (FNAME…) from the trail's current field values; erased fields are cleared. */
export function dataFieldValues(state: SubjectState, mapping: Record<string, string>): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [name, tag] of Object.entries(mapping)) {
    const field = state.fields[name];
    if (!field) continue;
    if (field.erased) values[tag] = '';
    else if (typeof field.value === 'string' || typeof field.value === 'number' || typeof field.value === 'boolean') values[tag] = String(field.value);
  }
  return values;
}
