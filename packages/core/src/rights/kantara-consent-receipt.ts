/**
 * Consents as Kantara Initiative Consent Receipts (Consent Receipt Specification v1.1.0, 2018),
 * so a consent can leave the SDK in a recognised shape. Field names follow the specification's
 * JSON form: `consentTimestamp` is in seconds since the epoch, categories are the specification's
 * numbered strings ("6 - Marketing", "2 - Contact").
 */
import { ValidationError } from '../errors';
import type { Channel, Trail } from '../model/event';
import { foldTrail, type ConsentState } from '../state/subject-state';
import { sha256Hex } from '../trail/canonical-json';
import { isErasedTrail } from './erased-trail';

/** The controller as a receipt names it (`piiControllers[]`). */
export interface KantaraController {
  /** `piiController`: the organisation's name. */
  name: string;
  /** `contact`: a person or role to contact, e.g. "Data Protection Officer". */
  contact: string;
  email: string;
  phone: string;
  /** `address`: a postal address, e.g. `{ streetAddress, addressLocality, postalCode, addressCountry }`. */
  address: Record<string, string>;
  /** `piiControllerUrl`. */
  url?: string;
  /** `onBehalf`: true when acting on behalf of another controller. */
  onBehalf?: boolean;
}

export interface KantaraReceiptOptions {
  controller: KantaraController;
  /** Legal jurisdiction, e.g. `FR` or `EU`. */
  jurisdiction: string;
  /** The privacy policy the consents were given under. */
  policyUrl: string;
  /** Only this purpose (one receipt per purpose); every consent in force when omitted. */
  purpose?: string;
  /** Only this channel. */
  channel?: Channel;
  /** When the receipt is issued (ISO 8601): part of its deterministic id. Core reads no clock. */
  now: string;
  /** Language of the consent interaction (BCP 47). Default `en`. */
  language?: string;
  /** `services[].service`: the service the consents are for. Default: the controller's name. */
  service?: string;
  /** A description per purpose key, e.g. `{ newsletter: 'Monthly newsletter by email' }`. */
  purposeDescriptions?: Record<string, string>;
  /** `purposeCategory` per purpose key. Default `['6 - Marketing']`. */
  purposeCategories?: Record<string, string[]>;
  /** `piiCategory` per purpose key. Default `['2 - Contact']`. */
  piiCategories?: Record<string, string[]>;
  /** `termination`: when the consent ends. */
  termination?: string;
  /** Third parties the data is disclosed to, per purpose key (`thirdPartyDisclosure` / `thirdPartyName`). */
  thirdParties?: Record<string, string>;
  /** `primaryPurpose`: this purpose is flagged primary; default the first one. */
  primaryPurpose?: string;
  /** `publicKey` of the controller, when receipts are signed. */
  publicKey?: string;
  /** `consentReceiptID`; default a UUID derived from the trail head, the purposes and `now`. */
  consentReceiptId?: string;
}

export interface KantaraPurpose {
  purpose: string;
  purposeCategory: string[];
  consentType: string;
  piiCategory: string[];
  primaryPurpose: boolean;
  termination: string;
  thirdPartyDisclosure: boolean;
  thirdPartyName?: string;
}

export interface KantaraConsentReceipt {
  version: 'KI-CR-v1.1.0';
  jurisdiction: string;
  /** Seconds since 1970-01-01T00:00:00Z of the latest opt-in covered. */
  consentTimestamp: number;
  collectionMethod: string;
  consentReceiptID: string;
  publicKey?: string;
  language: string;
  piiPrincipalId: string;
  piiControllers: Array<{
    piiController: string;
    onBehalf?: boolean;
    contact: string;
    address: Record<string, string>;
    email: string;
    phone: string;
    piiControllerUrl?: string;
  }>;
  policyUrl: string;
  services: Array<{ service: string; purposes: KantaraPurpose[] }>;
  sensitive: boolean;
  spiCat: string[];
}

const DEFAULT_TERMINATION = 'Until withdrawn (unsubscribe link in every message, or on request to the controller)';

const COLLECTION_KIND: Record<string, string> = {
  event: 'In person at an event',
  'web-form': 'Web form',
  import: 'File import',
  purchase: 'At purchase',
  'paper-form': 'Paper form',
  phone: 'By phone',
  api: 'Through a connected application',
  'crm-user': 'Entered by staff',
  'crm-automation': 'Automated process',
  partner: 'Through a partner',
  subject: 'By the person directly',
  other: 'Other',
};

