import {
  createWebhookHandler,
  normalizeEmail,
  WebhookPayloadError,
  type Actor,
  type CapturedChange,
  type CaptureNotice,
  type Channel,
  type FieldChange,
  type Source,
  type WebhookHandler,
  type WebhookHandlerSettings,
  type WebhookParser,
} from '@optintrail/core';
import { createHash } from 'node:crypto';
import type { MailchimpAdapter } from './mailchimp-adapter';
import { toMailchimpError } from './mailchimp-error';
import { createMailchimpWebhookVerifier, type MailchimpWebhookVerifierSettings } from './mailchimp-webhook-signature';

/** Who a webhook's changes come from, as the webhook's `sources` say: the subscriber or a user of the Mailchimp app. */
export type MailchimpWebhookOrigin = 'user' | 'admin';

/** Merge tag → neutral field name: the audience fields people usually hold. */
export const DEFAULT_MAILCHIMP_MERGE_FIELD_NAMES: Readonly<Record<string, string>> = { FNAME: 'firstName', LNAME: 'lastName', PHONE: 'phone', BIRTHDAY: 'birthday', COMPANY: 'company' };

/** Settings of the Mailchimp webhook receiver. */
export interface MailchimpWebhookSettings extends MailchimpWebhookVerifierSettings {
  /** The adapter of the audience; deliveries about another audience are ignored. */
  adapter: MailchimpAdapter;
  /** Merge tag → neutral field name. Default `DEFAULT_MAILCHIMP_MERGE_FIELD_NAMES`; other tags are not captured. */
  mergeFieldNames?: Readonly<Record<string, string>>;
  /** The consent that subscribe and unsubscribe events are about. Default: the adapter's (`newsletter` by email). */
  purpose?: string;
  channel?: Channel;
  /**
   * Who the changes come from when the callback URL does not say (`?source=user|admin`, as
   * `registerMailchimpWebhooks` sets it). Default: unknown, and the events say so (source `other`).
   */
  defaultOrigin?: MailchimpWebhookOrigin;
}

/** Settings of `createMailchimpWebhookHandler`: the parser's plus the generic handler's hooks. */
export type MailchimpWebhookHandlerSettings = MailchimpWebhookSettings & Pick<WebhookHandlerSettings, 'onNotice' | 'onReport' | 'locks' | 'now' | 'randomBytes' | 'pushOptions' | 'maxBodyBytes'>;

/** Namespace of the event ids captured from Mailchimp (the audience id is part of each CRM id). */
export const MAILCHIMP_CAPTURE_NAMESPACE = 'mailchimp';

/** A delivery read into `type`, `fired_at` and the nested `data[...]` fields. */
export interface MailchimpWebhookPayload {
  type: string;
  firedAt: string;
  data: Record<string, unknown>;
}

/**
 * A receiver for Mailchimp list webhooks (subscribe, unsubscribe, profile, upemail, cleaned):
 * verifies `X-Mailchimp-Signature` (or the secret token of the URL), turns each notification into
 * provenance events and writes them to the member's trail. Answers Mailchimp's URL check (GET) with 200.
 *
 * API writes (OptinTrail's own included) never reach it when the webhooks are registered with
 * `sources.api = false`, as `registerMailchimpWebhooks` does.
 */
export function createMailchimpWebhookHandler(settings: MailchimpWebhookHandlerSettings): WebhookHandler {
  return createWebhookHandler({
    adapter: settings.adapter,
    verify: createMailchimpWebhookVerifier(settings),
    parse: createMailchimpWebhookParser(settings),
    namespace: MAILCHIMP_CAPTURE_NAMESPACE,
    acknowledgeMethods: ['GET'],
    ...(settings.onNotice ? { onNotice: settings.onNotice } : {}),
    ...(settings.onReport ? { onReport: settings.onReport } : {}),
    ...(settings.locks ? { locks: settings.locks } : {}),
    ...(settings.now ? { now: settings.now } : {}),
    ...(settings.randomBytes ? { randomBytes: settings.randomBytes } : {}),
    ...(settings.pushOptions ? { pushOptions: settings.pushOptions } : {}),
    ...(settings.maxBodyBytes !== undefined ? { maxBodyBytes: settings.maxBodyBytes } : {}),
  });
}

