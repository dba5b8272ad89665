import { temporalValue } from './salesforce-field-values';
import { normalizeSalesforceId } from './salesforce-ids';
import { isTextType, type SalesforceFieldDefinition, type SalesforceObjectDefinition } from './salesforce-schema';
import { SoqlError, type SoqlCondition, type SoqlFieldReference, type SoqlLiteral, type SoqlQuery } from './salesforce-soql';
import type { StoredRecord } from './salesforce-store';

/** What the evaluator needs from the org: objects, rows, an index lookup and the clock. */
export interface SoqlDataSource {
  object(name: string): SalesforceObjectDefinition | undefined;
  /** Every live row of the object (the caller decides about deleted ones). */
  rows(object: SalesforceObjectDefinition): Iterable<StoredRecord>;
  /** Rows whose field equals one of the values, or `null` when there is no index for it. */
  lookup(object: SalesforceObjectDefinition, field: SalesforceFieldDefinition, values: unknown[]): StoredRecord[] | null;
  /** A parent row for relationship paths (`Contact__r.Email`). */
  record(objectName: string, id: string): StoredRecord | undefined;
  /** Base of `attributes.url`, e.g. `/services/data/v62.0/sobjects`. */
  recordUrlBase: string;
  now(): number;
}

/** A query's answer before paging: `records` are projected, `totalSize` counts them (or COUNT()). */
export interface SoqlResult {
  totalSize: number;
  records: Array<Record<string, unknown>>;
}

interface ResolvedField {
  field: SalesforceFieldDefinition;
  /** Set for parent paths: the lookup field on the queried object and the parent object. */
  parent: { lookup: SalesforceFieldDefinition; object: SalesforceObjectDefinition } | null;
  reference: SoqlFieldReference;
}

const MS_PER_DAY = 86_400_000;

function unknownField(name: string, object: SalesforceObjectDefinition, position: number): SoqlError {
  return new SoqlError(
    'INVALID_FIELD',
    `No such column '${name}' on entity '${object.name}'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.`,
    position,
  );
}

function resolveField(source: SoqlDataSource, object: SalesforceObjectDefinition, reference: SoqlFieldReference): ResolvedField {
  const { path, position } = reference;
  if (path.length === 1) {
    const field = object.fields.get(path[0]!.toLowerCase());
    if (!field) throw unknownField(path[0]!, object, position);
    return { field, parent: null, reference };
  }
  // A leading object name is allowed (`Contact.Email` in FROM Contact).
  if (path.length === 2 && path[0]!.toLowerCase() === object.name.toLowerCase()) return resolveField(source, object, { path: [path[1]!], position });
  if (path.length > 2) throw new SoqlError('INVALID_FIELD', `Relationship paths deeper than one level are not supported by the OptinTrail Salesforce emulator: ${path.join('.')}`, position);
  const relationship = path[0]!.toLowerCase();
  const lookup = [...object.fields.values()].find((field) => field.type === 'reference' && field.relationshipName?.toLowerCase() === relationship);
  const parentObject = lookup ? source.object(lookup.referenceTo[0] ?? '') : undefined;
  if (!lookup || !parentObject) {
    throw new SoqlError(
      'INVALID_FIELD',
      `Didn't understand relationship '${path[0]}' in field path. If you are attempting to use a custom relationship, be sure to append the '__r' after the custom relationship name. Please reference your WSDL or the describe call for the appropriate names.`,
      position,
    );
  }
  const field = parentObject.fields.get(path[1]!.toLowerCase());
  if (!field) throw unknownField(path[1]!, parentObject, position);
  return { field, parent: { lookup, object: parentObject }, reference };
}

function readValue(source: SoqlDataSource, row: StoredRecord, resolved: ResolvedField): unknown {
  if (!resolved.parent) return row[resolved.field.name] ?? null;
  const parentId = row[resolved.parent.lookup.name];
  if (typeof parentId !== 'string') return null;
  const parent = source.record(resolved.parent.object.name, parentId);
  return parent ? (parent[resolved.field.name] ?? null) : null;
}

const isLongText = (field: SalesforceFieldDefinition) => field.type === 'textarea' && field.length > 255;

function checkFilterable(field: SalesforceFieldDefinition, position: number): void {
  if (field.type === 'anyType' || isLongText(field)) {
    throw new SoqlError('INVALID_FIELD', `field '${field.name}' can not be filtered in a query call`, position);
  }
}

