import type { EmulatorRequest, EmulatorResponse, Router } from '@optintrail/emulator-kit';
import { randomBytes } from 'node:crypto';
import { mailchimpWebhookSignature } from '../mailchimp-webhook-signature';
import type { MailchimpChangeOrigin, MailchimpMemberChange, MailchimpStore, StoredMember } from './mailchimp-emulator-store';
import { problems } from './mailchimp-problem';

/** The event types a list webhook can fire (`events` of POST /lists/{list_id}/webhooks). */
export const MAILCHIMP_WEBHOOK_EVENTS = ['subscribe', 'unsubscribe', 'profile', 'cleaned', 'upemail', 'campaign'] as const;
export type MailchimpWebhookEventType = (typeof MAILCHIMP_WEBHOOK_EVENTS)[number];
/** Who triggered a change (`sources`): the subscriber, a user of the Mailchimp app, or the API. */
export const MAILCHIMP_WEBHOOK_SOURCES = ['user', 'admin', 'api'] as const;
export type MailchimpWebhookSource = (typeof MAILCHIMP_WEBHOOK_SOURCES)[number];

/** A registered list webhook. */
export interface StoredWebhook {
  id: string;
  listId: string;
  url: string;
  events: Record<MailchimpWebhookEventType, boolean>;
  sources: Record<MailchimpWebhookSource, boolean>;
  /** Shown once, in the answer to the POST that created it (MC-docs api-concepts/webhooks.mdx). */
  signingSecret: string;
}

/** One POST the emulator made, kept so a test can replay it byte for byte. */
export interface MailchimpWebhookDelivery {
  webhookId: string;
  url: string;
  type: MailchimpWebhookEventType;
  headers: Record<string, string>;
  /** The form-encoded body. */
  body: string;
  attempt: number;
  /** The receiver's status, or null when it could not be reached. */
  status: number | null;
  response: string;
}

/** Extra details of the change being made (an unsubscribe's campaign and reason), set by the activity helpers. */
export interface MailchimpChangeDetails {
  campaignId?: string;
  /** unsubscribe: `manual` or `abuse`; cleaned: `hard` or `abuse`. */
  reason?: string;
  /** The previous address, for an address change. */
  oldEmail?: string;
}

export interface MailchimpWebhookSenderOptions {
  /** Attempts per delivery when the receiver does not answer 2xx (Mailchimp retries for 75 minutes). Default 3. */
  maxAttempts?: number;
  /** Wait between attempts. Default 20 ms. */
  retryDelayMs?: number;
}

/**
 * List webhooks as Mailchimp keeps and fires them: registered with `POST /lists/{id}/webhooks`
 * (events and sources as documented; the signing secret shown once), fired when members change,
 * with `sources` honoured (API writes reach only webhooks with `sources.api`), as
 * `application/x-www-form-urlencoded` bodies with `data[...]` keys, signed with
 * `X-Mailchimp-Signature: t=<unix>,v1=<hex HMAC-SHA256(secret, "{t}.{body}")>`.
 */
export class MailchimpWebhookSender {
  readonly webhooks = new Map<string, StoredWebhook>();
  readonly deliveries: MailchimpWebhookDelivery[] = [];
  #queue: Promise<void> = Promise.resolve();
  #details: MailchimpChangeDetails = {};
  #closed = false;

