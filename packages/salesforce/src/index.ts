export { createSalesforceAdapter, salesforceSchemaNames } from './salesforce-adapter';
export type { SalesforceAdapterSettings } from './salesforce-adapter';
export { SalesforceClient, soqlString } from './salesforce-client';
export type { SalesforceConnectionSettings, CompositeSubrequest, CompositeSubresponse } from './salesforce-client';
export { toSalesforceError, SALESFORCE_ADAPTER_ID } from './salesforce-error';
export type { SalesforceSchemaNames, SalesforceFieldPlan } from './salesforce-schema-plan';
export { consentKey, contactPointType } from './salesforce-consent-interop';
export { DEFAULT_SALESFORCE_DATA_FIELDS } from './salesforce-rectify';
export type { SalesforceRectifySettings } from './salesforce-rectify';
