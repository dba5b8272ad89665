/**
 * `@optintrail/salesforce/testing`: a local Salesforce REST emulator for tests, demos and
 * benchmarks. Point jsforce at it with `new Connection({ instanceUrl: emulator.url, accessToken, version: '62.0' })`.
 */
export { startSalesforceEmulator } from './salesforce-emulator';
export type { SalesforceEmulator, SalesforceEmulatorOptions } from './salesforce-emulator';
export type {
  SalesforceEmulatorState,
  SalesforceFieldDescription,
  SalesforceHistoryRow,
  SalesforceRecord,
  SalesforceStateWriteOptions,
} from './salesforce-emulator-state';
export { parseSoql, formatSoqlErrorMessage, SoqlError } from './salesforce-soql';
export type { SoqlQuery, SoqlCondition, SoqlLiteral, SoqlSelectItem, SoqlOrderItem, SoqlFieldReference } from './salesforce-soql';
export { buildSalesforceId, normalizeSalesforceId, salesforceIdSuffix } from './salesforce-ids';
export type { FaultSettings, RecordedCall } from '@optintrail/emulator-kit';
