/**
 * Property definitions and value rules for the object types the emulator serves.
 * Shapes follow the `Property` / `PropertyCreate` / `PropertyGroup` schemas of crm-properties-v3.json
 * and the SDK models in @hubspot/api-client 13.5.0 (codegen/crm/properties/models).
 */

/** CRM object types the emulator stores. */
export type HubSpotObjectType = 'contacts' | 'notes';

/** `Option` schema: one choice of an enumeration property. */
export interface HubSpotPropertyOption {
  label: string;
  value: string;
  hidden: boolean;
  displayOrder?: number;
  description?: string;
}

/** A property definition as `GET /crm/v3/properties/{objectType}/{name}` returns it. */
export interface HubSpotPropertyDefinition {
  name: string;
  label: string;
  type: string;
  fieldType: string;
  groupName: string;
  description: string;
  options: HubSpotPropertyOption[];
  displayOrder: number;
  hidden: boolean;
  formField: boolean;
  hasUniqueValue: boolean;
  hubspotDefined: boolean;
  calculated: boolean;
  externalOptions: boolean;
  archived: boolean;
  createdAt: string;
  updatedAt: string;
  modificationMetadata: { archivable: boolean; readOnlyDefinition: boolean; readOnlyValue: boolean; readOnlyOptions?: boolean };
}

/** `PropertyGroup` schema. */
export interface HubSpotPropertyGroup {
  name: string;
  label: string;
  displayOrder: number;
  archived: boolean;
}

/** Property data types accepted by `PropertyCreate.type` (crm-properties-v3.json; `phone_number` per FACTS.md). */
export const propertyTypes = ['string', 'number', 'date', 'datetime', 'enumeration', 'bool', 'phone_number'] as const;

/** `PropertyCreate.fieldType` enum (crm-properties-v3.json), plus the two HubSpot-defined field types the defaults use. */
export const fieldTypes = ['textarea', 'text', 'date', 'file', 'number', 'select', 'radio', 'checkbox', 'booleancheckbox', 'calculation_equation', 'phonenumber', 'html'] as const;

/** Which field types go with which data type. [R] From HubSpot's property field types guide, not a spec file. */
export const fieldTypesByType: Record<string, readonly string[]> = {
  string: ['text', 'textarea', 'file', 'html', 'phonenumber'],
  phone_number: ['phonenumber', 'text'],
  number: ['number', 'calculation_equation'],
  date: ['date'],
  datetime: ['date'],
  enumeration: ['select', 'radio', 'checkbox', 'booleancheckbox'],
  bool: ['booleancheckbox', 'radio', 'select'],
};

/** Text values longer than this are refused (FACTS.md: 65,536 characters through the CRM API). */
export const maxValueLength = 65_536;

const epoch = '2020-01-01T00:00:00.000Z';

function hubspotProperty(
  name: string,
  label: string,
  type: string,
  fieldType: string,
  groupName: string,
  extra: Partial<HubSpotPropertyDefinition> = {},
): HubSpotPropertyDefinition {
  return {
    name,
    label,
    type,
    fieldType,
    groupName,
    description: '',
    options: [],
    displayOrder: -1,
    hidden: false,
    formField: false,
    hasUniqueValue: false,
    hubspotDefined: true,
    calculated: false,
    externalOptions: false,
    archived: false,
    createdAt: epoch,
    updatedAt: epoch,
    modificationMetadata: { archivable: false, readOnlyDefinition: true, readOnlyValue: false },
    ...extra,
  };
}

function readOnly(definition: HubSpotPropertyDefinition): HubSpotPropertyDefinition {
  return { ...definition, modificationMetadata: { ...definition.modificationMetadata, readOnlyValue: true } };
}

function option(value: string, label: string, displayOrder: number): HubSpotPropertyOption {
  return { value, label, displayOrder, hidden: false };
}

