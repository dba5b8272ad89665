import { runCrashResume, type CrashTarget } from '@optintrail/adapter-test/crash-suite';
import { envNumber } from '@optintrail/adapter-test/fault-suite';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readNote } from '../src/index';
import { startHubSpotEmulator, type HubSpotEmulator } from '../src/testing/index';

// The emulator lives in this process; the sync runs in a child that is killed with SIGKILL.
let emulator: HubSpotEmulator;
beforeAll(async () => {
  emulator = await startHubSpotEmulator({ rateLimit: false });
});
afterAll(() => emulator.close());

/** Every contact's OptinTrail properties and the events its notes hold (sorted, duplicates kept). */
function snapshot() {
  const contacts: Record<string, unknown> = {};
  for (const contact of emulator.state.contacts()) {
    const properties = Object.fromEntries(Object.entries(contact.properties).filter(([name]) => name.startsWith('optintrail_')));
    const events = emulator.state
      .notesForContact(contact.id)
      .map((note) => readNote(note.properties['hs_note_body']))
      .flatMap((content) => (content.kind === 'event' ? [content.event.id] : content.kind === 'damaged' ? ['damaged'] : []))
      .sort();
    contacts[contact.properties['email'] ?? contact.id] = { properties, events };
  }
  return contacts;
}

function target(strategy: string): CrashTarget {
  process.env['CRASH_HUBSPOT_STRATEGY'] = strategy;
  return {
    name: `hubspot-${strategy}`,
    url: emulator.url,
    adapterModule: fileURLToPath(new URL('./hubspot-crash-adapter.ts', import.meta.url)),
    faults: emulator.faults,
    reset: () => emulator.reset(),
    snapshot,
  };
}

describe('hubspot sync killed and resumed', () => {
  for (const strategy of ['upsert-first', 'read-first']) {
    it(`ends identical to an uninterrupted sync, nothing twice (${strategy})`, { timeout: 300_000 }, async () => {
      const kills = envNumber('CRASH_KILLS', 3);
      const result = await runCrashResume(target(strategy), { trails: envNumber('CRASH_TRAILS', 150), seed: envNumber('FAULT_SEED', 4), killsPerPhase: kills });
      expect(result.problems).toEqual([]);
      expect(result.differences).toEqual([]);
      // Each phase was killed (up to `kills` times: a kill drawn past a resumed run's last request lets it finish).
      expect(result.killsByPhase.every((count) => count >= 1)).toBe(true);
    });
  }
});
