import { existsSync } from 'node:fs';
import { extname } from 'node:path';
import { Option, type Command } from 'commander';
import { normalizeEmail, TrailIntegrityError, type Channel, type Trail } from '@optintrail/core';
import { UsageError } from '../cli-errors';
import { integerOption, openConnection, type CommandContext } from '../command-context';
import { auditTrails, renderAuditText } from '../core-features';
import { CRM_NAMES, type CrmConnection, type CrmName } from '../crm-registry';
import { EXIT_DATA_FAILURE, EXIT_OK } from '../exit-codes';
import { INPUT_FORMATS, InputFormatError, readTrailsFromFile, type InputFormat, type InputProblem } from '../input/index';
import { readListFile } from '../list-files';

export interface AuditCommandOptions {
  crm?: CrmName;
  emulator?: boolean;
  config?: string;
  emailsFile?: string;
  input?: string;
  format?: InputFormat;
  purpose?: string;
  channel?: Channel;
  repermissionAfterMonths?: number;
  locale: 'fr' | 'en';
  json?: boolean;
}

export function registerAuditCommand(program: Command, run: (action: (context: CommandContext) => Promise<number>) => Promise<void>): void {
  program
    .command('audit')
    .summary('audit consents: no traceable opt-in, re-permission candidates, broken chains')
    .description(
      'Audits many trails, streaming: contacts you could write to without being able to show an opt-in, consents old enough to ask again, and trails that do not verify (tampering). Reads the trails back from a CRM (--crm with --emails-file) or straight from an input file (--input, same formats as sync).',
    )
    .addOption(new Option('--crm <name>', 'the CRM to read the trails from (with --emails-file)').choices(CRM_NAMES))
    .option('--emulator', 'read from a fresh embedded emulator holding the demo audience')
    .option('--config <file>', 'JSON file with credentials (environment variables win over it)')
    .option('--emails-file <file>', 'addresses to audit, one per line (# comments allowed)')
    .option('--input <file>', 'audit the trails of a JSONL or CSV events file instead of a CRM')
    .addOption(new Option('--format <format>', 'format of --input (default: from the extension)').choices(INPUT_FORMATS))
    .option('--purpose <key>', 'only consents for this purpose (default: all)')
    .option('--channel <channel>', 'only consents on this channel (default: all)')
    .option('--repermission-after-months <months>', 'consents last confirmed longer ago than this are re-permission candidates (default 36)', integerOption('--repermission-after-months', 1, 1200))
    .addOption(new Option('--locale <locale>', 'language of the text summary').choices(['fr', 'en']).default('en'))
    .option('--json', 'print the audit report as JSON')
    .addHelpText(
      'after',
      `
Exit codes: 0 no broken chain and every contact has a traceable opt-in, 1 findings that need action
  (broken chains, contacts without a traceable opt-in, addresses missing from the CRM, bad input
  lines), 2 usage error, 3 CRM failure. Re-permission candidates alone do not fail the audit.

Examples
  $ optintrail audit --crm hubspot --emails-file contacts.txt --repermission-after-months 24
  $ optintrail audit --input events.jsonl --json
  $ optintrail audit --crm salesforce --emulator --emails-file demo-emails.txt`,
    )
    .action(async (options: AuditCommandOptions) => run((context) => auditCommand(context, options)));
}

export async function auditCommand(context: CommandContext, options: AuditCommandOptions): Promise<number> {
  const { output } = context;
  const fromCrm = options.crm !== undefined || options.emailsFile !== undefined;
  if (options.input !== undefined && fromCrm) throw new UsageError('audit reads either a CRM (--crm with --emails-file) or an input file (--input), not both');
  if (options.input === undefined && !fromCrm) throw new UsageError('say what to audit: --crm <name> --emails-file <file>, or --input <file>');
  if (fromCrm && (options.crm === undefined || options.emailsFile === undefined)) throw new UsageError('auditing a CRM needs both --crm and --emails-file');
  if (options.input !== undefined && !existsSync(options.input)) throw new UsageError(`--input ${options.input}: no such file`);

  const auditOptions = {
    now: context.now().toISOString(),
    ...(options.purpose ? { purpose: options.purpose } : {}),
    ...(options.channel ? { channel: options.channel } : {}),
    ...(options.repermissionAfterMonths ? { repermissionAfterMonths: options.repermissionAfterMonths } : {}),
  };
  const unreadable: Array<{ subject: string; reason: string }> = [];
  const problems: InputProblem[] = [];
  let report;
  if (options.input !== undefined) {
    const format = options.format ?? (extname(options.input).toLowerCase() === '.csv' ? 'csv' : 'jsonl');
    try {
      report = await auditTrails(
        readTrailsFromFile(options.input, {
          format,
          onProblem: (problem) => {
            problems.push(problem);
            if (problem.kind === 'line') output.err(`${options.input}:${problem.line}: ${problem.reason}`);
          },
        }),
        auditOptions,
      );
    } catch (error) {
      if (error instanceof InputFormatError) throw new UsageError(`${options.input}: ${error.message}`);
      throw error;
    }
  } else {
    const emails = readListFile(options.emailsFile!, 'emails file', { mustExist: true })!;
    const connection = await openConnection(context, { crm: options.crm!, ...(options.emulator ? { emulator: true } : {}), ...(options.config ? { config: options.config } : {}) }, { seedDemo: true });
    try {
      report = await auditTrails(pulledTrails(connection, emails, unreadable), auditOptions);
    } finally {
      await connection.close();
    }
  }

  const findings = report.brokenChains.count + report.noTraceableOptIn.count + unreadable.length + problems.filter((problem) => problem.kind === 'line').length;
  if (options.json) output.json({ ...report, ...(unreadable.length > 0 ? { notRead: unreadable } : {}), ...(problems.length > 0 ? { inputProblems: problems } : {}) });
  else {
    output.out(renderAuditText(report, { locale: options.locale, timeZone: 'UTC' }));
    for (const item of unreadable) output.out(`! ${item.subject}: ${item.reason}`);
  }
  return findings > 0 ? EXIT_DATA_FAILURE : EXIT_OK;
}

/** Pulls each address's trail; a tampered one is still audited (unverified), a missing one is listed. */
async function* pulledTrails(connection: CrmConnection, emails: readonly string[], unreadable: Array<{ subject: string; reason: string }>): AsyncGenerator<Trail> {
  for (const raw of emails) {
    const email = normalizeEmail(raw);
    let trail: Trail | null;
    try {
      trail = await connection.adapter.pull({ email });
    } catch (error) {
      if (!TrailIntegrityError.isInstance(error)) throw error;
      // The audit verifies the chain itself and counts it as broken; the CRM's head check failed too.
      trail = await connection.adapter.pull({ email }, { verify: false });
      if (trail) unreadable.push({ subject: email, reason: `does not verify against the head recorded in ${connection.label}: ${error.message}` });
    }
    if (!trail) {
      unreadable.push({ subject: email, reason: `${connection.label} holds no trail for this address` });
      continue;
    }
    yield trail;
  }
}
