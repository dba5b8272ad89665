import type { SecretRedactor } from './secret-redactor';

/** Where commands write. Every line goes through the secret redactor. */
export interface Output {
  /** A line of results on stdout. */
  out(text: string): void;
  /** A line of notes, progress or errors on stderr. */
  err(text: string): void;
  /** A JSON document on stdout (for `--json`). */
  json(value: unknown): void;
  /** Raw stderr, for the progress bar (which prints counts only). */
  readonly errorStream: NodeJS.WritableStream & { isTTY?: boolean };
  readonly redactor: SecretRedactor;
}

export function createOutput(redactor: SecretRedactor, streams: { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream & { isTTY?: boolean } } = process): Output {
  return {
    out: (text) => void streams.stdout.write(`${redactor.redact(text)}\n`),
    err: (text) => void streams.stderr.write(`${redactor.redact(text)}\n`),
    json: (value) => void streams.stdout.write(`${redactor.redact(JSON.stringify(value, null, 2))}\n`),
    errorStream: streams.stderr,
    redactor,
  };
}
