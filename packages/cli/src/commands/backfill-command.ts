import { InvalidArgumentError, type Command } from 'commander';
import { writeBackfill, type BackfillReport, type BackfillSubject, type CaptureFailure, type SuppressionList } from '@optintrail/core';
import { OperationalError, UsageError } from '../cli-errors';
import { addConnectionOptions, integerOption, openConnection, type CommandContext, type ConnectionOptions } from '../command-context';
import { addToBreakdown, emptyProofBreakdown, previewNewTrail, type NewTrailPreview, type ProofBreakdown } from '../backfill-tally';
import type { CrmConnection } from '../crm-registry';
import { buildDemoTrails, DEMO_SUBSCRIBER } from '../demo-audience';
import { EXIT_DATA_FAILURE, EXIT_INTERRUPTED, EXIT_OK } from '../exit-codes';
import { openSuppressionFile } from '../suppression-file';

export interface BackfillCommandOptions extends ConnectionOptions {
  dryRun?: boolean;
  json?: boolean;
  quiet?: boolean;
  purpose: string;
  subscription?: Record<string, number>;
  batchSize?: number;
  suppressionFile?: string;
}

/** Failures printed one by one; past this many only counted (all are in the JSON output). */
const PRINTED_FAILURES = 20;

function parseSubscription(value: string, previous: Record<string, number> | undefined): Record<string, number> {
  const match = /^([A-Za-z0-9][\w.-]*)=(\d{1,15})$/.exec(value.trim());
  if (!match) throw new InvalidArgumentError('give it as <purpose>=<subscription type id>, e.g. newsletter=101.');
  return { ...previous, [match[1]!]: Number(match[2]) };
}

export function registerBackfillCommand(program: Command, run: (action: (context: CommandContext) => Promise<number>) => Promise<void>): void {
  const command = program
    .command('backfill')
    .summary('give every existing contact of a CRM a first trail from what the CRM already knows')
    .description(
      "Reads every contact of the CRM with what it already knows about them — HubSpot property history (who made each change: a team member, a form, an import, a workflow), the unsubscribe flag and subscription statuses with their legal basis; Mailchimp signup source, signup and confirmation dates and IPs, marketing permission and unsubscribes; Salesforce field history, Email Opt Out and consent records — and writes a first trail for each through the adapter. Proof is marked honestly: an opt-in the CRM holds without evidence becomes an import without proof, and its reminder says only \"your details were added to our list on…\", never \"you subscribed\". Contacts that already hold a trail gain only what is missing; a second run writes nothing.",
    );
  addConnectionOptions(command)
    .option('--dry-run', 'read the CRM and report what would be written (counts and evidence), without writing anything')
    .option('--json', 'print the summary as JSON on stdout')
    .option('--quiet', 'no progress lines on stderr')
    .option('--purpose <key>', 'the purpose a CRM-wide status or opt-out is about (Mailchimp member status, HubSpot and Salesforce email opt-out)', 'newsletter')
    .option('--subscription <purpose=id>', 'HubSpot: read the current status of this subscription type as that purpose\'s consent, e.g. newsletter=101 (repeatable; with --emulator, newsletter=101 by default)', parseSubscription)
    .option('--batch-size <contacts>', 'contacts per write (default 500; the adapter splits further to its API\'s batch size)', integerOption('--batch-size', 1, 10_000))
    .option('--suppression-file <file>', 'fingerprints of erased addresses (from `optintrail erase`): a contact re-added since is refused, never written')
    .addHelpText(
      'after',
      `
What it writes
  A new trail, in time order and hash-chained, for every contact that has none and about whom the
  CRM knows something; the missing events for contacts that already hold one (the ids come from the
  CRM's own ids, so a change captured live by a webhook and backfilled later is one event). A contact
  the CRM knows nothing about is skipped. The summary counts contacts seen, trails written, skipped
  and failed, and breaks down the consents of the new trails by the strength of their evidence:
    double opt-in   a signup confirmed later (e.g. Mailchimp timestamp_opt after timestamp_signup, with IPs)
    single opt-in   an opt-in with evidence (a signup IP), not confirmed
    no proof        an import without evidence: the reminder says "your details were added to our list on…"
    withdrawn       an unsubscribe or opt-out
  A contact OptinTrail already keeps a trail for is counted as extended, or as up to date.

HubSpot
  Set ${'HUBSPOT_APP_ID'} (or "hubspot.appId" in --config) to the id of the app whose token OptinTrail
  uses: the changes it wrote itself are then told apart from the contact's history. Without it,
  contacts that already hold a trail are left as they are. Give --subscription for each subscription
  type to read (its status and legal basis become the consent of that purpose).

With --emulator the fresh emulator first holds a few contacts made in the CRM before OptinTrail (an
import, one typed in by a team member, one who unsubscribed) and one the demo already keeps a trail
for, so the command has something to show.

Exit codes: 0 done, nothing failed, 1 some contacts failed (or were refused by the suppression file),
  2 usage error, 3 CRM failure or adapter missing, 130 stopped by Ctrl-C after the current batch
  (re-run: nothing is written twice).

Examples
  $ optintrail backfill --crm mailchimp --dry-run
  $ HUBSPOT_APP_ID=1234567 optintrail backfill --crm hubspot --subscription newsletter=101 --json
  $ optintrail backfill --crm salesforce --emulator`,
    )
    .action(async (options: BackfillCommandOptions) => run((context) => backfillCommand(context, options)));
}

