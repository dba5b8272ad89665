import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildSalesforceId, normalizeSalesforceId } from '../src/testing/salesforce-ids';
import { defineField, defineObject, type SalesforceObjectDefinition } from '../src/testing/salesforce-schema';
import { SoqlError, formatSoqlErrorMessage, parseSoql, type SoqlCondition, type SoqlLiteral, type SoqlQuery } from '../src/testing/salesforce-soql';
import { executeSoql, likePattern, type SoqlDataSource } from '../src/testing/salesforce-soql-evaluator';
import type { StoredRecord } from '../src/testing/salesforce-store';

function parseError(soql: string): SoqlError {
  try {
    parseSoql(soql);
  } catch (error) {
    if (error instanceof SoqlError) return error;
    throw error;
  }
  throw new Error(`expected ${soql} to be refused`);
}

describe('parseSoql', () => {
  it('parses the subset: fields, COUNT(), WHERE with AND/OR/NOT, IN, LIKE, literals, ORDER BY, LIMIT, OFFSET', () => {
    const query = parseSoql(
      "select Id, Contact__r.Email FROM OptinTrail_Event__c WHERE (Type__c = 'consent.given' OR Type__c LIKE 'data.%') AND NOT Occurred_At__c < 2024-01-01T00:00:00.000+0100 AND Sequence__c NOT IN (1, 2.5) AND Day__c >= LAST_N_DAYS:30 AND Flag__c = false AND Note__c != null ORDER BY Occurred_At__c DESC NULLS LAST, Id LIMIT 10 OFFSET 5",
    );
    expect(query.select).toEqual([
      { kind: 'field', field: { path: ['Id'], position: 7 } },
      { kind: 'field', field: { path: ['Contact__r', 'Email'], position: 11 } },
    ]);
    expect(query.from.name).toBe('OptinTrail_Event__c');
    expect(query.where?.kind).toBe('and');
    const terms = (query.where as Extract<SoqlCondition, { kind: 'and' }>).conditions;
    expect(terms.map((term) => term.kind)).toEqual(['or', 'not', 'in', 'comparison', 'comparison', 'comparison']);
    const notTerm = terms[1] as Extract<SoqlCondition, { kind: 'not' }>;
    expect(notTerm.condition).toMatchObject({ kind: 'comparison', operator: '<', value: { kind: 'datetime', value: Date.parse('2023-12-31T23:00:00.000Z') } });
    expect(terms[2]).toMatchObject({ kind: 'in', negated: true, values: [{ kind: 'number', value: 1 }, { kind: 'number', value: 2.5 }] });
    expect(terms[3]).toMatchObject({ value: { kind: 'dateLiteral', name: 'LAST_N_DAYS', amount: 30 } });
    expect(query.orderBy.map((entry) => [entry.field.path.join('.'), entry.descending, entry.nullsFirst])).toEqual([
      ['Occurred_At__c', true, false],
      ['Id', false, null],
    ]);
    expect([query.limit, query.offset]).toEqual([10, 5]);
    expect(parseSoql('SELECT COUNT() FROM Contact').select).toEqual([{ kind: 'count', field: null, alias: null, position: 7 }]);
    expect(parseSoql('SELECT COUNT(Id) total FROM Contact').select).toEqual([{ kind: 'count', field: { path: ['Id'], position: 13 }, alias: 'total', position: 7 }]);
  });

  it('decodes string escapes', () => {
    const query = parseSoql("SELECT Id FROM Contact WHERE LastName = 'O\\'Brien\\nline'");
    expect((query.where as { value: SoqlLiteral }).value).toEqual({ kind: 'string', value: "O'Brien\nline", position: 40 });
  });

  it('refuses what Salesforce refuses, pointing at the offending token', () => {
    expect(parseError("SELECT Id FROM Contact WHERE A = 'a' AND B = 'b' OR C = 'c'")).toMatchObject({ errorCode: 'MALFORMED_QUERY', detail: "unexpected token: 'OR'", position: 49 });
    expect(parseError('SELECT Id FROM Contact WHERE').detail).toBe('unexpected token: <EOF>');
    expect(parseError('SELECT FROM Contact').errorCode).toBe('MALFORMED_QUERY');
    expect(parseError('SELECT Id Contact').errorCode).toBe('MALFORMED_QUERY');
    expect(parseError("SELECT Id FROM Contact WHERE Name = 'open").errorCode).toBe('MALFORMED_QUERY');
    expect(parseError('SELECT Id FROM Contact WHERE Id IN (SELECT ContactId FROM Task)').errorCode).toBe('MALFORMED_QUERY');
    expect(parseError('SELECT Id FROM Contact LIMIT -1').errorCode).toBe('MALFORMED_QUERY');
    expect(parseError('SELECT Id FROM Contact OFFSET 2001').errorCode).toBe('NUMBER_OUTSIDE_VALID_RANGE');
    expect(parseError('SELECT COUNT(), Id FROM Contact').errorCode).toBe('MALFORMED_QUERY');
  });

  it('formats errors as Salesforce does: the line, a caret, row and column, then the reason', () => {
    const soql = 'SELECT Id\nFROM Contact\nWHERE Name ==';
    const error = parseError(soql);
    expect(formatSoqlErrorMessage(soql, error)).toBe("\nWHERE Name ==\n            ^\nERROR at Row:3:Column:13\nunexpected token: '='");
  });
});

