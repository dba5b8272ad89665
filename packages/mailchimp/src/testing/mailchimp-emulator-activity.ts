import type { EmulatorResponse, Router } from '@optintrail/emulator-kit';
import { subscriberHash } from '../mailchimp-subscriber-hash';
import type { MailchimpChangeOrigin, MailchimpStore, StoredMember } from './mailchimp-emulator-store';
import type { MailchimpWebhookSender } from './mailchimp-emulator-webhooks';
import type { MergeValue } from './mailchimp-merge-fields';
import { paginate } from './mailchimp-paging';
import { formatMailchimpTimestamp } from './mailchimp-timestamps';

/** One entry of a member's activity (`GET /lists/{list_id}/members/{subscriber_hash}/activity`). */
export interface MailchimpActivityRecord {
  /** e.g. `unsub`, `bounce`, `sent`, `open`, `click`. */
  action: string;
  /** Milliseconds since the epoch. */
  timestamp: number;
  type: string;
  campaign_id: string;
  title: string;
}

/** What a subscriber sends through a hosted signup form. */
export interface SignupInput {
  email: string;
  merge_fields?: Record<string, MergeValue>;
  /** IP of the signup request. */
  ip?: string;
  /** IP of the double opt-in confirmation, when the audience asked for one. */
  confirmationIp?: string;
}

/**
 * Changes made inside Mailchimp rather than through the API: by a user of the Mailchimp app
 * (`admin` in webhook terms), by the subscriber (`user`: signup form, unsubscribe link, profile
 * page), or by Mailchimp itself (cleaning a bouncing address). Each goes through the same rules as
 * an API write, fires the webhooks whose `sources` allow it, and leaves the activity Mailchimp shows.
 */
export class MailchimpAudienceActivity {
  readonly #activity = new Map<string, MailchimpActivityRecord[]>();

  constructor(
    private readonly store: MailchimpStore,
    private readonly webhooks: MailchimpWebhookSender,
  ) {}

  /**
   * A team member adds a contact in the app ("This person gave me permission to email them"), or
   * imports it (`source: 'Import'`).
   */
  adminAddMember(listId: string, input: { email: string; status?: 'subscribed' | 'unsubscribed' | 'transactional'; merge_fields?: Record<string, MergeValue>; source?: 'Admin Add' | 'Import' }): void {
    const { member } = this.store.as('admin', () =>
      this.store.writeMember(listId, { email_address: input.email, status: input.status ?? 'subscribed', merge_fields: input.merge_fields ?? {} }, { mode: 'post', skipMergeValidation: false }),
    );
    member.source = input.source ?? 'Admin Add';
  }

  /** A team member edits a contact in the app (merge fields, status…). */
  adminUpdateMember(listId: string, email: string, changes: Record<string, unknown>): void {
    this.#patch('admin', listId, email, changes);
  }

  /** A person signs up through a hosted form: evidence fields set as Mailchimp sets them. */
  subscriberSignsUp(listId: string, input: SignupInput): void {
    const now = formatMailchimpTimestamp(this.store.now());
    const { member } = this.store.as('user', () =>
      this.store.writeMember(
        listId,
        {
          email_address: input.email,
          status_if_new: 'subscribed',
          status: 'subscribed',
          merge_fields: input.merge_fields ?? {},
          ...(input.ip ? { ip_signup: input.ip, timestamp_signup: now } : {}),
          ...(input.confirmationIp ?? input.ip ? { ip_opt: input.confirmationIp ?? input.ip, timestamp_opt: now } : {}),
        },
        { mode: 'put', pathKey: input.email, skipMergeValidation: false },
      ),
    );
    member.source = 'Hosted Signup Form';
  }

  /** The subscriber follows the unsubscribe link of a campaign. */
  subscriberUnsubscribes(listId: string, email: string, options: { campaignId?: string; campaignTitle?: string; reason?: 'manual' | 'abuse' } = {}): void {
    this.webhooks.withDetails({ ...(options.campaignId ? { campaignId: options.campaignId } : {}), reason: options.reason ?? 'manual' }, () => this.#patch('user', listId, email, { status: 'unsubscribed' }));
    this.#record(listId, email, { action: options.reason === 'abuse' ? 'abuse' : 'unsub', type: 'regular', campaign_id: options.campaignId ?? '', title: options.campaignTitle ?? '' });
  }

  /** The subscriber updates their profile on Mailchimp's preferences page. */
  subscriberUpdatesProfile(listId: string, email: string, mergeFields: Record<string, MergeValue>): void {
    this.#patch('user', listId, email, { merge_fields: mergeFields });
  }

  /** The address changes (by the subscriber on the profile page, or by a team member). */
  changeEmail(listId: string, oldEmail: string, newEmail: string, origin: 'user' | 'admin' = 'admin'): void {
    const list = this.store.list(listId);
    const member = this.store.member(listId, oldEmail);
    const before = { email_address: member.email_address, status: member.status, merge_fields: structuredClone(member.merge_fields) };
    list.members.delete(member.id);
    member.id = subscriberHash(newEmail);
    member.email_address = newEmail.trim();
    member.last_changed = this.store.now();
    list.members.set(member.id, member);
    this.store.as(origin, () => this.webhooks.notify({ kind: 'written', listId, member, before, origin }));
  }

  /** Mailchimp cleans an address after a hard bounce. */
  bounce(listId: string, email: string, options: { campaignId?: string; campaignTitle?: string } = {}): void {
    this.webhooks.withDetails({ ...(options.campaignId ? { campaignId: options.campaignId } : {}), reason: 'hard' }, () => this.#patch('system', listId, email, { status: 'cleaned' }));
    this.#record(listId, email, { action: 'bounce', type: 'regular', campaign_id: options.campaignId ?? '', title: options.campaignTitle ?? '' });
  }

  /** A member's activity, newest first. */
  activityOf(listId: string, email: string): MailchimpActivityRecord[] {
    return [...(this.#activity.get(`${listId}:${subscriberHash(email)}`) ?? [])].reverse();
  }

  reset(): void {
    this.#activity.clear();
  }

  /** `GET /3.0/lists/{list_id}/members/{subscriber_hash}/activity`: the last 50 events, newest first. */
  registerRoutes(router: Router): void {
    router.get('/3.0/lists/:list_id/members/:hash/activity', (request): EmulatorResponse => {
      const listId = request.params['list_id']!;
      const member: StoredMember = this.store.member(listId, request.params['hash']!);
      const records = [...(this.#activity.get(`${listId}:${member.id}`) ?? [])].reverse().slice(0, 50);
      const { items, total } = paginate(records, request.query, { unlimitedWithoutCount: true });
      return {
        status: 200,
        json: {
          activity: items.map((record) => ({ ...record, timestamp: formatMailchimpTimestamp(record.timestamp), url: '', parent_campaign: '' })),
          email_id: member.id,
          list_id: listId,
          total_items: total,
          _links: [],
        },
      };
    });
  }

  #patch(origin: MailchimpChangeOrigin, listId: string, email: string, changes: Record<string, unknown>): void {
    this.store.as(origin, () => this.store.writeMember(listId, changes, { mode: 'patch', pathKey: email, skipMergeValidation: false }));
  }

  #record(listId: string, email: string, record: Omit<MailchimpActivityRecord, 'timestamp'>): void {
    const key = `${listId}:${subscriberHash(email)}`;
    const list = this.#activity.get(key) ?? [];
    list.push({ ...record, timestamp: this.store.now() });
    this.#activity.set(key, list);
  }
}
