/**
 * A data subject's rights end to end, against local HubSpot, Mailchimp and Salesforce emulators:
 * subscribe, change, access report (text here, HTML in a temporary folder), rectification, erasure
 * (receipts and a suppression fingerprint), and the re-import that is refused.
 *
 *   npm start
 *
 * Optional: OPTINTRAIL_SUPPRESSION_KEY (at least 16 bytes, e.g. `openssl rand -hex 32`) — the key of
 * the suppression fingerprints; a fixed demonstration key is used without it.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runRightsCycle } from './rights-cycle';

const DEMONSTRATION_KEY = 'rights-cycle-demonstration-key-not-for-production';

async function main(): Promise<void> {
  const outputDirectory = await mkdtemp(join(tmpdir(), 'optintrail-rights-cycle-'));
  const key = process.env['OPTINTRAIL_SUPPRESSION_KEY'];
  if (!key) console.log('(OPTINTRAIL_SUPPRESSION_KEY is not set: using a demonstration key for the suppression fingerprints.)');
  const result = await runRightsCycle({ print: (line) => console.log(line), outputDirectory, suppressionKey: key ?? DEMONSTRATION_KEY });
  if (!result.erasure.complete) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