// ---- a printer for generated queries, to check that parse(print(query)) gives the query back ----

const identifier = fc.stringMatching(/^[A-Za-z][A-Za-z0-9]{0,6}(__c)?$/).filter((name) => !['SELECT', 'FROM', 'WHERE', 'AND', 'OR', 'NOT', 'IN', 'LIKE', 'ORDER', 'BY', 'LIMIT', 'OFFSET', 'ASC', 'DESC', 'NULLS', 'FIRST', 'LAST', 'NULL', 'TRUE', 'FALSE', 'GROUP', 'HAVING', 'COUNT', 'TODAY', 'YESTERDAY', 'TOMORROW'].includes(name.toUpperCase()));

type PlainLiteral = { kind: 'string'; value: string } | { kind: 'number'; value: number } | { kind: 'boolean'; value: boolean } | { kind: 'null' } | { kind: 'date'; value: string };
type PlainCondition =
  | { kind: 'and' | 'or'; conditions: PlainCondition[] }
  | { kind: 'not'; condition: PlainCondition }
  | { kind: 'comparison'; field: string; operator: '=' | '!=' | '<' | '<=' | '>' | '>=' | 'LIKE'; value: PlainLiteral }
  | { kind: 'in'; field: string; negated: boolean; values: PlainLiteral[] };

const literal: fc.Arbitrary<PlainLiteral> = fc.oneof(
  fc.string({ maxLength: 8 }).map((value) => ({ kind: 'string' as const, value: value.replace(/\\/g, '') })),
  fc.integer({ min: -1000, max: 1000 }).map((value) => ({ kind: 'number' as const, value })),
  fc.boolean().map((value) => ({ kind: 'boolean' as const, value })),
  fc.constant({ kind: 'null' as const }),
  fc.date({ min: new Date('2000-01-01'), max: new Date('2030-12-31'), noInvalidDate: true }).map((date) => ({ kind: 'date' as const, value: date.toISOString().slice(0, 10) })),
);

const condition: fc.Arbitrary<PlainCondition> = fc.letrec<{ condition: PlainCondition }>((tie) => ({
  condition: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.record({ kind: fc.constant('comparison' as const), field: identifier, operator: fc.constantFrom('=' as const, '!=' as const, '<' as const, '<=' as const, '>' as const, '>=' as const), value: literal }),
    fc.record({ kind: fc.constant('in' as const), field: identifier, negated: fc.boolean(), values: fc.array(literal, { minLength: 1, maxLength: 3 }) }),
    fc.record({ kind: fc.constantFrom('and' as const, 'or' as const), conditions: fc.array(tie('condition'), { minLength: 2, maxLength: 3 }) }),
    fc.record({ kind: fc.constant('not' as const), condition: tie('condition') }),
  ),
})).condition;

function printLiteral(value: PlainLiteral): string {
  switch (value.kind) {
    case 'string':
      return `'${value.value.replace(/'/g, "\\'").replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t')}'`;
    case 'null':
      return 'NULL';
    default:
      return String(value.value);
  }
}

function printCondition(node: PlainCondition): string {
  switch (node.kind) {
    case 'and':
    case 'or':
      return node.conditions.map((part) => `(${printCondition(part)})`).join(` ${node.kind.toUpperCase()} `);
    case 'not':
      return `NOT (${printCondition(node.condition)})`;
    case 'in':
      return `${node.field} ${node.negated ? 'NOT IN' : 'IN'} (${node.values.map(printLiteral).join(', ')})`;
    default:
      return `${node.field} ${node.operator} ${printLiteral(node.value)}`;
  }
}

/** Drops positions (and flattens nothing else) so a parsed query compares with a generated one. */
function plain(node: SoqlCondition): PlainCondition {
  const literalOf = (value: SoqlLiteral): PlainLiteral => {
    const { position: _position, ...rest } = value as SoqlLiteral & { position: number };
    return rest as PlainLiteral;
  };
  switch (node.kind) {
    case 'and':
    case 'or':
      return { kind: node.kind, conditions: node.conditions.map(plain) };
    case 'not':
      return { kind: 'not', condition: plain(node.condition) };
    case 'in':
      return { kind: 'in', field: node.field.path.join('.'), negated: node.negated, values: node.values.map(literalOf) };
    default:
      return { kind: 'comparison', field: node.field.path.join('.'), operator: node.operator, value: literalOf(node.value) };
  }
}

