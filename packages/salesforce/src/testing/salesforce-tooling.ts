import { SalesforceRequestError } from './salesforce-emulator-errors';
import { formatSalesforceDatetime } from './salesforce-field-values';
import type { SalesforceOrg } from './salesforce-org';
import {
  LONG_TEXT_AREA_MAX,
  TEXT_MAX,
  customObjectKeyPrefix,
  defineField,
  defineObject,
  historyObject,
  metadataId,
  type SalesforceFieldDefinition,
  type SalesforceObjectDefinition,
} from './salesforce-schema';
import type { StoredRecord } from './salesforce-store';

/** What the Tooling API's `POST /tooling/sobjects/{CustomField|CustomObject}` answers on success. */
export interface ToolingSaveResult {
  id: string;
  success: true;
  errors: [];
  warnings: [];
  infos: [];
}

function integrity(message: string, fields: string[] = []): SalesforceRequestError {
  return SalesforceRequestError.of(400, 'FIELD_INTEGRITY_EXCEPTION', message, fields);
}

function requirePermission(org: SalesforceOrg, permissions: { customizeApplication: boolean }): void {
  if (!permissions.customizeApplication) {
    throw SalesforceRequestError.of(400, 'INSUFFICIENT_ACCESS_OR_READONLY', 'insufficient access rights on object id', []);
  }
  void org;
}

function text(value: unknown): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value : null;
}

function integer(value: unknown): number | null {
  const number = typeof value === 'number' ? value : typeof value === 'string' && value !== '' ? Number(value) : Number.NaN;
  return Number.isInteger(number) ? number : null;
}

const API_NAME = /^[A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)*__c$/;

/**
 * Creates a custom field from Tooling API `{ FullName: "Contact.X__c", Metadata: {...} }`. The
 * Metadata types handled: Text, TextArea, LongTextArea, Email, Phone, Url, Checkbox, Date,
 * DateTime, Number, Picklist, Lookup, MasterDetail.
 */
