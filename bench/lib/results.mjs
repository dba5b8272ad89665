import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const RESULTS_DIRECTORY = join(dirname(fileURLToPath(import.meta.url)), '..', 'results');

/** Writes bench/results/<name>.json (gitignored) and returns its path relative to the repository. */
export function writeResult(name, data) {
  mkdirSync(RESULTS_DIRECTORY, { recursive: true });
  writeFileSync(join(RESULTS_DIRECTORY, `${name}.json`), `${JSON.stringify({ benchmark: name, node: process.version, at: new Date().toISOString(), ...data }, null, 2)}\n`);
  return `bench/results/${name}.json`;
}

export const ratio = (value, reference) => (reference > 0 ? value / reference : Number.NaN);
export const formatRatio = (value) => (Number.isFinite(value) ? `${value.toFixed(2)}×` : 'n/a');
export const seconds = (milliseconds) => Math.round(milliseconds / 100) / 10;

export function table(rows, columns) {
  const widths = columns.map((column) => Math.max(column.label.length, ...rows.map((row) => String(column.value(row)).length)));
  const line = (cells) => cells.map((cell, index) => (columns[index].align === 'left' || index === 0 ? String(cell).padEnd(widths[index]) : String(cell).padStart(widths[index]))).join('  ');
  return [line(columns.map((column) => column.label)), ...rows.map((row) => line(columns.map((column) => column.value(row))))].join('\n');
}
