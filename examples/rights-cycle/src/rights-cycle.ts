import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  accessReportFromAdapters,
  createSuppressionList,
  eraseEverywhere,
  renderAccessReportHtml,
  renderAccessReportText,
  type AdapterAccessResult,
  type EraseEverywhereResult,
  type LabelledAdapter,
  type PushReport,
  type Trail,
} from '@optintrail/core';
import { createHubSpotAdapter } from '@optintrail/hubspot';
import { startHubSpotEmulator } from '@optintrail/hubspot/testing';
import { createMailchimpAdapter } from '@optintrail/mailchimp';
import { startMailchimpEmulator } from '@optintrail/mailchimp/testing';
import { createSalesforceAdapter } from '@optintrail/salesforce';
import { startSalesforceEmulator } from '@optintrail/salesforce/testing';
import { DPO_DESK, subscription, withChange } from './subscriber';

export interface RightsCycleOptions {
  /** Where the story is told, line by line. */
  print: (line: string) => void;
  /** Where the HTML reports and the suppression file are written. */
  outputDirectory: string;
  /** The sender's secret for suppression fingerprints (at least 16 bytes). */
  suppressionKey: string;
  /** When the access report is produced. Default now. */
  now?: () => Date;
}

/** What happened, for tests and for whoever wants to look closer. Keyed by CRM label. */
export interface RightsCycleResult {
  access: AdapterAccessResult;
  /** The access report as printable HTML pages, French and English. */
  htmlReports: string[];
  /** Each CRM's trail after the rectification. */
  rectified: Record<string, Trail>;
  /** The first name each CRM shows in its own field after the rectification, read from the CRM. */
  firstNameInCrm: Record<string, string | null>;
  erasure: EraseEverywhereResult;
  /** The file holding the suppression fingerprints. */
  suppressionFile: string;
  /** The push of the re-imported subscriber into each CRM. */
  reimport: Record<string, PushReport>;
  /** Whether each CRM holds a record for the address, after erasure and after the re-import. */
  heldAfterErasure: Record<string, boolean>;
  heldAfterReimport: Record<string, boolean>;
}

interface Crm extends LabelledAdapter {
  /** The CRM's own field holding the first name, read from the emulator (not through the adapter). */
  firstName(email: string): string | null;
  holds(email: string): boolean;
}

/**
 * The whole cycle against three local CRMs: subscribe, change, access, rectify, erase, re-import
 * refused. The emulators are real HTTP servers on 127.0.0.1; each adapter talks to its own through
 * the vendor's official SDK, exactly as it would to the real service.
 */
