import { withRetry } from '@optintrail/core';
import { gunzipSync } from 'node:zlib';
import { Readable } from 'node:stream';
import { extract } from 'tar-stream';

/** One operation's outcome in a batch results archive. `response` is the body as a JSON string. */
export interface MailchimpBatchResult {
  status_code: number;
  operation_id: string | null;
  response: string;
}

/**
 * Reads the archive a finished batch's `response_body_url` points to: a gzipped tar of JSON
 * files, each an array of `{status_code, operation_id, response}`. Entries that are not JSON
 * arrays (directories, other files) are skipped.
 */
export async function readBatchResultsArchive(archive: Uint8Array): Promise<MailchimpBatchResult[]> {
  const tar = gunzipSync(archive);
  const results: MailchimpBatchResult[] = [];
  const extractor = extract();
  const reading = (async () => {
    for await (const entry of extractor) {
      const chunks: Buffer[] = [];
      for await (const chunk of entry) chunks.push(Buffer.from(chunk as Uint8Array));
      if (entry.header.type !== 'file' || !entry.header.name.endsWith('.json')) continue;
      const parsed: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      if (Array.isArray(parsed)) results.push(...(parsed as MailchimpBatchResult[]));
    }
  })();
  Readable.from([tar]).pipe(extractor as unknown as NodeJS.WritableStream);
  await reading;
  return results;
}

/** Downloads and reads a finished batch's results, a few times over if the link fails (it is not an API call). */
export function downloadBatchResults(responseBodyUrl: string, fetchImplementation: typeof fetch = fetch): Promise<MailchimpBatchResult[]> {
  return withRetry(() => fetchBatchResults(responseBodyUrl, fetchImplementation), { maxAttempts: 4, baseDelayMs: 250, isRetryable: () => true });
}

/**
 * Downloads and reads a batch's results. The link is a plain HTTPS URL (S3 on the real
 * service), fetched without credentials; it is not an API call.
 */
export async function fetchBatchResults(responseBodyUrl: string, fetchImplementation: typeof fetch = fetch): Promise<MailchimpBatchResult[]> {
  const response = await fetchImplementation(responseBodyUrl);
  if (!response.ok) throw new Error(`Could not download the batch results (HTTP ${response.status}).`);
  return readBatchResultsArchive(new Uint8Array(await response.arrayBuffer()));
}
