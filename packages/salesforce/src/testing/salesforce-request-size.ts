import type { EmulatorRequest, EmulatorResponse } from '@optintrail/emulator-kit';
import { SalesforceRequestError } from './salesforce-emulator-errors';

/**
 * Salesforce's edge refuses a request whose URI passes 16,384 bytes with 414 URI Too Long, and one
 * whose URI and headers together pass it with 431 Request Header Fields Too Large (help article
 * 000386264). Both are answered by its front server as small HTML pages, before any API logic:
 * nothing is counted. A SOQL statement sent in a Composite body is not bound by it.
 */
export const MAX_REQUEST_URI_BYTES = 16_384;

/** Salesforce refuses SOQL statements longer than this, with MALFORMED_QUERY. */
export const MAX_SOQL_CHARACTERS = 100_000;

function edgePage(status: 414 | 431, reason: string): EmulatorResponse {
  return { status, body: `<h1>Bad Message ${status}</h1><pre>reason: ${reason}</pre>`, contentType: 'text/html;charset=iso-8859-1' };
}

/**
 * The 414 or 431 Salesforce's edge would answer for this request, or null. Node's HTTP server has a
 * 16 KB limit of its own on the request line and headers (answered 431 before the emulator sees the
 * request); start Node with a larger `--max-http-header-size` to get Salesforce's exact answers.
 */
export function requestSizeRefusal(request: EmulatorRequest): EmulatorResponse | null {
  const uri = Buffer.byteLength(`${request.url.pathname}${request.url.search}`);
  if (uri > MAX_REQUEST_URI_BYTES) return edgePage(414, 'URI Too Long');
  let headers = 0;
  for (const [name, value] of Object.entries(request.headers)) {
    if (value === undefined) continue;
    for (const line of Array.isArray(value) ? value : [value]) headers += Buffer.byteLength(`${name}: ${line}\r\n`);
  }
  if (uri + headers > MAX_REQUEST_URI_BYTES) return edgePage(431, 'Request Header Fields Too Large');
  return null;
}

/** MALFORMED_QUERY for a statement past {@link MAX_SOQL_CHARACTERS}, in Salesforce's wording, checked before parsing. */
export function checkSoqlLength(soql: string): void {
  if (soql.length > MAX_SOQL_CHARACTERS) {
    throw SalesforceRequestError.of(400, 'MALFORMED_QUERY', `SOQL statements can not be longer than ${MAX_SOQL_CHARACTERS} characters.`);
  }
}