/** Counts a run (or a dry run) reports. */
interface BackfillSummary {
  seen: number;
  newTrails: number;
  extendedTrails: number;
  upToDate: number;
  skipped: number;
  failed: number;
  eventsWritten: number;
  alreadyInTrails: number;
  failures: CaptureFailure[];
}

export async function backfillCommand(context: CommandContext, options: BackfillCommandOptions): Promise<number> {
  const { output } = context;
  if (options.subscription && options.crm !== 'hubspot') throw new UsageError('--subscription is for HubSpot subscription types; Mailchimp and Salesforce keep their consent on the contact');
  const suppression = options.suppressionFile ? openSuppressionFile(context, options.suppressionFile, options.config, '--suppression-file').list : undefined;

  const connection = await openConnection(context, options, { seedDemo: false });
  try {
    if (!connection.backfillSource) {
      throw new OperationalError(`backfill reads ${connection.label}'s own history through the ${connection.label} adapter package, which this build lacks (the in-memory stand-in has no history to read)`);
    }
    if (options.emulator) await seedEmulator(context, connection);
    else if (!options.dryRun) await connection.adapter.ensureSchema();

    const source = await connection.backfillSource({ purpose: options.purpose, ...(options.subscription ? { subscriptions: options.subscription } : {}) });
    for (const note of source.notes) output.err(`note: ${note}`);

    const breakdown = emptyProofBreakdown();
    let pending: NewTrailPreview[] = [];
    let interrupted = false;
    // writeBackfill counts a contact that holds a trail and brings nothing new as skipped: here it is up to date.
    let trailsWithNothingNew = 0;
    const progress = (summary: { seen: number; written: number; failed: number }) => {
      if (!options.quiet) output.err(`${connection.label}${options.dryRun ? ' (dry run)' : ''}: ${summary.seen} contacts read, ${summary.written} trails ${options.dryRun ? 'to write' : 'written'}, ${summary.failed} failed`);
    };
    // Previews each new trail as it passes to the writer; stops between batches on Ctrl-C.
    async function* tapped(): AsyncGenerator<BackfillSubject> {
      for await (const item of source.subjects) {
        if (context.signal.aborted) {
          interrupted = true;
          return;
        }
        if (!item.hasTrail && item.changes.length > 0) pending.push(previewNewTrail(item, source.namespace));
        if (item.hasTrail && item.changes.length === 0) trailsWithNothingNew += 1;
        yield item;
      }
    }

    let summary: BackfillSummary;
    if (options.dryRun) {
      summary = await dryRun(tapped(), () => pending.splice(0), breakdown, suppression, options.batchSize ?? 500, progress);
      summary.skipped -= trailsWithNothingNew;
      summary.upToDate += trailsWithNothingNew;
    } else {
      let failuresSeen = 0;
      const failedSubjects = new Set<string>();
      const report: BackfillReport = await writeBackfill(connection.adapter, tapped(), {
        namespace: source.namespace,
        ...(options.batchSize ? { batchSize: options.batchSize } : {}),
        ...(suppression ? { pushOptions: { suppression } } : {}),
        onProgress(running) {
          // Everything previewed since the last batch was in this one: count the trails that were written.
          for (const failure of running.failures.slice(failuresSeen)) failedSubjects.add(failure.subject);
          failuresSeen = running.failures.length;
          for (const preview of pending.splice(0)) if ('events' in preview && !failedSubjects.has(preview.subject)) addToBreakdown(breakdown, preview);
          progress({ seen: running.subjects, written: running.trailsCreated + running.trailsExtended, failed: failedSubjects.size });
        },
      });
      const failed = new Set(report.failures.map((failure) => failure.subject)).size;
      summary = {
        seen: report.subjects,
        newTrails: report.trailsCreated,
        extendedTrails: report.trailsExtended,
        upToDate: Math.max(0, report.subjects - report.trailsCreated - report.trailsExtended - (report.skipped - trailsWithNothingNew) - failed),
        skipped: report.skipped - trailsWithNothingNew,
        failed,
        eventsWritten: report.eventsWritten,
        alreadyInTrails: report.duplicates,
        failures: report.failures,
      };
    }
    printSummary(context, connection, options, summary, breakdown, interrupted);
    if (interrupted) return EXIT_INTERRUPTED;
    return summary.failed > 0 ? EXIT_DATA_FAILURE : EXIT_OK;
  } finally {
    await connection.close();
  }
}

