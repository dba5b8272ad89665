import { buildSalesforceId } from './salesforce-ids';

/** Field types as `describe` reports them. */
export type SalesforceFieldType =
  | 'id'
  | 'string'
  | 'textarea'
  | 'email'
  | 'phone'
  | 'url'
  | 'boolean'
  | 'date'
  | 'datetime'
  | 'double'
  | 'int'
  | 'picklist'
  | 'reference'
  | 'anyType';

/** One field of an emulated object, with what `describe` says about it. */
export interface SalesforceFieldDefinition {
  name: string;
  label: string;
  type: SalesforceFieldType;
  /** Maximum characters for text types; 0 otherwise. */
  length: number;
  custom: boolean;
  externalId: boolean;
  unique: boolean;
  caseSensitive: boolean;
  nillable: boolean;
  createable: boolean;
  updateable: boolean;
  defaultedOnCreate: boolean;
  /** Value written on create when the caller sends none. */
  defaultValue: string | number | boolean | null;
  idLookup: boolean;
  nameField: boolean;
  autoNumber: boolean;
  /** Auto-number display format such as `EV-{000000}`. */
  displayFormat: string | null;
  referenceTo: string[];
  relationshipName: string | null;
  /** What deleting the parent does to this lookup: clear it, delete the child too, or refuse. */
  deleteConstraint: 'SetNull' | 'Cascade' | 'Restrict' | null;
  picklistValues: string[];
  restrictedPicklist: boolean;
  precision: number;
  scale: number;
  /** `plaintextarea` for Text Area / Long Text Area. */
  extraTypeInfo: string | null;
  /** Changes are written to the object's history table (ContactHistory…). */
  trackHistory: boolean;
  /** Tooling `CustomField` id for custom fields. */
  customFieldId: string | null;
  description: string | null;
  inlineHelpText: string | null;
  /** The Tooling API metadata this custom field was created from. */
  metadata: Record<string, unknown> | null;
  createdDate: string | null;
}

/** One emulated sObject type. */
export interface SalesforceObjectDefinition {
  name: string;
  label: string;
  labelPlural: string;
  keyPrefix: string;
  custom: boolean;
  /** Fields by lower-cased name, in describe order. */
  fields: Map<string, SalesforceFieldDefinition>;
  createable: boolean;
  updateable: boolean;
  deletable: boolean;
  queryable: boolean;
  /** Name of the history table (`ContactHistory`) and its parent-id field (`ContactId`). */
  history: { objectName: string; parentField: string } | null;
  /** Tooling `CustomObject` id (custom objects only). */
  customObjectId: string | null;
  /** Next auto-number value, for objects whose Name is an auto-number. */
  nextAutoNumber: number;
  metadata: Record<string, unknown> | null;
  createdDate: string | null;
}

type FieldOptions = Partial<Omit<SalesforceFieldDefinition, 'name' | 'type'>>;

const TEXT_TYPES = new Set<SalesforceFieldType>(['string', 'textarea', 'email', 'phone', 'url', 'picklist']);

export function isTextType(type: SalesforceFieldType): boolean {
  return TEXT_TYPES.has(type);
}

export function defineField(name: string, type: SalesforceFieldType, options: FieldOptions = {}): SalesforceFieldDefinition {
  const readOnly = type === 'id';
  const defaultLengths: Partial<Record<SalesforceFieldType, number>> = { id: 18, reference: 18, email: 80, phone: 40, url: 255, string: 255, textarea: 255, picklist: 255 };
  return {
    name,
    label: options.label ?? labelFromName(name),
    type,
    length: options.length ?? defaultLengths[type] ?? 0,
    custom: options.custom ?? name.endsWith('__c'),
    externalId: options.externalId ?? false,
    unique: options.unique ?? false,
    caseSensitive: options.caseSensitive ?? false,
    nillable: options.nillable ?? (type !== 'boolean' && !readOnly),
    createable: options.createable ?? !readOnly,
    updateable: options.updateable ?? !readOnly,
    defaultedOnCreate: options.defaultedOnCreate ?? (type === 'boolean' || readOnly),
    defaultValue: options.defaultValue ?? (type === 'boolean' ? false : null),
    idLookup: options.idLookup ?? (readOnly || options.externalId === true),
    nameField: options.nameField ?? false,
    autoNumber: options.autoNumber ?? false,
    displayFormat: options.displayFormat ?? null,
    referenceTo: options.referenceTo ?? [],
    relationshipName: options.relationshipName ?? null,
    deleteConstraint: options.deleteConstraint ?? null,
    picklistValues: options.picklistValues ?? [],
    restrictedPicklist: options.restrictedPicklist ?? false,
    precision: options.precision ?? 0,
    scale: options.scale ?? 0,
    extraTypeInfo: options.extraTypeInfo ?? null,
    trackHistory: options.trackHistory ?? false,
    customFieldId: options.customFieldId ?? null,
    description: options.description ?? null,
    inlineHelpText: options.inlineHelpText ?? null,
    metadata: options.metadata ?? null,
    createdDate: options.createdDate ?? null,
  };
}

