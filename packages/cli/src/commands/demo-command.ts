import type { Command } from 'commander';
import { foldTrail, generateReminder, TrailIntegrityError, type PushReport, type ReminderResult, type SchemaReport, type Trail } from '@optintrail/core';
import type { CommandContext } from '../command-context';
import { CRM_NAMES, connectToEmbeddedEmulator, crmPlacement, type CrmConnection, type CrmName, type EmulatorCall } from '../crm-registry';
import { buildDemoTrails, DEMO_PEOPLE } from '../demo-audience';
import { EXIT_DATA_FAILURE, EXIT_OK } from '../exit-codes';

export interface DemoOptions {
  json?: boolean;
}

const LOCALES = ['fr', 'en'] as const;
const TIME_ZONE = 'Europe/Paris';

interface ReadBack {
  email: string;
  verified: boolean;
  /** Same events, same hashes as the trail that was sent. */
  sameAsSent: boolean;
  events: number;
  problem?: string;
}

interface CrmDemoResult {
  crm: CrmName;
  label: string;
  implementation: CrmConnection['implementation'];
  target: string;
  notes: string[];
  schema: SchemaReport;
  firstSync: PushReport;
  laterSync: PushReport;
  rerun: PushReport;
  readBack: ReadBack[];
  reminders: Record<string, Record<(typeof LOCALES)[number], ReminderResult>>;
  calls: EmulatorCall[] | undefined;
}

export function registerDemoCommand(program: Command, run: (action: (context: CommandContext) => Promise<number>) => Promise<void>): void {
  program
    .command('demo')
    .summary('the whole product in one command, on three CRM emulators in this process')
    .description(
      'Starts the HubSpot, Mailchimp and Salesforce emulators in this process, creates the schema in each, syncs a small realistic audience (a trade-show sign-up from 2012, web-form double opt-ins with proof, a partner import without proof, a withdrawal, a field correction), syncs again to show nothing is written twice, reads every trail back from each CRM, verifies it, and prints the reminders in French and English and where each thing went in each CRM. Needs no account and no credentials; nothing leaves this machine.',
    )
    .option('--json', 'print the results as JSON')
    .addHelpText(
      'after',
      `
Exit codes: 0 every trail read back and verified in every CRM, 1 something did not verify,
  3 an emulator could not start.

Example
  $ optintrail demo`,
    )
    .action(async (options: DemoOptions) => run((context) => demoCommand(context, options)));
}

export async function demoCommand(context: CommandContext, options: DemoOptions): Promise<number> {
  const started = performance.now();
  const connections: CrmConnection[] = [];
  let results: CrmDemoResult[];
  try {
    for (const crm of CRM_NAMES) connections.push(await connectToEmbeddedEmulator(crm));
    results = await Promise.all(connections.map((connection) => runDemoFor(connection)));
  } finally {
    await Promise.all(connections.map((connection) => connection.close()));
  }
  const seconds = (performance.now() - started) / 1000;
  const allVerified = results.every((result) => result.readBack.every((item) => item.verified && item.sameAsSent));
  const consistent = remindersAgree(results);
  if (options.json) {
    context.output.json({ verified: allVerified, remindersAgree: consistent, seconds: Number(seconds.toFixed(2)), crms: results });
  } else {
    printDemo(context, results, { seconds, allVerified, consistent });
  }
  return allVerified && consistent ? EXIT_OK : EXIT_DATA_FAILURE;
}