/** A compiled predicate over one row. */
type Predicate = (row: StoredRecord) => boolean;

function typeMismatch(field: SalesforceFieldDefinition, expected: string, quoted: boolean, position: number): SoqlError {
  return new SoqlError(
    'INVALID_FIELD',
    `value of filter criterion for field '${field.name}' must be of type ${expected} and ${quoted ? 'should be enclosed in quotes' : 'should not be enclosed in quotes'}`,
    position,
  );
}

/** A literal turned into a comparable value for this field: string, number, boolean, [start, end) range or null. */
type Comparable = { kind: 'value'; value: string | number | boolean | null } | { kind: 'range'; start: number; end: number };

function dateLiteralRange(literal: Extract<SoqlLiteral, { kind: 'dateLiteral' }>, now: number): { start: number; end: number } {
  const today = Math.floor(now / MS_PER_DAY) * MS_PER_DAY;
  const amount = literal.amount ?? 0;
  switch (literal.name) {
    case 'TODAY':
      return { start: today, end: today + MS_PER_DAY };
    case 'YESTERDAY':
      return { start: today - MS_PER_DAY, end: today };
    case 'TOMORROW':
      return { start: today + MS_PER_DAY, end: today + 2 * MS_PER_DAY };
    case 'LAST_N_DAYS':
      return { start: today - amount * MS_PER_DAY, end: today + MS_PER_DAY };
    case 'NEXT_N_DAYS':
      return { start: today + MS_PER_DAY, end: today + (amount + 1) * MS_PER_DAY };
    default: // N_DAYS_AGO
      return { start: today - amount * MS_PER_DAY, end: today - (amount - 1) * MS_PER_DAY };
  }
}

function comparableLiteral(field: SalesforceFieldDefinition, literal: SoqlLiteral, now: number): Comparable {
  if (literal.kind === 'null') return { kind: 'value', value: null };
  const { position } = literal;
  if (field.type === 'id' || field.type === 'reference') {
    if (literal.kind !== 'string') throw typeMismatch(field, 'id', true, position);
    const id = normalizeSalesforceId(literal.value);
    if (!id) throw new SoqlError('INVALID_QUERY_FILTER_OPERATOR', `invalid ID field: ${literal.value}`, position);
    return { kind: 'value', value: id };
  }
  if (isTextType(field.type)) {
    if (literal.kind !== 'string') throw typeMismatch(field, 'string', true, position);
    return { kind: 'value', value: literal.value.toLowerCase() };
  }
  switch (field.type) {
    case 'boolean':
      if (literal.kind !== 'boolean') throw typeMismatch(field, 'boolean', false, position);
      return { kind: 'value', value: literal.value };
    case 'double':
    case 'int':
      if (literal.kind !== 'number') throw typeMismatch(field, field.type === 'int' ? 'int' : 'double', false, position);
      return { kind: 'value', value: literal.value };
    case 'date':
      if (literal.kind === 'dateLiteral') return { kind: 'range', ...dateLiteralRange(literal, now) };
      if (literal.kind !== 'date') throw typeMismatch(field, 'date', false, position);
      return { kind: 'value', value: temporalValue(literal.value) };
    case 'datetime':
      if (literal.kind === 'dateLiteral') return { kind: 'range', ...dateLiteralRange(literal, now) };
      if (literal.kind !== 'datetime') throw typeMismatch(field, 'dateTime', false, position);
      return { kind: 'value', value: literal.value };
    default:
      throw new SoqlError('INVALID_FIELD', `field '${field.name}' can not be filtered in a query call`, position);
  }
}

/** A stored value in the same space as `comparableLiteral`. */
function comparableValue(field: SalesforceFieldDefinition, value: unknown): string | number | boolean | null {
  if (value === null || value === undefined) return null;
  if (field.type === 'date' || field.type === 'datetime') return temporalValue(value);
  if (field.type === 'id' || field.type === 'reference') return String(value);
  if (isTextType(field.type)) return String(value).toLowerCase();
  return value as number | boolean;
}

function compare(left: string | number | boolean, right: string | number | boolean): number {
  if (typeof left === 'string' && typeof right === 'string') return left < right ? -1 : left > right ? 1 : 0;
  return Number(left) - Number(right);
}

