import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatCsvRecord } from '../src/input/csv-record-reader';
import { DEMO_PEOPLE } from '../src/demo-audience';
import { runCli, startStandaloneEmulator, type StandaloneEmulator } from './run-cli';

const directory = mkdtempSync(join(tmpdir(), 'optintrail-cli-sync-'));

function consent(subject: string, at = '2024-01-02T10:00:00Z'): string {
  return JSON.stringify({
    id: undefined,
    subject,
    at,
    type: 'consent.given',
    purpose: 'newsletter',
    channel: 'email',
    source: { kind: 'web-form', name: 'Newsletter form', url: 'https://example.com/newsletter' },
    proof: { ip: '192.0.2.1', formUrl: 'https://example.com/newsletter' },
  });
}

function writeLines(name: string, lines: string[]): string {
  const path = join(directory, name);
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

/** 250 subjects, one event each: three batches of 100 for HubSpot and the in-memory adapter. */
const manySubjects = writeLines(
  'many.jsonl',
  Array.from({ length: 250 }, (_, index) => consent(`person${String(index).padStart(3, '0')}@example.com`)),
);

interface SyncSummary {
  complete: boolean;
  stoppedBy?: string;
  subjects: { read: number; written: number; unchanged: number; failed: number; heldBackByBadLines: number };
  events: { written: number; alreadyInCrm: number };
  badLines: number;
  problems: Array<{ kind: string; line: number; reason: string; subject?: string }>;
  failures: Array<{ subject: string; kind: string }>;
}

describe('sync with a bad line', () => {
  const input = writeLines('with-bad-line.jsonl', [
    consent('a@example.com'),
    consent('b@example.com'),
    consent('c@example.com').replace('2024-01-02T10:00:00Z', '2024-13-02T10:00:00Z'),
    consent('d@example.com'),
  ]);

  it.each(['hubspot', 'mailchimp', 'salesforce'])('%s: reports the line by number, syncs the rest and exits 1', async (crm) => {
    const result = await runCli(['sync', '--crm', crm, '--emulator', '--input', input]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`${input}:3: at: must be an ISO 8601 date-time`);
    expect(result.stdout).toMatch(/written:\s+3 subjects written, 3 events added/);
    expect(result.stdout).toMatch(/failed:\s+0 records, 1 bad input lines, 1 subjects held back by them/);
    expect(result.stdout).toContain('held back (line 3): c@example.com not synced: line 3 is invalid');
  });

  it('lists every problem in the JSON summary', async () => {
    const result = await runCli(['sync', '--crm', 'hubspot', '--emulator', '--input', input, '--json', '--quiet']);
    expect(result.code).toBe(1);
    const summary = JSON.parse(result.stdout) as SyncSummary;
    expect(summary.subjects).toEqual({ read: 3, written: 3, unchanged: 0, failed: 0, heldBackByBadLines: 1 });
    expect(summary.problems.map((problem) => [problem.kind, problem.line, problem.subject])).toEqual([
      ['line', 3, 'c@example.com'],
      ['subject', 3, 'c@example.com'],
    ]);
  });

  it('prints plain progress lines when stderr is not a terminal', async () => {
    const result = await runCli(['sync', '--crm', 'hubspot', '--emulator', '--input', manySubjects]);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/^HubSpot: \d+% read, \d+ subjects, \d+ written, 0 unchanged, 0 failed, \d+ API calls$/m);
    expect(result.stderr).toMatch(/^HubSpot: 100% read, 250 subjects, 250 written/m);
  });
});

