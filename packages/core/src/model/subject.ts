/** How adapters and callers name a subject. */
export interface SubjectRef {
  /** The subject's email address; normalised before use. */
  email: string;
}

/**
 * Normalises an email address the way the CRMs match them: Unicode NFC, trimmed, lower-cased.
 * (Mailchimp's subscriber hash and HubSpot's email match are both case-insensitive.)
 */
export function normalizeEmail(email: string): string {
  return email.normalize('NFC').trim().toLowerCase();
}
