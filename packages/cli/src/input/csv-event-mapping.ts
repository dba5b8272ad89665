import { InputFormatError } from './input-problem';

/**
 * The documented CSV columns, each mapped to a path of the event input (see the README). Cells are
 * text; an empty cell means "not given". Columns may come in any order; unknown columns are refused
 * so that a typo in a header never drops data silently.
 */
export const CSV_COLUMNS: Readonly<Record<string, string>> = {
  id: 'id',
  email: 'subject',
  at: 'at',
  type: 'type',
  purpose: 'purpose',
  channel: 'channel',
  lawful_basis: 'lawfulBasis',
  reason: 'reason',
  source_kind: 'source.kind',
  source_name: 'source.name',
  source_place: 'source.place',
  source_url: 'source.url',
  source_campaign: 'source.campaign',
  source_partner: 'source.partner',
  actor_kind: 'actor.kind',
  actor_id: 'actor.id',
  actor_name: 'actor.name',
  proof_ip: 'proof.ip',
  proof_user_agent: 'proof.userAgent',
  proof_form_url: 'proof.formUrl',
  proof_form_version: 'proof.formVersion',
  proof_wording: 'proof.wording',
  proof_wording_hash: 'proof.wordingHash',
  proof_document_ref: 'proof.documentRef',
  proof_double_opt_in_at: 'proof.doubleOptIn.confirmedAt',
  proof_double_opt_in_method: 'proof.doubleOptIn.method',
  proof_double_opt_in_ip: 'proof.doubleOptIn.ip',
};

/** Families of columns named after what they hold: `source_phrase_fr`, `field_firstName`, `previous_firstName`. */
export const CSV_COLUMN_PREFIXES = {
  phrase: 'source_phrase_',
  field: 'field_',
  previous: 'previous_',
} as const;

export const REQUIRED_CSV_COLUMNS = ['email', 'at', 'type', 'source_kind', 'source_name'] as const;

type Placement =
  | { kind: 'path'; path: string[] }
  | { kind: 'phrase'; locale: string }
  | { kind: 'field'; name: string }
  | { kind: 'previous'; name: string };

/** Turns the cells of one record into an event input (unvalidated: the event schema judges it). */
export type CsvEventMapping = (cells: readonly string[]) => { input: Record<string, unknown>; columnCountMismatch?: string };

/** Reads the header and returns the mapping for the records after it. Throws `InputFormatError` for a bad header. */
export function createCsvEventMapping(header: readonly string[], line: number): CsvEventMapping {
  const placements: Placement[] = [];
  const seen = new Set<string>();
  const fieldColumns = new Set<string>();
  const previousColumns: string[] = [];
  header.forEach((raw, index) => {
    const column = raw.trim();
    if (column === '') throw new InputFormatError(`line ${line}: column ${index + 1} of the header has no name`);
    if (seen.has(column)) throw new InputFormatError(`line ${line}: column "${column}" appears twice in the header`);
    seen.add(column);
    const mapped = CSV_COLUMNS[column];
    if (mapped) placements.push({ kind: 'path', path: mapped.split('.') });
    else if (column.startsWith(CSV_COLUMN_PREFIXES.phrase) && column.length > CSV_COLUMN_PREFIXES.phrase.length) {
      placements.push({ kind: 'phrase', locale: column.slice(CSV_COLUMN_PREFIXES.phrase.length) });
    } else if (column.startsWith(CSV_COLUMN_PREFIXES.field) && column.length > CSV_COLUMN_PREFIXES.field.length) {
      const name = column.slice(CSV_COLUMN_PREFIXES.field.length);
      fieldColumns.add(name);
      placements.push({ kind: 'field', name });
    } else if (column.startsWith(CSV_COLUMN_PREFIXES.previous) && column.length > CSV_COLUMN_PREFIXES.previous.length) {
      const name = column.slice(CSV_COLUMN_PREFIXES.previous.length);
      previousColumns.push(name);
      placements.push({ kind: 'previous', name });
    } else {
      throw new InputFormatError(
        `line ${line}: unknown column "${column}" (known: ${Object.keys(CSV_COLUMNS).join(', ')}, source_phrase_<locale>, field_<name>, previous_<name>)`,
      );
    }
  });
  const missing = REQUIRED_CSV_COLUMNS.filter((column) => !seen.has(column));
  if (missing.length > 0) throw new InputFormatError(`line ${line}: the header lacks the required column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`);
  for (const name of previousColumns) {
    if (!fieldColumns.has(name)) throw new InputFormatError(`line ${line}: column "previous_${name}" needs a "field_${name}" column`);
  }

  return (cells) => {
    const input: Record<string, unknown> = {};
    const fields = new Map<string, { name: string; value?: string; previousValue?: string }>();
    placements.forEach((placement, index) => {
      const cell = cells[index] ?? '';
      if (cell === '') return;
      switch (placement.kind) {
        case 'path':
          setPath(input, placement.path, cell);
          break;
        case 'phrase': {
          const source = (input.source ??= {}) as Record<string, unknown>;
          const phrases = (source.phrases ??= {}) as Record<string, string>;
          phrases[placement.locale] = cell;
          break;
        }
        case 'field':
        case 'previous': {
          const field = fields.get(placement.name) ?? { name: placement.name };
          if (placement.kind === 'field') field.value = cell;
          else field.previousValue = cell;
          fields.set(placement.name, field);
          break;
        }
      }
    });
    // Passed on whatever the type: the event schema refuses fields on a consent row rather than dropping them.
    if (fields.size > 0) input.fields = [...fields.values()];
    return cells.length === placements.length
      ? { input }
      : { input, columnCountMismatch: `has ${cells.length} cells, the header has ${placements.length} columns` };
  };
}

function setPath(target: Record<string, unknown>, path: readonly string[], value: string): void {
  let node = target;
  for (const key of path.slice(0, -1)) node = (node[key] ??= {}) as Record<string, unknown>;
  node[path.at(-1)!] = value;
}

const PATH_TO_COLUMN = new Map(Object.entries(CSV_COLUMNS).map(([column, path]) => [path, column]));

/** Names a validation path the way a CSV user knows it: `source.kind` → column `source_kind`. */
export function describeCsvPath(path: string): string {
  const column = PATH_TO_COLUMN.get(path);
  if (column) return `column ${column}`;
  const phrase = /^source\.phrases\.(.+)$/.exec(path);
  if (phrase) return `column source_phrase_${phrase[1]}`;
  return path;
}
