/**
 * Mailchimp answers date-times as `2015-09-16T19:24:29+00:00`: UTC, whole seconds. Whatever
 * precision a client sends is lost on the way in, as it is on the real API.
 */
export function formatMailchimpTimestamp(milliseconds: number | null | undefined): string {
  if (milliseconds === null || milliseconds === undefined) return '';
  return `${new Date(Math.floor(milliseconds / 1000) * 1000).toISOString().slice(0, 19)}+00:00`;
}

const SPACE_SEPARATED = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2})(:\d{2})?$/;
const COMPACT_OFFSET = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{3})?)([+-])(\d{2})(\d{2})$/;
const NAMED_ZONE = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}) (UTC|GMT|Z)$/;
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * Parses the timestamp formats the vendor spec lists for `timestamp_signup` / `timestamp_opt`
 * (ISO 8601 date-time, `YYYY-MM-DD HH:MM[:SS]` taken as UTC, `…T…±HHMM`, `… UTC`) and
 * `occurred_at`. Returns milliseconds truncated to whole seconds, or `null` when unreadable.
 */
export function parseMailchimpTimestamp(value: string): number | null {
  let normalised: string | undefined;
  let match: RegExpExecArray | null;
  if (ISO_DATE_TIME.test(value)) normalised = value;
  else if ((match = SPACE_SEPARATED.exec(value))) normalised = `${match[1]}T${match[2]}${match[3] ?? ':00'}Z`;
  else if ((match = COMPACT_OFFSET.exec(value))) normalised = `${match[1]}${match[2]}${match[3]}:${match[4]}`;
  else if ((match = NAMED_ZONE.exec(value))) normalised = `${match[1]}T${match[2]}Z`;
  if (!normalised) return null;
  const milliseconds = Date.parse(normalised);
  if (Number.isNaN(milliseconds)) return null;
  return Math.floor(milliseconds / 1000) * 1000;
}
