import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createMailchimpClient, type MailchimpClient } from '../src/mailchimp-client';
import { fetchBatchResults } from '../src/mailchimp-batch-results';
import type { MailchimpSdkError } from '../src/mailchimp-sdk-types';
import { subscriberHash } from '../src/mailchimp-subscriber-hash';
import { startMailchimpEmulator, type MailchimpEmulator } from '../src/testing';

/** Awaits a rejected SDK call and returns the problem+json body after checking status and title. */
async function problemOf(promise: Promise<unknown>, status: number, title: string) {
  const error = (await promise.then(
    () => {
      throw new Error(`Expected a ${status} ${title}, the call succeeded.`);
    },
    (rejection: unknown) => rejection,
  )) as MailchimpSdkError;
  expect(error.status).toBe(status);
  expect(error.response?.headers?.['content-type']).toMatch(/^application\/problem\+json/);
  const body = error.response?.body as { title: string; status: number; detail: string; type: string; instance: string; errors?: Array<{ field: string; message: string }> };
  expect(body.title).toBe(title);
  expect(body.status).toBe(status);
  expect(typeof body.detail).toBe('string');
  expect(typeof body.instance).toBe('string');
  expect(body.type).toMatch(/^https:\/\//);
  return body;
}

let emulator: MailchimpEmulator;
let client: MailchimpClient;
let listId: string;

beforeAll(async () => {
  emulator = await startMailchimpEmulator({ apiKey: 'test-key-us1', batchProcessingDelayMs: 60_000 });
  client = createMailchimpClient({ apiKey: 'test-key-us1', baseUrl: emulator.url });
  listId = emulator.createList('Newsletter');
});
afterAll(() => emulator.close());
beforeEach(() => emulator.reset());

describe('authentication', () => {
  it('answers a wrong key with 401 API Key Invalid and never records the key', async () => {
    const intruder = createMailchimpClient({ apiKey: 'wrong-key-us1', baseUrl: emulator.url });
    await problemOf(intruder.lists.getList(listId), 401, 'API Key Invalid');
    await client.ping.get();
    const recorded = JSON.stringify(emulator.calls);
    expect(recorded).not.toContain('wrong-key-us1');
    expect(recorded).not.toContain('test-key-us1');
    expect(recorded).not.toContain(Buffer.from('user:test-key-us1').toString('base64'));
  });

  it('answers a request without credentials with 401 API Key Missing', async () => {
    const response = await fetch(`${emulator.url}/lists/${listId}`);
    expect(response.status).toBe(401);
    expect(((await response.json()) as { title: string }).title).toBe('API Key Missing');
  });

  it('accepts any key of its datacenter when no key is configured, and no key of another', async () => {
    const open = await startMailchimpEmulator({ serverPrefix: 'us7' });
    try {
      const id = open.createList();
      const good = createMailchimpClient({ apiKey: 'anything-us7', baseUrl: open.url });
      expect((await good.lists.getList(id)).id).toBe(id);
      const otherDatacenter = createMailchimpClient({ apiKey: 'anything-us8', baseUrl: open.url });
      await problemOf(otherDatacenter.lists.getList(id), 401, 'API Key Invalid');
    } finally {
      await open.close();
    }
  });
});

describe('merge fields', () => {
  it('truncates text values silently to 255 bytes of UTF-8 without splitting a character', async () => {
    const accented = 'é'.repeat(300); // 2 bytes each
    const emoji = `a${'😀'.repeat(100)}`; // 1 + 4 bytes each
    await client.lists.setListMember(listId, subscriberHash('ana@example.com'), {
      email_address: 'ana@example.com',
      status_if_new: 'subscribed',
      merge_fields: { FNAME: accented, LNAME: emoji },
    });
    const stored = emulator.state.member(listId, 'ana@example.com')!;
    expect(stored.merge_fields.FNAME).toBe('é'.repeat(127));
    expect(Buffer.byteLength(stored.merge_fields.LNAME as string)).toBe(253);
    expect(stored.merge_fields.LNAME).toBe(`a${'😀'.repeat(63)}`);
    const read = await client.lists.getListMember(listId, subscriberHash('ana@example.com'));
    expect(read.merge_fields.FNAME).toBe('é'.repeat(127));
  });

  it('creates fields with the vendor tag rules, pages through them and refuses a duplicate tag', async () => {
    const created = await client.lists.addListMergeField(listId, { name: 'Consent source', type: 'text', tag: 'ot_src' });
    expect(created.tag).toBe('OT_SRC');
    expect(created.merge_id).toBeGreaterThan(4);
    const untagged = await client.lists.addListMergeField(listId, { name: 'No tag given', type: 'number' });
    expect(untagged.tag).toBe(`MMERGE${untagged.merge_id}`);

    const duplicate = await problemOf(client.lists.addListMergeField(listId, { name: 'Again', type: 'text', tag: 'OT_SRC' }), 400, 'Invalid Resource');
    expect(duplicate.errors?.[0]?.field).toBe('tag');
    const tooLong = await problemOf(client.lists.addListMergeField(listId, { name: 'Long', type: 'text', tag: 'ELEVENCHARS' }), 400, 'Invalid Resource');
    expect(tooLong.errors?.[0]?.field).toBe('tag');
    await problemOf(client.lists.addListMergeField(listId, { name: 'Bad', type: 'colour' as 'text' }), 400, 'Invalid Resource');

    const firstPage = await client.lists.getListMergeFields(listId, { count: 4 });
    const secondPage = await client.lists.getListMergeFields(listId, { count: 4, offset: 4 });
    expect(firstPage.total_items).toBe(6);
    expect(firstPage.merge_fields.map((field) => field.tag)).toEqual(['FNAME', 'LNAME', 'ADDRESS', 'PHONE']);
    expect(secondPage.merge_fields.map((field) => field.tag)).toEqual(['OT_SRC', untagged.tag]);
    expect(emulator.state.mergeFields(listId)).toHaveLength(6);
  });

  it('validates member values: required fields, numbers, and skip_merge_validation', async () => {
    await client.lists.addListMergeField(listId, { name: 'Company', type: 'text', tag: 'COMPANY', required: true });
    await client.lists.addListMergeField(listId, { name: 'Score', type: 'number', tag: 'SCORE' });
    const missing = await problemOf(client.lists.addListMember(listId, { email_address: 'bo@example.com', status: 'subscribed' }), 400, 'Invalid Resource');
    expect(missing.detail).toBe('Your merge fields were invalid.');
    expect(missing.errors).toEqual([{ field: 'COMPANY', message: 'Please enter a value' }]);
    const notANumber = await problemOf(
      client.lists.addListMember(listId, { email_address: 'bo@example.com', status: 'subscribed', merge_fields: { COMPANY: 'Acme', SCORE: 'lots' } }),
      400,
      'Invalid Resource',
    );
    expect(notANumber.errors?.[0]?.field).toBe('SCORE');
    const member = await client.lists.addListMember(listId, { email_address: 'bo@example.com', status: 'subscribed' }, { skip_merge_validation: true });
    expect(member.status).toBe('subscribed');
  });
});

describe('members', () => {
  it('refuses a subscriber hash that is not the MD5 of the body email', async () => {
    const body = await problemOf(
      client.lists.setListMember(listId, subscriberHash('someone.else@example.com'), { email_address: 'ana@example.com', status_if_new: 'subscribed' }),
      400,
      'Invalid Resource',
    );
    expect(body.errors?.[0]?.field).toBe('email_address');
    expect(emulator.state.member(listId, 'ana@example.com')).toBeNull();
  });

  it('refuses invalid emails, statuses and evidence fields', async () => {
    await problemOf(client.lists.addListMember(listId, { email_address: 'not-an-email', status: 'subscribed' }), 400, 'Invalid Resource');
    await problemOf(client.lists.addListMember(listId, { email_address: 'c@example.com', status: 'maybe' as 'subscribed' }), 400, 'Invalid Resource');
    const badIp = await problemOf(client.lists.addListMember(listId, { email_address: 'c@example.com', status: 'subscribed', ip_signup: '999.1.1.1' }), 400, 'Invalid Resource');
    expect(badIp.errors?.[0]?.field).toBe('ip_signup');
    await problemOf(client.lists.setListMember(listId, subscriberHash('c@example.com'), { email_address: 'c@example.com' }), 400, 'Invalid Resource');
  });

  it('stores the evidence fields at second precision and keeps status_if_new for new members only', async () => {
    const hash = subscriberHash('Dee@Example.com');
    const created = await client.lists.setListMember(listId, hash, {
      email_address: 'Dee@Example.com',
      status_if_new: 'pending',
      ip_signup: '203.0.113.7',
      timestamp_signup: '2012-09-19T10:15:30.123Z',
      ip_opt: '203.0.113.8',
      timestamp_opt: '2012-09-19 10:20:00',
    });
    expect(created.id).toBe(hash);
    expect(created.status).toBe('pending');
    expect(created.timestamp_signup).toBe('2012-09-19T10:15:30+00:00');
    expect(created.timestamp_opt).toBe('2012-09-19T10:20:00+00:00');

    const again = await client.lists.setListMember(listId, hash, { email_address: 'dee@example.com', status_if_new: 'subscribed' });
    expect(again.status).toBe('pending');
    const byEmail = await client.lists.getListMember(listId, 'dee@example.com');
    expect(byEmail.id).toBe(hash);
  });

  it('never re-subscribes someone who unsubscribed', async () => {
    const hash = subscriberHash('eve@example.com');
    await client.lists.setListMember(listId, hash, { email_address: 'eve@example.com', status_if_new: 'subscribed' });
    await client.lists.updateListMember(listId, hash, { status: 'unsubscribed' });

    const put = await client.lists.setListMember(listId, hash, { email_address: 'eve@example.com', status_if_new: 'subscribed', merge_fields: { FNAME: 'Eve' } });
    expect(put.status).toBe('unsubscribed');
    expect(put.merge_fields.FNAME).toBe('Eve');
    await problemOf(client.lists.setListMember(listId, hash, { email_address: 'eve@example.com', status: 'subscribed' }), 400, 'Member In Compliance State');
    const batch = await client.lists.batchListMembers(listId, { members: [{ email_address: 'eve@example.com', status: 'subscribed' }], update_existing: true });
    expect(batch.errors[0]?.error_code).toBe('ERROR_GENERIC');
    expect(emulator.state.member(listId, 'eve@example.com')?.status).toBe('unsubscribed');
  });

  it('refuses a second POST for the same address with Member Exists', async () => {
    await client.lists.addListMember(listId, { email_address: 'fay@example.com', status: 'subscribed' });
    await problemOf(client.lists.addListMember(listId, { email_address: 'fay@example.com', status: 'subscribed' }), 400, 'Member Exists');
  });

  it('archives with DELETE, and delete-permanent blocks any re-import', async () => {
    const hash = subscriberHash('gus@example.com');
    await client.lists.setListMember(listId, hash, { email_address: 'gus@example.com', status_if_new: 'subscribed' });
    await client.lists.deleteListMember(listId, hash);
    expect(emulator.state.member(listId, 'gus@example.com')?.status).toBe('archived');
    const unarchived = await client.lists.setListMember(listId, hash, { email_address: 'gus@example.com', status_if_new: 'subscribed' });
    expect(unarchived.status).toBe('subscribed');

    await client.lists.createListMemberNote(listId, hash, { note: 'to be erased' });
    expect(await client.lists.deleteListMemberPermanent(listId, hash)).toBeNull();
    expect(emulator.state.member(listId, 'gus@example.com')).toBeNull();
    expect(emulator.state.notes(listId, 'gus@example.com')).toEqual([]);
    expect(emulator.state.isForgotten(listId, 'gus@example.com')).toBe(true);
    await problemOf(client.lists.getListMember(listId, hash), 404, 'Resource Not Found');
    const refused = await problemOf(
      client.lists.setListMember(listId, hash, { email_address: 'gus@example.com', status_if_new: 'pending' }),
      400,
      'Forgotten Email Not Subscribed',
    );
    expect(refused.detail).toContain('was permanently deleted and cannot be re-imported');
    await problemOf(client.lists.addListMember(listId, { email_address: 'GUS@example.com', status: 'subscribed' }), 400, 'Forgotten Email Not Subscribed');
    const batch = await client.lists.batchListMembers(listId, { members: [{ email_address: 'gus@example.com', status: 'subscribed' }] });
    expect(batch.error_count).toBe(1);
    expect(batch.errors[0]?.error).toContain('Forgotten Email Not Subscribed');
  });

  it('pages members with offset and count (at most 1,000) and filters by since_last_changed', async () => {
    let clock = Date.parse('2024-01-01T00:00:00Z');
    const clocked = await startMailchimpEmulator({ now: () => clock });
    try {
      const id = clocked.createList();
      const local = createMailchimpClient({ apiKey: clocked.apiKey, baseUrl: clocked.url });
      const members = Array.from({ length: 25 }, (_, index) => ({ email_address: `member${index}@example.com`, status: 'subscribed' as const }));
      const result = await local.lists.batchListMembers(id, { members });
      expect(result.total_created).toBe(25);

      const lastPage = await local.lists.getListMembersInfo(id, { count: 10, offset: 20 });
      expect(lastPage.total_items).toBe(25);
      expect(lastPage.members.map((member) => member.email_address)).toEqual(members.slice(20).map((member) => member.email_address));
      const defaultPage = await local.lists.getListMembersInfo(id);
      expect(defaultPage.members).toHaveLength(10);
      await problemOf(local.lists.getListMembersInfo(id, { count: 1001 }), 400, 'Bad Request');

      clock = Date.parse('2024-02-01T00:00:00Z');
      await local.lists.updateListMember(id, subscriberHash('member3@example.com'), { merge_fields: { FNAME: 'Changed' } });
      // A write that changes nothing is not a change.
      await local.lists.batchListMembers(id, { members: members.slice(0, 3), update_existing: true });
      const changed = await local.lists.getListMembersInfo(id, { since_last_changed: '2024-01-15T00:00:00+00:00' });
      expect(changed.members.map((member) => member.email_address)).toEqual(['member3@example.com']);
      expect(changed.members[0]?.last_changed).toBe('2024-02-01T00:00:00+00:00');
    } finally {
      await clocked.close();
    }
  });

  it('answers partial responses for fields and exclude_fields', async () => {
    await client.lists.addListMember(listId, { email_address: 'hal@example.com', status: 'subscribed' });
    const narrow = await client.lists.getListMembersInfo(listId, { fields: ['members.email_address', 'total_items'] });
    expect(narrow).toEqual({ members: [{ email_address: 'hal@example.com' }], total_items: 1 });
    const wide = await client.lists.getListMember(listId, subscriberHash('hal@example.com'), { exclude_fields: ['merge_fields', '_links'] });
    expect(wide).not.toHaveProperty('merge_fields');
    expect(wide.email_address).toBe('hal@example.com');
  });

  it('exposes the audience marketing permissions on every member and stores choices', async () => {
    const [email] = emulator.state.marketingPermissions(listId);
    const hash = subscriberHash('ida@example.com');
    const member = await client.lists.setListMember(listId, hash, {
      email_address: 'ida@example.com',
      status_if_new: 'subscribed',
      marketing_permissions: [{ marketing_permission_id: email!.marketing_permission_id, enabled: true }],
    });
    expect(member.marketing_permissions).toHaveLength(3);
    expect(member.marketing_permissions?.find((permission) => permission.text === 'Email')?.enabled).toBe(true);
    await problemOf(
      client.lists.updateListMember(listId, hash, { marketing_permissions: [{ marketing_permission_id: 'nope', enabled: true }] }),
      400,
      'Invalid Resource',
    );
  });
});

describe('batch subscribe', () => {
  it('reports per-member errors with error codes beside the members it created and updated', async () => {
    await client.lists.addListMember(listId, { email_address: 'old@example.com', status: 'subscribed' });
    await client.lists.addListMergeField(listId, { name: 'Score', type: 'number', tag: 'SCORE' });
    const withoutUpdate = await client.lists.batchListMembers(listId, {
      members: [
        { email_address: 'new@example.com', status: 'subscribed' },
        { email_address: 'old@example.com', status: 'subscribed' },
        { email_address: 'broken', status: 'subscribed' },
        { email_address: 'scored@example.com', status: 'subscribed', merge_fields: { SCORE: 'high' } },
      ],
    });
    expect(withoutUpdate.total_created).toBe(1);
    expect(withoutUpdate.new_members.map((member) => member.email_address)).toEqual(['new@example.com']);
    expect(withoutUpdate.error_count).toBe(3);
    expect(withoutUpdate.errors.map((error) => [error.email_address, error.error_code])).toEqual([
      ['old@example.com', 'ERROR_CONTACT_EXISTS'],
      ['broken', 'ERROR_GENERIC'],
      ['scored@example.com', 'ERROR_GENERIC'],
    ]);
    expect(withoutUpdate.errors[2]?.field).toBe('SCORE');

    const withUpdate = await client.lists.batchListMembers(listId, {
      members: [{ email_address: 'old@example.com', status_if_new: 'pending', merge_fields: { FNAME: 'Olga' } }],
      update_existing: true,
    });
    expect(withUpdate.total_updated).toBe(1);
    expect(withUpdate.updated_members[0]?.status).toBe('subscribed');
    expect(emulator.state.member(listId, 'old@example.com')?.merge_fields.FNAME).toBe('Olga');
  });

  it('refuses more than 500 members in one call', async () => {
    const members = Array.from({ length: 501 }, (_, index) => ({ email_address: `m${index}@example.com`, status: 'subscribed' as const }));
    await problemOf(client.lists.batchListMembers(listId, { members }), 400, 'Invalid Resource');
    expect(emulator.state.members(listId)).toHaveLength(0);
  });

  it('fails single members when the partial-failure fault is on', async () => {
    emulator.faults.set({ partialFailure: 1 });
    const result = await client.lists.batchListMembers(listId, { members: [{ email_address: 'pf@example.com', status: 'subscribed' }] });
    expect(result.error_count).toBe(1);
    expect(result.errors[0]?.error_code).toBe('ERROR_GENERIC');
    expect(emulator.state.member(listId, 'pf@example.com')).toBeNull();
  });
});

describe('member events and notes', () => {
  const hash = subscriberHash('jo@example.com');
  beforeEach(async () => {
    await client.lists.setListMember(listId, hash, { email_address: 'jo@example.com', status_if_new: 'subscribed' });
  });

  it('stores events with is_syncing (204, no body) and lists them newest first', async () => {
    expect(await client.lists.createListMemberEvent(listId, hash, { name: 'consent_given', properties: { source: 'Salon' }, is_syncing: true, occurred_at: '2012-09-19T10:00:00Z' })).toBeNull();
    await client.lists.createListMemberEvent(listId, hash, { name: 'data-updated', occurred_at: '2013-01-01T00:00:00Z' });
    const listed = await client.lists.getListMemberEvents(listId, hash);
    expect(listed.total_items).toBe(2);
    expect(listed.events.map((event) => event.name)).toEqual(['data-updated', 'consent_given']);
    expect(listed.events[1]).toEqual({ name: 'consent_given', occurred_at: '2012-09-19T10:00:00+00:00', properties: { source: 'Salon' } });
    expect(emulator.state.events(listId, 'jo@example.com').map((event) => [event.name, event.is_syncing])).toEqual([
      ['consent_given', true],
      ['data-updated', false],
    ]);
  });

  it('refuses event names outside 2–30 letters, digits, underscores and dashes, and non-string properties', async () => {
    for (const name of ['a', 'x'.repeat(31), 'has space', 'émoji']) {
      await problemOf(client.lists.createListMemberEvent(listId, hash, { name }), 400, 'Invalid Resource');
    }
    await problemOf(client.lists.createListMemberEvent(listId, hash, { name: 'ok', properties: { count: 3 as unknown as string } }), 400, 'Invalid Resource');
    await client.lists.createListMemberEvent(listId, hash, { name: 'x'.repeat(30) });
    expect(emulator.state.events(listId, 'jo@example.com')).toHaveLength(1);
    await problemOf(client.lists.createListMemberEvent(listId, subscriberHash('nobody@example.com'), { name: 'ok' }), 404, 'Resource Not Found');
  });

  it('creates, lists, edits and deletes notes of at most 1,000 characters', async () => {
    const first = await client.lists.createListMemberNote(listId, hash, { note: 'first' });
    const second = await client.lists.createListMemberNote(listId, hash, { note: 'x'.repeat(1000) });
    await problemOf(client.lists.createListMemberNote(listId, hash, { note: 'x'.repeat(1001) }), 400, 'Invalid Resource');
    const oldestFirst = await client.lists.getListMemberNotes(listId, hash, { sort_field: 'note_id', sort_dir: 'ASC' });
    expect(oldestFirst.notes.map((note) => note.id)).toEqual([first.id, second.id]);
    const updated = await client.lists.updateListMemberNote(listId, hash, first.id, { note: 'edited' });
    expect(updated.note).toBe('edited');
    await client.lists.deleteListMemberNote(listId, hash, second.id);
    expect(emulator.state.notes(listId, 'jo@example.com').map((note) => note.note)).toEqual(['edited']);
    await problemOf(client.lists.getListMemberNote(listId, hash, second.id), 404, 'Resource Not Found');
  });

  it('lets tests tamper with stored data behind the API', async () => {
    await client.lists.createListMemberEvent(listId, hash, { name: 'one' });
    await client.lists.createListMemberEvent(listId, hash, { name: 'two' });
    emulator.state.swapEvents(listId, 'jo@example.com', 0, 1);
    expect(emulator.state.events(listId, 'jo@example.com').map((event) => event.name)).toEqual(['two', 'one']);
    emulator.state.deleteEvent(listId, 'jo@example.com', 0);
    expect(emulator.state.events(listId, 'jo@example.com').map((event) => event.name)).toEqual(['one']);
    const note = await client.lists.createListMemberNote(listId, hash, { note: 'original' });
    emulator.state.editNote(listId, 'jo@example.com', note.id, 'forged');
    expect((await client.lists.getListMemberNote(listId, hash, note.id)).note).toBe('forged');
    emulator.state.setMergeField(listId, 'jo@example.com', 'FNAME', 'x'.repeat(300));
    expect((await client.lists.getListMember(listId, hash)).merge_fields.FNAME).toHaveLength(300);
  });
});

describe('batch operations', () => {
  it('runs pending → finished and serves a gzipped tar of results outside the API', async () => {
    const hash = subscriberHash('kim@example.com');
    const batch = await client.batches.start({
      operations: [
        { method: 'PUT', path: `/lists/${listId}/members/${hash}`, operation_id: 'member', body: JSON.stringify({ email_address: 'kim@example.com', status_if_new: 'subscribed' }) },
        { method: 'POST', path: `/lists/${listId}/members/${hash}/events`, operation_id: 'event', body: JSON.stringify({ name: 'consent_given', is_syncing: true }) },
        { method: 'POST', path: `/lists/${listId}/members/${hash}/events`, operation_id: 'bad-event', body: JSON.stringify({ name: 'x' }) },
        { method: 'GET', path: `/lists/${listId}/members`, operation_id: 'read', params: { fields: 'total_items' } },
      ],
    });
    expect(batch.status).toBe('pending');
    expect(batch.total_operations).toBe(4);
    expect(batch.response_body_url).toBe('');
    expect((await client.batches.status(batch.id)).status).toBe('pending');
    expect(emulator.state.member(listId, 'kim@example.com')).toBeNull();

    await emulator.finishPendingBatches();
    const finished = await client.batches.status(batch.id);
    expect(finished).toMatchObject({ status: 'finished', finished_operations: 4, errored_operations: 1 });
    expect(finished.completed_at).toMatch(/\+00:00$/);
    expect((await client.batches.list()).batches.map((entry) => entry.id)).toEqual([batch.id]);

    const callsBefore = emulator.calls.length;
    const results = await fetchBatchResults(finished.response_body_url);
    expect(emulator.calls.length).toBe(callsBefore);
    const byOperation = new Map(results.map((result) => [result.operation_id, result]));
    expect(byOperation.get('member')?.status_code).toBe(200);
    expect(JSON.parse(byOperation.get('member')!.response).email_address).toBe('kim@example.com');
    expect(byOperation.get('event')).toEqual({ status_code: 204, operation_id: 'event', response: '' });
    expect(byOperation.get('bad-event')?.status_code).toBe(400);
    expect(JSON.parse(byOperation.get('bad-event')!.response).title).toBe('Invalid Resource');
    expect(JSON.parse(byOperation.get('read')!.response)).toEqual({ total_items: 1 });
    expect(emulator.state.events(listId, 'kim@example.com').map((event) => event.is_syncing)).toEqual([true]);
  });

  it('moves through the documented statuses on its own', async () => {
    const quick = await startMailchimpEmulator({ batchProcessingDelayMs: 30 });
    try {
      const local = createMailchimpClient({ apiKey: quick.apiKey, baseUrl: quick.url });
      const id = quick.createList();
      const batch = await local.batches.start({ operations: [{ method: 'GET', path: `/lists/${id}` }] });
      const seen: string[] = [batch.status];
      await vi.waitFor(
        async () => {
          const status = (await local.batches.status(batch.id)).status;
          if (seen.at(-1) !== status) seen.push(status);
          expect(status).toBe('finished');
        },
        { timeout: 5000, interval: 5 },
      );
      const order = ['pending', 'preprocessing', 'started', 'finalizing', 'finished'];
      expect(seen.map((status) => order.indexOf(status))).toEqual([...seen.map((status) => order.indexOf(status))].sort((left, right) => left - right));
      expect(seen[0]).toBe('pending');
    } finally {
      await quick.close();
    }
  });

  it('refuses malformed operations and forgets cancelled batches', async () => {
    await problemOf(client.batches.start({ operations: [{ method: 'FETCH' as 'GET', path: '/lists' }] }), 400, 'Invalid Resource');
    const batch = await client.batches.start({ operations: [{ method: 'GET', path: '/ping' }] });
    await client.batches.deleteRequest(batch.id);
    await problemOf(client.batches.status(batch.id), 404, 'Resource Not Found');
  });
});

describe('limits and faults', () => {
  it('answers 429 Too Many Requests beyond 10 simultaneous connections', async () => {
    const release = emulator.pauseResponses();
    const outcomes = Array.from({ length: 15 }, () =>
      client.lists.getList(listId).then(
        () => 'ok',
        (error: MailchimpSdkError) => {
          expect((error.response?.body as { title: string }).title).toBe('Too Many Requests');
          return error.status;
        },
      ),
    );
    await vi.waitFor(() => expect(emulator.calls.filter((call) => call.status === 429)).toHaveLength(5), { timeout: 5000, interval: 5 });
    release();
    const settled = await Promise.all(outcomes);
    expect(settled.filter((outcome) => outcome === 'ok')).toHaveLength(10);
    expect(settled.filter((outcome) => outcome === 429)).toHaveLength(5);
    expect(emulator.peakConnections).toBeGreaterThanOrEqual(11);
  });

  it('does not count batch results downloads (S3 at the real service) among the 10 connections', async () => {
    const batch = await client.batches.start({ operations: [{ method: 'GET', path: '/ping', operation_id: 'ping' }] });
    await emulator.finishPendingBatches();
    const { response_body_url: resultsUrl } = await client.batches.status(batch.id);
    emulator.faults.set({ latencyMs: 400 });
    try {
      // Ten downloads held in flight, then ten API calls: all ten fit, the downloads hold none of them.
      const downloads = Array.from({ length: 10 }, () => fetchBatchResults(resultsUrl));
      await new Promise((resolve) => setTimeout(resolve, 100));
      const statuses = await Promise.all(Array.from({ length: 10 }, () => client.ping.get().then(() => 200, (error: MailchimpSdkError) => error.status)));
      expect(statuses).toEqual(Array.from({ length: 10 }, () => 200));
      expect((await Promise.all(downloads)).every((results) => results[0]?.operation_id === 'ping')).toBe(true);
      expect(emulator.peakConnections).toBeLessThanOrEqual(10);
    } finally {
      emulator.faults.set({});
    }
  });

  it('injects 429 with Retry-After and 500 in problem+json', async () => {
    emulator.faults.failNext('rate-limit', 'server-error');
    const limited = (await client.ping.get().catch((error: unknown) => error)) as MailchimpSdkError;
    expect(limited.status).toBe(429);
    expect(limited.response?.headers?.['retry-after']).toBe('1');
    await problemOf(client.ping.get(), 500, 'Internal Server Error');
    expect((await client.ping.get()).health_status).toBe("Everything's Chimpy!");
  });

  it('answers unknown lists and paths with 404 Resource Not Found', async () => {
    await problemOf(client.lists.getList('0000000000'), 404, 'Resource Not Found');
    const response = await fetch(`${emulator.url}/nothing-here`, { headers: { authorization: `Basic ${Buffer.from('user:test-key-us1').toString('base64')}` } });
    expect(response.status).toBe(404);
  });
});

describe('createMailchimpClient', () => {
  it('does not rewrite "server" in list ids, which the SDK singleton would', async () => {
    const id = emulator.createList('Server audience', { id: 'server1234' });
    try {
      expect((await client.lists.getList(id)).id).toBe('server1234');
      expect(emulator.calls.at(-1)?.path).toBe('/3.0/lists/server1234');
    } finally {
      emulator.reset();
    }
  });

  it('derives the datacenter from the key and reads the environment', () => {
    expect(createMailchimpClient({ apiKey: 'abc-us21' }).baseUrl).toBe('https://us21.api.mailchimp.com/3.0');
    vi.stubEnv('MAILCHIMP_API_KEY', 'from-env-us5');
    vi.stubEnv('MAILCHIMP_SERVER_PREFIX', 'us6');
    try {
      expect(createMailchimpClient().baseUrl).toBe('https://us6.api.mailchimp.com/3.0');
    } finally {
      vi.unstubAllEnvs();
    }
    vi.stubEnv('MAILCHIMP_API_KEY', '');
    try {
      expect(() => createMailchimpClient()).toThrow(/MAILCHIMP_API_KEY/);
    } finally {
      vi.unstubAllEnvs();
    }
  });
});