export function createCustomField(org: SalesforceOrg, permissions: { customizeApplication: boolean }, body: Record<string, unknown>): ToolingSaveResult {
  requirePermission(org, permissions);
  const fullName = text(body['FullName']);
  const metadata = (body['Metadata'] ?? null) as Record<string, unknown> | null;
  if (!fullName) throw SalesforceRequestError.of(400, 'REQUIRED_FIELD_MISSING', 'Required fields are missing: [FullName]', ['FullName']);
  if (!metadata || typeof metadata !== 'object') throw SalesforceRequestError.of(400, 'REQUIRED_FIELD_MISSING', 'Required fields are missing: [Metadata]', ['Metadata']);
  const [objectName = '', fieldName = '', ...rest] = fullName.split('.');
  const object = org.object(objectName);
  if (!object || object.name.endsWith('History') || object.name === 'User') {
    throw SalesforceRequestError.of(400, 'INVALID_CROSS_REFERENCE_KEY', `In field: fullName - no CustomObject named ${objectName} found`, ['FullName']);
  }
  if (rest.length > 0 || !API_NAME.test(fieldName) || fieldName.length > 43) {
    throw integrity(`Invalid field name ${fieldName}: names must start with a letter, use only letters, digits and single underscores, and end with __c (at most 40 characters before it)`, ['FullName']);
  }
  if (object.fields.has(fieldName.toLowerCase())) {
    throw SalesforceRequestError.of(400, 'DUPLICATE_DEVELOPER_NAME', `There is already a field named ${fieldName.replace(/__c$/, '')} on ${object.name}.`, ['FullName']);
  }
  const label = text(metadata['label']);
  if (!label) throw SalesforceRequestError.of(400, 'REQUIRED_FIELD_MISSING', 'Required fields are missing: [Label]', ['label']);
  const type = text(metadata['type']);
  const externalId = metadata['externalId'] === true || metadata['externalId'] === 'true';
  const unique = metadata['unique'] === true || metadata['unique'] === 'true';
  const caseSensitive = metadata['caseSensitive'] === true || metadata['caseSensitive'] === 'true';
  const required = metadata['required'] === true || metadata['required'] === 'true';
  const trackHistory = object.history !== null && (metadata['trackHistory'] === true || metadata['trackHistory'] === 'true');
  const common = {
    label,
    custom: true,
    nillable: !required,
    trackHistory,
    description: text(metadata['description']),
    inlineHelpText: text(metadata['inlineHelpText']),
    metadata,
    createdDate: org.nowText(),
    customFieldId: metadataId('CustomField', org.nextMetadataSequence()),
  };
  if ((externalId || unique) && !['Text', 'Number', 'Email'].includes(type ?? '')) {
    throw integrity(`${label}: only Text, Number and Email fields can be External IDs or unique`, ['externalId']);
  }
  let field: SalesforceFieldDefinition;
  switch (type) {
    case 'Text': {
      const length = integer(metadata['length']);
      if (length === null || length < 1 || length > TEXT_MAX) throw integrity(`Length: the length of a Text field must be between 1 and ${TEXT_MAX}`, ['length']);
      field = defineField(fieldName, 'string', { ...common, length, externalId, unique, caseSensitive, idLookup: externalId || unique });
      break;
    }
    case 'TextArea':
      field = defineField(fieldName, 'textarea', { ...common, length: TEXT_MAX, extraTypeInfo: 'plaintextarea' });
      break;
    case 'LongTextArea': {
      const length = integer(metadata['length']);
      if (length === null || length < 256 || length > LONG_TEXT_AREA_MAX) {
        throw integrity(`Length: the length of a Long Text Area field must be between 256 and ${LONG_TEXT_AREA_MAX.toLocaleString('en-US')}`, ['length']);
      }
      if (integer(metadata['visibleLines']) === null) throw SalesforceRequestError.of(400, 'REQUIRED_FIELD_MISSING', 'Required fields are missing: [VisibleLines]', ['visibleLines']);
      field = defineField(fieldName, 'textarea', { ...common, length, extraTypeInfo: 'plaintextarea' });
      break;
    }
    case 'Email':
      field = defineField(fieldName, 'email', { ...common, externalId, unique, idLookup: externalId || unique });
      break;
    case 'Phone':
      field = defineField(fieldName, 'phone', common);
      break;
    case 'Url':
      field = defineField(fieldName, 'url', common);
      break;
    case 'Checkbox':
      field = defineField(fieldName, 'boolean', { ...common, nillable: false, defaultedOnCreate: true, defaultValue: metadata['defaultValue'] === true || metadata['defaultValue'] === 'true' });
      break;
    case 'Date':
      field = defineField(fieldName, 'date', common);
      break;
    case 'DateTime':
      field = defineField(fieldName, 'datetime', common);
      break;
    case 'Number': {
      const precision = integer(metadata['precision']) ?? 18;
      const scale = integer(metadata['scale']) ?? 0;
      if (precision < 1 || precision > 18 || scale < 0 || scale > precision) throw integrity('Precision must be between 1 and 18 and scale between 0 and the precision', ['precision']);
      field = defineField(fieldName, 'double', { ...common, precision, scale, externalId, unique, idLookup: externalId || unique });
      break;
    }
    case 'Picklist': {
      const valueSet = (metadata['valueSet'] ?? {}) as { restricted?: unknown; valueSetDefinition?: { value?: Array<{ fullName?: unknown; label?: unknown }> } };
      const values = (valueSet.valueSetDefinition?.value ?? []).map((entry) => String(entry.fullName ?? entry.label ?? '')).filter(Boolean);
      if (values.length === 0) throw integrity('Picklist fields need at least one value in valueSet.valueSetDefinition.value', ['valueSet']);
      field = defineField(fieldName, 'picklist', { ...common, picklistValues: values, restrictedPicklist: valueSet.restricted === true || valueSet.restricted === 'true' });
      break;
    }
    case 'Lookup':
    case 'MasterDetail': {
      const referenceTo = text(metadata['referenceTo']);
      const target = referenceTo ? org.object(referenceTo) : undefined;
      if (!target) throw SalesforceRequestError.of(400, 'INVALID_CROSS_REFERENCE_KEY', `In field: referenceTo - no CustomObject named ${referenceTo ?? ''} found`, ['referenceTo']);
      const relationshipName = text(metadata['relationshipName']);
      if (!relationshipName) throw SalesforceRequestError.of(400, 'REQUIRED_FIELD_MISSING', 'Required fields are missing: [RelationshipName]', ['relationshipName']);
      const master = type === 'MasterDetail';
      const constraint = text(metadata['deleteConstraint']);
      field = defineField(fieldName, 'reference', {
        ...common,
        nillable: !master && !required,
        referenceTo: [target.name],
        // Metadata names the child relationship (Contact.Events__r); describe gives the field's own (Contact__r).
        relationshipName: fieldName.replace(/__c$/, '__r'),
        deleteConstraint: master ? 'Cascade' : constraint === 'Restrict' ? 'Restrict' : constraint === 'Cascade' ? 'Cascade' : 'SetNull',
      });
      break;
    }
    default:
      throw integrity(`Type: the emulator does not support custom fields of type ${type ?? '(missing)'}`, ['type']);
  }
  object.fields.set(field.name.toLowerCase(), field);
  // Existing rows read the new field as empty (or its default for checkboxes).
  if (org.store.count(object.name) > 0) {
    for (const row of [...org.store.all(object.name)]) org.store.write(object.name, { ...row, [field.name]: field.type === 'boolean' ? field.defaultValue : null });
  }
  return { id: field.customFieldId!, success: true, errors: [], warnings: [], infos: [] };
}