describe('sync from CSV', () => {
  it('maps the documented columns and writes the trails', async () => {
    const header = ['email', 'at', 'type', 'purpose', 'channel', 'source_kind', 'source_name', 'source_phrase_fr', 'proof_document_ref', 'field_city'];
    const input = join(directory, 'salon.csv');
    writeFileSync(
      input,
      [
        header,
        ['camille.martin@example.fr', '2012-09-19T09:30:00Z', 'consent.given', 'newsletter', 'email', 'event', 'Salon E-commerce Paris', 'lors du Salon E-commerce Paris', 'badge-4411', ''],
        ['camille.martin@example.fr', '2012-09-19T09:30:00Z', 'data.collected', '', '', 'event', 'Salon E-commerce Paris', 'lors du Salon E-commerce Paris', '', 'Lyon, Rhône'],
      ]
        .map((row) => formatCsvRecord(row))
        .join('\r\n'),
    );
    const result = await runCli(['sync', '--crm', 'mailchimp', '--emulator', '--input', input, '--json']);
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout) as SyncSummary;
    expect(summary.subjects.written).toBe(1);
    expect(summary.events.written).toBe(2);
  });
});

describe('resume after a stop', () => {
  it('stops after --limit subjects, keeps the cursor, and a re-run does only the rest', async () => {
    // --limit stops feeding the push after 100 subjects: the first batch (HubSpot's 100), nothing more,
    // although the adapter keeps many batches in flight.
    const resumeFile = join(directory, 'resume-stop.json');
    const first = await runCli(['sync', '--crm', 'hubspot', '--emulator', '--input', manySubjects, '--resume-file', resumeFile, '--limit', '100', '--json', '--quiet']);
    expect(first.code).toBe(0);
    const firstSummary = JSON.parse(first.stdout) as SyncSummary;
    expect(firstSummary).toMatchObject({ complete: false, stoppedBy: 'limit' });
    const done = firstSummary.subjects.read;
    expect(done).toBe(100);
    expect(firstSummary.subjects.written).toBe(done);
    expect(JSON.parse(readFileSync(resumeFile, 'utf8'))).toMatchObject({ crm: 'hubspot', subjectsDone: done });

    const second = await runCli(['sync', '--crm', 'hubspot', '--emulator', '--input', manySubjects, '--resume-file', resumeFile, '--json', '--quiet']);
    expect(second.code).toBe(0);
    expect(second.stderr).toContain(`Resuming after ${done} subjects`);
    expect(JSON.parse(second.stdout)).toMatchObject({ complete: true, subjects: { read: 250 - done, written: 250 - done } });
    expect(JSON.parse(readFileSync(resumeFile, 'utf8'))).toMatchObject({ subjectsDone: 250 });
  });

  it('refuses a resume file written for another input or another CRM', async () => {
    const resumeFile = join(directory, 'resume-other.json');
    await runCli(['sync', '--crm', 'hubspot', '--emulator', '--input', manySubjects, '--resume-file', resumeFile, '--limit', '100', '--quiet']);
    const otherCrm = await runCli(['sync', '--crm', 'salesforce', '--emulator', '--input', manySubjects, '--resume-file', resumeFile]);
    expect(otherCrm.code).toBe(2);
    expect(otherCrm.stderr).toMatch(/belongs to a sync into hubspot, not salesforce/);
    const otherInput = writeLines('other.jsonl', [consent('z@example.com')]);
    const otherFile = await runCli(['sync', '--crm', 'hubspot', '--emulator', '--input', otherInput, '--resume-file', resumeFile]);
    expect(otherFile.code).toBe(2);
    expect(otherFile.stderr).toMatch(/written for another version of the input/);
  });

  it('leaves no resume file behind on a dry run, and writes nothing', async () => {
    const resumeFile = join(directory, 'resume-dry.json');
    const result = await runCli(['sync', '--crm', 'hubspot', '--emulator', '--input', manySubjects, '--resume-file', resumeFile, '--dry-run', '--json', '--quiet']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ dryRun: true, subjects: { read: 250, written: 250 } });
    expect(existsSync(resumeFile)).toBe(false);
  });
});

