import type { BuiltInReminderLocale } from '../reminder-locale';

/** Dutch, informal "je" as most Dutch newsletters write; the reason is a subordinate clause with the verb last. */
export const reminderLocaleDutch: BuiltInReminderLocale = {
  language: 'nl',
  templates: {
    'email-footer': 'Je ontvangt {purpose} {reason}.',
    'postal-mail': 'We sturen je {purpose} {reason}.',
    'preference-centre': {
      subscribed: 'Je hebt je op {date} {source} aangemeld voor {purpose}.',
      default: 'Je ontvangt {purpose} {reason}.',
    },
    'unsubscribe-page': 'Ter herinnering: je ontvangt {purpose} {reason}.',
    'welcome-message': {
      subscribed: 'Bedankt voor je aanmelding op {date} {source}: vanaf nu ontvang je {purpose}.',
      default: 'Welkom! Vanaf nu ontvang je {purpose} {reason}.',
    },
    reasons: {
      subscribed: 'omdat je je op {date} {source} hebt aangemeld',
      'subscribed:purchase': 'omdat je je bij je aankoop op {date} {source} hebt aangemeld',
      relationship: 'omdat we sinds {date} {source} contact met je hebben',
      'relationship:purchase': 'omdat je klant bent sinds je aankoop op {date} {source}',
      provided: 'omdat je gegevens op {date} {source} aan onze lijst zijn toegevoegd',
      'provided:partner': 'omdat onze partner {partner} je gegevens op {date} aan ons heeft doorgegeven',
    },
    sources: {
      event: 'tijdens het evenement ‘{name}’',
      'web-form': 'online ({name})',
      import: '({name})',
      purchase: '({name})',
      'paper-form': 'via een papieren formulier ({name})',
      phone: 'telefonisch ({name})',
      api: 'via {name}',
      'crm-user': 'bij ons team ({name})',
      'crm-automation': '({name})',
      partner: 'via onze partner {partner}',
      subject: '({name})',
      other: '({name})',
    },
  },
  purposes: {
    newsletter: 'deze nieuwsbrief',
    offers: 'onze aanbiedingen',
  },
  channels: {
    email: 'deze e-mails',
    sms: 'deze sms-berichten',
    phone: 'deze telefoontjes',
    postal: 'deze post',
    push: 'deze meldingen',
    messaging: 'deze berichten',
    any: 'deze berichten',
  },
};
