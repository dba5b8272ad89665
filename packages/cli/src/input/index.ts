export { readTrailsFromFile, readTrailsFromLines, checkCsvHeader, INPUT_FORMATS } from './read-trails';
export type { InputFormat, ReadTrailsOptions, TrailStream } from './read-trails';
export { CSV_COLUMNS, CSV_COLUMN_PREFIXES, REQUIRED_CSV_COLUMNS, createCsvEventMapping, describeCsvPath } from './csv-event-mapping';
export { readCsvRecords, formatCsvRecord } from './csv-record-reader';
export type { CsvRecord } from './csv-record-reader';
export { InputFormatError } from './input-problem';
export type { InputProblem } from './input-problem';
export { groupEventsIntoTrails } from './trail-grouping';
export type { EventLine } from './trail-grouping';
