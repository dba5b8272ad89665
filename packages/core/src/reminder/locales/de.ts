import type { BuiltInReminderLocale } from '../reminder-locale';

/**
 * German, formal "Sie". Purpose labels are accusative ("diesen Newsletter") because every sentence
 * uses them as the object of "erhalten", "senden" or "anmelden für"; the reason is a subordinate
 * clause with the verb last, after a comma.
 */
export const reminderLocaleGerman: BuiltInReminderLocale = {
  language: 'de',
  templates: {
    'email-footer': 'Sie erhalten {purpose}, {reason}.',
    'postal-mail': 'Wir senden Ihnen {purpose}, {reason}.',
    'preference-centre': {
      subscribed: 'Sie haben sich am {date} {source} für {purpose} angemeldet.',
      default: 'Sie erhalten {purpose}, {reason}.',
    },
    'unsubscribe-page': 'Zur Erinnerung: Sie erhalten {purpose}, {reason}.',
    'welcome-message': {
      subscribed: 'Vielen Dank für Ihre Anmeldung am {date} {source}: Ab sofort erhalten Sie {purpose}.',
      default: 'Willkommen! Ab sofort erhalten Sie {purpose}, {reason}.',
    },
    reasons: {
      subscribed: 'weil Sie sich am {date} {source} angemeldet haben',
      'subscribed:purchase': 'weil Sie sich bei Ihrem Einkauf am {date} {source} angemeldet haben',
      relationship: 'da wir seit dem {date} {source} miteinander in Kontakt stehen',
      'relationship:purchase': 'weil Sie am {date} {source} bei uns eingekauft haben',
      provided: 'weil Ihre Kontaktdaten am {date} {source} in unsere Liste aufgenommen wurden',
      'provided:partner': 'weil unser Partner {partner} uns Ihre Kontaktdaten am {date} übermittelt hat',
    },
    sources: {
      event: 'auf der Veranstaltung „{name}“',
      'web-form': 'online ({name})',
      import: '({name})',
      purchase: '({name})',
      'paper-form': 'über ein Papierformular ({name})',
      phone: 'per Telefon ({name})',
      api: 'über {name}',
      'crm-user': 'bei unserem Team ({name})',
      'crm-automation': '({name})',
      partner: 'über unseren Partner {partner}',
      subject: '({name})',
      other: '({name})',
    },
  },
  purposes: {
    newsletter: 'diesen Newsletter',
    offers: 'unsere Angebote',
  },
  channels: {
    email: 'diese E-Mails',
    sms: 'diese SMS',
    phone: 'diese Anrufe',
    postal: 'dieses Schreiben',
    push: 'diese Benachrichtigungen',
    messaging: 'diese Nachrichten',
    any: 'diese Nachrichten',
  },
};