export async function runRightsCycle(options: RightsCycleOptions): Promise<RightsCycleResult> {
  const { print } = options;
  const now = options.now ?? (() => new Date());
  const hubspotEmulator = await startHubSpotEmulator();
  const mailchimpEmulator = await startMailchimpEmulator();
  const salesforceEmulator = await startSalesforceEmulator();
  try {
    const listId = mailchimpEmulator.createList('Newsletter');
    const crms: Crm[] = [
      {
        label: 'HubSpot',
        adapter: createHubSpotAdapter({ accessToken: 'emulator-token', basePath: hubspotEmulator.url }),
        firstName: (email) => hubspotEmulator.state.contactByEmail(email)?.properties['firstname'] ?? null,
        holds: (email) => hubspotEmulator.state.contactByEmail(email) !== null,
      },
      {
        label: 'Mailchimp',
        adapter: createMailchimpAdapter({ apiKey: mailchimpEmulator.apiKey, baseUrl: mailchimpEmulator.url, listId }),
        firstName: (email) => String(mailchimpEmulator.state.member(listId, email)?.merge_fields['FNAME'] ?? '') || null,
        holds: (email) => mailchimpEmulator.state.member(listId, email) !== null,
      },
      {
        label: 'Salesforce',
        adapter: createSalesforceAdapter({ instanceUrl: salesforceEmulator.url, accessToken: 'emulator-session-id' }),
        firstName: (email) => (salesforceEmulator.state.contactByEmail(email)?.['FirstName'] as string | undefined) ?? null,
        holds: (email) => salesforceEmulator.state.contactByEmail(email) !== null,
      },
    ];
    print(`Three local CRMs: HubSpot at ${hubspotEmulator.url}, Mailchimp at ${mailchimpEmulator.url}, Salesforce at ${salesforceEmulator.url}.`);
    for (const { adapter } of crms) await adapter.ensureSchema();

    // 1. Subscribe.
    const subscribed = subscription();
    const email = subscribed.subject;
    print(`\n1. Subscribe: ${email} opts in at Salon E-commerce Paris (19 September 2012) and confirms by email.`);
    for (const { label, adapter } of crms) print(`   ${label}: ${describePush(await adapter.push([subscribed]))}`);

    // 2. Change.
    const changed = withChange(subscribed);
    print('\n2. Change: in 2019 she updates her company in the preference centre.');
    for (const { label, adapter } of crms) print(`   ${label}: ${describePush(await adapter.push([changed]))}`);

    // 3. Access (Art. 15): one report, a section per CRM, each built from what that CRM gives back.
    const access = await accessReportFromAdapters(crms, email, {
      generatedAt: now().toISOString(),
      controller: { name: 'Exemple SAS', contact: 'dpo@example.org' },
    });
    print(`\n3. Access: she asks what is held about her and where it came from. The report (${access.report.sections.length} CRMs, ${access.unverified.length} with a broken trail):\n`);
    print(indent(renderAccessReportText(access.report, { locale: 'en', timeZone: 'Europe/Paris' }), '   | '));
    const htmlReports: string[] = [];
    for (const locale of ['fr', 'en'] as const) {
      const path = join(options.outputDirectory, `access-report.${locale}.html`);
      await writeFile(path, renderAccessReportHtml(access.report, { locale, timeZone: 'Europe/Paris', fieldNames: locale === 'fr' ? { firstName: 'Prénom', lastName: 'Nom', company: 'Société' } : { firstName: 'First name', lastName: 'Last name', company: 'Company' } }));
      htmlReports.push(path);
    }
    print(`   Printable HTML report written to ${htmlReports.join(' and ')}`);

    // 4. Rectify (Art. 16): an event with a reason and an actor, written to each CRM's field and timeline.
    print('\n4. Rectify: her first name was misspelt "Camile" at the booth; she asks for "Camille".');
    const rectified: Record<string, Trail> = {};
    const firstNameInCrm: Record<string, string | null> = {};
    for (const { label, adapter, firstName } of crms) {
      const trail = await adapter.rectify!({ email }, { field: 'firstName', value: 'Camille', reason: 'Misspelt at the booth; corrected at her request', at: '2024-03-04T09:00:00Z', actor: DPO_DESK });
      rectified[label] = trail;
      firstNameInCrm[label] = firstName(email);
      const history = trail.events.filter((event) => event.fields?.some((field) => field.name === 'firstName')).map((event) => `${event.type} "${String(event.fields!.find((field) => field.name === 'firstName')!.value)}"`);
      print(`   ${label}: first name field now "${firstNameInCrm[label] ?? ''}"; trail ${trail.events.length} events, history kept: ${history.join(' → ')}`);
    }

    // 5. Erase (Art. 17): suppressed first, then each CRM's own mechanism; receipts without personal data.
    print('\n5. Erase: she asks to be forgotten.');
    const suppression = createSuppressionList({ key: options.suppressionKey });
    const erasure = await eraseEverywhere(crms, email, { suppression, request: { requestedAt: '2024-03-05T10:00:00Z', requestedBy: DPO_DESK.id!, reason: 'Art. 17 request by email, ticket 2024-118' } });
    for (const receipt of erasure.receipts) {
      print(`   Receipt ${receipt.adapter}: ${receipt.mechanism}`);
      print(`     erased at ${receipt.erasedAt}; removed ${receipt.removed.join(', ')}; trail head ${receipt.trailHead ?? 'none'}`);
    }
    for (const failure of erasure.failures) print(`   NOT ERASED in ${failure.label}: ${failure.reason}`);
    const suppressionFile = join(options.outputDirectory, 'suppressed.txt');
    await writeFile(suppressionFile, `${[...suppression.fingerprints].join('\n')}\n`);
    print(`   Suppression fingerprint: ${erasure.fingerprint} (kept in ${suppressionFile}; it names nobody without the key)`);
    const heldAfterErasure = Object.fromEntries(crms.map(({ label, holds }) => [label, holds(email)]));
    print(`   Still held: ${crms.map(({ label }) => `${label} ${heldAfterErasure[label] ? 'YES' : 'no'}`).join(', ')}`);

    // 6. Re-import refused: next night's import brings the 2012 trade-show file in again.
    print('\n6. Re-import: the 2012 trade-show file is imported again.');
    const reloaded = createSuppressionList({ key: options.suppressionKey, fingerprints: suppression.fingerprints });
    const reimport: Record<string, PushReport> = {};
    for (const { label, adapter } of crms) {
      const report = await adapter.push([subscription()], { suppression: reloaded });
      reimport[label] = report;
      const refusal = report.failures.find((failure) => failure.kind === 'suppressed');
      print(`   ${label}: ${refusal ? `REFUSED (${refusal.kind}): ${refusal.reason}` : `written! ${describePush(report)}`}; ${report.subjectsWritten} written, ${report.apiCalls} API calls`);
    }
    const heldAfterReimport = Object.fromEntries(crms.map(({ label, holds }) => [label, holds(email)]));
    print(`   Held after the re-import: ${crms.map(({ label }) => `${label} ${heldAfterReimport[label] ? 'YES' : 'no'}`).join(', ')}`);

    return { access, htmlReports, rectified, firstNameInCrm, erasure, suppressionFile, reimport, heldAfterErasure, heldAfterReimport };
  } finally {
    await Promise.all([hubspotEmulator.close(), mailchimpEmulator.close(), salesforceEmulator.close()]);
  }
}

function describePush(report: PushReport): string {
  const failures = report.failures.map((failure) => `failed (${failure.kind}): ${failure.reason}`);
  return [`${report.eventsWritten} events written, ${report.eventsSkipped} already there, ${report.apiCalls} API calls`, ...failures].join('; ');
}

function indent(text: string, prefix: string): string {
  return text
    .trimEnd()
    .split('\n')
    .map((line) => `${prefix}${line}`.trimEnd())
    .join('\n');
}
