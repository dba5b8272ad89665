/**
 * Exit codes scripts can rely on. Every command ends with one of these.
 * - 0: done, nothing failed.
 * - 1: done, but the data had failures: some records were not written, a trail does not verify, a
 *   subject is unknown, an input line was bad, an audit found a broken chain.
 * - 2: usage error: bad arguments, missing credentials, unreadable input or config; nothing was done.
 * - 3: the run could not complete for reasons outside the data: the CRM refused the credentials or
 *   could not be reached, a file could not be written, an adapter is missing from this build.
 * - 130: stopped by Ctrl-C (SIGINT) between batches; the resume file holds where it stopped.
 */
export const EXIT_OK = 0;
export const EXIT_DATA_FAILURE = 1;
export const EXIT_USAGE = 2;
export const EXIT_OPERATIONAL = 3;
export const EXIT_INTERRUPTED = 130;
