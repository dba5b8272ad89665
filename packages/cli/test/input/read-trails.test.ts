import { verifyTrail, type Trail } from '@optintrail/core';
import { describe, expect, it } from 'vitest';
import { InputFormatError, readTrailsFromLines, type InputProblem } from '../../src/input/index';

const consent = (subject: string, at = '2024-01-02T10:00:00Z') =>
  JSON.stringify({ subject, at, type: 'consent.given', purpose: 'newsletter', channel: 'email', source: { kind: 'web-form', name: 'Form' } });
const withdrawal = (subject: string) =>
  JSON.stringify({ subject, at: '2024-05-01T10:00:00Z', type: 'consent.withdrawn', purpose: 'newsletter', channel: 'email', source: { kind: 'subject', name: 'Unsubscribe link' } });

async function read(lines: string[], format: 'jsonl' | 'csv' = 'jsonl') {
  const problems: InputProblem[] = [];
  const trails: Trail[] = [];
  for await (const trail of readTrailsFromLines(lines, { format, onProblem: (problem) => problems.push(problem) })) trails.push(trail);
  return { trails, problems };
}

describe('JSONL', () => {
  it('groups the contiguous events of each subject into a verified trail, in input order', async () => {
    const { trails, problems } = await read([consent('A@Example.com'), withdrawal('a@example.com'), '', consent('b@example.com')]);
    expect(problems).toEqual([]);
    expect(trails.map((trail) => [trail.subject, trail.events.map((event) => event.type)])).toEqual([
      ['a@example.com', ['consent.given', 'consent.withdrawn']],
      ['b@example.com', ['consent.given']],
    ]);
    for (const trail of trails) expect(verifyTrail(trail).valid).toBe(true);
  });

  it('holds back the whole subject of an invalid line, never part of it, and goes on', async () => {
    const badWithdrawal = withdrawal('a@example.com').replace('2024-05-01T10:00:00Z', '2024-02-30T10:00:00Z');
    const { trails, problems } = await read([consent('a@example.com'), badWithdrawal, consent('b@example.com')]);
    expect(trails.map((trail) => trail.subject)).toEqual(['b@example.com']);
    expect(problems).toEqual([
      { kind: 'line', line: 2, subject: 'a@example.com', reason: expect.stringMatching(/^at: must be an ISO 8601/) },
      { kind: 'subject', line: 1, subject: 'a@example.com', reason: 'a@example.com not synced: line 2 is invalid' },
    ]);
  });

  it('holds back the subjects on both sides of a line that cannot be read at all', async () => {
    const { trails, problems } = await read([consent('a@example.com'), '{"subject": "a@exam', consent('b@example.com'), consent('c@example.com')]);
    expect(trails.map((trail) => trail.subject)).toEqual(['c@example.com']);
    expect(problems.filter((problem) => problem.kind === 'line')).toEqual([{ kind: 'line', line: 2, reason: 'not valid JSON (each line must be one event object)' }]);
    expect(problems.filter((problem) => problem.kind === 'subject').map((problem) => problem.subject)).toEqual(['a@example.com', 'b@example.com']);
  });

  it('keeps a subject whose events surround an unreadable line held back, and its neighbours free', async () => {
    const { trails } = await read([consent('a@example.com'), consent('b@example.com'), '[1,2]', withdrawal('b@example.com'), consent('c@example.com')]);
    expect(trails.map((trail) => trail.subject)).toEqual(['a@example.com', 'c@example.com']);
  });

  it('does not repeat the content of a line that is not JSON (it may hold personal data)', async () => {
    const { problems } = await read(['{"subject":"secret.person@example.com", oops}']);
    expect(JSON.stringify(problems)).not.toContain('secret.person');
  });

  it('streams: the first trails come out before the rest of the input is read', async () => {
    let produced = 0;
    function* endless() {
      for (;;) {
        produced += 1;
        yield consent(`person${produced}@example.com`);
      }
    }
    const trails: Trail[] = [];
    for await (const trail of readTrailsFromLines(endless(), { format: 'jsonl', onProblem: () => undefined })) {
      trails.push(trail);
      if (trails.length === 3) break;
    }
    expect(trails.map((trail) => trail.subject)).toEqual(['person1@example.com', 'person2@example.com', 'person3@example.com']);
    expect(produced).toBeLessThanOrEqual(4);
  });
});

describe('CSV', () => {
  const header = 'email,at,type,purpose,channel,source_kind,source_name,source_phrase_fr,proof_ip,field_city,previous_city,reason';

  it('maps the documented columns, including source phrases and field changes', async () => {
    const { trails, problems } = await read([
      header,
      'camille.martin@example.fr,2012-09-19T09:30:00Z,consent.given,newsletter,email,event,Salon E-commerce Paris,lors du Salon E-commerce Paris,192.0.2.44,,,',
      'camille.martin@example.fr,2024-05-14T16:05:00Z,data.rectified,,,subject,Preference centre,,,Villeurbanne,Lyon,"Corrected by the subscriber, in the preference centre"',
    ], 'csv');
    expect(problems).toEqual([]);
    const [trail] = trails;
    expect(trail!.events[0]).toMatchObject({
      type: 'consent.given',
      source: { kind: 'event', name: 'Salon E-commerce Paris', phrases: { fr: 'lors du Salon E-commerce Paris' } },
      proof: { ip: '192.0.2.44' },
    });
    expect(trail!.events[1]).toMatchObject({
      type: 'data.rectified',
      fields: [{ name: 'city', value: 'Villeurbanne', previousValue: 'Lyon' }],
      reason: 'Corrected by the subscriber, in the preference centre',
    });
  });

  it('names the CSV column in a validation problem', async () => {
    const { problems } = await read([header, 'a@example.com,2024-01-01T00:00:00Z,consent.given,newsletter,email,stand,Fair,,,,,'], 'csv');
    expect(problems[0]).toMatchObject({ kind: 'line', line: 2, reason: expect.stringMatching(/^column source_kind: must be one of/) });
  });

  it('reports a record with the wrong number of cells as a bad line', async () => {
    const { problems, trails } = await read([header, 'a@example.com,2024-01-01T00:00:00Z'], 'csv');
    expect(trails).toEqual([]);
    expect(problems[0]).toEqual({ kind: 'line', line: 2, reason: 'the record has 2 cells, the header has 12 columns' });
  });

  it('refuses a header with an unknown or missing column before reading any record', async () => {
    await expect(read(['email,at,type,source_kind,source_name,emial'], 'csv')).rejects.toThrow(InputFormatError);
    await expect(read(['email,at,type,source_kind,source_name,emial'], 'csv')).rejects.toThrow(/unknown column "emial"/);
    await expect(read(['email,at,type'], 'csv')).rejects.toThrow(/lacks the required columns source_kind, source_name/);
  });
});
