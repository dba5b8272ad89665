/**
 * A parser for the SOQL subset the emulator answers: SELECT (fields, parent fields one level up,
 * COUNT()), FROM, WHERE (=, !=, <>, <, <=, >, >=, LIKE, [NOT] IN, AND / OR / NOT with parentheses,
 * NULL, strings, numbers, booleans, dates, datetimes and the common date literals), ORDER BY
 * (ASC / DESC, NULLS FIRST / LAST), LIMIT and OFFSET. Anything else is a MALFORMED_QUERY, as
 * Salesforce answers for syntax it does not know.
 */

/** A failure the REST API reports as `[{ errorCode, message }]`; `position` is the offset in the query. */
export class SoqlError extends Error {
  constructor(
    readonly errorCode: string,
    readonly detail: string,
    readonly position: number,
  ) {
    super(detail);
    this.name = 'SoqlError';
  }
}

/** A field reference: `Email` is ['Email'], `Contact__r.Email` is ['Contact__r', 'Email']. */
export interface SoqlFieldReference {
  path: string[];
  position: number;
}

export type SoqlSelectItem =
  | { kind: 'field'; field: SoqlFieldReference }
  | { kind: 'count'; field: SoqlFieldReference | null; alias: string | null; position: number };

export type SoqlLiteral =
  | { kind: 'string'; value: string; position: number }
  | { kind: 'number'; value: number; position: number }
  | { kind: 'boolean'; value: boolean; position: number }
  | { kind: 'null'; position: number }
  | { kind: 'date'; value: string; position: number }
  | { kind: 'datetime'; value: number; text: string; position: number }
  /** TODAY, LAST_N_DAYS:7…: a range of days relative to the query time. */
  | { kind: 'dateLiteral'; name: string; amount: number | null; text: string; position: number };

export type SoqlComparisonOperator = '=' | '!=' | '<' | '<=' | '>' | '>=' | 'LIKE';

export type SoqlCondition =
  | { kind: 'and'; conditions: SoqlCondition[] }
  | { kind: 'or'; conditions: SoqlCondition[] }
  | { kind: 'not'; condition: SoqlCondition }
  | { kind: 'comparison'; field: SoqlFieldReference; operator: SoqlComparisonOperator; value: SoqlLiteral }
  | { kind: 'in'; field: SoqlFieldReference; negated: boolean; values: SoqlLiteral[] };

export interface SoqlOrderItem {
  field: SoqlFieldReference;
  descending: boolean;
  /** `null` when the query leaves it to the default (nulls first ascending, last descending). */
  nullsFirst: boolean | null;
}

export interface SoqlQuery {
  select: SoqlSelectItem[];
  from: { name: string; position: number };
  where: SoqlCondition | null;
  orderBy: SoqlOrderItem[];
  limit: number | null;
  offset: number | null;
}

type TokenKind = 'identifier' | 'string' | 'number' | 'date' | 'datetime' | 'symbol' | 'end';

interface Token {
  kind: TokenKind;
  text: string;
  /** The decoded value of a string token. */
  value: string;
  position: number;
}

const DATE = /^\d{4}-\d{2}-\d{2}/;
const DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,3})?(?:Z|[+-]\d{2}:?\d{2})/;
const RESERVED = new Set(['SELECT', 'FROM', 'WHERE', 'AND', 'OR', 'NOT', 'IN', 'LIKE', 'ORDER', 'BY', 'LIMIT', 'OFFSET', 'ASC', 'DESC', 'NULLS', 'FIRST', 'LAST', 'NULL', 'TRUE', 'FALSE', 'GROUP', 'HAVING']);

/** Date literals that take `:n`. */
const DATE_LITERALS_WITH_AMOUNT = new Set(['LAST_N_DAYS', 'NEXT_N_DAYS', 'N_DAYS_AGO']);
const DATE_LITERALS = new Set(['TODAY', 'YESTERDAY', 'TOMORROW', ...DATE_LITERALS_WITH_AMOUNT]);

