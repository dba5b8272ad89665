import type { BuiltInReminderLocale } from '../reminder-locale';

/**
 * English. A bare `en` writes dates day first ("19 September 2012", as en-GB and most English-speaking
 * countries outside the US do); `en-US` and other regional tags follow their own convention
 * ("September 19, 2012").
 */
export const reminderLocaleEnglish: BuiltInReminderLocale = {
  language: 'en',
  templates: {
    'email-footer': 'You are receiving {purpose} {reason}.',
    'postal-mail': 'We are sending you {purpose} {reason}.',
    'preference-centre': {
      subscribed: 'You subscribed to {purpose} on {date} {source}.',
      default: 'You receive {purpose} {reason}.',
    },
    'unsubscribe-page': {
      subscribed: 'You have been receiving {purpose} since you subscribed on {date} {source}.',
      default: 'As a reminder, you receive {purpose} {reason}.',
    },
    'welcome-message': {
      subscribed: 'Thank you for subscribing on {date} {source}: from now on, you will receive {purpose}.',
      default: 'Welcome! From now on, you will receive {purpose} {reason}.',
    },
    reasons: {
      subscribed: 'because you subscribed on {date} {source}',
      'subscribed:purchase': 'because you subscribed when making a purchase on {date} {source}',
      relationship: 'because we have been in touch since {date} {source}',
      'relationship:purchase': 'because you have been a customer since your purchase on {date} {source}',
      provided: 'because your details were added to our list on {date} {source}',
      'provided:partner': 'because your details were provided to us by our partner {partner} on {date}',
    },
    sources: {
      event: 'at {name}',
      'web-form': 'online ({name})',
      import: '({name})',
      purchase: 'at {name}',
      'paper-form': 'on a paper form ({name})',
      phone: 'by phone ({name})',
      api: 'via {name}',
      'crm-user': 'through our team ({name})',
      'crm-automation': '({name})',
      partner: 'through our partner {partner}',
      subject: '({name})',
      other: '({name})',
    },
  },
  purposes: {
    newsletter: 'this newsletter',
    offers: 'our offers',
  },
  channels: {
    email: 'these emails',
    sms: 'these text messages',
    phone: 'these calls',
    postal: 'this mailing',
    push: 'these notifications',
    messaging: 'these messages',
    any: 'these messages',
  },
  dateLocale: 'en-GB',
};