/** The emulator holds the contacts of a CRM before OptinTrail, and one contact that already has a trail. */
async function seedEmulator(context: CommandContext, connection: CrmConnection): Promise<void> {
  await connection.adapter.ensureSchema();
  const kept = buildDemoTrails().complete.find((trail) => trail.subject === DEMO_SUBSCRIBER)!;
  await connection.adapter.push([kept]);
  const seeded = await connection.emulator!.seedExistingContacts();
  context.output.err(`note: the emulator holds contacts made in ${connection.label} before OptinTrail (${seeded.join(', ')}) and one OptinTrail already keeps a trail for (${DEMO_SUBSCRIBER})`);
}

/** Reads everything, writes nothing: what a run would do, from the same previews. */
async function dryRun(
  subjects: AsyncIterable<BackfillSubject>,
  takePending: () => NewTrailPreview[],
  breakdown: ProofBreakdown,
  suppression: SuppressionList | undefined,
  batchSize: number,
  progress: (summary: { seen: number; written: number; failed: number }) => void,
): Promise<BackfillSummary> {
  const summary: BackfillSummary = { seen: 0, newTrails: 0, extendedTrails: 0, upToDate: 0, skipped: 0, failed: 0, eventsWritten: 0, alreadyInTrails: 0, failures: [] };
  for await (const item of subjects) {
    summary.seen += 1;
    const [preview] = takePending();
    if (item.changes.length === 0) summary.skipped += 1;
    else if (suppression?.isSuppressed(item.subject)) {
      summary.failed += 1;
      summary.failures.push({ subject: item.subject, reason: 'suppressed: the address was erased earlier (it is in the suppression file)', retryable: false });
    } else if (item.hasTrail) {
      // Which of these the trail already holds is only known by reading it: an upper bound.
      summary.extendedTrails += 1;
      summary.eventsWritten += item.changes.length;
    } else if (preview && 'failure' in preview) {
      summary.failed += 1;
      summary.failures.push({ subject: preview.subject, reason: preview.failure, retryable: false });
    } else if (preview) {
      summary.newTrails += 1;
      summary.eventsWritten += preview.events;
      addToBreakdown(breakdown, preview);
    }
    if (summary.seen % batchSize === 0) progress({ seen: summary.seen, written: summary.newTrails + summary.extendedTrails, failed: summary.failed });
  }
  return summary;
}

