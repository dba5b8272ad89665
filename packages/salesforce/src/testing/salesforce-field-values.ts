import { normalizeSalesforceId } from './salesforce-ids';
import { SalesforceRequestError, recordError, type SalesforceRecordError } from './salesforce-emulator-errors';
import { isTextType, type SalesforceFieldDefinition } from './salesforce-schema';

/** Salesforce's datetime form in JSON: `2024-05-01T09:30:00.000+0000`. */
export function formatSalesforceDatetime(epochMs: number): string {
  return new Date(epochMs).toISOString().replace('Z', '+0000');
}

/** Epoch milliseconds of a stored datetime or date value, or null. */
export function temporalValue(value: unknown): number | null {
  if (typeof value !== 'string') return null;
  const normalized = /^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value.replace(/([+-]\d{2})(\d{2})$/, '$1:$2');
  const parsed = Date.parse(normalized);
  return Number.isNaN(parsed) ? null : parsed;
}

const EMAIL = /^[^\s@<>(),;:"[\]]+@[^\s@<>(),;:"[\]]+\.[A-Za-z]{2,}$/;

function jsonParserError(value: unknown, type: string): SalesforceRequestError {
  return SalesforceRequestError.of(
    400,
    'JSON_PARSER_ERROR',
    `Cannot deserialize instance of ${type} from ${typeof value === 'string' ? 'VALUE_STRING' : 'VALUE_' + String(typeof value).toUpperCase()} value ${String(value)} or request may be missing a required field`,
  );
}

export type CoercionResult = { value: unknown; errors: SalesforceRecordError[] };

/**
 * Turns a JSON value sent for `field` into what the org stores. Type mismatches fail the whole
 * request (JSON_PARSER_ERROR), as Salesforce's deserializer does; value rules (length, email,
 * restricted picklist, id shape) fail only the record.
 */
export function coerceFieldValue(field: SalesforceFieldDefinition, raw: unknown): CoercionResult {
  const ok = (value: unknown): CoercionResult => ({ value, errors: [] });
  const fail = (...errors: SalesforceRecordError[]): CoercionResult => ({ value: undefined, errors });
  if (raw === null || raw === undefined) return ok(field.type === 'boolean' ? false : null);
  if (typeof raw === 'object') throw jsonParserError(JSON.stringify(raw), field.type === 'double' ? 'double' : 'string');
  if (isTextType(field.type)) {
    const text = String(raw);
    if (text === '') return ok(null);
    if (text.length > field.length) {
      return fail(recordError('STRING_TOO_LONG', `${field.label}: data value too large: ${text.length > 80 ? text.slice(0, 80) + '...' : text} (max length=${field.length})`, [field.name]));
    }
    if (field.type === 'email' && !EMAIL.test(text)) {
      return fail(recordError('INVALID_EMAIL_ADDRESS', `${field.label}: invalid email address: ${text}`, [field.name]));
    }
    if (field.type === 'picklist' && field.restrictedPicklist && !field.picklistValues.includes(text)) {
      return fail(recordError('INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST', `${field.label}: bad value for restricted picklist field: ${text}`, [field.name]));
    }
    return ok(text);
  }
  switch (field.type) {
    case 'boolean':
      if (typeof raw === 'boolean') return ok(raw);
      if (raw === 'true' || raw === 'false') return ok(raw === 'true');
      throw jsonParserError(raw, 'boolean');
    case 'double':
    case 'int': {
      const number = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : Number.NaN;
      if (!Number.isFinite(number)) throw jsonParserError(raw, field.type);
      if (field.type === 'int' && !Number.isInteger(number)) throw jsonParserError(raw, 'int');
      return ok(field.scale > 0 || field.type === 'int' ? Number(number.toFixed(field.scale)) : number);
    }
    case 'date': {
      if (typeof raw !== 'string' || !/^\d{4}-\d{2}-\d{2}/.test(raw) || temporalValue(raw.slice(0, 10)) === null) throw jsonParserError(raw, 'date');
      return ok(raw.slice(0, 10));
    }
    case 'datetime': {
      if (typeof raw !== 'string') throw jsonParserError(raw, 'datetime');
      const text = /^\d{4}-\d{2}-\d{2}$/.test(raw) ? `${raw}T00:00:00Z` : /T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(raw) ? `${raw}Z` : raw;
      const epoch = temporalValue(text);
      if (epoch === null || !/^\d{4}-\d{2}-\d{2}T/.test(text)) throw jsonParserError(raw, 'datetime');
      return ok(formatSalesforceDatetime(epoch));
    }
    case 'id':
    case 'reference': {
      const id = normalizeSalesforceId(String(raw));
      if (!id) return fail(recordError('MALFORMED_ID', `${field.label}: id value of incorrect type: ${String(raw)}`, [field.name]));
      return ok(id);
    }
    case 'anyType':
      return ok(raw);
    default:
      return ok(raw);
  }
}

/** ContactHistory's DataType column for a field type. */
export function historyDataType(field: SalesforceFieldDefinition): string {
  const names: Partial<Record<string, string>> = {
    string: 'Text',
    textarea: 'TextArea',
    email: 'Email',
    phone: 'Phone',
    url: 'Url',
    boolean: 'Boolean',
    date: 'Date',
    datetime: 'DateTime',
    double: 'Double',
    int: 'Integer',
    picklist: 'DynamicEnum',
    reference: 'EntityId',
  };
  return names[field.type] ?? 'Text';
}
