/**
 * Syncs three provenance trails into Salesforce and prints what was written and what reads back.
 *
 *   npm start                                                        # a local Salesforce emulator, no org needed
 *   SALESFORCE_INSTANCE_URL=https://acme.my.salesforce.com \
 *   SALESFORCE_ACCESS_TOKEN=00D...! npm start                        # your org (an OAuth access token / session id)
 *
 * Optional: SALESFORCE_API_VERSION (default 62.0); OPTINTRAIL_EXAMPLE_DOMAIN to change the domain of
 * the sample addresses (default example.org).
 */
import { canonicalJson } from '@optintrail/core';
import { createSalesforceAdapter, salesforceSchemaNames, soqlString, type SalesforceAdapterSettings } from '@optintrail/salesforce';
import { startSalesforceEmulator, type SalesforceEmulator } from '@optintrail/salesforce/testing';
import { sampleTrails } from './sample-trails';

const instanceUrl = process.env['SALESFORCE_INSTANCE_URL'];
const accessToken = process.env['SALESFORCE_ACCESS_TOKEN'];

async function main(): Promise<void> {
  let emulator: SalesforceEmulator | undefined;
  let settings: SalesforceAdapterSettings;
  if (instanceUrl && accessToken) {
    console.log(`Target: your Salesforce org at ${instanceUrl} (SALESFORCE_INSTANCE_URL and SALESFORCE_ACCESS_TOKEN are set).`);
    settings = { instanceUrl, accessToken, ...(process.env['SALESFORCE_API_VERSION'] ? { apiVersion: process.env['SALESFORCE_API_VERSION'] } : {}) };
  } else {
    emulator = await startSalesforceEmulator();
    console.log(`Target: local Salesforce emulator at ${emulator.url} (set SALESFORCE_INSTANCE_URL and SALESFORCE_ACCESS_TOKEN to use your org).`);
    settings = { instanceUrl: emulator.url, accessToken: 'emulator-session-id' };
  }

  try {
    const adapter = createSalesforceAdapter(settings);
    const names = salesforceSchemaNames();
    const schema = await adapter.ensureSchema();
    console.log(`\nSchema: ${schema.created.length} created, ${schema.existing.length} already there.`);
    for (const problem of schema.problems ?? []) console.log(`  problem: ${problem.name} ${problem.reason}`);

    const trails = sampleTrails(process.env['OPTINTRAIL_EXAMPLE_DOMAIN']);
    const report = await adapter.push(trails);
    console.log(
      `\nPush: ${report.subjectsWritten} contacts written, ${report.eventsWritten} events written as ${names.eventObject} records, ` +
        `${report.eventsSkipped} already there, ${report.failed} failed, ${report.apiCalls} API calls.`,
    );
    for (const failure of report.failures) console.log(`  failed: ${failure.subject} ${failure.eventId ?? ''} ${failure.reason}`);

    const shown = ['consentStatus', 'consentSince', 'consentSource', 'consentStrength', 'reminderEn', 'reminderFr', 'trailLength'] as const;
    for (const trail of trails) {
      const fields = shown.map((key) => names.summary[key]).join(', ');
      const [contact] = await adapter.client.query<Record<string, unknown>>(
        'example',
        `SELECT Id, ${fields} FROM Contact WHERE ${names.subjectKey} = ${soqlString(trail.subject)} LIMIT 1`,
      );
      console.log(`\n${trail.subject} (Salesforce Contact ${String(contact?.['Id'] ?? '?')})`);
      for (const key of shown) console.log(`  ${names.summary[key].padEnd(32)} ${String(contact?.[names.summary[key]] ?? '')}`);
      const consents = await adapter.client
        .query<{ PrivacyConsentStatus: string; CaptureDate: string }>(
          'example',
          `SELECT PrivacyConsentStatus, CaptureDate FROM ContactPointTypeConsent WHERE ${names.consentKey} = ${soqlString(`${trail.subject}|newsletter|email`)}`,
        )
        .catch(() => []);
      if (consents[0]) console.log(`  ContactPointTypeConsent (newsletter, Email): ${consents[0].PrivacyConsentStatus} since ${consents[0].CaptureDate.slice(0, 10)}`);
      const pulled = await adapter.pull({ email: trail.subject });
      const same = pulled !== null && canonicalJson(pulled) === canonicalJson(trail);
      const count = pulled?.events.length ?? 0;
      console.log(`  read back: ${count} event${count === 1 ? '' : 's'} from ${names.eventObject}, chain verified, ${same ? 'identical to what was pushed' : 'DIFFERENT from what was pushed'}`);
      for (const event of pulled?.events ?? []) console.log(`    ${event.at.slice(0, 10)}  ${event.type.padEnd(18)} ${event.source.name}`);
    }

    const again = await adapter.push(trails);
    console.log(`\nSecond push of the same trails: ${again.eventsWritten} events written, ${again.subjectsUnchanged} contacts already up to date, ${again.apiCalls} API call${again.apiCalls === 1 ? '' : 's'}.`);
    if (emulator) console.log(`API requests counted by the emulated org: ${emulator.apiUsage.used} of ${emulator.apiUsage.max.toLocaleString('en-US')} for the day.`);
  } finally {
    await emulator?.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
