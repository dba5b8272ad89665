import { runCrashResume, type CrashTarget } from '@optintrail/adapter-test/crash-suite';
import { envNumber } from '@optintrail/adapter-test/fault-suite';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventIdOfMemberEvent } from '../src/index';
import { startMailchimpEmulator, type MailchimpEmulator } from '../src/testing/index';
import { noteEventIds } from './mailchimp-fault-target';

// The audience lives in this process; the sync runs in a child that is killed with SIGKILL.
let emulator: MailchimpEmulator;
let listId: string;
// A second account whose batches take longer than a restart: the next run starts while the killed
// run's batch is still queued at Mailchimp.
let slow: MailchimpEmulator;
let slowListId: string;
beforeAll(async () => {
  emulator = await startMailchimpEmulator({ apiKey: 'crash-suite-key-us1', batchProcessingDelayMs: 5 });
  listId = emulator.createList('Crash suite audience');
  slow = await startMailchimpEmulator({ apiKey: 'crash-suite-key-us1', batchProcessingDelayMs: 2_500 });
  slowListId = slow.createList('Slow batches audience');
});
afterAll(async () => {
  await emulator.close();
  await slow.close();
});

/** Every member's status, merge fields, evidence and permissions, with the events of its notes and member events (sorted, duplicates kept). */
function snapshot(emulator: MailchimpEmulator, listId: string) {
  const members: Record<string, unknown> = {};
  for (const member of emulator.state.members(listId)) {
    // Permission ids are the audience's own (a new one per reset): compare by their text.
    const { id: _hash, last_changed: _changed, marketing_permissions: permissions, ...rest } = member;
    members[member.email_address.toLowerCase()] = {
      ...rest,
      permissions: permissions.map((permission) => `${permission.text}: ${permission.enabled}`),
      notes: noteEventIds(emulator.state.notes(listId, member.email_address).map((note) => note.note)).sort(),
      memberEvents: emulator.state.events(listId, member.email_address).flatMap((event) => eventIdOfMemberEvent(event) ?? []).sort(),
    };
  }
  return members;
}

function target(batches: string): CrashTarget {
  process.env['CRASH_MAILCHIMP_BATCHES'] = batches;
  process.env['CRASH_MAILCHIMP_LIST'] = listId;
  return {
    name: `mailchimp-${batches}`,
    url: emulator.url,
    adapterModule: fileURLToPath(new URL('./mailchimp-crash-adapter.ts', import.meta.url)),
    faults: emulator.faults,
    reset: () => emulator.reset(),
    // Mailchimp runs an accepted batch whether or not its client is still alive.
    settle: () => emulator.finishPendingBatches(),
    snapshot: () => snapshot(emulator, listId),
  };
}

describe('mailchimp sync killed and resumed', () => {
  for (const batches of ['always', 'never']) {
    it(`ends identical to an uninterrupted sync, nothing twice (${batches === 'always' ? 'batch operations' : 'one call per note and event'})`, { timeout: 300_000 }, async () => {
      const kills = envNumber('CRASH_KILLS', 3);
      const result = await runCrashResume(target(batches), { trails: envNumber('CRASH_TRAILS', batches === 'always' ? 150 : 80), seed: envNumber('FAULT_SEED', 8), killsPerPhase: kills });
      expect(result.problems).toEqual([]);
      expect(result.differences).toEqual([]);
      // Each phase was killed (up to `kills` times: a kill drawn past a resumed run's last request lets it finish).
      expect(result.killsByPhase.every((count) => count >= 1)).toBe(true);
    });
  }

  it('ends identical to an uninterrupted sync when the killed run\'s batch is still running at the restart', { timeout: 300_000 }, async () => {
    process.env['CRASH_MAILCHIMP_BATCHES'] = 'always';
    process.env['CRASH_MAILCHIMP_LIST'] = slowListId;
    const kills = envNumber('CRASH_KILLS', 2);
    const result = await runCrashResume(
      {
        name: 'mailchimp-slow',
        url: slow.url,
        adapterModule: fileURLToPath(new URL('./mailchimp-crash-adapter.ts', import.meta.url)),
        faults: slow.faults,
        reset: () => slow.reset(),
        // No settle between runs: the queued batch lands while the next run works.
        snapshot: async () => {
          await slow.finishPendingBatches();
          return snapshot(slow, slowListId);
        },
      },
      // Killed just as Mailchimp accepts a batch: the batch runs on without its client.
      { trails: envNumber('CRASH_TRAILS', 80), seed: envNumber('FAULT_SEED', 10), killsPerPhase: kills, killOn: (request) => request.method === 'POST' && /\/batches$/.test(request.path), requestAtKill: 'carried-out' },
    );
    expect(result.problems).toEqual([]);
    expect(result.differences).toEqual([]);
  });
});