describe('against a standalone emulator (state kept across runs)', () => {
  let emulator: StandaloneEmulator;
  beforeAll(async () => {
    emulator = await startStandaloneEmulator('hubspot');
  });
  afterAll(async () => {
    const stopped = await emulator.stop();
    expect(stopped.code).toBe(0);
  });

  it('resumes into the same CRM after a stop, then a re-run finds everything there', async () => {
    const env = emulator.environment;
    const resumeFile = join(directory, 'resume-hubspot.json');
    const first = await runCli(['sync', '--crm', 'hubspot', '--input', manySubjects, '--resume-file', resumeFile, '--limit', '100', '--json', '--quiet'], { env });
    const firstSummary = JSON.parse(first.stdout) as SyncSummary;
    expect(firstSummary).toMatchObject({ complete: false });
    const done = firstSummary.subjects.read;
    expect([100, 200]).toContain(done);
    expect(firstSummary.subjects.written).toBe(done);
    const second = await runCli(['sync', '--crm', 'hubspot', '--input', manySubjects, '--resume-file', resumeFile, '--json', '--quiet'], { env });
    expect(JSON.parse(second.stdout)).toMatchObject({ complete: true, subjects: { read: 250 - done, written: 250 - done, failed: 0 } });
    // Syncing the same lines again without the resume file: the events carry no ids, so they make
    // new trails, which are refused rather than doubled (first ten subjects, to keep the test short).
    const again = writeLines('again.jsonl', readFileSync(manySubjects, 'utf8').split('\n').slice(0, 10));
    const third = await runCli(['sync', '--crm', 'hubspot', '--input', again, '--quiet'], { env });
    expect(third.code).toBe(1);
    expect(third.stdout).toMatch(/failed:\s+10 records/);
    expect(third.stdout).toContain('re-run with --merge');
    // With --merge each subject's stored trail is read and found complete.
    const fourth = await runCli(['sync', '--crm', 'hubspot', '--input', again, '--merge', '--json', '--quiet'], { env });
    expect(fourth.code).toBe(0);
    expect(JSON.parse(fourth.stdout)).toMatchObject({ subjects: { read: 10, written: 0, unchanged: 10, failed: 0 }, events: { written: 0, alreadyInCrm: 10 } });
  });

  it('adds new events of known subjects with --merge, and only those', async () => {
    const env = emulator.environment;
    const first = writeLines('merge-1.jsonl', [consent('merge@example.com')]);
    expect((await runCli(['sync', '--crm', 'hubspot', '--input', first, '--quiet'], { env })).code).toBe(0);
    const withdrawal = JSON.stringify({ subject: 'merge@example.com', at: '2024-06-01T08:00:00Z', type: 'consent.withdrawn', purpose: 'newsletter', channel: 'email', source: { kind: 'subject', name: 'Unsubscribe link' } });
    const both = writeLines('merge-2.jsonl', [consent('merge@example.com'), withdrawal]);
    const merged = await runCli(['sync', '--crm', 'hubspot', '--input', both, '--merge', '--json', '--quiet'], { env });
    expect(merged.code).toBe(0);
    expect(JSON.parse(merged.stdout)).toMatchObject({ subjects: { written: 1 }, events: { written: 1, alreadyInCrm: 1 } });
    const reminder = await runCli(['reminder', '--crm', 'hubspot', '--email', 'merge@example.com'], { env });
    expect(reminder.code).toBe(1);
    expect(reminder.stderr).toContain('no traceable consent for merge@example.com (newsletter): withdrawn');
  });

  it('serves the reminder of a trail synced from JSONL', async () => {
    const camille = DEMO_PEOPLE[0]!;
    const input = writeLines('camille.jsonl', camille.initial.map((event) => JSON.stringify(event)));
    const sync = await runCli(['sync', '--crm', 'hubspot', '--input', input, '--quiet'], { env: emulator.environment });
    expect(sync.code).toBe(0);
    const reminder = await runCli(['reminder', '--crm', 'hubspot', '--email', 'Camille.Martin@example.fr', '--locale', 'fr', '--touchpoint', 'email-footer'], { env: emulator.environment });
    expect(reminder.code).toBe(0);
    expect(reminder.stdout).toBe('Vous recevez cette newsletter suite à votre inscription le 19 septembre 2012 lors du Salon E-commerce Paris.\n');
  });
});
