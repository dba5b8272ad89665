import type { SourceKind } from '../model/event';

/** Where the reminder is shown; each gets wording that reads naturally there. */
export type Touchpoint = 'email-footer' | 'postal-mail' | 'preference-centre' | 'unsubscribe-page' | 'welcome-message';
export const TOUCHPOINTS: readonly Touchpoint[] = ['email-footer', 'postal-mail', 'preference-centre', 'unsubscribe-page', 'welcome-message'];

/**
 * What the trail allows the sentence to claim, decided from the lawful basis, the source kind and
 * the proof — never from the template:
 * - `subscribed`: consent given by the subject (a first-party source, or an import or partner list
 *   that carries proof) — "because you subscribed on …";
 * - `relationship`: another lawful basis (legitimate interests, contract…) — "because you have been
 *   a customer since your purchase on …" (`relationship:purchase`) or "because we have been in
 *   touch since …";
 * - `provided`: an import or partner list without proof — only that the details were received
 *   ("provided to us by our partner X on …", `provided:partner`), never "you subscribed".
 */
export type ReminderSituation = 'subscribed' | 'relationship' | 'provided';
export const REMINDER_SITUATIONS: readonly ReminderSituation[] = ['subscribed', 'relationship', 'provided'];

/**
 * Chooses a template by situation, optionally narrowed to a source kind: `subscribed`,
 * `subscribed:event`, `relationship:purchase`, `provided:partner`. An `import` source that names a
 * partner counts as kind `partner` here.
 */
export type ReminderSituationKey = ReminderSituation | `${ReminderSituation}:${SourceKind}`;

/**
 * The sentence for one touchpoint: one template for every situation, or one per situation key with
 * `default` for the others. The most specific key wins: `subscribed:event`, then `subscribed`, then
 * `default`.
 */
export type ReminderSentenceTemplate = string | Partial<Record<ReminderSituationKey | 'default', string>>;

/**
 * One locale's templates. Every entry is optional in an override; what an override leaves out comes
 * from the built-in templates of the locale's language.
 *
 * Placeholder syntax (values are escaped in HTML mode, the template text is not):
 * - `{purpose}` the purpose label ("cette newsletter", "this newsletter"), see `purposeLabels`;
 * - `{date}` the day of the opt-in (or of the grant), formatted with `Intl` in the time zone asked for;
 * - `{source}` how the source is named in this locale: the source's own phrase
 *   (`source.phrases[locale]`) when it has one, otherwise the `sources` template for its kind;
 * - `{name}`, `{place}`, `{partner}`, `{campaign}`, `{url}` the source's fields (`{partner}` is the
 *   source name for a `partner` source); empty when the source has no such field. The built-in
 *   wording names the source only (so the sentence stays the same whether a place is recorded or
 *   not); add the place in an override: `sources: { event: 'at {name}[ ({place})]' }`;
 * - `{reason}` (sentences only) the `reasons` clause for the situation: override a sentence's frame
 *   and keep the built-in, honest reason by writing e.g. `'Acme vous envoie {purpose} {reason}.'`;
 * - `[ … ]` an optional part, left out when a placeholder inside it is empty: `at {name}[ ({place})]`;
 * - `{{`, `}}`, `[[`, `]]` a literal brace or bracket.
 * An unknown placeholder or an unbalanced brace is a `ValidationError` naming the template's path.
 */
export interface ReminderLocaleTemplates {
  'email-footer'?: ReminderSentenceTemplate;
  'postal-mail'?: ReminderSentenceTemplate;
  'preference-centre'?: ReminderSentenceTemplate;
  'unsubscribe-page'?: ReminderSentenceTemplate;
  'welcome-message'?: ReminderSentenceTemplate;
  /** The sentence for every touchpoint that has no entry of its own (in this locale or a more specific one). */
  '*'?: ReminderSentenceTemplate;
  /** The clause `{reason}` stands for, per situation key. */
  reasons?: Partial<Record<ReminderSituationKey, string>>;
  /** The neutral phrase `{source}` stands for, per source kind, when the source has no phrase of its own for the locale. */
  sources?: Partial<Record<SourceKind, string>>;
}

/**
 * User templates keyed by BCP 47 tag (`fr`, `fr-CA`, `en-US`). A regional entry overrides the
 * language entry, which overrides the built-in templates. Templates for a language with no built-in
 * wording make that language available, provided they cover what is asked of them.
 */
export type ReminderTemplates = Record<string, ReminderLocaleTemplates>;