function tokenize(soql: string): Token[] {
  const tokens: Token[] = [];
  let index = 0;
  while (index < soql.length) {
    const character = soql.charAt(index);
    if (/\s/.test(character)) {
      index += 1;
      continue;
    }
    const start = index;
    const rest = soql.slice(index);
    if (character === "'") {
      let value = '';
      index += 1;
      let closed = false;
      while (index < soql.length) {
        const current = soql.charAt(index);
        if (current === '\\') {
          const escaped = soql.charAt(index + 1);
          const escapes: Record<string, string> = { n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', "'": "'", '"': '"', '\\': '\\', _: '\\_', '%': '\\%' };
          const decoded = escapes[escaped];
          if (decoded === undefined) throw new SoqlError('MALFORMED_QUERY', `Invalid string literal '${soql.slice(start, index + 2)}'. Illegal character sequence '\\${escaped}' in string literal.`, index);
          value += decoded;
          index += 2;
          continue;
        }
        if (current === "'") {
          closed = true;
          index += 1;
          break;
        }
        value += current;
        index += 1;
      }
      if (!closed) throw new SoqlError('MALFORMED_QUERY', `line 1:${start} mismatched character '<EOF>' expecting '''`, start);
      tokens.push({ kind: 'string', text: soql.slice(start, index), value, position: start });
      continue;
    }
    const datetime = DATETIME.exec(rest);
    if (datetime) {
      index += datetime[0].length;
      tokens.push({ kind: 'datetime', text: datetime[0], value: datetime[0], position: start });
      continue;
    }
    const date = DATE.exec(rest);
    if (date && !/^[\w:]/.test(rest.slice(date[0].length))) {
      index += date[0].length;
      tokens.push({ kind: 'date', text: date[0], value: date[0], position: start });
      continue;
    }
    const number = /^-?\d+(?:\.\d+)?/.exec(rest);
    if (number && (character !== '-' || /\d/.test(soql.charAt(index + 1)))) {
      index += number[0].length;
      tokens.push({ kind: 'number', text: number[0], value: number[0], position: start });
      continue;
    }
    const identifier = /^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*(?::\d+)?/.exec(rest);
    if (identifier) {
      index += identifier[0].length;
      tokens.push({ kind: 'identifier', text: identifier[0], value: identifier[0], position: start });
      continue;
    }
    const symbol = /^(?:!=|<>|<=|>=|[=<>(),])/.exec(rest);
    if (symbol) {
      index += symbol[0].length;
      tokens.push({ kind: 'symbol', text: symbol[0], value: symbol[0], position: start });
      continue;
    }
    throw new SoqlError('MALFORMED_QUERY', `unexpected token: '${character}'`, start);
  }
  tokens.push({ kind: 'end', text: '<EOF>', value: '', position: soql.length });
  return tokens;
}

class Parser {
  #index = 0;
  constructor(private readonly tokens: Token[]) {}

  get current(): Token {
    return this.tokens[this.#index] ?? this.tokens[this.tokens.length - 1]!;
  }

  advance(): Token {
    const token = this.current;
    if (this.#index < this.tokens.length - 1) this.#index += 1;
    return token;
  }

  isKeyword(word: string, token: Token = this.current): boolean {
    return token.kind === 'identifier' && token.text.toUpperCase() === word;
  }

  acceptKeyword(word: string): boolean {
    if (this.isKeyword(word)) {
      this.advance();
      return true;
    }
    return false;
  }

  expectKeyword(word: string): Token {
    if (!this.isKeyword(word)) throw unexpected(this.current);
    return this.advance();
  }

  isSymbol(symbol: string): boolean {
    return this.current.kind === 'symbol' && this.current.text === symbol;
  }

  expectSymbol(symbol: string): Token {
    if (!this.isSymbol(symbol)) throw unexpected(this.current);
    return this.advance();
  }

  query(): SoqlQuery {
    this.expectKeyword('SELECT');
    const select = this.selectList();
    this.expectKeyword('FROM');
    const fromToken = this.current;
    if (fromToken.kind !== 'identifier' || RESERVED.has(fromToken.text.toUpperCase()) || fromToken.text.includes('.')) throw unexpected(fromToken);
    this.advance();
    let where: SoqlCondition | null = null;
    if (this.acceptKeyword('WHERE')) where = this.condition();
    const orderBy: SoqlOrderItem[] = [];
    if (this.isKeyword('ORDER')) {
      this.advance();
      this.expectKeyword('BY');
      do {
        const field = this.fieldReference();
        let descending = false;
        if (this.acceptKeyword('DESC')) descending = true;
        else this.acceptKeyword('ASC');
        let nullsFirst: boolean | null = null;
        if (this.acceptKeyword('NULLS')) {
          if (this.acceptKeyword('FIRST')) nullsFirst = true;
          else if (this.acceptKeyword('LAST')) nullsFirst = false;
          else throw unexpected(this.current);
        }
        orderBy.push({ field, descending, nullsFirst });
      } while (this.isSymbol(',') && this.advance());
    }
    let limit: number | null = null;
    if (this.acceptKeyword('LIMIT')) limit = this.nonNegativeInteger();
    let offset: number | null = null;
    if (this.acceptKeyword('OFFSET')) {
      const token = this.current;
      offset = this.nonNegativeInteger();
      if (offset > 2000) throw new SoqlError('NUMBER_OUTSIDE_VALID_RANGE', 'Maximum SOQL offset allowed is 2000', token.position);
    }
    if (this.current.kind !== 'end') throw unexpected(this.current);
    return { select, from: { name: fromToken.text, position: fromToken.position }, where, orderBy, limit, offset };
  }

  nonNegativeInteger(): number {
    const token = this.current;
    if (token.kind !== 'number' || !/^\d+$/.test(token.text)) throw unexpected(token);
    this.advance();
    return Number(token.text);
  }

  selectList(): SoqlSelectItem[] {
    const items: SoqlSelectItem[] = [];
    do {
      const token = this.current;
      if (this.isKeyword('COUNT') && this.tokens[this.#index + 1]?.text === '(') {
        this.advance();
        this.expectSymbol('(');
        let field: SoqlFieldReference | null = null;
        if (!this.isSymbol(')')) field = this.fieldReference();
        this.expectSymbol(')');
        let alias: string | null = null;
        if (this.current.kind === 'identifier' && !RESERVED.has(this.current.text.toUpperCase())) alias = this.advance().text;
        items.push({ kind: 'count', field, alias, position: token.position });
      } else {
        if (this.isSymbol('(')) throw new SoqlError('MALFORMED_QUERY', 'Subqueries are not supported by the OptinTrail Salesforce emulator', token.position);
        items.push({ kind: 'field', field: this.fieldReference() });
      }
    } while (this.isSymbol(',') && this.advance());
    const countWithoutField = items.find((item): item is Extract<SoqlSelectItem, { kind: 'count' }> => item.kind === 'count' && item.field === null);
    if (countWithoutField && items.length > 1) throw new SoqlError('MALFORMED_QUERY', 'COUNT() and other fields cannot be selected together', countWithoutField.position);
    return items;
  }

  fieldReference(): SoqlFieldReference {
    const token = this.current;
    if (token.kind !== 'identifier' || RESERVED.has(token.text.toUpperCase()) || token.text.includes(':')) throw unexpected(token);
    this.advance();
    return { path: token.text.split('.'), position: token.position };
  }

  /** A run of AND-ed or OR-ed terms; SOQL refuses to mix the two without parentheses. */
  condition(): SoqlCondition {
    const first = this.term();
    let operator: 'AND' | 'OR' | null = null;
    const conditions = [first];
    while (this.isKeyword('AND') || this.isKeyword('OR')) {
      const token = this.current;
      const word = token.text.toUpperCase() as 'AND' | 'OR';
      if (operator && operator !== word) throw unexpected(token);
      operator = word;
      this.advance();
      conditions.push(this.term());
    }
    if (!operator) return first;
    return operator === 'AND' ? { kind: 'and', conditions } : { kind: 'or', conditions };
  }

  term(): SoqlCondition {
    if (this.acceptKeyword('NOT')) return { kind: 'not', condition: this.term() };
    if (this.isSymbol('(')) {
      this.advance();
      const inner = this.condition();
      this.expectSymbol(')');
      return inner;
    }
    const field = this.fieldReference();
    if (this.isKeyword('NOT') && this.isKeyword('IN', this.tokens[this.#index + 1])) {
      this.advance();
      this.advance();
      return { kind: 'in', field, negated: true, values: this.valueList() };
    }
    if (this.acceptKeyword('IN')) return { kind: 'in', field, negated: false, values: this.valueList() };
    if (this.acceptKeyword('LIKE')) {
      const value = this.literal();
      if (value.kind !== 'string') throw unexpected(this.tokens[this.#index - 1]!);
      return { kind: 'comparison', field, operator: 'LIKE', value };
    }
    const operatorToken = this.current;
    if (operatorToken.kind !== 'symbol' || !['=', '!=', '<>', '<', '<=', '>', '>='].includes(operatorToken.text)) throw unexpected(operatorToken);
    this.advance();
    const operator = (operatorToken.text === '<>' ? '!=' : operatorToken.text) as SoqlComparisonOperator;
    return { kind: 'comparison', field, operator, value: this.literal() };
  }

  valueList(): SoqlLiteral[] {
    this.expectSymbol('(');
    if (this.isKeyword('SELECT')) throw new SoqlError('MALFORMED_QUERY', 'Semi-join subqueries are not supported by the OptinTrail Salesforce emulator', this.current.position);
    const values: SoqlLiteral[] = [];
    do values.push(this.literal());
    while (this.isSymbol(',') && this.advance());
    this.expectSymbol(')');
    return values;
  }

  literal(): SoqlLiteral {
    const token = this.current;
    const position = token.position;
    switch (token.kind) {
      case 'string':
        this.advance();
        return { kind: 'string', value: token.value, position };
      case 'number':
        this.advance();
        return { kind: 'number', value: Number(token.text), position };
      case 'date':
        this.advance();
        if (Number.isNaN(Date.parse(`${token.text}T00:00:00Z`))) throw new SoqlError('MALFORMED_QUERY', `line 1:${position} no viable alternative at character '${token.text}'`, position);
        return { kind: 'date', value: token.text, position };
      case 'datetime': {
        this.advance();
        const value = Date.parse(token.text.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
        if (Number.isNaN(value)) throw new SoqlError('MALFORMED_QUERY', `line 1:${position} no viable alternative at character '${token.text}'`, position);
        return { kind: 'datetime', value, text: token.text, position };
      }
      case 'identifier': {
        const upper = token.text.toUpperCase();
        if (upper === 'NULL') {
          this.advance();
          return { kind: 'null', position };
        }
        if (upper === 'TRUE' || upper === 'FALSE') {
          this.advance();
          return { kind: 'boolean', value: upper === 'TRUE', position };
        }
        const [name = '', amountText] = upper.split(':');
        if (DATE_LITERALS.has(name)) {
          const needsAmount = DATE_LITERALS_WITH_AMOUNT.has(name);
          if (needsAmount !== (amountText !== undefined)) throw unexpected(token);
          this.advance();
          return { kind: 'dateLiteral', name, amount: amountText === undefined ? null : Number(amountText), text: token.text, position };
        }
        throw unexpected(token);
      }
      default:
        throw unexpected(token);
    }
  }
}

function unexpected(token: Token): SoqlError {
  return new SoqlError('MALFORMED_QUERY', `unexpected token: ${token.kind === 'end' ? '<EOF>' : `'${token.text}'`}`, token.position);
}

/** Parses one SOQL statement; throws `SoqlError` (MALFORMED_QUERY…) on anything outside the subset. */
export function parseSoql(soql: string): SoqlQuery {
  if (!soql.trim()) throw new SoqlError('MALFORMED_QUERY', 'unexpected token: <EOF>', 0);
  return new Parser(tokenize(soql)).query();
}

/**
 * Salesforce's wording for a query error: the offending line, a caret under the column, the
 * row and column, then the reason.
 */
export function formatSoqlErrorMessage(soql: string, error: SoqlError): string {
  const before = soql.slice(0, error.position);
  const row = before.split('\n').length;
  const lineStart = before.lastIndexOf('\n') + 1;
  const column = error.position - lineStart + 1;
  const lineEnd = soql.indexOf('\n', lineStart);
  const line = soql.slice(lineStart, lineEnd === -1 ? undefined : lineEnd);
  return `\n${line}\n${' '.repeat(Math.max(0, column - 1))}^\nERROR at Row:${row}:Column:${column}\n${error.detail}`;
}
