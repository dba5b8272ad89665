/**
 * Syncs three provenance trails into HubSpot and prints what was written and what reads back.
 *
 *   npm start                                   # a local HubSpot emulator, no account needed
 *   HUBSPOT_ACCESS_TOKEN=pat-... npm start      # your HubSpot account (private app token)
 *
 * Optional with a real account: HUBSPOT_NEWSLETTER_SUBSCRIPTION_ID=<id> to mirror the newsletter
 * consent into HubSpot's own subscription status; OPTINTRAIL_EXAMPLE_DOMAIN to change the domain
 * of the sample addresses (default example.org).
 */
import { canonicalJson } from '@optintrail/core';
import { createHubSpotAdapter, type HubSpotAdapterSettings } from '@optintrail/hubspot';
import { startHubSpotEmulator, type HubSpotEmulator } from '@optintrail/hubspot/testing';
import { sampleTrails } from './sample-trails';

const token = process.env['HUBSPOT_ACCESS_TOKEN'];
const subscriptionId = process.env['HUBSPOT_NEWSLETTER_SUBSCRIPTION_ID'];

async function main(): Promise<void> {
  let emulator: HubSpotEmulator | undefined;
  let settings: HubSpotAdapterSettings;
  if (token) {
    console.log('Target: your HubSpot account (HUBSPOT_ACCESS_TOKEN is set).');
    settings = { accessToken: token, ...(subscriptionId ? { subscriptions: { newsletter: { subscriptionId: Number(subscriptionId) } } } : {}) };
  } else {
    emulator = await startHubSpotEmulator();
    console.log(`Target: local HubSpot emulator at ${emulator.url} (set HUBSPOT_ACCESS_TOKEN to use your account).`);
    // The emulator's account offers a "Newsletter" subscription type with id 101.
    settings = { accessToken: 'emulator-token', basePath: emulator.url, subscriptions: { newsletter: { subscriptionId: 101 } } };
  }

  try {
    const adapter = createHubSpotAdapter(settings);
    const schema = await adapter.ensureSchema();
    console.log(`\nSchema: ${schema.created.length} created, ${schema.existing.length} already there.`);
    for (const problem of schema.problems ?? []) console.log(`  problem: ${problem.name} ${problem.reason}`);

    const trails = sampleTrails(process.env['OPTINTRAIL_EXAMPLE_DOMAIN']);
    const report = await adapter.push(trails);
    console.log(
      `\nPush: ${report.subjectsWritten} contacts written, ${report.eventsWritten} events written as notes, ` +
        `${report.eventsSkipped} already there, ${report.failed} failed, ${report.apiCalls} API calls.`,
    );
    for (const failure of report.failures) console.log(`  failed: ${failure.subject} ${failure.eventId ?? ''} ${failure.reason}`);

    const shown = ['consent_status', 'consent_since', 'consent_source', 'consent_strength', 'reminder_en', 'reminder_fr', 'trail_length'].map((name) => `optintrail_${name}`);
    for (const trail of trails) {
      const contact = await adapter.client.crm.contacts.basicApi.getById(trail.subject, shown, undefined, undefined, false, 'email');
      console.log(`\n${trail.subject} (HubSpot contact ${contact.id})`);
      for (const name of shown) console.log(`  ${name.padEnd(28)} ${contact.properties[name] ?? ''}`);
      const pulled = await adapter.pull({ email: trail.subject });
      const same = pulled !== null && canonicalJson(pulled) === canonicalJson(trail);
      const count = pulled?.events.length ?? 0;
      console.log(`  read back: ${count} event${count === 1 ? '' : 's'} from the notes, chain verified, ${same ? 'identical to what was pushed' : 'DIFFERENT from what was pushed'}`);
      for (const event of pulled?.events ?? []) console.log(`    ${event.at.slice(0, 10)}  ${event.type.padEnd(18)} ${event.source.name}`);
    }

    const again = await adapter.push(trails);
    console.log(`\nSecond push of the same trails: ${again.eventsWritten} events written, ${again.subjectsUnchanged} contacts already up to date.`);
    if (emulator) {
      const statuses = trails.map((trail) => `${trail.subject}: ${emulator!.state.subscriptionStatuses(trail.subject)[0]?.status ?? 'NOT_SPECIFIED'}`);
      console.log(`HubSpot subscription "Newsletter": ${statuses.join(', ')}`);
      console.log(`Calls the emulator answered: ${emulator.calls.length}.`);
    }
  } finally {
    await emulator?.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
