import { randomBytes } from 'node:crypto';
import type { PageLocale } from './signup-copy';

/** A double opt-in waiting for its link to be followed. */
export interface PendingConfirmation {
  subject: string;
  /** The consent.given event the link confirms. */
  consentEventId: string;
  locale: PageLocale;
  issuedAt: Date;
}

export interface ConfirmationLinks {
  /** A new unguessable token for this sign-up. */
  issue(pending: PendingConfirmation): string;
  /** The sign-up behind a token, or `undefined` when unknown or expired. Stays valid until it expires, so a second click shows the same page. */
  find(token: string, now: Date): PendingConfirmation | undefined;
}

/**
 * Confirmation tokens held in memory: enough for a demo, lost on restart. A real site keeps them in
 * its database (or signs them) and sends the link by email instead of showing it.
 */
export function createConfirmationLinks(settings: { validForMs?: number } = {}): ConfirmationLinks {
  const validForMs = settings.validForMs ?? 7 * 24 * 60 * 60 * 1000;
  const pending = new Map<string, PendingConfirmation>();
  return {
    issue(confirmation) {
      const token = randomBytes(24).toString('base64url');
      pending.set(token, confirmation);
      return token;
    },
    find(token, now) {
      const confirmation = pending.get(token);
      if (!confirmation) return undefined;
      if (now.getTime() - confirmation.issuedAt.getTime() > validForMs) {
        pending.delete(token);
        return undefined;
      }
      return confirmation;
    },
  };
}
