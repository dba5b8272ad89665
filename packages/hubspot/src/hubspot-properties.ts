import { SUMMARY_FIELDS, type SummaryFieldKey } from '@optintrail/core';

/** The property group the adapter creates on contacts, and the prefix of every property it owns. */
export interface HubSpotPropertyNaming {
  /** Internal name of the property group. Default `optintrail`. */
  groupName: string;
  /** Label of the group in HubSpot. Default `OptinTrail (consent and provenance)`. */
  groupLabel: string;
  /** Prefix of every property name. Default `optintrail_`. */
  prefix: string;
}

export const DEFAULT_PROPERTY_NAMING: HubSpotPropertyNaming = {
  groupName: 'optintrail',
  groupLabel: 'OptinTrail (consent and provenance)',
  prefix: 'optintrail_',
};

/** One HubSpot contact property holding a summary field. */
export interface HubSpotSummaryProperty {
  /** The codec's neutral key, e.g. `consentStatus`. */
  key: SummaryFieldKey;
  /** HubSpot's internal name, e.g. `optintrail_consent_status`. Use it in personalization tokens: `{{ contact.optintrail_reminder_en }}`. */
  name: string;
  /** `PropertyCreate` body for `POST /crm/v3/properties/contacts`. */
  definition: {
    name: string;
    label: string;
    description: string;
    groupName: string;
    type: 'string' | 'number' | 'date' | 'enumeration';
    fieldType: 'text' | 'textarea' | 'number' | 'date' | 'select';
    options?: Array<{ label: string; value: string; hidden: boolean; displayOrder: number }>;
    formField: boolean;
  };
  /** Byte budget given to the codec. HubSpot text properties take 65,536 characters (FACTS.md). */
  maxBytes: number;
}

/**
 * Byte budgets per field. Text is given room for a readable sentence; the encoded trail gets the
 * whole property (the budget is in bytes, HubSpot's limit in characters, so bytes are the stricter).
 */
const BUDGETS: Partial<Record<SummaryFieldKey, number>> = {
  consentSource: 1_024,
  consentProof: 2_048,
  dataSources: 8_192,
  reminderFr: 2_048,
  reminderEn: 2_048,
  trailEncoded: 65_536,
};

/** Types that make the fields useful in HubSpot lists and filters; everything else is text. */
const TYPES: Partial<Record<SummaryFieldKey, Pick<HubSpotSummaryProperty['definition'], 'type' | 'fieldType' | 'options'>>> = {
  consentStatus: {
    type: 'enumeration',
    fieldType: 'select',
    options: [
      { label: 'Granted', value: 'granted', hidden: false, displayOrder: 0 },
      { label: 'Withdrawn', value: 'withdrawn', hidden: false, displayOrder: 1 },
      { label: 'No traceable consent', value: 'none', hidden: false, displayOrder: 2 },
    ],
  },
  consentSince: { type: 'date', fieldType: 'date' },
  trailLength: { type: 'number', fieldType: 'number' },
  consentProof: { type: 'string', fieldType: 'textarea' },
  dataSources: { type: 'string', fieldType: 'textarea' },
  reminderFr: { type: 'string', fieldType: 'textarea' },
  reminderEn: { type: 'string', fieldType: 'textarea' },
  trailEncoded: { type: 'string', fieldType: 'textarea' },
};

/** `consentStatus` → `consent_status`. */
function snakeCase(key: string): string {
  return key.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
}

/** Every summary property the adapter writes, for the given naming and field selection. */
export function summaryProperties(naming: HubSpotPropertyNaming, keys: readonly SummaryFieldKey[]): HubSpotSummaryProperty[] {
  return SUMMARY_FIELDS.filter((field) => keys.includes(field.key)).map((field) => {
    const name = `${naming.prefix}${snakeCase(field.key)}`;
    const typing = TYPES[field.key] ?? { type: 'string' as const, fieldType: 'text' as const };
    return {
      key: field.key,
      name,
      maxBytes: BUDGETS[field.key] ?? field.maxBytes,
      definition: {
        name,
        label: `OptinTrail: ${field.label}`,
        description: field.description,
        groupName: naming.groupName,
        type: typing.type,
        fieldType: typing.fieldType,
        ...(typing.options ? { options: typing.options } : {}),
        formField: false,
      },
    };
  });
}

/**
 * A value read back from HubSpot, as the codec expects it. Date properties may come back as a
 * day or a full ISO timestamp at midnight UTC; the codec wants `YYYY-MM-DD`.
 */
export function readPropertyValue(property: HubSpotSummaryProperty, value: string | null | undefined): string | null {
  if (value === undefined || value === null) return null;
  if (property.definition.type === 'date') {
    const day = /^(\d{4}-\d{2}-\d{2})(T00:00(:00(\.0+)?)?Z)?$/.exec(value.trim());
    if (day) return day[1]!;
    if (/^\d+$/.test(value.trim())) return new Date(Number(value.trim())).toISOString().slice(0, 10);
  }
  return value;
}
