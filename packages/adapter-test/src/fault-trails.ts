/**
 * Reproducible trails for fault, crash and soak runs: the same seed gives the same subjects, event
 * ids, salts and hashes, in this process or in a child process that must rebuild the same input.
 */
import { buildTrail, type ProvenanceEventInput, type Trail } from '@optintrail/core';

/** mulberry32: a tiny seeded generator (the emulators use the same one for their fault draws). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

/** Seeded random bytes for `buildTrail`, so ids and salts are the same on every run. */
export function seededBytes(seed: number): (length: number) => Uint8Array {
  const random = seededRandom(seed);
  return (length) => {
    const bytes = new Uint8Array(length);
    for (let index = 0; index < length; index += 1) bytes[index] = Math.floor(random() * 256);
    return bytes;
  };
}

export interface FaultTrailOptions {
  /** How many trails. */
  count: number;
  /** Same seed, same trails. */
  seed: number;
  /** Address prefix; each subject is `<prefix>-<seed>-<index>@<domain>`. Default `fault`. */
  prefix?: string;
  /** Default `fault.example.org`. */
  domain?: string;
  /** First index (so several calls can build disjoint sets). Default 0. */
  offset?: number;
}

const SOURCES = [
  { kind: 'event', name: 'Salon E-commerce Paris', place: 'Paris, Porte de Versailles', phrases: { fr: 'lors du Salon E-commerce Paris' } },
  { kind: 'web-form', name: 'Newsletter form on example.org', url: 'https://example.org/newsletter' },
  { kind: 'import', name: 'Foire de Lyon 🎪 — fichier visiteurs' },
  { kind: 'paper-form', name: 'Café Zürich coupon' },
  { kind: 'partner', name: 'معرض الرياض للكتاب', partner: 'Riyadh Book Fair' },
] as const;

/** The subject address of trail `index` for these options. */
export function faultSubject(options: Pick<FaultTrailOptions, 'seed' | 'prefix' | 'domain'>, index: number): string {
  return `${options.prefix ?? 'fault'}-${options.seed}-${index}@${options.domain ?? 'fault.example.org'}`;
}

/** The event inputs of one subject: 2 to 5 events (opt-in, data, confirmation, then updates, a renewal or a withdrawal). */
export function faultEventInputs(subject: string, random: () => number): ProvenanceEventInput[] {
  const source = SOURCES[Math.floor(random() * SOURCES.length)]!;
  let time = Date.UTC(2012, 0, 1) + Math.floor(random() * 10 * 365 * 86_400_000);
  const next = () => {
    time += 60_000 + Math.floor(random() * 30 * 86_400_000);
    return new Date(time).toISOString();
  };
  const inputs: ProvenanceEventInput[] = [
    {
      subject,
      at: next(),
      type: 'consent.given',
      purpose: 'newsletter',
      channel: 'email',
      source,
      proof: { ip: `192.0.2.${Math.floor(random() * 250) + 1}`, wording: 'Je souhaite recevoir la newsletter.' },
    },
    { subject, at: next(), type: 'data.collected', source, fields: [{ name: 'firstName', value: ['Camille', 'Zoë', 'Ådne', 'مريم', 'Li'][Math.floor(random() * 5)]! }] },
  ];
  const extra = Math.floor(random() * 4);
  for (let index = 0; index < extra; index += 1) {
    const pick = random();
    if (pick < 0.35) {
      inputs.push({
        subject,
        at: next(),
        type: 'consent.confirmed',
        purpose: 'newsletter',
        channel: 'email',
        source: { kind: 'web-form', name: 'Confirmation link', url: 'https://example.org/confirm' },
        proof: { doubleOptIn: { confirmedAt: new Date(time).toISOString(), method: 'email-link' } },
        actor: { kind: 'subject' },
      });
    } else if (pick < 0.7) {
      inputs.push({ subject, at: next(), type: 'data.updated', source: { kind: 'web-form', name: 'Preference centre' }, fields: [{ name: 'city', value: ['Lyon', 'Köln', 'תל אביב'][index % 3]! }] });
    } else if (pick < 0.85) {
      inputs.push({ subject, at: next(), type: 'consent.renewed', purpose: 'newsletter', channel: 'email', source: { kind: 'web-form', name: 'Re-permission campaign 2021' } });
    } else {
      inputs.push({ subject, at: next(), type: 'consent.withdrawn', purpose: 'newsletter', channel: 'email', source: { kind: 'subject', name: 'Unsubscribe link' }, reason: 'Too many emails' });
    }
  }
  return inputs;
}

/** `count` reproducible trails. Each trail's ids and salts come from its own seed, so trail i is the same whatever `count` is. */
export function generateFaultTrails(options: FaultTrailOptions): Trail[] {
  const trails: Trail[] = [];
  const offset = options.offset ?? 0;
  for (let index = offset; index < offset + options.count; index += 1) {
    const trailSeed = (options.seed * 1_000_003 + index * 7919) >>> 0;
    const subject = faultSubject(options, index);
    trails.push(buildTrail(subject, faultEventInputs(subject, seededRandom(trailSeed)), { randomBytes: seededBytes(trailSeed ^ 0x5bd1e995) }));
  }
  return trails;
}

/** The first events of each trail (at least one), as an earlier sync would have written them. */
export function trailPrefixes(trails: readonly Trail[], seed: number): Trail[] {
  const random = seededRandom(seed ^ 0x2545f491);
  return trails.map((trail) => {
    const keep = 1 + Math.floor(random() * trail.events.length);
    return { subject: trail.subject, events: trail.events.slice(0, keep) };
  });
}
