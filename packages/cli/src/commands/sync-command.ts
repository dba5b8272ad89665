import { existsSync, statSync } from 'node:fs';
import { extname } from 'node:path';
import { Option, type Command } from 'commander';
import type { PushReport, SyncProgress } from '@optintrail/core';
import { UsageError } from '../cli-errors';
import { addConnectionOptions, integerOption, openConnection, type CommandContext, type ConnectionOptions } from '../command-context';
import { EXIT_DATA_FAILURE, EXIT_INTERRUPTED, EXIT_OK } from '../exit-codes';
import { checkCsvHeader, INPUT_FORMATS, InputFormatError, readTrailsFromFile, type InputFormat, type InputProblem } from '../input/index';
import { createProgressReporter } from '../progress-reporter';
import { identifyInput, readResumeState, writeResumeState, type ResumeState } from '../resume-file';
import { openSuppressionFile } from '../suppression-file';

export interface SyncOptions extends ConnectionOptions {
  input: string;
  format?: InputFormat;
  resumeFile?: string;
  suppressionFile?: string;
  limit?: number;
  merge?: boolean;
  dryRun?: boolean;
  json?: boolean;
  quiet?: boolean;
}

/** Problems printed one by one on stderr; past this many only counted (all are in the JSON output). */
const PRINTED_PROBLEMS = 20;
const PRINTED_FAILURES = 20;

export function registerSyncCommand(program: Command, run: (action: (context: CommandContext) => Promise<number>) => Promise<void>): void {
  const command = program
    .command('sync')
    .summary('stream provenance events from a JSONL or CSV file into a CRM')
    .description(
      'Streams events from a JSONL or CSV file into a CRM in constant memory: groups the contiguous lines of each subject into a hash-chained trail and pushes it with the adapter, writing only what the CRM does not hold yet. A bad line is reported with its line number and the rest goes on.',
    );
  addConnectionOptions(command)
    .requiredOption('--input <file>', 'events to sync: JSONL (one event per line) or CSV (see the column mapping below)')
    .addOption(new Option('--format <format>', 'input format (default: from the file extension, .csv is csv, anything else jsonl)').choices(INPUT_FORMATS))
    .option('--resume-file <file>', 'keeps the cursor after each batch; a re-run with the same file continues where the last one stopped')
    .option('--suppression-file <file>', 'fingerprints of erased addresses (from `optintrail erase`): those subjects are refused, never written')
    .option('--merge', "read each subject's stored trail first and add only the events it lacks: for re-running a file, or new events of known subjects (one read per subject)")
    .option('--limit <subjects>', 'stop after this many subjects: the batches already started finish (resume later with --resume-file)', integerOption('--limit', 1, Number.MAX_SAFE_INTEGER))
    .option('--dry-run', 'read the input and the CRM and report what would be written, without writing anything (the resume file is left alone)')
    .option('--json', 'print the summary as JSON on stdout')
    .option('--quiet', 'no progress output')
    .addHelpText(
      'after',
      `
Input
  JSONL: one event per line, the event input of @optintrail/core:
    {"subject":"camille.martin@example.fr","at":"2012-09-19T09:30:00Z","type":"consent.given",
     "purpose":"newsletter","channel":"email","source":{"kind":"event","name":"Salon E-commerce Paris",
     "phrases":{"fr":"lors du Salon E-commerce Paris"}}}
  A subject's events must be contiguous (sort the file by subject, keeping each subject's events in
  the order they happened): they become one trail. A subject that comes back later in the file is
  refused as a conflict rather than mixed up.
  CSV: a header row, then one event per row. Columns (an empty cell means "not given"):
    email, at, type, purpose, channel, lawful_basis, reason, id,
    source_kind, source_name, source_place, source_url, source_campaign, source_partner,
    source_phrase_<locale> (e.g. source_phrase_fr), actor_kind, actor_id, actor_name,
    proof_ip, proof_user_agent, proof_form_url, proof_form_version, proof_wording,
    proof_wording_hash, proof_document_ref, proof_double_opt_in_at, proof_double_opt_in_method,
    proof_double_opt_in_ip, field_<name> (a data event's new value), previous_<name> (its old value).
  Required columns: email, at, type, source_kind, source_name. Unknown columns are refused.

Bad lines
  A line that fails validation holds back its whole subject (nothing of it is written: a missing
  withdrawal would make the CRM claim a consent that was taken back). A line that cannot be read
  at all holds back the subjects on both sides of it. Each is reported with its line number.

Re-runs
  With --resume-file, the cursor is saved after each batch; Ctrl-C stops at the next batch
  boundary (exit 130) and a re-run continues after it. A subject the CRM already holds with other
  events is refused as a conflict (exit 1) unless --merge is given: the stored trail is then read
  and only the events it lacks (same "id", or same content for events without one) are added.

Exit codes: 0 all written or already there, 1 some records failed or lines were bad,
  2 usage error, 3 CRM or file system failure, 130 stopped by Ctrl-C.

Examples
  $ optintrail sync --crm hubspot --input events.jsonl --resume-file .sync-cursor
  $ optintrail sync --crm mailchimp --input contacts.csv --dry-run --json
  $ optintrail sync --crm salesforce --emulator --input events.jsonl`,
    )
    .action(async (options: SyncOptions) => run((context) => syncCommand(context, options)));
}

