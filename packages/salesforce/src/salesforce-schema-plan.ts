import { SUMMARY_FIELDS, type SummaryFieldKey } from '@optintrail/core';

/** A custom field the adapter needs, as the Tooling API creates it. */
export interface SalesforceFieldPlan {
  /** The object it belongs to, e.g. `Contact`. */
  objectName: string;
  /** API name, e.g. `OptinTrail_Consent_Status__c`. */
  fieldName: string;
  /** Tooling API `Metadata` (type, length, label, externalId…). */
  metadata: Record<string, unknown>;
}

/** Every API name the adapter reads and writes. */
export interface SalesforceSchemaNames {
  /** The object holding the subjects (`Contact` or `Lead`). */
  recordObject: 'Contact' | 'Lead';
  /** External ID on the record object (and on Individual) holding the normalised email. */
  subjectKey: string;
  /** Summary fields on the record object, by the codec's neutral keys. */
  summary: Record<SummaryFieldKey, string>;
  /** The custom object holding one record per provenance event. */
  eventObject: string;
  event: {
    /** External ID holding the event id: upserts on it make every re-run idempotent. */
    id: string;
    /** Lookup to the record object, and its relationship name for references by External ID. */
    parent: string;
    parentRelationship: string;
    type: string;
    occurredAt: string;
    source: string;
    description: string;
    /** Long Text Area holding the stored event as canonical JSON. */
    payload: string;
    hash: string;
  };
  /** External ID on ContactPointTypeConsent: one record per subject, purpose and channel. */
  consentKey: string;
}

export interface SchemaNameOptions {
  recordObject: 'Contact' | 'Lead';
  /** Prefix of the fields added to standard objects. Default `OptinTrail_`. */
  fieldPrefix: string;
  /** API name of the event object. Default `OptinTrail_Event__c`. */
  eventObject: string;
}

const SUMMARY_SUFFIXES: Record<SummaryFieldKey, string> = {
  consentStatus: 'Consent_Status',
  consentPurpose: 'Consent_Purpose',
  consentChannel: 'Consent_Channel',
  consentSince: 'Consent_Since',
  consentSource: 'Consent_Source',
  consentProof: 'Consent_Proof',
  consentStrength: 'Consent_Strength',
  consentLawfulBasis: 'Lawful_Basis',
  dataSources: 'Data_Sources',
  reminderFr: 'Reminder_FR',
  reminderEn: 'Reminder_EN',
  trailHead: 'Trail_Head',
  trailLength: 'Trail_Length',
  trailEncoded: 'Trail',
};

export function schemaNames(options: SchemaNameOptions): SalesforceSchemaNames {
  const prefixed = (name: string) => `${options.fieldPrefix}${name}__c`;
  const summary = Object.fromEntries(Object.entries(SUMMARY_SUFFIXES).map(([key, suffix]) => [key, prefixed(suffix)])) as Record<SummaryFieldKey, string>;
  const parent = options.recordObject === 'Contact' ? 'Contact__c' : 'Lead__c';
  return {
    recordObject: options.recordObject,
    subjectKey: prefixed('Subject'),
    summary,
    eventObject: options.eventObject,
    event: {
      id: 'Event_Id__c',
      parent,
      parentRelationship: parent.replace(/__c$/, '__r'),
      type: 'Type__c',
      occurredAt: 'Occurred_At__c',
      source: 'Source__c',
      description: 'Description__c',
      payload: 'Payload__c',
      hash: 'Hash__c',
    },
    consentKey: prefixed('Key'),
  };
}

/** Long Text Area sizes: the encoded trail takes the maximum; the readable description less. */
export const SALESFORCE_LONG_TEXT_MAX = 131_072;
export const EVENT_DESCRIPTION_LENGTH = 32_768;
/** Salesforce Name fields hold 80 characters. */
export const NAME_FIELD_LENGTH = 80;

const SPEC = new Map(SUMMARY_FIELDS.map((field) => [field.key, field]));

