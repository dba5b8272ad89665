import {
  normalizeEmail,
  writeBackfill,
  type Actor,
  type BackfillOptions,
  type BackfillReport,
  type BackfillSubject,
  type CapturedChange,
  type Channel,
  type FieldChange,
  type Proof,
  type Source,
  type SourceKind,
} from '@optintrail/core';
import { isIP } from 'node:net';
import type { MailchimpAdapter } from './mailchimp-adapter';
import { toMailchimpError } from './mailchimp-error';
import type { MailchimpMember } from './mailchimp-sdk-types';
import { subscriberHash } from './mailchimp-subscriber-hash';
import { DEFAULT_MAILCHIMP_MERGE_FIELD_NAMES } from './mailchimp-webhooks';

/** Settings of `backfillMailchimp`. */
export interface MailchimpBackfillSettings extends Pick<BackfillOptions, 'batchSize' | 'dryRun' | 'pushOptions' | 'randomBytes' | 'onProgress'> {
  /** The adapter of the audience to backfill. */
  adapter: MailchimpAdapter;
  /** Merge tag → neutral field name. Default `DEFAULT_MAILCHIMP_MERGE_FIELD_NAMES`. */
  mergeFieldNames?: Readonly<Record<string, string>>;
  /** The consent the member's status is about. Default `newsletter` by `email`. */
  purpose?: string;
  channel?: Channel;
  /** The marketing permission (GDPR field) that goes with the purpose, by id or text. Default `Email`; `false` ignores them. */
  marketingPermission?: string | false;
  /** Read the activity of unsubscribed and cleaned members (the date and campaign of the unsubscribe, bounces): one call each. Default true. */
  activity?: boolean;
}

/** Namespace of backfilled event ids: stable, so a second run writes nothing. */
export const MAILCHIMP_BACKFILL_NAMESPACE = 'mailchimp-backfill';

const PAGE_SIZE = 1000;

interface ActivityRecord {
  action: string;
  timestamp: string;
  campaign_id?: string;
  title?: string;
}

/**
 * Gives every existing member of the audience a first trail from what Mailchimp knows: the signup
 * source, `timestamp_signup` and `ip_signup`, `timestamp_opt` and `ip_opt` (a later confirmation is a
 * double opt-in), the marketing permission, the status, and the member's activity (when and from which
 * campaign an unsubscribe came, bounces).
 *
 * Proof is marked honestly: an opt-in with a signup or confirmation IP keeps it as proof; one without
 * is an `import` without proof ("your details were added to our list on…"). A date Mailchimp did not
 * keep is taken from `last_changed` and the event says so. Members OptinTrail already keeps a trail
 * for are left as they are (their later changes come through the webhooks); a second run writes nothing.
 */
export async function backfillMailchimp(settings: MailchimpBackfillSettings): Promise<BackfillReport> {
  return writeBackfill(settings.adapter, mailchimpBackfillSubjects(settings), {
    namespace: MAILCHIMP_BACKFILL_NAMESPACE,
    ...(settings.batchSize !== undefined ? { batchSize: settings.batchSize } : {}),
    ...(settings.dryRun !== undefined ? { dryRun: settings.dryRun } : {}),
    ...(settings.pushOptions ? { pushOptions: settings.pushOptions } : {}),
    ...(settings.randomBytes ? { randomBytes: settings.randomBytes } : {}),
    ...(settings.onProgress ? { onProgress: settings.onProgress } : {}),
  });
}

