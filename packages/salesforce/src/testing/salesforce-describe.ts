import type { SalesforceFieldDefinition, SalesforceObjectDefinition } from './salesforce-schema';

const SOAP_TYPES: Record<string, string> = {
  id: 'tns:ID',
  reference: 'tns:ID',
  boolean: 'xsd:boolean',
  date: 'xsd:date',
  datetime: 'xsd:dateTime',
  double: 'xsd:double',
  int: 'xsd:int',
  anyType: 'xsd:anyType',
};

/** One entry of `fields` in `GET /sobjects/{name}/describe`. */
export function describeField(field: SalesforceFieldDefinition): Record<string, unknown> {
  const longText = field.type === 'textarea' && field.length > 255;
  const filterable = field.type !== 'anyType' && !longText;
  return {
    aggregatable: filterable,
    autoNumber: field.autoNumber,
    byteLength: field.length * 3,
    calculated: false,
    calculatedFormula: null,
    cascadeDelete: field.deleteConstraint === 'Cascade',
    caseSensitive: field.caseSensitive,
    createable: field.createable,
    custom: field.custom,
    defaultValue: field.defaultValue,
    defaultedOnCreate: field.defaultedOnCreate,
    dependentPicklist: false,
    deprecatedAndHidden: false,
    digits: field.type === 'int' ? 9 : 0,
    externalId: field.externalId,
    extraTypeInfo: field.extraTypeInfo,
    filterable,
    groupable: filterable && field.type !== 'datetime' && field.type !== 'double',
    htmlFormatted: false,
    idLookup: field.idLookup,
    inlineHelpText: field.inlineHelpText,
    label: field.label,
    length: field.length,
    name: field.name,
    nameField: field.nameField,
    nillable: field.nillable,
    permissionable: field.custom && field.nillable,
    picklistValues: field.picklistValues.map((value) => ({ active: true, defaultValue: field.defaultValue === value, label: value, validFor: null, value })),
    precision: field.precision,
    referenceTo: field.referenceTo,
    relationshipName: field.relationshipName,
    restrictedPicklist: field.restrictedPicklist,
    scale: field.scale,
    soapType: SOAP_TYPES[field.type] ?? 'xsd:string',
    sortable: filterable,
    type: field.type,
    unique: field.unique,
    updateable: field.updateable,
  };
}

function objectUrls(object: SalesforceObjectDefinition, base: string): Record<string, string> {
  return {
    sobject: `${base}/${object.name}`,
    describe: `${base}/${object.name}/describe`,
    rowTemplate: `${base}/${object.name}/{ID}`,
  };
}

/** One entry of `sobjects` in `GET /sobjects` (describeGlobal). */
export function describeGlobalObject(object: SalesforceObjectDefinition, base: string): Record<string, unknown> {
  return {
    activateable: false,
    createable: object.createable,
    custom: object.custom,
    customSetting: false,
    deletable: object.deletable,
    deprecatedAndHidden: false,
    feedEnabled: false,
    keyPrefix: object.keyPrefix,
    label: object.label,
    labelPlural: object.labelPlural,
    layoutable: object.createable,
    mergeable: false,
    mruEnabled: false,
    name: object.name,
    queryable: object.queryable,
    replicateable: true,
    retrieveable: true,
    searchable: object.createable,
    triggerable: object.createable,
    undeletable: object.deletable,
    updateable: object.updateable,
    urls: objectUrls(object, base),
  };
}

/** `GET /sobjects/{name}/describe`. `base` is `/services/data/v62.0/sobjects`. */
export function describeObject(object: SalesforceObjectDefinition, base: string): Record<string, unknown> {
  return {
    ...describeGlobalObject(object, base),
    childRelationships: [],
    fields: [...object.fields.values()].map(describeField),
    recordTypeInfos: [],
    supportedScopes: [{ label: 'All', name: 'everything' }],
  };
}

/** Season label of an API version: 60.0 is Spring '24, 61.0 Summer '24, 62.0 Winter '25. */
export function releaseLabel(version: number): string {
  const offset = version - 60;
  const season = ((offset % 3) + 3) % 3;
  const year = 24 + Math.floor(offset / 3) + (season === 2 ? 1 : 0);
  return `${['Spring', 'Summer', 'Winter'][season]} '${String(year).padStart(2, '0')}`;
}

/** `GET /services/data`: every version from 31.0 to the latest. */
export function versionList(latest: string): Array<{ label: string; url: string; version: string }> {
  const versions: Array<{ label: string; url: string; version: string }> = [];
  for (let version = 31; version <= Math.floor(Number(latest)); version += 1) {
    versions.push({ label: releaseLabel(version), url: `/services/data/v${version}.0`, version: `${version}.0` });
  }
  return versions;
}
