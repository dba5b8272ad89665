import { v7 as uuidv7 } from 'uuid';

/**
 * A new UUIDv7 whose time part is `at`, so ids sort like the events they name. `randomBytes`
 * (16 bytes) makes it deterministic in tests; by default the platform's CSPRNG is used.
 */
export function createEventId(at: string | number | Date, randomBytes?: Uint8Array): string {
  const msecs = typeof at === 'number' ? at : new Date(at).getTime();
  return randomBytes ? uuidv7({ msecs, random: randomBytes }) : uuidv7({ msecs });
}