function inferFormat(path: string): InputFormat {
  return extname(path).toLowerCase() === '.csv' ? 'csv' : 'jsonl';
}

export async function syncCommand(context: CommandContext, options: SyncOptions): Promise<number> {
  const { output } = context;
  if (!existsSync(options.input) || !statSync(options.input).isFile()) throw new UsageError(`--input ${options.input}: no such file`);
  const format = options.format ?? inferFormat(options.input);
  const input = identifyInput(options.input);
  if (format === 'csv') {
    try {
      await checkCsvHeader(options.input);
    } catch (error) {
      if (error instanceof InputFormatError) throw new UsageError(`${options.input}: ${error.message}`);
      throw error;
    }
  }
  const resumed = options.resumeFile ? readResumeState(options.resumeFile, { crm: options.crm, input }) : undefined;

  const suppression = options.suppressionFile ? openSuppressionFile(context, options.suppressionFile, options.config, '--suppression-file').list : undefined;

  const connection = await openConnection(context, options, { seedDemo: false });
  const problems: InputProblem[] = [];
  let printedProblems = 0;
  const trails = readTrailsFromFile(options.input, {
    format,
    ...(options.merge ? { storedTrail: (subject: string) => connection.adapter.pull({ email: subject }) } : {}),
    onProblem(problem) {
      problems.push(problem);
      if (problem.kind === 'line' && printedProblems < PRINTED_PROBLEMS) {
        printedProblems += 1;
        output.err(`${options.input}:${problem.line}: ${problem.reason}`);
      }
    },
  });

  const abort = new AbortController();
  const onStop = () => {
    output.err('Stopping after the current batch (Ctrl-C again to quit at once)…');
    abort.abort();
  };
  context.signal.addEventListener('abort', onStop, { once: true });
  const reporter = createProgressReporter({ output, label: `${connection.label}${options.dryRun ? ' (dry run)' : ''}`, totalBytes: input.size, quiet: Boolean(options.quiet) });
  let limitReached = false;
  let report: PushReport;
  let resumeState: ResumeState | undefined = resumed;
  try {
    if (resumed) output.err(`Resuming after ${resumed.subjectsDone} subjects (${options.resumeFile}).`);
    if (!options.dryRun) await connection.adapter.ensureSchema();
    // --limit stops feeding the push (the batches already taken finish); past the limit one more
    // trail is read to tell a stop from the end of the input.
    const limited = async function* <T>(source: AsyncIterable<T>, limit: number): AsyncGenerator<T> {
      let given = 0;
      for await (const trail of source) {
        if (given >= limit) {
          limitReached = true;
          return;
        }
        given += 1;
        yield trail;
      }
    };
    report = await connection.adapter.push(options.limit !== undefined ? limited(trails, options.limit) : trails, {
      signal: abort.signal,
      ...(options.dryRun ? { dryRun: true } : {}),
      ...(suppression ? { suppression } : {}),
      ...(resumed ? { resumeAfter: resumed.cursor } : {}),
      onProgress(progress: SyncProgress) {
        reporter.update(progress, trails.progress.bytesRead);
        if (options.resumeFile && progress.cursor && !options.dryRun) {
          resumeState = {
            format: 'optintrail.sync-resume/1',
            crm: options.crm,
            input,
            cursor: progress.cursor,
            subjectsDone: (resumed?.subjectsDone ?? 0) + progress.subjectsRead,
            updatedAt: context.now().toISOString(),
          };
          writeResumeState(options.resumeFile, resumeState);
        }
      },
    });
  } catch (error) {
    if (error instanceof InputFormatError) throw new UsageError(`${options.input}: ${error.message}`);
    throw error;
  } finally {
    reporter.stop();
    context.signal.removeEventListener('abort', onStop);
    await connection.close();
  }

  const badLines = problems.filter((problem) => problem.kind === 'line').length;
  const heldBack = problems.filter((problem) => problem.kind === 'subject');
  // Stopped with input left over; a stop that came after the last batch changes nothing.
  const stoppedEarly = limitReached || (abort.signal.aborted && !trails.progress.finished);
  const interrupted = stoppedEarly && !limitReached;
  const summary = {
    crm: options.crm,
    target: connection.target,
    dryRun: Boolean(options.dryRun),
    complete: !stoppedEarly,
    ...(stoppedEarly ? { stoppedBy: limitReached ? 'limit' : 'interrupt' } : {}),
    subjects: {
      read: report.subjectsRead,
      written: report.subjectsWritten,
      unchanged: report.subjectsUnchanged,
      failed: report.failed,
      heldBackByBadLines: heldBack.length,
    },
    events: { written: report.eventsWritten, alreadyInCrm: report.eventsSkipped },
    badLines,
    apiCalls: report.apiCalls,
    ...(report.cursor ? { cursor: report.cursor } : {}),
    ...(options.resumeFile && !options.dryRun ? { resumeFile: options.resumeFile, subjectsDoneOverAllRuns: resumeState?.subjectsDone ?? 0 } : {}),
    failures: report.failures,
    problems,
  };

  if (options.json) {
    output.json(summary);
  } else {
    const would = options.dryRun ? 'would be ' : '';
    output.out(`${connection.label}${options.dryRun ? ' (dry run, nothing written)' : ''}: ${report.subjectsRead} subjects read`);
    output.out(`  written:   ${report.subjectsWritten} subjects ${would}written, ${report.eventsWritten} events ${would}added to their timelines`);
    output.out(`  skipped:   ${report.subjectsUnchanged} subjects already up to date, ${report.eventsSkipped} events already in ${connection.label}`);
    output.out(`  failed:    ${report.failed} records, ${badLines} bad input lines, ${heldBack.length} subjects held back by them`);
    output.out(`  API calls: ${report.apiCalls}`);
    for (const failure of report.failures.slice(0, PRINTED_FAILURES)) {
      output.out(`  ! ${failure.subject}${failure.eventId ? ` (event ${failure.eventId})` : ''}: ${failure.kind}: ${failure.reason}`);
    }
    if (report.failures.length > PRINTED_FAILURES) output.out(`  … and ${report.failures.length - PRINTED_FAILURES} more failures (--json lists them all)`);
    const conflicts = report.failures.filter((failure) => failure.kind === 'conflict').length;
    if (conflicts > 0 && !options.merge) output.out(`  hint: ${conflicts} subjects are already in ${connection.label} with other events; re-run with --merge to add only what they lack`);
    if (badLines > printedProblems) output.out(`  … ${badLines - printedProblems} more bad lines not printed (--json lists them all)`);
    for (const problem of heldBack.slice(0, PRINTED_FAILURES)) output.out(`  ! held back (line ${problem.line}): ${problem.reason}`);
    if (heldBack.length > PRINTED_FAILURES) output.out(`  … and ${heldBack.length - PRINTED_FAILURES} more subjects held back (--json lists them all)`);
    if (stoppedEarly) {
      const how = limitReached ? `after --limit ${options.limit}` : 'by Ctrl-C';
      output.out(`  stopped ${how}; ${options.resumeFile && !options.dryRun ? `re-run with --resume-file ${options.resumeFile} to continue` : 'pass --resume-file to be able to continue'}`);
    }
  }
  if (interrupted) return EXIT_INTERRUPTED;
  return report.failed > 0 || badLines > 0 || heldBack.length > 0 ? EXIT_DATA_FAILURE : EXIT_OK;
}