function printSummary(context: CommandContext, connection: CrmConnection, options: BackfillCommandOptions, summary: BackfillSummary, breakdown: ProofBreakdown, interrupted: boolean): void {
  const { output } = context;
  const dry = Boolean(options.dryRun);
  if (options.json) {
    output.json({
      crm: connection.crm,
      target: connection.target,
      dryRun: dry,
      complete: !interrupted,
      ...(interrupted ? { stoppedBy: 'interrupt' } : {}),
      contacts: {
        seen: summary.seen,
        trailsWritten: summary.newTrails + summary.extendedTrails,
        newTrails: summary.newTrails,
        extendedTrails: summary.extendedTrails,
        upToDate: summary.upToDate,
        skipped: summary.skipped,
        failed: summary.failed,
      },
      events: { written: summary.eventsWritten, alreadyInTrails: summary.alreadyInTrails },
      // Over the new trails: the consents in force by the strength of their evidence ("no-proof" is
      // an import without evidence), the withdrawn ones, and trails with data only.
      proofStrength: { ...breakdown.granted, withdrawn: breakdown.withdrawn },
      newTrailsWithoutConsent: breakdown.withoutConsent,
      failures: summary.failures,
    });
    return;
  }
  const would = dry ? 'would be ' : '';
  const atMost = dry && summary.extendedTrails > 0 ? ' at most' : '';
  output.out(`${connection.label} backfill${dry ? ' (dry run, nothing written)' : ''}: ${count(summary.seen, 'contact')} seen`);
  output.out(`  trails ${would}written: ${summary.newTrails + summary.extendedTrails} (${summary.newTrails} new, ${summary.extendedTrails} extended${atMost}), ${count(summary.eventsWritten, 'event')}${atMost}`);
  output.out(`  up to date:     ${count(summary.upToDate, 'contact')} already holding a trail with every event found${dry ? '' : ` (${count(summary.alreadyInTrails, 'event')} already there)`}`);
  output.out(`  skipped:        ${count(summary.skipped, 'contact')} without a trail about whom ${connection.label} knows nothing to record`);
  output.out(`  failed:         ${count(summary.failed, 'contact')}`);
  output.out(`  evidence of the consents in the new trails:`);
  output.out(`    double opt-in                   ${breakdown.granted['double-opt-in']}`);
  output.out(`    single opt-in, with evidence    ${breakdown.granted['single-opt-in']}`);
  output.out(`    no proof (import)               ${breakdown.granted['no-proof']}   the reminder says "your details were added to our list on…", never "you subscribed"`);
  output.out(`    withdrawn                       ${breakdown.withdrawn}`);
  output.out(`  new trails without any consent:   ${breakdown.withoutConsent} (data only)`);
  for (const failure of summary.failures.slice(0, PRINTED_FAILURES)) output.out(`  ! ${failure.subject}: ${failure.reason}`);
  if (summary.failures.length > PRINTED_FAILURES) output.out(`  … and ${summary.failures.length - PRINTED_FAILURES} more failures (--json lists them all)`);
  if (interrupted) output.out(`  stopped by Ctrl-C after ${summary.seen} contacts; run the same command again to continue (nothing is written twice)`);
}

function count(value: number, noun: string): string {
  return `${value} ${noun}${value === 1 ? '' : 's'}`;
}