/** The members as backfill subjects, a page (1,000) at a time. */
export async function* mailchimpBackfillSubjects(settings: MailchimpBackfillSettings): AsyncGenerator<BackfillSubject> {
  const { adapter } = settings;
  const lists = adapter.client.lists as unknown as {
    getListMembersInfo(listId: string, options: { count: number; offset: number }): Promise<{ members: MailchimpMember[]; total_items: number }>;
    getListMemberActivity(listId: string, hash: string): Promise<{ activity?: ActivityRecord[] }>;
  };
  const call = async <T>(operation: string, run: () => Promise<T>): Promise<T> => {
    try {
      return await run();
    } catch (error) {
      throw toMailchimpError(error, operation);
    }
  };
  for (let offset = 0; ; offset += PAGE_SIZE) {
    const page = await call('lists.getListMembersInfo', () => lists.getListMembersInfo(adapter.listId, { count: PAGE_SIZE, offset }));
    for (const member of page.members) {
      if (member.status === 'archived') continue;
      const hasTrail = /^[0-9a-f]{64}$/.test(String(member.merge_fields?.[adapter.tags.trailHead] ?? '').trim());
      const wantsActivity = settings.activity !== false && !hasTrail && (member.status === 'unsubscribed' || member.status === 'cleaned');
      const activity = wantsActivity ? ((await call('lists.getListMemberActivity', () => lists.getListMemberActivity(adapter.listId, subscriberHash(member.email_address)))).activity ?? []) : [];
      yield memberSubject(member, activity, settings);
    }
    if (offset + PAGE_SIZE >= page.total_items || page.members.length === 0) return;
  }
}

function memberSubject(member: MailchimpMember, activity: ActivityRecord[], settings: MailchimpBackfillSettings): BackfillSubject {
  const subject = normalizeEmail(member.email_address);
  const hasTrail = /^[0-9a-f]{64}$/.test(String(member.merge_fields?.[settings.adapter.tags.trailHead] ?? '').trim());
  const purpose = settings.purpose ?? 'newsletter';
  const channel = settings.channel ?? 'email';
  const id = member.id;
  const changes: CapturedChange[] = [];
  const signupAt = iso(member.timestamp_signup);
  const optAt = iso(member.timestamp_opt);
  const lastChanged = iso(member.last_changed);
  const origin = memberSource(String(member['source'] ?? ''));
  const actor = actorOf(origin.kind);

  if (!hasTrail) {
    const collectedAt = signupAt ?? optAt ?? lastChanged;
    if (collectedAt) {
      const fields: FieldChange[] = [{ name: 'email', value: subject }];
      for (const [tag, name] of Object.entries(settings.mergeFieldNames ?? DEFAULT_MAILCHIMP_MERGE_FIELD_NAMES)) {
        const value = member.merge_fields?.[tag];
        if (typeof value === 'string' && value !== '') fields.push({ name, value });
        else if (typeof value === 'number') fields.push({ name, value });
      }
      changes.push({
        subject,
        externalId: `${id}:collected`,
        event: { at: collectedAt, type: 'data.collected', source: origin, fields, ...(actor ? { actor } : {}), ...(signupAt ?? optAt ? {} : { reason: 'Mailchimp kept no signup date: this is the date of the last change' }) },
      });
    }
    const grantedAt = signupAt ?? optAt;
    if (grantedAt && ['subscribed', 'unsubscribed', 'cleaned'].includes(member.status)) {
      const proof = proofOf(member, signupAt, optAt);
      const permission = permissionNote(member, settings.marketingPermission ?? 'Email');
      const source: Source = proof ? origin : { kind: 'import', name: `Mailchimp audience (signup source: ${String(member['source'] || 'not recorded')})`.slice(0, 200) };
      const grantActor = proof ? actor : undefined;
      changes.push({
        subject,
        externalId: `${id}:consent:${grantedAt}`,
        event: { at: grantedAt, type: 'consent.given', purpose, channel, source, ...(proof ? { proof } : {}), ...(grantActor ? { actor: grantActor } : {}), ...(permission ? { reason: permission } : {}) },
      });
    }
  }

  // A member OptinTrail already keeps a trail for had its live changes captured by the webhooks
  // (under other ids): its activity is not read again, so nothing is recorded twice.
  const unsubscribes = hasTrail ? [] : activity.filter((record) => record.action === 'unsub' || record.action === 'abuse');
  for (const record of unsubscribes) {
    const at = iso(record.timestamp);
    if (!at) continue;
    const campaign = record.title || record.campaign_id;
    changes.push({
      subject,
      externalId: `${id}:activity:${record.action}:${at}`,
      event: {
        at,
        type: 'consent.withdrawn',
        purpose,
        channel,
        source: { kind: 'subject', name: 'Mailchimp unsubscribe link', ...(campaign ? { campaign: campaign.slice(0, 200) } : {}) },
        actor: { kind: 'subject' },
        reason: record.action === 'abuse' ? 'reported an email as spam' : 'unsubscribed',
      },
    });
  }
  if (member.status === 'unsubscribed' && unsubscribes.length === 0 && !hasTrail && lastChanged) {
    const why = typeof member['unsubscribe_reason'] === 'string' && member['unsubscribe_reason'] ? `: ${member['unsubscribe_reason']}` : '';
    changes.push({
      subject,
      externalId: `${id}:unsubscribed:${lastChanged}`,
      event: { at: lastChanged, type: 'consent.withdrawn', purpose, channel, source: { kind: 'import', name: 'Mailchimp audience status' }, reason: `unsubscribed${why} (Mailchimp kept no unsubscribe date: this is the date of the last change)`.slice(0, 1000) },
    });
  }
  const bounce = activity.find((record) => record.action === 'bounce');
  if (member.status === 'cleaned' && !hasTrail) {
    const at = iso(bounce?.timestamp) ?? lastChanged;
    if (at) {
      changes.push({
        subject,
        externalId: `${id}:cleaned:${at}`,
        event: { at, type: 'data.updated', source: { kind: 'crm-automation', name: 'Mailchimp address cleaning' }, actor: { kind: 'system', id: 'mailchimp' }, fields: [{ name: 'emailDeliverability', value: 'cleaned' }], reason: 'cleaned after hard bounces' },
      });
    }
  }
  return { subject, hasTrail, changes };
}

