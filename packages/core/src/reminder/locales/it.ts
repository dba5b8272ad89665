import type { BuiltInReminderLocale } from '../reminder-locale';

/**
 * Italian, informal "tu" as Italian newsletters usually write. Dates follow "in data" rather than an
 * article, which would need elision ("l'8 settembre"); nothing agrees with the reader's gender
 * ("la tua iscrizione", "in quanto cliente").
 */
export const reminderLocaleItalian: BuiltInReminderLocale = {
  language: 'it',
  templates: {
    'email-footer': 'Ricevi {purpose} {reason}.',
    'postal-mail': 'Ti inviamo {purpose} {reason}.',
    'preference-centre': {
      subscribed: 'Hai scelto di ricevere {purpose} iscrivendoti in data {date} {source}.',
      default: 'Ricevi {purpose} {reason}.',
    },
    'unsubscribe-page': 'Ti ricordiamo che ricevi {purpose} {reason}.',
    'welcome-message': {
      subscribed: 'Grazie per la tua iscrizione in data {date} {source}: da ora in poi riceverai {purpose}.',
      default: 'Ti diamo il benvenuto! Da ora in poi riceverai {purpose} {reason}.',
    },
    reasons: {
      subscribed: 'in seguito alla tua iscrizione in data {date} {source}',
      'subscribed:purchase': 'in seguito alla tua iscrizione durante un acquisto in data {date} {source}',
      relationship: "nell'ambito del nostro rapporto, avviato in data {date} {source}",
      'relationship:purchase': 'in quanto cliente, dopo il tuo acquisto in data {date} {source}',
      provided: 'perché i tuoi dati sono stati inseriti nel nostro elenco in data {date} {source}',
      'provided:partner': 'perché il nostro partner {partner} ci ha trasmesso i tuoi dati in data {date}',
    },
    sources: {
      event: "durante l'evento «{name}»",
      'web-form': 'online ({name})',
      import: '({name})',
      purchase: '({name})',
      'paper-form': 'tramite un modulo cartaceo ({name})',
      phone: 'per telefono ({name})',
      api: 'tramite {name}',
      'crm-user': 'presso il nostro team ({name})',
      'crm-automation': '({name})',
      partner: 'tramite il nostro partner {partner}',
      subject: '({name})',
      other: '({name})',
    },
  },
  purposes: {
    newsletter: 'questa newsletter',
    offers: 'le nostre offerte',
  },
  channels: {
    email: 'queste email',
    sms: 'questi SMS',
    phone: 'queste chiamate',
    postal: 'questa comunicazione',
    push: 'queste notifiche',
    messaging: 'questi messaggi',
    any: 'questi messaggi',
  },
  formatDay: (day) => (day === '1' ? '1º' : day),
};