/** Reads a form-encoded delivery (`type`, `fired_at`, `data[merges][FNAME]`…). Throws `WebhookPayloadError` when it is not one. */
export function readMailchimpWebhook(text: string): MailchimpWebhookPayload {
  const form = new URLSearchParams(text);
  const type = form.get('type');
  const firedAt = form.get('fired_at');
  if (!type || !firedAt) throw new WebhookPayloadError('a Mailchimp delivery is a form with type, fired_at and data[...] fields');
  const data: Record<string, unknown> = {};
  for (const [key, value] of form) {
    const match = /^data((?:\[[^\][]*\])+)$/.exec(key);
    if (!match) continue;
    const path = [...match[1]!.matchAll(/\[([^\][]*)\]/g)].map((part) => part[1]!);
    let node = data;
    path.forEach((segment, index) => {
      if (index === path.length - 1) node[segment] = value;
      else {
        if (typeof node[segment] !== 'object' || node[segment] === null) node[segment] = {};
        node = node[segment] as Record<string, unknown>;
      }
    });
  }
  return { type, firedAt, data };
}

/** `fired_at` (`2009-03-26 21:35:57`, [R] UTC) as ISO 8601. */
function firedAtIso(firedAt: string): string {
  const match = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})$/.exec(firedAt.trim());
  const date = match ? new Date(`${match[1]}T${match[2]}Z`) : new Date(Number.NaN);
  if (Number.isNaN(date.getTime())) throw new WebhookPayloadError('fired_at is not a date-time such as 2009-03-26 21:35:57');
  return date.toISOString();
}

/** The parser alone, for a custom handler or for tests. */
export function createMailchimpWebhookParser(settings: MailchimpWebhookSettings): WebhookParser {
  const mergeFieldNames = settings.mergeFieldNames ?? DEFAULT_MAILCHIMP_MERGE_FIELD_NAMES;
  const purpose = settings.purpose ?? 'newsletter';
  const channel = settings.channel ?? 'email';
  return async (delivery) => {
    const payload = readMailchimpWebhook(delivery.text);
    const { type, data } = payload;
    const at = firedAtIso(payload.firedAt);
    const text = (name: string) => (typeof data[name] === 'string' ? (data[name] as string) : undefined);
    const listId = text('list_id');
    const externalId = `${listId ?? ''}:${type}:${payload.firedAt}:${contentDigest(delivery.text)}`;
    const notices: CaptureNotice[] = [];
    const changes: CapturedChange[] = [];
    if (listId !== settings.adapter.listId) {
      notices.push({ kind: 'ignored', externalId, reason: 'a delivery about another audience' });
      return { changes, notices };
    }
    const given = delivery.url.searchParams.get('source');
    const origin: MailchimpWebhookOrigin | undefined = given === 'user' || given === 'admin' ? given : settings.defaultOrigin;
    const email = text('email');
    const merges = (typeof data['merges'] === 'object' && data['merges'] !== null ? data['merges'] : {}) as Record<string, unknown>;
    const fields = (): FieldChange[] =>
      Object.entries(mergeFieldNames)
        .filter(([tag]) => typeof merges[tag] === 'string')
        .map(([tag, name]) => ({ name, value: merges[tag] === '' ? null : (merges[tag] as string) }));

    switch (type) {
      case 'subscribe': {
        if (!email) throw new WebhookPayloadError('a subscribe delivery names the member in data[email]');
        const ip = text('ip_signup') || text('ip_opt');
        const source = sourceFor(origin, 'subscribe');
        const actor = actorFor(origin);
        changes.push({
          subject: email,
          externalId: `${externalId}:consent`,
          event: { at, type: 'consent.given', purpose, channel, source, ...(actor ? { actor } : {}), ...(origin === 'user' && ip ? { proof: { ip } } : {}) },
        });
        changes.push({ subject: email, externalId: `${externalId}:data`, onlyChangedFields: true, event: { at, type: 'data.collected', source, fields: [{ name: 'email', value: normalizeEmail(email) }, ...fields()], ...(actor ? { actor } : {}) } });
        break;
      }
      case 'unsubscribe': {
        if (!email) throw new WebhookPayloadError('an unsubscribe delivery names the member in data[email]');
        const campaign = text('campaign_id');
        const removed = text('action') === 'delete';
        const reason = removed ? 'removed from the audience' : text('reason') === 'abuse' ? 'reported an email as spam' : 'unsubscribed';
        const base = sourceFor(origin, 'unsubscribe');
        const actor = actorFor(origin);
        changes.push({ subject: email, externalId, event: { at, type: 'consent.withdrawn', purpose, channel, source: campaign ? { ...base, campaign } : base, reason, ...(actor ? { actor } : {}) } });
        break;
      }
      case 'profile': {
        if (!email) throw new WebhookPayloadError('a profile delivery names the member in data[email]');
        const updated = fields();
        if (updated.length === 0) notices.push({ kind: 'ignored', externalId, reason: 'no mapped merge field in the profile update' });
        else {
          const actor = actorFor(origin);
          changes.push({ subject: email, externalId, onlyChangedFields: true, event: { at, type: 'data.updated', source: sourceFor(origin, 'profile'), fields: updated, ...(actor ? { actor } : {}) } });
        }
        break;
      }
      case 'upemail': {
        const from = text('old_email');
        const to = text('new_email');
        if (!from || !to) throw new WebhookPayloadError('an upemail delivery carries data[old_email] and data[new_email]');
        notices.push({ kind: 'subject-changed', externalId, from: normalizeEmail(from), to: normalizeEmail(to), at });
        break;
      }
      case 'cleaned': {
        if (!email) throw new WebhookPayloadError('a cleaned delivery names the member in data[email]');
        const reason = text('reason') === 'abuse' ? 'cleaned after a spam complaint' : 'cleaned after hard bounces';
        changes.push({
          subject: email,
          externalId,
          event: { at, type: 'data.updated', source: { kind: 'crm-automation', name: 'Mailchimp address cleaning' }, actor: { kind: 'system', id: 'mailchimp' }, fields: [{ name: 'emailDeliverability', value: 'cleaned' }], reason },
        });
        break;
      }
      default:
        notices.push({ kind: 'ignored', externalId, reason: `${type} carries no provenance` });
    }
    return { changes, notices };
  };
}