function labelFromName(name: string): string {
  const base = name.replace(/__c$/, '').replace(/Id$/, '').replace(/_/g, ' ');
  return base.replace(/([a-z])([A-Z])/g, '$1 $2').trim() || name;
}

/** Fields every object has: Id and IsDeleted first, owner and audit fields last (as describe lists them). */
function systemFields(options: { owner: boolean }): { leading: SalesforceFieldDefinition[]; trailing: SalesforceFieldDefinition[] } {
  const audit = { createable: false, updateable: false, nillable: false, defaultedOnCreate: true };
  return {
    leading: [defineField('Id', 'id', { label: `Record ID` }), defineField('IsDeleted', 'boolean', { label: 'Deleted', createable: false, updateable: false })],
    trailing: [
      ...(options.owner ? [defineField('OwnerId', 'reference', { label: 'Owner ID', referenceTo: ['User'], relationshipName: 'Owner', nillable: false, defaultedOnCreate: true })] : []),
      defineField('CreatedDate', 'datetime', { label: 'Created Date', ...audit }),
      defineField('CreatedById', 'reference', { label: 'Created By ID', referenceTo: ['User'], relationshipName: 'CreatedBy', ...audit }),
      defineField('LastModifiedDate', 'datetime', { label: 'Last Modified Date', ...audit }),
      defineField('LastModifiedById', 'reference', { label: 'Last Modified By ID', referenceTo: ['User'], relationshipName: 'LastModifiedBy', ...audit }),
      defineField('SystemModstamp', 'datetime', { label: 'System Modstamp', ...audit }),
    ],
  };
}

function defineObject(
  name: string,
  keyPrefix: string,
  fields: SalesforceFieldDefinition[],
  options: Partial<Omit<SalesforceObjectDefinition, 'name' | 'keyPrefix' | 'fields'>> & { owner?: boolean } = {},
): SalesforceObjectDefinition {
  const system = systemFields({ owner: options.owner ?? true });
  const all = [...system.leading, ...fields, ...system.trailing];
  return {
    name,
    label: options.label ?? labelFromName(name),
    labelPlural: options.labelPlural ?? `${options.label ?? labelFromName(name)}s`,
    keyPrefix,
    custom: options.custom ?? false,
    fields: new Map(all.map((field) => [field.name.toLowerCase(), field])),
    createable: options.createable ?? true,
    updateable: options.updateable ?? true,
    deletable: options.deletable ?? true,
    queryable: options.queryable ?? true,
    history: options.history ?? null,
    customObjectId: options.customObjectId ?? null,
    nextAutoNumber: 1,
    metadata: options.metadata ?? null,
    createdDate: options.createdDate ?? null,
  };
}

const readOnly = { createable: false, updateable: false };

export function historyObject(parentName: string, parentField: string, historyName = `${parentName}History`): SalesforceObjectDefinition {
  const history = defineObject(
    historyName,
    '017',
    [
      defineField(parentField, 'reference', { referenceTo: [parentName], relationshipName: parentField === 'ParentId' ? 'Parent' : parentName, nillable: false, ...readOnly }),
      defineField('Field', 'picklist', { label: 'Changed Field', length: 255, nillable: false, ...readOnly }),
      defineField('DataType', 'picklist', { label: 'Data Type', length: 40, ...readOnly }),
      defineField('OldValue', 'anyType', { label: 'Old Value', ...readOnly }),
      defineField('NewValue', 'anyType', { label: 'New Value', ...readOnly }),
    ],
    { owner: false, label: `${parentName} History`, labelPlural: `${parentName} History`, createable: false, updateable: false, deletable: false },
  );
  // History rows are written once: they have no last-modified audit fields.
  for (const name of ['lastmodifieddate', 'lastmodifiedbyid', 'systemmodstamp']) history.fields.delete(name);
  return history;
}

/**
 * Standard objects of a fresh org. Lengths, required fields and picklists follow the Salesforce
 * object reference; fields the adapter never touches are left out.
 */