/** Evidence Mailchimp kept: the signup IP, and a confirmation later than the signup (double opt-in). */
function proofOf(member: MailchimpMember, signupAt: string | undefined, optAt: string | undefined): Proof | undefined {
  const signupIp = isIP(member.ip_signup ?? '') ? member.ip_signup : undefined;
  const optIp = isIP(member.ip_opt ?? '') ? member.ip_opt : undefined;
  const confirmed = optAt && signupAt && optAt > signupAt && optIp;
  if (!signupIp && !optIp) return undefined;
  return {
    ...(signupIp ?? optIp ? { ip: (signupIp ?? optIp)! } : {}),
    ...(confirmed ? { doubleOptIn: { confirmedAt: optAt, method: 'email-link' as const, ip: optIp } } : {}),
  };
}

function permissionNote(member: MailchimpMember, wanted: string | false): string | undefined {
  if (wanted === false) return undefined;
  const needle = wanted.toLowerCase();
  const permission = member.marketing_permissions?.find((candidate) => candidate.marketing_permission_id === wanted || candidate.text?.toLowerCase() === needle);
  if (!permission) return undefined;
  return `Mailchimp marketing permission "${permission.text ?? wanted}" ${permission.enabled ? 'given' : 'not given'}`;
}

/** Mailchimp's member `source` ("Hosted Signup Form", "Admin Add", "Import", "API - Generic"…) as an OptinTrail source. */
function memberSource(source: string): Source {
  const kind: SourceKind = /sign ?up|form|landing page|pop-?up/i.test(source)
    ? 'web-form'
    : /admin add/i.test(source)
      ? 'crm-user'
      : /import/i.test(source)
        ? 'import'
        : /^api\b/i.test(source)
          ? 'api'
          : 'other';
  return { kind, name: `Mailchimp${source ? ` (${source})` : ''}`.slice(0, 200) };
}

function actorOf(kind: SourceKind): Actor | undefined {
  return kind === 'web-form' ? { kind: 'subject' } : kind === 'crm-user' ? { kind: 'staff' } : kind === 'api' || kind === 'import' ? { kind: 'integration' } : undefined;
}

/** Mailchimp date-times (`2015-09-16T19:24:29+00:00`) as ISO 8601 UTC; undefined when empty. */
function iso(value: string | undefined | null): string | undefined {
  if (!value) return undefined;
  const time = Date.parse(value);
  return Number.isNaN(time) ? undefined : new Date(time).toISOString();
}
