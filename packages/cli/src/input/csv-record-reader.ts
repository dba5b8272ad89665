import type { SourceLine } from './line-source';

/** One CSV record: its cells and the line it starts on. */
export interface CsvRecord {
  cells: string[];
  /** 1-based line where the record starts (a quoted cell may span several lines). */
  line: number;
}

/** A record whose quoted cell is never closed before the end of the input. */
export interface UnterminatedCsvRecord {
  unterminated: true;
  line: number;
}

/**
 * Reads RFC 4180 records from lines: comma-separated, `"` quotes a cell, `""` inside quotes is one
 * quote, a quoted cell may hold commas and line breaks. Blank lines between records are skipped.
 * Lenient where RFC 4180 is silent: a quote in the middle of an unquoted cell is kept as it is.
 */
export async function* readCsvRecords(lines: AsyncIterable<SourceLine>): AsyncGenerator<CsvRecord | UnterminatedCsvRecord> {
  let cells: string[] = [];
  let cell = '';
  let inQuotes = false;
  let startLine = 0;

  for await (const { text, line } of lines) {
    if (!inQuotes) {
      if (text.trim() === '') continue;
      cells = [];
      cell = '';
      startLine = line;
    } else {
      cell += '\n';
    }
    let index = 0;
    while (index < text.length) {
      const character = text[index]!;
      if (inQuotes) {
        if (character === '"') {
          if (text[index + 1] === '"') {
            cell += '"';
            index += 2;
            continue;
          }
          inQuotes = false;
        } else {
          cell += character;
        }
      } else if (character === ',') {
        cells.push(cell);
        cell = '';
      } else if (character === '"' && cell === '') {
        inQuotes = true;
      } else {
        cell += character;
      }
      index += 1;
    }
    if (!inQuotes) {
      cells.push(cell);
      yield { cells, line: startLine };
    }
  }
  if (inQuotes) yield { unterminated: true, line: startLine };
}

/** Writes one record the way `readCsvRecords` reads it (used by tests and by anyone producing input). */
export function formatCsvRecord(cells: readonly string[]): string {
  // A lone empty cell is quoted: unquoted it would be a blank line, which is skipped.
  const mustQuote = (cell: string) => /[",\r\n]/.test(cell) || (cells.length === 1 && cell.trim() === '');
  return cells.map((cell) => (mustQuote(cell) ? `"${cell.replaceAll('"', '""')}"` : cell)).join(',');
}