/** SOQL LIKE: `%` any run, `_` one character, `\%` and `\_` literal, case-insensitive. */
export function likePattern(pattern: string): RegExp {
  let source = '';
  for (let index = 0; index < pattern.length; index += 1) {
    const character = pattern.charAt(index);
    if (character === '\\' && (pattern.charAt(index + 1) === '%' || pattern.charAt(index + 1) === '_')) {
      source += pattern.charAt(index + 1);
      index += 1;
    } else if (character === '%') source += '.*';
    else if (character === '_') source += '.';
    else source += character.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`, 'is');
}

function compileCondition(source: SoqlDataSource, object: SalesforceObjectDefinition, condition: SoqlCondition): Predicate {
  switch (condition.kind) {
    case 'and': {
      const parts = condition.conditions.map((part) => compileCondition(source, object, part));
      return (row) => parts.every((part) => part(row));
    }
    case 'or': {
      const parts = condition.conditions.map((part) => compileCondition(source, object, part));
      return (row) => parts.some((part) => part(row));
    }
    case 'not': {
      const inner = compileCondition(source, object, condition.condition);
      return (row) => !inner(row);
    }
    case 'in': {
      const resolved = resolveField(source, object, condition.field);
      checkFilterable(resolved.field, condition.field.position);
      const now = source.now();
      const values = condition.values.map((literal) => {
        const comparable = comparableLiteral(resolved.field, literal, now);
        if (comparable.kind === 'range') throw new SoqlError('MALFORMED_QUERY', 'Date literals are not supported inside IN by the OptinTrail Salesforce emulator', literal.position);
        return comparable.value;
      });
      const set = new Set(values);
      return (row) => set.has(comparableValue(resolved.field, readValue(source, row, resolved))) !== condition.negated;
    }
    case 'comparison': {
      const resolved = resolveField(source, object, condition.field);
      const { field } = resolved;
      checkFilterable(field, condition.field.position);
      if (condition.operator === 'LIKE') {
        if (!isTextType(field.type) && field.type !== 'id' && field.type !== 'reference') {
          throw new SoqlError('INVALID_FIELD', `invalid operator on field '${field.name}': LIKE applies to text fields only`, condition.field.position);
        }
        const pattern = likePattern(condition.value.kind === 'string' ? condition.value.value : '');
        return (row) => {
          const value = readValue(source, row, resolved);
          return value !== null && pattern.test(String(value));
        };
      }
      const literal = comparableLiteral(field, condition.value, source.now());
      const operator = condition.operator;
      if (field.type === 'boolean' && operator !== '=' && operator !== '!=') {
        throw new SoqlError('INVALID_FIELD', `invalid operator on boolean field '${field.name}'`, condition.field.position);
      }
      if (literal.kind === 'range') {
        const { start, end } = literal;
        return (row) => {
          const value = comparableValue(field, readValue(source, row, resolved));
          if (value === null) return operator === '!=';
          const number = Number(value);
          switch (operator) {
            case '=':
              return number >= start && number < end;
            case '!=':
              return number < start || number >= end;
            case '<':
              return number < start;
            case '<=':
              return number < end;
            case '>':
              return number >= end;
            default:
              return number >= start;
          }
        };
      }
      const expected = literal.value;
      return (row) => {
        const value = comparableValue(field, readValue(source, row, resolved));
        if (operator === '=') return value === expected;
        if (operator === '!=') return value !== expected;
        if (value === null || expected === null) return false;
        const order = compare(value, expected);
        if (operator === '<') return order < 0;
        if (operator === '<=') return order <= 0;
        if (operator === '>') return order > 0;
        return order >= 0;
      };
    }
  }
}

/** Rows to scan: an indexed equality among the top-level AND terms narrows them down. */
function candidateRows(source: SoqlDataSource, object: SalesforceObjectDefinition, where: SoqlCondition | null): Iterable<StoredRecord> {
  const terms = where === null ? [] : where.kind === 'and' ? where.conditions : [where];
  for (const term of terms) {
    const isEquality = (term.kind === 'comparison' && term.operator === '=') || (term.kind === 'in' && !term.negated);
    if (!isEquality || term.field.path.length !== 1) continue;
    const field = object.fields.get(term.field.path[0]!.toLowerCase());
    if (!field) continue;
    const literals = term.kind === 'in' ? term.values : [term.value];
    if (literals.some((literal) => literal.kind !== 'string')) continue;
    const values = literals.map((literal) => {
      const text = (literal as { value: string }).value;
      return field.type === 'id' || field.type === 'reference' ? normalizeSalesforceId(text) : text;
    });
    const rows = source.lookup(object, field, values);
    if (rows) return rows;
  }
  return source.rows(object);
}

/** Runs a parsed query against the org. Throws `SoqlError` for unknown objects, fields and type mismatches. */
export function executeSoql(query: SoqlQuery, source: SoqlDataSource): SoqlResult {
  const object = source.object(query.from.name);
  if (!object || !object.queryable) {
    throw new SoqlError(
      'INVALID_TYPE',
      `sObject type '${query.from.name}' is not supported. If you are attempting to use a custom object, be sure to append the '__c' after the entity name. Please reference your WSDL or the describe call for the appropriate names.`,
      query.from.position,
    );
  }
  const selected = query.select.map((item) => {
    if (item.kind === 'count') return { item, resolved: item.field ? resolveField(source, object, item.field) : null };
    return { item, resolved: resolveField(source, object, item.field) };
  });
  const seen = new Set<string>();
  for (const { item, resolved } of selected) {
    if (item.kind !== 'field' || !resolved) continue;
    const key = `${resolved.parent?.lookup.name ?? ''}.${resolved.field.name}`.toLowerCase();
    if (seen.has(key)) throw new SoqlError('MALFORMED_QUERY', `duplicate field selected: ${item.field.path.join('.')}`, item.field.position);
    seen.add(key);
  }
  const order = query.orderBy.map((entry) => {
    const resolved = resolveField(source, object, entry.field);
    if (resolved.field.type === 'anyType' || isLongText(resolved.field)) {
      throw new SoqlError('INVALID_FIELD', `field '${resolved.field.name}' can not be sorted in a query call`, entry.field.position);
    }
    return { resolved, descending: entry.descending, nullsFirst: entry.nullsFirst ?? !entry.descending };
  });
  const predicate = query.where ? compileCondition(source, object, query.where) : () => true;

  let rows: StoredRecord[] = [];
  for (const row of candidateRows(source, object, query.where)) if (predicate(row)) rows.push(row);

  if (order.length > 0) {
    const keyed = rows.map((row, position) => ({ row, position, keys: order.map(({ resolved }) => comparableValue(resolved.field, readValue(source, row, resolved))) }));
    keyed.sort((left, right) => {
      for (let index = 0; index < order.length; index += 1) {
        const { descending, nullsFirst } = order[index]!;
        const a = left.keys[index] ?? null;
        const b = right.keys[index] ?? null;
        if (a === null && b === null) continue;
        if (a === null) return nullsFirst ? -1 : 1;
        if (b === null) return nullsFirst ? 1 : -1;
        const result = compare(a, b);
        if (result !== 0) return descending ? -result : result;
      }
      return left.position - right.position;
    });
    rows = keyed.map((entry) => entry.row);
  }

  const countItem = selected.find((entry) => entry.item.kind === 'count');
  if (countItem) {
    const { item, resolved } = countItem;
    if (item.kind === 'count' && !item.field) return { totalSize: rows.length, records: [] };
    const counted = resolved ? rows.filter((row) => readValue(source, row, resolved) !== null).length : rows.length;
    const alias = item.kind === 'count' && item.alias ? item.alias : 'expr0';
    return { totalSize: 1, records: [{ attributes: { type: 'AggregateResult' }, [alias]: counted }] };
  }

  const start = query.offset ?? 0;
  const end = query.limit === null ? undefined : start + query.limit;
  const page = rows.slice(start, end);
  const records = page.map((row) => {
    const projected: Record<string, unknown> = {
      attributes: { type: object.name, url: `${source.recordUrlBase}/${object.name}/${row.Id}` },
    };
    for (const { item, resolved } of selected) {
      if (item.kind !== 'field' || !resolved) continue;
      if (!resolved.parent) {
        projected[resolved.field.name] = row[resolved.field.name] ?? null;
        continue;
      }
      const relationshipName = resolved.parent.lookup.relationshipName!;
      const parentId = row[resolved.parent.lookup.name];
      const parent = typeof parentId === 'string' ? source.record(resolved.parent.object.name, parentId) : undefined;
      if (!parent) {
        projected[relationshipName] = null;
        continue;
      }
      const existing = projected[relationshipName] as Record<string, unknown> | undefined;
      const nested = existing ?? { attributes: { type: resolved.parent.object.name, url: `${source.recordUrlBase}/${resolved.parent.object.name}/${parent.Id}` } };
      nested[resolved.field.name] = parent[resolved.field.name] ?? null;
      projected[relationshipName] = nested;
    }
    return projected;
  });
  return { totalSize: records.length, records };
}