/**
 * Creates a custom object from Tooling API `{ FullName: "X__c", Metadata: { label, pluralLabel,
 * nameField: { label, type: "Text" | "AutoNumber", displayFormat }, deploymentStatus, sharingModel,
 * enableHistory } }`.
 */
export function createCustomObject(org: SalesforceOrg, permissions: { customizeApplication: boolean }, body: Record<string, unknown>): ToolingSaveResult {
  requirePermission(org, permissions);
  const fullName = text(body['FullName']);
  const metadata = (body['Metadata'] ?? null) as Record<string, unknown> | null;
  if (!fullName) throw SalesforceRequestError.of(400, 'REQUIRED_FIELD_MISSING', 'Required fields are missing: [FullName]', ['FullName']);
  if (!metadata || typeof metadata !== 'object') throw SalesforceRequestError.of(400, 'REQUIRED_FIELD_MISSING', 'Required fields are missing: [Metadata]', ['Metadata']);
  if (!API_NAME.test(fullName) || fullName.length > 43) throw integrity(`Invalid object name ${fullName}: custom object names end with __c`, ['FullName']);
  if (org.object(fullName)) throw SalesforceRequestError.of(400, 'DUPLICATE_DEVELOPER_NAME', `There is already a custom object named ${fullName.replace(/__c$/, '')}.`, ['FullName']);
  const label = text(metadata['label']);
  const pluralLabel = text(metadata['pluralLabel']);
  if (!label || !pluralLabel) {
    const missing = [!label ? 'Label' : null, !pluralLabel ? 'PluralLabel' : null].filter((name): name is string => name !== null);
    throw SalesforceRequestError.of(400, 'REQUIRED_FIELD_MISSING', `Required fields are missing: [${missing.join(', ')}]`, missing);
  }
  const nameField = (metadata['nameField'] ?? null) as Record<string, unknown> | null;
  const nameType = text(nameField?.['type']);
  if (!nameField || (nameType !== 'Text' && nameType !== 'AutoNumber')) {
    throw integrity('nameField: a custom object needs a nameField of type Text or AutoNumber', ['nameField']);
  }
  const displayFormat = text(nameField['displayFormat']);
  if (nameType === 'AutoNumber' && (!displayFormat || !/\{0+\}/.test(displayFormat))) throw integrity('nameField.displayFormat: an AutoNumber name needs a display format such as EV-{000000}', ['nameField']);
  const customObjectId = metadataId('CustomObject', org.nextMetadataSequence());
  const enableHistory = metadata['enableHistory'] === true || metadata['enableHistory'] === 'true';
  const historyName = fullName.replace(/__c$/, '__History');
  const object: SalesforceObjectDefinition = defineObject(
    fullName,
    customObjectKeyPrefix(org.nextCustomObjectIndex()),
    [
      nameType === 'AutoNumber'
        ? defineField('Name', 'string', { label: text(nameField['label']) ?? `${label} Name`, length: 80, nameField: true, autoNumber: true, displayFormat, createable: false, updateable: false, nillable: false, defaultedOnCreate: true, idLookup: true })
        : defineField('Name', 'string', { label: text(nameField['label']) ?? `${label} Name`, length: 80, nameField: true, nillable: false, idLookup: true }),
    ],
    {
      label,
      labelPlural: pluralLabel,
      custom: true,
      customObjectId,
      metadata,
      createdDate: org.nowText(),
      history: enableHistory ? { objectName: historyName, parentField: 'ParentId' } : null,
    },
  );
  const startingNumber = integer(nameField['startingNumber']);
  if (startingNumber !== null) object.nextAutoNumber = startingNumber;
  org.addObject(object);
  if (enableHistory) org.addObject(historyObject(fullName, 'ParentId', historyName));
  return { id: customObjectId, success: true, errors: [], warnings: [], infos: [] };
}

