/** A line (or CSV record) of the input that could not be used. The rest of the input goes on. */
export interface InputProblem {
  /** `line`: this line is bad; `subject`: a subject held back (none of its events synced) because of a bad line. */
  kind: 'line' | 'subject';
  /** 1-based line number where the event (or CSV record) starts. */
  line: number;
  /** What is wrong, naming the field or column when there is one. */
  reason: string;
  /** The subject the line belongs to, when it could be read. */
  subject?: string;
}

/**
 * The input as a whole cannot be read (unknown CSV column, missing header): nothing is synced.
 * The CLI turns it into a usage error (exit 2).
 */
export class InputFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InputFormatError';
  }
}
