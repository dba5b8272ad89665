import { createSuppressionList, suppressionFingerprint, type SuppressionList } from '@optintrail/core';
import { UsageError } from './cli-errors';
import type { CommandContext } from './command-context';
import { appendListLine, readListFile } from './list-files';
import { SUPPRESSION_KEY_SETTING } from './settings';

const HEADER = 'OptinTrail suppression fingerprints (HMAC-SHA256 of erased addresses); keep with the key';

/**
 * A suppression file (one fingerprint per line, written by `erase`, read by `sync` and `backfill`)
 * with its key. The key comes from `OPTINTRAIL_SUPPRESSION_KEY` or the config file and is never
 * printed (the settings loader registers it with the redactor).
 */
export interface SuppressionFile {
  path: string;
  /** The fingerprints in the file, under the key: pass it to `push` as `suppression`. */
  list: SuppressionList;
  /** The fingerprints the file holds (those read, and those appended since). */
  readonly stored: ReadonlySet<string>;
  /** An address's fingerprint under the key, without adding it anywhere. */
  fingerprint(email: string): string;
  /** Appends a fingerprint the file does not hold yet (the file is created, mode 600, when missing). */
  append(fingerprint: string): void;
}

/**
 * Reads the key and the file (a missing file is an empty list). `why` names the option that needs the
 * key in the error when it is missing. Throws `UsageError` without a key, `ValidationError` (exit 2)
 * for a key shorter than 16 bytes or a line that is not a fingerprint, before anything is touched.
 */
export function openSuppressionFile(context: CommandContext, path: string, configPath: string | undefined, why: string): SuppressionFile {
  const key = context.loadSettings(configPath).get(SUPPRESSION_KEY_SETTING);
  if (!key) throw new UsageError(`${why} needs the fingerprint key: set ${SUPPRESSION_KEY_SETTING.env} (or ${SUPPRESSION_KEY_SETTING.config} in --config) to the ${SUPPRESSION_KEY_SETTING.description}`);
  const stored = new Set(readListFile(path, 'suppression file', { mustExist: false }) ?? []);
  // A short key is refused here (ValidationError), not halfway through a run.
  suppressionFingerprint('key-check@example.invalid', key);
  const list = createSuppressionList({ key, fingerprints: stored });
  return {
    path,
    list,
    stored,
    fingerprint: (email) => suppressionFingerprint(email, key),
    append(fingerprint) {
      if (stored.has(fingerprint)) return;
      appendListLine(path, fingerprint, HEADER);
      stored.add(fingerprint);
    },
  };
}