async function runDemoFor(connection: CrmConnection): Promise<CrmDemoResult> {
  const { adapter } = connection;
  const { initial, complete } = buildDemoTrails();
  const schema = await adapter.ensureSchema();
  const firstSync = await adapter.push(initial);
  const laterSync = await adapter.push(complete);
  // The same input again: event ids are idempotency keys, so nothing is written twice.
  const rerun = await adapter.push(complete);

  const readBack: ReadBack[] = [];
  const reminders: CrmDemoResult['reminders'] = {};
  for (const sent of complete) {
    let pulled: Trail | null = null;
    let problem: string | undefined;
    try {
      pulled = await adapter.pull({ email: sent.subject });
      if (!pulled) problem = 'not found';
    } catch (error) {
      problem = TrailIntegrityError.isInstance(error) ? error.message : String((error as Error)?.message ?? error);
    }
    const sameAsSent = pulled !== null && pulled.events.length === sent.events.length && pulled.events.every((event, index) => event.hash === sent.events[index]!.hash);
    readBack.push({ email: sent.subject, verified: pulled !== null && !problem, sameAsSent, events: pulled?.events.length ?? 0, ...(problem ? { problem } : {}) });
    if (pulled) {
      const state = foldTrail(pulled);
      reminders[sent.subject] = {
        fr: generateReminder(state, { purpose: 'newsletter', touchpoint: 'email-footer', locale: 'fr', timeZone: TIME_ZONE }),
        en: generateReminder(state, { purpose: 'newsletter', touchpoint: 'email-footer', locale: 'en', timeZone: TIME_ZONE }),
      };
    }
  }
  return {
    crm: connection.crm,
    label: connection.label,
    implementation: connection.implementation,
    target: connection.target,
    notes: connection.notes,
    schema,
    firstSync,
    laterSync,
    rerun,
    readBack,
    reminders,
    calls: connection.emulator ? [...connection.emulator.calls()].map(({ method, path, status }) => ({ method, path, status })) : undefined,
  };
}

function reminderText(result: ReminderResult | undefined): string {
  if (!result) return '(trail not read back)';
  return result.kind === 'reminder' ? result.text : `no traceable consent (${result.reason}): no reminder, do not send`;
}

function remindersAgree(results: readonly CrmDemoResult[]): boolean {
  const [first, ...rest] = results;
  if (!first) return true;
  return DEMO_PEOPLE.every((person) =>
    LOCALES.every((locale) => rest.every((result) => reminderText(result.reminders[person.email]?.[locale]) === reminderText(first.reminders[person.email]?.[locale]))),
  );
}

