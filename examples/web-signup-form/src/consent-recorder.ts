/**
 * Turns a form submission and a followed confirmation link into events, and writes them through the
 * CRM adapter: read the subject's trail from the CRM, append, push. Everything is validated by core
 * before anything is read or written, so a refused submission leaves no trace anywhere.
 */
import {
  appendEvents,
  buildTrail,
  createTrail,
  foldTrail,
  ValidationError,
  type CrmAdapter,
  type ProvenanceEventInput,
  type Proof,
  type Source,
  type SubjectState,
  type Trail,
  type ValidationIssue,
} from '@optintrail/core';

/** What the page sent, plus the proof the server collected around it. */
export interface SignupSubmission {
  email: string;
  firstName: string;
  /** The consent box was ticked. */
  consentTicked: boolean;
  purpose: string;
  source: Source;
  /** IP, user agent, form URL and version, wording hash. */
  proof: Proof;
}

/** A problem with one form field: `field` is the input's name, `path` and `reason` come from core. */
export interface FieldProblem {
  field: 'email' | 'firstName' | 'consent' | 'form';
  path: string;
  reason: string;
}

export type SignupOutcome =
  | { kind: 'invalid'; problems: FieldProblem[] }
  | { kind: 'recorded'; subject: string; consentEventId: string };

/** The confirmation link was followed: its request's proof. */
export interface ConfirmationRequest {
  subject: string;
  consentEventId: string;
  purpose: string;
  source: Source;
  ip: string | undefined;
  userAgent: string | undefined;
}

export interface ConfirmationOutcome {
  /** The state folded from the trail as the CRM now holds it. */
  state: SubjectState;
  /** False when the link had been followed before (nothing was written this time). */
  written: boolean;
}

export interface ConsentRecorder {
  recordSignup(submission: SignupSubmission): Promise<SignupOutcome>;
  /** `undefined` when the CRM holds no such subject or consent (a link for something erased since). */
  recordConfirmation(request: ConfirmationRequest): Promise<ConfirmationOutcome | undefined>;
}

/** Which form field a core validation path belongs to: inputs are [consent.given, data.collected?]. */
function fieldOf(path: string): FieldProblem['field'] {
  if (/^events\[\d+\]\.subject$/.test(path)) return 'email';
  if (/^events\[1\]\.fields\[0\]\.value$/.test(path)) return 'firstName';
  return 'form';
}

function problemsOf(error: ValidationError): FieldProblem[] {
  const seen = new Set<string>();
  const problems: FieldProblem[] = [];
  for (const issue of error.issues as readonly ValidationIssue[]) {
    const field = fieldOf(issue.path);
    // The subject is in every event: report it once.
    if (seen.has(`${field}:${issue.reason}`)) continue;
    seen.add(`${field}:${issue.reason}`);
    problems.push({ field, path: issue.path, reason: issue.reason });
  }
  return problems;
}

export function createConsentRecorder(settings: { adapter: CrmAdapter; now?: () => Date }): ConsentRecorder {
  const { adapter } = settings;
  const now = settings.now ?? (() => new Date());
  // One read-append-push at a time per subject, so two quick submissions cannot fork a trail.
  const queues = new Map<string, Promise<unknown>>();
  function serialised<T>(subject: string, task: () => Promise<T>): Promise<T> {
    const previous = queues.get(subject) ?? Promise.resolve();
    const next = previous.then(task, task);
    const settled = next.then(
      () => undefined,
      () => undefined,
    );
    queues.set(subject, settled);
    void settled.then(() => {
      if (queues.get(subject) === settled) queues.delete(subject);
    });
    return next;
  }

  async function write(trail: Trail): Promise<void> {
    const report = await adapter.push([trail]);
    if (report.failed > 0) {
      const failure = report.failures[0];
      throw new Error(`${adapter.id} did not store the events: ${failure?.reason ?? 'unknown reason'}`);
    }
  }

  return {
    async recordSignup(submission) {
      const at = now().toISOString();
      const firstName = submission.firstName.trim();
      const inputs: ProvenanceEventInput[] = [
        {
          subject: submission.email,
          at,
          type: 'consent.given',
          purpose: submission.purpose,
          channel: 'email',
          source: submission.source,
          proof: submission.proof,
          actor: { kind: 'subject' },
        },
      ];
      if (firstName) inputs.push({ subject: submission.email, at, type: 'data.collected', source: submission.source, fields: [{ name: 'firstName', value: firstName }], actor: { kind: 'subject' } });

      // Core validates everything first (and the checkbox is ours to check): nothing is read or written on a refusal.
      const problems: FieldProblem[] = [];
      let subject: string | undefined;
      try {
        subject = buildTrail(submission.email, inputs).subject;
      } catch (error) {
        if (!ValidationError.isInstance(error)) throw error;
        problems.push(...problemsOf(error));
      }
      if (!submission.consentTicked) problems.push({ field: 'consent', path: 'consent', reason: 'required' });
      if (problems.length > 0 || subject === undefined) return { kind: 'invalid', problems };

      return serialised(subject, async () => {
        const stored = (await adapter.pull({ email: subject })) ?? createTrail(subject);
        const known = foldTrail(stored).fields['firstName'];
        const events = inputs.map((input) => ({ ...input, subject }));
        // A returning subscriber: the name is recorded again only when it changed, as an update.
        if (firstName && known && !known.erased) {
          events.pop();
          if (known.value !== firstName) {
            events.push({ subject, at, type: 'data.updated', source: submission.source, fields: [{ name: 'firstName', value: firstName, previousValue: known.value as string }], actor: { kind: 'subject' } });
          }
        }
        const trail = appendEvents(stored, events);
        await write(trail);
        return { kind: 'recorded', subject, consentEventId: trail.events[stored.events.length]!.id };
      });
    },

    async recordConfirmation(request) {
      return serialised(request.subject, async () => {
        const stored = await adapter.pull({ email: request.subject });
        const given = stored?.events.findIndex((event) => event.id === request.consentEventId) ?? -1;
        if (!stored || given < 0) return undefined;
        const alreadyConfirmed = stored.events
          .slice(given + 1)
          .some((event) => event.type === 'consent.confirmed' && event.purpose === request.purpose && event.channel === 'email');
        if (alreadyConfirmed) return { state: foldTrail(stored), written: false };

        const at = now().toISOString();
        const trail = appendEvents(stored, [
          {
            subject: request.subject,
            at,
            type: 'consent.confirmed',
            purpose: request.purpose,
            channel: 'email',
            source: request.source,
            proof: {
              ...(request.ip ? { ip: request.ip } : {}),
              ...(request.userAgent ? { userAgent: request.userAgent } : {}),
              doubleOptIn: { confirmedAt: at, method: 'email-link', ...(request.ip ? { ip: request.ip } : {}) },
            },
            actor: { kind: 'subject' },
          },
        ]);
        await write(trail);
        return { state: foldTrail(trail), written: true };
      });
    },
  };
}