/** Summary field types: a Date for the consent day, a Number for the length, long text for the trail, Text 255 otherwise. */
function summaryMetadata(key: SummaryFieldKey): Record<string, unknown> {
  const spec = SPEC.get(key)!;
  const common = { label: `OptinTrail: ${spec.label}`.slice(0, 40), description: spec.description.slice(0, 1000), inlineHelpText: spec.description.slice(0, 510) };
  switch (key) {
    case 'consentSince':
      return { ...common, type: 'Date' };
    case 'trailLength':
      return { ...common, type: 'Number', precision: 18, scale: 0 };
    case 'trailEncoded':
      return { ...common, type: 'LongTextArea', length: SALESFORCE_LONG_TEXT_MAX, visibleLines: 3 };
    case 'consentStatus':
      // Status changes show in the record's field history.
      return { ...common, type: 'Text', length: 255, trackHistory: true };
    default:
      return { ...common, type: 'Text', length: 255 };
  }
}

/** Fields on the record object: the subject key and the summary fields. */
export function recordFieldPlans(names: SalesforceSchemaNames): SalesforceFieldPlan[] {
  return [
    {
      objectName: names.recordObject,
      fieldName: names.subjectKey,
      metadata: {
        type: 'Text',
        length: 255,
        label: 'OptinTrail subject',
        externalId: true,
        unique: true,
        caseSensitive: false,
        description: 'The normalised email OptinTrail keys this record by (External ID, unique).',
      },
    },
    ...(Object.keys(names.summary) as SummaryFieldKey[]).map((key) => ({ objectName: names.recordObject, fieldName: names.summary[key], metadata: summaryMetadata(key) })),
  ];
}

/** The event object's own definition for the Tooling API `CustomObject`. */
export function eventObjectMetadata(): Record<string, unknown> {
  return {
    label: 'OptinTrail Event',
    pluralLabel: 'OptinTrail Events',
    nameField: { type: 'Text', label: 'Event' },
    deploymentStatus: 'Deployed',
    sharingModel: 'ReadWrite',
    description: 'One provenance event (consent, data collection, change) of a person, written by OptinTrail. Do not edit: the trail is hash-chained and edits are detected.',
  };
}

/** Fields of the event object. */
export function eventFieldPlans(names: SalesforceSchemaNames): SalesforceFieldPlan[] {
  const objectName = names.eventObject;
  const field = (fieldName: string, metadata: Record<string, unknown>): SalesforceFieldPlan => ({ objectName, fieldName, metadata });
  return [
    field(names.event.id, { type: 'Text', length: 64, label: 'Event ID', externalId: true, unique: true, caseSensitive: true, description: 'The event id (UUIDv7): the idempotency key of every write.' }),
    field(names.event.parent, {
      type: 'Lookup',
      referenceTo: names.recordObject,
      relationshipName: 'OptinTrail_Events',
      label: names.recordObject,
      deleteConstraint: 'SetNull',
    }),
    field(names.event.type, { type: 'Text', length: 40, label: 'Type' }),
    field(names.event.occurredAt, { type: 'DateTime', label: 'Occurred at' }),
    field(names.event.source, { type: 'Text', length: 255, label: 'Source' }),
    field(names.event.description, { type: 'LongTextArea', length: EVENT_DESCRIPTION_LENGTH, visibleLines: 10, label: 'Description' }),
    field(names.event.payload, { type: 'LongTextArea', length: SALESFORCE_LONG_TEXT_MAX, visibleLines: 3, label: 'Payload', description: 'The stored event as canonical JSON; pull rebuilds and verifies the trail from it.' }),
    field(names.event.hash, { type: 'Text', length: 64, label: 'Hash' }),
  ];
}

/** Fields for Salesforce's consent model: a key on Individual and on ContactPointTypeConsent. */
export function consentFieldPlans(names: SalesforceSchemaNames): SalesforceFieldPlan[] {
  return [
    {
      objectName: 'Individual',
      fieldName: names.subjectKey,
      metadata: { type: 'Text', length: 255, label: 'OptinTrail subject', externalId: true, unique: true, caseSensitive: false },
    },
    {
      objectName: 'ContactPointTypeConsent',
      fieldName: names.consentKey,
      metadata: { type: 'Text', length: 255, label: 'OptinTrail key', externalId: true, unique: true, caseSensitive: false, description: 'subject|purpose|channel: one consent record per subject, purpose and channel.' },
    },
  ];
}
