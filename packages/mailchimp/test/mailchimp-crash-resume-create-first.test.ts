import { runCrashResume, type CrashTarget } from '@optintrail/adapter-test/crash-suite';
import { envNumber } from '@optintrail/adapter-test/fault-suite';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventIdOfMemberEvent } from '../src/index';
import { startMailchimpEmulator, type MailchimpEmulator } from '../src/testing/index';
import { noteEventIds } from './mailchimp-fault-target';

// Push batches of 40: after the first batch of new members a push creates the next ones with
// `OT_PENDING` already set (create-only batch subscribe), with no separate mark. Kills then land
// between that create and the batch, inside it, and before the summary.
let emulator: MailchimpEmulator;
let listId: string;
beforeAll(async () => {
  emulator = await startMailchimpEmulator({ apiKey: 'crash-suite-key-us1', batchProcessingDelayMs: 5 });
  listId = emulator.createList('Create-first crash audience');
});
afterAll(() => emulator.close());

function snapshot() {
  const members: Record<string, unknown> = {};
  for (const member of emulator.state.members(listId)) {
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

describe('mailchimp sync killed and resumed while creating members already marked pending', () => {
  it('ends identical to an uninterrupted sync, nothing twice', { timeout: 300_000 }, async () => {
    process.env['CRASH_MAILCHIMP_BATCHES'] = 'always';
    process.env['CRASH_MAILCHIMP_LIST'] = listId;
    process.env['CRASH_MAILCHIMP_BATCH_SIZE'] = '40';
    const target: CrashTarget = {
      name: 'mailchimp-create-first',
      url: emulator.url,
      adapterModule: fileURLToPath(new URL('./mailchimp-crash-adapter.ts', import.meta.url)),
      faults: emulator.faults,
      reset: () => {
        createOnlyCalls += countCreateOnly();
        emulator.reset();
      },
      settle: () => emulator.finishPendingBatches(),
      snapshot,
    };
    let createOnlyCalls = 0;
    const countCreateOnly = () =>
      emulator.calls.filter((call) => call.method === 'POST' && /^\/3\.0\/lists\/[^/]+$/.test(call.path) && (call.requestBodyJson as { update_existing?: boolean } | undefined)?.update_existing === false).length;
    const kills = envNumber('CRASH_KILLS', 4);
    const result = await runCrashResume(target, { trails: envNumber('CRASH_TRAILS', 160), seed: envNumber('FAULT_SEED', 12), killsPerPhase: kills });
    expect(result.problems).toEqual([]);
    expect(result.differences).toEqual([]);
    // Each phase was killed (up to `kills` times: a kill drawn past a resumed run's last request lets it finish).
    expect(result.killsByPhase.every((count) => count >= 1)).toBe(true);
    // The mode under test was used.
    expect(createOnlyCalls + countCreateOnly()).toBeGreaterThan(0);
  });
});
