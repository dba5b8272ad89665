import type { BuiltInReminderLocale } from '../reminder-locale';
import { reminderLocaleGerman } from './de';
import { reminderLocaleEnglish } from './en';
import { reminderLocaleSpanish } from './es';
import { reminderLocaleFrench } from './fr';
import { reminderLocaleItalian } from './it';
import { reminderLocaleDutch } from './nl';
import { reminderLocalePortuguese } from './pt';

/** The languages with built-in wording, by language code, in the order they are documented. */
export const BUILT_IN_REMINDER_LOCALES: ReadonlyMap<string, BuiltInReminderLocale> = new Map(
  [
    reminderLocaleFrench,
    reminderLocaleEnglish,
    reminderLocaleGerman,
    reminderLocaleSpanish,
    reminderLocaleItalian,
    reminderLocaleDutch,
    reminderLocalePortuguese,
  ].map((locale) => [locale.language, locale]),
);