export function standardObjects(options: { consentObjects: boolean; trackedFields: Record<string, string[]> }): SalesforceObjectDefinition[] {
  const tracked = (objectName: string, fields: SalesforceFieldDefinition[]) => {
    const names = new Set((options.trackedFields[objectName] ?? []).map((name) => name.toLowerCase()));
    for (const field of fields) if (names.has(field.name.toLowerCase())) field.trackHistory = true;
    return fields;
  };
  const individualLink = () =>
    options.consentObjects
    ? [defineField('IndividualId', 'reference', { label: 'Individual ID', referenceTo: ['Individual'], relationshipName: 'Individual' })]
    : [];
  const personName = () => [
    defineField('LastName', 'string', { label: 'Last Name', length: 80, nillable: false }),
    defineField('FirstName', 'string', { label: 'First Name', length: 40 }),
    defineField('Salutation', 'picklist', { length: 40, picklistValues: ['Mr.', 'Ms.', 'Mrs.', 'Dr.', 'Prof.', 'Mx.'] }),
    defineField('Name', 'string', { label: 'Full Name', length: 121, nameField: true, nillable: false, ...readOnly }),
  ];
  const objects: SalesforceObjectDefinition[] = [
    defineObject(
      'User',
      '005',
      [
        defineField('Username', 'string', { length: 80, nillable: false, unique: true, idLookup: true }),
        defineField('LastName', 'string', { label: 'Last Name', length: 80, nillable: false }),
        defineField('FirstName', 'string', { label: 'First Name', length: 40 }),
        defineField('Name', 'string', { label: 'Full Name', length: 121, nameField: true, ...readOnly }),
        defineField('Email', 'email', { nillable: false }),
        defineField('IsActive', 'boolean', { label: 'Active' }),
      ],
      { owner: false },
    ),
    defineObject(
      'Contact',
      '003',
      tracked('Contact', [
        ...personName(),
        defineField('Email', 'email', { idLookup: true }),
        defineField('Phone', 'phone', { label: 'Business Phone' }),
        defineField('MobilePhone', 'phone', { label: 'Mobile Phone' }),
        defineField('Title', 'string', { length: 128 }),
        defineField('Department', 'string', { length: 80 }),
        defineField('MailingStreet', 'textarea', { label: 'Mailing Street', length: 255 }),
        defineField('MailingCity', 'string', { label: 'Mailing City', length: 40 }),
        defineField('MailingPostalCode', 'string', { label: 'Mailing Zip/Postal Code', length: 20 }),
        defineField('MailingCountry', 'string', { label: 'Mailing Country', length: 80 }),
        defineField('LeadSource', 'picklist', { label: 'Lead Source', picklistValues: ['Web', 'Phone Inquiry', 'Partner Referral', 'Purchased List', 'Other'] }),
        defineField('Description', 'textarea', { label: 'Contact Description', length: 32000, extraTypeInfo: 'plaintextarea' }),
        defineField('HasOptedOutOfEmail', 'boolean', { label: 'Email Opt Out' }),
        defineField('HasOptedOutOfFax', 'boolean', { label: 'Fax Opt Out' }),
        defineField('DoNotCall', 'boolean', { label: 'Do Not Call' }),
        defineField('EmailBouncedReason', 'string', { label: 'Email Bounced Reason', length: 255 }),
        ...individualLink(),
      ]),
      { history: { objectName: 'ContactHistory', parentField: 'ContactId' } },
    ),
    historyObject('Contact', 'ContactId'),
    defineObject(
      'Lead',
      '00Q',
      tracked('Lead', [
        ...personName(),
        defineField('Company', 'string', { length: 255, nillable: false }),
        defineField('Email', 'email', { idLookup: true }),
        defineField('Phone', 'phone'),
        defineField('Title', 'string', { length: 128 }),
        defineField('Status', 'picklist', {
          label: 'Lead Status',
          length: 40,
          nillable: false,
          defaultedOnCreate: true,
          defaultValue: 'Open - Not Contacted',
          picklistValues: ['Open - Not Contacted', 'Working - Contacted', 'Closed - Converted', 'Closed - Not Converted'],
        }),
        defineField('LeadSource', 'picklist', { label: 'Lead Source', picklistValues: ['Web', 'Phone Inquiry', 'Partner Referral', 'Purchased List', 'Other'] }),
        defineField('HasOptedOutOfEmail', 'boolean', { label: 'Email Opt Out' }),
        defineField('DoNotCall', 'boolean', { label: 'Do Not Call' }),
        defineField('IsConverted', 'boolean', { label: 'Converted', ...readOnly }),
        defineField('Description', 'textarea', { length: 32000, extraTypeInfo: 'plaintextarea' }),
        ...individualLink(),
      ]),
      { history: { objectName: 'LeadHistory', parentField: 'LeadId' } },
    ),
    historyObject('Lead', 'LeadId'),
  ];
  if (options.consentObjects) {
    objects.push(
      defineObject('Individual', '0PK', [
        ...personName(),
        defineField('HasOptedOutTracking', 'boolean', { label: "Don't Track" }),
        defineField('HasOptedOutProcessing', 'boolean', { label: "Don't Process" }),
        defineField('HasOptedOutProfiling', 'boolean', { label: "Don't Profile" }),
        defineField('HasOptedOutSolicit', 'boolean', { label: "Don't Market" }),
        defineField('ShouldForget', 'boolean', { label: 'Forget this Individual' }),
        defineField('SendIndividualData', 'boolean', { label: 'Export Individual’s Data' }),
        defineField('CanStorePiiElsewhere', 'boolean', { label: 'OK to Store PII Data Elsewhere' }),
        defineField('BirthDate', 'date', { label: 'Birth Date' }),
      ]),
      defineObject(
        'DataUsePurpose',
        '0Zv',
        [
          defineField('Name', 'string', { length: 80, nameField: true, nillable: false }),
          defineField('Description', 'textarea', { length: 1000 }),
          defineField('CanDataSubjectOptOut', 'boolean', { label: 'Can Data Subject Opt Out' }),
          defineField('LegalBasisId', 'reference', { label: 'Legal Basis ID', referenceTo: ['BusinessBrand'], relationshipName: 'LegalBasis' }),
        ],
        { label: 'Data Use Purpose', labelPlural: 'Data Use Purposes' },
      ),
      defineObject(
        'ContactPointTypeConsent',
        '0ZY',
        [
          defineField('Name', 'string', { label: 'Contact Point Type Consent Name', length: 255, nameField: true, nillable: false }),
          defineField('PartyId', 'reference', { label: 'Party ID', referenceTo: ['Individual'], relationshipName: 'Party', nillable: false }),
          defineField('ContactPointType', 'picklist', {
            label: 'Contact Point Type',
            length: 40,
            nillable: false,
            restrictedPicklist: true,
            picklistValues: ['Email', 'MailingAddress', 'Phone', 'Social', 'Web'],
          }),
          defineField('PrivacyConsentStatus', 'picklist', {
            label: 'Privacy Consent Status',
            length: 40,
            restrictedPicklist: true,
            defaultedOnCreate: true,
            defaultValue: 'NotSeen',
            picklistValues: ['NotSeen', 'Seen', 'OptIn', 'OptOut'],
          }),
          defineField('DataUsePurposeId', 'reference', { label: 'Data Use Purpose ID', referenceTo: ['DataUsePurpose'], relationshipName: 'DataUsePurpose' }),
          defineField('CaptureDate', 'datetime', { label: 'Capture Date' }),
          defineField('CaptureContactPointType', 'picklist', {
            label: 'Capture Contact Point Type',
            length: 40,
            restrictedPicklist: true,
            picklistValues: ['Email', 'MailingAddress', 'Phone', 'Social', 'Web'],
          }),
          defineField('CaptureSource', 'string', { label: 'Capture Source', length: 255 }),
          defineField('DoubleConsentCaptureDate', 'datetime', { label: 'Double Consent Capture Date' }),
          defineField('EffectiveFrom', 'datetime', { label: 'Effective From' }),
          defineField('EffectiveTo', 'datetime', { label: 'Effective To' }),
          defineField('BusinessBrandId', 'reference', { label: 'Business Brand ID', referenceTo: ['BusinessBrand'], relationshipName: 'BusinessBrand' }),
        ],
        { label: 'Contact Point Type Consent', labelPlural: 'Contact Point Type Consents' },
      ),
    );
  }
  return objects;
}

/** What a Tooling `CustomField` Metadata `type` becomes in describe, and its length rules. */
export interface CustomFieldShape {
  type: SalesforceFieldType;
  length: number;
  extraTypeInfo: string | null;
}

export const LONG_TEXT_AREA_MAX = 131_072;
export const TEXT_MAX = 255;

/** Key prefixes handed to custom objects in creation order: a00, a01, … a0z, a10, … */
export function customObjectKeyPrefix(index: number): string {
  const alphabet = '0123456789abcdefghijklmnopqrstuvwxyz';
  return `a${alphabet.charAt(Math.floor(index / alphabet.length) % alphabet.length)}${alphabet.charAt(index % alphabet.length)}`;
}

export { defineObject };

/** Metadata ids (`00N` custom fields, `01I` custom objects) for Tooling rows. */
export function metadataId(kind: 'CustomField' | 'CustomObject', sequence: number): string {
  return buildSalesforceId(kind === 'CustomField' ? '00N' : '01I', sequence);
}
