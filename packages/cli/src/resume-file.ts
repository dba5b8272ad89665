import { readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { OperationalError, UsageError } from './cli-errors';

/**
 * What `sync --resume-file` keeps between runs: the push cursor after the last batch handled, and
 * which input and CRM it belongs to, so a cursor is never applied to another file or CRM.
 */
export interface ResumeState {
  format: 'optintrail.sync-resume/1';
  crm: string;
  input: { path: string; size: number; modifiedAt: string };
  /** The opaque cursor of the last progress event: pass it back as `resumeAfter`. */
  cursor: string;
  /** Subjects handled so far over all runs (for the summary only). */
  subjectsDone: number;
  updatedAt: string;
}

export interface InputIdentity {
  path: string;
  size: number;
  modifiedAt: string;
}

export function identifyInput(path: string): InputIdentity {
  const stats = statSync(path);
  return { path: resolve(path), size: stats.size, modifiedAt: stats.mtime.toISOString() };
}

/** Reads the resume file; undefined when it does not exist yet. Refuses one written for other input or another CRM. */
export function readResumeState(file: string, expected: { crm: string; input: InputIdentity }): ResumeState | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new UsageError(`cannot read the resume file ${file}: ${(error as NodeJS.ErrnoException).code ?? 'unreadable'}`);
  }
  if (text.trim() === '') return undefined;
  let state: ResumeState;
  try {
    state = JSON.parse(text) as ResumeState;
  } catch {
    throw new UsageError(`the resume file ${file} is not valid JSON; delete it to start over`);
  }
  if (state?.format !== 'optintrail.sync-resume/1' || typeof state.cursor !== 'string') {
    throw new UsageError(`${file} is not a resume file written by optintrail sync; delete it or pick another path`);
  }
  if (state.crm !== expected.crm) {
    throw new UsageError(`the resume file ${file} belongs to a sync into ${state.crm}, not ${expected.crm}; use another resume file`);
  }
  const { input } = state;
  if (input.path !== expected.input.path || input.size !== expected.input.size || input.modifiedAt !== expected.input.modifiedAt) {
    throw new UsageError(`the resume file ${file} was written for another version of the input (path, size or date differ); delete it to start over`);
  }
  return state;
}

/** Writes atomically (temporary file, then rename), so a crash never leaves half a cursor. */
export function writeResumeState(file: string, state: ResumeState): void {
  const temporary = `${file}.${process.pid}.tmp`;
  try {
    writeFileSync(temporary, `${JSON.stringify(state, null, 2)}\n`, 'utf8');
    renameSync(temporary, file);
  } catch (error) {
    throw new OperationalError(`cannot write the resume file ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}