const toolingReadOnly = { createable: false, updateable: false };

/** The Tooling API objects the emulator answers queries on. */
export function toolingObjects(): SalesforceObjectDefinition[] {
  const common = (name: string, prefix: string, fields: SalesforceFieldDefinition[]) =>
    defineObject(name, prefix, fields, { owner: false, createable: true, updateable: false, deletable: false });
  const metadataFields = () => [
    defineField('DeveloperName', 'string', { length: 40, ...toolingReadOnly }),
    defineField('NamespacePrefix', 'string', { length: 15, ...toolingReadOnly }),
    defineField('Description', 'textarea', { length: 255, ...toolingReadOnly }),
    defineField('FullName', 'string', { length: 255, ...toolingReadOnly }),
    defineField('Metadata', 'anyType', { ...toolingReadOnly }),
  ];
  return [
    common('CustomField', '00N', [
      defineField('TableEnumOrId', 'string', { label: 'Table Enum or ID', length: 40, ...toolingReadOnly }),
      defineField('Length', 'int', { ...toolingReadOnly }),
      defineField('InlineHelpText', 'string', { length: 510, ...toolingReadOnly }),
      ...metadataFields(),
    ]),
    common('CustomObject', '01I', [defineField('ExternalName', 'string', { length: 255, ...toolingReadOnly }), ...metadataFields()]),
    common('EntityDefinition', '000', [
      defineField('DurableId', 'string', { length: 70, ...toolingReadOnly }),
      defineField('QualifiedApiName', 'string', { length: 250, ...toolingReadOnly }),
      defineField('DeveloperName', 'string', { length: 40, ...toolingReadOnly }),
      defineField('Label', 'string', { length: 40, ...toolingReadOnly }),
      defineField('PluralLabel', 'string', { length: 40, ...toolingReadOnly }),
      defineField('KeyPrefix', 'string', { length: 3, ...toolingReadOnly }),
      defineField('NamespacePrefix', 'string', { length: 15, ...toolingReadOnly }),
      defineField('IsCustomizable', 'boolean', { ...toolingReadOnly }),
      defineField('IsQueryable', 'boolean', { ...toolingReadOnly }),
    ]),
  ];
}

/** Tooling rows are computed from the schema on every query, so they never drift from describe. */
export function toolingRows(org: SalesforceOrg, objectName: string): StoredRecord[] {
  const created = formatSalesforceDatetime(0);
  const audit = (date: string | null) => ({ IsDeleted: false, CreatedDate: date ?? created, CreatedById: org.integrationUserId, LastModifiedDate: date ?? created, LastModifiedById: org.integrationUserId, SystemModstamp: date ?? created });
  switch (objectName.toLowerCase()) {
    case 'customfield':
      return org.objects().flatMap((object) =>
        [...object.fields.values()]
          .filter((field) => field.customFieldId)
          .map((field) => ({
            Id: field.customFieldId!,
            ...audit(field.createdDate),
            TableEnumOrId: object.custom ? object.customObjectId : object.name,
            DeveloperName: field.name.replace(/__c$/, ''),
            NamespacePrefix: null,
            Description: field.description,
            Length: field.length,
            InlineHelpText: field.inlineHelpText,
            FullName: `${object.name}.${field.name}`,
            Metadata: field.metadata,
          })),
      );
    case 'customobject':
      return org
        .objects()
        .filter((object) => object.customObjectId)
        .map((object) => ({
          Id: object.customObjectId!,
          ...audit(object.createdDate),
          DeveloperName: object.name.replace(/__c$/, ''),
          NamespacePrefix: null,
          Description: null,
          ExternalName: null,
          FullName: object.name,
          Metadata: object.metadata,
        }));
    case 'entitydefinition':
      return org.objects().map((object) => ({
        Id: `000000000000000AAA`,
        ...audit(object.createdDate),
        DurableId: object.customObjectId ? object.customObjectId.slice(0, 15) : object.name,
        QualifiedApiName: object.name,
        DeveloperName: object.name.replace(/__c$/, ''),
        Label: object.label,
        PluralLabel: object.labelPlural,
        KeyPrefix: object.keyPrefix,
        NamespacePrefix: null,
        IsCustomizable: !object.name.endsWith('History'),
        IsQueryable: object.queryable,
      }));
    default:
      return [];
  }
}
