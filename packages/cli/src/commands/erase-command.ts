import type { Command } from 'commander';
import { eraseEverywhere, TrailIntegrityError, type ErasureReceipt, type Trail } from '@optintrail/core';
import { OperationalError, UsageError } from '../cli-errors';
import { addMultiConnectionOptions, closeConnections, openConnections, parseEmailOption, type CommandContext, type MultiConnectionOptions } from '../command-context';
import type { CrmConnection } from '../crm-registry';
import { EXIT_OK, EXIT_OPERATIONAL } from '../exit-codes';
import { SUPPRESSION_KEY_SETTING } from '../settings';
import { openSuppressionFile } from '../suppression-file';

export interface EraseCommandOptions extends MultiConnectionOptions {
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
    .summary('erase a subject from one CRM or several (GDPR Art. 17) and add them to the suppression list')
    .description(
      "Deletes the subject from every CRM named, each with its own mechanism (HubSpot GDPR delete, Mailchimp delete-permanent, Salesforce delete of the record and its event records), and appends the address's suppression fingerprint (a keyed hash: no personal data) to the suppression file once, so that `optintrail sync --suppression-file` never writes the address again. The fingerprint is written before any CRM is touched: if a deletion fails the address is still protected from re-import, and a re-run finishes the job.",
    );
  addMultiConnectionOptions(command)
    .requiredOption('--email <address>', "the subject's email address")
    .requiredOption('--suppression-file <file>', 'file of suppression fingerprints, one per line (created if missing)')
    .option('--reason <text>', 'reason or ticket reference, recorded with the request')
    .option('--requested-by <name>', 'who carries out the request (staff member, integration)')
    .option('--yes', 'confirm the erasure (required unless --dry-run: it cannot be undone)')
    .option('--dry-run', 'show what would be erased without erasing or writing the suppression file')
    .option('--json', 'print the receipts as JSON')
    .addHelpText(
      'after',
      `
Several CRMs: repeat --crm (--crm hubspot --crm salesforce), or --crm all for every CRM whose
credentials are set (all three with --emulator). A CRM that fails does not stop the others.

Needs ${SUPPRESSION_KEY_SETTING.env} (or "${SUPPRESSION_KEY_SETTING.config}" in --config): the ${SUPPRESSION_KEY_SETTING.description}.
Use the same key for sync --suppression-file and backfill --suppression-file.

Exit codes: 0 erased everywhere (or nothing to erase), 2 usage error, 3 a CRM cannot erase or
  failed (the others are erased; the fingerprint is in the file; re-run to finish).

Examples
  $ optintrail erase --crm hubspot --email alex.moreau@example.org --suppression-file suppressed.txt --yes
  $ optintrail erase --crm all --email alex.moreau@example.org --suppression-file suppressed.txt --yes --json
  $ optintrail erase --crm mailchimp --emulator --email alex.moreau@example.org --suppression-file /tmp/s.txt --dry-run`,
    )
    .action(async (options: EraseCommandOptions) => run((context) => eraseCommand(context, options)));
}

export async function eraseCommand(context: CommandContext, options: EraseCommandOptions): Promise<number> {
  const { output } = context;
  const email = parseEmailOption(options.email);
  if (!options.yes && !options.dryRun) throw new UsageError('erasure cannot be undone: add --yes to confirm, or --dry-run to see what would be erased');
  // Refuses a missing or short key, or a file that is not a suppression file, before anything is touched.
  const suppression = openSuppressionFile(context, options.suppressionFile, options.config, 'erase');
  const fingerprint = suppression.fingerprint(email);
  const alreadySuppressed = suppression.stored.has(fingerprint);

  const connections = await openConnections(context, options, { seedDemo: true });
  try {
    for (const connection of connections) {
      if (!connection.adapter.erase || !connection.adapter.capabilities.erase) throw new OperationalError(`the ${connection.label} adapter cannot erase subjects`);
    }
    if (options.dryRun) {
      const crms = [];
      for (const connection of connections) crms.push({ crm: connection.crm, label: connection.label, trailEvents: (await storedTrail(connection, email))?.events.length ?? 0 });
      if (options.json) {
        output.json({ dryRun: true, subject: email, crms, wouldAppendFingerprint: !alreadySuppressed, suppressionFile: options.suppressionFile });
      } else {
        for (const { label, trailEvents } of crms) output.out(`Dry run: would erase ${email} from ${label} (${trailEvents} events in its trail).`);
        output.out(alreadySuppressed ? `  ${options.suppressionFile} already holds its fingerprint.` : `  would append its fingerprint to ${options.suppressionFile}.`);
      }
      return EXIT_OK;
    }

    const result = await eraseEverywhere(
      connections.map(({ label, adapter }) => ({ label, adapter })),
      email,
      {
        // Called once, before any CRM is touched: the file holds the fingerprint even if a deletion fails.
        suppression: {
          add(address) {
            const added = suppression.list.add(address);
            suppression.append(added);
            return added;
          },
        },
        request: {
          requestedAt: context.now().toISOString(),
          ...(options.requestedBy ? { requestedBy: options.requestedBy } : {}),
          ...(options.reason ? { reason: options.reason } : {}),
        },
      },
    );
    // Receipts come in the order of the CRMs that confirmed; failures name theirs.
    const confirmed = connections.filter((connection) => !result.failures.some((failure) => failure.label === connection.label));
    const receipts: Array<{ label: string; receipt: ErasureReceipt }> = result.receipts.map((receipt, index) => ({ label: confirmed[index]!.label, receipt }));
    const fingerprintLine = `suppression fingerprint ${alreadySuppressed ? 'already in' : 'appended to'} ${options.suppressionFile}`;
    if (options.json) {
      output.json({
        subject: email,
        fingerprint: result.fingerprint,
        suppressionFile: options.suppressionFile,
        fingerprintAppended: !alreadySuppressed,
        complete: result.complete,
        // With one CRM, its receipt alone as well (the shape of a single erasure).
        ...(connections.length === 1 && receipts[0] ? { receipt: receipts[0].receipt } : {}),
        receipts: receipts.map(({ label, receipt }) => ({ label, ...receipt })),
        failures: result.failures,
      });
    } else {
      for (const { label, receipt } of receipts) {
        output.out(`Erased ${email} from ${label} with ${receipt.mechanism} at ${receipt.erasedAt}.`);
        output.out(`  removed: ${receipt.removed.length > 0 ? receipt.removed.join(', ') : 'nothing (the CRM held no record)'}`);
      }
      for (const failure of result.failures) {
        output.out(`! Not erased from ${failure.label}: ${failure.reason}${failure.isRetryable ? ' (temporary: re-run the same command)' : ''}`);
      }
      output.out(`  ${fingerprintLine}`);
    }
    if (!result.complete) {
      output.err(`optintrail: error: ${email} was not erased from ${result.failures.map((failure) => failure.label).join(', ')}; the address is on the suppression list, and re-running the command is safe`);
      return EXIT_OPERATIONAL;
    }
    return EXIT_OK;
  } finally {
    await closeConnections(connections);
  }
}

/** The trail as stored, verified or not (a dry run only counts its events). */
async function storedTrail(connection: CrmConnection, email: string): Promise<Trail | null> {
  try {
    return await connection.adapter.pull({ email }, { verify: false });
  } catch (error) {
    if (TrailIntegrityError.isInstance(error)) return null;
    throw error;
  }
}
