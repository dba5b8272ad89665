import { createHash } from 'node:crypto';
import { hubSpotSignatureV3 } from '../hubspot-webhook-signature';
import type { HubSpotStore, HubSpotStoreChange, HubSpotWriteSource } from './hubspot-emulator-store';

/** A webhook subscription of the emulated app (legacy `contact.*` types, webhooks-v3.json). */
export interface HubSpotEmulatorWebhookSubscription {
  subscriptionType: 'contact.creation' | 'contact.propertyChange' | 'contact.privacyDeletion' | 'contact.deletion';
  /** Required for `contact.propertyChange`, as in HubSpot: one subscription per property. */
  propertyName?: string;
}

/** The app's webhook settings, as a developer sets them for the app (target URL, subscriptions). */
export interface HubSpotEmulatorWebhookSettings {
  /** Where deliveries are POSTed, e.g. the receiver under test. HubSpot signs this exact URL. */
  targetUrl: string;
  /** The app's client secret, the key of `X-HubSpot-Signature-v3`. */
  clientSecret: string;
  /** Default: creation, privacy deletion, and property changes of email, names, phone, company, city, country and `hs_email_optout`. */
  subscriptions?: HubSpotEmulatorWebhookSubscription[];
  /** [R] HubSpot batches up to 100 events per request. */
  maxEventsPerRequest?: number;
  /** How long changes are gathered into one request. Default 0: the changes of one API call (or tick) go together. */
  batchWindowMs?: number;
  /** Attempts per request when the receiver does not answer 2xx ([R] HubSpot: up to 10 over 24 h). Default 3. */
  maxAttempts?: number;
  /** Wait between attempts. Default 20 ms. */
  retryDelayMs?: number;
}

/** One POST the emulator made: everything needed to replay it byte for byte. */
export interface HubSpotWebhookDelivery {
  url: string;
  headers: Record<string, string>;
  body: string;
  /** The events it carried. */
  events: Array<Record<string, unknown>>;
  attemptNumber: number;
  /** The receiver's status, or null when it could not be reached. */
  status: number | null;
  /** The receiver's answer body (its report) or the connection error. */
  response: string;
}

const DEFAULT_PROPERTIES = ['email', 'firstname', 'lastname', 'phone', 'company', 'city', 'country', 'hs_email_optout'];
const USER_AGENT = 'HubSpot Connect 2.0 (http://dev.hubspot.com/) (namespace: webhooks-nio-http-client) - WebhooksExecutorDaemon-executor';

/**
 * Sends webhooks as HubSpot does when contacts change, through the API or in the "UI" (the state
 * helpers): batched JSON arrays, signed (v1 and v3), retried with a growing `attemptNumber`, one
 * request at a time. Every attempt is kept in `deliveries` so a test can replay it.
 */
export class HubSpotWebhookSender {
  #settings: HubSpotEmulatorWebhookSettings | null = null;
  #subscriptionIds = new Map<string, number>();
  #pending: Array<Record<string, unknown>> = [];
  #timer: { cancel: () => void } | null = null;
  #queue: Promise<void> = Promise.resolve();
  #nextEventId = 1001;
  #closed = false;
  readonly deliveries: HubSpotWebhookDelivery[] = [];