/**
 * A consent receipt for the consents in force in a trail (one purpose with `purpose`), or `null`
 * when there is none to show: a receipt is never invented for a consent that cannot be traced.
 * `piiPrincipalId` is the subject's address, as the specification expects an identifier.
 */
export function toKantaraConsentReceipt(trail: Trail, options: KantaraReceiptOptions): KantaraConsentReceipt | null {
  const now = new Date(options.now);
  if (typeof options.now !== 'string' || Number.isNaN(now.getTime())) throw new ValidationError([{ path: 'now', reason: 'must be an ISO 8601 date-time' }]);
  for (const key of ['jurisdiction', 'policyUrl'] as const) {
    if (typeof options[key] !== 'string' || options[key].trim() === '') throw new ValidationError([{ path: key, reason: 'is required by the consent receipt specification' }]);
  }
  if (isErasedTrail(trail)) return null;
  const consents = foldTrail(trail).consents.filter(
    (consent) =>
      consent.status === 'granted' &&
      consent.granted !== undefined &&
      (options.purpose === undefined || consent.purpose === options.purpose) &&
      (options.channel === undefined || consent.channel === options.channel || consent.channel === 'any'),
  );
  if (consents.length === 0) return null;

  const latest = consents.reduce((best, consent) => (consent.granted!.at > best.granted!.at ? consent : best));
  const primary = options.primaryPurpose ?? consents[0]!.purpose;
  const controller = options.controller;
  const purposes: KantaraPurpose[] = consents.map((consent) => {
    const thirdParty = options.thirdParties?.[consent.purpose];
    return {
      purpose: describePurpose(consent, options),
      purposeCategory: options.purposeCategories?.[consent.purpose] ?? ['6 - Marketing'],
      consentType: 'EXPLICIT',
      piiCategory: options.piiCategories?.[consent.purpose] ?? ['2 - Contact'],
      primaryPurpose: consent.purpose === primary,
      termination: options.termination ?? DEFAULT_TERMINATION,
      thirdPartyDisclosure: thirdParty !== undefined,
      ...(thirdParty !== undefined ? { thirdPartyName: thirdParty } : {}),
    };
  });
  return {
    version: 'KI-CR-v1.1.0',
    jurisdiction: options.jurisdiction,
    consentTimestamp: Math.floor(new Date(latest.granted!.at).getTime() / 1000),
    collectionMethod: collectionMethod(latest),
    consentReceiptID: options.consentReceiptId ?? receiptId(trail, consents, now.toISOString()),
    ...(options.publicKey ? { publicKey: options.publicKey } : {}),
    language: options.language ?? 'en',
    piiPrincipalId: trail.subject,
    piiControllers: [
      {
        piiController: controller.name,
        ...(controller.onBehalf !== undefined ? { onBehalf: controller.onBehalf } : {}),
        contact: controller.contact,
        address: { ...controller.address },
        email: controller.email,
        phone: controller.phone,
        ...(controller.url ? { piiControllerUrl: controller.url } : {}),
      },
    ],
    policyUrl: options.policyUrl,
    services: [{ service: options.service ?? controller.name, purposes }],
    sensitive: false,
    spiCat: [],
  };
}

function describePurpose(consent: ConsentState, options: KantaraReceiptOptions): string {
  const description = options.purposeDescriptions?.[consent.purpose] ?? consent.purpose;
  return consent.channel === 'any' ? description : `${description} (${consent.channel})`;
}

/** "Web form: Newsletter form on example.com, confirmed by double opt-in" */
function collectionMethod(consent: ConsentState): string {
  const source = consent.granted!.source;
  const kind = COLLECTION_KIND[source.kind] ?? source.kind;
  const strength = consent.strength === 'double-opt-in' ? ', confirmed by double opt-in' : consent.strength === 'single-opt-in' ? ', single opt-in with evidence' : ', no evidence recorded';
  return `${kind}: ${source.name}${strength}`;
}

/** A name-based UUID (version 8, RFC 9562) from the trail head, the consents covered and the date. */
function receiptId(trail: Trail, consents: readonly ConsentState[], now: string): string {
  const head = trail.events.at(-1)?.hash ?? '';
  const hex = sha256Hex(`${head}\u0000${consents.map((consent) => `${consent.purpose}/${consent.channel}`).join(',')}\u0000${now}`).slice(0, 32).split('');
  hex[12] = '8';
  hex[16] = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  const text = hex.join('');
  return `${text.slice(0, 8)}-${text.slice(8, 12)}-${text.slice(12, 16)}-${text.slice(16, 20)}-${text.slice(20)}`;
}
