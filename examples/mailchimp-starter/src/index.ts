/**
 * Syncs three provenance trails into a Mailchimp audience and prints what was written and what
 * reads back.
 *
 *   npm start                                                      # a local Mailchimp emulator, no account needed
 *   MAILCHIMP_API_KEY=…-us21 MAILCHIMP_SERVER_PREFIX=us21 \
 *   MAILCHIMP_LIST_ID=<audience id> npm start                      # your audience
 *
 * Optional: OPTINTRAIL_EXAMPLE_DOMAIN changes the domain of the sample addresses (default example.org).
 */
import { canonicalJson } from '@optintrail/core';
import { createMailchimpAdapter, createMailchimpClient, subscriberHash, type MailchimpClient } from '@optintrail/mailchimp';
import { startMailchimpEmulator, type MailchimpEmulator } from '@optintrail/mailchimp/testing';
import { sampleTrails } from './sample-trails';

const apiKey = process.env['MAILCHIMP_API_KEY'];
const serverPrefix = process.env['MAILCHIMP_SERVER_PREFIX'];

async function main(): Promise<void> {
  let emulator: MailchimpEmulator | undefined;
  let client: MailchimpClient;
  let listId: string | undefined;
  if (apiKey && serverPrefix) {
    client = createMailchimpClient({ apiKey, serverPrefix });
    listId = process.env['MAILCHIMP_LIST_ID'];
    console.log(`Target: your Mailchimp account (${client.baseUrl}).`);
    if (!listId) {
      const { lists } = await client.lists.getAllLists({ count: 100, fields: ['lists.id', 'lists.name'] });
      console.log('Set MAILCHIMP_LIST_ID to the audience to write to. Your audiences:');
      for (const list of lists) console.log(`  ${list.id}  ${list.name}`);
      process.exitCode = 1;
      return;
    }
  } else {
    emulator = await startMailchimpEmulator();
    client = createMailchimpClient({ apiKey: emulator.apiKey, baseUrl: emulator.url });
    listId = emulator.createList('Newsletter');
    console.log(`Target: local Mailchimp emulator at ${emulator.url} (set MAILCHIMP_API_KEY and MAILCHIMP_SERVER_PREFIX to use your account).`);
  }

  try {
    const adapter = createMailchimpAdapter({ client, listId });
    const schema = await adapter.ensureSchema();
    console.log(`\nMerge fields: ${schema.created.length} created, ${schema.existing.length} already there.`);
    for (const problem of schema.problems ?? []) console.log(`  problem: ${problem.name} ${problem.reason}`);

    const trails = sampleTrails(process.env['OPTINTRAIL_EXAMPLE_DOMAIN']);
    const report = await adapter.push(trails);
    console.log(
      `\nPush: ${report.subjectsWritten} members written, ${report.eventsWritten} events written as member events and notes, ` +
        `${report.eventsSkipped} already there, ${report.failed} failed, ${report.apiCalls} API calls.`,
    );
    for (const failure of report.failures) console.log(`  failed: ${failure.subject} ${failure.eventId ?? ''} ${failure.reason}`);

    const shown = ['consentStatus', 'consentSince', 'consentSource', 'consentStrength', 'reminderEn', 'reminderFr', 'trailLength'] as const;
    for (const trail of trails) {
      const member = await client.lists.getListMember(listId, subscriberHash(trail.subject));
      console.log(`\n${trail.subject} (Mailchimp status: ${member.status})`);
      console.log(`  ${'evidence'.padEnd(14)} signed up ${member.timestamp_signup || '-'} from ${member.ip_signup || '-'}, opted in ${member.timestamp_opt || '-'} from ${member.ip_opt || '-'}`);
      for (const key of shown) console.log(`  ${`*|${adapter.tags[key]}|*`.padEnd(14)} ${String(member.merge_fields[adapter.tags[key]] ?? '')}`);
      const pulled = await adapter.pull({ email: trail.subject });
      const same = pulled !== null && canonicalJson(pulled) === canonicalJson(trail);
      const count = pulled?.events.length ?? 0;
      console.log(`  read back: ${count} event${count === 1 ? '' : 's'} from the notes, chain verified, ${same ? 'identical to what was pushed' : 'DIFFERENT from what was pushed'}`);
      for (const event of pulled?.events ?? []) console.log(`    ${event.at.slice(0, 10)}  ${event.type.padEnd(18)} ${event.source.name}`);
    }

    const again = await adapter.push(trails);
    console.log(`\nSecond push of the same trails: ${again.eventsWritten} events written, ${again.subjectsUnchanged} members already up to date, ${again.apiCalls} API calls.`);
    if (emulator) {
      const events = trails.reduce((total, trail) => total + emulator!.state.events(listId!, trail.subject).length, 0);
      console.log(`Member events in the audience: ${events} (written with is_syncing, so no automation fired).`);
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
