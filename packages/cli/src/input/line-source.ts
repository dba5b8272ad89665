import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';

/** One line of a text file, without its line terminator. */
export interface SourceLine {
  text: string;
  /** 1-based. */
  line: number;
}

/** Counts what has been read, for a progress bar over a file of known size. */
export interface LineProgress {
  /** Bytes of the lines handed out so far (terminators counted as one byte). */
  bytesRead: number;
  linesRead: number;
  /** True once the last line was handed out. */
  finished: boolean;
}

/**
 * Streams a file line by line in constant memory. Handles `\n` and `\r\n` and drops a UTF-8 byte
 * order mark on the first line (spreadsheet exports often start with one).
 */
export async function* readFileLines(path: string, progress?: LineProgress): AsyncGenerator<SourceLine> {
  const lines = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Number.POSITIVE_INFINITY });
  yield* numberLines(lines, progress);
}

/** Numbers lines from any source (a file, a test's array). */
export async function* numberLines(lines: AsyncIterable<string> | Iterable<string>, progress?: LineProgress): AsyncGenerator<SourceLine> {
  let line = 0;
  for await (const raw of lines) {
    line += 1;
    const text = line === 1 && raw.startsWith('\uFEFF') ? raw.slice(1) : raw;
    if (progress) {
      progress.bytesRead += Buffer.byteLength(raw, 'utf8') + 1;
      progress.linesRead = line;
    }
    yield { text, line };
  }
  if (progress) progress.finished = true;
}