describe('parseSoql properties', () => {
  it('gives back the query a printer wrote (fields, conditions, ordering, limits)', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(identifier, { minLength: 1, maxLength: 4, selector: (name) => name.toLowerCase() }),
        identifier,
        fc.option(condition, { nil: undefined }),
        fc.array(fc.record({ field: identifier, descending: fc.boolean(), nullsFirst: fc.option(fc.boolean(), { nil: null }) }), { maxLength: 2 }),
        fc.option(fc.nat(5000), { nil: null }),
        fc.option(fc.nat(2000), { nil: null }),
        (fields, from, where, orderBy, limit, offset) => {
          let soql = `SELECT ${fields.join(', ')} FROM ${from}`;
          if (where) soql += ` WHERE ${printCondition(where)}`;
          if (orderBy.length > 0) {
            soql += ` ORDER BY ${orderBy.map((entry) => `${entry.field} ${entry.descending ? 'DESC' : 'ASC'}${entry.nullsFirst === null ? '' : entry.nullsFirst ? ' NULLS FIRST' : ' NULLS LAST'}`).join(', ')}`;
          }
          if (limit !== null) soql += ` LIMIT ${limit}`;
          if (offset !== null) soql += ` OFFSET ${offset}`;
          const parsed: SoqlQuery = parseSoql(soql);
          expect(parsed.select.map((item) => (item.kind === 'field' ? item.field.path.join('.') : 'COUNT'))).toEqual(fields);
          expect(parsed.from.name).toBe(from);
          expect(parsed.where ? plain(parsed.where) : undefined).toEqual(where);
          expect(parsed.orderBy.map((entry) => ({ field: entry.field.path.join('.'), descending: entry.descending, nullsFirst: entry.nullsFirst }))).toEqual(orderBy);
          expect([parsed.limit, parsed.offset]).toEqual([limit, offset]);
        },
      ),
    );
  });
});

// ---- the evaluator over an in-memory object ------------------------------------------------------

const person: SalesforceObjectDefinition = defineObject('Person__c', 'a00', [
  defineField('Name', 'string', { length: 80 }),
  defineField('Age__c', 'double'),
  defineField('Active__c', 'boolean'),
  defineField('Born__c', 'date'),
  defineField('Notes__c', 'textarea', { length: 32_000 }),
]);

function rowsOf(people: Array<{ name: string | null; age: number | null; active: boolean }>): StoredRecord[] {
  return people.map((entry, index) => ({ Id: buildSalesforceId('a00', index + 1), Name: entry.name, Age__c: entry.age, Active__c: entry.active, Born__c: null, Notes__c: null, IsDeleted: false }));
}

function source(rows: StoredRecord[]): SoqlDataSource {
  return {
    object: (name) => (name.toLowerCase() === 'person__c' ? person : undefined),
    rows: () => rows,
    lookup: () => null,
    record: () => undefined,
    recordUrlBase: '/services/data/v62.0/sobjects',
    now: () => Date.parse('2026-03-02T09:00:00Z'),
  };
}

const people = fc.array(
  fc.record({ name: fc.option(fc.constantFrom('ana', 'Ana', 'bob', 'carla', 'dan'), { nil: null }), age: fc.option(fc.integer({ min: 0, max: 99 }), { nil: null }), active: fc.boolean() }),
  { maxLength: 30 },
);
const simpleCondition = fc.oneof(
  fc.record({ operator: fc.constantFrom('=', '!=', '<', '>', '<=', '>='), value: fc.integer({ min: 0, max: 99 }) }).map(({ operator, value }) => `Age__c ${operator} ${value}`),
  fc.constantFrom('ana', 'BOB', 'x').map((value) => `Name = '${value}'`),
  fc.constantFrom('a%', '%a', '_n_', '%').map((pattern) => `Name LIKE '${pattern}'`),
  fc.boolean().map((value) => `Active__c = ${value}`),
  fc.constant('Name = null'),
);

