/**
 * Syncs one provenance trail into HubSpot, Mailchimp and Salesforce, prints what each CRM holds,
 * reads the trail back from each and checks that the three copies are identical and verify.
 *
 *   npm start                                   # three local emulators, no account needed
 *   HUBSPOT_ACCESS_TOKEN=pat-... npm start      # your HubSpot, emulated Mailchimp and Salesforce
 *
 * Each CRM is real when its credentials are set, emulated otherwise:
 *   HubSpot     HUBSPOT_ACCESS_TOKEN (optional HUBSPOT_BASE_PATH)
 *   Mailchimp   MAILCHIMP_API_KEY + MAILCHIMP_SERVER_PREFIX + MAILCHIMP_LIST_ID (optional MAILCHIMP_BASE_URL)
 *   Salesforce  SALESFORCE_INSTANCE_URL + SALESFORCE_ACCESS_TOKEN (optional SALESFORCE_API_VERSION)
 * OPTINTRAIL_EXAMPLE_DOMAIN changes the domain of the sample address (default example.org).
 */
import { canonicalJson, verifyTrail, type Trail } from '@optintrail/core';
import { connectHubSpot, connectMailchimp, connectSalesforce, type CrmTarget } from './crm-targets';
import { sampleTrail } from './sample-trail';

async function main(): Promise<void> {
  const targets: CrmTarget[] = [];
  try {
    // One after the other, so a refused configuration leaves no emulator behind (the finally closes those started).
    for (const connect of [connectHubSpot, connectMailchimp, connectSalesforce]) targets.push(await connect(process.env));
    console.log('One trail, three CRMs.\n');
    for (const target of targets) console.log(`  ${target.label.padEnd(11)} ${target.description}`);

    const trail = sampleTrail(process.env['OPTINTRAIL_EXAMPLE_DOMAIN']);
    console.log(`\nThe trail of ${trail.subject}: ${trail.events.length} events, head ${trail.events.at(-1)?.hash.slice(0, 16)}…`);
    for (const event of trail.events) console.log(`  ${event.at.slice(0, 10)}  ${event.type.padEnd(18)} ${event.source.name}`);

    console.log('\nWriting');
    for (const target of targets) {
      const schema = await target.adapter.ensureSchema();
      const report = await target.adapter.push([trail]);
      console.log(
        `  ${target.label.padEnd(11)} schema: ${schema.created.length} created, ${schema.existing.length} already there; ` +
          `push: ${report.eventsWritten} events written, ${report.eventsSkipped} already there, ${report.failed} failed, ${report.apiCalls} API calls`,
      );
      for (const problem of schema.problems ?? []) console.log(`    schema problem: ${problem.name} ${problem.reason}`);
      for (const failure of report.failures) console.log(`    failed: ${failure.eventId ?? failure.subject} ${failure.reason}`);
    }

    console.log('\nWhat each CRM holds');
    for (const target of targets) {
      console.log(`\n${target.label} — ${target.placement}`);
      for (const [name, value] of await target.holdings(trail.subject)) console.log(`  ${name.padEnd(32)} ${value}`);
    }

    console.log('\nRead back from each CRM alone');
    const pulled: Array<{ target: CrmTarget; trail: Trail | null }> = [];
    for (const target of targets) {
      const copy = await target.adapter.pull({ email: trail.subject });
      pulled.push({ target, trail: copy });
      const verification = copy ? verifyTrail(copy) : undefined;
      const state = !copy ? 'nothing found' : verification?.valid ? `chain verified, head ${verification.head?.slice(0, 16)}…` : `DOES NOT VERIFY: ${verification?.valid === false ? verification.error.message : ''}`;
      console.log(`  ${target.label.padEnd(11)} ${copy?.events.length ?? 0} events, ${state}, ${copy && canonicalJson(copy) === canonicalJson(trail) ? 'identical to what was pushed' : 'DIFFERENT from what was pushed'}`);
    }

    const [first, ...others] = pulled.map((entry) => (entry.trail ? canonicalJson(entry.trail) : null));
    const allVerify = pulled.every((entry) => entry.trail !== null && verifyTrail(entry.trail).valid);
    const identical = first !== null && first !== undefined && others.every((copy) => copy === first);
    if (allVerify && identical) {
      console.log(`\nThe ${pulled.length} trails read back are identical (${first!.length} bytes of canonical JSON each) and verify.`);
    } else {
      console.log(`\nMISMATCH: the trails read back are ${identical ? 'identical' : 'not identical'} and ${allVerify ? 'all verify' : 'do not all verify'}.`);
      process.exitCode = 1;
    }
  } finally {
    await Promise.all(targets.map((target) => target.close()));
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
