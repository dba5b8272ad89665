import { describe, expect, it } from 'vitest';
import { foldTrail, generateReminder, verifyTrail, writeBackfill, type BackfillSubject } from '../src/index';
import { memoryAdapter } from './capture-fixtures';

function importedOptIn(subject: string): BackfillSubject {
  return {
    subject,
    hasTrail: false,
    changes: [
      {
        subject,
        externalId: `${subject}:status`,
        event: { at: '2021-05-04T08:00:00Z', type: 'consent.given', purpose: 'newsletter', channel: 'email', source: { kind: 'import', name: 'CRM subscription status (no proof recorded)' } },
      },
      {
        subject,
        externalId: `${subject}:created`,
        event: { at: '2021-05-01T08:00:00Z', type: 'data.collected', source: { kind: 'crm-user', name: 'CRM' }, fields: [{ name: 'email', value: subject }] },
      },
    ],
  };
}

describe('writeBackfill', () => {
  it('builds new trails in time order, pushed in batches, and a second run writes nothing', async () => {
    const { adapter, trails, counts } = memoryAdapter();
    const subjects = ['ann@example.com', 'bob@example.com', 'cem@example.com'].map(importedOptIn);
    const first = await writeBackfill(adapter, subjects, { namespace: 'test-backfill', batchSize: 2 });
    expect(first).toMatchObject({ subjects: 3, skipped: 0, trailsCreated: 3, eventsWritten: 6, failures: [], dryRun: false });
    expect(counts.pushes).toBe(2);
    const ann = trails.get('ann@example.com')!;
    expect(verifyTrail(ann).valid).toBe(true);
    expect(ann.events.map((event) => event.type)).toEqual(['data.collected', 'consent.given']);

    const again = await writeBackfill(adapter, subjects.map((item) => ({ ...item, hasTrail: true })), { namespace: 'test-backfill' });
    expect(again).toMatchObject({ eventsWritten: 0, duplicates: 6, trailsExtended: 0 });
    expect(trails.get('ann@example.com')).toEqual(ann);
  });

  it('an opt-in imported without proof gives a reminder that says only what is known', async () => {
    const { adapter, trails } = memoryAdapter();
    await writeBackfill(adapter, [importedOptIn('ann@example.com')], { namespace: 'test-backfill' });
    const result = generateReminder(foldTrail(trails.get('ann@example.com')!), { purpose: 'newsletter', touchpoint: 'email-footer', locale: 'en' });
    expect(result.kind).toBe('reminder');
    expect(result.text).toContain('your details were added to our list on 4 May 2021');
    expect(result.text).not.toContain('you subscribed');
    expect(result.kind === 'reminder' && result.strength).toBe('no-proof');
  });

  it('keeps the given order for changes of the same instant (a grant, then its withdrawal)', async () => {
    const { adapter, trails } = memoryAdapter();
    for (let run = 0; run < 8; run += 1) {
      const subject = `same-${run}@example.com`;
      const at = '2022-01-01T00:00:00Z';
      const consent = { purpose: 'newsletter', channel: 'email' as const, source: { kind: 'web-form' as const, name: 'Form' }, proof: { ip: '192.0.2.1' } };
      await writeBackfill(
        adapter,
        [{ subject, hasTrail: false, changes: [
          { subject, externalId: `${run}:given`, event: { at, type: 'consent.given', ...consent } },
          { subject, externalId: `${run}:withdrawn`, event: { at, type: 'consent.withdrawn', ...consent } },
        ] }],
        { namespace: 'order' },
      );
      expect(foldTrail(trails.get(subject)!).consents[0]!.status).toBe('withdrawn');
    }
  });

  it('skips contacts the CRM knows nothing about, isolates bad data, and writes nothing on a dry run', async () => {
    const { adapter, trails } = memoryAdapter();
    const bad = importedOptIn('bad@example.com');
    bad.changes[1]!.event.fields = [{ name: '!', value: 'x' }];
    const dry = await writeBackfill(adapter, [importedOptIn('ann@example.com'), { subject: 'empty@example.com', hasTrail: false, changes: [] }, bad], { namespace: 'n', dryRun: true });
    expect(dry).toMatchObject({ subjects: 3, skipped: 1, dryRun: true });
    expect(dry.failures).toEqual([expect.objectContaining({ subject: 'bad@example.com', retryable: false })]);
    expect(trails.size).toBe(0);
  });
});