function printDemo(context: CommandContext, results: readonly CrmDemoResult[], summary: { seconds: number; allVerified: boolean; consistent: boolean }): void {
  const out = (line = '') => context.output.out(line);
  const eventCount = DEMO_PEOPLE.reduce((total, person) => total + person.initial.length + person.later.length, 0);
  out('OptinTrail demo: one audience synced into three CRMs, each emulated in this process.');
  out('No account, no credentials; nothing leaves this machine.');
  out();
  for (const result of results) {
    const how = result.implementation === 'adapter' ? `@optintrail/${result.crm} adapter → ${result.target}` : `${result.target}: ${result.notes.join(' ')}`;
    out(`  ${result.label.padEnd(11)} ${how}`);
  }
  out();
  out(`Audience: ${DEMO_PEOPLE.length} people, ${eventCount} events`);
  for (const person of DEMO_PEOPLE) out(`  ${person.email.padEnd(27)} ${person.story}`);
  out();

  const rows: Array<[string, (result: CrmDemoResult) => string]> = [
    ['schema: created / existing', (result) => `${result.schema.created.length} / ${result.schema.existing.length}`],
    ['sync 1: subjects / events written', (result) => `${result.firstSync.subjectsWritten} / ${result.firstSync.eventsWritten}`],
    ['sync 2 (withdrawal, correction)', (result) => `${result.laterSync.eventsWritten} new events, ${result.laterSync.eventsSkipped} kept`],
    ['sync 3 (same input again)', (result) => `${result.rerun.eventsWritten} written, ${result.rerun.subjectsUnchanged} unchanged`],
    ['failures', (result) => String(result.firstSync.failed + result.laterSync.failed + result.rerun.failed)],
    ['read back and verified', (result) => `${result.readBack.filter((item) => item.verified && item.sameAsSent).length}/${result.readBack.length} trails`],
    ['API calls (adapter / HTTP)', (result) => `${result.firstSync.apiCalls + result.laterSync.apiCalls + result.rerun.apiCalls} / ${result.calls ? result.calls.length : '-'}`],
  ];
  const labelWidth = Math.max(...rows.map(([label]) => label.length)) + 2;
  const columnWidth = Math.max(...results.flatMap((result) => [result.label.length, ...rows.map(([, cell]) => cell(result).length)])) + 3;
  out(`${''.padEnd(labelWidth + 2)}${results.map((result) => result.label.padEnd(columnWidth)).join('')}`.trimEnd());
  for (const [label, cell] of rows) out(`  ${label.padEnd(labelWidth)}${results.map((result) => cell(result).padEnd(columnWidth)).join('')}`.trimEnd());
  for (const result of results) {
    for (const item of result.readBack.filter((entry) => !entry.verified || !entry.sameAsSent)) {
      out(`  ! ${result.label}: ${item.email}: ${item.problem ?? 'read back differs from what was sent'}`);
    }
  }
  out();

  const reference = results[0];
  out(`Reminders, email footer (from the trails read back${summary.consistent ? '; the same from every CRM' : '; THEY DIFFER between CRMs'})`);
  for (const person of DEMO_PEOPLE) {
    out(`  ${person.email}`);
    for (const locale of LOCALES) out(`    ${locale}  ${reminderText(reference?.reminders[person.email]?.[locale])}`);
  }
  out();

  out('Where each thing went');
  for (const result of results) {
    const placement = crmPlacement(result.crm);
    const names = [...result.schema.created, ...result.schema.existing];
    const shown = names.slice(0, 4).join(', ') + (names.length > 4 ? `, … (${names.length})` : '');
    if (result.implementation === 'in-memory') {
      out(`  ${result.label.padEnd(11)} in-memory stand-in: summary map and timeline list (a real run uses ${placement.summary} and ${placement.timeline})`);
      continue;
    }
    out(`  ${result.label.padEnd(11)} summary → ${placement.summary}${shown ? ` (${shown})` : ''}`);
    out(`  ${''.padEnd(11)} events  → ${placement.timeline}`);
    if (result.calls) {
      const reads = result.calls.filter(isRead);
      out(`  ${''.padEnd(11)} writes  → ${describeCalls(result.calls.filter((call) => !isRead(call)))}`);
      out(`  ${''.padEnd(11)} reads   → ${reads.length} calls (what the CRM holds before writing, and reading every trail back)`);
    }
  }
  out();
  const trails = results.reduce((total, result) => total + result.readBack.filter((item) => item.verified && item.sameAsSent).length, 0);
  out(
    `${summary.allVerified && summary.consistent ? 'Done' : 'FAILED'} in ${summary.seconds.toFixed(1)} s: ${trails}/${results.length * DEMO_PEOPLE.length} trails read back and verified.` +
      ' Next: `optintrail emulator --crm hubspot` to point your own code at an emulator, `optintrail --help` for the rest.',
  );
}

/** Reads: GETs and the POSTs that only read (HubSpot batch reads and searches). */
function isRead(call: EmulatorCall): boolean {
  return call.method === 'GET' || /\/(batch\/read|search)$/.test(call.path.split('?')[0]!);
}

/** `POST /crm/v3/objects/contacts/batch/upsert ×3, …`: the HTTP calls by route, ids replaced. */
export function describeCalls(calls: readonly EmulatorCall[]): string {
  const counts = new Map<string, number>();
  for (const call of calls) {
    const route = `${call.method} ${normalizeRoute(call.path)}`;
    counts.set(route, (counts.get(route) ?? 0) + 1);
  }
  const sorted = [...counts.entries()].sort((a, b) => b[1] - a[1]);
  const shown = sorted.slice(0, 5).map(([route, count]) => `${route} ×${count}`);
  return shown.join(', ') + (sorted.length > 5 ? `, … (${sorted.length} routes)` : '');
}

function normalizeRoute(path: string): string {
  return path
    .split('?')[0]!
    .split('/')
    .map((segment) => {
      const decoded = safeDecode(segment);
      if (/^\d+$/.test(decoded) || /^[0-9a-f]{10,}$/i.test(decoded) || decoded.includes('@')) return ':id';
      if (/^[a-zA-Z0-9]{15}([a-zA-Z0-9]{3})?$/.test(decoded) && /\d/.test(decoded)) return ':id';
      return segment;
    })
    .join('/');
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
