import {
  appendEvents,
  buildTrail,
  canonicalJson,
  normalizeEmail,
  parseEventInput,
  TrailIntegrityError,
  ValidationError,
  type AppendOptions,
  type ProvenanceEvent,
  type ProvenanceEventInput,
  type Trail,
} from '@optintrail/core';
import type { InputProblem } from './input-problem';

/** One event read from the input, or why it could not be read. */
export type EventLine =
  | { line: number; input: unknown; describePath?: (path: string) => string }
  | { line: number; problem: string };

/** What becomes of each problem line: reported, and the subjects it could belong to held back. */
export interface TrailGroupingOptions extends AppendOptions {
  onProblem(problem: InputProblem): void;
  /**
   * Merge mode: the trail already stored for a subject (e.g. `adapter.pull`), or null. The input's
   * events are then appended to it, leaving out those it already holds (same id, or same content
   * when the input has no ids), so re-running a file or syncing new events for known subjects
   * writes only what is new.
   */
  storedTrail?: (subject: string) => Promise<Trail | null>;
}

interface Group {
  subject: string;
  events: ProvenanceEventInput[];
  lines: number[];
  /** Why the group is held back, when it is. */
  heldBack?: string;
}

/**
 * Groups the events of one subject, which must be contiguous in the input, into a trail (in input
 * order) and yields it. Only one subject's events are held in memory at a time.
 *
 * A bad line never lets part of a subject through: a missing withdrawal would make the CRM claim a
 * consent that was taken back. So a line that fails validation holds back its whole subject, and a
 * line that cannot be read at all (not JSON, no subject) holds back the subjects on both sides of
 * it, since it could belong to either. Everything held back is reported with line numbers.
 */
export async function* groupEventsIntoTrails(lines: AsyncIterable<EventLine>, options: TrailGroupingOptions): AsyncGenerator<Trail> {
  let group: Group | undefined;
  let unreadableSince: number | undefined;

  const finish = async (finished: Group): Promise<Trail | undefined> => {
    if (finished.heldBack) {
      options.onProblem({ kind: 'subject', line: finished.lines[0]!, subject: finished.subject, reason: `${finished.subject} not synced: ${finished.heldBack}` });
      return undefined;
    }
    let stored: Trail | null = null;
    if (options.storedTrail) {
      try {
        stored = await options.storedTrail(finished.subject);
      } catch (error) {
        if (!TrailIntegrityError.isInstance(error)) throw error;
        options.onProblem({ kind: 'subject', line: finished.lines[0]!, subject: finished.subject, reason: `${finished.subject} not synced: the trail stored in the CRM does not verify (${error.message})` });
        return undefined;
      }
    }
    try {
      return stored ? appendEvents(stored, eventsNotIn(stored, finished.events), options) : buildTrail(finished.subject, finished.events, options);
    } catch (error) {
      if (!ValidationError.isInstance(error)) throw error;
      const index = Number(/^events\[(\d+)\]/.exec(error.path)?.[1] ?? 0);
      const line = finished.lines[index] ?? finished.lines[0]!;
      options.onProblem({ kind: 'line', line, subject: finished.subject, reason: error.reason });
      options.onProblem({ kind: 'subject', line: finished.lines[0]!, subject: finished.subject, reason: `${finished.subject} not synced: line ${line} is invalid` });
      return undefined;
    }
  };

  for await (const item of lines) {
    if ('problem' in item) {
      options.onProblem({ kind: 'line', line: item.line, reason: item.problem });
      if (group && !group.heldBack) group.heldBack = `line ${item.line} next to its events could not be read`;
      unreadableSince ??= item.line;
      continue;
    }
    let event: ProvenanceEventInput | undefined;
    let problem: string | undefined;
    try {
      event = parseEventInput(item.input);
    } catch (error) {
      if (!ValidationError.isInstance(error)) throw error;
      const issue = error.issues[0];
      const where = issue ? (item.describePath?.(issue.path) ?? issue.path) : '';
      problem = `${where ? `${where}: ` : ''}${issue?.reason ?? error.message}${error.issues.length > 1 ? ` (and ${error.issues.length - 1} more)` : ''}`;
    }
    const subject = event?.subject ?? readableSubject(item.input);
    if (subject === undefined) {
      // Without a subject the line cannot be placed: treat it like an unreadable line.
      options.onProblem({ kind: 'line', line: item.line, reason: problem ?? 'the event has no subject' });
      if (group && !group.heldBack) group.heldBack = `line ${item.line} next to its events could not be read`;
      unreadableSince ??= item.line;
      continue;
    }
    if (!group || group.subject !== subject) {
      if (group) {
        const trail = await finish(group);
        if (trail) yield trail;
      }
      group = { subject, events: [], lines: [] };
      if (unreadableSince !== undefined) group.heldBack = `line ${unreadableSince} just before its events could not be read`;
    }
    unreadableSince = undefined;
    group.lines.push(item.line);
    if (event) group.events.push(event);
    else {
      options.onProblem({ kind: 'line', line: item.line, subject, reason: problem! });
      group.heldBack ??= `line ${item.line} is invalid`;
    }
  }
  if (group) {
    const trail = await finish(group);
    if (trail) yield trail;
  }
}

/** The inputs a stored trail does not hold yet: matched by id, or by content for inputs without one. */
function eventsNotIn(stored: Trail, inputs: readonly ProvenanceEventInput[]): ProvenanceEventInput[] {
  const ids = new Set(stored.events.map((event) => event.id));
  const contents = new Set(stored.events.map((event) => contentKey(event)));
  return inputs.filter((input) => (input.id !== undefined ? !ids.has(input.id) : !contents.has(contentKey(input))));
}

/** What an event says, without what storage adds (id, salt, chain links). */
function contentKey(event: ProvenanceEventInput | ProvenanceEvent): string {
  const { id: _id, subject: _subject, ...content } = event as ProvenanceEvent;
  const { salt: _salt, prev: _prev, hash: _hash, ...rest } = content;
  const lawfulBasis = rest.lawfulBasis ?? (rest.type.startsWith('consent.') ? 'consent' : undefined);
  return canonicalJson({ ...rest, ...(lawfulBasis ? { lawfulBasis } : {}) });
}

/** The normalised subject of an input that failed validation for another reason, if it has a usable one. */
function readableSubject(input: unknown): string | undefined {
  const subject = (input as { subject?: unknown } | null)?.subject;
  if (typeof subject !== 'string' || !subject.includes('@')) return undefined;
  return normalizeEmail(subject);
}
