import type { Trail } from '@optintrail/core';
import { createCsvEventMapping, describeCsvPath, type CsvEventMapping } from './csv-event-mapping';
import { readCsvRecords } from './csv-record-reader';
import { InputFormatError, type InputProblem } from './input-problem';
import { numberLines, readFileLines, type LineProgress, type SourceLine } from './line-source';
import { groupEventsIntoTrails, type EventLine, type TrailGroupingOptions } from './trail-grouping';

export type InputFormat = 'jsonl' | 'csv';
export const INPUT_FORMATS: readonly InputFormat[] = ['jsonl', 'csv'];

export interface ReadTrailsOptions extends TrailGroupingOptions {
  format: InputFormat;
  /** Called for every bad line and every subject held back because of one. */
  onProblem(problem: InputProblem): void;
}

/** Trails streamed from an input, with how far the reading got (for progress). */
export interface TrailStream extends AsyncIterable<Trail> {
  readonly progress: Readonly<LineProgress>;
}

/**
 * Streams trails from a JSONL or CSV file in constant memory: one subject's events at a time.
 *
 * JSONL: one event input per line (the `ProvenanceEventInput` shape of @optintrail/core); blank lines
 * are skipped. CSV: a header naming the columns of `CSV_COLUMNS`, then one event per record.
 * In both, a subject's events must be contiguous and in the order they happened to the chain.
 */
export function readTrailsFromFile(path: string, options: ReadTrailsOptions): TrailStream {
  const progress: LineProgress = { bytesRead: 0, linesRead: 0, finished: false };
  return { progress, [Symbol.asyncIterator]: () => trailsFromLines(readFileLines(path, progress), options)[Symbol.asyncIterator]() };
}

/** The same from lines already in hand (tests, stdin, generated input). */
export function readTrailsFromLines(lines: AsyncIterable<string> | Iterable<string>, options: ReadTrailsOptions): TrailStream {
  const progress: LineProgress = { bytesRead: 0, linesRead: 0, finished: false };
  return { progress, [Symbol.asyncIterator]: () => trailsFromLines(numberLines(lines, progress), options)[Symbol.asyncIterator]() };
}

function trailsFromLines(lines: AsyncIterable<SourceLine>, options: ReadTrailsOptions): AsyncGenerator<Trail> {
  const events = options.format === 'csv' ? csvEventLines(lines) : jsonlEventLines(lines);
  return groupEventsIntoTrails(events, options);
}

async function* jsonlEventLines(lines: AsyncIterable<SourceLine>): AsyncGenerator<EventLine> {
  for await (const { text, line } of lines) {
    if (text.trim() === '') continue;
    let input: unknown;
    try {
      input = JSON.parse(text);
    } catch {
      // The parser's message quotes the line; it may hold personal data, so it is not repeated.
      yield { line, problem: 'not valid JSON (each line must be one event object)' };
      continue;
    }
    if (typeof input !== 'object' || input === null || Array.isArray(input)) {
      yield { line, problem: 'not an event object (each line must be one JSON object)' };
      continue;
    }
    yield { line, input };
  }
}

async function* csvEventLines(lines: AsyncIterable<SourceLine>): AsyncGenerator<EventLine> {
  let mapping: CsvEventMapping | undefined;
  for await (const record of readCsvRecords(lines)) {
    if ('unterminated' in record) {
      yield { line: record.line, problem: 'a quoted cell is never closed (a " is missing)' };
      continue;
    }
    if (!mapping) {
      mapping = createCsvEventMapping(record.cells, record.line);
      continue;
    }
    const { input, columnCountMismatch } = mapping(record.cells);
    if (columnCountMismatch) yield { line: record.line, problem: `the record ${columnCountMismatch}` };
    else yield { line: record.line, input, describePath: describeCsvPath };
  }
}

/**
 * Reads only the header of a CSV file and checks it, so a bad header is refused before anything
 * is written anywhere. Throws `InputFormatError`.
 */
export async function checkCsvHeader(path: string): Promise<void> {
  for await (const record of readCsvRecords(readFileLines(path))) {
    if ('unterminated' in record) throw new InputFormatError(`line ${record.line}: the header has a quoted cell that is never closed`);
    createCsvEventMapping(record.cells, record.line);
    return;
  }
  throw new InputFormatError('the file is empty: a CSV input starts with a header row');
}
