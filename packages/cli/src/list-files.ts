import { appendFileSync, readFileSync } from 'node:fs';
import { OperationalError, UsageError } from './cli-errors';

/** Lines of a list file: trimmed, without blank lines and `#` comments. Undefined when the file does not exist. */
export function readListFile(file: string, what: string, options: { mustExist: boolean }): string[] | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && !options.mustExist) return undefined;
    throw new UsageError(`cannot read the ${what} ${file}: ${code === 'ENOENT' ? 'no such file' : (code ?? 'unreadable')}`);
  }
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}

/** Appends one line, creating the file with a header comment when it is new. */
export function appendListLine(file: string, line: string, header: string): void {
  try {
    const existing = readListFile(file, 'suppression file', { mustExist: false });
    appendFileSync(file, `${existing === undefined ? `# ${header}\n` : ''}${line}\n`, { encoding: 'utf8', mode: 0o600 });
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new OperationalError(`cannot write ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}
