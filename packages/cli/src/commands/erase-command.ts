import type { Command } from 'commander';
import { suppressionFingerprint, TrailIntegrityError, type Trail } from '@optintrail/core';
import { OperationalError, UsageError } from '../cli-errors';
import { addConnectionOptions, openConnection, parseEmailOption, type CommandContext, type ConnectionOptions } from '../command-context';
import { EXIT_OK } from '../exit-codes';
import { appendListLine, readListFile } from '../list-files';
import { SUPPRESSION_KEY_SETTING } from '../settings';

export interface EraseCommandOptions extends ConnectionOptions {
  email: string;
  suppressionFile: string;
  reason?: string;
  requestedBy?: string;
  yes?: boolean;
  dryRun?: boolean;
  json?: boolean;
}

export function registerEraseCommand(program: Command, run: (action: (context: CommandContext) => Promise<number>) => Promise<void>): void {
  const command = program
    .command('erase')
    .summary('erase a subject from a CRM (GDPR Art. 17) and add them to the suppression list')
    .description(
      "Deletes the subject with the CRM's own mechanism and appends the address's suppression fingerprint (a keyed hash: no personal data) to the suppression file, so that `optintrail sync --suppression-file` never writes the address again. The fingerprint is written before the deletion: if the deletion fails the address is still protected from re-import, and a re-run finishes the job.",
    );
  addConnectionOptions(command)
    .requiredOption('--email <address>', "the subject's email address")
    .requiredOption('--suppression-file <file>', 'file of suppression fingerprints, one per line (created if missing)')
    .option('--reason <text>', 'reason or ticket reference, recorded with the request')
    .option('--requested-by <name>', 'who carries out the request (staff member, integration)')
    .option('--yes', 'confirm the erasure (required unless --dry-run: it cannot be undone)')
    .option('--dry-run', 'show what would be erased without erasing or writing the suppression file')
    .option('--json', 'print the receipt as JSON')
    .addHelpText(
      'after',
      `
Needs ${SUPPRESSION_KEY_SETTING.env} (or "${SUPPRESSION_KEY_SETTING.config}" in --config): the ${SUPPRESSION_KEY_SETTING.description}.
Use the same key for sync --suppression-file.

Exit codes: 0 erased (or nothing to erase), 1 data failure, 2 usage error, 3 CRM cannot erase or failed.

Examples
  $ optintrail erase --crm hubspot --email alex.moreau@example.org --suppression-file suppressed.txt --yes
  $ optintrail erase --crm mailchimp --emulator --email alex.moreau@example.org --suppression-file /tmp/s.txt --dry-run`,
    )
    .action(async (options: EraseCommandOptions) => run((context) => eraseCommand(context, options)));
}

export async function eraseCommand(context: CommandContext, options: EraseCommandOptions): Promise<number> {
  const { output } = context;
  const email = parseEmailOption(options.email);
  if (!options.yes && !options.dryRun) throw new UsageError('erasure cannot be undone: add --yes to confirm, or --dry-run to see what would be erased');
  const key = context.loadSettings(options.config).get(SUPPRESSION_KEY_SETTING);
  if (!key) throw new UsageError(`no suppression key: set ${SUPPRESSION_KEY_SETTING.env} (or ${SUPPRESSION_KEY_SETTING.config} in --config) to the ${SUPPRESSION_KEY_SETTING.description}`);
  // Throws a ValidationError (exit 2) for a key that is too short, before anything is touched.
  const fingerprint = suppressionFingerprint(email, key);
  const known = readListFile(options.suppressionFile, 'suppression file', { mustExist: false }) ?? [];

  const connection = await openConnection(context, options, { seedDemo: true });
  try {
    const { adapter } = connection;
    if (!adapter.erase || !adapter.capabilities.erase) throw new OperationalError(`the ${connection.label} adapter cannot erase subjects`);
    let trail: Trail | null;
    try {
      trail = await adapter.pull({ email }, { verify: false });
    } catch (error) {
      if (TrailIntegrityError.isInstance(error)) trail = null;
      else throw error;
    }
    const alreadySuppressed = known.includes(fingerprint);
    if (options.dryRun) {
      const plan = {
        dryRun: true,
        subject: email,
        crm: options.crm,
        trailEvents: trail?.events.length ?? 0,
        wouldAppendFingerprint: !alreadySuppressed,
        suppressionFile: options.suppressionFile,
      };
      if (options.json) output.json(plan);
      else {
        output.out(`Dry run: would erase ${email} from ${connection.label} (${plan.trailEvents} events in its trail).`);
        output.out(alreadySuppressed ? `  ${options.suppressionFile} already holds its fingerprint.` : `  would append its fingerprint to ${options.suppressionFile}.`);
      }
      return EXIT_OK;
    }

    if (!alreadySuppressed) appendListLine(options.suppressionFile, fingerprint, 'OptinTrail suppression fingerprints (HMAC-SHA256 of erased addresses); keep with the key');
    const receipt = await adapter.erase(
      { email },
      {
        requestedAt: context.now().toISOString(),
        ...(options.requestedBy ? { requestedBy: options.requestedBy } : {}),
        ...(options.reason ? { reason: options.reason } : {}),
      },
    );
    if (options.json) output.json({ subject: email, fingerprint, suppressionFile: options.suppressionFile, receipt });
    else {
      output.out(`Erased ${email} from ${connection.label} with ${receipt.mechanism} at ${receipt.erasedAt}.`);
      output.out(`  removed: ${receipt.removed.length > 0 ? receipt.removed.join(', ') : 'nothing (the CRM held no record)'}`);
      output.out(`  suppression fingerprint ${alreadySuppressed ? 'already in' : 'appended to'} ${options.suppressionFile}`);
    }
    return EXIT_OK;
  } finally {
    await connection.close();
  }
}