  constructor(
    private readonly store: MailchimpStore,
    private readonly options: MailchimpWebhookSenderOptions = {},
  ) {
    store.memberListeners.add((change) => this.#observe(change));
  }

  /** Runs `write` with details the payload carries (campaign, reason, old address). */
  withDetails<T>(details: MailchimpChangeDetails, write: () => T): T {
    const previous = this.#details;
    this.#details = details;
    try {
      return write();
    } finally {
      this.#details = previous;
    }
  }

  /** Tells the sender about a change the store does not make itself (an address change). */
  notify(change: MailchimpMemberChange): void {
    this.#observe(change);
  }

  /** Resolves once every delivery so far has been answered (or has used up its attempts). */
  async settle(): Promise<void> {
    for (;;) {
      const queue = this.#queue;
      await queue;
      if (queue === this.#queue) return;
    }
  }

  /** Forgets webhooks and deliveries (an emptied account). */
  reset(): void {
    this.webhooks.clear();
    this.deliveries.length = 0;
  }

  async close(): Promise<void> {
    await this.settle();
    this.#closed = true;
  }

  /** `/3.0/lists/{list_id}/webhooks…` (ListsApi.createListWebhook, getListWebhooks, getListWebhook, updateListWebhook, deleteListWebhook). */
  registerRoutes(router: Router): void {
    const base = '/3.0/lists/:list_id/webhooks';
    const ok = (json: unknown): EmulatorResponse => ({ status: 200, json });
    router.post(base, (request) => {
      const listId = request.params['list_id']!;
      this.store.list(listId);
      const input = readBody(request);
      const webhook: StoredWebhook = {
        id: randomBytes(5).toString('hex'),
        listId,
        url: readUrl(input['url']),
        events: readFlags(input['events'], MAILCHIMP_WEBHOOK_EVENTS, 'events', { subscribe: true, unsubscribe: true, profile: true, cleaned: true, upemail: true, campaign: true }),
        sources: readFlags(input['sources'], MAILCHIMP_WEBHOOK_SOURCES, 'sources', { user: true, admin: true, api: false }),
        signingSecret: randomBytes(24).toString('hex'),
      };
      this.webhooks.set(webhook.id, webhook);
      return ok({ ...webhookJson(webhook), signing_secret: webhook.signingSecret });
    });
    router.get(base, (request) => {
      const listId = request.params['list_id']!;
      this.store.list(listId);
      const webhooks = [...this.webhooks.values()].filter((webhook) => webhook.listId === listId).map(webhookJson);
      return ok({ webhooks, list_id: listId, total_items: webhooks.length, _links: [] });
    });
    router.get(`${base}/:webhook_id`, (request) => ok(webhookJson(this.#find(request))));
    router.patch(`${base}/:webhook_id`, (request) => {
      const webhook = this.#find(request);
      const input = readBody(request);
      if (input['url'] !== undefined) webhook.url = readUrl(input['url']);
      if (input['events'] !== undefined) webhook.events = readFlags(input['events'], MAILCHIMP_WEBHOOK_EVENTS, 'events', webhook.events);
      if (input['sources'] !== undefined) webhook.sources = readFlags(input['sources'], MAILCHIMP_WEBHOOK_SOURCES, 'sources', webhook.sources);
      return ok(webhookJson(webhook));
    });
    router.delete(`${base}/:webhook_id`, (request) => {
      this.webhooks.delete(this.#find(request).id);
      return { status: 204 };
    });
  }

  #find(request: EmulatorRequest): StoredWebhook {
    const webhook = this.webhooks.get(request.params['webhook_id'] ?? '');
    if (!webhook || webhook.listId !== request.params['list_id']) throw problems.notFound();
    return webhook;
  }

  #observe(change: MailchimpMemberChange): void {
    if (this.#closed) return;
    const events = eventsFor(change, this.#details);
    if (events.length === 0) return;
    const firedAt = firedAtText(this.store.now());
    for (const webhook of this.webhooks.values()) {
      if (webhook.listId !== change.listId || !sourceAllowed(webhook, change.origin)) continue;
      for (const event of events) {
        if (!webhook.events[event.type]) continue;
        const form = new URLSearchParams({ type: event.type, fired_at: firedAt });
        for (const [key, value] of event.data) form.append(key, value);
        const body = form.toString();
        this.#queue = this.#queue.then(() => this.#send(webhook, event.type, body));
      }
    }
  }

  async #send(webhook: StoredWebhook, type: MailchimpWebhookEventType, body: string): Promise<void> {
    const maxAttempts = this.options.maxAttempts ?? 3;
    for (let attempt = 1; attempt <= maxAttempts && !this.#closed; attempt += 1) {
      if (attempt > 1) await new Promise((resolve) => setTimeout(resolve, (this.options.retryDelayMs ?? 20) * attempt));
      const timestamp = Math.floor(this.store.now() / 1000);
      const headers = {
        'content-type': 'application/x-www-form-urlencoded',
        'user-agent': 'MailChimp',
        'x-mailchimp-signature': `t=${timestamp},v1=${mailchimpWebhookSignature(webhook.signingSecret, timestamp, body)}`,
      };
      const delivery: MailchimpWebhookDelivery = { webhookId: webhook.id, url: webhook.url, type, headers, body, attempt, status: null, response: '' };
      this.deliveries.push(delivery);
      try {
        // Mailchimp gives up on an answer after 10 seconds.
        const response = await fetch(webhook.url, { method: 'POST', headers, body, signal: AbortSignal.timeout(10_000) });
        delivery.status = response.status;
        delivery.response = await response.text();
        if (response.ok) return;
      } catch (error) {
        delivery.response = error instanceof Error ? error.message : String(error);
      }
    }
  }
}

/** Changes made by Mailchimp itself (cleaning a bouncing address) reach every webhook. */
function sourceAllowed(webhook: StoredWebhook, origin: MailchimpChangeOrigin): boolean {
  return origin === 'system' || webhook.sources[origin];
}

type WebhookEvent = { type: MailchimpWebhookEventType; data: Array<[string, string]> };

/** The webhook events a member change fires, with their `data[...]` fields (MC-docs api-concepts/webhooks.mdx). */
function eventsFor(change: MailchimpMemberChange, details: MailchimpChangeDetails): WebhookEvent[] {
  const { member, before, listId } = change;
  const common = (): Array<[string, string]> => [
    ['data[id]', member.unique_email_id],
    ['data[list_id]', listId],
    ['data[email]', member.email_address],
    ['data[email_type]', member.email_type],
    ...(member.ip_opt ? ([['data[ip_opt]', member.ip_opt]] as Array<[string, string]>) : []),
  ];
  if (change.kind !== 'written') {
    return [{ type: 'unsubscribe', data: [['data[action]', 'delete'], ['data[reason]', details.reason ?? 'manual'], ...common(), ...merges(member)] }];
  }
  const events: WebhookEvent[] = [];
  if (before && before.email_address.toLowerCase() !== member.email_address.toLowerCase()) {
    events.push({ type: 'upemail', data: [['data[list_id]', listId], ['data[new_id]', member.unique_email_id], ['data[new_email]', member.email_address], ['data[old_email]', before.email_address]] });
  }
  const was = before?.status;
  if (member.status === 'subscribed' && was !== 'subscribed') {
    events.push({ type: 'subscribe', data: [...common(), ...(member.ip_signup ? ([['data[ip_signup]', member.ip_signup]] as Array<[string, string]>) : []), ...merges(member)] });
  } else if (member.status === 'unsubscribed' && was !== 'unsubscribed') {
    const campaign: Array<[string, string]> = details.campaignId ? [['data[campaign_id]', details.campaignId]] : [];
    events.push({ type: 'unsubscribe', data: [['data[action]', 'unsub'], ['data[reason]', details.reason ?? 'manual'], ...common(), ...campaign, ...merges(member)] });
  } else if (member.status === 'cleaned' && was !== 'cleaned') {
    const campaign: Array<[string, string]> = details.campaignId ? [['data[campaign_id]', details.campaignId]] : [];
    events.push({ type: 'cleaned', data: [['data[list_id]', listId], ...campaign, ['data[reason]', details.reason ?? 'hard'], ['data[email]', member.email_address]] });
  } else if (before && member.status === was && JSON.stringify(before.merge_fields) !== JSON.stringify(member.merge_fields)) {
    events.push({ type: 'profile', data: [...common(), ...merges(member)] });
  }
  return events;
}

/** `data[merges][TAG]` for every merge field with a value (address parts as `data[merges][ADDRESS][addr1]`). */
function merges(member: StoredMember): Array<[string, string]> {
  const fields: Array<[string, string]> = [['data[merges][EMAIL]', member.email_address]];
  for (const [tag, value] of Object.entries(member.merge_fields)) {
    if (value === '' || value === null || value === undefined) continue;
    if (typeof value === 'object') {
      for (const [part, text] of Object.entries(value)) if (text !== '' && text !== undefined) fields.push([`data[merges][${tag}][${part}]`, String(text)]);
    } else fields.push([`data[merges][${tag}]`, String(value)]);
  }
  return fields;
}

/** `fired_at` as Mailchimp writes it: `2009-03-26 21:35:57` ([R] in UTC). */
function firedAtText(milliseconds: number): string {
  return new Date(Math.floor(milliseconds / 1000) * 1000).toISOString().slice(0, 19).replace('T', ' ');
}

function webhookJson(webhook: StoredWebhook) {
  return { id: webhook.id, url: webhook.url, events: { ...webhook.events }, sources: { ...webhook.sources }, list_id: webhook.listId, _links: [] as unknown[] };
}

function readBody(request: EmulatorRequest): Record<string, unknown> {
  if (request.text.trim() === '') return {};
  let body: unknown;
  try {
    body = JSON.parse(request.text);
  } catch {
    throw problems.jsonParse();
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw problems.invalidResource([{ field: '', message: 'The request body must be a JSON object.' }]);
  return body as Record<string, unknown>;
}

function readUrl(value: unknown): string {
  if (typeof value !== 'string' || !/^https?:\/\/\S+$/i.test(value)) throw problems.invalidResource([{ field: 'url', message: 'A valid http(s) URL is required.' }]);
  return value;
}

function readFlags<K extends string>(value: unknown, names: readonly K[], field: string, defaults: Record<K, boolean>): Record<K, boolean> {
  if (value === undefined || value === null) return { ...defaults };
  if (typeof value !== 'object' || Array.isArray(value)) throw problems.invalidResource([{ field, message: `${field} must be an object of booleans.` }]);
  const flags = { ...defaults };
  for (const [name, flag] of Object.entries(value as Record<string, unknown>)) {
    if (!(names as readonly string[]).includes(name) || typeof flag !== 'boolean') throw problems.invalidResource([{ field: `${field}.${name}`, message: `Unknown ${field} entry or not a boolean.` }]);
    flags[name as K] = flag;
  }
  return flags;
}
