import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatCsvRecord, readCsvRecords } from '../../src/input/csv-record-reader';
import { numberLines } from '../../src/input/line-source';

async function records(text: string) {
  const result = [];
  for await (const record of readCsvRecords(numberLines(text.split('\n')))) result.push(record);
  return result;
}

describe('readCsvRecords', () => {
  it('reads quoted cells with commas, doubled quotes and line breaks, and numbers records by their first line', async () => {
    const text = 'email,reason\na@example.com,"moved, then ""corrected"""\n\nb@example.com,"two\nlines"\nc@example.com,';
    expect(await records(text)).toEqual([
      { cells: ['email', 'reason'], line: 1 },
      { cells: ['a@example.com', 'moved, then "corrected"'], line: 2 },
      { cells: ['b@example.com', 'two\nlines'], line: 4 },
      { cells: ['c@example.com', ''], line: 6 },
    ]);
  });

  it('reports a quoted cell that is never closed at the line where its record starts', async () => {
    expect(await records('email\n"a@example.com\nb@example.com')).toEqual([
      { cells: ['email'], line: 1 },
      { unterminated: true, line: 2 },
    ]);
  });

  it('reads back whatever formatCsvRecord writes (property)', async () => {
    const cell = fc.string({ unit: fc.constantFrom('a', 'é', ',', '"', '\n', ' ', 'x', '1') });
    await fc.assert(
      fc.asyncProperty(fc.array(fc.array(cell, { minLength: 1, maxLength: 5 }), { minLength: 1, maxLength: 8 }), async (rows) => {
        const text = rows.map((row) => formatCsvRecord(row)).join('\n');
        const read = await records(text);
        expect(read.map((record) => ('cells' in record ? record.cells : record))).toEqual(rows);
      }),
    );
  });
});