describe('executeSoql', () => {
  it('splits the rows in two with a condition and its negation', () => {
    fc.assert(
      fc.property(people, simpleCondition, (entries, where) => {
        const rows = rowsOf(entries);
        const matching = executeSoql(parseSoql(`SELECT Id FROM Person__c WHERE ${where}`), source(rows)).records.map((record) => record['Id']);
        const rest = executeSoql(parseSoql(`SELECT Id FROM Person__c WHERE NOT (${where})`), source(rows)).records.map((record) => record['Id']);
        expect(new Set([...matching, ...rest]).size).toBe(rows.length);
        expect(matching.length + rest.length).toBe(rows.length);
      }),
    );
  });

  it('sorts with nulls first ascending and last descending, and LIMIT / OFFSET slice the sorted rows', () => {
    fc.assert(
      fc.property(people, fc.boolean(), fc.nat(10), fc.nat(10), (entries, descending, limit, offset) => {
        const rows = rowsOf(entries);
        const order = descending ? 'DESC' : 'ASC';
        const all = executeSoql(parseSoql(`SELECT Age__c FROM Person__c ORDER BY Age__c ${order}`), source(rows)).records.map((record) => record['Age__c'] as number | null);
        const nulls = all.filter((age) => age === null).length;
        const nullsAtStart = all.slice(0, nulls).every((age) => age === null);
        const nullsAtEnd = all.slice(all.length - nulls).every((age) => age === null);
        expect(descending ? nullsAtEnd : nullsAtStart).toBe(true);
        const numbers = all.filter((age): age is number => age !== null);
        expect(numbers).toEqual([...numbers].sort((left, right) => (descending ? right - left : left - right)));
        const sliced = executeSoql(parseSoql(`SELECT Age__c FROM Person__c ORDER BY Age__c ${order} LIMIT ${limit} OFFSET ${offset}`), source(rows)).records.map((record) => record['Age__c']);
        expect(sliced).toEqual(all.slice(offset, offset + limit));
      }),
    );
  });

  it('compares text case-insensitively, counts, and refuses filters on long text and mistyped values', () => {
    const rows = rowsOf([
      { name: 'Ana', age: 30, active: true },
      { name: 'ana', age: null, active: false },
      { name: 'Bob', age: 40, active: true },
    ]);
    expect(executeSoql(parseSoql("SELECT Id FROM Person__c WHERE Name = 'ANA'"), source(rows)).totalSize).toBe(2);
    expect(executeSoql(parseSoql('SELECT COUNT() FROM Person__c WHERE Active__c = true'), source(rows))).toEqual({ totalSize: 2, records: [] });
    expect(executeSoql(parseSoql('SELECT COUNT(Age__c) FROM Person__c'), source(rows)).records).toEqual([{ attributes: { type: 'AggregateResult' }, expr0: 2 }]);
    const run = (soql: string) => () => executeSoql(parseSoql(soql), source(rows));
    expect(run("SELECT Id FROM Person__c WHERE Notes__c = 'x'")).toThrow("field 'Notes__c' can not be filtered in a query call");
    expect(run("SELECT Id FROM Person__c WHERE Age__c = '3'")).toThrow("must be of type double and should not be enclosed in quotes");
    expect(run('SELECT Id FROM Person__c WHERE Name = 3')).toThrow('must be of type string and should be enclosed in quotes');
    expect(run("SELECT Id FROM Person__c WHERE Id = 'nope'")).toThrow('invalid ID field: nope');
    expect(run('SELECT Id, Id FROM Person__c')).toThrow('duplicate field selected: Id');
  });
});

describe('LIKE patterns and ids', () => {
  it('matches any text against its own escaped pattern and nothing longer, and % against everything', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 20 }).filter((text) => !text.includes('\\')), (text) => {
        const escaped = text.replace(/%/g, '\\%').replace(/_/g, '\\_');
        expect(likePattern(escaped).test(text)).toBe(true);
        expect(likePattern(escaped).test(`${text}x`)).toBe(false);
        expect(likePattern('%').test(text)).toBe(true);
      }),
    );
    expect(likePattern('SALON%').test('Salon E-commerce Paris')).toBe(true);
    expect(likePattern('_alon').test('salon')).toBe(true);
    expect(likePattern('100\\%').test('100%')).toBe(true);
    expect(likePattern('100\\%').test('1000')).toBe(false);
  });

  it('builds 18-character ids whose suffix encodes the case of the first 15', () => {
    fc.assert(
      fc.property(fc.constantFrom('003', '00Q', '0PK', 'a00', '017'), fc.nat(1_000_000_000), (prefix, sequence) => {
        const id = buildSalesforceId(prefix, sequence);
        expect(id).toHaveLength(18);
        expect(normalizeSalesforceId(id)).toBe(id);
        expect(normalizeSalesforceId(id.slice(0, 15))).toBe(id);
        expect(normalizeSalesforceId(id.toUpperCase().slice(0, 15) + id.slice(15))).toBe(/[a-z]/.test(id.slice(0, 15)) ? null : id);
      }),
    );
    expect(buildSalesforceId('003', 1)).toBe('0035g0000000001AAA');
    expect(buildSalesforceId('00Q', 1)).toBe('00Q5g0000000001EAA');
  });
});