/** A small, realistic subset of HubSpot's built-in contact and note properties. */
export function defaultProperties(objectType: HubSpotObjectType): HubSpotPropertyDefinition[] {
  if (objectType === 'contacts') {
    return [
      hubspotProperty('email', 'Email', 'string', 'text', 'contactinformation', { formField: true }),
      hubspotProperty('firstname', 'First Name', 'string', 'text', 'contactinformation', { formField: true }),
      hubspotProperty('lastname', 'Last Name', 'string', 'text', 'contactinformation', { formField: true }),
      hubspotProperty('phone', 'Phone Number', 'string', 'phonenumber', 'contactinformation', { formField: true }),
      hubspotProperty('company', 'Company Name', 'string', 'text', 'contactinformation', { formField: true }),
      hubspotProperty('website', 'Website URL', 'string', 'text', 'contactinformation'),
      hubspotProperty('lifecyclestage', 'Lifecycle Stage', 'enumeration', 'radio', 'contactinformation', {
        options: [
          option('subscriber', 'Subscriber', 0),
          option('lead', 'Lead', 1),
          option('marketingqualifiedlead', 'Marketing Qualified Lead', 2),
          option('salesqualifiedlead', 'Sales Qualified Lead', 3),
          option('opportunity', 'Opportunity', 4),
          option('customer', 'Customer', 5),
          option('evangelist', 'Evangelist', 6),
          option('other', 'Other', 7),
        ],
      }),
      hubspotProperty('hs_email_optout', 'Unsubscribed from all email', 'enumeration', 'booleancheckbox', 'emailinformation', {
        options: [option('true', 'Yes', 0), option('false', 'No', 1)],
      }),
      readOnly(hubspotProperty('hs_object_id', 'Record ID', 'number', 'number', 'contactinformation')),
      readOnly(hubspotProperty('createdate', 'Create Date', 'datetime', 'date', 'contactinformation')),
      readOnly(hubspotProperty('lastmodifieddate', 'Last Modified Date', 'datetime', 'date', 'contactinformation')),
    ];
  }
  return [
    hubspotProperty('hs_note_body', 'Note body', 'string', 'html', 'engagement'),
    hubspotProperty('hs_timestamp', 'Activity date', 'datetime', 'date', 'engagement'),
    hubspotProperty('hubspot_owner_id', 'Activity assigned to', 'enumeration', 'select', 'engagement', { externalOptions: true }),
    hubspotProperty('hs_attachment_ids', 'Attached file IDs', 'enumeration', 'checkbox', 'engagement', { externalOptions: true }),
    readOnly(hubspotProperty('hs_object_id', 'Record ID', 'number', 'number', 'engagement')),
    readOnly(hubspotProperty('hs_createdate', 'Create date', 'datetime', 'date', 'engagement')),
    readOnly(hubspotProperty('hs_lastmodifieddate', 'Last modified date', 'datetime', 'date', 'engagement')),
  ];
}

export function defaultGroups(objectType: HubSpotObjectType): HubSpotPropertyGroup[] {
  if (objectType === 'contacts') {
    return [
      { name: 'contactinformation', label: 'Contact information', displayOrder: 0, archived: false },
      { name: 'emailinformation', label: 'Email information', displayOrder: 1, archived: false },
    ];
  }
  return [{ name: 'engagement', label: 'Engagement', displayOrder: 0, archived: false }];
}

/** Properties every read returns when the caller names none (what HubSpot's default projection shows). */
export const defaultReadProperties: Record<HubSpotObjectType, string[]> = {
  contacts: ['createdate', 'email', 'firstname', 'hs_object_id', 'lastmodifieddate', 'lastname'],
  notes: ['hs_createdate', 'hs_lastmodifieddate', 'hs_object_id'],
};

/** Properties whose value the emulator derives from the record itself. */
export const systemProperties: Record<HubSpotObjectType, { id: string; created: string; modified: string }> = {
  contacts: { id: 'hs_object_id', created: 'createdate', modified: 'lastmodifieddate' },
  notes: { id: 'hs_object_id', created: 'hs_createdate', modified: 'hs_lastmodifieddate' },
};

/** HubSpot's object type ids (`0-1` contacts, `0-46` notes) and singular names resolve to the same store. */
export function resolveObjectType(raw: string): HubSpotObjectType | undefined {
  switch (raw.toLowerCase()) {
    case 'contacts':
    case 'contact':
    case '0-1':
      return 'contacts';
    case 'notes':
    case 'note':
    case '0-46':
      return 'notes';
    default:
      return undefined;
  }
}

export const objectTypeIds: Record<HubSpotObjectType, string> = { contacts: '0-1', notes: '0-46' };
export const objectTypeLabels: Record<HubSpotObjectType, string> = { contacts: 'CONTACT', notes: 'NOTE' };

