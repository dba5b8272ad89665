import type { BuiltInReminderLocale } from '../reminder-locale';

// French typography: a no-break space before « : ! ? » and inside guillemets.
const NBSP = '\u00a0';

/**
 * French. Every sentence avoids agreeing with the reader's gender ("votre inscription", never
 * "vous êtes inscrit"), and a source without its own phrase is named in a way that is right
 * whatever the gender of its name ("lors de l'événement « Foire de Lyon »").
 */
export const reminderLocaleFrench: BuiltInReminderLocale = {
  language: 'fr',
  templates: {
    'email-footer': 'Vous recevez {purpose} {reason}.',
    'postal-mail': 'Nous vous adressons {purpose} {reason}.',
    'preference-centre': {
      subscribed: 'Vous avez choisi de recevoir {purpose} en vous inscrivant le {date} {source}.',
      default: 'Vous recevez {purpose} {reason}.',
    },
    'unsubscribe-page': {
      subscribed: 'Vous recevez {purpose} depuis votre inscription le {date} {source}.',
      default: 'Pour rappel, vous recevez {purpose} {reason}.',
    },
    'welcome-message': {
      subscribed: `Merci pour votre inscription du {date} {source}${NBSP}: vous recevrez désormais {purpose}.`,
      default: `Bienvenue${NBSP}! Vous recevrez désormais {purpose} {reason}.`,
    },
    reasons: {
      subscribed: 'suite à votre inscription le {date} {source}',
      'subscribed:purchase': 'suite à votre inscription lors de votre achat du {date} {source}',
      relationship: 'dans le cadre de notre relation, établie le {date} {source}',
      'relationship:purchase': 'suite à votre achat du {date} {source}',
      provided: 'car vos coordonnées ont été ajoutées à notre fichier le {date} {source}',
      'provided:partner': 'car notre partenaire {partner} nous a transmis vos coordonnées le {date}',
    },
    sources: {
      event: `lors de l'événement «${NBSP}{name}${NBSP}»`,
      'web-form': 'en ligne ({name})',
      import: '({name})',
      purchase: '({name})',
      'paper-form': 'sur un formulaire papier ({name})',
      phone: 'par téléphone ({name})',
      api: 'via {name}',
      'crm-user': 'auprès de notre équipe ({name})',
      'crm-automation': '({name})',
      partner: 'auprès de notre partenaire {partner}',
      subject: '({name})',
      other: '({name})',
    },
  },
  purposes: {
    newsletter: 'cette newsletter',
    offers: 'nos offres',
  },
  channels: {
    email: 'ces e-mails',
    sms: 'ces SMS',
    phone: 'ces appels',
    postal: 'ce courrier',
    push: 'ces notifications',
    messaging: 'ces messages',
    any: 'ces messages',
  },
  formatDay: (day) => (day === '1' ? '1er' : day),
};
