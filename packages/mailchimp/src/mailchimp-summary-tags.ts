import { SUMMARY_FIELDS, type SummaryFieldKey } from '@optintrail/core';

/** The adapter's own bookkeeping field: the trail head a write is on its way to (see the adapter). */
export type MailchimpBookkeepingKey = 'pendingHead';

/** Every merge field the adapter manages, by its neutral key. */
export type MailchimpFieldKey = SummaryFieldKey | MailchimpBookkeepingKey;

/**
 * Default merge tags (Mailchimp tags are at most 10 characters). Campaigns and footers insert
 * them as `*|OT_RMD_EN|*`, `*|OT_RMD_FR|*`, `*|OT_SINCE|*`…
 */
export const DEFAULT_MAILCHIMP_TAGS: Readonly<Record<MailchimpFieldKey, string>> = {
  consentStatus: 'OT_STATUS',
  consentPurpose: 'OT_PURPOSE',
  consentChannel: 'OT_CHANNEL',
  consentSince: 'OT_SINCE',
  consentSource: 'OT_SOURCE',
  consentProof: 'OT_PROOF',
  consentStrength: 'OT_LEVEL',
  dataSources: 'OT_DATASRC',
  reminderFr: 'OT_RMD_FR',
  reminderEn: 'OT_RMD_EN',
  trailHead: 'OT_HEAD',
  trailLength: 'OT_LENGTH',
  trailEncoded: 'OT_TRAIL',
  consentLawfulBasis: 'OT_BASIS',
  pendingHead: 'OT_PENDING',
};

/** A merge field the adapter creates: text, hidden from signup forms, never required. */
export interface MailchimpFieldDefinition {
  key: MailchimpFieldKey;
  tag: string;
  /** The field's name in the Mailchimp UI. */
  name: string;
  help: string;
}

const BOOKKEEPING: Record<MailchimpBookkeepingKey, { name: string; help: string }> = {
  pendingHead: {
    name: 'OptinTrail pending write',
    help: 'Set while OptinTrail writes notes and events; empty once the write is complete. Do not edit.',
  },
};

/** Tag rules: 1–10 characters, uppercase letters, digits and underscores. */
const TAG_PATTERN = /^[A-Z0-9_]{1,10}$/;

/** The merge fields for the chosen summary keys (plus the bookkeeping field), with tag overrides applied. */
export function mailchimpFieldDefinitions(keys: readonly SummaryFieldKey[], overrides: Partial<Record<MailchimpFieldKey, string>> = {}): MailchimpFieldDefinition[] {
  const definitions: MailchimpFieldDefinition[] = [];
  const wanted = new Set<SummaryFieldKey>([...keys, 'trailHead', 'trailLength']);
  for (const spec of SUMMARY_FIELDS) {
    if (!wanted.has(spec.key)) continue;
    definitions.push({ key: spec.key, tag: overrides[spec.key] ?? DEFAULT_MAILCHIMP_TAGS[spec.key], name: `OptinTrail: ${spec.label}`, help: spec.description });
  }
  definitions.push({ key: 'pendingHead', tag: overrides.pendingHead ?? DEFAULT_MAILCHIMP_TAGS.pendingHead, ...BOOKKEEPING.pendingHead });
  const seen = new Set<string>();
  for (const definition of definitions) {
    if (!TAG_PATTERN.test(definition.tag)) throw new RangeError(`Merge tag "${definition.tag}" for ${definition.key} must be 1–10 uppercase letters, digits or underscores.`);
    if (seen.has(definition.tag)) throw new RangeError(`Merge tag "${definition.tag}" is used for two fields.`);
    seen.add(definition.tag);
  }
  return definitions;
}
