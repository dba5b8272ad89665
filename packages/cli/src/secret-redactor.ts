/** Replaces known secret values in any text about to be printed: the last line of defence. */
export interface SecretRedactor {
  /** Registers a value (a token, an API key) that must never be printed. */
  add(secret: string | undefined): void;
  redact(text: string): string;
}

const REDACTED = '[redacted]';

export function createSecretRedactor(): SecretRedactor {
  const secrets = new Set<string>();
  return {
    add(secret) {
      // Very short values would blank out ordinary words; no real credential is that short.
      if (secret && secret.length >= 6) secrets.add(secret);
    },
    redact(text) {
      let result = text;
      // Longest first, so a secret containing another is replaced whole.
      for (const secret of [...secrets].sort((a, b) => b.length - a.length)) result = result.split(secret).join(REDACTED);
      return result;
    },
  };
}