function sourceFor(origin: MailchimpWebhookOrigin | undefined, type: 'subscribe' | 'unsubscribe' | 'profile'): Source {
  if (origin === 'admin') return { kind: 'crm-user', name: 'Mailchimp' };
  if (origin === 'user') {
    if (type === 'subscribe') return { kind: 'web-form', name: 'Mailchimp signup form' };
    if (type === 'unsubscribe') return { kind: 'subject', name: 'Mailchimp unsubscribe link' };
    return { kind: 'subject', name: 'Mailchimp profile page' };
  }
  return { kind: 'other', name: 'Mailchimp (who made the change is not known)' };
}

function actorFor(origin: MailchimpWebhookOrigin | undefined): Actor | undefined {
  return origin === 'user' ? { kind: 'subject' } : origin === 'admin' ? { kind: 'staff' } : undefined;
}

/** Mailchimp sends no event id: the content (fields in a stable order) names the delivery, retries included. */
function contentDigest(text: string): string {
  const pairs = [...new URLSearchParams(text)].map(([key, value]) => `${key}=${value}`).sort();
  return createHash('sha256').update(pairs.join('\n'), 'utf8').digest('hex').slice(0, 32);
}

/** Settings of `registerMailchimpWebhooks`. */
export interface RegisterMailchimpWebhooksSettings {
  adapter: MailchimpAdapter;
  /** The receiver's public URL. */
  url: string;
  /** Added as `?token=` for verification without signatures. */
  pathToken?: string;
  /** Event types. Default subscribe, unsubscribe, profile, cleaned, upemail. */
  events?: Partial<Record<'subscribe' | 'unsubscribe' | 'profile' | 'cleaned' | 'upemail' | 'campaign', boolean>>;
}

/** A webhook created by `registerMailchimpWebhooks`, with the secret Mailchimp shows only once. */
export interface RegisteredMailchimpWebhook {
  id: string;
  origin: MailchimpWebhookOrigin;
  url: string;
  /** Keep it (e.g. in a secrets manager) and give it to the receiver's `signingSecrets`. */
  signingSecret: string | undefined;
}

/**
 * Creates the two webhooks the receiver needs, through the official SDK: one for changes made by the
 * subscriber (`sources.user`), one for changes made in the Mailchimp app (`sources.admin`), each URL
 * telling the receiver which it is (`?source=`). `sources.api` stays off on both, so the SDK's own
 * writes never come back as changes.
 */
export async function registerMailchimpWebhooks(settings: RegisterMailchimpWebhooksSettings): Promise<RegisteredMailchimpWebhook[]> {
  const lists = settings.adapter.client.lists as unknown as {
    createListWebhook(listId: string, body: unknown): Promise<{ id: string; url: string; signing_secret?: string }>;
  };
  const events = { subscribe: true, unsubscribe: true, profile: true, cleaned: true, upemail: true, campaign: false, ...settings.events };
  const registered: RegisteredMailchimpWebhook[] = [];
  for (const origin of ['user', 'admin'] as const) {
    const url = new URL(settings.url);
    url.searchParams.set('source', origin);
    if (settings.pathToken) url.searchParams.set('token', settings.pathToken);
    let created: { id: string; url: string; signing_secret?: string };
    try {
      created = await lists.createListWebhook(settings.adapter.listId, { url: url.href, events, sources: { user: origin === 'user', admin: origin === 'admin', api: false } });
    } catch (error) {
      throw toMailchimpError(error, 'lists.createListWebhook');
    }
    registered.push({ id: created.id, origin, url: created.url, signingSecret: created.signing_secret });
  }
  return registered;
}