/** A value rejected by property validation, in the shape HubSpot lists inside "Property values were not valid". */
export interface PropertyValueProblem {
  isValid: false;
  message: string;
  error: string;
  name: string;
  localizedErrorMessage: string;
}

function problem(name: string, error: string, message: string): PropertyValueProblem {
  return { isValid: false, message, error, name, localizedErrorMessage: message };
}

/**
 * Checks one value against its definition and returns the value as HubSpot stores it
 * (dates as YYYY-MM-DD, datetimes as ISO 8601 UTC, booleans lower-case), or the problem.
 */
export function normalizeValue(definition: HubSpotPropertyDefinition | undefined, name: string, raw: unknown): { value: string } | { problem: PropertyValueProblem } {
  if (!definition || definition.archived) {
    return { problem: problem(name, 'PROPERTY_DOESNT_EXIST', `Property "${name}" does not exist`) };
  }
  if (definition.modificationMetadata.readOnlyValue || definition.calculated) {
    return { problem: problem(name, 'READ_ONLY_VALUE', `"${name}" is a read only property; its value cannot be set.`) };
  }
  if (raw === null || raw === undefined) return { value: '' };
  if (typeof raw === 'object') {
    return { problem: problem(name, 'INVALID_PROPERTY_VALUE', `Property "${name}" expects a string value, got ${JSON.stringify(raw)}`) };
  }
  const value = String(raw);
  if (value.length > maxValueLength) {
    return {
      problem: problem(name, 'MAX_LENGTH_EXCEEDED', `Property "${name}" value is ${value.length} characters long; the maximum is ${maxValueLength}.`),
    };
  }
  // An empty string clears the value, whatever the type.
  if (value === '') return { value };
  switch (definition.type) {
    case 'number': {
      if (!/^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(value.trim())) {
        return { problem: problem(name, 'INVALID_FLOAT', `${JSON.stringify(value)} is not a valid number.`) };
      }
      return { value: value.trim() };
    }
    case 'bool': {
      const lower = value.toLowerCase();
      if (lower !== 'true' && lower !== 'false') {
        return { problem: problem(name, 'INVALID_BOOLEAN', `${JSON.stringify(value)} is not a valid boolean; use "true" or "false".`) };
      }
      return { value: lower };
    }
    case 'date': {
      const date = parseDate(value);
      if (date === undefined) return { problem: problem(name, 'INVALID_DATE', `${JSON.stringify(value)} is not a valid date.`) };
      if (date.getUTCHours() + date.getUTCMinutes() + date.getUTCSeconds() + date.getUTCMilliseconds() !== 0) {
        return { problem: problem(name, 'INVALID_DATE', `${value} is at ${date.toISOString().slice(11, 23)} UTC, not midnight!`) };
      }
      return { value: date.toISOString().slice(0, 10) };
    }
    case 'datetime': {
      const date = parseDate(value);
      if (date === undefined) return { problem: problem(name, 'INVALID_DATETIME', `${JSON.stringify(value)} is not a valid datetime.`) };
      return { value: date.toISOString() };
    }
    case 'enumeration': {
      if (definition.externalOptions) return { value };
      const allowed = new Set(definition.options.map((choice) => choice.value));
      const chosen = definition.fieldType === 'checkbox' ? value.split(';') : [value];
      const unknown = chosen.filter((choice) => !allowed.has(choice));
      if (unknown.length > 0) {
        return {
          problem: problem(name, 'INVALID_OPTION', `${JSON.stringify(unknown[0])} was not one of the allowed options: [${[...allowed].join(', ')}]`),
        };
      }
      return { value };
    }
    default:
      return { value };
  }
}

/** Epoch milliseconds, YYYY-MM-DD or full ISO 8601, as HubSpot accepts for date and datetime properties. */
export function parseDate(value: string): Date | undefined {
  const trimmed = value.trim();
  if (/^-?\d+$/.test(trimmed)) {
    const date = new Date(Number(trimmed));
    return Number.isNaN(date.getTime()) ? undefined : date;
  }
  if (/^\d{4}-\d{2}-\d{2}$/.test(trimmed)) {
    const date = new Date(`${trimmed}T00:00:00.000Z`);
    return Number.isNaN(date.getTime()) ? undefined : date;
  }
  if (/^\d{4}-\d{2}-\d{2}T/.test(trimmed)) {
    const date = new Date(trimmed);
    return Number.isNaN(date.getTime()) ? undefined : date;
  }
  return undefined;
}