  constructor(
    private readonly store: HubSpotStore,
    private readonly account: { portalId: number; appId: string },
    settings?: HubSpotEmulatorWebhookSettings,
  ) {
    store.listeners.add((change) => this.#observe(change));
    if (settings) this.configure(settings);
  }

  /** Sets (or, with `null`, removes) the app's webhook settings. */
  configure(settings: HubSpotEmulatorWebhookSettings | null): void {
    this.#settings = settings;
    this.#subscriptionIds.clear();
    const subscriptions = settings ? this.subscriptions : [];
    subscriptions.forEach((subscription, index) => this.#subscriptionIds.set(subscriptionKey(subscription.subscriptionType, subscription.propertyName), 2_000 + index));
  }

  /** The active subscriptions (the defaults when none were given). */
  get subscriptions(): HubSpotEmulatorWebhookSubscription[] {
    if (!this.#settings) return [];
    return (
      this.#settings.subscriptions ?? [
        { subscriptionType: 'contact.creation' },
        { subscriptionType: 'contact.privacyDeletion' },
        ...DEFAULT_PROPERTIES.map((propertyName) => ({ subscriptionType: 'contact.propertyChange' as const, propertyName })),
      ]
    );
  }

  /** Resolves once every change so far has been delivered (or has used up its attempts). */
  async settle(): Promise<void> {
    for (;;) {
      if (this.#timer) this.#flush();
      const queue = this.#queue;
      await queue;
      if (queue === this.#queue && this.#pending.length === 0 && !this.#timer) return;
    }
  }

  /** Forgets the deliveries and anything not sent yet (the settings stay). */
  reset(): void {
    this.#timer?.cancel();
    this.#timer = null;
    this.#pending = [];
    this.deliveries.length = 0;
  }

  /** Stops sending. */
  async close(): Promise<void> {
    await this.settle();
    this.#closed = true;
  }

  #observe(change: HubSpotStoreChange): void {
    if (!this.#settings || this.#closed || change.record.objectType !== 'contacts') return;
    const occurredAt = Date.parse(change.timestamp);
    const objectId = Number(change.record.id);
    if (change.kind === 'created') {
      this.#enqueue('contact.creation', undefined, { objectId, occurredAt, changeFlag: 'CREATED', ...sourceFields(change.source) });
    } else if (change.kind === 'updated') {
      for (const property of change.properties) {
        this.#enqueue('contact.propertyChange', property.name, { objectId, occurredAt, propertyName: property.name, propertyValue: property.value, ...sourceFields(change.source) });
      }
    } else {
      const email = this.store.value(change.record, 'email');
      const erased = email !== undefined && this.store.gdprDeletedEmails.has(email.toLowerCase());
      this.#enqueue(erased ? 'contact.privacyDeletion' : 'contact.deletion', undefined, { objectId, occurredAt, changeFlag: erased ? 'PRIVACY_DELETION' : 'DELETED' });
    }
  }

  #enqueue(subscriptionType: string, propertyName: string | undefined, fields: Record<string, unknown>): void {
    const subscriptionId = this.#subscriptionIds.get(subscriptionKey(subscriptionType, propertyName));
    if (subscriptionId === undefined) return;
    this.#pending.push({
      eventId: this.#nextEventId++,
      subscriptionId,
      portalId: this.account.portalId,
      appId: Number(this.account.appId),
      occurredAt: fields['occurredAt'],
      subscriptionType,
      attemptNumber: 0,
      ...fields,
    });
    if (!this.#timer) {
      const window = this.#settings!.batchWindowMs ?? 0;
      if (window > 0) {
        const handle = setTimeout(() => this.#flush(), window);
        this.#timer = { cancel: () => clearTimeout(handle) };
      } else {
        const handle = setImmediate(() => this.#flush());
        this.#timer = { cancel: () => clearImmediate(handle) };
      }
    }
  }

  #flush(): void {
    this.#timer?.cancel();
    this.#timer = null;
    const settings = this.#settings;
    const events = this.#pending;
    this.#pending = [];
    if (!settings || events.length === 0) return;
    const size = settings.maxEventsPerRequest ?? 100;
    for (let start = 0; start < events.length; start += size) {
      const batch = events.slice(start, start + size);
      this.#queue = this.#queue.then(() => this.#send(settings, batch));
    }
  }

  async #send(settings: HubSpotEmulatorWebhookSettings, events: Array<Record<string, unknown>>): Promise<void> {
    const maxAttempts = settings.maxAttempts ?? 3;
    for (let attempt = 0; attempt < maxAttempts && !this.#closed; attempt += 1) {
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, (settings.retryDelayMs ?? 20) * attempt));
      const sent = events.map((event) => ({ ...event, attemptNumber: attempt }));
      const body = JSON.stringify(sent);
      const timestamp = String(this.store.options.now());
      const headers: Record<string, string> = {
        'content-type': 'application/json',
        'user-agent': USER_AGENT,
        'x-hubspot-request-timestamp': timestamp,
        'x-hubspot-signature-version': 'v1',
        'x-hubspot-signature': createHash('sha256').update(settings.clientSecret + body, 'utf8').digest('hex'),
        'x-hubspot-signature-v3': hubSpotSignatureV3({ clientSecret: settings.clientSecret, method: 'POST', uri: settings.targetUrl, body, timestamp }),
      };
      const delivery: HubSpotWebhookDelivery = { url: settings.targetUrl, headers, body, events: sent, attemptNumber: attempt, status: null, response: '' };
      this.deliveries.push(delivery);
      try {
        const response = await fetch(settings.targetUrl, { method: 'POST', headers, body, signal: AbortSignal.timeout(5_000) });
        delivery.status = response.status;
        delivery.response = await response.text();
        if (response.ok) return;
      } catch (error) {
        delivery.response = error instanceof Error ? error.message : String(error);
      }
    }
  }
}

function subscriptionKey(subscriptionType: string, propertyName: string | undefined): string {
  return subscriptionType === 'contact.propertyChange' ? `${subscriptionType}:${propertyName ?? ''}` : subscriptionType;
}

function sourceFields(source: HubSpotWriteSource): Record<string, unknown> {
  return { changeSource: source.sourceType, ...(source.sourceId !== undefined ? { sourceId: source.sourceId } : {}) };
}
